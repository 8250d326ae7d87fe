import { PlusOutlined } from "@ant-design/icons";
import { App, Button, Descriptions, Empty, Flex, Form, Input, Radio, Segmented, Space, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import dayjs from "dayjs";
import { useState, type ReactNode } from "react";

import { call, type RiskPointView, type RiskSource, type RiskStatus } from "../../api";
import { AccountSelect, chinaToday, useDirectory } from "../../components/handling/common";
import { formatDateTime } from "../../format";
import { useI18n } from "../../i18n";
import { useAccount } from "../../session";
import { FormModal, num, rowProps, testIdProps, useReloaded, useRules } from "../emergency/shared";

const SOURCES: RiskSource[] = ["manual", "hotspot", "alert"];
const STATUSES: RiskStatus[] = ["open", "mitigated", "closed"];
type StatusFilter = RiskStatus | "all";
const STATUS_COLOR: Record<RiskStatus, string> = { open: "processing", mitigated: "success", closed: "default" };

/**
 * Where the record form starts from: a hotspot of the statistics or an alert of the emergency
 * watch (what it showed kept as the risk point's source), with a suggested title and description.
 */
export interface RiskPrefill {
  source_kind: RiskSource;
  /** What the hotspot or alert showed: `label` or `value`, `observed` and `expected` are shown. */
  source: Record<string, unknown> | null;
  title?: string;
  description?: string;
}

interface RecordValues {
  title: string;
  description: string;
  source_kind: RiskSource;
  measures: string;
  owner_id?: string;
  due_on: string;
}

/** A source's own words: its label (or value, or name), and what was observed against what was expected. */
function sourceFacts(source: Record<string, unknown> | null): { name: string | null; figures: [string, string] | null } {
  if (!source) return { name: null, figures: null };
  const named = [source.label, source.value, source.name].find((x) => typeof x === "string" || typeof x === "number");
  const figure = (x: unknown) => (typeof x === "number" ? num(x, 2) : typeof x === "string" && x.trim() ? x : null);
  const observed = figure(source.observed);
  const expected = figure(source.expected);
  return {
    name: named === undefined ? null : String(named),
    figures: observed !== null && expected !== null ? [observed, expected] : null,
  };
}

/** A risk point's source: 手工登记, or the hotspot or alert with what it showed. */
export function RiskSourceText({ kind, source }: { kind: RiskSource; source: Record<string, unknown> | null }) {
  const { m } = useI18n();
  const r = m.supervision.risks;
  const { name, figures } = sourceFacts(source);
  return (
    <Space orientation="vertical" size={0} data-testid="risk-source">
      <Tag color={kind === "manual" ? "default" : kind === "hotspot" ? "orange" : "volcano"}>{r.source[kind] ?? kind}</Tag>
      {name && <Typography.Text style={{ fontSize: 12 }}>{name}</Typography.Text>}
      {figures && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {r.observed(figures[0], figures[1])}
        </Typography.Text>
      )}
    </Space>
  );
}

export function RiskStatusTag({ status, testId }: { status: RiskStatus; testId?: string }) {
  const { m } = useI18n();
  return (
    <Tag color={STATUS_COLOR[status]} data-testid={testId}>
      {m.supervision.risks.status[status] ?? status}
    </Tag>
  );
}

/**
 * 登记风险点: a risk, its preventive measures, their owner and when to review them. From the
 * risk points tab it is recorded by hand; other screens open it with `prefill`, from a hotspot or
 * an alert (what it showed is kept with the risk point).
 */
