// The handling actions with a short form each: moving the case on, investigation notes,
// offering and deciding on a plan, negotiation, steps, feedback, closing, transfer.
import { Alert, Descriptions, Form, Input, Rate, Switch, Typography } from "antd";
import dayjs, { type Dayjs } from "dayjs";

import {
  call,
  type ContactMethod,
  type HandlingView,
  type OfferResponse,
  type PlanView,
  type RootCause,
  type Satisfaction,
  type SourceKind,
  type StepView,
} from "../../api";
import { formatMoney } from "../../format";
import { useI18n } from "../../i18n";
import {
  AccountSelect,
  ActionDialog,
  chinaToday,
  DateField,
  METHODS,
  optional,
  SearchSelect,
  ymd,
  type Directory,
} from "./common";

export type AdvanceMove = "start_investigation" | "start_planning" | "finish_execution" | "withdraw";

const SOURCE_KINDS: SourceKind[] = [
  "document",
  "consumer_talk",
  "department_statement",
  "site_visit",
  "third_party",
  "other",
];
const RESPONSES: OfferResponse[] = ["accepted", "rejected", "counter"];
const SATISFACTIONS: Satisfaction[] = ["satisfied", "fairly_satisfied", "dissatisfied"];
const ROOT_CAUSES: RootCause[] = [
  "product_defect",
  "supplier",
  "consumer_misuse",
  "installation",
  "staff_conduct",
  "logistics",
  "pricing_error",
  "contract_terms",
  "other",
];

/** What every dialog is given. */
export interface DialogProps {
  open: boolean;
  view: HandlingView;
  onCancel: () => void;
  onDone: () => void;
}

const today = () => dayjs(chinaToday());

/** Two or three short fields side by side. */
export const ROW: React.CSSProperties = { display: "flex", gap: 12, alignItems: "flex-start" };

function useRules() {
  const { m } = useI18n();
  return { required: { required: true, message: m.auth.required }, whitespace: { whitespace: true, message: m.auth.required } };
}

function useMethodOptions() {
  const { m } = useI18n();
  return METHODS.map((x) => ({ value: x, label: m.labels.contactMethod[x] }));
}

export function AdvanceDialog({ move, view, ...p }: DialogProps & { move: AdvanceMove }) {
  const { m } = useI18n();
  const h = m.handling;
  const { required, whitespace } = useRules();
  const withdraw = move === "withdraw";
  return (
    <ActionDialog<{ note?: string }>
      {...p}
      title={h.act[move]}
      fields={["note"]}
      danger={withdraw}
      intro={
        withdraw ? (
          <Alert type="warning" showIcon title={h.advance.withdrawHint} style={{ marginBottom: 12 }} />
        ) : (
          <Typography.Paragraph>{h.advance[move]}</Typography.Paragraph>
        )
      }
      submit={(v) => call("cases.advance", { id: view.id, move, note: optional(v.note) })}
    >
      <Form.Item
        name="note"
        label={withdraw ? h.advance.withdrawReason : h.advance.note}
        rules={withdraw ? [required, whitespace] : []}
      >
        <Input.TextArea rows={2} maxLength={1000} autoFocus data-testid="f-note" />
      </Form.Item>
    </ActionDialog>
  );
}

interface NoteValues {
  fact: string;
  source_kind: SourceKind;
  source: string;
  found_on: Dayjs;
}

export function InvestigateDialog({ view, ...p }: DialogProps) {
  const { m } = useI18n();
  const h = m.handling.note;
  const { required, whitespace } = useRules();
  return (
    <ActionDialog<NoteValues>
      {...p}
      title={m.handling.act.investigate}
      fields={["fact", "source_kind", "source", "found_on"]}
      initialValues={{ found_on: today() }}
      width={600}
      submit={(v) =>
        call("cases.investigate", {
          id: view.id,
          fact: v.fact.trim(),
          source_kind: v.source_kind,
          source: v.source.trim(),
          found_on: ymd(v.found_on),
        })
      }
    >
      <Form.Item name="fact" label={h.fact} rules={[required, whitespace]}>
        <Input.TextArea rows={3} maxLength={5000} showCount autoFocus data-testid="f-fact" />
      </Form.Item>
      <div style={ROW}>
        <Form.Item name="source_kind" label={h.sourceKind} rules={[required]} style={{ flex: 1 }}>
          <SearchSelect<SourceKind>
            testId="f-source_kind"
            options={SOURCE_KINDS.map((k) => ({ value: k, label: m.labels.sourceKind[k] }))}
          />
        </Form.Item>
        <Form.Item name="found_on" label={h.foundOn} rules={[required]} style={{ width: 170 }}>
          <DateField testId="f-found_on" limit="past" />
        </Form.Item>
      </div>
      <Form.Item name="source" label={h.source} rules={[required, whitespace]}>
        <Input maxLength={500} placeholder={h.sourceHint} data-testid="f-source" />
      </Form.Item>
    </ActionDialog>
  );
}

