import { PlusOutlined } from "@ant-design/icons";
import { App, Button, Empty, Flex, Form, Input, InputNumber, Select, Space, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useState } from "react";

import {
  call,
  OperationError,
  toOperationError,
  type AttendeeView,
  type TrainingAttendee,
  type TrainingTopic,
  type TrainingView,
  type UnitCoverage,
} from "../../api";
import { AccountSelect, chinaToday, useDirectory } from "../../components/handling/common";
import { useI18n } from "../../i18n";
import { FormModal, num, rowProps, useReloaded, useRules } from "../emergency/shared";

/** Every training topic, in the order the form lists them. */
export const TOPICS: TrainingTopic[] = [
  "consumer_rights_law",
  "product_quality_law",
  "civil_code_contracts",
  "product_knowledge",
  "service_process",
  "communication",
  "other",
];

/** The years the course list may be narrowed to: this one and the five before it. */
const YEARS = 6;

interface RecordValues {
  topic: TrainingTopic;
  title: string;
  held_on: string;
  trainer: string;
  hours: number | null;
  pass_score?: number | null;
  /** The attendees chosen; `attendees` follows them, one score each. */
  attendee_ids?: string[];
  attendees?: { account_id: string; score?: number | null }[];
}

/** A coverage rate as a tag: red under 80 %, amber under 95 %, green from there. */
function RateTag({ rate, testId }: { rate: number | null; testId?: string }) {
  if (rate === null) return <Typography.Text type="secondary">—</Typography.Text>;
  const color = rate < 80 ? "error" : rate < 95 ? "warning" : "success";
  return (
    <Tag color={color} data-testid={testId} data-rating={rate < 80 ? "red" : rate < 95 ? "amber" : "green"}>
      {`${num(rate)}%`}
    </Tag>
  );
}

/** Passed of those with a score, when the course had a test. */
function passRate(t: TrainingView): { passed: number; scored: number } | null {
  if (t.pass_score === null) return null;
  const scored = t.attendees.filter((a) => a.score !== null).length;
  const passed = t.attendees.filter((a) => a.passed === true).length;
  return { passed, scored };
}

