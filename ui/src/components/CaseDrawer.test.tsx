import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App as AntApp } from "antd";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { CaseDetail, HandlingView, TimelineEntry } from "../api";
import { core } from "../test/core";

// A stand-in for the core: every call is recorded and answered by `core.answer`.
vi.mock("../api", async (original) => (await import("../test/core")).withCore(await original()));
vi.mock("./pdfRender", () => ({ fromBase64: () => new Uint8Array(), renderPdf: () => Promise.resolve(1) }));

const { I18nProvider } = await import("../i18n");
const { CodesProvider } = await import("../codes");
const { CaseDrawer } = await import("./CaseDrawer");

let n = 0;
const entry = (kind: string, detail: TimelineEntry["detail"]): TimelineEntry => ({
  event_id: `e${++n}`,
  kind,
  occurred_at: "2026-11-25T02:00:00Z",
  recorded_at: "2026-11-25T02:00:00Z",
  actor: "acc-chen",
  actor_name: "陈静",
  detail,
});

const TIMELINE: TimelineEntry[] = [
  entry("case.team_set", {
    members: [
      { account_id: "acc-chen", name: "陈静", role: "customer_service", duty: "对接", lead: true },
      { account_id: "acc-li", name: "李强", role: "legal", duty: "审核", lead: false },
    ],
    note: null,
  }),
  entry("case.investigation_noted", { note_id: "n1", fact: "点火器批次缺陷", source_kind: "department_statement", source: "售后服务部说明", found_on: "2026-11-22" }),
  entry("case.plan_drafted", { plan_id: "p2", version: 2, summary: "换新", measures: [], money_fen: 350_000, needs_approval: true }),
  entry("case.plan_decided", { plan_id: "p2", approved: false, note: "金额偏高" }),
  entry("case.plan_offered", { plan_id: "p2", version: 2 }),
  entry("case.negotiated", { round_id: "r1", plan_id: "p2", version: 2, held_on: "2026-11-24", method: "phone", response: "counter", counter: "要求补偿 800 元", notes: null }),
  entry("case.step_delayed", { step_id: "s1", title: "上门更换", reason: "配件缺货", old_due_on: "2026-11-30", new_due_on: "2026-12-05", informed_by: "sms", informed_on: "2026-11-25" }),
  entry("case.step_done", { step_id: "s1", title: "上门更换", done_on: "2026-12-05", note: null }),
  entry("case.feedback_recorded", { communicated_by: "phone", satisfaction: "fairly_satisfied", score: 4, comments: null }),
];

const DETAIL: CaseDetail = {
  case: {
    id: "case-1",
    case_no: "2026-HQ-000001",
    received_at: "2026-11-20T02:00:00Z",
    channel: "hotline",
    consumer_name: "王芳",
    product_name: "燃气热水器",
    category: "product_quality",
    severity: "serious",
    department: null,
    store: null,
    status: "received",
    handler: "陈静",
    due_at: null,
    overdue: false,
    at_risk: false,
    paused_reason: null,
    ack_due_at: null,
    ack_overdue: false,
    satisfaction: null,
    result: null,
  },
  consumer: { name: "王芳", mobile: null, landline: null, email: null, address: null },
  content: "无法点火",
  product_model: null,
  quantity: 1,
  amount_paid_fen: null,
  order_no: null,
  purchased_at: null,
  complexity: "complex",
  demand: "exchange",
  demand_amount_fen: null,
  received_by: "赵敏",
  closed_at: null,
  root_cause: null,
  acknowledged_at: null,
  merged_into: null,
  links: [],
  timeline: TIMELINE,
};

const HANDLING: HandlingView = {
  id: "case-1",
  status: "received",
  moves: ["start_investigation", "close", "withdraw"],
  reopen_count: 0,
  typical: false,
  team: [],
  notes: [],
  plans: [],
  steps: [],
  rounds: [],
  feedback: [],
  approval_threshold_fen: 200_000,
};

