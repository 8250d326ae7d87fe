import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App as AntApp } from "antd";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type {
  Alert,
  AlertsResponse,
  ApiError,
  ContingencySummary,
  ContingencyVersionView,
  ContingencyView,
  DrillView,
  IncidentSummary,
  HandlerView,
  IncidentView,
  Permission,
  RiskPointView,
} from "../api";
import { core } from "../test/core";

// The core stands in (../test/core); the session grants what each test says.
vi.mock("../api", async (importOriginal) => (await import("../test/core")).withCore(await importOriginal<typeof import("../api")>()));
const granted = { permissions: new Set<Permission>() };
vi.mock("../session", () => ({
  useSession: () => ({ can: (p: Permission) => granted.permissions.has(p) }),
  useCan: (p: Permission) => granted.permissions.has(p),
}));

const { I18nProvider } = await import("../i18n");
const { CodesProvider } = await import("../codes");
const { Emergency } = await import("./Emergency");

// "Now" is 20 November 2026, 12:00 in China.
const NOW = new Date("2026-11-20T04:00:00.000Z");
const TODAY = "2026-11-20";

const calls = (name: string) => core.calls.filter(([n]) => n === name).map(([, r]) => r);
const value = (testId: string) => (screen.getByTestId(testId) as HTMLInputElement | HTMLTextAreaElement).value;
const type = (testId: string, text: string) => fireEvent.change(screen.getByTestId(testId), { target: { value: text } });
/** The error messages shown under a field. */
const errorsOf = (testId: string) =>
  Array.from(
    (screen.getByTestId(testId).closest(".ant-form-item") as HTMLElement).querySelectorAll(".ant-form-item-explain-error"),
  ).map((e) => e.textContent);

const CASES = Array.from({ length: 15 }, (_, i) => `c${i + 1}`);
const ALERT: Alert = {
  dimension: "product",
  value: "智能净水器R9",
  label: "智能净水器R9",
  window_hours: 48,
  window_start: "2026-11-18T04:00:00Z",
  window_end: "2026-11-20T04:00:00Z",
  observed: 15,
  expected: 1.2,
  ratio: 12.5,
  p_value: 3.2e-9,
  baseline_expected: 0.8,
  seasonal_factor: 1.5,
  seasonal_source: "own",
  case_ids: CASES,
  cases: [
    { id: "c1", case_no: "2026-HQ-000101", received_at: "2026-11-20T02:00:00Z", status: "received", store: "上海徐汇店", product: "智能净水器R9", category: "product_quality" },
    { id: "c2", case_no: "2026-HQ-000102", received_at: "2026-11-19T08:30:00Z", status: "investigating", store: "上海静安店", product: "智能净水器R9", category: "product_quality" },
  ],
  incident: null,
};
const DECLARED_ALERT: Alert = {
  ...ALERT,
  dimension: "store",
  value: "u-xuhui",
  label: "上海徐汇店",
  case_ids: ["c1"],
  cases: [],
  incident: { id: "i9", incident_no: "纠纷应急〔2026〕1号" },
};
const ALERTS: AlertsResponse = {
  at: "2026-11-20T04:00:00Z",
  method: {
    windows_hours: [24, 48, 168],
    baseline_days: 56,
    season_shift_days: 3,
    min_season_cases: 20,
    alpha: 0.01,
    min_count: 8,
    min_ratio: 2,
    min_expected: 0.5,
    tests: 90,
    threshold: 0.00011,
  },
  alerts: [ALERT, DECLARED_ALERT],
};

function incident(more: Partial<IncidentView> = {}): IncidentView {
  return {
    id: "i1",
    incident_no: "纠纷应急〔2026〕2号",
    title: "智能净水器R9群体投诉",
    kind: "product_safety",
    level: "mass",
    summary: "R9 滤芯漏水集中投诉",
    status: "open",
    watch: { dimension: "product", value: "智能净水器R9", label: "智能净水器R9" },
    origin: null,
    declared_at: "2026-11-20T03:00:00Z",
    declared_by: "王经理",
    plan_id: null,
    plan_title: null,
    plan_version: null,
    activated_at: null,
    steps: [],
    reports: [],
    measures: [],
    review: null,
    reviewed_at: null,
    reviewed_by: null,
    revised_plans: [],
    closed_at: null,
    closed_by: null,
    live: {
      cases: 15,
      open_cases: 14,
      new_24h: 6,
      stores: [{ name: "上海徐汇店", count: 9 }],
      products: [{ name: "智能净水器R9", count: 15 }],
      steps_done: 0,
      steps_total: 0,
      reports_made: 0,
      reports_overdue: 0,
    },
    cases: [
      { ...ALERT.cases[0]!, auto: false },
      { id: "c16", case_no: "2026-HQ-000130", received_at: "2026-11-20T03:30:00Z", status: "received", store: "上海徐汇店", product: "智能净水器R9", category: "product_quality", auto: true },
    ],
    timeline: [
      { at: "2026-11-20T03:00:00Z", actor: "王经理", kind: "incident.declared", detail: { incident_no: "纠纷应急〔2026〕2号", title: "智能净水器R9群体投诉" } },
      { at: "2026-11-20T03:00:00Z", actor: "王经理", kind: "incident.cases_linked", detail: { case_ids: CASES, auto: false } },
    ],
    ...more,
  };
}

