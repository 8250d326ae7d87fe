import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App as AntApp } from "antd";
import { beforeEach, describe, expect, it, vi } from "vitest";

import dayjs from "dayjs";

import type {
  CaseRow,
  HandlerView,
  Hotspot,
  HotspotsResponse,
  KpiCode,
  KpiRating,
  KpiResponse,
  Permission,
  RiskPointView,
  StatsResponse,
  StepView,
  WorkList,
} from "../api";
import { chinaToday } from "../components/handling/common";
import { core } from "../test/core";

// A stand-in for the core (../test/core) and the shell's session, with these permissions.
const granted = { permissions: [] as Permission[] };
vi.mock("../api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../api")>();
  return {
    ...(await import("../test/core")).withCore(real),
    session: {
      ...real.session,
      status: () =>
        Promise.resolve({
          needs_setup: false,
          locked: false,
          session: {
            account: { id: "acc-chen", username: "chen", display_name: "陈静", unit_id: "u1", unit_name: "售后服务部", roles: ["legal"], active: true, locked_until: null },
            permissions: granted.permissions,
            case_scope: "all",
            must_change_password: false,
            idle_lock_minutes: 15,
          },
        }),
      touch: () => Promise.resolve(),
    },
  };
});

const { I18nProvider } = await import("../i18n");
const { SessionProvider } = await import("../session");
const { CodesProvider } = await import("../codes");
const { Workbench } = await import("./Workbench");

function row(n: number, more: Partial<CaseRow> = {}): CaseRow {
  return {
    id: `id-${n}`,
    case_no: `2026-HQ-${String(n).padStart(6, "0")}`,
    received_at: "2026-11-20T02:00:00.000Z",
    channel: "hotline",
    consumer_name: "王芳",
    product_name: "燃气热水器",
    category: "product_quality",
    severity: "serious",
    department: "售后服务部",
    store: null,
    status: "executing",
    handler: "陈静",
    due_at: "2026-12-04T15:59:59.000Z",
    overdue: false,
    at_risk: false,
    paused_reason: null,
    ack_due_at: null,
    ack_overdue: false,
    satisfaction: null,
    result: null,
    ...more,
  };
}

function step(n: number, position: number, more: Partial<StepView> = {}): StepView {
  return {
    id: `step-${n}-${position}`,
    case_id: `id-${n}`,
    case_no: `2026-HQ-${String(n).padStart(6, "0")}`,
    plan_id: `plan-${n}`,
    plan_version: 1,
    position,
    measure_kind: "repair",
    title: `上门检修 ${position}`,
    responsible_id: "acc-chen",
    responsible_name: "陈静",
    due_on: "2099-01-01",
    done_on: null,
    delays: 0,
    overdue: false,
    ...more,
  };
}

const WORK: WorkList = {
  cases: [row(1), row(2, { status: "planning" })],
  steps: [step(3, 2, { overdue: true, due_on: "2026-11-20" }), step(1, 1)],
  approvals: [
    { plan_id: "plan-9", case_id: "id-9", case_no: "2026-HQ-000009", version: 2, summary: "退款并补偿", money_fen: 350_000, author: "王磊", drafted_at: "2026-11-23T06:00:00Z" },
  ],
  unit_overdue_cases: [row(4, { overdue: true, handler: "王磊" })],
  unit_overdue_steps: [],
};

const MONTH = chinaToday().slice(0, 7);
const CLOSED = { statuses: ["closed"], closed_from: `${MONTH}-01`, closed_to: `${MONTH}-28`, exclude_merged: true };
const kpiValue = (kpi: KpiCode, value: number | null, numerator: number, denominator: number | null, rating: KpiRating | null) => ({
  kpi,
  value,
  numerator,
  denominator,
  target: rating && { unit_id: null, period: MONTH.slice(0, 4), kpi, goal: 1, limit: 2 },
  rating,
  cases: { ...CLOSED, kpi },
  base: null,
});
const KPIS: KpiResponse = {
  period: { from: `${MONTH}-01`, to: `${MONTH}-28` },
  label: MONTH,
  by: "company",
  total: {
    key: null,
    name: null,
    received: 40,
    closed: 36,
    orders: null,
    values: [
      kpiValue("complaint_rate", null, 40, null, null),
      kpiValue("on_time_rate", 94.4, 34, 36, "amber"),
      kpiValue("satisfaction_rate", 96, 24, 25, "green"),
      kpiValue("mean_handling_days", 4.2, 151, 36, null),
      kpiValue("overdue", 3, 3, null, "red"),
    ],
  },
  lines: [],
};

