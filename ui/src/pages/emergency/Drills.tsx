import { PlusOutlined } from "@ant-design/icons";
import { App, Button, Empty, Flex, Form, Input, InputNumber, Select, Space, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useEffect, useState } from "react";

import { call, type ContingencySummary, type DrillView } from "../../api";
import { chinaToday } from "../../components/handling/common";
import { useI18n } from "../../i18n";
import { FormModal, rowProps, useReloaded, useRules } from "./shared";

/** Participants typed in one field: separated by 、 , ， ; ； or new lines. */
export const splitParticipants = (raw: string | undefined) =>
  (raw ?? "")
    .split(/[、,，;；\n]+/)
    .map((p) => p.trim())
    .filter(Boolean);

/** Drills in a table; each may lead to a revision of its plan. */
export function DrillTable({
  rows,
  loading,
  mayManage,
  compact = false,
  onRevise,
}: {
  rows: DrillView[];
  loading?: boolean;
  mayManage: boolean;
  /** Within a plan: its title left out. */
  compact?: boolean;
  onRevise: (drill: DrillView) => void;
}) {
  const { m } = useI18n();
  const d = m.emergency.drills;
  const c = d.columns;
  const p = m.emergency.plans;
  const long = (text: string) =>
    text ? (
      <Typography.Paragraph style={{ margin: 0, whiteSpace: "pre-wrap" }} ellipsis={{ rows: 3, expandable: true }}>
        {text}
      </Typography.Paragraph>
    ) : (
      <Typography.Text type="secondary">—</Typography.Text>
    );

  const columns: ColumnsType<DrillView> = [
    { key: "held_on", title: c.heldOn, width: 110, className: "num", dataIndex: "held_on" },
    ...(compact
      ? [{ key: "version", title: c.version, width: 80, render: (_: unknown, r: DrillView) => p.version(r.plan_version) }]
      : [
          {
            key: "plan",
            title: c.plan,
            width: 220,
            render: (_: unknown, r: DrillView) => (
              <Space orientation="vertical" size={0}>
                <span>{r.plan_title}</span>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {p.version(r.plan_version)}
                </Typography.Text>
              </Space>
            ),
          },
        ]),
    { key: "scenario", title: c.scenario, width: 200, render: (_, r) => long(r.scenario) },
    {
      key: "participants",
      title: c.participants,
      width: 160,
      render: (_, r) => (
        <Typography.Text title={r.participants.join("、")}>
          {r.participants.length > 4 ? d.participantsMore(r.participants.slice(0, 4).join("、"), r.participants.length) : r.participants.join("、")}
        </Typography.Text>
      ),
    },
    { key: "duration", title: c.duration, width: 90, align: "right", className: "num", render: (_, r) => d.minutes(r.duration_minutes) },
    { key: "problems", title: c.problems, render: (_, r) => long(r.problems) },
    { key: "revisions", title: c.revisions, render: (_, r) => long(r.revisions) },
    {
      key: "revised",
      title: c.revised,
      width: 120,
      render: (_, r) =>
        r.revised_versions.length > 0 ? (
          <Space size={[4, 4]} wrap>
            {r.revised_versions.map((v) => (
              <Tag key={v} color="blue">
                {p.version(v)}
              </Tag>
            ))}
          </Space>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
    ...(mayManage
      ? [
          {
            key: "actions",
            title: c.actions,
            width: 120,
            render: (_: unknown, r: DrillView) => (
              <Button
                size="small"
                type="link"
                style={{ padding: 0 }}
                onClick={(ev) => {
                  ev.stopPropagation();
                  onRevise(r);
                }}
                data-testid="drill-revise"
              >
                {d.revise}
              </Button>
            ),
          },
        ]
      : []),
  ];

  return (
    <Table<DrillView>
      rowKey="id"
      size="small"
      loading={loading}
      dataSource={rows}
      columns={columns}
      scroll={{ x: compact ? 900 : 1300 }}
      pagination={{ pageSize: compact ? 5 : 20, hideOnSinglePage: true }}
      locale={{ emptyText: <Empty description={d.empty} /> }}
      onRow={(r) => rowProps("drill-row", r.id)}
    />
  );
}

interface DrillValues {
  plan_id: string;
  held_on: string;
  scenario: string;
  participants: string;
  duration_minutes: number | null;
  problems?: string;
  revisions?: string;
}

/** 登记演练: a drill held on a plan, what it found and the revisions decided. */
function DrillModal({ open, onClose, onRecorded }: { open: boolean; onClose: () => void; onRecorded: (d: DrillView) => void }) {
  const { m } = useI18n();
  const d = m.emergency.drills;
  const rules = useRules();
  const [plans, setPlans] = useState<ContingencySummary[] | null>(null);

  useEffect(() => {
    if (!open) return;
    let live = true;
    call("contingency.list", {})
      .then((found) => live && setPlans(found))
      .catch(() => live && setPlans([]));
    return () => {
      live = false;
    };
  }, [open]);

  return (
    <FormModal<DrillValues, DrillView>
      open={open}
      title={d.newTitle}
      width={720}
      fields={["plan_id", "plan_version", "held_on", "scenario", "participants", "duration_minutes", "problems", "revisions"]}
      initialValues={{ held_on: chinaToday(), duration_minutes: 60 }}
      submitTestId="drill-submit"
      submit={(v) =>
        call("drills.record", {
          plan_id: v.plan_id,
          held_on: v.held_on.trim(),
          scenario: v.scenario.trim(),
          participants: splitParticipants(v.participants),
          duration_minutes: v.duration_minutes ?? 0,
          problems: (v.problems ?? "").trim(),
          revisions: (v.revisions ?? "").trim(),
        })
      }
      onCancel={onClose}
      onDone={onRecorded}
    >
      <Form.Item name="plan_id" label={d.plan} rules={[{ required: true, message: m.emergency.required }]} extra={d.planHint}>
        <Select<string>
          showSearch={{ optionFilterProp: "label" }}
          loading={plans === null}
          data-testid="drill-plan"
          options={(plans ?? []).map((p) => ({
            value: p.id,
            label: p.in_force !== null ? `${p.title}（${m.emergency.plans.version(p.in_force)}）` : `${p.title}（${m.emergency.plans.noneInForce}）`,
            disabled: p.in_force === null && p.latest_status === "draft" && p.latest_version === 1,
          }))}
        />
      </Form.Item>
      <Space size="large" wrap align="start">
        <Form.Item name="held_on" label={d.heldOn} rules={[rules.required, rules.date]}>
          <Input placeholder="YYYY-MM-DD" style={{ width: 160 }} data-testid="drill-date" />
        </Form.Item>
        <Form.Item name="duration_minutes" label={d.duration} rules={[{ required: true, message: m.emergency.required }]}>
          <InputNumber min={1} max={1440} precision={0} suffix={d.minutesUnit} style={{ width: 160 }} data-testid="drill-duration" />
        </Form.Item>
      </Space>
      <Form.Item name="scenario" label={d.scenario} rules={[rules.required]}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={500} data-testid="drill-scenario" />
      </Form.Item>
      <Form.Item name="participants" label={d.participants} rules={[rules.required]} extra={d.participantsHint}>
        <Input maxLength={2000} data-testid="drill-participants" />
      </Form.Item>
      <Form.Item name="problems" label={d.problems}>
        <Input.TextArea autoSize={{ minRows: 3, maxRows: 10 }} maxLength={10000} data-testid="drill-problems" />
      </Form.Item>
      <Form.Item name="revisions" label={d.revisions} extra={d.revisionsHint}>
        <Input.TextArea autoSize={{ minRows: 3, maxRows: 10 }} maxLength={10000} data-testid="drill-revisions" />
      </Form.Item>
    </FormModal>
  );
}

/** 演练记录: the drills held on every plan. */
export function Drills({
  reloads,
  mayManage,
  onRevise,
  onRecorded,
}: {
  reloads: number;
  mayManage: boolean;
  onRevise: (drill: DrillView) => void;
  onRecorded: () => void;
}) {
  const { m } = useI18n();
  const d = m.emergency.drills;
  const { message } = App.useApp();
  const [recording, setRecording] = useState(false);
  const { rows, loading } = useReloaded("drills.list", {}, reloads);

  return (
    <>
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
        <Typography.Text type="secondary">{d.intro}</Typography.Text>
        {mayManage && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setRecording(true)} data-testid="drill-new">
            {d.new}
          </Button>
        )}
      </Flex>
      <DrillTable rows={rows ?? []} loading={loading} mayManage={mayManage} onRevise={onRevise} />
      <DrillModal
        open={recording}
        onClose={() => setRecording(false)}
        onRecorded={(drill) => {
          setRecording(false);
          message.success(d.recorded(drill.plan_title, drill.plan_version));
          onRecorded();
        }}
      />
    </>
  );
}
