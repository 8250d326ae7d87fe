// What the handling record shows: the team, the investigation, every version of the plan,
// the negotiation, the execution of the accepted plan's steps, and the consumer's feedback.
import { Button, Card, Empty, Rate, Space, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useState, type HTMLAttributes } from "react";

import type { HandlingView, PlanStatus, PlanView, StepView } from "../../api";
import { formatDateTime, formatMoney } from "../../format";
import { useI18n } from "../../i18n";
import { chinaToday } from "./common";

export const PLAN_STATUS_COLOR: Record<PlanStatus, string> = {
  draft: "blue",
  pending_approval: "orange",
  declined: "red",
  offered: "cyan",
  accepted: "green",
  rejected: "volcano",
  superseded: "default",
};

/** Props for a table row: antd types `onRow` without `data-*` attributes. */
const rowProps = (testId: string) => ({ "data-testid": testId }) as HTMLAttributes<HTMLElement>;

function None({ text }: { text: string }) {
  return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={text} style={{ margin: "8px 0" }} />;
}

export function TeamSection({ view }: { view: HandlingView }) {
  const { m } = useI18n();
  const h = m.handling.team;
  if (view.team.length === 0) return <None text={h.empty} />;
  return (
    <Table
      size="small"
      rowKey="account_id"
      pagination={false}
      dataSource={view.team}
      onRow={(_, i) => rowProps(`member-row-${i ?? 0}`)}
      columns={[
        {
          key: "name",
          title: h.member,
          width: 180,
          render: (_, t) => (
            <Space size={4}>
              {t.name}
              {t.lead && <Tag color="gold">{h.lead}</Tag>}
            </Space>
          ),
        },
        { key: "role", title: h.role, width: 150, render: (_, t) => m.labels.teamRole[t.role] },
        { key: "duty", title: h.duty, dataIndex: "duty" },
      ]}
    />
  );
}

export function NotesSection({ view }: { view: HandlingView }) {
  const { m } = useI18n();
  const h = m.handling.note;
  if (view.notes.length === 0) return <None text={h.empty} />;
  return (
    <div>
      {view.notes.map((n) => (
        <div key={n.id} className="handling-entry" data-testid={`note-${n.id}`}>
          <Space orientation="vertical" size={2} style={{ width: "100%" }}>
            <Typography.Text style={{ whiteSpace: "pre-wrap" }}>{n.fact}</Typography.Text>
            <Space size={6} wrap>
              <Tag>{m.labels.sourceKind[n.source_kind]}</Tag>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {h.source}
                {m.labels.colon}
                {n.source} · {h.foundOn} <span className="num">{n.found_on}</span> · {h.author} {n.author} ·{" "}
                <span className="num">{formatDateTime(n.recorded_at)}</span>
              </Typography.Text>
            </Space>
          </Space>
        </div>
      ))}
    </div>
  );
}