const never = () => new Promise(() => undefined);

function serve(
  kpi: () => Promise<unknown> = never,
  { hotspots = never, summary = never }: { hotspots?: () => Promise<unknown>; summary?: () => Promise<unknown> } = {},
) {
  core.answer = (name) => {
    switch (name) {
      case "cases.list":
        return Promise.resolve({ total: 0, offset: 0, items: [] });
      case "work.list":
        return Promise.resolve(WORK);
      case "kpi.summary":
        return kpi();
      case "stats.hotspots":
        return hotspots();
      case "stats.summary":
        return summary();
      default:
        return new Promise(() => undefined);
    }
  };
}

const MONTH_CASES = { received_from: `${MONTH}-01`, received_to: `${MONTH}-28`, exclude_merged: true };
function hotspot(dimension: Hotspot["dimension"], key: string | null, observed: number, expected: number, name: string | null = null): Hotspot {
  return {
    dimension,
    key,
    name,
    observed,
    expected,
    ratio: Math.round((observed / expected) * 100) / 100,
    p_value: 1e-9,
    threshold: 0.001,
    history: [],
    cases: { ...MONTH_CASES, [dimension]: key },
  };
}
const HOTSPOTS: HotspotsResponse = {
  period: { from: `${MONTH}-01`, to: `${MONTH}-28` },
  label: MONTH,
  history: [],
  method: { alpha: 0.01, min_count: 5, min_ratio: 1.5, min_expected: 0.5, min_history: 3 },
  tested: [],
  items: [
    hotspot("product", "智能净水器R9", 30, 0.5),
    hotspot("store", "u-xuhui", 14, 3.25, "上海徐汇店"),
    hotspot("category", "product_quality", 40, 12),
    hotspot("department", null, 9, 2),
    hotspot("root_cause", "product_defect", 8, 2.5),
    hotspot("channel", "hotline", 60, 30),
  ],
};

/** The first days of the last twelve months, oldest first. */
const MONTHS = Array.from({ length: 12 }, (_, i) => {
  const [y, mo] = MONTH.split("-").map(Number) as [number, number];
  const index = y * 12 + (mo - 1) - (11 - i);
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
});
const TREND: StatsResponse = {
  period: { from: `${MONTHS[0]}-01`, to: chinaToday() },
  previous: { from: "2000-01-01", to: "2000-12-31" },
  last_year: { from: "2000-01-01", to: "2000-12-31" },
  total: { count: 0, previous: 0, last_year: 0, change_previous: null, change_last_year: null },
  cases: {},
  breakdowns: [],
  trend: MONTHS.map((label, i) => ({
    label,
    period: { from: `${label}-01`, to: `${label}-28` },
    count: i * 3,
    cases: { received_from: `${label}-01`, received_to: `${label}-28`, exclude_merged: true },
  })),
  cross: null,
};

function renderWorkbench(onOpenCases = vi.fn(), onOpenEmergency = vi.fn()) {
  render(
    <I18nProvider>
      <AntApp>
        <SessionProvider>
          <CodesProvider initial={{ channels: [], categories: [] }}>
            <Workbench onOpenLedger={() => undefined} onOpenCases={onOpenCases} onOpenEmergency={onOpenEmergency} />
          </CodesProvider>
        </SessionProvider>
      </AntApp>
    </I18nProvider>,
  );
  return onOpenCases;
}

