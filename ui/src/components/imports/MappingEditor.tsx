import { Alert, Col, Flex, Form, Input, Row, Select, Space, Table, Tag, Typography } from "antd";

import type { CaseStatus, Demand, ImportField, ImportMapping } from "../../api";
import { useCodes } from "../../codes";
import { useI18n } from "../../i18n";
import { SATISFACTIONS, SEVERITIES, STATUSES } from "../ledger/FilterBar";
import {
  IMPORT_FIELDS,
  isCoded,
  REQUIRED_FIELDS,
  sampleValues,
  type CodedField,
  type Drafts,
  type FieldDraft,
  type MappingMeta,
  type Mode,
} from "./mapping";

const DEMANDS: Demand[] = ["refund", "exchange", "repair", "compensation", "apology", "other"];
/** Imported cases may take any status but "merged". */
const IMPORT_STATUSES: CaseStatus[] = STATUSES.filter((s) => s !== "merged");

/** The options of a coded field: code → label in the reader's language. */
export function useCodeOptions(): (field: CodedField) => { value: string; label: string }[] {
  const { m } = useI18n();
  const codes = useCodes();
  return (field) => {
    switch (field) {
      case "channel":
      case "category":
        return codes.active(field).map((e) => ({ value: e.code, label: codes.label(field, e.code) }));
      case "severity":
        return SEVERITIES.map((s) => ({ value: s, label: m.labels.severity[s] }));
      case "demand":
        return DEMANDS.map((d) => ({ value: d, label: m.labels.demand[d] ?? d }));
      case "status":
        return IMPORT_STATUSES.map((s) => ({ value: s, label: m.labels.status[s] }));
      case "satisfaction":
        return SATISFACTIONS.map((s) => ({ value: s, label: m.labels.satisfaction[s] }));
    }
  };
}

