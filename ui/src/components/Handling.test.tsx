import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App as AntApp } from "antd";
import dayjs from "dayjs";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { ApiError, CaseStatus, HandlingView, Move, PlanView, StepView } from "../api";
import { core } from "../test/core";

// A stand-in for the core: every call is recorded and answered by `core.answer`.
vi.mock("../api", async (original) => (await import("../test/core")).withCore(await original()));

const { I18nProvider } = await import("../i18n");
const { Handling } = await import("./Handling");
const { chinaToday } = await import("./handling/common");

const TODAY = chinaToday();
const LATER = dayjs(TODAY).add(10, "day").format("YYYY-MM-DD");
const LATER_STILL = dayjs(TODAY).add(20, "day").format("YYYY-MM-DD");

/** The moves the workflow allows from each status (as `domain::workflow::next`). */
const MOVES: Record<CaseStatus, Move[]> = {
  received: ["start_investigation", "close", "withdraw"],
  investigating: ["start_planning", "withdraw"],
  planning: ["offer", "withdraw"],
  negotiating: ["accept", "reject", "withdraw"],
  executing: ["finish_execution", "withdraw"],
  feedback: ["reopen", "close", "withdraw"],
  closed: [],
  withdrawn: [],
  merged: [],
};

function handling(status: CaseStatus, more: Partial<HandlingView> = {}): HandlingView {
  return {
    id: "case-1",
    status,
    moves: MOVES[status],
    reopen_count: 0,
    typical: false,
    team: [],
    notes: [],
    plans: [],
    steps: [],
    rounds: [],
    feedback: [],
    approval_threshold_fen: 200_000,
    ...more,
  };
}

const NOTE = {
  id: "note-1",
  fact: "热水器点火器批次缺陷",
  source_kind: "department_statement" as const,
  source: "售后服务部书面说明",
  found_on: TODAY,
  author: "陈静",
  recorded_at: "2026-11-20T02:00:00Z",
};

function plan(version: number, status: PlanView["status"], money_fen = 0): PlanView {
  return {
    id: `plan-${version}`,
    version,
    summary: `更换热水器并补偿（第 ${version} 版）`,
    measures: [
      {
        kind: "compensation",
        description: "补偿误工费",
        amount_fen: money_fen,
        responsible_id: "acc-chen",
        responsible_name: "陈静",
        steps: [{ step_id: `s-${version}-1`, title: "转账补偿款", due_on: LATER }],
      },
    ],
    money_fen,
    needs_approval: money_fen > 200_000,
    status,
    decided_by: null,
    decision_note: null,
    author: "陈静",
    drafted_at: "2026-11-21T02:00:00Z",
  };
}

function step(position: number, more: Partial<StepView> = {}): StepView {
  return {
    id: `s-1-${position}`,
    case_id: "case-1",
    case_no: "2026-HQ-000001",
    plan_id: "plan-1",
    plan_version: 1,
    position,
    measure_kind: "exchange",
    title: `步骤 ${position}`,
    responsible_id: "acc-chen",
    responsible_name: "陈静",
    due_on: LATER,
    done_on: null,
    delays: 0,
    overdue: false,
    ...more,
  };
}

const HANDLERS = [
  { id: "acc-chen", display_name: "陈静", unit_id: "u1", unit_name: "售后服务部" },
  { id: "acc-li", display_name: "李强", unit_id: "u2", unit_name: "法务部" },
];

/** The core answering with `view` for the case, and accepting every change. */
function serve(view: HandlingView, refuse?: { operation: string; error: ApiError }) {
  core.answer = (name) => {
    if (refuse && name === refuse.operation) return Promise.reject(refuse.error);
    switch (name) {
      case "cases.handling":
        return Promise.resolve(view);
      case "org.handlers":
        return Promise.resolve(HANDLERS);
      case "org.list":
        return Promise.resolve([]);
      default:
        return Promise.resolve({ id: "x", status: view.status });
    }
  };
}