export function RiskRecordModal({
  open,
  prefill,
  onClose,
  onRecorded,
}: {
  open: boolean;
  prefill?: RiskPrefill | null;
  onClose: () => void;
  onRecorded: (view: RiskPointView) => void;
}) {
  const { m } = useI18n();
  const r = m.supervision.risks;
  const f = r.form;
  const rules = useRules();
  const directory = useDirectory(open);
  const kind = prefill?.source_kind ?? "manual";
  const source = kind === "manual" ? null : (prefill?.source ?? null);

  return (
    <FormModal<RecordValues, RiskPointView>
      open={open}
      title={f.title}
      width={680}
      fields={["title", "description", "source_kind", "measures", "owner_id", "due_on"]}
      initialValues={{
        title: prefill?.title ?? "",
        description: prefill?.description ?? "",
        source_kind: kind,
        due_on: dayjs(chinaToday()).add(30, "day").format("YYYY-MM-DD"),
      }}
      submitTestId="risk-submit"
      submit={(v) =>
        call("risks.record", {
          title: v.title.trim(),
          description: v.description.trim(),
          source_kind: kind,
          ...(source ? { source } : {}),
          measures: v.measures.trim(),
          owner_id: v.owner_id ?? "",
          due_on: v.due_on.trim(),
        })
      }
      onCancel={onClose}
      onDone={onRecorded}
    >
      <Form.Item name="source_kind" label={f.sourceKind}>
        <Radio.Group
          optionType="button"
          disabled
          data-testid="risk-source-kind"
          options={SOURCES.map((s) => ({ value: s, label: r.source[s] }))}
        />
      </Form.Item>
      {source && (
        <Descriptions size="small" column={1} style={{ marginBottom: 16 }} data-testid="risk-source-shown">
          <Descriptions.Item label={f.sourceShown}>
            <RiskSourceText kind={kind} source={source} />
          </Descriptions.Item>
        </Descriptions>
      )}
      <Form.Item name="title" label={f.name} rules={[rules.required]}>
        <Input maxLength={200} autoComplete="off" data-testid="risk-title" />
      </Form.Item>
      <Form.Item name="description" label={f.description} rules={[rules.required]}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={5000} data-testid="risk-description" />
      </Form.Item>
      <Form.Item name="measures" label={f.measures} rules={[rules.required]}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={5000} data-testid="risk-measures" />
      </Form.Item>
      <Space size="large" wrap align="start">
        <Form.Item name="owner_id" label={f.owner} rules={[{ required: true, message: m.supervision.required }]}>
          <AccountSelect directory={directory} testId="risk-owner" style={{ width: 260 }} />
        </Form.Item>
        <Form.Item name="due_on" label={f.dueOn} extra={f.dueOnHint} rules={[rules.required, rules.date]}>
          <Input placeholder="YYYY-MM-DD" style={{ width: 160 }} data-testid="risk-due-on" />
        </Form.Item>
      </Space>
    </FormModal>
  );
}

/**
 * A button that opens the record form prefilled (from a hotspot or an alert, say); says so when
 * the risk point is recorded.
 */
export function RecordRiskButton({
  onRecorded,
  children,
  ...prefill
}: RiskPrefill & { onRecorded?: (view: RiskPointView) => void; children?: ReactNode }) {
  const { m } = useI18n();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="small" onClick={() => setOpen(true)} {...testIdProps("record-risk")}>
        {children ?? m.supervision.risks.new}
      </Button>
      <RiskRecordModal
        open={open}
        prefill={prefill}
        onClose={() => setOpen(false)}
        onRecorded={(view) => {
          setOpen(false);
          message.success(m.supervision.risks.recorded);
          onRecorded?.(view);
        }}
      />
    </>
  );
}

/** 复查: what the measures achieved, and where the risk point stands. */
function ReviewModal({ risk, onClose, onReviewed }: { risk: RiskPointView | null; onClose: () => void; onReviewed: (view: RiskPointView) => void }) {
  const { m } = useI18n();
  const f = m.supervision.risks.reviewForm;
  const rules = useRules();
  return (
    <FormModal<{ review: string; status: RiskStatus }, RiskPointView>
      open={risk !== null}
      title={f.title(risk?.title ?? "")}
      fields={["review", "status"]}
      initialValues={{ review: risk?.review ?? "", status: risk?.status ?? "open" }}
      submitTestId="risk-review-submit"
      submit={(v) => call("risks.review", { id: risk?.id ?? "", review: v.review.trim(), status: v.status })}
      onCancel={onClose}
      onDone={onReviewed}
    >
      <Form.Item name="review" label={f.review} extra={f.reviewHint} rules={[rules.required]}>
        <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={5000} data-testid="risk-review-text" />
      </Form.Item>
      <Form.Item name="status" label={f.status} rules={[{ required: true, message: m.supervision.required }]}>
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          data-testid="risk-review-status"
          options={STATUSES.map((s) => ({ value: s, label: f.outcome[s] }))}
        />
      </Form.Item>
    </FormModal>
  );
}

