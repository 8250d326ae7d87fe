import { PlusOutlined } from "@ant-design/icons";
import { App, Button, Checkbox, Empty, Flex, Form, Input, InputNumber, Segmented, Select, Space, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useState } from "react";

import { call, type CaseStatus, type InspectionAspect, type InspectionSummary, type InspectionView } from "../../api";
import { chinaToday } from "../../components/handling/common";
import { useI18n } from "../../i18n";
import { FormModal, rowProps, useReloaded, useRules } from "../emergency/shared";
import { InspectionDetail } from "./InspectionDetail";
import { ASPECTS, InspectionStatusTag, SEED_PATTERN, STAGES, useUnitLabel, useUnits } from "./shared";

type StatusFilter = "all" | "open" | "closed";

interface OpenValues {
  title: string;
  held_on: string;
  unit_id?: string;
  stage?: CaseStatus;
  scope: InspectionAspect[];
  period_from: string;
  period_to: string;
  sample_size: number | null;
  seed?: string;
}

/** The first day of the month before the one `day` falls in. */
function lastMonthStart(day: string): string {
  const year = Number(day.slice(0, 4));
  const month = Number(day.slice(5, 7));
  return month === 1 ? `${year - 1}-12-01` : `${year}-${String(month - 1).padStart(2, "0")}-01`;
}

/** 新建检查: the scope of an inspection, and the random sample drawn from it. */
function OpenModal({ open, onClose, onOpened }: { open: boolean; onClose: () => void; onOpened: (view: InspectionView) => void }) {
  const { m } = useI18n();
  const i = m.supervision.inspections;
  const f = i.form;
  const rules = useRules();
  const units = useUnits(open);
  const unitLabel = useUnitLabel();
  const today = chinaToday();
  const required = { required: true, message: m.supervision.required };

  return (
    <FormModal<OpenValues, InspectionView>
      open={open}
      title={f.title}
      width={720}
      fields={["title", "held_on", "unit_id", "stage", "scope", "period_from", "period_to", "sample_size", "seed"]}
      initialValues={{
        held_on: today,
        scope: [...ASPECTS],
        period_from: lastMonthStart(today),
        period_to: today,
        sample_size: 20,
      }}
      submitTestId="inspection-submit"
      okText={f.submit}
      submit={(v) => {
        const seed = v.seed?.trim();
        return call("inspections.open", {
          title: v.title.trim(),
          held_on: v.held_on.trim(),
          ...(v.unit_id ? { unit_id: v.unit_id } : {}),
          ...(v.stage ? { stage: v.stage } : {}),
          scope: v.scope ?? [],
          period_from: v.period_from.trim(),
          period_to: v.period_to.trim(),
          sample_size: v.sample_size ?? 0,
          ...(seed ? { seed } : {}),
        });
      }}
      onCancel={onClose}
      onDone={onOpened}
    >
      <Form.Item name="title" label={f.name} rules={[rules.required]}>
        <Input maxLength={200} autoComplete="off" data-testid="inspection-title" />
      </Form.Item>
      <Space size="large" wrap align="start">
        <Form.Item name="held_on" label={f.heldOn} rules={[rules.required, rules.date]}>
          <Input placeholder="YYYY-MM-DD" style={{ width: 160 }} data-testid="inspection-held-on" />
        </Form.Item>
        <Form.Item name="unit_id" label={f.unit} extra={f.unitHint}>
          <Select<string>
            allowClear
            showSearch={{ optionFilterProp: "label" }}
            style={{ width: 240 }}
            placeholder={i.wholeCompany}
            loading={units === null}
            data-testid="inspection-unit"
            options={(units ?? []).map((u) => ({ value: u.id, label: unitLabel(u) }))}
          />
        </Form.Item>
        <Form.Item name="stage" label={f.stage} extra={f.stageHint}>
          <Select<CaseStatus>
            allowClear
            style={{ width: 160 }}
            placeholder={i.allStages}
            data-testid="inspection-stage"
            options={STAGES.map((st) => ({ value: st, label: m.labels.status[st] }))}
          />
        </Form.Item>
      </Space>
      <Form.Item name="scope" label={f.scope} rules={[{ required: true, type: "array", min: 1, message: f.scopeRequired }]}>
        <Checkbox.Group data-testid="inspection-scope" options={ASPECTS.map((a) => ({ value: a, label: i.aspect[a] }))} />
      </Form.Item>
      <Space size="large" wrap align="start">
        <Form.Item name="period_from" label={f.periodFrom} rules={[rules.required, rules.date]}>
          <Input placeholder="YYYY-MM-DD" style={{ width: 160 }} data-testid="inspection-period-from" />
        </Form.Item>
        <Form.Item name="period_to" label={f.periodTo} rules={[rules.required, rules.date]}>
          <Input placeholder="YYYY-MM-DD" style={{ width: 160 }} data-testid="inspection-period-to" />
        </Form.Item>
        <Form.Item name="sample_size" label={f.sampleSize} extra={f.sampleHint} rules={[required]}>
          <InputNumber min={1} max={200} precision={0} suffix={f.casesUnit} style={{ width: 160 }} data-testid="inspection-sample-size" />
        </Form.Item>
      </Space>
      <Form.Item
        name="seed"
        label={f.seed}
        extra={f.seedHint}
        rules={[{ pattern: SEED_PATTERN, message: f.seedFormat, transform: (x?: string) => x?.trim() }]}
      >
        <Input maxLength={16} autoComplete="off" style={{ width: 240 }} className="num" placeholder="0123456789abcdef" data-testid="inspection-seed" />
      </Form.Item>
    </FormModal>
  );
}