/** 登记培训: a course held, its attendees and their test scores. */
function RecordModal({ open, onClose, onRecorded }: { open: boolean; onClose: () => void; onRecorded: (view: TrainingView) => void }) {
  const { m } = useI18n();
  const t = m.supervision.trainings;
  const f = t.form;
  const rules = useRules();
  const required = { required: true, message: m.supervision.required };
  const [form] = Form.useForm<RecordValues>();
  const directory = useDirectory(open);
  const names = new Map((directory.handlers ?? []).map((h) => [h.id, h.display_name]));

  // The score inputs follow the attendees chosen, each keeping its score.
  const follow = (ids: string[]) => {
    const before = new Map(((form.getFieldValue("attendees") as RecordValues["attendees"]) ?? []).map((a) => [a.account_id, a]));
    form.setFieldsValue({ attendees: ids.map((id) => before.get(id) ?? { account_id: id, score: null }) });
  };

  const submit = async (v: RecordValues) => {
    // The score inputs follow the attendees chosen, in their order.
    const attendees: TrainingAttendee[] = (v.attendee_ids ?? []).map((id, i) => {
      const score = v.attendees?.[i]?.score;
      return { account_id: id, ...(score !== null && score !== undefined ? { score } : {}) };
    });
    try {
      return await call("trainings.record", {
        topic: v.topic,
        title: v.title.trim(),
        held_on: v.held_on.trim(),
        trainer: v.trainer.trim(),
        hours: v.hours ?? 0,
        ...(v.pass_score !== null && v.pass_score !== undefined ? { pass_score: v.pass_score } : {}),
        attendees,
      });
    } catch (e) {
      // The attendees are chosen in one select: the core's problems with the list or with an
      // attendee's account are said there; those with a score land on its input.
      const error = toOperationError(e);
      throw new OperationError({
        ...error.error,
        fields: error.fields.map((x) =>
          x.field === "attendees"
            ? { ...x, field: "attendee_ids", message: x.code === "field.required" ? f.attendeesRequired : x.message }
            : /^attendees\[\d+\]\.account_id$/.test(x.field)
              ? { ...x, field: "attendee_ids" }
              : x,
        ),
      });
    }
  };

  return (
    <FormModal<RecordValues, TrainingView>
      open={open}
      form={form}
      title={f.title}
      width={720}
      fields={["topic", "title", "held_on", "trainer", "hours", "pass_score", "attendee_ids", "attendees"]}
      initialValues={{ topic: "consumer_rights_law", held_on: chinaToday(), hours: 2, attendee_ids: [], attendees: [] }}
      submitTestId="training-submit"
      submit={submit}
      onCancel={onClose}
      onDone={onRecorded}
    >
      <Space size="large" wrap align="start">
        <Form.Item name="topic" label={f.topic} rules={[required]}>
          <Select<TrainingTopic>
            style={{ width: 240 }}
            data-testid="training-topic"
            options={TOPICS.map((x) => ({ value: x, label: t.topic[x] }))}
          />
        </Form.Item>
        <Form.Item name="held_on" label={f.heldOn} extra={f.heldOnHint} rules={[rules.required, rules.date]}>
          <Input placeholder="YYYY-MM-DD" style={{ width: 160 }} data-testid="training-held-on" />
        </Form.Item>
      </Space>
      <Form.Item name="title" label={f.name} rules={[rules.required]}>
        <Input maxLength={200} autoComplete="off" data-testid="training-title" />
      </Form.Item>
      <Space size="large" wrap align="start">
        <Form.Item name="trainer" label={f.trainer} rules={[rules.required]}>
          <Input maxLength={100} autoComplete="off" style={{ width: 200 }} data-testid="training-trainer" />
        </Form.Item>
        <Form.Item name="hours" label={f.hours} extra={f.hoursHint} rules={[required]}>
          <InputNumber min={0.5} max={40} step={0.5} precision={1} suffix={f.hoursUnit} style={{ width: 140 }} data-testid="training-hours" />
        </Form.Item>
        <Form.Item name="pass_score" label={f.passScore} extra={f.passScoreHint}>
          <InputNumber min={0} max={100} precision={0} style={{ width: 140 }} data-testid="training-pass-score" />
        </Form.Item>
      </Space>
      <Form.Item
        name="attendee_ids"
        label={f.attendees}
        rules={[{ required: true, type: "array", min: 1, message: f.attendeesRequired }]}
      >
        <AccountSelect directory={directory} mode="multiple" testId="training-attendees" onChange={(ids) => follow(ids as unknown as string[])} />
      </Form.Item>
      <Form.List name="attendees">
        {(items) =>
          items.length > 0 && (
            <Form.Item label={f.scores} extra={f.scoresHint}>
              <Flex wrap gap={12}>
                {items.map((item) => {
                  const id = form.getFieldValue(["attendees", item.name, "account_id"]) as string;
                  const name = names.get(id) ?? id;
                  return (
                    <Form.Item key={item.key} name={[item.name, "score"]} style={{ marginBottom: 0 }}>
                      <InputNumber
                        min={0}
                        max={100}
                        precision={0}
                        prefix={<Typography.Text type="secondary">{name}</Typography.Text>}
                        aria-label={f.scoreOf(name)}
                        style={{ width: 200 }}
                        data-testid={`training-score-${item.name}`}
                      />
                    </Form.Item>
                  );
                })}
              </Flex>
            </Form.Item>
          )
        }
      </Form.List>
    </FormModal>
  );
}

/** An attendee's result: passed or failed, when the course had a test and they a score. */
function ResultTag({ passed }: { passed: boolean | null }) {
  const { m } = useI18n();
  const a = m.supervision.trainings.attendee;
  if (passed === null) return <Typography.Text type="secondary">—</Typography.Text>;
  return <Tag color={passed ? "success" : "error"}>{passed ? a.passed : a.failed}</Tag>;
}

