import { Alert, App, Button, Descriptions, Drawer, Form, Input, List, Modal, Select, Skeleton, Space, Tag, Timeline, Typography } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useEffect, useState } from "react";

import {
  call,
  type CaseDetail,
  type ContactMethod,
  type EvidenceKind,
  type NoticeKind,
  type OperationError,
  type Satisfaction,
  type SourceKind,
  type TimelineEntry,
} from "../api";
import { useSubmit } from "../api/forms";
import { useCodes } from "../codes";
import { formatDate, formatDateTime, formatMoney } from "../format";
import { useI18n } from "../i18n";
import { useCan } from "../session";
import { CaseOwnership, HeldReviewDialog } from "./CaseOwnership";
import { CasePrivacy } from "./CasePrivacy";
import { ConsumerSection } from "./ConsumerSection";
import { Evidence } from "./Evidence";
import { Handling } from "./Handling";
import { ActionDialog, chinaToday, DateField, SearchSelect, ymd } from "./handling/common";
import { PdfPreview } from "./PdfPreview";
import { SeverityTag, StatusTag } from "./labels";

const NOTICES: NoticeKind[] = ["acknowledgment", "progress", "result", "settlement"];

const METHODS: ContactMethod[] = ["phone", "sms", "in_person", "online", "email", "letter"];

type Dialog = "acknowledge" | "link" | "merge" | null;

interface DialogValues {
  method?: ContactMethod;
  note?: string;
  other?: string;
  into?: string;
  reason?: string;
}

