// 纠纷处理 (policy §四): where a case stands in the workflow, what can be done with it now, and
// the record of its handling — team, investigation, plans, negotiation, execution, feedback.
import { Alert, App, Button, Collapse, Skeleton, Space, Steps, Tag, Tooltip, Typography } from "antd";
import type { StepsProps } from "antd";
import { useCallback, useEffect, useState, type ReactNode } from "react";

import { call, type CaseStatus, type HandlingView, type OperationError, type PlanView, type StepView } from "../api";
import { formatMoney } from "../format";
import { useI18n } from "../i18n";
import { useDirectory } from "./handling/common";
import {
  AdvanceDialog,
  ApproveDialog,
  AssignDialog,
  CloseDialog,
  FeedbackDialog,
  InvestigateDialog,
  NegotiateDialog,
  OfferDialog,
  StepDelayDialog,
  StepDoneDialog,
  type AdvanceMove,
} from "./handling/dialogs";
import { PlanDialog } from "./handling/PlanDialog";
import {
  FeedbackSection,
  NotesSection,
  PlansSection,
  RoundsSection,
  StepsSection,
  TeamSection,
} from "./handling/sections";
import { TeamDialog } from "./handling/TeamDialog";

/** The workflow's stages in order (§四): the step indicator. */
const STAGES: CaseStatus[] = ["received", "investigating", "planning", "negotiating", "executing", "feedback", "closed"];
const FINISHED: ReadonlySet<CaseStatus> = new Set(["closed", "withdrawn", "merged"]);

type Dialog =
  | { kind: "advance"; move: AdvanceMove }
  | { kind: "team" }
  | { kind: "investigate" }
  | { kind: "draft" }
  | { kind: "offer"; plan: PlanView }
  | { kind: "approve"; plan: PlanView }
  | { kind: "negotiate" }
  | { kind: "step-done"; step: StepView }
  | { kind: "step-delay"; step: StepView }
  | { kind: "feedback" }
  | { kind: "close" }
  | { kind: "assign" };

/** How far a case that ended early (withdrawn, merged) had come, from what it holds. */
function reached(view: HandlingView): number {
  if (view.feedback.length > 0) return 5;
  if (view.steps.length > 0) return 4;
  if (view.rounds.length > 0 || view.plans.some((p) => p.status === "offered")) return 3;
  if (view.plans.length > 0) return 2;
  if (view.notes.length > 0 || view.team.length > 0) return 1;
  return 0;
}

function StageIndicator({ view }: { view: HandlingView }) {
  const { m } = useI18n();
  const ended = view.status === "withdrawn" || view.status === "merged";
  let items: StepsProps["items"];
  let current: number;
  if (ended) {
    const upTo = reached(view);
    items = STAGES.map((s, i) =>
      i === STAGES.length - 1
        ? { title: m.labels.status[view.status], status: view.status === "withdrawn" ? "error" : "finish" }
        : { title: m.labels.status[s], status: i <= upTo ? "finish" : "wait" },
    );
    current = STAGES.length - 1;
  } else {
    current = STAGES.indexOf(view.status);
    items = STAGES.map((s) => ({ title: m.labels.status[s] }));
  }
  return (
    <Steps
      size="small"
      current={current}
      status={view.status === "closed" ? "finish" : ended && view.status === "withdrawn" ? "error" : "process"}
      items={items}
      data-testid="handling-steps"
      data-status={view.status}
    />
  );
}