/** A plan in a few lines: what a person approves or offers. */
export function PlanDigest({ plan }: { plan: PlanView }) {
  const { m } = useI18n();
  const h = m.handling.plan;
  return (
    <Descriptions size="small" bordered column={1} style={{ marginBottom: 12 }}>
      <Descriptions.Item label={h.summary}>{plan.summary}</Descriptions.Item>
      {plan.measures.map((x, i) => (
        <Descriptions.Item key={i} label={h.measure(i + 1)}>
          {m.labels.measureKind[x.kind]}
          {x.amount_fen !== null && ` ${formatMoney(x.amount_fen)}`}
          {m.labels.colon}
          {x.description}（{h.responsible} {x.responsible_name}）
        </Descriptions.Item>
      ))}
      <Descriptions.Item label={h.total}>{formatMoney(plan.money_fen)}</Descriptions.Item>
    </Descriptions>
  );
}

export function OfferDialog({ plan, view: _view, ...p }: DialogProps & { plan: PlanView }) {
  const { m } = useI18n();
  return (
    <ActionDialog<object>
      {...p}
      title={m.handling.act.offer(plan.version)}
      fields={[]}
      width={640}
      intro={
        <>
          <PlanDigest plan={plan} />
          <Alert type="info" showIcon title={m.handling.offer.confirm} style={{ marginBottom: 12 }} />
        </>
      }
      submit={() => call("plans.offer", { plan_id: plan.id })}
    />
  );
}

interface DecideValues {
  approved: "yes" | "no";
  note?: string;
}

export function ApproveDialog({ plan, view, ...p }: DialogProps & { plan: PlanView }) {
  const { m } = useI18n();
  const h = m.handling.approve;
  const { required } = useRules();
  return (
    <ActionDialog<DecideValues>
      {...p}
      title={m.handling.act.approve(plan.version)}
      fields={["approved", "note"]}
      width={640}
      intro={
        <>
          <PlanDigest plan={plan} />
          <Typography.Paragraph type="secondary">
            {m.handling.plan.threshold(formatMoney(view.approval_threshold_fen))}
          </Typography.Paragraph>
        </>
      }
      submit={(v) => call("plans.decide", { plan_id: plan.id, approved: v.approved === "yes", note: optional(v.note) })}
    >
      <Form.Item name="approved" label={h.decision} rules={[required]}>
        <SearchSelect<"yes" | "no">
          testId="f-approved"
          autoFocus
          options={[
            { value: "yes", label: h.approve },
            { value: "no", label: h.refuse },
          ]}
        />
      </Form.Item>
      <Form.Item noStyle dependencies={["approved"]}>
        {({ getFieldValue }) => (
          <Form.Item
            name="note"
            label={h.note}
            rules={getFieldValue("approved") === "no" ? [{ required: true, whitespace: true, message: h.noteRequired }] : []}
          >
            <Input.TextArea rows={3} maxLength={1000} data-testid="f-note" />
          </Form.Item>
        )}
      </Form.Item>
    </ActionDialog>
  );
}

interface NegotiateValues {
  held_on: Dayjs;
  method: ContactMethod;
  response: OfferResponse;
  counter?: string;
  notes?: string;
}

export function NegotiateDialog({ view, ...p }: DialogProps) {
  const { m } = useI18n();
  const h = m.handling.round;
  const { required, whitespace } = useRules();
  const methods = useMethodOptions();
  const offered = view.plans.find((x) => x.status === "offered");
  return (
    <ActionDialog<NegotiateValues>
      {...p}
      title={m.handling.act.negotiate}
      fields={["held_on", "method", "response", "counter", "notes"]}
      initialValues={{ held_on: today(), method: "phone" }}
      width={600}
      intro={offered && <Typography.Paragraph strong>{h.onOffer(offered.version, offered.summary)}</Typography.Paragraph>}
      submit={(v) =>
        call("cases.negotiate", {
          case_id: view.id,
          held_on: ymd(v.held_on),
          method: v.method,
          response: v.response,
          counter: v.response === "counter" ? optional(v.counter) : undefined,
          notes: optional(v.notes),
        })
      }
    >
      <Form.Item name="response" label={h.response} rules={[required]}>
        <SearchSelect<OfferResponse>
          testId="f-response"
          autoFocus
          options={RESPONSES.map((r) => ({ value: r, label: m.labels.offerResponse[r] }))}
        />
      </Form.Item>
      <Form.Item noStyle dependencies={["response"]}>
        {({ getFieldValue }) => {
          const response = getFieldValue("response") as OfferResponse | undefined;
          return (
            <>
              {response === "counter" && (
                <Form.Item name="counter" label={h.counter} rules={[required, whitespace]}>
                  <Input.TextArea rows={2} maxLength={2000} data-testid="f-counter" />
                </Form.Item>
              )}
              {response && (
                <Alert
                  type={response === "accepted" ? "success" : "warning"}
                  showIcon
                  title={response === "accepted" ? h.acceptedHint : h.otherHint}
                  style={{ marginBottom: 12 }}
                />
              )}
            </>
          );
        }}
      </Form.Item>
      <div style={ROW}>
        <Form.Item name="held_on" label={h.heldOn} rules={[required]} style={{ width: 170 }}>
          <DateField testId="f-held_on" limit="past" />
        </Form.Item>
        <Form.Item name="method" label={h.method} rules={[required]} style={{ flex: 1 }}>
          <SearchSelect<ContactMethod> testId="f-method" options={methods} />
        </Form.Item>
      </div>
      <Form.Item name="notes" label={h.notes}>
        <Input.TextArea rows={2} maxLength={2000} data-testid="f-notes" />
      </Form.Item>
    </ActionDialog>
  );
}

