// Operating standards (§二(二)): the company's service commitments, charges and standard contract
// terms. Their kind as a tag, their text as written, and the lookup an agent opens at intake:
// the versions in force, those answering the complaint's category first.
import { Alert, App, Collapse, Drawer, Empty, Input, Space, Spin, Tag, Typography } from "antd";
import { useEffect, useState } from "react";

import { call, type StandardInForce, type StandardKind, type StandardsLookupRequest } from "../api";
import { useCodes } from "../codes";
import { useI18n } from "../i18n";

export const STANDARD_KINDS: StandardKind[] = ["service_commitment", "charges", "contract_terms", "other"];

const KIND_COLOR: Record<StandardKind, string> = {
  service_commitment: "geekblue",
  charges: "gold",
  contract_terms: "purple",
  other: "default",
};

export function StandardKindTag({ kind }: { kind: StandardKind }) {
  const { m } = useI18n();
  return <Tag color={KIND_COLOR[kind]}>{m.standards.kind[kind] ?? kind}</Tag>;
}

/** A standard's text with its line breaks kept. */
export function StandardText({ text, testId }: { text: string; testId?: string }) {
  return (
    <div style={{ whiteSpace: "pre-wrap", lineHeight: 1.8 }} data-testid={testId}>
      {text}
    </div>
  );
}

/** The categories a standard answers, as tags; none: it answers every complaint. */
export function StandardCategories({ codes: list }: { codes: string[] }) {
  const { m } = useI18n();
  const codes = useCodes();
  if (list.length === 0) return <Typography.Text type="secondary">{m.standards.allCategories}</Typography.Text>;
  return (
    <Space size={[0, 4]} wrap>
      {list.map((c) => (
        <Tag key={c}>{codes.label("category", c)}</Tag>
      ))}
    </Space>
  );
}

/** How long typing may pause before the standards are looked up again. */
const SEARCH_DELAY_MS = 300;

/**
 * 查阅业务规范: a side panel beside the intake form (which it leaves alone) with the standards in
 * force, narrowed by the words typed, those answering `category` first and marked so; each opens
 * to its full text.
 */
export function StandardsLookup({ open, category, onClose }: { open: boolean; category?: string | null; onClose: () => void }) {
  const { m } = useI18n();
  const t = m.standards.lookup;
  const codes = useCodes();
  const { message } = App.useApp();
  const [query, setQuery] = useState("");
  const [found, setFound] = useState<{ key: string; rows: StandardInForce[] } | null>(null);

  const request: StandardsLookupRequest = {
    ...(query.trim() ? { query: query.trim() } : {}),
    ...(category ? { category } : {}),
  };
  const key = JSON.stringify(request);

  useEffect(() => {
    if (!open) return;
    let live = true;
    const timer = window.setTimeout(() => {
      call("standards.lookup", JSON.parse(key) as StandardsLookupRequest)
        .then((rows) => live && setFound({ key, rows }))
        .catch((e: Error) => {
          if (!live) return;
          setFound({ key, rows: [] });
          message.error(e.message);
        });
    }, SEARCH_DELAY_MS);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [open, key, message]);

  const rows = found?.rows ?? [];
  const loading = found?.key !== key;

  return (
    <Drawer
      open={open}
      onClose={onClose}
      title={t.title}
      size={560}
      mask={false}
      data-testid="standards-lookup"
    >
      <Input.Search
        allowClear
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        placeholder={t.search}
        aria-label={t.search}
        data-testid="standards-lookup-query"
        style={{ marginBottom: 8 }}
      />
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 12 }}
        title={category ? t.forCategory(codes.label("category", category)) : t.noCategory}
        data-testid="standards-lookup-hint"
      />
      <Spin spinning={loading && found !== null}>
        {found === null ? (
          <Spin style={{ display: "block", margin: "24px auto" }} />
        ) : rows.length === 0 ? (
          <Empty description={t.empty} />
        ) : (
          <Collapse
            data-testid="standards-lookup-list"
            items={rows.map((s) => ({
              key: s.id,
              label: (
                <div data-testid="standards-lookup-item" data-id={s.id}>
                  <Space size={4} wrap>
                    <Typography.Text strong>{s.title}</Typography.Text>
                    <StandardKindTag kind={s.kind} />
                    {s.matches_category && (
                      <Tag color="green" data-testid="standards-lookup-match">
                        {t.matches}
                      </Tag>
                    )}
                  </Space>
                  <Typography.Text type="secondary" className="num" style={{ display: "block", fontSize: 12 }}>
                    {t.versionOn(s.version, s.effective_from)}
                  </Typography.Text>
                </div>
              ),
              children: (
                <>
                  <div style={{ marginBottom: 8 }}>
                    <StandardCategories codes={s.categories} />
                  </div>
                  <StandardText text={s.body} testId="standards-lookup-text" />
                </>
              ),
            }))}
          />
        )}
      </Spin>
    </Drawer>
  );
}