/** 培训 (§二): coverage per unit over the last twelve months, and the courses held. */
export function Trainings() {
  const { m } = useI18n();
  const t = m.supervision.trainings;
  const c = t.columns;
  const { message } = App.useApp();
  const [year, setYear] = useState<number | null>(null);
  const [reloads, setReloads] = useState(0);
  const [recording, setRecording] = useState(false);
  const coverage = useReloaded("trainings.coverage", {}, reloads);
  const courses = useReloaded("trainings.list", year === null ? {} : { year }, reloads);
  const thisYear = Number(chinaToday().slice(0, 4));

  const coverageColumns: ColumnsType<UnitCoverage> = [
    { key: "unit", title: t.coverageColumns.unit, width: 180, ellipsis: true, render: (_, r) => r.unit ?? t.noUnit },
    { key: "staff", title: t.coverageColumns.staff, width: 80, align: "right", className: "num", dataIndex: "staff" },
    { key: "trained", title: t.coverageColumns.trained, width: 90, align: "right", className: "num", dataIndex: "trained" },
    {
      key: "rate",
      title: t.coverageColumns.rate,
      width: 100,
      align: "right",
      render: (_, r) => <RateTag rate={r.rate} testId="coverage-rate" />,
    },
    {
      key: "overdue",
      title: t.coverageColumns.overdue,
      render: (_, r) =>
        r.overdue.length === 0 ? (
          <Typography.Text type="secondary">{r.staff === 0 ? t.noStaff : t.noOverdue}</Typography.Text>
        ) : (
          <Space size={[4, 4]} wrap data-testid="coverage-overdue">
            {r.overdue.map((o) => (
              <Tag key={o.account_id} data-testid="coverage-overdue-name">
                {o.name}
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {`（${o.last_trained_on ? t.lastTrained(o.last_trained_on) : t.neverTrained}）`}
                </Typography.Text>
              </Tag>
            ))}
          </Space>
        ),
    },
  ];

  const courseColumns: ColumnsType<TrainingView> = [
    { key: "held_on", title: c.heldOn, width: 110, className: "num", dataIndex: "held_on" },
    { key: "topic", title: c.topic, width: 170, render: (_, r) => <Tag>{t.topic[r.topic] ?? r.topic}</Tag> },
    { key: "title", title: c.title, ellipsis: true, dataIndex: "title" },
    { key: "trainer", title: c.trainer, width: 110, ellipsis: true, dataIndex: "trainer" },
    { key: "hours", title: c.hours, width: 70, align: "right", className: "num", render: (_, r) => num(r.hours) },
    { key: "attendees", title: c.attendees, width: 90, align: "right", className: "num", render: (_, r) => r.attendees.length },
    {
      key: "pass_rate",
      title: c.passRate,
      width: 120,
      align: "right",
      className: "num",
      render: (_, r) => {
        const rate = passRate(r);
        if (!rate) return <Typography.Text type="secondary">{t.noTest}</Typography.Text>;
        return (
          <span title={t.passRateTitle(rate.passed, rate.scored)} data-testid="training-pass-rate">
            {rate.scored === 0 ? "—" : `${num((rate.passed * 100) / rate.scored)}%`}
          </span>
        );
      },
    },
  ];

  const attendeeColumns: ColumnsType<AttendeeView> = [
    { key: "name", title: t.attendee.name, width: 140, dataIndex: "name" },
    { key: "unit", title: t.attendee.unit, width: 180, ellipsis: true, render: (_, a) => a.unit ?? t.noUnit },
    { key: "score", title: t.attendee.score, width: 80, align: "right", className: "num", render: (_, a) => a.score ?? "—" },
    { key: "result", title: t.attendee.result, width: 100, render: (_, a) => <ResultTag passed={a.passed} /> },
  ];

  return (
    <>
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
        <Typography.Text type="secondary">{t.intro}</Typography.Text>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setRecording(true)} data-testid="training-new">
          {t.new}
        </Button>
      </Flex>
      <Typography.Title level={5}>{t.coverage}</Typography.Title>
      {coverage.rows && (
        <Typography.Paragraph type="secondary" data-testid="coverage-hint">
          {t.coverageHint(coverage.rows.months, coverage.rows.since)}
        </Typography.Paragraph>
      )}
      <Table<UnitCoverage>
        rowKey={(r) => r.unit_id ?? ""}
        size="small"
        loading={coverage.loading}
        dataSource={coverage.rows?.units ?? []}
        columns={coverageColumns}
        data-testid="coverage-table"
        pagination={false}
        style={{ marginBottom: 24 }}
        onRow={(r) => rowProps("coverage-row", r.unit_id ?? "")}
      />
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 8 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {t.courses}
        </Typography.Title>
        <Select<number>
          allowClear
          style={{ width: 140 }}
          placeholder={t.allYears}
          value={year ?? undefined}
          onChange={(y) => setYear(y ?? null)}
          data-testid="trainings-year"
          options={Array.from({ length: YEARS }, (_, i) => thisYear - i).map((y) => ({ value: y, label: t.year(y) }))}
        />
      </Flex>
      <Table<TrainingView>
        rowKey="id"
        size="middle"
        loading={courses.loading}
        dataSource={courses.rows ?? []}
        columns={courseColumns}
        data-testid="trainings-table"
        scroll={{ x: 900 }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: <Empty description={t.empty} /> }}
        onRow={(r) => rowProps("training-row", r.id)}
        expandable={{
          expandedRowRender: (r) => (
            <Table<AttendeeView>
              rowKey="account_id"
              size="small"
              dataSource={r.attendees}
              columns={attendeeColumns}
              pagination={false}
              data-testid="training-attendees-table"
              onRow={(a) => rowProps("attendee-row", a.account_id)}
            />
          ),
        }}
      />
      <RecordModal
        open={recording}
        onClose={() => setRecording(false)}
        onRecorded={() => {
          setRecording(false);
          message.success(t.recorded);
          setReloads((n) => n + 1);
        }}
      />
    </>
  );
}