/** 监督检查 (§七(一)1): inspections by random sample, their verdicts, findings and rectification. */
export function Inspections({ mayManage }: { mayManage: boolean }) {
  const { m } = useI18n();
  const i = m.supervision.inspections;
  const c = i.columns;
  const { message } = App.useApp();
  const [status, setStatus] = useState<StatusFilter>("all");
  const [reloads, setReloads] = useState(0);
  const [opening, setOpening] = useState(false);
  const [shown, setShown] = useState<string | null>(null);
  const { rows, loading } = useReloaded("inspections.list", status === "all" ? {} : { status }, reloads);

  const columns: ColumnsType<InspectionSummary> = [
    {
      key: "title",
      title: c.title,
      ellipsis: true,
      render: (_, r) => (
        <Button type="link" size="small" style={{ padding: 0 }}>
          {r.title}
        </Button>
      ),
    },
    { key: "held_on", title: c.heldOn, width: 110, className: "num", dataIndex: "held_on" },
    { key: "unit", title: c.unit, width: 150, ellipsis: true, render: (_, r) => r.unit ?? i.wholeCompany },
    {
      key: "stage",
      title: c.stage,
      width: 100,
      render: (_, r) =>
        r.stage === null ? i.allStages : r.stage in m.labels.status ? m.labels.status[r.stage as CaseStatus] : r.stage,
    },
    {
      key: "scope",
      title: c.scope,
      width: 220,
      render: (_, r) => (
        <Space size={[4, 4]} wrap>
          {r.scope.map((a) => (
            <Tag key={a}>{i.aspect[a]}</Tag>
          ))}
        </Space>
      ),
    },
    {
      key: "sample",
      title: c.sample,
      width: 100,
      align: "right",
      className: "num",
      render: (_, r) => <span title={i.sampleLong(r.sample_size, r.population)}>{i.sample(r.sample_size, r.population)}</span>,
    },
    {
      key: "issues",
      title: c.issues,
      width: 110,
      align: "right",
      className: "num",
      render: (_, r) => (
        <span title={i.pendingTitle(r.pending)}>
          <Typography.Text type={r.issues > 0 ? "danger" : undefined} strong={r.issues > 0}>
            {r.issues}
          </Typography.Text>
          {r.pending > 0 && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {" "}
              {i.pendingShort(r.pending)}
            </Typography.Text>
          )}
        </span>
      ),
    },
    {
      key: "rectifications",
      title: c.rectifications,
      width: 140,
      align: "right",
      className: "num",
      render: (_, r) => (
        <Space size={4}>
          <span title={i.rectOpenTitle}>{`${r.rectifications_open}/${r.rectifications}`}</span>
          {r.rectifications_overdue > 0 && <Tag color="red">{i.overdue(r.rectifications_overdue)}</Tag>}
        </Space>
      ),
    },
    { key: "status", title: c.status, width: 90, render: (_, r) => <InspectionStatusTag status={r.status} /> },
    { key: "inspector", title: c.inspector, width: 100, ellipsis: true, dataIndex: "inspector" },
  ];

  return (
    <>
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
        <Flex align="center" wrap gap={12}>
          <Segmented<StatusFilter>
            value={status}
            onChange={setStatus}
            data-testid="inspections-status"
            options={[
              { value: "all", label: i.all },
              { value: "open", label: i.status.open },
              { value: "closed", label: i.status.closed },
            ]}
          />
          <Typography.Text type="secondary">{i.intro}</Typography.Text>
        </Flex>
        {mayManage && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpening(true)} data-testid="inspection-new">
            {i.new}
          </Button>
        )}
      </Flex>
      <Table<InspectionSummary>
        rowKey="id"
        size="middle"
        loading={loading}
        dataSource={rows ?? []}
        columns={columns}
        data-testid="inspections-table"
        scroll={{ x: 1300 }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: <Empty description={i.empty} /> }}
        onRow={(r) => rowProps("inspection-row", r.id, () => setShown(r.id))}
      />
      <OpenModal
        open={opening}
        onClose={() => setOpening(false)}
        onOpened={(view) => {
          setOpening(false);
          message.success(i.opened(view.summary.sample_size, view.summary.population));
          setReloads((n) => n + 1);
          setShown(view.summary.id);
        }}
      />
      <InspectionDetail
        id={shown}
        mayManage={mayManage}
        onClose={() => setShown(null)}
        onChanged={() => setReloads((n) => n + 1)}
      />
    </>
  );
}