/** Step 2: where each case field comes from. */
export function MappingEditor({
  headers,
  sample,
  meta,
  onMeta,
  drafts,
  onDraft,
  saved,
  onApplySaved,
}: {
  headers: string[];
  sample: string[][];
  meta: MappingMeta;
  onMeta: (meta: MappingMeta) => void;
  drafts: Drafts;
  onDraft: (field: ImportField, draft: FieldDraft) => void;
  saved: ImportMapping[];
  onApplySaved: (mapping: ImportMapping) => void;
}) {
  const { m } = useI18n();
  const t = m.imports;
  const optionsOf = useCodeOptions();
  const headerOptions = headers.map((h) => ({ value: h, label: h }));

  const valueInput = (field: ImportField, value: string, onChange: (v: string) => void, testId: string, placeholder?: string) =>
    isCoded(field) ? (
      <Select<string>
        allowClear
        showSearch={{ optionFilterProp: "label" }}
        style={{ width: "100%" }}
        value={value === "" ? undefined : value}
        placeholder={placeholder}
        onChange={(v) => onChange(v ?? "")}
        options={optionsOf(field)}
        data-testid={testId}
      />
    ) : (
      <Input value={value} placeholder={placeholder} onChange={(e) => onChange(e.target.value)} data-testid={testId} />
    );

  const valueMap = (field: CodedField, d: FieldDraft) => {
    const found = sampleValues(d, headers, sample);
    return (
      <div style={{ marginTop: 8 }} data-testid={`map-${field}-values`}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {t.valueMap}：{t.valueMapHint}
        </Typography.Text>
        {found.length === 0 ? (
          <div>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {t.noSampleValues}
            </Typography.Text>
          </div>
        ) : (
          found.map((v, i) => {
            const key = Object.keys(d.values).find((k) => k.trim().toLowerCase() === v.toLowerCase()) ?? v;
            return (
              <Row key={v} gutter={8} align="middle" style={{ marginTop: 4 }}>
                <Col span={10}>
                  <Tag style={{ maxWidth: "100%", overflow: "hidden", textOverflow: "ellipsis" }} title={v}>
                    {v}
                  </Tag>
                </Col>
                <Col span={14}>
                  <Select<string>
                    allowClear
                    size="small"
                    showSearch={{ optionFilterProp: "label" }}
                    style={{ width: "100%" }}
                    placeholder={t.asIs}
                    value={d.values[key] || undefined}
                    onChange={(code) => {
                      const values = { ...d.values };
                      delete values[key];
                      if (code) values[v] = code;
                      onDraft(field, { ...d, values });
                    }}
                    options={optionsOf(field)}
                    aria-label={`${t.valueMap} ${v}`}
                    data-testid={`map-${field}-value-${i}`}
                  />
                </Col>
              </Row>
            );
          })
        )}
      </div>
    );
  };

  const source = (field: ImportField) => {
    const d = drafts[field];
    if (d.mode === "value") return valueInput(field, d.value, (value) => onDraft(field, { ...d, value }), `map-${field}-value`);
    if (d.mode === "none") return null;
    return (
      <>
        <Flex gap={8}>
          <Select<string[]>
            mode="multiple"
            allowClear
            style={{ flex: 1, minWidth: 0 }}
            placeholder={t.columnsHint}
            value={d.columns}
            onChange={(columns) => onDraft(field, { ...d, columns })}
            options={headerOptions}
            aria-label={`${m.imports.fields[field]} ${t.columns}`}
            data-testid={`map-${field}-columns`}
          />
          {d.columns.length > 1 && (
            <Input
              style={{ width: 110 }}
              value={d.join}
              placeholder={t.joinPlaceholder}
              aria-label={t.join}
              onChange={(e) => onDraft(field, { ...d, join: e.target.value })}
              data-testid={`map-${field}-join`}
            />
          )}
        </Flex>
        {isCoded(field) && d.columns.length > 0 && valueMap(field, d)}
      </>
    );
  };

  return (
    <Space orientation="vertical" style={{ width: "100%" }} data-testid="import-mapping">
      <Form layout="vertical">
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item label={t.source} extra={t.sourceHint} required>
              <Input
                value={meta.source}
                maxLength={100}
                onChange={(e) => onMeta({ ...meta, source: e.target.value })}
                data-testid="import-source"
              />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item label={t.externalId} extra={t.externalIdHint}>
              <Select<string[]>
                mode="multiple"
                allowClear
                value={meta.external_id}
                onChange={(external_id) => onMeta({ ...meta, external_id })}
                options={headerOptions}
                data-testid="import-external-id"
              />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item label={t.dateFormats} extra={t.dateFormatsHint}>
              <Select<string[]>
                mode="tags"
                open={false}
                value={meta.date_formats}
                onChange={(date_formats) => onMeta({ ...meta, date_formats })}
                data-testid="import-date-formats"
              />
            </Form.Item>
          </Col>
        </Row>
        {saved.length > 0 && (
          <Form.Item label={t.applySaved}>
            <Select<string>
              style={{ width: 320 }}
              placeholder={t.applySavedHint}
              value={null}
              onChange={(sourceName) => {
                const found = saved.find((x) => x.source === sourceName);
                if (found) onApplySaved(found);
              }}
              options={saved.map((x) => ({ value: x.source, label: x.source }))}
              data-testid="import-saved-mappings"
            />
          </Form.Item>
        )}
      </Form>
      <Alert type="info" showIcon title={t.mappingHint} />
      <Table<ImportField>
        rowKey={(f) => f}
        size="small"
        bordered
        pagination={false}
        dataSource={IMPORT_FIELDS}
        data-testid="import-fields"
        onRow={(f) => ({ "data-testid": `map-${f}` }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          {
            key: "field",
            title: t.field,
            width: 200,
            render: (_: unknown, f) => (
              <Space size={4}>
                {REQUIRED_FIELDS.has(f) && (
                  <Typography.Text type="danger" aria-label={t.required}>
                    *
                  </Typography.Text>
                )}
                <span>{m.imports.fields[f]}</span>
              </Space>
            ),
          },
          {
            key: "mode",
            title: t.mode,
            width: 130,
            render: (_: unknown, f) => (
              <Select<Mode>
                style={{ width: "100%" }}
                value={drafts[f].mode}
                onChange={(mode) => onDraft(f, { ...drafts[f], mode })}
                options={(["column", "value", "none"] as const).map((x) => ({ value: x, label: t.modes[x] }))}
                aria-label={`${m.imports.fields[f]} ${t.mode}`}
                data-testid={`map-${f}-mode`}
              />
            ),
          },
          { key: "source", title: t.columnsOrValue, render: (_: unknown, f) => source(f) },
          {
            key: "default",
            title: t.default,
            width: 200,
            render: (_: unknown, f) =>
              drafts[f].mode === "column"
                ? valueInput(f, drafts[f].default, (v) => onDraft(f, { ...drafts[f], default: v }), `map-${f}-default`, t.defaultHint)
                : null,
          },
        ]}
      />
    </Space>
  );
}
