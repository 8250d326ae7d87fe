import { PlusOutlined } from "@ant-design/icons";
import { App, Button, Empty, Flex, Form, Input, InputNumber, Radio, Segmented, Select, Space, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useEffect, useMemo, useState } from "react";

import {
  call,
  OperationError,
  toOperationError,
  type ComplianceFinding,
  type SanctionKind,
  type SanctionProposeRequest,
  type SanctionSubject,
  type SanctionView,
} from "../../api";
import { AccountSelect, SearchSelect, useDirectory } from "../../components/handling/common";
import { formatDateTime, formatMoney } from "../../format";
import { useI18n } from "../../i18n";
import { FormModal, rowProps, useReloaded, useRules } from "../emergency/shared";
import { AMOUNT_PATTERN, CaseLink, fenOf, PERIOD_PATTERN, useCaseDrawer, useUnitLabel, useUnits } from "./shared";

const KINDS: SanctionKind[] = ["reward", "penalty"];
const SUBJECTS: SanctionSubject[] = ["staff", "unit"];
type StatusFilter = "all" | "proposed" | "approved" | "rejected";
const STATUS_COLOR: Record<string, string> = { proposed: "processing", approved: "success", rejected: "default" };

/** Where the form opens: blank (the period shown), or for a line of a scorecard. */
export interface ProposeOpening {
  /** Counts openings: each starts afresh. */
  session: number;
  period: string;
  subject_kind?: SanctionSubject;
  subject_id?: string;
  subject_name?: string;
  /** The scorecard's period, when proposed from one. */
  scorecard?: string;
}

interface ProposeValues {
  kind: SanctionKind;
  subject_kind: SanctionSubject;
  subject_id?: string;
  period: string;
  reason: string;
  /** Yuan, as typed. */
  amount?: string;
  points?: number | null;
  case_ids?: string[];
  scorecard?: string;
}

export function SanctionKindTag({ kind }: { kind: SanctionKind }) {
  const { m } = useI18n();
  return <Tag color={kind === "reward" ? "green" : "red"}>{m.supervision.sanctions.kind[kind]}</Tag>;
}