const CONTENT = {
  scope: "产品质量安全引发的群体性纠纷。",
  organisation: [
    { role: "总指挥", name: "王经理", phone: "13800138000", deputy: "", deputy_phone: "", duties: "统一指挥" },
    { role: "联络员", name: "李法务", phone: "13900139000", deputy: "", deputy_phone: "", duties: "对外报告" },
  ],
  steps: [
    { title: "暂停销售并封存库存", role: "总指挥", within_hours: 2 },
    { title: "统一回复口径", role: "联络员", within_hours: null },
  ],
  communication: "每日 18:00 碰头。",
  reporting: [{ authority: "市场监督管理局", within_hours: 24, content: "事件概况、涉及范围" }],
};
function version(n: number, more: Partial<ContingencyVersionView> = {}): ContingencyVersionView {
  return {
    version: n,
    status: "approved",
    title: "产品质量安全应急预案",
    content: CONTENT,
    change_note: n > 1 ? "调整联络员" : "",
    source: null,
    drafted_by: "李法务",
    drafted_at: "2026-10-01T02:00:00Z",
    approved_by: "王经理",
    approved_at: "2026-10-02T02:00:00Z",
    effective_from: "2026-10-02",
    in_force: true,
    ...more,
  };
}
function plan(more: Partial<ContingencyView> = {}): ContingencyView {
  return { id: "p1", kind: "product_safety", title: "产品质量安全应急预案", versions: [version(1)], drills: [], ...more };
}
const PLAN_SUMMARY: ContingencySummary = {
  id: "p1",
  kind: "product_safety",
  title: "产品质量安全应急预案",
  in_force: 1,
  effective_from: "2026-10-02",
  latest_version: 1,
  latest_status: "approved",
  drills: 1,
  last_drill: "2026-11-10",
};
const DRILL: DrillView = {
  id: "d1",
  plan_id: "p1",
  plan_title: "产品质量安全应急预案",
  plan_version: 1,
  held_on: "2026-11-10",
  scenario: "净水器批量漏水",
  participants: ["王经理", "李法务", "陈静"],
  duration_minutes: 90,
  problems: "联络员电话无人接听",
  revisions: "增设联络员替补人",
  revised_versions: [],
  recorded_by: "李法务",
  recorded_at: "2026-11-10T09:00:00Z",
};
const SUMMARY: IncidentSummary = {
  id: "i1",
  incident_no: "纠纷应急〔2026〕2号",
  title: "智能净水器R9群体投诉",
  kind: "product_safety",
  level: "mass",
  status: "open",
  declared_at: "2026-11-20T03:00:00Z",
  closed_at: null,
  cases: 15,
  new_24h: 6,
  steps_done: 0,
  steps_total: 0,
  reports_overdue: 0,
  reviewed: false,
};

const refusal = (code: string, message: string, fields: ApiError["fields"] = []): ApiError => ({ code, message, fields });

function renderPage(focusAlert: string | null = null) {
  render(
    <I18nProvider>
      <AntApp>
        <CodesProvider initial={{ channels: [], categories: [] }}>
          <Emergency focusAlert={focusAlert} />
        </CodesProvider>
      </AntApp>
    </I18nProvider>,
  );
}

async function openTab(key: "alerts" | "incidents" | "plans" | "drills") {
  fireEvent.click(await screen.findByTestId(`emergency-tab-${key}`));
}