/** One version of the plan; an earlier one (`earlier`) shows its measures on request. */
function PlanCard({ plan, earlier }: { plan: PlanView; earlier: boolean }) {
  const { m } = useI18n();
  const h = m.handling.plan;
  // Opened or closed by hand; otherwise the newest version is open and earlier ones closed.
  const [toggled, setToggled] = useState<boolean | null>(null);
  const expanded = toggled ?? !earlier;
  const approved = plan.needs_approval && plan.decided_by !== null && plan.status !== "declined";
  return (
    <Card
      size="small"
      data-testid={`plan-v${plan.version}`}
      style={earlier ? { background: "#fafafa" } : undefined}
      title={
        <Space size={8}>
          <span>{h.version(plan.version)}</span>
          <Tag color={PLAN_STATUS_COLOR[plan.status]} data-testid={`plan-status-v${plan.version}`}>
            {m.labels.planStatus[plan.status]}
          </Tag>
          {approved && <Tag color="green">{h.approved}</Tag>}
        </Space>
      }
      extra={
        <Space size={12}>
          <Typography.Text className="num">
            {h.total}
            {m.labels.colon}
            {formatMoney(plan.money_fen)}
          </Typography.Text>
          {earlier && (
            <Button
              type="link"
              size="small"
              style={{ padding: 0 }}
              onClick={() => setToggled(!expanded)}
              data-testid={`plan-toggle-v${plan.version}`}
            >
              {expanded ? h.collapse : h.expand}
            </Button>
          )}
        </Space>
      }
    >
      <Typography.Paragraph style={{ whiteSpace: "pre-wrap", marginBottom: expanded ? 8 : 0 }}>{plan.summary}</Typography.Paragraph>
      {expanded && (
        <Table
          size="small"
          rowKey="key"
          pagination={false}
          dataSource={plan.measures.map((x, i) => ({ ...x, key: i }))}
          columns={[
            { key: "kind", title: h.kind, width: 100, render: (_, x) => m.labels.measureKind[x.kind] },
            { key: "description", title: h.description, dataIndex: "description" },
            {
              key: "amount",
              title: h.amount,
              width: 120,
              align: "right",
              className: "num",
              render: (_, x) => (x.amount_fen === null ? "—" : formatMoney(x.amount_fen)),
            },
            { key: "responsible", title: h.responsible, width: 100, dataIndex: "responsible_name" },
            {
              key: "steps",
              title: h.steps,
              width: 260,
              render: (_, x) => (
                <Space orientation="vertical" size={0}>
                  {x.steps.map((s) => (
                    <span key={s.step_id}>
                      {s.title} <Typography.Text type="secondary" className="num">{s.due_on}</Typography.Text>
                    </span>
                  ))}
                </Space>
              ),
            },
          ]}
        />
      )}
      <Typography.Text type="secondary" style={{ fontSize: 12, display: "block", marginTop: 8 }}>
        {h.author} {plan.author} · <span className="num">{formatDateTime(plan.drafted_at)}</span>
        {plan.decided_by && (
          <>
            {" · "}
            {h.decidedBy} {plan.decided_by}
            {plan.decision_note && (
              <>
                {" · "}
                {h.decisionNote}
                {m.labels.colon}
                {plan.decision_note}
              </>
            )}
          </>
        )}
      </Typography.Text>
    </Card>
  );
}

export function PlansSection({ view }: { view: HandlingView }) {
  const { m } = useI18n();
  if (view.plans.length === 0) return <None text={m.handling.plan.empty} />;
  return (
    <Space orientation="vertical" size={8} style={{ width: "100%" }}>
      {view.plans.map((p, i) => (
        <PlanCard key={p.id} plan={p} earlier={i > 0} />
      ))}
    </Space>
  );
}

export function RoundsSection({ view }: { view: HandlingView }) {
  const { m } = useI18n();
  const h = m.handling.round;
  if (view.rounds.length === 0) return <None text={h.empty} />;
  return (
    <Table
      size="small"
      rowKey="id"
      pagination={false}
      dataSource={view.rounds}
      onRow={(r) => rowProps(`round-${r.id}`)}
      columns={[
        { key: "held_on", title: h.heldOn, dataIndex: "held_on", width: 104, className: "num" },
        { key: "plan", title: h.plan, width: 70, render: (_, r) => `v${r.plan_version}` },
        { key: "method", title: h.method, width: 90, render: (_, r) => m.labels.contactMethod[r.method] },
        {
          key: "response",
          title: h.response,
          width: 110,
          render: (_, r) => (
            <Tag color={r.response === "accepted" ? "green" : r.response === "counter" ? "orange" : "red"}>
              {m.labels.offerResponse[r.response]}
            </Tag>
          ),
        },
        { key: "counter", title: h.counter, render: (_, r) => r.counter ?? "—" },
        { key: "notes", title: h.notes, render: (_, r) => r.notes ?? "—" },
        { key: "author", title: h.author, dataIndex: "author", width: 90 },
      ]}
    />
  );
}

/**
 * The steps of the plan being carried out (the newest accepted one) and, after a reopening,
 * those of earlier plans, each group numbered from 1 as the core numbers them.
 */
export function groupSteps(view: HandlingView): { version: number; steps: StepView[] }[] {
  const versionOf = new Map<string, number>();
  for (const p of view.plans) for (const x of p.measures) for (const s of x.steps) versionOf.set(s.step_id, p.version);
  const groups = new Map<number, StepView[]>();
  for (const s of view.steps) {
    const v = versionOf.get(s.id) ?? 0;
    groups.set(v, [...(groups.get(v) ?? []), s]);
  }
  return [...groups.entries()].sort(([a], [b]) => b - a).map(([version, steps]) => ({ version, steps }));
}

