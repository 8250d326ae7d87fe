import { PlusOutlined } from "@ant-design/icons";
import { Button, Card, Form, Input, Space, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useState } from "react";

import { call, type IncidentMeasureView, type IncidentView } from "../../api";
import { formatDateTime } from "../../format";
import { useI18n } from "../../i18n";
import { FormModal, rowProps, useRules, type SectionProps } from "./shared";

interface MeasureValues {
  measure: string;
  effect?: string;
  taken_at?: string;
}

/** 控制措施: what was done to contain the incident, and how well it worked. */
export function IncidentMeasures({ view, editable, onView }: SectionProps) {
  const { m } = useI18n();
  const t = m.emergency.incident.measures;
  const rules = useRules();
  const [adding, setAdding] = useState(false);
  const [assessing, setAssessing] = useState<IncidentMeasureView | null>(null);

  const columns: ColumnsType<IncidentMeasureView> = [
    {
      key: "taken",
      title: t.columns.taken,
      width: 150,
      render: (_, x) => (
        <Space orientation="vertical" size={0}>
          <span className="num">{formatDateTime(x.taken_at)}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {x.taken_by}
          </Typography.Text>
        </Space>
      ),
    },
    {
      key: "measure",
      title: t.columns.measure,
      render: (_, x) => <div style={{ whiteSpace: "pre-wrap" }}>{x.measure}</div>,
    },
    {
      key: "effect",
      title: t.columns.effect,
      width: 300,
      render: (_, x, index) =>
        x.effect ? (
          <Space orientation="vertical" size={0}>
            <div style={{ whiteSpace: "pre-wrap" }}>{x.effect}</div>
            <Typography.Text type="secondary" className="num" style={{ fontSize: 12 }}>
              {formatDateTime(x.effect_at)}
            </Typography.Text>
          </Space>
        ) : (
          <Space size={8}>
            <Tag color="orange">{t.pending}</Tag>
            {editable && (
              <Button size="small" type="link" onClick={() => setAssessing(x)} data-testid={`measure-assess-${index}`}>
                {t.assess}
              </Button>
            )}
          </Space>
        ),
    },
  ];

  return (
    <Card
      size="small"
      title={t.title}
      data-testid="incident-measures"
      extra={
        editable && (
          <Button size="small" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="measure-add">
            {t.add}
          </Button>
        )
      }
    >
      <Table<IncidentMeasureView>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={view.measures}
        columns={columns}
        locale={{ emptyText: t.none }}
        onRow={(_, index) => rowProps(`incident-measure-${index ?? 0}`)}
      />
      <FormModal<MeasureValues, IncidentView>
        open={adding}
        title={t.addTitle}
        fields={["measure", "effect", "taken_at"]}
        submitTestId="measure-submit"
        width={640}
        submit={(v) =>
          call("incidents.measure", {
            id: view.id,
            measure: v.measure.trim(),
            ...(v.effect?.trim() ? { effect: v.effect.trim() } : {}),
            ...(v.taken_at?.trim() ? { taken_at: v.taken_at.trim() } : {}),
          })
        }
        onCancel={() => setAdding(false)}
        onDone={(v) => {
          setAdding(false);
          onView(v);
        }}
      >
        <Form.Item name="measure" label={t.measure} rules={[rules.required]} extra={t.measureHint}>
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 10 }} maxLength={5000} data-testid="measure-text" />
        </Form.Item>
        <Form.Item name="taken_at" label={t.takenAt} rules={[rules.moment]} extra={t.momentHint}>
          <Input placeholder="YYYY-MM-DD HH:MM" style={{ width: 220 }} data-testid="measure-at" />
        </Form.Item>
        <Form.Item name="effect" label={t.effect} extra={t.effectHint}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 8 }} maxLength={5000} data-testid="measure-effect" />
        </Form.Item>
      </FormModal>
      <FormModal<{ effect: string }, IncidentView>
        open={assessing !== null}
        title={t.assessTitle}
        fields={["effect"]}
        submitTestId="assess-submit"
        width={640}
        intro={
          assessing && (
            <Typography.Paragraph type="secondary" style={{ whiteSpace: "pre-wrap" }}>
              {assessing.measure}
            </Typography.Paragraph>
          )
        }
        submit={(v) => call("incidents.assess", { id: view.id, measure_id: assessing?.id ?? "", effect: v.effect.trim() })}
        onCancel={() => setAssessing(null)}
        onDone={(v) => {
          setAssessing(null);
          onView(v);
        }}
      >
        <Form.Item name="effect" label={t.effect} rules={[rules.required]}>
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 10 }} maxLength={5000} data-testid="assess-text" />
        </Form.Item>
      </FormModal>
    </Card>
  );
}
