import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App as AntApp } from "antd";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { CaseRow, KpiCode, KpiRating, KpiResponse, Permission, StepView, WorkList } from "../api";
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

function serve(kpi: () => Promise<unknown> = () => new Promise(() => undefined)) {
  core.answer = (name) => {
    switch (name) {
      case "cases.list":
        return Promise.resolve({ total: 0, offset: 0, items: [] });
      case "work.list":
        return Promise.resolve(WORK);
      case "kpi.summary":
        return kpi();
      default:
        return new Promise(() => undefined);
    }
  };
}

function renderWorkbench(onOpenCases = vi.fn()) {
  render(
    <I18nProvider>
      <AntApp>
        <SessionProvider>
          <CodesProvider initial={{ channels: [], categories: [] }}>
            <Workbench onOpenLedger={() => undefined} onOpenCases={onOpenCases} />
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
});