function renderHandling({ canHandle = true, canApprove = false } = {}) {
  const onChanged = vi.fn();
  render(
    <I18nProvider>
      <AntApp>
        <Handling caseId="case-1" canHandle={canHandle} canApprove={canApprove} onChanged={onChanged} />
      </AntApp>
    </I18nProvider>,
  );
  return onChanged;
}

const sent = (operation: string) => core.calls.filter(([n]) => n === operation).map(([, r]) => r);

/** Picks an option the keyboard way: type to filter, Enter. */
async function choose(testId: string, text: string) {
  const input = screen.getByTestId(testId).querySelector("input") as HTMLInputElement;
  fireEvent.mouseDown(input);
  fireEvent.change(input, { target: { value: text } });
  await waitFor(() => expect(document.querySelector(".ant-select-item-option-active")).not.toBeNull());
  fireEvent.keyDown(input, { key: "Enter", code: "Enter", keyCode: 13 });
  await waitFor(() => expect(screen.getByTestId(testId).textContent).toContain(text));
}

/** Types a date into a date field and takes it with Enter. */
function typeDate(testId: string, date: string) {
  const input = screen.getByTestId(testId);
  fireEvent.mouseDown(input);
  fireEvent.focus(input);
  fireEvent.change(input, { target: { value: date } });
  fireEvent.keyDown(input, { key: "Enter", code: "Enter", keyCode: 13 });
}

const type = (testId: string, text: string) => fireEvent.change(screen.getByTestId(testId), { target: { value: text } });

/** The form item (label, control, messages) around a field. */
const itemOf = (testId: string) => screen.getByTestId(testId).closest(".ant-form-item") as HTMLElement;

const actions = () =>
  Array.from(document.querySelectorAll("[data-testid^='act-']")).map((e) => e.getAttribute("data-testid"));

