import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App as AntApp } from "antd";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { KpiCode, KpiLine, KpiRating, KpiRequest, KpiResponse, KpiValue, Permission } from "../api";
import { core } from "../test/core";

// A stand-in for the core (../test/core) and the shell's session, with these permissions.
const granted = { permissions: ["case.view"] as Permission[] };
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
            account: { id: "acc-li", username: "li", display_name: "李娜", unit_id: "u1", unit_name: "总经办", roles: ["manager"], active: true, locked_until: null },
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
const { OperationError } = await import("../api");
const { Kpi } = await import("./Kpi");

// "Today" is 14 May 2026 in China: the current quarter is 2026-Q2.
const NOW = new Date("2026-05-14T04:00:00.000Z");
const RECEIVED = { received_from: "2026-04-01", received_to: "2026-06-30", exclude_merged: true };
const CLOSED = { statuses: ["closed"], closed_from: "2026-04-01", closed_to: "2026-06-30", exclude_merged: true };
const LATE = { due_from: "2026-04-01", due_to: "2026-06-30", missed_deadline: true, exclude_merged: true };

function value(
  kpi: KpiCode,
  v: number | null,
  numerator: number | null,
  denominator: number | null,
  target: [number, number, KpiRating | null, string?] | null,
  cases: Record<string, unknown>,
  base: Record<string, unknown> | null = null,
): KpiValue {
  return {
    kpi,
    value: v,
    numerator,
    denominator,
    target: target && { unit_id: null, period: target[3] ?? "2026-Q2", kpi, goal: target[0], limit: target[1] },
    rating: target?.[2] ?? null,
    cases,
    base,
  };
}

/** A line's values, its filters narrowed by `narrow`. */
function values(narrow: Record<string, unknown>, ratings: Partial<Record<KpiCode, KpiRating>> = {}): KpiValue[] {
  const r = <T,>(kpi: KpiCode, fallback: T) => ratings[kpi] ?? fallback;
  return [
    value("complaint_rate", 12.5, 128, 102_400, [15, 20, r("complaint_rate", "green")], { ...RECEIVED, ...narrow }),
    value("on_time_rate", 90.7, 1110, 1224, [95, 90, r("on_time_rate", "amber"), "2026"], { ...CLOSED, ...narrow, closed_on_time: true }, { ...CLOSED, ...narrow }),
    value("satisfaction_rate", 85, 935, 1100, [90, 88, r("satisfaction_rate", "red")], { ...CLOSED, ...narrow, satisfactions: ["satisfied", "fairly_satisfied"] }, { ...CLOSED, ...narrow, satisfactions: ["satisfied", "fairly_satisfied", "dissatisfied"] }),
    value("mean_score", 4.21, 4631, 1100, null, { ...CLOSED, ...narrow }),
    value("first_contact_rate", 20.1, 246, 1224, null, { ...CLOSED, ...narrow, first_contact: true }, { ...CLOSED, ...narrow }),
    value("mean_handling_days", 3.4, 4162, 1224, [5, 8, r("mean_handling_days", "green")], { ...CLOSED, ...narrow }),
    value("median_handling_days", 3, null, 1224, null, { ...CLOSED, ...narrow }),
    value("reopen_rate", 2.5, 31, 1224, null, { ...CLOSED, ...narrow, reopened: true }, { ...CLOSED, ...narrow }),
    value("overdue", 7, 7, null, [0, 10, r("overdue", "amber")], { ...LATE, ...narrow }),
  ];
}

const line = (key: string | null, name: string | null, narrow: Record<string, unknown>, ratings: Partial<Record<KpiCode, KpiRating>> = {}): KpiLine => ({
  key,
  name,
  received: 1300,
  closed: 1224,
  orders: 102_400,
  values: values(narrow, ratings),
});

const TOTAL = line(null, null, {});
const AFTER_SALES = line("u-after", "售后服务部", { department_ids: ["u-after"] }, { on_time_rate: "green" });
const NO_DEPARTMENT = line(null, null, { department_ids: [""] }, { on_time_rate: "red" });