/** 登记奖惩: a reward or a penalty proposed for a staff member or a unit, for approval. */
export function ProposeModal({
  opening,
  open,
  onClose,
  onProposed,
}: {
  opening: ProposeOpening | null;
  open: boolean;
  onClose: () => void;
  onProposed: (view: SanctionView) => void;
}) {
  const { m } = useI18n();
  const s = m.supervision;
  const p = s.sanctions.form;
  const rules = useRules();
  const [form] = Form.useForm<ProposeValues>();
  const subjectKind = Form.useWatch("subject_kind", form) ?? opening?.subject_kind ?? "staff";
  const subjectId = Form.useWatch("subject_id", form);
  const directory = useDirectory(open);
  const units = useUnits(open);
  const unitLabel = useUnitLabel();
  // The cases the compliance checks found for the subject, to choose the related ones from.
  const [findings, setFindings] = useState<ComplianceFinding[] | null>(null);

  useEffect(() => {
    if (!open) return;
    let live = true;
    call("compliance.list", {})
      .then((r) => live && setFindings(r.findings))
      .catch(() => live && setFindings([]));
    return () => {
      live = false;
    };
  }, [open]);

  const known = opening?.subject_id ? [{ id: opening.subject_id, name: opening.subject_name ?? opening.subject_id }] : [];
  const caseOptions = useMemo(() => {
    if (!findings || !subjectId) return [];
    const seen = new Map<string, { value: string; label: string }>();
    for (const f of findings) {
      const mine = subjectKind === "staff" ? f.handler_id === subjectId : f.department_id === subjectId;
      if (!mine) continue;
      const rule = s.compliance.rule[f.rule];
      const entry = seen.get(f.case_id);
      if (entry) entry.label = `${entry.label}、${rule}`;
      else seen.set(f.case_id, { value: f.case_id, label: `${f.case_no} ${rule}` });
    }
    return [...seen.values()];
  }, [findings, subjectId, subjectKind, s]);

  const submit = async (v: ProposeValues) => {
    const amount = fenOf(v.amount);
    const scorecard = v.scorecard?.trim();
    const request: SanctionProposeRequest = {
      kind: v.kind,
      subject_kind: v.subject_kind,
      subject_id: v.subject_id ?? "",
      period: v.period.trim(),
      reason: v.reason.trim(),
      ...(amount !== undefined ? { amount_fen: amount } : {}),
      ...(v.points !== null && v.points !== undefined ? { points: v.points } : {}),
      case_ids: v.case_ids ?? [],
      ...(scorecard ? { scorecard } : {}),
    };
    try {
      return await call("sanctions.propose", request);
    } catch (e) {
      // The form takes yuan: the core's problems with the amount in fen are said in yuan.
      const error = toOperationError(e);
      throw new OperationError({
        ...error.error,
        fields: error.fields.map((f) =>
          f.field === "amount_fen"
            ? {
                ...f,
                field: "amount",
                message: f.code === "field.required" ? p.amountOrPoints : f.code === "field.out_of_range" ? p.amountRange : f.message,
              }
            : f,
        ),
      });
    }
  };

  const period = { pattern: PERIOD_PATTERN, message: s.periodFormat, transform: (x?: string) => x?.trim() };
  return (
    <FormModal<ProposeValues, SanctionView>
      open={open}
      form={form}
      title={p.title}
      width={680}
      fields={["kind", "subject_kind", "subject_id", "period", "reason", "amount", "points", "case_ids", "scorecard"]}
      initialValues={{
        kind: "reward",
        subject_kind: opening?.subject_kind ?? "staff",
        subject_id: opening?.subject_id,
        period: opening?.period ?? "",
        scorecard: opening?.scorecard ?? "",
        case_ids: [],
      }}
      submitTestId="sanction-submit"
      submit={submit}
      onCancel={onClose}
      onDone={onProposed}
    >
      <Space size="large" wrap align="start">
        <Form.Item name="kind" label={p.kind}>
          <Radio.Group
            optionType="button"
            buttonStyle="solid"
            data-testid="sanction-kind"
            options={KINDS.map((k) => ({ value: k, label: s.sanctions.kind[k] }))}
          />
        </Form.Item>
        <Form.Item name="subject_kind" label={p.subjectKind}>
          <Radio.Group
            optionType="button"
            data-testid="sanction-subject-kind"
            onChange={() => form.setFieldsValue({ subject_id: undefined, case_ids: [] })}
            options={SUBJECTS.map((k) => ({ value: k, label: s.sanctions.subjectKind[k] }))}
          />
        </Form.Item>
      </Space>
      <Form.Item name="subject_id" label={p.subject} rules={[{ required: true, message: s.required }]}>
        {subjectKind === "staff" ? (
          <AccountSelect directory={directory} known={known} testId="sanction-subject" onChange={() => form.setFieldsValue({ case_ids: [] })} />
        ) : (
          <SearchSelect<string>
            testId="sanction-subject"
            loading={units === null}
            onChange={() => form.setFieldsValue({ case_ids: [] })}
            options={[
              ...(units ?? []).map((u) => ({ value: u.id, label: unitLabel(u) })),
              ...known.filter((k) => !(units ?? []).some((u) => u.id === k.id)).map((k) => ({ value: k.id, label: k.name })),
            ]}
          />
        )}
      </Form.Item>
      <Form.Item name="period" label={p.period} extra={p.periodHint} rules={[rules.required, period]}>
        <Input autoComplete="off" style={{ width: 200 }} data-testid="sanction-period" />
      </Form.Item>
      <Form.Item name="reason" label={p.reason} rules={[rules.required]}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} data-testid="sanction-reason" />
      </Form.Item>
      <Space size="large" wrap align="start">
        <Form.Item
          name="amount"
          label={p.amount}
          extra={p.amountHint}
          rules={[{ pattern: AMOUNT_PATTERN, message: p.amountFormat, transform: (x?: string) => x?.trim() }]}
        >
          <Input prefix="¥" inputMode="decimal" placeholder="0.00" style={{ width: 180 }} data-testid="sanction-amount" />
        </Form.Item>
        <Form.Item name="points" label={p.points} extra={p.pointsHint}>
          <InputNumber min={1} max={100} precision={0} style={{ width: 140 }} data-testid="sanction-points" />
        </Form.Item>
      </Space>
      <Form.Item name="case_ids" label={p.cases} extra={p.casesHint}>
        <Select<string[]>
          mode="multiple"
          allowClear
          showSearch={{ optionFilterProp: "label" }}
          loading={findings === null}
          disabled={!subjectId}
          placeholder={subjectId && findings && caseOptions.length === 0 ? p.noCases : undefined}
          data-testid="sanction-cases"
          options={caseOptions}
        />
      </Form.Item>
      <Form.Item name="scorecard" label={p.scorecard} extra={p.scorecardHint} rules={[period]}>
        <Input autoComplete="off" style={{ width: 200 }} data-testid="sanction-scorecard" />
      </Form.Item>
    </FormModal>
  );
}