/** The handling of one case, with the actions possible now. */
export function Handling({
  caseId,
  canHandle,
  canApprove,
  onChanged,
  reloadToken = 0,
}: {
  caseId: string;
  /** May act on the case (permission case.handle). */
  canHandle: boolean;
  /** May approve or refuse plans above the threshold (compensation.approve). */
  canApprove: boolean;
  /** After each action: the case view and the lists around it show the change. */
  onChanged: () => void;
  /** Changed by the case view when it changed the case itself: loads the handling again. */
  reloadToken?: number;
}) {
  const { m } = useI18n();
  const h = m.handling;
  const { message } = App.useApp();
  const [loaded, setLoaded] = useState<{ id: string; view?: HandlingView; error?: OperationError } | null>(null);
  const [reloads, setReloads] = useState(0);
  // The dialog open, kept while it closes so that it does not go blank as it fades.
  // Each opening is a new session: a fresh form.
  const [dialog, setDialog] = useState<{ what: Dialog | null; open: boolean; session: number }>({
    what: null,
    open: false,
    session: 0,
  });
  const directory = useDirectory(
    dialog.what?.kind === "team" || dialog.what?.kind === "draft" || dialog.what?.kind === "assign",
  );

  useEffect(() => {
    let live = true;
    call("cases.handling", { id: caseId })
      .then((view) => live && setLoaded({ id: caseId, view }))
      .catch((error: OperationError) => live && setLoaded({ id: caseId, error }));
    return () => {
      live = false;
    };
  }, [caseId, reloads, reloadToken]);

  const show = useCallback((what: Dialog) => setDialog((d) => ({ what, open: true, session: d.session + 1 })), []);
  const hide = useCallback(() => setDialog((d) => ({ ...d, open: false })), []);
  const done = useCallback(() => {
    setDialog((d) => ({ ...d, open: false }));
    message.success(h.saved);
    setReloads((n) => n + 1);
    onChanged();
  }, [message, h.saved, onChanged]);

  const current = loaded && loaded.id === caseId ? loaded : null;
  if (!current) return <Skeleton active paragraph={{ rows: 3 }} />;
  if (current.error || !current.view) {
    return <Alert type="error" showIcon title={m.errors.title} description={current.error?.message} data-testid="handling" />;
  }
  const view = current.view;
  const status = view.status;
  const open = !FINISHED.has(status);
  const openSteps = view.steps.filter((s) => !s.done_on).length;
  const lastFeedback = view.feedback[view.feedback.length - 1];
  const feedbackOk = !!lastFeedback && lastFeedback.satisfaction !== "dissatisfied";

  /** A button of the action bar; `why`: it is disabled, and this says what is missing. */
  const act = (testId: string, label: string, onClick: () => void, opts: { primary?: boolean; danger?: boolean; why?: string } = {}) => {
    const button = (
      <Button
        key={testId}
        size="small"
        type={opts.primary ? "primary" : "default"}
        danger={opts.danger}
        disabled={!!opts.why}
        onClick={onClick}
        data-testid={testId}
      >
        {label}
      </Button>
    );
    return opts.why ? (
      <Tooltip key={testId} title={opts.why}>
        <span>{button}</span>
      </Tooltip>
    ) : (
      button
    );
  };

  const actions: ReactNode[] = [];
  const pending = view.plans.filter((p) => p.status === "pending_approval");
  if (canHandle && open) {
    if (view.moves.includes("start_investigation")) {
      actions.push(act("act-start_investigation", h.act.start_investigation, () => show({ kind: "advance", move: "start_investigation" }), { primary: true }));
    }
    if (view.moves.includes("start_planning")) {
      actions.push(
        act("act-start_planning", h.act.start_planning, () => show({ kind: "advance", move: "start_planning" }), {
          primary: view.notes.length > 0,
          why: view.notes.length === 0 ? h.why.needsNote : undefined,
        }),
      );
    }
    if (status === "planning") {
      const drafted = view.plans.some((p) => p.status === "draft" || p.status === "pending_approval");
      actions.push(act("act-draft", view.plans.length > 0 ? h.act.redraft : h.act.draft, () => show({ kind: "draft" }), { primary: !drafted }));
      if (view.moves.includes("offer")) {
        for (const p of view.plans.filter((x) => x.status === "draft")) {
          actions.push(act(`act-offer-${p.version}`, h.act.offer(p.version), () => show({ kind: "offer", plan: p }), { primary: true }));
        }
      }
    }
    if (status === "negotiating") {
      actions.push(act("act-negotiate", h.act.negotiate, () => show({ kind: "negotiate" }), { primary: true }));
    }
    if (view.moves.includes("finish_execution")) {
      actions.push(
        act("act-finish_execution", h.act.finish_execution, () => show({ kind: "advance", move: "finish_execution" }), {
          primary: openSteps === 0,
          why: openSteps > 0 ? h.why.stepsOpen(openSteps) : undefined,
        }),
      );
    }
    if (status === "feedback") {
      actions.push(act("act-feedback", h.act.feedback, () => show({ kind: "feedback" }), { primary: !feedbackOk }));
      actions.push(act("act-close", h.act.close, () => show({ kind: "close" }), { primary: feedbackOk, why: feedbackOk ? undefined : h.why.needsFeedback }));
    }
  }
  if (canApprove && status === "planning") {
    for (const p of pending) {
      actions.push(act(`act-approve-${p.version}`, h.act.approve(p.version), () => show({ kind: "approve", plan: p }), { primary: true }));
    }
  }
  if (canHandle && open) {
    if (status !== "received") actions.push(act("act-investigate", h.act.investigate, () => show({ kind: "investigate" })));
    actions.push(act("act-team", h.act.team, () => show({ kind: "team" })));
    actions.push(act("act-assign", h.act.assign, () => show({ kind: "assign" })));
    if (view.moves.includes("withdraw")) {
      actions.push(act("act-withdraw", h.act.withdraw, () => show({ kind: "advance", move: "withdraw" }), { danger: true }));
    }
  }

  const sections = [
    { key: "team", label: h.sections.team, count: view.team.length, body: <TeamSection view={view} /> },
    { key: "notes", label: h.sections.notes, count: view.notes.length, body: <NotesSection view={view} /> },
    { key: "plans", label: h.sections.plans, count: view.plans.length, body: <PlansSection view={view} /> },
    { key: "rounds", label: h.sections.rounds, count: view.rounds.length, body: <RoundsSection view={view} /> },
    {
      key: "steps",
      label: h.sections.steps,
      count: view.steps.length,
      body: (
        <StepsSection
          view={view}
          canAct={canHandle && status === "executing"}
          onDone={(step) => show({ kind: "step-done", step })}
          onDelay={(step) => show({ kind: "step-delay", step })}
        />
      ),
    },
    { key: "feedback", label: h.sections.feedback, count: view.feedback.length, body: <FeedbackSection view={view} /> },
  ];

  const what = dialog.what;
  const common = { open: dialog.open, view, onCancel: hide, onDone: done };
  return (
    <div data-testid="handling" data-status={status} data-case-id={caseId}>
      <Space size={8} style={{ marginBottom: 12 }} wrap>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {h.title}
        </Typography.Title>
        {view.reopen_count > 0 && (
          <Tag color="orange" data-testid="handling-reopened">
            {h.reopened(view.reopen_count)}
          </Tag>
        )}
        {view.typical && <Tag color="purple">{h.typical}</Tag>}
      </Space>
      <StageIndicator view={view} />
      {actions.length > 0 && (
        <Space size={[8, 8]} wrap style={{ margin: "12px 0" }} data-testid="handling-actions">
          {actions}
        </Space>
      )}
      {status === "planning" && pending.length > 0 && !canApprove && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title={`${h.plan.version(pending[0]!.version)} ${m.labels.planStatus.pending_approval}${m.labels.colon}${h.plan.threshold(
            formatMoney(view.approval_threshold_fen),
          )}`}
          data-testid="handling-pending"
        />
      )}
      <Collapse
        size="small"
        defaultActiveKey={sections.map((s) => s.key)}
        style={{ marginTop: actions.length > 0 ? 0 : 12 }}
        items={sections.map((s) => ({
          key: s.key,
          label: (
            <span>
              {s.label}
              {s.count > 0 && <Typography.Text type="secondary">（{s.count}）</Typography.Text>}
            </span>
          ),
          children: <div data-testid={`section-${s.key}`}>{s.body}</div>,
        }))}
      />
      {what?.kind === "advance" && <AdvanceDialog key={dialog.session} {...common} move={what.move} />}
      {what?.kind === "team" && <TeamDialog key={dialog.session} {...common} directory={directory} />}
      {what?.kind === "investigate" && <InvestigateDialog key={dialog.session} {...common} />}
      {what?.kind === "draft" && <PlanDialog key={dialog.session} {...common} directory={directory} />}
      {what?.kind === "offer" && <OfferDialog key={dialog.session} {...common} plan={what.plan} />}
      {what?.kind === "approve" && <ApproveDialog key={dialog.session} {...common} plan={what.plan} />}
      {what?.kind === "negotiate" && <NegotiateDialog key={dialog.session} {...common} />}
      {what?.kind === "step-done" && <StepDoneDialog key={dialog.session} {...common} step={what.step} />}
      {what?.kind === "step-delay" && <StepDelayDialog key={dialog.session} {...common} step={what.step} />}
      {what?.kind === "feedback" && <FeedbackDialog key={dialog.session} {...common} />}
      {what?.kind === "close" && <CloseDialog key={dialog.session} {...common} />}
      {what?.kind === "assign" && <AssignDialog key={dialog.session} {...common} directory={directory} />}
    </div>
  );
}