describe("CaseDrawer", { timeout: 20_000 }, () => {
  beforeEach(() => {
    core.calls = [];
    core.answer = (name) => {
      if (name === "cases.get") return Promise.resolve(DETAIL);
      if (name === "cases.handling") return Promise.resolve(HANDLING);
      if (name === "cases.advance") return Promise.resolve({ id: "case-1", status: "investigating" });
      return new Promise(() => undefined);
    };
  });

  function renderDrawer(onChanged = vi.fn()) {
    render(
      <I18nProvider>
        <AntApp>
          <CodesProvider initial={{ channels: [], categories: [] }}>
            <CaseDrawer caseId="case-1" onClose={() => undefined} canHandle canWork onChanged={onChanged} onOpenCase={() => undefined} />
          </CodesProvider>
        </AntApp>
      </I18nProvider>,
    );
    return onChanged;
  }

  it("shows the handling between the details and the related complaints, and tells the handling events", async () => {
    renderDrawer();
    const handling = await screen.findByTestId("handling");
    const links = screen.getByTestId("case-links");
    expect(handling.compareDocumentPosition(links) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    const timeline = within(screen.getByTestId("case-timeline"));
    timeline.getByText("组建/调整处理小组：陈静（组长）、李强");
    timeline.getByText("调查核实：点火器批次缺陷（部门说明：售后服务部说明）");
    timeline.getByText("制定方案 v2，补偿/退款合计 ¥3,500.00，需审批");
    timeline.getByText("方案审批：不予批准：金额偏高");
    timeline.getByText("提交方案 v2 给消费者");
    timeline.getByText("协商：消费者提出反提议：要求补偿 800 元");
    timeline.getByText("延期：配件缺货，新日期 2026-12-05，已短信告知消费者");
    timeline.getByText("完成：上门更换（2026-12-05）");
    timeline.getByText("结果反馈：基本满意（4 分）");
  });

  it("loads the case again after a handling action, and tells the page", async () => {
    const onChanged = renderDrawer();
    fireEvent.click(await screen.findByTestId("act-start_investigation"));
    fireEvent.click(await screen.findByTestId("dialog-ok"));
    await waitFor(() => expect(core.calls).toContainEqual(["cases.advance", { id: "case-1", move: "start_investigation" }]));
    await waitFor(() => expect(core.calls.filter(([name]) => name === "cases.get")).toHaveLength(2));
    expect(core.calls.filter(([name]) => name === "cases.handling")).toHaveLength(2);
    expect(onChanged).toHaveBeenCalledTimes(1);
  });

  it("produces the consumer's notices, and says why one is not available yet", async () => {
    core.answer = (name, request) => {
      if (name === "cases.get") return Promise.resolve(DETAIL);
      if (name === "cases.handling") return Promise.resolve(HANDLING);
      if (name === "documents.notice" && (request as { kind: string }).kind === "acknowledgment") {
        return Promise.resolve({ file_name: "受理回执-2026-HQ-000001.pdf", title: "受理回执", pages: 1, size: 38_000, data: "JVBERi0=" });
      }
      if (name === "documents.notice") {
        return Promise.reject({ code: "document.unavailable", message: "该案件尚无处理结果，暂不能出具处理结果告知书", fields: [] });
      }
      return new Promise(() => undefined);
    };
    renderDrawer();
    fireEvent.click(await screen.findByTestId("notice-acknowledgment"));
    expect((await screen.findByTestId("pdf-summary")).textContent).toBe("共 1 页 · 37.1 KB");
    expect(core.calls).toContainEqual(["documents.notice", { case: "case-1", kind: "acknowledgment" }]);
    fireEvent.click(screen.getByTestId("pdf-close"));
    fireEvent.click(await screen.findByTestId("notice-result"));
    expect((await screen.findByTestId("pdf-error")).textContent).toContain("暂不能出具处理结果告知书");
  });
});
