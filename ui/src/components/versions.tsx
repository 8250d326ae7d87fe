// Versioned documents (contingency plans, operating standards): drafted, approved in force from
// a day, never changed once approved. Their versions' standing, the list of versions to choose
// one from, and the approval dialog with its effective date.
import { Button, Card, Form, Input, Space, Tag, Typography } from "antd";

import type { VersionStatus } from "../api";
import { formatDateTime } from "../format";
import { useI18n } from "../i18n";
import { FormModal, useRules } from "./FormModal";
import { chinaToday } from "./handling/common";

/** What a version shows of itself in the list. */
export interface VersionLine {
  version: number;
  status: VersionStatus;
  /** The version in force today. */
  in_force: boolean;
  effective_from: string | null;
  drafted_at: string;
}

/** A version's standing: 草稿, 现行 (in force today), or 已批准 (not or no longer in force). */
export function VersionTag({ version }: { version: Pick<VersionLine, "status" | "in_force"> }) {
  const { m } = useI18n();
  const s = m.versions.status;
  if (version.status === "draft") return <Tag>{s.draft}</Tag>;
  return version.in_force ? <Tag color="green">{s.in_force}</Tag> : <Tag color="blue">{s.approved}</Tag>;
}

/**
 * The versions of a document (newest first), the one shown highlighted; a click shows another.
 * Drafts carry an approve button for those who may approve. Test ids: `{testId}-version-{n}`,
 * `{testId}-approve-{n}`.
 */
export function VersionList<V extends VersionLine>({
  versions,
  shown,
  onShow,
  mayApprove,
  onApprove,
  testId,
}: {
  versions: V[];
  /** The version shown. */
  shown: number;
  onShow: (version: V) => void;
  mayApprove: boolean;
  onApprove: (version: V) => void;
  testId: string;
}) {
  const { m } = useI18n();
  const t = m.versions;
  return (
    <Card size="small" title={t.title}>
      <div role="list">
        {versions.map((v) => (
          <div
            key={v.version}
            role="listitem"
            className="plan-version"
            data-testid={`${testId}-version-${v.version}`}
            aria-current={v.version === shown ? "true" : undefined}
            onClick={() => onShow(v)}
            style={{
              cursor: "pointer",
              display: "flex",
              alignItems: "center",
              gap: 8,
              padding: "8px",
              borderBottom: "1px solid #f0f0f0",
              background: v.version === shown ? "#e6f4ff" : undefined,
            }}
          >
            <div style={{ flex: 1, minWidth: 0 }}>
              <Space size={4}>
                <Typography.Text strong>{t.version(v.version)}</Typography.Text>
                <VersionTag version={v} />
              </Space>
              <Typography.Text type="secondary" className="num" style={{ display: "block", fontSize: 12 }}>
                {v.effective_from ? t.effectiveOn(v.effective_from) : t.draftedOn(formatDateTime(v.drafted_at))}
              </Typography.Text>
            </div>
            {mayApprove && v.status === "draft" && (
              <Button
                size="small"
                type="primary"
                onClick={(ev) => {
                  ev.stopPropagation();
                  onApprove(v);
                }}
                data-testid={`${testId}-approve-${v.version}`}
              >
                {t.approve}
              </Button>
            )}
          </div>
        ))}
      </div>
    </Card>
  );
}

/**
 * Approves a draft version, in force from a day (today or later; today offered). `submit` sends
 * the day; the core's problems land on the field. Test ids: `{testId}-effective-from`,
 * `{testId}-approve-submit`.
 */
export function ApproveVersionModal<R>({
  version,
  submit,
  onCancel,
  onDone,
  testId,
}: {
  /** The version to approve; none: closed. */
  version: number | null;
  submit: (effectiveFrom: string) => Promise<R>;
  onCancel: () => void;
  onDone: (result: R) => void;
  testId: string;
}) {
  const { m } = useI18n();
  const t = m.versions;
  const rules = useRules();
  return (
    <FormModal<{ effective_from: string }, R>
      open={version !== null}
      title={t.approveTitle(version ?? 0)}
      fields={["effective_from"]}
      initialValues={{ effective_from: chinaToday() }}
      submitTestId={`${testId}-approve-submit`}
      okText={t.approve}
      intro={<Typography.Paragraph type="secondary">{t.approveHint}</Typography.Paragraph>}
      submit={(v) => submit(v.effective_from.trim())}
      onCancel={onCancel}
      onDone={onDone}
    >
      <Form.Item name="effective_from" label={t.effectiveFrom} rules={[rules.required, rules.date]} extra={t.effectiveHint}>
        <Input placeholder="YYYY-MM-DD" style={{ width: 200 }} data-testid={`${testId}-effective-from`} />
      </Form.Item>
    </FormModal>
  );
}