describe("Handling", { timeout: 60_000 }, () => {
  beforeEach(() => {
    core.calls = [];
  });

  it("highlights the current stage of the workflow", async () => {
    serve(handling("negotiating", { reopen_count: 2, notes: [NOTE], plans: [plan(1, "offered")] }));
    renderHandling();
    const steps = await screen.findByTestId("handling-steps");
    expect(steps.querySelector(".ant-steps-item-process .ant-steps-item-title")?.textContent).toBe("沟通协商");
    const titles = Array.from(steps.querySelectorAll(".ant-steps-item-title")).map((e) => e.textContent);
    expect(titles).toEqual(["已受理", "调查核实", "方案制定", "沟通协商", "执行中", "结果反馈", "已结案"]);
    expect(steps.querySelectorAll(".ant-steps-item-finish")).toHaveLength(3);
    expect(screen.getByTestId("handling-reopened").textContent).toBe("第 2 次重新处理");
    expect(core.calls).toContainEqual(["cases.handling", { id: "case-1" }]);
  });

  it("shows a withdrawn case as ended where it stood", async () => {
    serve(handling("withdrawn", { notes: [NOTE] }));
    renderHandling();
    const steps = await screen.findByTestId("handling-steps");
    const last = steps.querySelector(".ant-steps-item:last-child") as HTMLElement;
    expect(last.textContent).toBe("已撤回");
    expect(last.className).toContain("ant-steps-item-error");
    expect(steps.querySelectorAll(".ant-steps-item-finish")).toHaveLength(2);
    expect(screen.queryByTestId("handling-reopened")).toBeNull();
    expect(actions()).toEqual([]);
  });

  it("offers only the actions possible now", async () => {
    serve(handling("received"));
    renderHandling();
    await screen.findByTestId("handling-actions");
    expect(actions()).toEqual(["act-start_investigation", "act-team", "act-assign", "act-withdraw"]);
  });

  it("lets planning start only once the facts are noted", async () => {
    serve(handling("investigating"));
    renderHandling();
    const button = (await screen.findByTestId("act-start_planning")) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    expect(actions()).toEqual(["act-start_planning", "act-investigate", "act-team", "act-assign", "act-withdraw"]);
  });

  it("offers a drafted plan, and an approver the plan waiting for approval", async () => {
    serve(handling("planning", { notes: [NOTE], plans: [plan(2, "pending_approval", 350_000), plan(1, "declined", 250_000)] }));
    renderHandling({ canHandle: false, canApprove: true });
    await screen.findByTestId("act-approve-2");
    expect(actions()).toEqual(["act-approve-2"]);
    expect(within(screen.getByTestId("plan-v2")).getByText("待审批")).toBeTruthy();
    expect(within(screen.getByTestId("plan-v1")).getByText("未获批准")).toBeTruthy();
    expect(screen.getByTestId("plan-v2").textContent).toContain("¥3,500.00");
  });

  it("offers the draft to the consumer", async () => {
    serve(handling("planning", { notes: [NOTE], plans: [plan(3, "draft", 50_000), plan(2, "superseded")] }));
    renderHandling();
    await screen.findByTestId("act-offer-3");
    expect(actions()).toEqual(["act-draft", "act-offer-3", "act-investigate", "act-team", "act-assign", "act-withdraw"]);
    fireEvent.click(screen.getByTestId("act-offer-3"));
    fireEvent.click(await screen.findByTestId("dialog-ok"));
    await waitFor(() => expect(sent("plans.offer")).toEqual([{ plan_id: "plan-3" }]));
  });

  it("shows nothing to do on a closed case", async () => {
    serve(handling("closed", { feedback: [{ communicated_by: "phone", satisfaction: "satisfied", score: 5, comments: null, recorded_at: "2026-11-25T02:00:00Z" }] }));
    renderHandling({ canHandle: true, canApprove: true });
    const steps = await screen.findByTestId("handling-steps");
    expect(steps.querySelectorAll(".ant-steps-item-finish")).toHaveLength(7);
    expect(actions()).toEqual([]);
    expect(screen.getByTestId("section-feedback").textContent).toContain("满意");
  });

  it("sends a plan's measures with their steps, dates as YYYY-MM-DD", async () => {
    serve(handling("planning", { notes: [NOTE] }));
    const onChanged = renderHandling();
    fireEvent.click(await screen.findByTestId("act-draft"));
    expect((await screen.findByTestId("plan-threshold")).textContent).toBe("补偿/退款合计超过 ¥2,000.00 需法务或管理层审批");
    type("f-summary", "退款并上门回收");
    await choose("f-measures-0-kind", "退款");
    type("f-measures-0-amount", "1299.50");
    type("f-measures-0-description", "全额退还货款");
    await choose("f-measures-0-responsible_id", "陈静");
    type("f-measures-0-steps-0-title", "财务退款");
    typeDate("f-measures-0-steps-0-due_on", LATER);
    fireEvent.click(screen.getByTestId("add-step-0"));
    await screen.findByTestId("f-measures-0-steps-1-title");
    type("f-measures-0-steps-1-title", "短信告知到账");
    typeDate("f-measures-0-steps-1-due_on", LATER_STILL);
    fireEvent.click(screen.getByTestId("add-measure"));
    await choose("f-measures-1-kind", "赔礼道歉");
    expect(screen.queryByTestId("f-measures-1-amount")).toBeNull();
    type("f-measures-1-description", "电话致歉");
    await choose("f-measures-1-responsible_id", "李强");
    type("f-measures-1-steps-0-title", "店长致电道歉");
    typeDate("f-measures-1-steps-0-due_on", LATER);
    expect(screen.getByTestId("plan-money").textContent).toContain("¥1,299.50");
    fireEvent.click(screen.getByTestId("dialog-ok"));
    await waitFor(() => expect(sent("plans.draft")).toHaveLength(1));
    expect(sent("plans.draft")[0]).toEqual({
      case_id: "case-1",
      summary: "退款并上门回收",
      measures: [
        {
          kind: "refund",
          description: "全额退还货款",
          amount: "1299.50",
          responsible_id: "acc-chen",
          steps: [
            { title: "财务退款", due_on: LATER },
            { title: "短信告知到账", due_on: LATER_STILL },
          ],
        },
        {
          kind: "apology",
          description: "电话致歉",
          responsible_id: "acc-li",
          steps: [{ title: "店长致电道歉", due_on: LATER }],
        },
      ],
    });
    await waitFor(() => expect(onChanged).toHaveBeenCalled());
    expect(sent("cases.handling").length).toBeGreaterThanOrEqual(2);
  });

  it("shows the core's problem with a measure's amount under that amount", async () => {
    serve(handling("planning", { notes: [NOTE] }), {
      operation: "plans.draft",
      error: {
        code: "validation.failed",
        message: "有 1 项填写不正确，请按提示修改",
        fields: [{ field: "measures[0].amount", code: "field.out_of_range", message: "金额超出允许范围" }],
      },
    });
    const onChanged = renderHandling();
    fireEvent.click(await screen.findByTestId("act-draft"));
    await screen.findByTestId("f-summary");
    type("f-summary", "赔偿");
    await choose("f-measures-0-kind", "赔偿/补偿");
    type("f-measures-0-amount", "999999");
    type("f-measures-0-description", "赔偿损失");
    await choose("f-measures-0-responsible_id", "陈静");
    type("f-measures-0-steps-0-title", "转账");
    typeDate("f-measures-0-steps-0-due_on", LATER);
    fireEvent.click(screen.getByTestId("dialog-ok"));
    await waitFor(() => expect(itemOf("f-measures-0-amount").textContent).toContain("金额超出允许范围"));
    expect(itemOf("f-measures-0-description").textContent).not.toContain("金额超出允许范围");
    expect(screen.getByTestId("dialog-ok")).toBeTruthy();
    expect(onChanged).not.toHaveBeenCalled();
  });

  it("does not delay a step until the consumer was told how, and sends how", async () => {
    serve(handling("executing", { steps: [step(1), step(2, { overdue: true, due_on: "2026-01-05" })] }));
    renderHandling();
    expect((await screen.findByTestId("step-2")).textContent).toContain("逾期");
    expect(screen.getByTestId("step-1").textContent).not.toContain("逾期");
    fireEvent.click(screen.getByTestId("act-step-delay-1"));
    await screen.findByTestId("f-reason");
    type("f-reason", "配件缺货");
    typeDate("f-new_due_on", LATER_STILL);
    fireEvent.click(screen.getByTestId("dialog-ok"));
    await waitFor(() => expect(itemOf("f-informed_by").textContent).toContain("必填"));
    expect(sent("steps.delay")).toEqual([]);
    await choose("f-informed_by", "短信");
    fireEvent.click(screen.getByTestId("dialog-ok"));
    await waitFor(() =>
      expect(sent("steps.delay")).toEqual([
        { step_id: "s-1-1", reason: "配件缺货", new_due_on: LATER_STILL, informed_by: "sms", informed_on: TODAY },
      ]),
    );
  });

  it("requires the consumer's reasons when they are not satisfied", async () => {
    serve(handling("feedback"));
    renderHandling();
    expect(((await screen.findByTestId("act-close")) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId("act-feedback"));
    await screen.findByTestId("f-satisfaction");
    await choose("f-satisfaction", "不满意");
    const stars = screen.getByTestId("f-score").querySelectorAll("li");
    fireEvent.click(stars[1]!.querySelector(".ant-rate-star-second")!);
    fireEvent.click(screen.getByTestId("dialog-ok"));
    await waitFor(() => expect(itemOf("f-comments").textContent).toContain("消费者不满意时须记录其理由"));
    expect(sent("cases.feedback")).toEqual([]);
    type("f-comments", "补偿金额太低");
    fireEvent.click(screen.getByTestId("dialog-ok"));
    await waitFor(() =>
      expect(sent("cases.feedback")).toEqual([
        { id: "case-1", communicated_by: "phone", satisfaction: "dissatisfied", score: 2, comments: "补偿金额太低" },
      ]),
    );
  });
});