export function StepDoneDialog({ step, view: _view, ...p }: DialogProps & { step: StepView }) {
  const { m } = useI18n();
  const h = m.handling.step;
  const { required } = useRules();
  return (
    <ActionDialog<{ done_on: Dayjs; note?: string }>
      {...p}
      title={`${m.handling.act.stepDone}${m.labels.colon}${step.title}`}
      fields={["done_on", "note"]}
      initialValues={{ done_on: today() }}
      intro={<Typography.Paragraph>{h.which(step.title, step.due_on)}</Typography.Paragraph>}
      submit={(v) => call("steps.complete", { step_id: step.id, done_on: ymd(v.done_on), note: optional(v.note) })}
    >
      <Form.Item name="done_on" label={h.doneOn} rules={[required]}>
        <DateField testId="f-done_on" limit="past" autoFocus />
      </Form.Item>
      <Form.Item name="note" label={h.note}>
        <Input.TextArea rows={2} maxLength={1000} data-testid="f-note" />
      </Form.Item>
    </ActionDialog>
  );
}

interface DelayValues {
  reason: string;
  new_due_on: Dayjs;
  informed_by: ContactMethod;
  informed_on: Dayjs;
}

export function StepDelayDialog({ step, view: _view, ...p }: DialogProps & { step: StepView }) {
  const { m } = useI18n();
  const h = m.handling.step;
  const { required, whitespace } = useRules();
  const methods = useMethodOptions();
  return (
    <ActionDialog<DelayValues>
      {...p}
      title={`${m.handling.act.stepDelay}${m.labels.colon}${step.title}`}
      fields={["reason", "new_due_on", "informed_by", "informed_on"]}
      // How the consumer was told is never assumed: it is chosen each time.
      initialValues={{ informed_on: today() }}
      intro={
        <>
          <Typography.Paragraph>{h.which(step.title, step.due_on)}</Typography.Paragraph>
          <Alert type="info" showIcon title={h.informedHint} style={{ marginBottom: 12 }} />
        </>
      }
      submit={(v) =>
        call("steps.delay", {
          step_id: step.id,
          reason: v.reason.trim(),
          new_due_on: ymd(v.new_due_on),
          informed_by: v.informed_by,
          informed_on: ymd(v.informed_on),
        })
      }
    >
      <Form.Item name="reason" label={h.reason} rules={[required, whitespace]}>
        <Input.TextArea rows={2} maxLength={1000} autoFocus data-testid="f-reason" />
      </Form.Item>
      <Form.Item name="new_due_on" label={h.newDueOn} rules={[required]}>
        <DateField testId="f-new_due_on" limit="future" />
      </Form.Item>
      <div style={ROW}>
        <Form.Item name="informed_by" label={h.informedBy} rules={[required]} style={{ flex: 1 }}>
          <SearchSelect<ContactMethod> testId="f-informed_by" options={methods} />
        </Form.Item>
        <Form.Item name="informed_on" label={h.informedOn} rules={[required]} style={{ width: 170 }}>
          <DateField testId="f-informed_on" limit="past" />
        </Form.Item>
      </div>
    </ActionDialog>
  );
}

interface FeedbackValues {
  communicated_by: ContactMethod;
  satisfaction: Satisfaction;
  score: number;
  comments?: string;
}