function response(request: KpiRequest): KpiResponse {
  const by = request.by ?? "company";
  const lines =
    by === "company"
      ? []
      : by === "handler"
        ? [line("acc-wang", "王磊", { handler_id: "acc-wang" }), line(null, null, { handler_id: "" })]
        : [AFTER_SALES, NO_DEPARTMENT];
  return { period: { from: "2026-04-01", to: "2026-06-30" }, label: request.period, by, total: TOTAL, lines };
}

const summaries = () => core.calls.filter(([n]) => n === "kpi.summary").map(([, r]) => r as KpiRequest);

function renderPage(onOpenLedger = vi.fn()) {
  render(
    <I18nProvider>
      <AntApp>
        <SessionProvider>
          <Kpi onOpenLedger={onOpenLedger} />
        </SessionProvider>
      </AntApp>
    </I18nProvider>,
  );
  return onOpenLedger;
}

const text = (testId: string) => screen.getByTestId(testId).textContent;
const rating = (testId: string) => screen.getByTestId(testId).getAttribute("data-rating");

/** Picks an option of a select by its label. */
async function pick(testId: string, label: string) {
  fireEvent.mouseDown(screen.getByTestId(testId).querySelector("input") as HTMLInputElement);
  const option = await waitFor(() => {
    const found = document.querySelector(`.ant-select-item-option[title="${label}"]`);
    expect(found).not.toBeNull();
    return found as HTMLElement;
  });
  fireEvent.click(option);
}