/** 风险点 (§二): the risk-point register, its measures, owners and reviews. */
export function Risks({ mayManage }: { mayManage: boolean }) {
  const { m } = useI18n();
  const r = m.supervision.risks;
  const c = r.columns;
  const { message } = App.useApp();
  const me = useAccount();
  const [status, setStatus] = useState<StatusFilter>("open");
  const [reloads, setReloads] = useState(0);
  const [recording, setRecording] = useState(false);
  const [reviewing, setReviewing] = useState<RiskPointView | null>(null);
  const { rows, loading } = useReloaded("risks.list", status === "all" ? {} : { status }, reloads);
  const mayReview = (x: RiskPointView) => mayManage || (me !== null && x.owner_id === me.id);

  const columns: ColumnsType<RiskPointView> = [
    {
      key: "title",
      title: c.title,
      width: 220,
      render: (_, x) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text strong>{x.title}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: "pre-wrap" }} ellipsis={{ tooltip: x.description }}>
            {x.description}
          </Typography.Text>
        </Space>
      ),
    },
    { key: "source", title: c.source, width: 150, render: (_, x) => <RiskSourceText kind={x.source_kind} source={x.source} /> },
    {
      key: "measures",
      title: c.measures,
      render: (_, x) => <div style={{ whiteSpace: "pre-wrap" }}>{x.measures}</div>,
    },
    { key: "owner", title: c.owner, width: 100, ellipsis: true, dataIndex: "owner" },
    {
      key: "due_on",
      title: c.dueOn,
      width: 130,
      render: (_, x) => (
        <Space size={4} wrap>
          <span className="num">{x.due_on}</span>
          {x.overdue && (
            <Tag color="red" data-testid="risk-overdue">
              {r.overdue}
            </Tag>
          )}
        </Space>
      ),
    },
    { key: "status", title: c.status, width: 90, render: (_, x) => <RiskStatusTag status={x.status} testId="risk-status" /> },
    {
      key: "review",
      title: c.review,
      width: 220,
      render: (_, x) =>
        x.review ? (
          <Space orientation="vertical" size={0} data-testid="risk-review">
            <span style={{ whiteSpace: "pre-wrap" }}>{x.review}</span>
            {x.reviewed_at && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {formatDateTime(x.reviewed_at)}
              </Typography.Text>
            )}
          </Space>
        ) : (
          <Typography.Text type="secondary">{r.noReview}</Typography.Text>
        ),
    },
    {
      key: "actions",
      title: c.actions,
      width: 80,
      fixed: "right",
      render: (_, x) =>
        mayReview(x) && (
          <Button size="small" onClick={() => setReviewing(x)} {...testIdProps("risk-review-open")}>
            {r.review}
          </Button>
        ),
    },
  ];

  return (
    <>
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
        <Flex align="center" wrap gap={12}>
          <Segmented<StatusFilter>
            value={status}
            onChange={setStatus}
            data-testid="risks-status"
            options={[...STATUSES.map((s) => ({ value: s, label: r.status[s] })), { value: "all" as const, label: r.all }]}
          />
          <Typography.Text type="secondary">{r.intro}</Typography.Text>
        </Flex>
        {mayManage && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setRecording(true)} data-testid="risk-new">
            {r.new}
          </Button>
        )}
      </Flex>
      <Table<RiskPointView>
        rowKey="id"
        size="middle"
        loading={loading}
        dataSource={rows ?? []}
        columns={columns}
        data-testid="risks-table"
        scroll={{ x: 1200 }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: <Empty description={r.empty} /> }}
        onRow={(x) => rowProps("risk-row", x.id)}
      />
      {mayManage && (
        <RiskRecordModal
          open={recording}
          onClose={() => setRecording(false)}
          onRecorded={() => {
            setRecording(false);
            message.success(r.recorded);
            setReloads((n) => n + 1);
          }}
        />
      )}
      <ReviewModal
        risk={reviewing}
        onClose={() => setReviewing(null)}
        onReviewed={() => {
          setReviewing(null);
          message.success(r.reviewed);
          setReloads((n) => n + 1);
        }}
      />
    </>
  );
}