/** Acknowledging, linking and merging: one small form each, errors shown on their fields. */
function CaseDialog({ kind, caseId, onClose, onDone }: { kind: Dialog; caseId: string; onClose: () => void; onDone: () => void }) {
  const { m } = useI18n();
  const d = m.caseDetail;
  const [form] = Form.useForm<DialogValues>();
  const { busy, run } = useSubmit(form);
  const submit = async (v: DialogValues) => {
    const ok = await run(async () => {
      if (kind === "acknowledge") await call("cases.acknowledge", { id: caseId, method: v.method ?? "phone", note: v.note || undefined });
      if (kind === "link") await call("cases.link", { id: caseId, other: v.other?.trim() ?? "", note: v.note || undefined });
      if (kind === "merge") await call("cases.merge", { id: caseId, into: v.into?.trim() ?? "", reason: v.reason ?? "" });
    });
    if (ok) onDone();
  };
  const required = { required: true, message: m.auth.required };
  const title = kind === "acknowledge" ? d.acknowledge : kind === "link" ? d.link : d.mergeTitle;
  return (
    <Modal
      open={kind !== null}
      title={title}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={busy}
      okButtonProps={{ "data-testid": "case-dialog-ok" } as React.ComponentProps<typeof Button>}
      destroyOnHidden
    >
      <Form<DialogValues> form={form} layout="vertical" onFinish={submit} initialValues={{ method: "phone" }} preserve={false}>
        {kind === "acknowledge" && (
          <Form.Item name="method" label={d.ackMethod} rules={[required]}>
            <Select options={METHODS.map((x) => ({ value: x, label: m.labels.contactMethod[x] }))} data-testid="ack-method" />
          </Form.Item>
        )}
        {kind === "link" && (
          <Form.Item name="other" label={d.linkTo} rules={[required]}>
            <Input autoFocus className="num" data-testid="link-other" />
          </Form.Item>
        )}
        {kind === "merge" && (
          <>
            <Alert type="warning" showIcon message={d.mergeHint} style={{ marginBottom: 12 }} />
            <Form.Item name="into" label={d.mergeInto} rules={[required]}>
              <Input autoFocus className="num" data-testid="merge-into" />
            </Form.Item>
            <Form.Item name="reason" label={d.mergeReason} rules={[required]}>
              <Input.TextArea rows={2} maxLength={500} data-testid="merge-reason" />
            </Form.Item>
          </>
        )}
        {kind !== "merge" && (
          <Form.Item name="note" label={d.note}>
            <Input.TextArea rows={2} maxLength={500} data-testid="dialog-note" />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

interface ResumeValues {
  informed_by?: ContactMethod;
  informed_on?: Dayjs | null;
}

/**
 * Resuming the deadline clock: how and when the consumer was told of the new deadline (not
 * required, but a moved deadline nobody recorded telling them of is a compliance finding).
 */
function ResumeDialog({ open, caseId, onCancel, onDone }: { open: boolean; caseId: string; onCancel: () => void; onDone: () => void }) {
  const { m } = useI18n();
  const d = m.caseDetail;
  const h = m.handling.step;
  return (
    <ActionDialog<ResumeValues>
      open={open}
      title={d.resume}
      fields={["informed_by", "informed_on"]}
      // How the consumer was told is never assumed: left empty until chosen.
      initialValues={{ informed_on: dayjs(chinaToday()) }}
      intro={<Typography.Paragraph type="secondary">{d.resumeIntro}</Typography.Paragraph>}
      submit={(v) =>
        call(
          "cases.resume",
          v.informed_by
            ? { id: caseId, informed_by: v.informed_by, informed_on: ymd(v.informed_on) || undefined }
            : { id: caseId },
        )
      }
      onCancel={onCancel}
      onDone={onDone}
    >
      <div style={{ display: "flex", gap: 12, alignItems: "flex-start" }}>
        <Form.Item name="informed_by" label={h.informedBy} style={{ flex: 1 }}>
          <SearchSelect<ContactMethod>
            testId="resume-informed_by"
            allowClear
            placeholder={d.resumeNotRecorded}
            options={METHODS.map((x) => ({ value: x, label: m.labels.contactMethod[x] }))}
          />
        </Form.Item>
        <Form.Item name="informed_on" label={h.informedOn} style={{ width: 170 }}>
          <DateField testId="resume-informed_on" limit="past" />
        </Form.Item>
      </div>
      <Form.Item noStyle shouldUpdate={(a: ResumeValues, b: ResumeValues) => a.informed_by !== b.informed_by}>
        {({ getFieldValue }) =>
          !getFieldValue("informed_by") && (
            <Alert type="warning" showIcon title={d.resumeUninformed} style={{ marginBottom: 12 }} data-testid="resume-uninformed" />
          )
        }
      </Form.Item>
    </ActionDialog>
  );
}

const FINISHED = new Set(["closed", "withdrawn", "merged"]);

/** One case: what was received, from whom, and everything that happened since. */
export function CaseDrawer({
  caseId,
  onClose,
  canHandle,
  canWork,
  canApprove = false,
  canPrivacy,
  onChanged,
  onOpenCase,
}: {
  caseId: string | null;
  onClose: () => void;
  /** May move the case on (pause and resume its clock). */
  canHandle: boolean;
  /** May record intake or handle: acknowledge, link, merge. */
  canWork: boolean;
  /** May approve or refuse plans above the approval threshold. */
  canApprove?: boolean;
  /**
   * May manage consumers' personal data: legal hold, export and anonymisation on request
   * (default: the signed-in person's permission `privacy.manage`).
   */
  canPrivacy?: boolean;
  onChanged: () => void;
  /** Shows another case (a linked one) in the drawer. */
  onOpenCase: (id: string) => void;
}) {
  const { m, lang } = useI18n();
  const codes = useCodes();
  const privacyManager = useCan("privacy.manage");
  const [notice, setNotice] = useState<NoticeKind | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  // What was loaded, and for which case: a reply for an earlier case is never shown.
  const [loaded, setLoaded] = useState<{ id: string; detail?: CaseDetail; error?: OperationError } | null>(null);

  const [reloads, setReloads] = useState(0);
  // Changes made here rather than in the handling part, which then loads its side again.
  const [ownChanges, setOwnChanges] = useState(0);
  const [pausing, setPausing] = useState(false);
  const [resuming, setResuming] = useState(false);
  const [reason, setReason] = useState("");
  const [reviewing, setReviewing] = useState<string | null>(null);
  const { message } = App.useApp();

  useEffect(() => {
    if (!caseId) return;
    let live = true;
    call("cases.get", { id: caseId })
      .then((detail) => live && setLoaded({ id: caseId, detail }))
      .catch((error: OperationError) => live && setLoaded({ id: caseId, error }));
    return () => {
      live = false;
    };
  }, [caseId, reloads]);

  /** After a change made here: the case shown again, its handling loaded again, the page told. */
  const changed = () => {
    setReloads((n) => n + 1);
    setOwnChanges((n) => n + 1);
    onChanged();
  };

  /** Pauses the deadline clock (with the reason typed), then shows the case again. */
  const pause = async () => {
    if (!caseId) return;
    try {
      await call("cases.pause", { id: caseId, reason });
      setPausing(false);
      setReason("");
      changed();
    } catch (e) {
      message.error((e as OperationError).message);
    }
  };

  const current = loaded && loaded.id === caseId ? loaded : null;
  const detail = current?.detail ?? null;
  const error = current?.error ?? null;

  const d = m.caseDetail;
  const describe = (entry: TimelineEntry): string => {
    const detail = entry.detail as Record<string, unknown> | null;
    const label = m.labels.eventKind[entry.kind] ?? entry.kind;
    if (entry.kind === "case.transitioned" && detail) {
      const to = m.labels.status[detail.to as keyof typeof m.labels.status] ?? String(detail.to);
      return `${label} → ${to}${detail.note ? `${m.labels.colon}${String(detail.note)}` : ""}`;
    }
    if (entry.kind === "case.assigned" && detail) {
      const to = [detail.handler, detail.note].filter(Boolean).map(String).join(" · ");
      return to ? `${label}${m.labels.colon}${to}` : label;
    }
    if (entry.kind === "case.closed" && detail) return `${label}${m.labels.colon}${String(detail.result)}`;
    if (entry.kind === "case.clock_paused" && detail) return `${label}${m.labels.colon}${String(detail.reason)}`;
    if (entry.kind === "case.clock_resumed" && detail?.informed_by) {
      const method = m.labels.contactMethod[detail.informed_by as ContactMethod] ?? String(detail.informed_by);
      return d.events.clockResumed(method, detail.informed_on ? String(detail.informed_on) : null);
    }
    if (entry.kind === "consumer.anonymised" && detail) {
      const basis = m.labels.privacyBasis[String(detail.basis)] ?? String(detail.basis);
      return d.events.anonymised(basis, detail.note ? String(detail.note) : null);
    }
    if (entry.kind === "consumer.exported") return d.events.exported(detail?.note ? String(detail.note) : null);
    if (entry.kind === "case.legal_hold") return d.events.legalHold(detail?.reason ? String(detail.reason) : null);
    if ((entry.kind === "case.linked" || entry.kind === "case.unlinked") && detail) {
      return `${label}${m.labels.colon}${String(detail.other_case_no)}`;
    }
    if (entry.kind === "case.merged" && detail) {
      return `${label} ${String(detail.into_case_no)}${m.labels.colon}${String(detail.reason)}`;
    }
    if (entry.kind === "case.absorbed" && detail) {
      return `${label}${m.labels.colon}${String(detail.from_case_no)}（${String(detail.reason)}）`;
    }
    if (entry.kind === "case.created" && detail?.import) {
      const origin = detail.import as {
        source?: unknown;
        row?: unknown;
        state?: { status?: string; result?: string | null } | null;
      };
      const created = d.events.createdByImport(String(origin.source ?? ""), Number(origin.row ?? 0));
      const state = origin.state;
      if (!state?.status) return created;
      const status = m.labels.status[state.status as keyof typeof m.labels.status] ?? state.status;
      return `${created}${m.labels.colon}${d.events.importedAs(status, state.result ?? null)}`;
    }
    if (entry.kind === "consumer.updated" && detail) {
      const changed = Array.isArray(detail.changed) ? (detail.changed as unknown[]).map(String) : [];
      return d.events.consumerUpdated(
        changed.map((f) => d.contactField[f] ?? f),
        detail.note ? String(detail.note) : null,
      );
    }
    if (entry.kind === "consumer.merged" && detail) {
      const caseNos = Array.isArray(detail.case_nos) ? (detail.case_nos as unknown[]).map(String) : [];
      return d.events.consumerMerged(caseNos, detail.note ? String(detail.note) : null);
    }
    if (entry.kind.startsWith("case.handover_") || entry.kind === "case.reassigned") {
      const to = detail?.to as { code?: string; name?: string } | undefined;
      const site = to ? `${to.code ?? ""} ${to.name ?? ""}`.trim() : "";
      const why = String(detail?.reason ?? "");
      if (entry.kind === "case.handover_requested") return m.ownership.events.requested(site, why);
      if (entry.kind === "case.handover_granted") return m.ownership.events.granted(site);
      if (entry.kind === "case.handover_declined") return m.ownership.events.declined(why);
      return m.ownership.events.reassigned(site, why);
    }
    if (entry.kind === "case.acknowledged" && detail) {
      const method = m.labels.contactMethod[detail.method as ContactMethod] ?? String(detail.method);
      return `${label}${m.labels.colon}${method}${detail.note ? ` · ${String(detail.note)}` : ""}`;
    }
    if (detail) return describeHandling(entry.kind, detail) ?? label;
    return label;
  };

  /** The handling events (§四), in a line each. */
  const describeHandling = (kind: string, x: Record<string, unknown>): string | null => {
    const t = m.handling.timeline;
    const colon = m.labels.colon;
    const also = (text: unknown) => (text ? ` · ${String(text)}` : "");
    const method = (code: unknown) => m.labels.contactMethod[code as ContactMethod] ?? String(code);
    switch (kind) {
      case "case.team_set": {
        const members = (x.members as { name: string; lead: boolean }[] | undefined) ?? [];
        const names = members.map((p) => `${p.name}${p.lead ? t.lead : ""}`).join(lang === "zh-CN" ? "、" : ", ");
        return `${members.length > 0 ? t.team(names) : t.dissolved}${also(x.note)}`;
      }
      case "case.investigation_noted": {
        const source = `${m.labels.sourceKind[x.source_kind as SourceKind] ?? String(x.source_kind)}${colon}${String(x.source)}`;
        return t.note(String(x.fact), source);
      }
      case "case.plan_drafted": {
        const money = Number(x.money_fen ?? 0);
        return `${t.drafted(Number(x.version))}${money > 0 ? t.money(formatMoney(money)) : ""}${x.needs_approval ? t.needsApproval : ""}`;
      }
      case "case.plan_decided":
        return `${x.approved ? t.approved : t.refused}${x.note ? `${colon}${String(x.note)}` : ""}`;
      case "case.plan_offered":
        return t.offered(Number(x.version));
      case "case.negotiated": {
        const said =
          x.response === "accepted"
            ? t.accepted(Number(x.version))
            : x.response === "counter"
              ? t.counter(String(x.counter ?? ""))
              : t.rejected(Number(x.version));
        return `${said}${also(x.notes)}`;
      }
      case "case.step_done":
        return `${t.stepDone(String(x.title), String(x.done_on))}${also(x.note)}`;
      case "case.step_delayed":
        return t.stepDelayed(String(x.reason), String(x.new_due_on), method(x.informed_by));
      case "evidence.added": {
        const what = m.labels.evidenceKind[x.kind as EvidenceKind] ?? String(x.kind);
        return `${m.labels.eventKind[kind]}${colon}${what} ${String(x.file_name)}${also(x.description)}`;
      }
      case "evidence.exported":
        return m.evidence.exported((x.evidence_ids as unknown[] | undefined)?.length ?? 0, String(x.destination));
      case "case.feedback_recorded": {
        const satisfaction = m.labels.satisfaction[x.satisfaction as Satisfaction] ?? String(x.satisfaction);
        return `${t.feedback(satisfaction, Number(x.score))}${also(x.comments)}`;
      }
      default:
        return null;
    }
  };

  return (
    <Drawer
      open={caseId !== null}
      onClose={onClose}
      width={960}
      title={detail ? `${d.title} ${detail.case.case_no}` : d.title}
      data-testid="case-drawer"
    >
      {error && <Alert type="error" message={m.errors.title} description={error.message} />}
      {!detail && !error && <Skeleton active />}
      {detail && (
        <Space direction="vertical" size="large" style={{ width: "100%" }}>
          <Space wrap>
            <StatusTag status={detail.case.status} />
            <SeverityTag severity={detail.case.severity} />
            <Typography.Text type="secondary">{formatDateTime(detail.case.received_at)}</Typography.Text>
            {canWork && !FINISHED.has(detail.case.status) && (
              <>
                <Button size="small" onClick={() => setDialog("link")} data-testid="case-link">
                  {d.link}
                </Button>
                {detail.ownership.mine && (
                  <Button size="small" onClick={() => setDialog("merge")} data-testid="case-merge">
                    {d.merge}
                  </Button>
                )}
              </>
            )}
            {canHandle && detail.ownership.mine && !FINISHED.has(detail.case.status) &&
              (detail.case.paused_reason ? (
                <Button size="small" onClick={() => setResuming(true)} data-testid="clock-resume">
                  {d.resume}
                </Button>
              ) : (
                <Button size="small" onClick={() => setPausing(true)} data-testid="clock-pause">
                  {d.pause}
                </Button>
              ))}
          </Space>
          {canWork && (
            <Space wrap data-testid="case-documents">
              <Typography.Text type="secondary">{m.documents.section}</Typography.Text>
              {NOTICES.map((k) => (
                <Button key={k} size="small" onClick={() => setNotice(k)} data-testid={`notice-${k}`}>
                  {m.documents.kinds[k]}
                </Button>
              ))}
            </Space>
          )}
          <PdfPreview
            open={notice !== null}
            title={notice ? `${m.documents.kinds[notice]} · ${detail.case.case_no}` : ""}
            load={() => call("documents.notice", { case: detail.case.id, kind: notice ?? "acknowledgment" })}
            onClose={() => setNotice(null)}
          />
          {detail.merged_into && (
            <Alert
              type="warning"
              showIcon
              data-testid="merged-banner"
              message={d.mergedBanner(detail.merged_into.case_no)}
              action={
                <Button size="small" onClick={() => onOpenCase(detail.merged_into!.id)} data-testid="open-survivor">
                  {d.openCase(detail.merged_into.case_no)}
                </Button>
              }
            />
          )}
          {detail.incidents.length > 0 && (
            <Alert
              type="error"
              showIcon
              data-testid="case-incidents"
              message={d.incidentBanner(
                detail.incidents.map((i) => `${i.incident_no} ${i.title}${i.status === "closed" ? d.incidentClosed : ""}`).join("；"),
              )}
            />
          )}
          {detail.case.ack_due_at && (
            <Alert
              type={detail.case.ack_overdue ? "error" : "warning"}
              showIcon
              data-testid="ack-pending"
              message={
                detail.case.ack_overdue
                  ? d.ackOverdue(formatDateTime(detail.case.ack_due_at))
                  : d.ackPending(formatDateTime(detail.case.ack_due_at))
              }
              action={
                canWork &&
                detail.ownership.mine && (
                  <Button size="small" type="primary" onClick={() => setDialog("acknowledge")} data-testid="case-acknowledge">
                    {d.acknowledge}
                  </Button>
                )
              }
            />
          )}
          <CaseDialog
            kind={dialog}
            caseId={detail.case.id}
            onClose={() => setDialog(null)}
            onDone={() => {
              setDialog(null);
              changed();
            }}
          />
          <ResumeDialog
            open={resuming}
            caseId={detail.case.id}
            onCancel={() => setResuming(false)}
            onDone={() => {
              setResuming(false);
              changed();
            }}
          />
          {detail.case.paused_reason && (
            <Alert type="info" showIcon message={d.pausedSince(detail.case.paused_reason)} data-testid="clock-paused" />
          )}
          <Modal
            open={pausing}
            title={d.pause}
            onCancel={() => setPausing(false)}
            onOk={pause}
            okButtonProps={{ disabled: reason.trim() === "" }}
            destroyOnHidden
          >
            <Input.TextArea
              rows={2}
              maxLength={500}
              placeholder={d.pauseReasonHint}
              aria-label={d.pauseReason}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              data-testid="pause-reason"
            />
          </Modal>
          <CaseOwnership
            key={`ownership-${detail.case.id}`}
            caseId={detail.case.id}
            ownership={detail.ownership}
            canHandle={canHandle}
            onChanged={changed}
          />
          <HeldReviewDialog
            caseId={detail.case.id}
            eventId={reviewing}
            onCancel={() => setReviewing(null)}
            onDone={() => {
              setReviewing(null);
              changed();
            }}
          />
          <CasePrivacy key={`privacy-${detail.case.id}`} detail={detail} canManage={canPrivacy ?? privacyManager} onChanged={changed} />
          <ConsumerSection
            key={`consumer-${detail.case.id}`}
            caseId={detail.case.id}
            contact={detail.consumer}
            canWork={canWork}
            reloadToken={reloads}
            onOpenCase={onOpenCase}
            onChanged={changed}
          />
          <Descriptions size="small" bordered column={2}>
            <Descriptions.Item label={m.ledger.columns.channel}>
              {codes.label("channel", detail.case.channel)}
            </Descriptions.Item>
            <Descriptions.Item label={m.ledger.columns.store}>{detail.case.store ?? "—"}</Descriptions.Item>
            <Descriptions.Item label={m.ledger.columns.product}>{detail.case.product_name}</Descriptions.Item>
            <Descriptions.Item label={d.model}>{detail.product_model ?? "—"}</Descriptions.Item>
            <Descriptions.Item label={d.quantity}>{detail.quantity}</Descriptions.Item>
            <Descriptions.Item label={d.amountPaid}>{formatMoney(detail.amount_paid_fen)}</Descriptions.Item>
            <Descriptions.Item label={d.orderNo}>{detail.order_no ?? "—"}</Descriptions.Item>
            <Descriptions.Item label={d.purchasedAt}>{formatDate(detail.purchased_at, lang)}</Descriptions.Item>
            <Descriptions.Item label={m.ledger.columns.category}>
              {codes.label("category", detail.case.category)}
            </Descriptions.Item>
            <Descriptions.Item label={d.complexity}>
              {m.labels.complexity[detail.complexity] ?? detail.complexity}
            </Descriptions.Item>
            <Descriptions.Item label={d.demand}>
              {m.labels.demand[detail.demand] ?? detail.demand}
              {detail.demand_amount_fen !== null && ` ${formatMoney(detail.demand_amount_fen)}`}
            </Descriptions.Item>
            <Descriptions.Item label={m.ledger.columns.due_at}>{formatDateTime(detail.case.due_at)}</Descriptions.Item>
            <Descriptions.Item label={d.receivedBy}>{detail.received_by}</Descriptions.Item>
            <Descriptions.Item label={d.acknowledgedAt}>{formatDateTime(detail.acknowledged_at)}</Descriptions.Item>
            <Descriptions.Item label={m.ledger.columns.handler}>{detail.case.handler ?? "—"}</Descriptions.Item>
            <Descriptions.Item label={d.content} span={2}>
              {detail.content}
            </Descriptions.Item>
            {detail.case.result && (
              <Descriptions.Item label={m.ledger.columns.result} span={2}>
                {detail.case.result}
              </Descriptions.Item>
            )}
            {detail.root_cause && (
              <Descriptions.Item label={d.rootCause}>
                {m.labels.rootCause[detail.root_cause] ?? detail.root_cause}
              </Descriptions.Item>
            )}
            {detail.case.satisfaction && (
              <Descriptions.Item label={m.ledger.columns.satisfaction}>
                {m.labels.satisfaction[detail.case.satisfaction]}
              </Descriptions.Item>
            )}
          </Descriptions>
          <Handling
            key={detail.case.id}
            caseId={detail.case.id}
            canHandle={canHandle}
            canApprove={canApprove}
            reloadToken={ownChanges}
            onChanged={() => {
              setReloads((n) => n + 1);
              onChanged();
            }}
          />
          <div>
            <Typography.Title level={5}>{m.evidence.title}</Typography.Title>
            <Evidence
              key={`evidence-${detail.case.id}`}
              caseId={detail.case.id}
              caseNo={detail.case.case_no}
              open={caseId !== null}
              canHandle={canHandle && !FINISHED.has(detail.case.status)}
              onChanged={() => setReloads((n) => n + 1)}
            />
          </div>
          <div>
            <Typography.Title level={5}>{d.links}</Typography.Title>
            <List
              size="small"
              data-testid="case-links"
              locale={{ emptyText: d.linksNone }}
              dataSource={detail.links}
              renderItem={(l) => (
                <List.Item
                  key={l.id}
                  data-testid={`case-link-${l.case_no}`}
                  actions={
                    l.kind === "related" && canWork
                      ? [
                          <a
                            key="unlink"
                            onClick={() =>
                              call("cases.unlink", { id: detail.case.id, other: l.id })
                                .then(() => {
                                  setReloads((n) => n + 1);
                                  setOwnChanges((n) => n + 1);
                                  onChanged();
                                })
                                .catch((e: OperationError) => message.error(e.message))
                            }
                          >
                            {d.unlink}
                          </a>,
                        ]
                      : []
                  }
                >
                  <Space size={6} wrap>
                    <Tag color={l.kind === "related" ? "blue" : "orange"}>{d.linkKind[l.kind]}</Tag>
                    <a className="num" onClick={() => onOpenCase(l.id)}>
                      {l.case_no}
                    </a>
                    <StatusTag status={l.status} />
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {formatDateTime(l.received_at)} · {l.product_name}
                      {l.note ? ` · ${l.note}` : ""}
                    </Typography.Text>
                  </Space>
                </List.Item>
              )}
            />
          </div>
          <div>
            <Typography.Title level={5}>{d.timeline}</Typography.Title>
            <Timeline
              data-testid="case-timeline"
              items={detail.timeline.map((entry) => ({
                key: entry.event_id,
                children: (
                  <Space direction="vertical" size={0} data-testid={entry.held ? `held-${entry.event_id}` : undefined}>
                    <Space size={6} wrap>
                      <Typography.Text delete={entry.held !== null}>{describe(entry)}</Typography.Text>
                      {entry.held === "open" && <Tag color="orange">{m.ownership.heldTag}</Tag>}
                      {entry.held === "reviewed" && <Tag>{m.ownership.heldReviewedTag}</Tag>}
                      {entry.held === "open" && canHandle && detail.ownership.mine && (
                        <Button size="small" onClick={() => setReviewing(entry.event_id)} data-testid={`held-review-${entry.event_id}`}>
                          {m.ownership.review}
                        </Button>
                      )}
                    </Space>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {formatDateTime(entry.occurred_at)} · {d.recordedBy} {entry.actor_name ?? m.labels.actor[entry.actor] ?? entry.actor}
                    </Typography.Text>
                  </Space>
                ),
              }))}
            />
          </div>
        </Space>
      )}
    </Drawer>
  );
}