describe("Kpi", { timeout: 60_000 }, () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    vi.setSystemTime(NOW);
    granted.permissions = ["case.view"];
    core.calls = [];
    core.answer = (name, request) =>
      name === "kpi.summary" ? Promise.resolve(response(request as KpiRequest)) : new Promise(() => undefined);
  });
  afterEach(() => {
    vi.useRealTimers();
    localStorage.clear();
  });

  it("asks for this quarter by department, and shows a tile per KPI in its rating's colour", async () => {
    renderPage();
    await screen.findByTestId("kpi-tile-on_time_rate");
    expect(summaries()[0]).toEqual({ period: "2026-Q2", by: "department" });
    expect(text("kpi-period")).toBe("2026-Q2（2026-04-01 至 2026-06-30）");

    expect(text("kpi-tile-value-on_time_rate")).toBe("90.7%");
    expect(rating("kpi-tile-on_time_rate")).toBe("amber");
    expect(text("kpi-tile-rating-on_time_rate")).toBe("未达目标");
    expect(text("kpi-tile-target-on_time_rate")).toBe("目标 95% · 警戒 90%（2026）");
    expect(text("kpi-tile-explain-on_time_rate")).toBe("1,110 / 1,224 件按期办结");

    expect(text("kpi-tile-value-complaint_rate")).toBe("12.5 件/万单");
    expect(rating("kpi-tile-complaint_rate")).toBe("green");
    expect(text("kpi-tile-explain-complaint_rate")).toBe("128 件 / 102,400 单");
    expect(rating("kpi-tile-satisfaction_rate")).toBe("red");
    expect(text("kpi-tile-rating-satisfaction_rate")).toBe("突破警戒值");
    expect(text("kpi-tile-value-mean_handling_days")).toBe("3.4 个工作日");
    expect(text("kpi-tile-explain-mean_handling_days")).toBe("1,224 件结案，合计 4,162 个工作日");
    expect(text("kpi-tile-value-overdue")).toBe("7 件");
    // No target: no rating, the plain colours.
    expect(rating("kpi-tile-mean_score")).toBe("none");
    expect(screen.queryByTestId("kpi-tile-rating-mean_score")).toBeNull();
    expect(text("kpi-tile-target-mean_score")).toBe("未设目标");
    // A tile per KPI.
    expect(screen.getByTestId("kpi-tiles").querySelectorAll('[data-testid^="kpi-tile-value-"]')).toHaveLength(9);
  });

  it("lists the lines with each KPI in its rating's colour, the total pinned under them", async () => {
    renderPage();
    const table = await screen.findByTestId("kpi-table");
    expect(within(table).getByTestId("kpi-name-u-after").textContent).toBe("售后服务部");
    expect(within(table).getByTestId("kpi-name-none").textContent).toBe("未记录");
    expect(within(table).getByTestId("kpi-name-total").textContent).toBe("合计");

    const cell = within(table).getByTestId("kpi-cell-u-after-on_time_rate");
    expect(cell.textContent).toBe("90.7");
    expect(cell.getAttribute("data-rating")).toBe("green");
    expect(cell.closest("td")?.className).toContain("kpi-rated-green");
    expect(within(table).getByTestId("kpi-cell-none-on_time_rate").closest("td")?.className).toContain("kpi-rated-red");
    expect(within(table).getByTestId("kpi-cell-total-on_time_rate").closest("td")?.className).toContain("kpi-rated-amber");
    expect(within(table).getByTestId("kpi-cell-u-after-mean_score").closest("td")?.className).not.toContain("kpi-rated");
    // The total stays under the lines, whatever their order.
    const rows = () => Array.from(table.querySelectorAll('[data-testid^="kpi-row-"]')).map((r) => r.getAttribute("data-testid"));
    expect(rows()).toEqual(["kpi-row-u-after", "kpi-row-none", "kpi-row-total"]);
  });

  it("opens the ledger on the cases a tile or a cell counts, and on a rate's base", async () => {
    const onOpen = renderPage();
    fireEvent.click(await screen.findByTestId("kpi-tile-on_time_rate"));
    expect(onOpen).toHaveBeenLastCalledWith({ ...CLOSED, closed_on_time: true }, "考核指标：处理及时率 2026-Q2");

    fireEvent.click(screen.getByTestId("kpi-tile-base-on_time_rate"));
    expect(onOpen).toHaveBeenLastCalledWith(CLOSED, "考核指标：处理及时率 2026-Q2的基数");
    expect(text("kpi-tile-base-on_time_rate")).toBe("查看基数案件（1,224 件）");
    // A count has no base.
    expect(screen.queryByTestId("kpi-tile-base-overdue")).toBeNull();

    fireEvent.click(screen.getByTestId("kpi-tile-value-overdue"));
    expect(onOpen).toHaveBeenLastCalledWith(LATE, "考核指标：超期件数 2026-Q2");

    fireEvent.click(screen.getByTestId("kpi-cell-u-after-reopen_rate"));
    expect(onOpen).toHaveBeenLastCalledWith(
      { ...CLOSED, department_ids: ["u-after"], reopened: true },
      "考核指标：重开率 2026-Q2，部门“售后服务部”",
    );
    fireEvent.click(screen.getByTestId("kpi-cell-none-first_contact_rate"));
    expect(onOpen).toHaveBeenLastCalledWith(
      { ...CLOSED, department_ids: [""], first_contact: true },
      "考核指标：首次解决率 2026-Q2，部门“未记录”",
    );
    fireEvent.click(screen.getByTestId("kpi-cell-total-complaint_rate"));
    expect(onOpen).toHaveBeenLastCalledWith(RECEIVED, "考核指标：投诉率 2026-Q2");
    expect(onOpen).toHaveBeenCalledTimes(6);
  });

  it("explains each KPI in a sentence", async () => {
    renderPage();
    const tile = await screen.findByTestId("kpi-tile-satisfaction_rate");
    fireEvent.click(within(tile).getByTestId("kpi-help-satisfaction_rate"));
    expect((await screen.findByTestId("kpi-help-text-satisfaction_rate")).textContent).toBe(
      "满意率 =（满意 + 基本满意）÷ 有反馈的结案。数值越高越好",
    );
    // Asking is not opening the cases.
    expect(core.calls.filter(([n]) => n === "cases.list")).toHaveLength(0);
  });

  it("asks for the month or the year, and by another line", async () => {
    renderPage();
    await screen.findByTestId("kpi-tile-on_time_rate");
    fireEvent.click(within(screen.getByTestId("kpi-period-kind")).getByText("月度"));
    await waitFor(() => expect(summaries().at(-1)).toEqual({ period: "2026-05", by: "department" }));
    fireEvent.click(within(screen.getByTestId("kpi-period-kind")).getByText("年度"));
    await waitFor(() => expect(summaries().at(-1)).toEqual({ period: "2026", by: "department" }));

    await pick("kpi-by", "处理人");
    await waitFor(() => expect(summaries().at(-1)).toEqual({ period: "2026", by: "handler" }));
    expect(await screen.findByText("王磊")).toBeTruthy();
    expect(text("kpi-name-none")).toBe("未分派");
    // Handlers have no orders.
    expect(screen.getByTestId("kpi-table").textContent).not.toContain("订单数");
  });

  it("shows the core's error, and asks again on request", async () => {
    let fail = true;
    core.answer = (name, request) =>
      name !== "kpi.summary"
        ? new Promise(() => undefined)
        : fail
          ? Promise.reject(new OperationError({ code: "validation.failed", message: "期间格式不正确", fields: [] }))
          : Promise.resolve(response(request as KpiRequest));
    renderPage();
    const error = await screen.findByTestId("kpi-error");
    expect(error.textContent).toContain("期间格式不正确");
    fail = false;
    fireEvent.click(within(error).getByRole("button"));
    await screen.findByTestId("kpi-tile-on_time_rate");
    expect(summaries()).toHaveLength(2);
  });

  it("reads in English", async () => {
    localStorage.setItem("redress.lang", "en");
    const onOpen = renderPage();
    await screen.findByTestId("kpi-tile-on_time_rate");
    expect(text("kpi-tile-explain-on_time_rate")).toBe("1,110 / 1,224 cases closed on time");
    expect(text("kpi-tile-target-on_time_rate")).toBe("Goal 95% · limit 90% (2026)");
    expect(text("kpi-tile-value-mean_handling_days")).toBe("3.4 working days");
    expect(text("kpi-name-none")).toBe("Not recorded");
    fireEvent.click(screen.getByTestId("kpi-cell-u-after-on_time_rate"));
    expect(onOpen).toHaveBeenLastCalledWith(
      { ...CLOSED, department_ids: ["u-after"], closed_on_time: true },
      "KPI: On-time rate 2026-Q2, Department “售后服务部”",
    );
  });

  it("has the targets of the period and the business volume a tab away, changed only with kpi.manage", async () => {
    const answer = (name: string, request: unknown) => {
      switch (name) {
        case "kpi.summary":
          return Promise.resolve(response(request as KpiRequest));
        case "kpi.targets":
        case "volume.list":
        case "org.list":
          return Promise.resolve([]);
        default:
          return new Promise(() => undefined);
      }
    };
    core.answer = answer;
    renderPage();
    await screen.findByTestId("kpi-tile-on_time_rate");
    fireEvent.click(screen.getByTestId("kpi-tab-targets"));
    await screen.findByTestId("kpi-target-readonly");
    expect(core.calls).toContainEqual(["kpi.targets", { period: "2026-Q2" }]);
    expect(screen.queryByTestId("kpi-target-add")).toBeNull();
    fireEvent.click(screen.getByTestId("kpi-tab-volume"));
    await screen.findByTestId("volume-readonly");
    expect(screen.queryByTestId("volume-import")).toBeNull();
  });

  it("lets those who manage KPIs set targets and enter the business volume", async () => {
    granted.permissions = ["case.view", "kpi.manage"];
    core.answer = (name, request) =>
      name === "kpi.summary"
        ? Promise.resolve(response(request as KpiRequest))
        : ["kpi.targets", "volume.list", "org.list"].includes(name)
          ? Promise.resolve([])
          : new Promise(() => undefined);
    renderPage();
    await screen.findByTestId("kpi-tile-on_time_rate");
    fireEvent.click(screen.getByTestId("kpi-tab-targets"));
    await screen.findByTestId("kpi-target-add");
    fireEvent.click(screen.getByTestId("kpi-tab-volume"));
    await screen.findByTestId("volume-import");
    expect(screen.queryByTestId("volume-readonly")).toBeNull();
  });
});
