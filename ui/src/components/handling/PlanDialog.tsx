// 制定方案: a new version of the solution plan — measures, each with its person responsible
// and its dated steps. Money above the approval threshold needs Legal or a manager.
import { DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import { Alert, Button, Card, Form, Input, Space, Tag, Typography } from "antd";
import dayjs, { type Dayjs } from "dayjs";

import { call, type MeasureKind, type PlanView } from "../../api";
import { formatMoney } from "../../format";
import { useI18n } from "../../i18n";
import { AccountSelect, ActionDialog, chinaToday, DateField, optional, SearchSelect, ymd, yuan, type Directory } from "./common";
import { ROW, type DialogProps } from "./dialogs";

export const MEASURE_KINDS: MeasureKind[] = [
  "return",
  "exchange",
  "repair",
  "refund",
  "compensation",
  "apology",
  "service_improvement",
  "other",
];

/** Measures that pay the consumer: they carry an amount, and count towards approval. */
export const PAYS = (kind: MeasureKind | undefined): boolean => kind === "refund" || kind === "compensation";

const AMOUNT = /^\d{1,9}(\.\d{1,2})?$/;

interface StepValues {
  title?: string;
  due_on?: Dayjs | null;
}

interface MeasureValues {
  kind?: MeasureKind;
  description?: string;
  amount?: string;
  responsible_id?: string;
  steps?: StepValues[];
}

interface PlanValues {
  summary: string;
  measures: MeasureValues[];
}

const EMPTY_MEASURE: MeasureValues = { steps: [{}] };

/** The form filled from an earlier version: a revision starts from what was offered. */
function fromPlan(plan: PlanView): PlanValues {
  const today = chinaToday();
  return {
    summary: plan.summary,
    measures: plan.measures.map((x) => ({
      kind: x.kind,
      description: x.description,
      amount: x.amount_fen === null ? undefined : yuan(x.amount_fen),
      responsible_id: x.responsible_id,
      // A date already past cannot be kept: it is chosen again.
      steps: x.steps.map((s) => ({ title: s.title, due_on: s.due_on >= today ? dayjs(s.due_on) : null })),
    })),
  };
}

/** Refunds and compensation in the form, in fen. */
function moneyOf(measures: MeasureValues[] | undefined): number {
  return (measures ?? []).reduce((sum, x) => {
    const amount = x?.amount?.trim() ?? "";
    return PAYS(x?.kind) && AMOUNT.test(amount) ? sum + Math.round(Number(amount) * 100) : sum;
  }, 0);
}

export function PlanDialog({ view, directory, ...p }: DialogProps & { directory: Directory }) {
  const { m } = useI18n();
  const h = m.handling.plan;
  const required = { required: true, message: m.auth.required };
  const text = [required, { whitespace: true, message: m.auth.required }];
  const latest = view.plans[0];
  const lastRound = view.rounds[view.rounds.length - 1];
  const lastFeedback = view.feedback[view.feedback.length - 1];
  const known = [
    ...view.team.map((t) => ({ id: t.account_id, name: t.name })),
    ...view.plans.flatMap((x) => x.measures.map((y) => ({ id: y.responsible_id, name: y.responsible_name }))),
  ];

  const hints: string[] = [];
  if (view.status === "planning" && lastRound && lastRound.response !== "accepted" && lastRound.counter) {
    hints.push(h.counter(lastRound.counter));
  }
  if (lastFeedback?.satisfaction === "dissatisfied" && lastFeedback.comments) hints.push(h.dissatisfied(lastFeedback.comments));
  if (latest) hints.push(h.prefilled(latest.version));

  return (
    <ActionDialog<PlanValues>
      {...p}
      title={latest ? m.handling.act.redraft : m.handling.act.draft}
      fields={["summary", "measures"]}
      width={900}
      initialValues={latest ? fromPlan(latest) : { measures: [EMPTY_MEASURE] }}
      intro={
        hints.length > 0 && (
          <Alert type="info" showIcon style={{ marginBottom: 12 }} title={hints.map((x, i) => <div key={i}>{x}</div>)} />
        )
      }
      submit={(v) =>
        call("plans.draft", {
          case_id: view.id,
          summary: v.summary.trim(),
          measures: v.measures.map((x) => ({
            kind: x.kind as MeasureKind,
            description: (x.description ?? "").trim(),
            amount: PAYS(x.kind) ? optional(x.amount) : undefined,
            responsible_id: x.responsible_id ?? "",
            steps: (x.steps ?? []).map((s) => ({ title: (s.title ?? "").trim(), due_on: ymd(s.due_on) })),
          })),
        })
      }
    >
      <Form.Item name="summary" label={h.summary} rules={text}>
        <Input.TextArea rows={2} maxLength={2000} showCount autoFocus data-testid="f-summary" />
      </Form.Item>
      <Form.List
        name="measures"
        rules={[
          {
            validator: (_, value: MeasureValues[] | undefined) =>
              value && value.length > 0 ? Promise.resolve() : Promise.reject(new Error(h.atLeastOneMeasure)),
          },
        ]}
      >
        {(measures, { add, remove }, { errors }) => (
          <Space orientation="vertical" size={12} style={{ width: "100%" }}>
            {measures.map((measure) => {
              const i = measure.name;
              return (
                <Card
                  key={measure.key}
                  size="small"
                  title={h.measure(i + 1)}
                  data-testid={`measure-${i}`}
                  extra={
                    measures.length > 1 && (
                      <Button
                        size="small"
                        type="text"
                        danger
                        icon={<DeleteOutlined />}
                        onClick={() => remove(i)}
                        data-testid={`remove-measure-${i}`}
                      >
                        {h.remove}
                      </Button>
                    )
                  }
                >
                  <div style={ROW}>
                    <Form.Item name={[i, "kind"]} label={h.kind} rules={[required]} style={{ width: 170 }}>
                      <SearchSelect<MeasureKind>
                        testId={`f-measures-${i}-kind`}
                        options={MEASURE_KINDS.map((k) => ({ value: k, label: m.labels.measureKind[k] }))}
                      />
                    </Form.Item>
                    <Form.Item noStyle dependencies={[["measures", i, "kind"]]}>
                      {({ getFieldValue }) =>
                        PAYS(getFieldValue(["measures", i, "kind"])) && (
                          <Form.Item
                            name={[i, "amount"]}
                            label={h.amount}
                            style={{ width: 170 }}
                            rules={[required, { pattern: AMOUNT, message: h.amountFormat }]}
                          >
                            <Input prefix="¥" inputMode="decimal" placeholder="0.00" data-testid={`f-measures-${i}-amount`} />
                          </Form.Item>
                        )
                      }
                    </Form.Item>
                    <Form.Item name={[i, "responsible_id"]} label={h.responsible} rules={[required]} style={{ flex: 1 }}>
                      <AccountSelect directory={directory} known={known} testId={`f-measures-${i}-responsible_id`} />
                    </Form.Item>
                  </div>
                  <Form.Item name={[i, "description"]} label={h.description} rules={text}>
                    <Input.TextArea rows={2} maxLength={1000} data-testid={`f-measures-${i}-description`} />
                  </Form.Item>
                  <Typography.Text strong>{h.steps}</Typography.Text>
                  <Form.List
                    name={[i, "steps"]}
                    rules={[
                      {
                        validator: (_, value: StepValues[] | undefined) =>
                          value && value.length > 0 ? Promise.resolve() : Promise.reject(new Error(h.atLeastOneStep)),
                      },
                    ]}
                  >
                    {(steps, stepOps, { errors: stepErrors }) => (
                      <div style={{ marginTop: 8 }}>
                        {steps.map((step) => {
                          const j = step.name;
                          return (
                            <div key={step.key} style={ROW} data-testid={`measure-${i}-step-${j}`}>
                              <Typography.Text type="secondary" style={{ width: 20, lineHeight: "32px" }}>
                                {j + 1}.
                              </Typography.Text>
                              <Form.Item name={[j, "title"]} rules={text} style={{ flex: 1, marginBottom: 8 }}>
                                <Input
                                  maxLength={200}
                                  placeholder={h.stepTitle}
                                  aria-label={h.stepTitle}
                                  data-testid={`f-measures-${i}-steps-${j}-title`}
                                />
                              </Form.Item>
                              <Form.Item name={[j, "due_on"]} rules={[required]} style={{ width: 170, marginBottom: 8 }}>
                                <DateField
                                  testId={`f-measures-${i}-steps-${j}-due_on`}
                                  limit="future"
                                  aria-label={h.dueOn}
                                />
                              </Form.Item>
                              <Button
                                type="text"
                                icon={<DeleteOutlined />}
                                disabled={steps.length <= 1}
                                aria-label={h.remove}
                                onClick={() => stepOps.remove(j)}
                                data-testid={`remove-step-${i}-${j}`}
                              />
                            </div>
                          );
                        })}
                        <Form.ErrorList errors={stepErrors} />
                        <Button
                          size="small"
                          type="dashed"
                          icon={<PlusOutlined />}
                          onClick={() => stepOps.add({})}
                          data-testid={`add-step-${i}`}
                        >
                          {h.addStep}
                        </Button>
                      </div>
                    )}
                  </Form.List>
                </Card>
              );
            })}
            <Form.ErrorList errors={errors} />
            <Button type="dashed" block icon={<PlusOutlined />} onClick={() => add({ ...EMPTY_MEASURE })} data-testid="add-measure">
              {h.addMeasure}
            </Button>
          </Space>
        )}
      </Form.List>
      <Form.Item noStyle shouldUpdate>
        {({ getFieldValue }) => {
          const money = moneyOf(getFieldValue("measures") as MeasureValues[] | undefined);
          const over = money > view.approval_threshold_fen;
          return (
            <div style={{ marginTop: 12 }} data-testid="plan-money">
              <Space size={8} wrap>
                <Typography.Text strong>
                  {h.total}
                  {m.labels.colon}
                  {formatMoney(money)}
                </Typography.Text>
                {over && <Tag color="orange">{h.needsApproval}</Tag>}
                <Typography.Text type="secondary" data-testid="plan-threshold">
                  {h.threshold(formatMoney(view.approval_threshold_fen))}
                </Typography.Text>
              </Space>
              {over && <Alert type="warning" showIcon title={h.overThreshold} style={{ marginTop: 8 }} />}
            </div>
          );
        }}
      </Form.Item>
    </ActionDialog>
  );
}