/** 批准 / 驳回 a proposed reward or penalty (a note is required to reject). */
function DecideModal({
  deciding,
  onClose,
  onDecided,
}: {
  deciding: { sanction: SanctionView; approved: boolean } | null;
  onClose: () => void;
  onDecided: (view: SanctionView) => void;
}) {
  const { m } = useI18n();
  const t = m.supervision.sanctions;
  const approved = deciding?.approved ?? true;
  const sanction = deciding?.sanction;
  return (
    <FormModal<{ note?: string }, SanctionView>
      open={deciding !== null}
      title={
        sanction
          ? (approved ? t.approveTitle : t.rejectTitle)(t.kind[sanction.kind], sanction.subject)
          : ""
      }
      fields={["note"]}
      submitTestId="sanction-decide-submit"
      okText={approved ? t.approve : t.reject}
      intro={
        sanction && (
          <Typography.Paragraph type="secondary" style={{ whiteSpace: "pre-wrap" }}>
            {sanction.reason}
          </Typography.Paragraph>
        )
      }
      submit={(v) => call("sanctions.decide", { id: sanction?.id ?? "", approved, note: (v.note ?? "").trim() })}
      onCancel={onClose}
      onDone={onDecided}
    >
      <Form.Item
        name="note"
        label={t.decisionNote}
        extra={approved ? undefined : t.rejectNoteHint}
        rules={approved ? [] : [{ required: true, whitespace: true, message: t.rejectNoteHint }]}
      >
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} data-testid="sanction-decide-note" />
      </Form.Item>
    </FormModal>
  );
}