describe("Emergency", { timeout: 120_000 }, () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    vi.setSystemTime(NOW);
    core.calls = [];
    granted.permissions = new Set(["case.view", "emergency.manage", "emergency.approve"]);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("shows an alert's evidence and declares an incident from it with its cases, watch and origin", async () => {
    core.answer = (name, request) => {
      switch (name) {
        case "alerts.list":
          return Promise.resolve(ALERTS);
        case "incidents.declare":
          return Promise.resolve(incident({ title: (request as { title: string }).title }));
        case "incidents.get":
          return Promise.resolve(incident());
        case "incidents.list":
          return Promise.resolve([]);
        default:
          return new Promise(() => undefined);
      }
    };
    renderPage();
    const cards = await screen.findAllByTestId("alert-card");
    expect(cards).toHaveLength(2);
    const card = cards[0]!;
    expect(card.getAttribute("data-value")).toBe("智能净水器R9");
    expect(card.textContent).toContain("产品/型号");
    expect(within(card).getByTestId("alert-burst").textContent).toBe("48 小时内 15 件，预期 1.2 件，12.5 倍");
    const evidence = within(card).getByTestId("alert-evidence").textContent ?? "";
    expect(evidence).toContain("2026-11-18 12:00 — 2026-11-20 12:00");
    expect(evidence).toContain("p = 3.2×10⁻⁹（阈值 1.1×10⁻⁴）");
    expect(evidence).toContain("1.5（依据该项去年同期）");
    expect(card.textContent).toContain("聚集的案件（15 件）");
    expect(within(card).getByText("2026-HQ-000101")).toBeTruthy();
    expect(within(card).getByText("2026-HQ-000102")).toBeTruthy();
    expect(screen.getByTestId("alerts-count").textContent).toBe("当前预警 2 项");
    // The method, with this check's parameters.
    fireEvent.click(within(screen.getByTestId("alerts-method")).getByText("预警方法"));
    expect((await within(screen.getByTestId("alerts-method")).findByText(/Bonferroni/)).textContent).toContain("p < 1.1×10⁻⁴");

    // An alert already declared links its incident instead.
    // Recording risk points is for those who may (supervision.manage), not emergency.manage.
    expect(screen.queryByTestId("record-risk")).toBeNull();
    const declared = cards[1]!;
    expect(within(declared).queryByTestId("alert-declare")).toBeNull();
    expect(within(declared).getByTestId("alert-incident-tag").textContent).toBe("已立为 纠纷应急〔2026〕1号");
    fireEvent.click(within(declared).getByTestId("alert-incident"));
    await waitFor(() => expect(calls("incidents.get")).toEqual([{ id: "i9" }]));

    fireEvent.click(within(card).getByTestId("alert-declare"));
    await screen.findByTestId("incident-title");
    expect(value("incident-title")).toBe("智能净水器R9群体投诉");
    expect(value("incident-summary")).toContain("受理投诉 15 件，按历史（含季节因素）预期约 1.2 件，为预期的 12.5 倍");
    expect(screen.getByTestId("declare-evidence").textContent).toContain("15 件（认定时关联）");
    type("incident-summary", "R9 滤芯漏水集中投诉，48 小时内 15 件。");
    fireEvent.click(screen.getByTestId("incident-declare-submit"));
    await waitFor(() => expect(calls("incidents.declare")).toHaveLength(1));
    expect(calls("incidents.declare")[0]).toEqual({
      title: "智能净水器R9群体投诉",
      kind: "product_safety",
      level: "mass",
      summary: "R9 滤芯漏水集中投诉，48 小时内 15 件。",
      watch: { dimension: "product", value: "智能净水器R9", label: "智能净水器R9" },
      origin: {
        dimension: "product",
        value: "智能净水器R9",
        label: "智能净水器R9",
        window_hours: 48,
        window_start: "2026-11-18T04:00:00Z",
        window_end: "2026-11-20T04:00:00Z",
        observed: 15,
        expected: 1.2,
        p_value: 3.2e-9,
      },
      case_ids: CASES,
    });
    // The incident declared opens, and the alerts are checked again.
    await waitFor(() => expect(screen.getByTestId("incident-no").textContent).toBe("纠纷应急〔2026〕2号"));
    expect(calls("alerts.list").length).toBeGreaterThanOrEqual(2);
  });

  it("records a risk point from an alert, prefilled with what it showed", async () => {
    granted.permissions = new Set(["case.view", "supervision.manage"]);
    const handlers: HandlerView[] = [{ id: "acc-wang", display_name: "王磊", unit_id: "u-after", unit_name: "售后服务部" }];
    core.answer = (name, request) => {
      switch (name) {
        case "alerts.list":
          return Promise.resolve(ALERTS);
        case "org.handlers":
          return Promise.resolve(handlers);
        case "org.list":
          return Promise.resolve([]);
        case "risks.record": {
          const r = request as Pick<RiskPointView, "title" | "description" | "source_kind" | "measures" | "owner_id" | "due_on"> & {
            source: Record<string, unknown>;
          };
          return Promise.resolve({
            ...r,
            id: "r1",
            owner: "王磊",
            status: "open",
            review: null,
            reviewed_at: null,
            overdue: false,
            created_by: "李法务",
            created_at: "2026-11-20T04:00:00Z",
          } satisfies RiskPointView);
        }
        default:
          return new Promise(() => undefined);
      }
    };
    renderPage();
    const cards = await screen.findAllByTestId("alert-card");
    // On every alert, declared as an incident or not; declaring stays with emergency.manage.
    expect(within(cards[1]!).getByTestId("record-risk")).toBeTruthy();
    expect(screen.queryByTestId("alert-declare")).toBeNull();
    fireEvent.click(within(cards[0]!).getByTestId("record-risk"));

    await screen.findByTestId("risk-title");
    expect(value("risk-title")).toBe("智能净水器R9群体投诉风险");
    const description = value("risk-description");
    expect(description).toContain("2026-11-18 12:00 至 2026-11-20 12:00（48 小时内），产品/型号“智能净水器R9”受理投诉 15 件");
    expect(description).toContain("为预期的 12.5 倍（p = 3.2×10⁻⁹）");
    expect(screen.getByTestId("risk-source-shown").textContent).toContain("观测 15 / 预期 1.2");
    expect(value("risk-due-on")).toBe("2026-12-20");
    type("risk-measures", "R9 暂停促销，排查滤芯批次");
    fireEvent.mouseDown(screen.getByTestId("risk-owner").querySelector("input") as HTMLInputElement);
    const option = await waitFor(() => {
      const found = document.querySelector('.ant-select-item-option[title="王磊 · 售后服务部"]');
      expect(found).not.toBeNull();
      return found as HTMLElement;
    });
    fireEvent.click(option);
    fireEvent.click(screen.getByTestId("risk-submit"));

    await waitFor(() => expect(calls("risks.record")).toHaveLength(1));
    expect(calls("risks.record")[0]).toEqual({
      title: "智能净水器R9群体投诉风险",
      description,
      source_kind: "alert",
      source: {
        dimension: "product",
        value: "智能净水器R9",
        label: "智能净水器R9",
        window_hours: 48,
        window_start: "2026-11-18T04:00:00Z",
        window_end: "2026-11-20T04:00:00Z",
        observed: 15,
        expected: 1.2,
        ratio: 12.5,
        p_value: 3.2e-9,
      },
      measures: "R9 暂停促销，排查滤芯批次",
      owner_id: "acc-wang",
      due_on: "2026-12-20",
    });
    expect(await screen.findByText("风险点已登记")).toBeTruthy();
    await waitFor(() => expect(screen.queryByTestId("risk-title")).toBeNull());
  });

  it("handles an incident: activates a plan, works its steps, reports, records a measure, reviews, and shows a refused close", async () => {
    let current = incident();
    const replace = (more: Partial<IncidentView>) => {
      current = { ...current, ...more };
      return Promise.resolve(current);
    };
    core.answer = (name, request) => {
      const r = request as Record<string, unknown>;
      switch (name) {
        case "alerts.list":
          return Promise.resolve({ ...ALERTS, alerts: [] });
        case "incidents.list":
          return Promise.resolve([SUMMARY]);
        case "incidents.get":
          return Promise.resolve(current);
        case "contingency.list":
          return Promise.resolve([PLAN_SUMMARY, { ...PLAN_SUMMARY, id: "p2", title: "门店停业应急预案", kind: "store_closure", in_force: null }]);
        case "incidents.activate":
          return replace({
            plan_id: "p1",
            plan_title: "产品质量安全应急预案",
            plan_version: 1,
            activated_at: "2026-11-20T03:10:00Z",
            steps: [
              { seq: 1, title: "暂停销售并封存库存", role: "总指挥", owner: "王经理", due_at: "2026-11-20T05:10:00Z", started_at: null, done_at: null, note: "", overdue: false },
              { seq: 2, title: "统一回复口径", role: "联络员", owner: "李法务", due_at: null, started_at: null, done_at: null, note: "", overdue: false },
            ],
            reports: [
              { id: "r1", authority: "市场监督管理局", due_at: "2026-11-21T03:00:00Z", reported_at: null, reported_by: null, channel: "", content: "事件概况、涉及范围", reply: null, replied_at: null, overdue: false },
            ],
            live: { ...current.live, steps_total: 2 },
          });
        case "incidents.step": {
          const steps = current.steps.map((s) =>
            s.seq === r.seq
              ? { ...s, ...(r.action === "start" ? { started_at: "2026-11-20T04:00:00Z" } : { done_at: "2026-11-20T04:00:00Z" }) }
              : s,
          );
          return replace({ steps, live: { ...current.live, steps_done: steps.filter((s) => s.done_at).length } });
        }
        case "incidents.report":
          return replace({
            reports: current.reports.map((x) =>
              x.id === r.report_id
                ? { ...x, reported_at: "2026-11-20T04:00:00Z", reported_by: "李法务", channel: String(r.channel), content: String(r.content) }
                : x,
            ),
            live: { ...current.live, reports_made: 1 },
          });
        case "incidents.measure":
          return replace({
            measures: [
              { id: "m1", taken_at: "2026-11-20T04:00:00Z", taken_by: "李法务", measure: String(r.measure), effect: (r.effect as string) ?? null, effect_at: null },
            ],
          });
        case "incidents.review":
          return replace({ review: r.review as IncidentView["review"], reviewed_at: "2026-11-20T04:00:00Z", reviewed_by: "李法务" });
        case "incidents.close":
          return Promise.reject(refusal("emergency.invalid_state", "还有应报告的部门尚未报告，不能结案"));
        default:
          return new Promise(() => undefined);
      }
    };
    renderPage();
    await openTab("incidents");
    const row = await screen.findByTestId("incident-row");
    expect(row.getAttribute("data-id")).toBe("i1");
    expect(row.textContent).toContain("纠纷应急〔2026〕2号");
    expect(row.textContent).toContain("产品质量安全");
    expect(row.textContent).toContain("群体性");
    expect(row.textContent).toContain("处置中");
    fireEvent.click(row);

    const detail = await screen.findByTestId("incident-detail");
    await waitFor(() => expect(within(detail).getByTestId("incident-no").textContent).toBe("纠纷应急〔2026〕2号"));
    expect(within(detail).getByTestId("incident-status").textContent).toBe("处置中");
    expect(within(detail).getByTestId("incident-live-cases").textContent).toBe("15");
    expect(within(detail).getByTestId("incident-live-new").textContent).toBe("6");
    expect(within(detail).getByTestId("incident-stores").textContent).toContain("上海徐汇店 9");
    expect(within(detail).getByTestId("incident-cases").textContent).toContain("自动关联");
    const timeline = within(detail).getByTestId("incident-timeline");
    expect(Array.from(timeline.querySelectorAll('[data-testid="timeline-entry"]')).map((e) => e.getAttribute("data-kind"))).toEqual([
      "incident.declared",
      "incident.cases_linked",
    ]);
    expect(timeline.textContent).toContain("认定突发事件");
    expect(timeline.textContent).toContain("15 件");

    // The plan in force of the incident's kind is offered first.
    await waitFor(() => expect(screen.getByTestId("incident-plan-select").textContent).toContain("产品质量安全应急预案（产品质量安全，现行第 1 版）"));
    fireEvent.click(screen.getByTestId("incident-activate"));
    await waitFor(() => expect(calls("incidents.activate")).toEqual([{ id: "i1", plan_id: "p1" }]));
    const step1 = await screen.findByTestId("incident-step-1");
    expect(step1.textContent).toContain("暂停销售并封存库存");
    expect(step1.textContent).toContain("王经理");
    expect(step1.textContent).toContain("2026-11-20 13:10");

    fireEvent.click(within(step1).getByTestId("step-start-1"));
    await waitFor(() => expect(within(screen.getByTestId("incident-step-1")).queryByTestId("step-start-1")).toBeNull());
    expect(calls("incidents.step")).toEqual([{ id: "i1", seq: 1, action: "start" }]);
    expect(screen.getByTestId("incident-step-1").textContent).toContain("进行中");
    fireEvent.click(screen.getByTestId("step-done-1"));
    await waitFor(() => expect(within(screen.getByTestId("incident-step-1")).queryByTestId("step-done-1")).toBeNull());
    expect(calls("incidents.step").at(-1)).toEqual({ id: "i1", seq: 1, action: "done" });
    expect(screen.getByTestId("incident-step-1").textContent).toContain("已完成");
    expect(screen.getByTestId("incident-live-steps").textContent).toBe("1/2");

    // The report the plan requires, to the authority it names.
    const report = screen.getByTestId("incident-report-0");
    expect(report.textContent).toContain("市场监督管理局");
    expect(report.textContent).toContain("2026-11-21 11:00");
    expect(report.textContent).toContain("未报告");
    fireEvent.click(within(report).getByTestId("report-make-0"));
    await screen.findByTestId("report-content");
    expect(value("report-authority")).toBe("市场监督管理局");
    type("report-channel", "书面");
    type("report-content", "已暂停 R9 销售，涉及 15 件投诉。");
    fireEvent.click(screen.getByTestId("report-submit"));
    await waitFor(() => expect(calls("incidents.report")).toHaveLength(1));
    expect(calls("incidents.report")[0]).toEqual({
      id: "i1",
      report_id: "r1",
      authority: "市场监督管理局",
      channel: "书面",
      content: "已暂停 R9 销售，涉及 15 件投诉。",
    });
    await waitFor(() => expect(screen.getByTestId("incident-report-0").textContent).toContain("已报告"));
    expect(within(screen.getByTestId("incident-report-0")).getByTestId("report-reply-0")).toBeTruthy();

    fireEvent.click(screen.getByTestId("measure-add"));
    await screen.findByTestId("measure-text");
    type("measure-text", "全部门店下架 R9 并张贴公告");
    fireEvent.click(screen.getByTestId("measure-submit"));
    await waitFor(() => expect(calls("incidents.measure")).toEqual([{ id: "i1", measure: "全部门店下架 R9 并张贴公告" }]));
    expect(await within(screen.getByTestId("incident-measures")).findByText("全部门店下架 R9 并张贴公告")).toBeTruthy();

    fireEvent.click(screen.getByTestId("review-open"));
    await screen.findByTestId("review-causes");
    type("review-causes", "供应商滤芯密封圈批次缺陷");
    type("review-problems", "首批投诉未及时汇总");
    type("review-lessons", "同型号投诉须按日汇总");
    type("review-plan-revisions", "增加每日汇总步骤");
    fireEvent.click(screen.getByTestId("review-submit"));
    await waitFor(() => expect(calls("incidents.review")).toHaveLength(1));
    expect(calls("incidents.review")[0]).toEqual({
      id: "i1",
      review: {
        causes: "供应商滤芯密封圈批次缺陷",
        problems: "首批投诉未及时汇总",
        worked: "",
        lessons: "同型号投诉须按日汇总",
        plan_revisions: "增加每日汇总步骤",
      },
    });
    expect(await within(screen.getByTestId("incident-review")).findByText("供应商滤芯密封圈批次缺陷")).toBeTruthy();
    expect(screen.getByTestId("review-revise-plan")).toBeTruthy();

    // Closing is confirmed first; the core's refusal is shown.
    fireEvent.click(screen.getByTestId("incident-close"));
    fireEvent.click(await screen.findByTestId("incident-close-confirm"));
    expect((await screen.findByTestId("incident-close-error")).textContent).toContain("还有应报告的部门尚未报告，不能结案");
    expect(calls("incidents.close")).toEqual([{ id: "i1" }]);
    expect(screen.getByTestId("incident-status").textContent).toBe("处置中");
  });

  it("saves a new plan's content, shows the core's field errors next to their fields, and approves the draft", async () => {
    let saves = 0;
    let saved: ContingencyView | null = null;
    core.answer = (name) => {
      switch (name) {
        case "alerts.list":
          return Promise.resolve({ ...ALERTS, alerts: [] });
        case "contingency.list":
          return Promise.resolve(saved ? [{ ...PLAN_SUMMARY, in_force: null, latest_status: "draft" }] : []);
        case "contingency.save": {
          saves += 1;
          if (saves === 1) {
            return Promise.reject(
              refusal("validation.failed", "1 项需要更正", [
                { field: "content.organisation[0].phone", code: "field.invalid", message: "电话号码格式不正确" },
              ]),
            );
          }
          saved = plan({ versions: [version(1, { status: "draft", in_force: false, approved_by: null, approved_at: null, effective_from: null })] });
          return Promise.resolve(saved);
        }
        case "contingency.get":
          return Promise.resolve(saved);
        case "contingency.approve":
          saved = plan();
          return Promise.resolve(saved);
        default:
          return new Promise(() => undefined);
      }
    };
    renderPage();
    await openTab("plans");
    fireEvent.click(await screen.findByTestId("plan-new"));
    await screen.findByTestId("plan-title");
    type("plan-title", "产品质量安全应急预案");
    type("plan-scope", "产品质量安全引发的群体性纠纷。");
    type("plan-role-0", "总指挥");
    type("plan-name-0", "王经理");
    type("plan-phone-0", "1380013");
    fireEvent.click(screen.getByTestId("plan-org-add"));
    await screen.findByTestId("plan-role-1");
    type("plan-role-1", "联络员");
    type("plan-name-1", "李法务");
    type("plan-phone-1", "13900139000");
    type("plan-step-title-0", "暂停销售并封存库存");
    type("plan-step-role-0", "总指挥");
    type("plan-step-hours-0", "2");
    fireEvent.click(screen.getByTestId("plan-step-add"));
    await screen.findByTestId("plan-step-title-1");
    type("plan-step-title-1", "统一回复口径");
    type("plan-step-role-1", "联络员");
    type("plan-communication", "每日 18:00 碰头。");
    type("plan-report-authority-0", "市场监督管理局");
    type("plan-report-content-0", "事件概况、涉及范围");
    fireEvent.click(screen.getByTestId("plan-save"));

    // The core's error lands on the field it names; nothing typed is lost.
    await waitFor(() => expect(calls("contingency.save")).toHaveLength(1));
    await waitFor(() => expect(errorsOf("plan-phone-0")).toEqual(["电话号码格式不正确"]));
    expect(calls("contingency.save")[0]).toEqual({
      kind: "product_safety",
      title: "产品质量安全应急预案",
      content: {
        scope: "产品质量安全引发的群体性纠纷。",
        organisation: [
          { role: "总指挥", name: "王经理", phone: "1380013", deputy: "", deputy_phone: "", duties: "" },
          { role: "联络员", name: "李法务", phone: "13900139000", deputy: "", deputy_phone: "", duties: "" },
        ],
        steps: [
          { title: "暂停销售并封存库存", role: "总指挥", within_hours: 2 },
          { title: "统一回复口径", role: "联络员", within_hours: null },
        ],
        communication: "每日 18:00 碰头。",
        reporting: [{ authority: "市场监督管理局", within_hours: 24, content: "事件概况、涉及范围" }],
      },
      change_note: "",
    });
    expect(value("plan-step-title-1")).toBe("统一回复口径");

    type("plan-phone-0", "13800138000");
    fireEvent.click(screen.getByTestId("plan-save"));
    await waitFor(() => expect(calls("contingency.save")).toHaveLength(2));
    expect(calls("contingency.save")[1]).toMatchObject({ content: { organisation: [{ phone: "13800138000" }, { phone: "13900139000" }] } });

    // The plan opens on its draft, which an approver approves from a date.
    const detail = await screen.findByTestId("plan-detail");
    const v1 = await within(detail).findByTestId("plan-version-1");
    expect(v1.textContent).toContain("草稿");
    expect(within(detail).getByTestId("plan-edit-draft")).toBeTruthy();
    fireEvent.click(within(v1).getByTestId("plan-approve-1"));
    await screen.findByTestId("plan-effective-from");
    expect(value("plan-effective-from")).toBe(TODAY);
    fireEvent.click(screen.getByTestId("plan-approve-submit"));
    await waitFor(() => expect(calls("contingency.approve")).toEqual([{ id: "p1", version: 1, effective_from: TODAY }]));
    await waitFor(() => expect(within(detail).getByTestId("plan-version-1").textContent).toContain("现行"));
    expect(within(detail).getByTestId("plan-revise")).toBeTruthy();
  });

  it("revises a plan from a drill's findings, with the drill as its source", async () => {
    core.answer = (name) => {
      switch (name) {
        case "alerts.list":
          return Promise.resolve({ ...ALERTS, alerts: [] });
        case "drills.list":
          return Promise.resolve([DRILL]);
        case "contingency.get":
          return Promise.resolve(plan());
        case "contingency.save":
          return Promise.resolve(
            plan({
              versions: [
                version(2, { status: "draft", in_force: false, source: { kind: "drill", id: "d1", label: "2026-11-10 演练：净水器批量漏水" } }),
                version(1),
              ],
            }),
          );
        default:
          return new Promise(() => undefined);
      }
    };
    renderPage();
    await openTab("drills");
    const row = await screen.findByTestId("drill-row");
    expect(row.getAttribute("data-id")).toBe("d1");
    expect(row.textContent).toContain("2026-11-10");
    expect(row.textContent).toContain("王经理、李法务、陈静");
    expect(row.textContent).toContain("90 分钟");
    fireEvent.click(within(row).getByTestId("drill-revise"));
    await waitFor(() => expect(calls("contingency.get")).toEqual([{ id: "p1" }]));
    const editor = await screen.findByTestId("plan-editor");
    await within(editor).findByTestId("plan-title");
    expect(value("plan-title")).toBe("产品质量安全应急预案");
    expect(value("plan-role-1")).toBe("联络员");
    expect(value("plan-change-note")).toBe("增设联络员替补人");
    expect(editor.textContent).toContain("依据：2026-11-10 演练：净水器批量漏水");
    expect(editor.textContent).toContain("将生成第 2 版");
    type("plan-deputy-1", "陈静");
    fireEvent.click(screen.getByTestId("plan-save"));
    await waitFor(() => expect(calls("contingency.save")).toHaveLength(1));
    expect(calls("contingency.save")[0]).toMatchObject({
      id: "p1",
      kind: "product_safety",
      change_note: "增设联络员替补人",
      source: { kind: "drill", id: "d1" },
    });
    expect(calls("contingency.save")[0]).toMatchObject({ content: { organisation: [{ role: "总指挥" }, { role: "联络员", deputy: "陈静" }] } });
  });

  it("hides every action from those who may only view", async () => {
    granted.permissions = new Set(["case.view"]);
    core.answer = (name) => {
      switch (name) {
        case "alerts.list":
          return Promise.resolve(ALERTS);
        case "incidents.list":
          return Promise.resolve([SUMMARY]);
        case "incidents.get":
          return Promise.resolve(
            incident({
              plan_id: "p1",
              plan_title: "产品质量安全应急预案",
              plan_version: 1,
              steps: [{ seq: 1, title: "暂停销售", role: "总指挥", owner: "王经理", due_at: null, started_at: null, done_at: null, note: "", overdue: false }],
              reports: [{ id: "r1", authority: "市场监督管理局", due_at: "2026-11-21T03:00:00Z", reported_at: null, reported_by: null, channel: "", content: "", reply: null, replied_at: null, overdue: false }],
            }),
          );
        case "contingency.list":
          return Promise.resolve([PLAN_SUMMARY]);
        case "drills.list":
          return Promise.resolve([DRILL]);
        default:
          return new Promise(() => undefined);
      }
    };
    renderPage();
    const cards = await screen.findAllByTestId("alert-card");
    expect(within(cards[0]!).queryByTestId("alert-declare")).toBeNull();
    expect(screen.queryByTestId("record-risk")).toBeNull();
    // Seeing an incident already declared is still possible.
    expect(within(cards[1]!).getByTestId("alert-incident")).toBeTruthy();

    await openTab("incidents");
    fireEvent.click(await screen.findByTestId("incident-row"));
    await screen.findByTestId("incident-step-1");
    expect(screen.queryByTestId("incident-new")).toBeNull();
    for (const testId of ["step-start-1", "step-done-1", "report-make-0", "measure-add", "review-open", "incident-close", "incident-link-open"]) {
      expect(screen.queryByTestId(testId)).toBeNull();
    }
    expect(screen.getByTestId("incident-pdf")).toBeTruthy();

    await openTab("plans");
    await screen.findByTestId("plan-row");
    expect(screen.queryByTestId("plan-new")).toBeNull();
    await openTab("drills");
    await screen.findByTestId("drill-row");
    expect(screen.queryByTestId("drill-new")).toBeNull();
    expect(screen.queryByTestId("drill-revise")).toBeNull();
  });

  it("links cases by their numbers as pasted, and since a day by the incident's watch, naming an unknown number", async () => {
    let current = incident();
    core.answer = (name, request) => {
      const r = request as { case_nos: string[]; watched_since?: string };
      switch (name) {
        case "alerts.list":
          return Promise.resolve({ ...ALERTS, alerts: [] });
        case "incidents.list":
          return Promise.resolve([SUMMARY]);
        case "incidents.get":
          return Promise.resolve(current);
        case "incidents.link":
          if (r.case_nos.includes("2026-HQ-000002")) {
            return Promise.reject(
              refusal("validation.failed", "1 项需要更正", [{ field: "case_nos[1]", code: "field.not_found", message: "案件不存在" }]),
            );
          }
          current = { ...current, live: { ...current.live, cases: current.live.cases + 4 } };
          return Promise.resolve(current);
        default:
          return new Promise(() => undefined);
      }
    };
    renderPage();
    await openTab("incidents");
    fireEvent.click(await screen.findByTestId("incident-row"));
    await waitFor(() => expect(screen.getByTestId("incident-live-cases").textContent).toBe("15"));
    fireEvent.click(within(screen.getByTestId("incident-cases")).getByTestId("incident-link-open"));
    await screen.findByTestId("incident-link-numbers");
    expect(screen.getByTestId("incident-link-since-hint").textContent).toContain(
      "同时关联受理日期在此日及以后、产品/型号“智能净水器R9”的全部案件",
    );

    // Pasted numbers: split, trimmed, each once; the core's unknown one named at the text area.
    type("incident-link-numbers", " 2026-HQ-000001，2026-HQ-000002\n2026-HQ-000001 ");
    fireEvent.click(screen.getByTestId("incident-link-submit"));
    await waitFor(() => expect(errorsOf("incident-link-numbers")).toEqual(["案件编号 2026-HQ-000002 不存在"]));
    expect(calls("incidents.link")).toEqual([{ id: "i1", case_ids: [], case_nos: ["2026-HQ-000001", "2026-HQ-000002"] }]);
    expect(value("incident-link-numbers")).toContain("2026-HQ-000002");

    type("incident-link-numbers", "2026-HQ-000001、2026-HQ-000003; 2026-HQ-000001");
    type("incident-link-since", "2026-11-01");
    fireEvent.click(screen.getByTestId("incident-link-submit"));
    await waitFor(() => expect(calls("incidents.link")).toHaveLength(2));
    expect(calls("incidents.link")[1]).toEqual({
      id: "i1",
      case_ids: [],
      case_nos: ["2026-HQ-000001", "2026-HQ-000003"],
      watched_since: "2026-11-01",
    });
    expect(await screen.findByText("已关联 4 件案件")).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId("incident-live-cases").textContent).toBe("19"));
  });

  it("says when there are no alerts", async () => {
    core.answer = (name) => (name === "alerts.list" ? Promise.resolve({ ...ALERTS, alerts: [] }) : new Promise(() => undefined));
    renderPage();
    expect((await screen.findByTestId("alerts-empty")).textContent).toContain("当前无预警");
    expect(screen.queryByTestId("alert-card")).toBeNull();
  });
});
