import { Alert, Descriptions, Form, Input, Radio, Select, Space, Typography } from "antd";
import { useEffect, useState } from "react";

import {
  call,
  type AlertEvidence,
  type EmergencyKind,
  type IncidentDeclareRequest,
  type IncidentLevel,
  type IncidentView,
  type IncidentWatch,
  type OrgUnitView,
  type WatchDimension,
} from "../../api";
import { useCodes } from "../../codes";
import { formatDateTime } from "../../format";
import { useI18n } from "../../i18n";
import { DIMENSIONS, EMERGENCY_KINDS, FormModal, LEVELS, num, pValue, useRules } from "./shared";

/** What an incident declared from an alert starts with. */
export interface DeclarePreset {
  title: string;
  kind: EmergencyKind;
  level: IncidentLevel;
  summary: string;
  watch: IncidentWatch;
  origin: AlertEvidence;
  case_ids: string[];
}

interface Values {
  title: string;
  kind: EmergencyKind;
  level: IncidentLevel;
  summary: string;
  watch?: { dimension?: WatchDimension | null; value?: string | null };
}

/**
 * 认定突发事件: from an alert (its cases linked, its value watched, its evidence kept), or by
 * hand (optionally watching a product, store or category for new cases).
 */
export function DeclareModal({
  open,
  preset,
  onClose,
  onDeclared,
}: {
  open: boolean;
  /** From an alert; null: by hand. */
  preset: DeclarePreset | null;
  onClose: () => void;
  onDeclared: (view: IncidentView) => void;
}) {
  const { m } = useI18n();
  const e = m.emergency;
  const d = e.declare;
  const codes = useCodes();
  const rules = useRules();
  const [form] = Form.useForm<Values>();
  const dimension = Form.useWatch(["watch", "dimension"], form) ?? null;
  const [stores, setStores] = useState<OrgUnitView[] | null>(null);
  const wantStores = open && !preset && dimension === "store";

  useEffect(() => {
    if (!wantStores || stores) return;
    let live = true;
    call("org.list", {})
      .then((units) => live && setStores(units.filter((u) => u.kind === "store" || u.kind === "branch")))
      .catch(() => live && setStores([]));
    return () => {
      live = false;
    };
  }, [wantStores, stores]);

  const initial: Values = preset
    ? { title: preset.title, kind: preset.kind, level: preset.level, summary: preset.summary }
    : { title: "", kind: "product_safety", level: "major", summary: "", watch: { dimension: null, value: null } };

  const labelOf = (dim: WatchDimension, value: string) => {
    if (dim === "store") return stores?.find((u) => u.id === value)?.name ?? value;
    if (dim === "category") return codes.label("category", value);
    return value;
  };

  const submit = (v: Values) => {
    let watch: IncidentWatch | undefined;
    if (preset) watch = preset.watch;
    else if (v.watch?.dimension && v.watch.value?.trim()) {
      const value = v.watch.value.trim();
      watch = { dimension: v.watch.dimension, value, label: labelOf(v.watch.dimension, value) };
    }
    const request: IncidentDeclareRequest = {
      title: v.title.trim(),
      kind: v.kind,
      level: v.level,
      summary: v.summary.trim(),
      ...(watch ? { watch } : {}),
      ...(preset ? { origin: preset.origin } : {}),
      case_ids: preset?.case_ids ?? [],
    };
    return call("incidents.declare", request);
  };

  const o = preset?.origin;
  return (
    <FormModal<Values, IncidentView>
      open={open}
      title={preset ? d.fromAlert : d.byHand}
      width={720}
      form={form}
      fields={["title", "kind", "level", "summary", "watch"]}
      initialValues={initial}
      submit={submit}
      onCancel={onClose}
      onDone={onDeclared}
      okText={d.submit}
      submitTestId="incident-declare-submit"
      intro={
        o ? (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 12 }}
            title={d.evidence}
            data-testid="declare-evidence"
            description={
              <Descriptions
                size="small"
                column={2}
                items={[
                  { key: "value", label: e.dimension[o.dimension], children: o.label },
                  {
                    key: "window",
                    label: d.window,
                    children: `${formatDateTime(o.window_start)} — ${formatDateTime(o.window_end)}`,
                  },
                  {
                    key: "burst",
                    label: d.burst,
                    children: e.alerts.burst(o.window_hours, o.observed, num(o.expected), num(o.observed / o.expected)),
                  },
                  { key: "p", label: d.p, children: pValue(o.p_value) },
                  { key: "cases", label: d.cases, children: d.casesLinked(preset?.case_ids.length ?? 0) },
                  { key: "watch", label: d.watch, children: d.watching(e.dimension[o.dimension], o.label) },
                ]}
              />
            }
          />
        ) : (
          <Typography.Paragraph type="secondary">{d.byHandHint}</Typography.Paragraph>
        )
      }
    >
      <Form.Item name="title" label={d.title} rules={[rules.required]}>
        <Input maxLength={60} showCount data-testid="incident-title" />
      </Form.Item>
      <Space size="large" wrap align="start">
        <Form.Item name="kind" label={d.kind} rules={[rules.required]}>
          <Select<EmergencyKind>
            style={{ width: 200 }}
            data-testid="incident-kind"
            options={EMERGENCY_KINDS.map((k) => ({ value: k, label: e.kind[k] }))}
          />
        </Form.Item>
        <Form.Item name="level" label={d.level} rules={[rules.required]}>
          <Radio.Group
            optionType="button"
            data-testid="incident-level"
            options={LEVELS.map((l) => ({ value: l, label: e.level[l] }))}
          />
        </Form.Item>
      </Space>
      <Form.Item name="summary" label={d.summary} rules={[rules.required]} extra={d.summaryHint}>
        <Input.TextArea autoSize={{ minRows: 4, maxRows: 12 }} maxLength={5000} data-testid="incident-summary" />
      </Form.Item>
      {!preset && (
        <Form.Item label={d.watch} extra={d.watchHint} style={{ marginBottom: 0 }}>
          <Space.Compact style={{ width: "100%" }}>
            <Form.Item name={["watch", "dimension"]} noStyle>
              <Select<WatchDimension | null>
                style={{ width: 160 }}
                data-testid="incident-watch-dimension"
                onChange={() => form.setFieldValue(["watch", "value"], null)}
                options={[
                  { value: null, label: d.noWatch },
                  ...DIMENSIONS.map((dim) => ({ value: dim, label: e.dimension[dim] })),
                ]}
              />
            </Form.Item>
            {dimension && (
              <Form.Item name={["watch", "value"]} noStyle rules={[rules.required]}>
                {dimension === "product" ? (
                  <Input maxLength={200} placeholder={d.productPlaceholder} data-testid="incident-watch-value" />
                ) : (
                  <Select<string>
                    showSearch={{ optionFilterProp: "label" }}
                    style={{ flex: 1, minWidth: 240 }}
                    loading={dimension === "store" && stores === null}
                    data-testid="incident-watch-value"
                    options={
                      dimension === "store"
                        ? (stores ?? []).map((u) => ({ value: u.id, label: u.name }))
                        : codes.active("category").map((c) => ({ value: c.code, label: codes.label("category", c.code) }))
                    }
                  />
                )}
              </Form.Item>
            )}
          </Space.Compact>
        </Form.Item>
      )}
    </FormModal>
  );
}