/** 奖惩 (§七(二)3): rewards and penalties of the period, proposed and approved. */
export function Sanctions({
  period,
  reloads,
  mayPropose,
  mayApprove,
  onPropose,
  onChanged,
}: {
  period: string;
  reloads: number;
  mayPropose: boolean;
  mayApprove: boolean;
  onPropose: () => void;
  onChanged: () => void;
}) {
  const { m } = useI18n();
  const t = m.supervision.sanctions;
  const c = t.columns;
  const { message } = App.useApp();
  const cases = useCaseDrawer();
  const [status, setStatus] = useState<StatusFilter>("all");
  const [deciding, setDeciding] = useState<{ sanction: SanctionView; approved: boolean } | null>(null);
  const { rows, loading } = useReloaded("sanctions.list", { period }, reloads);
  const shown = (rows ?? []).filter((r) => status === "all" || r.status === status);

  const columns: ColumnsType<SanctionView> = [
    { key: "kind", title: c.kind, width: 70, render: (_, r) => <SanctionKindTag kind={r.kind} /> },
    {
      key: "subject",
      title: c.subject,
      width: 160,
      render: (_, r) => (
        <Space orientation="vertical" size={0}>
          <span>{r.subject}</span>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t.subjectKind[r.subject_kind]}
          </Typography.Text>
        </Space>
      ),
    },
    { key: "period", title: c.period, width: 90, className: "num", dataIndex: "period" },
    {
      key: "reason",
      title: c.reason,
      render: (_, r) => (
        <Typography.Paragraph style={{ margin: 0, whiteSpace: "pre-wrap" }} ellipsis={{ rows: 2, expandable: true }}>
          {r.reason}
        </Typography.Paragraph>
      ),
    },
    {
      key: "amount",
      title: c.amount,
      width: 110,
      align: "right",
      className: "num",
      render: (_, r) => <span data-testid="sanction-amount-value">{r.amount_fen === null ? "—" : formatMoney(r.amount_fen)}</span>,
    },
    {
      key: "points",
      title: c.points,
      width: 70,
      align: "right",
      className: "num",
      render: (_, r) => (r.points === null ? "—" : `${r.kind === "reward" ? "+" : "−"}${r.points}`),
    },
    {
      key: "cases",
      title: c.cases,
      width: 170,
      render: (_, r) =>
        r.case_ids.length === 0 ? (
          "—"
        ) : (
          <Space orientation="vertical" size={0}>
            {r.case_ids.map((id, n) => (
              <CaseLink key={id} id={id} caseNo={r.case_nos[n] ?? id} onOpen={cases.open} />
            ))}
          </Space>
        ),
    },
    { key: "scorecard", title: c.scorecard, width: 90, className: "num", render: (_, r) => r.scorecard ?? "—" },
    {
      key: "status",
      title: c.status,
      width: 90,
      render: (_, r) => (
        <Tag color={STATUS_COLOR[r.status] ?? "default"} data-testid="sanction-status">
          {r.status in t.status ? t.status[r.status as keyof typeof t.status] : r.status}
        </Tag>
      ),
    },
    {
      key: "proposed",
      title: c.proposed,
      width: 140,
      render: (_, r) => (
        <Space orientation="vertical" size={0}>
          <span>{r.proposed_by}</span>
          <Typography.Text type="secondary" className="num" style={{ fontSize: 12 }}>
            {formatDateTime(r.proposed_at)}
          </Typography.Text>
        </Space>
      ),
    },
    {
      key: "decided",
      title: c.decided,
      width: 180,
      render: (_, r) =>
        r.decided_by ? (
          <Space orientation="vertical" size={0}>
            <span>{r.decided_by}</span>
            <Typography.Text type="secondary" className="num" style={{ fontSize: 12 }}>
              {formatDateTime(r.decided_at)}
            </Typography.Text>
            {r.decision_note && <Typography.Text style={{ fontSize: 12, whiteSpace: "pre-wrap" }}>{r.decision_note}</Typography.Text>}
          </Space>
        ) : (
          "—"
        ),
    },
    ...(mayApprove
      ? [
          {
            key: "actions",
            title: c.actions,
            width: 110,
            render: (_: unknown, r: SanctionView) =>
              r.status === "proposed" && (
                <Space size={4}>
                  <Button
                    type="link"
                    size="small"
                    style={{ padding: 0 }}
                    onClick={() => setDeciding({ sanction: r, approved: true })}
                    data-testid="sanction-approve"
                  >
                    {t.approve}
                  </Button>
                  <Button
                    type="link"
                    size="small"
                    danger
                    style={{ padding: 0 }}
                    onClick={() => setDeciding({ sanction: r, approved: false })}
                    data-testid="sanction-reject"
                  >
                    {t.reject}
                  </Button>
                </Space>
              ),
          },
        ]
      : []),
  ];

  return (
    <>
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
        <Flex align="center" wrap gap={12}>
          <Segmented<StatusFilter>
            value={status}
            onChange={setStatus}
            data-testid="sanctions-status"
            options={[
              { value: "all", label: t.all },
              { value: "proposed", label: t.status.proposed },
              { value: "approved", label: t.status.approved },
              { value: "rejected", label: t.status.rejected },
            ]}
          />
          <Typography.Text type="secondary">{t.listed(period)}</Typography.Text>
        </Flex>
        {mayPropose && (
          <Button type="primary" icon={<PlusOutlined />} onClick={onPropose} data-testid="sanction-new">
            {t.new}
          </Button>
        )}
      </Flex>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
        {t.intro}
      </Typography.Paragraph>
      <Table<SanctionView>
        rowKey="id"
        size="middle"
        loading={loading}
        dataSource={shown}
        columns={columns}
        data-testid="sanctions-table"
        scroll={{ x: 1500 }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: <Empty description={t.empty} /> }}
        onRow={(r) => rowProps("sanction-row", r.id)}
      />
      <DecideModal
        deciding={deciding}
        onClose={() => setDeciding(null)}
        onDecided={(view) => {
          setDeciding(null);
          message.success(view.status === "approved" ? t.approved : t.rejected);
          onChanged();
        }}
      />
      {cases.drawer}
    </>
  );
}