export function FeedbackDialog({ view, ...p }: DialogProps) {
  const { m } = useI18n();
  const h = m.handling.feedback;
  const { required } = useRules();
  const methods = useMethodOptions();
  return (
    <ActionDialog<FeedbackValues>
      {...p}
      title={m.handling.act.feedback}
      fields={["communicated_by", "satisfaction", "score", "comments"]}
      initialValues={{ communicated_by: "phone" }}
      submit={(v) =>
        call("cases.feedback", {
          id: view.id,
          communicated_by: v.communicated_by,
          satisfaction: v.satisfaction,
          score: v.score,
          comments: optional(v.comments),
        })
      }
    >
      <div style={ROW}>
        <Form.Item name="satisfaction" label={h.satisfaction} rules={[required]} style={{ flex: 1 }}>
          <SearchSelect<Satisfaction>
            testId="f-satisfaction"
            autoFocus
            options={SATISFACTIONS.map((s) => ({ value: s, label: m.labels.satisfaction[s] }))}
          />
        </Form.Item>
        <Form.Item name="communicated_by" label={h.communicatedBy} rules={[required]} style={{ flex: 1 }}>
          <SearchSelect<ContactMethod> testId="f-communicated_by" options={methods} />
        </Form.Item>
      </div>
      <Form.Item name="score" label={h.score} rules={[required]}>
        <Rate data-testid="f-score" />
      </Form.Item>
      <Form.Item noStyle dependencies={["satisfaction"]}>
        {({ getFieldValue }) => {
          const dissatisfied = getFieldValue("satisfaction") === "dissatisfied";
          return (
            <>
              <Form.Item
                name="comments"
                label={h.comments}
                rules={dissatisfied ? [{ required: true, whitespace: true, message: h.commentsRequired }] : []}
              >
                <Input.TextArea rows={3} maxLength={2000} data-testid="f-comments" />
              </Form.Item>
              {dissatisfied && <Alert type="warning" showIcon title={h.reopenHint} style={{ marginBottom: 12 }} />}
            </>
          );
        }}
      </Form.Item>
    </ActionDialog>
  );
}

interface CloseValues {
  result: string;
  root_cause: RootCause;
  typical: boolean;
}

export function CloseDialog({ view, ...p }: DialogProps) {
  const { m } = useI18n();
  const h = m.handling.close;
  const { required, whitespace } = useRules();
  return (
    <ActionDialog<CloseValues>
      {...p}
      title={m.handling.act.close}
      fields={["result", "root_cause", "typical"]}
      initialValues={{ typical: view.typical }}
      width={600}
      submit={(v) =>
        call("cases.close", { id: view.id, result: v.result.trim(), root_cause: v.root_cause, typical: v.typical ?? false })
      }
    >
      <Form.Item name="result" label={h.result} rules={[required, whitespace]}>
        <Input.TextArea rows={3} maxLength={2000} showCount placeholder={h.resultHint} autoFocus data-testid="f-result" />
      </Form.Item>
      <div style={ROW}>
        <Form.Item name="root_cause" label={h.rootCause} rules={[required]} style={{ flex: 1 }}>
          <SearchSelect<RootCause>
            testId="f-root_cause"
            options={ROOT_CAUSES.map((r) => ({ value: r, label: m.labels.rootCause[r] ?? r }))}
          />
        </Form.Item>
        <Form.Item name="typical" label={h.typical} valuePropName="checked">
          <Switch data-testid="f-typical" />
        </Form.Item>
      </div>
    </ActionDialog>
  );
}

interface AssignValues {
  handler_id?: string;
  department_id?: string;
  note?: string;
}

export function AssignDialog({ view, directory, ...p }: DialogProps & { directory: Directory }) {
  const { m } = useI18n();
  const h = m.handling.assign;
  const known = view.team.map((t) => ({ id: t.account_id, name: t.name }));
  return (
    <ActionDialog<AssignValues>
      {...p}
      title={m.handling.act.assign}
      fields={["handler_id", "department_id", "note"]}
      submit={(v) =>
        call("cases.assign", {
          id: view.id,
          handler_id: optional(v.handler_id),
          department_id: optional(v.department_id),
          note: optional(v.note),
        })
      }
    >
      <Form.Item
        name="handler_id"
        label={h.handler}
        dependencies={["department_id"]}
        rules={[
          ({ getFieldValue }) => ({
            validator: (_, value) =>
              value || getFieldValue("department_id") ? Promise.resolve() : Promise.reject(new Error(h.oneOf)),
          }),
        ]}
      >
        <AccountSelect directory={directory} known={known} testId="f-handler_id" allowClear autoFocus />
      </Form.Item>
      <Form.Item name="department_id" label={h.department}>
        <SearchSelect<string>
          testId="f-department_id"
          allowClear
          options={directory.departments.map((d) => ({ value: d.id, label: d.name }))}
        />
      </Form.Item>
      <Form.Item name="note" label={h.note}>
        <Input.TextArea rows={2} maxLength={1000} data-testid="f-note" />
      </Form.Item>
    </ActionDialog>
  );
}