describe("Workbench", { timeout: 20_000 }, () => {
  beforeEach(() => {
    core.calls = [];
    serve();
  });

  it("lists my cases, my steps with the overdue ones marked, approvals and my unit's overdue cases", async () => {
    granted.permissions = ["case.view", "case.handle", "compensation.approve"];
    renderWorkbench();
    const cases = await screen.findByTestId("work-cases");
    await within(cases).findByText("2026-HQ-000001");
    expect(within(cases).getByText("2026-HQ-000002")).toBeTruthy();
    const steps = screen.getByTestId("work-steps");
    expect(within(steps).getByTestId("work-step-2026-HQ-000003-2").textContent).toContain("逾期");
    expect(within(steps).getByTestId("work-step-2026-HQ-000001-1").textContent).not.toContain("逾期");
    expect(steps.textContent).toContain("已逾期 1");
    expect(screen.getByTestId("work-approvals").textContent).toContain("¥3,500.00");
    expect(screen.getByTestId("work-unit").textContent).toContain("2026-HQ-000004");
    expect(core.calls).toContainEqual(["work.list", {}]);
  });

  it("lists the hand-overs to decide and the held entries to review, and opens their cases", async () => {
    granted.permissions = ["case.view", "case.handle"];
    const base = core.answer;
    core.answer = (name, request) =>
      name === "ownership.review"
        ? Promise.resolve({
            is_hq: true,
            handovers: [
              { case_id: "c-7", case_no: "2026-SH01-000007", from_label: "SH01 上海分公司", to_label: "HZ01 杭州分公司", reason: "顾客已搬到杭州" },
            ],
            held: [
              {
                case_id: "c-9",
                case_no: "2026-HQ-000009",
                event_id: "e-1",
                kind: "case.assigned",
                site_label: "SH01 上海分公司",
                reason: "not_owner",
                recorded_at: "2026-11-20T02:00:00Z",
              },
            ],
          })
        : base(name, request);
    renderWorkbench();
    const card = await screen.findByTestId("work-ownership");
    within(card).getByText("SH01 上海分公司 申请移交给 HZ01 杭州分公司：顾客已搬到杭州");
    within(card).getByText("SH01 上海分公司 在归属变更后提交的“分派处理人”未生效，待审核");
    fireEvent.click(within(card).getByText("2026-HQ-000009"));
    await waitFor(() => expect(core.calls).toContainEqual(["cases.get", { id: "c-9" }]));
  });

  it("shows no hand-over card when nothing waits, nor asks without the permission to handle", async () => {
    granted.permissions = ["case.view"];
    renderWorkbench();
    await screen.findByTestId("work-cases");
    expect(core.calls.some(([name]) => name === "ownership.review")).toBe(false);
    expect(screen.queryByTestId("work-ownership")).toBeNull();
  });

  it("leaves out approvals for those who do not approve, and opens a case from its number", async () => {
    granted.permissions = ["case.view", "case.handle"];
    renderWorkbench();
    const steps = await screen.findByTestId("work-steps");
    fireEvent.click(await within(steps).findByRole("button", { name: "打开案件 2026-HQ-000003" }));
    await waitFor(() => expect(core.calls).toContainEqual(["cases.get", { id: "id-3" }]));
    expect(screen.queryByTestId("work-approvals")).toBeNull();
  });

  it("shows this month's KPIs in their ratings' colours, each opening its cases", async () => {
    granted.permissions = ["case.view", "case.handle"];
    serve(() => Promise.resolve(KPIS));
    const onOpenCases = renderWorkbench();
    const kpis = await screen.findByTestId("workbench-kpi");
    await within(kpis).findByTestId("kpi-tile-on_time_rate");
    expect(core.calls).toContainEqual(["kpi.summary", { period: MONTH }]);
    expect(kpis.textContent).toContain(`本月考核指标（${MONTH}）`);
    // The four a person checks first, no more.
    expect(kpis.querySelectorAll('[data-testid^="kpi-tile-value-"]')).toHaveLength(4);
    expect(within(kpis).getByTestId("kpi-tile-value-on_time_rate").textContent).toBe("94.4%");
    expect(within(kpis).getByTestId("kpi-tile-on_time_rate").getAttribute("data-rating")).toBe("amber");
    expect(within(kpis).getByTestId("kpi-tile-satisfaction_rate").getAttribute("data-rating")).toBe("green");
    expect(within(kpis).getByTestId("kpi-tile-overdue").getAttribute("data-rating")).toBe("red");
    expect(within(kpis).getByTestId("kpi-tile-mean_handling_days").getAttribute("data-rating")).toBe("none");
    expect(within(kpis).getByTestId("kpi-tile-value-mean_handling_days").textContent).toBe("4.2 个工作日");

    fireEvent.click(within(kpis).getByTestId("kpi-tile-overdue"));
    expect(onOpenCases).toHaveBeenLastCalledWith({ ...CLOSED, kpi: "overdue" }, `考核指标：超期件数 ${MONTH}`);
    // The rest of the page is there as well.
    expect(await within(screen.getByTestId("work-cases")).findByText("2026-HQ-000001")).toBeTruthy();
  });

  it("leaves the KPIs out when they cannot be loaded, and shows the rest", async () => {
    granted.permissions = ["case.view", "case.handle"];
    serve(() => Promise.reject(new Error("kpi.summary failed")));
    renderWorkbench();
    await screen.findByTestId("workbench-kpi-failed");
    expect(screen.queryByTestId("workbench-kpi")).toBeNull();
    expect(await within(screen.getByTestId("work-cases")).findByText("2026-HQ-000001")).toBeTruthy();
    expect(screen.getByTestId("figure-total")).toBeTruthy();
  });

  it("alerts this month's hotspots, five at most, each opening its cases", async () => {
    granted.permissions = ["case.view", "case.handle"];
    serve(never, { hotspots: () => Promise.resolve(HOTSPOTS) });
    const onOpenCases = renderWorkbench();
    const alerts = await screen.findByTestId("workbench-hotspots");
    expect(core.calls).toContainEqual(["stats.hotspots", { period: MONTH }]);
    expect(alerts.textContent).toContain(`本月热点（${MONTH}）`);
    const first = within(alerts).getByTestId("workbench-hotspot-product-智能净水器R9");
    expect(first.textContent).toContain("智能净水器R9：本月30件，预期0.5件");
    expect(within(alerts).getByTestId("workbench-hotspot-store-u-xuhui").textContent).toContain("上海徐汇店：本月14件，预期3.25件");
    expect(within(alerts).getByTestId("workbench-hotspot-department-none").textContent).toContain("未记录：本月9件，预期2件");
    expect(alerts.querySelectorAll('[data-testid^="workbench-hotspot-"]')).toHaveLength(5);
    expect(within(alerts).queryByTestId("workbench-hotspot-channel-hotline")).toBeNull();
    expect(within(alerts).getByTestId("workbench-hotspots-more").textContent).toBe("另有 1 项热点，详见统计分析");
    // Recording risk points is for those who may (supervision.manage).
    expect(within(alerts).queryByTestId("record-risk")).toBeNull();

    fireEvent.click(first);
    expect(onOpenCases).toHaveBeenLastCalledWith(HOTSPOTS.items[0]?.cases, `热点：产品/服务“智能净水器R9”，${MONTH}`);
    // The button in it is the same click, from the keyboard.
    fireEvent.click(within(within(alerts).getByTestId("workbench-hotspot-store-u-xuhui")).getByRole("button"));
    expect(onOpenCases).toHaveBeenLastCalledWith(HOTSPOTS.items[1]?.cases, `热点：门店/分公司“上海徐汇店”，${MONTH}`);
    expect(onOpenCases).toHaveBeenCalledTimes(2);
  });

  it("records a risk point from a hotspot, prefilled with what it showed, for those who may", async () => {
    granted.permissions = ["case.view", "case.handle", "supervision.manage"];
    serve(never, { hotspots: () => Promise.resolve(HOTSPOTS) });
    const served = core.answer;
    const handlers: HandlerView[] = [{ id: "acc-wang", display_name: "王磊", unit_id: "u1", unit_name: "售后服务部" }];
    core.answer = (name, request) => {
      switch (name) {
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
            created_by: "陈静",
            created_at: "2026-11-20T04:00:00Z",
          } satisfies RiskPointView);
        }
        default:
          return served(name, request);
      }
    };
    const onOpenCases = renderWorkbench();
    const alerts = await screen.findByTestId("workbench-hotspots");
    // One on every hotspot listed.
    expect(within(alerts).getAllByTestId("record-risk")).toHaveLength(5);
    fireEvent.click(within(within(alerts).getByTestId("workbench-hotspot-store-u-xuhui")).getByTestId("record-risk"));

    const title = (await screen.findByTestId("risk-title")) as HTMLInputElement;
    expect(title.value).toBe("上海徐汇店投诉异常增多");
    const description = `统计期间 ${MONTH}，门店/分公司“上海徐汇店”受理投诉 14 件，以往各期平均 3.25 件，为平均的 4.31 倍（p = 1×10⁻⁹），显著高于以往。`;
    expect((screen.getByTestId("risk-description") as HTMLTextAreaElement).value).toBe(description);
    fireEvent.change(screen.getByTestId("risk-measures"), { target: { value: "徐汇店加强售后接待" } });
    fireEvent.mouseDown(screen.getByTestId("risk-owner").querySelector("input") as HTMLInputElement);
    const option = await waitFor(() => {
      const found = document.querySelector('.ant-select-item-option[title="王磊 · 售后服务部"]');
      expect(found).not.toBeNull();
      return found as HTMLElement;
    });
    fireEvent.click(option);
    fireEvent.click(screen.getByTestId("risk-submit"));

    await waitFor(() => expect(core.calls.filter(([n]) => n === "risks.record")).toHaveLength(1));
    expect(core.calls.find(([n]) => n === "risks.record")?.[1]).toEqual({
      title: "上海徐汇店投诉异常增多",
      description,
      source_kind: "hotspot",
      source: {
        dimension: "store",
        value: "u-xuhui",
        label: "上海徐汇店",
        period: MONTH,
        observed: 14,
        expected: 3.25,
        ratio: 4.31,
        p_value: 1e-9,
      },
      measures: "徐汇店加强售后接待",
      owner_id: "acc-wang",
      due_on: dayjs(chinaToday()).add(30, "day").format("YYYY-MM-DD"),
    });
    expect(await screen.findByText("风险点已登记")).toBeTruthy();
    // Neither the button nor its dialog opened the hotspot's cases.
    expect(onOpenCases).not.toHaveBeenCalled();
  });

  it("shows no hotspots when there are none, or when they cannot be loaded", async () => {
    granted.permissions = ["case.view", "case.handle"];
    serve(never, { hotspots: () => Promise.resolve({ ...HOTSPOTS, items: [] }) });
    renderWorkbench();
    await within(await screen.findByTestId("work-cases")).findByText("2026-HQ-000001");
    await waitFor(() => expect(core.calls.map(([n]) => n)).toContain("stats.hotspots"));
    expect(screen.queryByTestId("workbench-hotspots")).toBeNull();
    cleanup();

    serve(never, { hotspots: () => Promise.reject(new Error("stats.hotspots failed")) });
    renderWorkbench();
    await within(await screen.findByTestId("work-cases")).findByText("2026-HQ-000001");
    expect(screen.queryByTestId("workbench-hotspots")).toBeNull();
    expect(screen.getByTestId("figure-total")).toBeTruthy();
  });

  it("draws the last twelve months' cases received, each month opening its cases", async () => {
    granted.permissions = ["case.view", "case.handle"];
    serve(never, { summary: () => Promise.resolve(TREND) });
    const onOpenCases = renderWorkbench();
    const trend = await screen.findByTestId("workbench-trend");
    await within(trend).findByTestId("workbench-trend-chart");
    expect(core.calls).toContainEqual(["stats.summary", { from: `${MONTHS[0]}-01`, to: chinaToday(), dimensions: [], by: "month" }]);
    expect(trend.textContent).toContain("近 12 个月受理趋势");
    expect(within(trend).getByTestId("workbench-trend-chart-point-0").textContent).toBe(`${MONTHS[0]}0`);
    expect(within(trend).getByTestId("workbench-trend-chart-point-11").getAttribute("data-value")).toBe("33");

    fireEvent.click(within(trend).getByTestId("workbench-trend-chart-pick-11"));
    expect(onOpenCases).toHaveBeenLastCalledWith(TREND.trend[11]?.cases, `全部纠纷，${MONTHS[11]}-01 至 ${MONTHS[11]}-28`);
  });

  it("leaves the trend out when it cannot be loaded, and asks nothing of statistics without case.view", async () => {
    granted.permissions = ["case.view", "case.handle"];
    serve(never, { summary: () => Promise.reject(new Error("stats.summary failed")) });
    renderWorkbench();
    await screen.findByTestId("workbench-trend-failed");
    expect(screen.queryByTestId("workbench-trend")).toBeNull();
    cleanup();

    core.calls = [];
    granted.permissions = ["case.handle"];
    renderWorkbench();
    await within(await screen.findByTestId("work-cases")).findByText("2026-HQ-000001");
    const names = core.calls.map(([n]) => n);
    expect(names).not.toContain("stats.summary");
    expect(names).not.toContain("stats.hotspots");
    expect(screen.queryByTestId("workbench-trend")).toBeNull();
  });

  it("warns of mass disputes, each alert opening emergency management, and leaves them out when they fail", async () => {
    granted.permissions = ["case.view", "case.handle"];
    const base = core.answer;
    const alert = (dimension: "product" | "store", value: string, label: string, incident: { id: string; incident_no: string } | null) => ({
      dimension,
      value,
      label,
      window_hours: 48,
      window_start: "2026-11-18T04:00:00Z",
      window_end: "2026-11-20T04:00:00Z",
      observed: 15,
      expected: 1.2,
      ratio: 12.5,
      p_value: 1e-9,
      baseline_expected: 0.8,
      seasonal_factor: 1.5,
      seasonal_source: "own",
      case_ids: [],
      cases: [],
      incident,
    });
    core.answer = (name, request) =>
      name === "alerts.list"
        ? Promise.resolve({
            at: "2026-11-20T04:00:00Z",
            method: {},
            alerts: [
              alert("product", "智能净水器R9", "智能净水器R9", null),
              alert("store", "u-xuhui", "上海徐汇店", { id: "i1", incident_no: "纠纷应急〔2026〕1号" }),
            ],
          })
        : base(name, request);
    const onOpenEmergency = vi.fn();
    renderWorkbench(vi.fn(), onOpenEmergency);
    const card = await screen.findByTestId("workbench-alerts");
    expect(core.calls).toContainEqual(["alerts.list", {}]);
    expect(card.textContent).toContain("群体性纠纷预警（2 项）");
    const lines = within(card).getAllByTestId("workbench-alert");
    expect(lines[0]?.textContent).toContain("智能净水器R9：48 小时内 15 件，预期 1.2 件，12.5 倍");
    expect(lines[1]?.textContent).toContain("已立为 纠纷应急〔2026〕1号");
    fireEvent.click(within(lines[1] as HTMLElement).getByTestId("workbench-alert-open"));
    expect(onOpenEmergency).toHaveBeenLastCalledWith("store:u-xuhui");
    cleanup();

    core.answer = (name, request) => (name === "alerts.list" ? Promise.reject(new Error("alerts.list failed")) : base(name, request));
    renderWorkbench();
    await within(await screen.findByTestId("work-cases")).findByText("2026-HQ-000001");
    await waitFor(() => expect(core.calls.filter(([n]) => n === "alerts.list")).toHaveLength(2));
    expect(screen.queryByTestId("workbench-alerts")).toBeNull();
    expect(screen.getByTestId("figure-total")).toBeTruthy();
  });
});