export function StepsSection({
  view,
  canAct,
  onDone,
  onDelay,
}: {
  view: HandlingView;
  /** May complete and delay steps now. */
  canAct: boolean;
  onDone: (step: StepView) => void;
  onDelay: (step: StepView) => void;
}) {
  const { m } = useI18n();
  const h = m.handling.step;
  const today = chinaToday();
  const groups = groupSteps(view);
  if (groups.length === 0) return <None text={h.empty} />;
  const columns = (current: boolean): ColumnsType<StepView> => [
    { key: "no", title: h.no, dataIndex: "position", width: 56, className: "num" },
    { key: "measure", title: h.measure, width: 100, render: (_, s) => m.labels.measureKind[s.measure_kind] },
    { key: "title", title: h.title, dataIndex: "title" },
    { key: "responsible", title: h.responsible, dataIndex: "responsible_name", width: 90 },
    {
      key: "due_on",
      title: h.dueOn,
      width: 170,
      render: (_, s) => (
        <Space size={4}>
          <Typography.Text className="num" type={s.overdue ? "danger" : undefined} strong={s.overdue}>
            {s.due_on}
          </Typography.Text>
          {s.overdue && <Tag color="red">{h.overdue}</Tag>}
          {!s.done_on && !s.overdue && s.due_on === today && <Tag color="orange">{h.dueToday}</Tag>}
        </Space>
      ),
    },
    { key: "done_on", title: h.doneOn, width: 104, className: "num", render: (_, s) => s.done_on ?? "—" },
    { key: "delays", title: h.delays, width: 80, className: "num", render: (_, s) => (s.delays > 0 ? s.delays : "—") },
    ...(current && canAct
      ? [
          {
            key: "actions",
            title: h.actions,
            width: 130,
            render: (_: unknown, s: StepView) =>
              !s.done_on && (
                <Space size={4}>
                  <Button size="small" type="primary" onClick={() => onDone(s)} data-testid={`act-step-done-${s.position}`}>
                    {m.handling.act.stepDone}
                  </Button>
                  <Button size="small" onClick={() => onDelay(s)} data-testid={`act-step-delay-${s.position}`}>
                    {m.handling.act.stepDelay}
                  </Button>
                </Space>
              ),
          },
        ]
      : []),
  ];
  return (
    <Space orientation="vertical" size={8} style={{ width: "100%" }}>
      {groups.map((g, i) => (
        <div key={g.version}>
          {groups.length > 1 && <Typography.Text strong>{m.handling.plan.version(g.version)}</Typography.Text>}
          <Table<StepView>
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={g.steps}
            rowClassName={(s) => (s.overdue ? "step-overdue" : "")}
            onRow={(s) => rowProps(i === 0 ? `step-${s.position}` : `step-v${g.version}-${s.position}`)}
            columns={columns(i === 0)}
          />
        </div>
      ))}
    </Space>
  );
}

export function FeedbackSection({ view }: { view: HandlingView }) {
  const { m } = useI18n();
  const h = m.handling.feedback;
  if (view.feedback.length === 0) return <None text={h.empty} />;
  return (
    <div>
      {view.feedback.map((f, i) => (
        <div key={i} className="handling-entry" data-testid={`feedback-${i}`}>
          <Space orientation="vertical" size={2}>
            <Space size={8} wrap>
              <Tag color={f.satisfaction === "dissatisfied" ? "red" : f.satisfaction === "satisfied" ? "green" : "blue"}>
                {m.labels.satisfaction[f.satisfaction]}
              </Tag>
              <Rate disabled value={f.score} style={{ fontSize: 14 }} />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {h.communicatedBy}
                {m.labels.colon}
                {m.labels.contactMethod[f.communicated_by]} · <span className="num">{formatDateTime(f.recorded_at)}</span>
              </Typography.Text>
            </Space>
            {f.comments && <Typography.Text style={{ whiteSpace: "pre-wrap" }}>{f.comments}</Typography.Text>}
          </Space>
        </div>
      ))}
    </div>
  );
}
