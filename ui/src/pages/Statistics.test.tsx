import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App as AntApp } from "antd";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type {
  BreakdownItem,
  Figure,
  HandlerView,
  HotspotsResponse,
  Permission,
  RiskPointView,
  StatsDimension,
  StatsRequest,
  StatsResponse,
} from "../api";
import { core } from "../test/core";

// A stand-in for the core: every call is recorded and answered by `core.answer`; the session
// grants what each test says.
vi.mock("../api", async (original) => (await import("../test/core")).withCore(await original()));
const granted = { permissions: new Set<Permission>() };
vi.mock("../session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../session")>()),
  useCan: (p: Permission) => granted.permissions.has(p),
}));

const { I18nProvider } = await import("../i18n");
const { CodesProvider } = await import("../codes");
const { OperationError } = await import("../api");
const { Statistics } = await import("./Statistics");

const entry = (list: "channel" | "category", code: string, label_zh: string, label_en: string) => ({
  list,
  code,
  label_zh,
  label_en,
  definition_zh: "",
  definition_en: "",
  position: 10,
  active: true,
  requires_store: false,
  builtin: true,
});
const LISTS = {
  channels: [entry("channel", "hotline", "客服热线", "Hotline")],
  categories: [
    entry("category", "product_quality", "产品质量", "Product quality"),
    entry("category", "service", "服务态度", "Service"),
  ],
};

// "Today" is 14 May 2026 in China: this year so far is 1 January to 14 May.
const NOW = new Date("2026-05-14T04:00:00.000Z");
const BASE = { received_from: "2026-01-01", received_to: "2026-05-14", exclude_merged: true };

const fig = (count: number, previous: number, last_year: number, change_previous: number | null, change_last_year: number | null): Figure => ({
  count,
  previous,
  last_year,
  change_previous,
  change_last_year,
});
function item(key: string | null, figure: Figure, share: number, cases: Record<string, unknown> | null, name: string | null = null): BreakdownItem {
  return { key, name, others: false, figure, share, cases };
}

const CATEGORY_ITEMS = [
  item("product_quality", fig(80, 60, 100, 33.3, -20), 66.7, { ...BASE, categories: ["product_quality"] }),
  item("service", fig(40, 36, 50, 11.1, -20), 33.3, { ...BASE, categories: ["service"] }),
];
const BREAKDOWNS: Record<StatsDimension, BreakdownItem[]> = {
  category: CATEGORY_ITEMS,
  channel: [item("hotline", fig(120, 96, 150, 25, -20), 100, { ...BASE, channels: ["hotline"] })],
  department: [
    item("u-after", fig(100, 96, 150, 4.2, -33.3), 83.3, { ...BASE, department_ids: ["u-after"] }, "售后服务部"),
    item(null, fig(20, 0, 0, null, null), 16.7, { ...BASE, department_ids: [""] }),
  ],
  store: [item("u-xuhui", fig(120, 96, 150, 25, -20), 100, { ...BASE, store_ids: ["u-xuhui"] }, "上海徐汇店")],
  product: [
    item("燃气热水器", fig(90, 76, 125, 18.4, -28), 75, { ...BASE, products: ["燃气热水器"] }),
    { key: null, name: null, others: true, figure: fig(30, 20, 25, 50, 20), share: 25, cases: null },
  ],
  severity: [
    item("serious", fig(70, 50, 100, 40, -30), 58.3, { ...BASE, severities: ["serious"] }),
    item("general", fig(50, 46, 50, 8.7, 0), 41.7, { ...BASE, severities: ["general"] }),
  ],
  root_cause: [
    item(null, fig(70, 40, 90, 75, -22.2), 58.3, { ...BASE, root_causes: [""] }),
    item("product_defect", fig(50, 56, 60, -10.7, -16.7), 41.7, { ...BASE, root_causes: ["product_defect"] }),
  ],
  status: [item("closed", fig(120, 96, 150, 25, -20), 100, { ...BASE, statuses: ["closed"] })],
};

const month = (m: number, to: string, count: number) => ({
  label: `2026-0${m}`,
  period: { from: `2026-0${m}-01`, to },
  count,
  cases: { received_from: `2026-0${m}-01`, received_to: to, exclude_merged: true },
});

const RESPONSE: StatsResponse = {
  period: { from: "2026-01-01", to: "2026-05-14" },
  previous: { from: "2025-08-19", to: "2025-12-31" },
  last_year: { from: "2025-01-01", to: "2025-05-14" },
  total: fig(120, 96, 150, 25, -20),
  cases: BASE,
  breakdowns: (Object.keys(BREAKDOWNS) as StatsDimension[]).map((dimension) => ({ dimension, items: BREAKDOWNS[dimension] })),
  trend: [month(1, "2026-01-31", 30), month(2, "2026-02-28", 20), month(3, "2026-03-31", 35), month(4, "2026-04-30", 25), month(5, "2026-05-14", 10)],
  cross: {
    rows_by: "category",
    columns_by: "department",
    rows: [
      { key: "product_quality", name: null, cases: { ...BASE, categories: ["product_quality"] } },
      { key: "service", name: null, cases: { ...BASE, categories: ["service"] } },
    ],
    columns: [
      { key: "u-after", name: "售后服务部", cases: { ...BASE, department_ids: ["u-after"] } },
      { key: null, name: null, cases: { ...BASE, department_ids: [""] } },
    ],
    cells: [
      [70, 10],
      [30, 0],
    ],
    row_totals: [80, 30],
    column_totals: [100, 10],
  },
};

const YEARS = ["2021", "2022", "2023", "2024", "2025"];
const HOTSPOTS: HotspotsResponse = {
  period: { from: "2026-01-01", to: "2026-12-31" },
  label: "2026",
  history: YEARS.map((y) => ({ from: `${y}-01-01`, to: `${y}-12-31` })),
  method: { alpha: 0.01, min_count: 5, min_ratio: 1.5, min_expected: 0.5, min_history: 3 },
  tested: [
    ["category", 2],
    ["product", 12],
  ],
  items: [
    {
      dimension: "product",
      key: "智能净水器R9",
      name: null,
      observed: 30,
      expected: 0.5,
      ratio: 60,
      p_value: 3.14e-38,
      threshold: 0.01 / 12,
      history: YEARS.map((label) => ({ label, count: label === "2025" ? 2 : 0 })),
      cases: { received_from: "2026-01-01", received_to: "2026-12-31", exclude_merged: true, products: ["智能净水器R9"] },
    },
    {
      dimension: "department",
      key: null,
      name: null,
      observed: 12,
      expected: 4.4,
      ratio: 2.73,
      p_value: 0.0023,
      threshold: 0.01 / 2,
      history: YEARS.map((label, i) => ({ label, count: i + 2 })),
      cases: { received_from: "2026-01-01", received_to: "2026-12-31", exclude_merged: true, department_ids: [""] },
    },
  ],
};

const serve = (hotspots: HotspotsResponse = HOTSPOTS) =>
  (core.answer = (name) =>
    Promise.resolve(name === "stats.summary" ? RESPONSE : name === "stats.hotspots" ? hotspots : null));

const hotspotRequests = () => core.calls.filter(([n]) => n === "stats.hotspots").map(([, r]) => r);
const requests = () => core.calls.filter(([n]) => n === "stats.summary").map(([, r]) => r as StatsRequest);
const lastRequest = () => requests().at(-1);

function renderPage(onOpenLedger = vi.fn()) {
  render(
    <I18nProvider>
      <CodesProvider initial={LISTS}>
        <AntApp>
          <Statistics onOpenLedger={onOpenLedger} />
        </AntApp>
      </CodesProvider>
    </I18nProvider>,
  );
  return onOpenLedger;
}

const text = (testId: string) => screen.getByTestId(testId).textContent;
const value = (testId: string) => (screen.getByTestId(testId) as HTMLInputElement | HTMLTextAreaElement).value;
const type = (testId: string, typed: string) => fireEvent.change(screen.getByTestId(testId), { target: { value: typed } });

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

const HANDLERS: HandlerView[] = [{ id: "acc-wang", display_name: "王磊", unit_id: "u-after", unit_name: "售后服务部" }];
/** The core's answer to `risks.record`: the risk point as recorded. */
const recorded = (request: unknown): RiskPointView => ({
  ...(request as Pick<RiskPointView, "title" | "description" | "source_kind" | "measures" | "owner_id" | "due_on">),
  id: "r1",
  source: (request as { source?: Record<string, unknown> }).source ?? null,
  owner: "王磊",
  status: "open",
  review: null,
  reviewed_at: null,
  overdue: false,
  created_by: "李法务",
  created_at: "2026-05-14T04:00:00Z",
});

/** The names in a breakdown's table, in order. */
const names = (dimension: StatsDimension) =>
  Array.from(screen.getByTestId(`stats-table-${dimension}`).querySelectorAll(`[data-testid^="stats-name-${dimension}-"]`)).map(
    (e) => e.textContent,
  );

async function openTab(dimension: StatsDimension) {
  fireEvent.click(screen.getByTestId(`stats-tab-${dimension}`));
  await screen.findByTestId(`stats-table-${dimension}`);
}

describe("Statistics", { timeout: 60_000 }, () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    vi.setSystemTime(NOW);
    core.calls = [];
    granted.permissions = new Set(["case.view"]);
    serve();
  });
  afterEach(() => {
    vi.useRealTimers();
    localStorage.clear();
  });

  it("asks for this year so far, by month, and shows the total against the periods it compares with", async () => {
    renderPage();
    await screen.findByTestId("stats-total");
    expect(requests()[0]).toEqual({
      from: "2026-01-01",
      to: "2026-05-14",
      by: "month",
      cross: ["category", "department"],
      top_products: 20,
    });
    expect(text("stats-total-count")).toBe("120");
    expect(text("stats-period")).toBe("2026-01-01 至 2026-05-14");
    expect(text("stats-mom-change")).toContain("+25%");
    expect(within(screen.getByTestId("stats-mom")).getByLabelText("上升")).toBeTruthy();
    expect(text("stats-mom-base")).toBe("上期 2025-08-19 至 2025-12-31：96 件");
    expect(text("stats-yoy-change")).toContain("-20%");
    expect(within(screen.getByTestId("stats-yoy")).getByLabelText("下降")).toBeTruthy();
    expect(text("stats-yoy-base")).toBe("去年同期 2025-01-01 至 2025-05-14：150 件");
    // The trend, one bar a month.
    expect(screen.getByTestId("stats-trend-point-0").textContent).toBe("2026-0130");
    expect(screen.getByTestId("stats-trend-point-4").getAttribute("data-value")).toBe("10");
  });

  it("lists every breakdown with its labels, changes and shares", async () => {
    renderPage();
    await screen.findByTestId("stats-table-category");
    expect(names("category")).toEqual(["产品质量", "服务态度"]);
    const first = screen.getByTestId("stats-row-category-0");
    expect(within(first).getByTestId("stats-count-category-0").textContent).toBe("80");
    expect(first.textContent).toContain("66.7%");
    expect(text("stats-mom-category-0")).toContain("+33.3%");
    expect(text("stats-yoy-category-0")).toContain("-20%");
    // The chart has the same figures.
    expect(screen.getByTestId("stats-chart-category-point-1").textContent).toBe("服务态度40");

    await openTab("department");
    expect(names("department")).toEqual(["售后服务部", "未记录"]);
    // No cases before: no change to tell.
    expect(text("stats-mom-department-1")).toBe("—");
    expect(text("stats-yoy-department-1")).toBe("—");

    await openTab("product");
    expect(names("product")).toEqual(["燃气热水器", "其他产品（前 20 种以外）"]);
    await openTab("severity");
    expect(names("severity")).toEqual(["较重", "一般"]);
    expect(text("stats-yoy-severity-1")).toContain("0%");
    await openTab("root_cause");
    expect(names("root_cause")).toEqual(["未记录", "产品缺陷"]);
    await openTab("status");
    expect(names("status")).toEqual(["已结案"]);
    await openTab("channel");
    expect(names("channel")).toEqual(["客服热线"]);
    await openTab("store");
    expect(names("store")).toEqual(["上海徐汇店"]);
  });

  it("opens the ledger on exactly the cases of a count, a bar, a month or the total", async () => {
    const onOpen = renderPage();
    fireEvent.click(await screen.findByTestId("stats-count-category-1"));
    expect(onOpen).toHaveBeenLastCalledWith(CATEGORY_ITEMS[1]?.cases, "纠纷类别“服务态度”，2026-01-01 至 2026-05-14");

    fireEvent.click(screen.getByTestId("stats-chart-category-pick-0"));
    expect(onOpen).toHaveBeenLastCalledWith(CATEGORY_ITEMS[0]?.cases, "纠纷类别“产品质量”，2026-01-01 至 2026-05-14");

    fireEvent.click(screen.getByTestId("stats-trend-pick-2"));
    expect(onOpen).toHaveBeenLastCalledWith(RESPONSE.trend[2]?.cases, "全部纠纷，2026-03-01 至 2026-03-31");

    fireEvent.click(screen.getByTestId("stats-total-count"));
    expect(onOpen).toHaveBeenLastCalledWith(BASE, "全部纠纷，2026-01-01 至 2026-05-14");

    await openTab("department");
    fireEvent.click(screen.getByTestId("stats-count-department-1"));
    expect(onOpen).toHaveBeenLastCalledWith({ ...BASE, department_ids: [""] }, "责任部门“未记录”，2026-01-01 至 2026-05-14");

    // The products beyond the top ones are summed, not listed.
    await openTab("product");
    expect(screen.getByTestId("stats-count-product-1").tagName).toBe("SPAN");
    expect(screen.queryByTestId("stats-chart-product-pick-1")).toBeNull();
    expect(onOpen).toHaveBeenCalledTimes(5);
  });

  it("cross-tabulates two dimensions, each cell opening the cases of both values", async () => {
    const onOpen = renderPage();
    const table = await screen.findByTestId("stats-cross");
    expect(within(table).getByTestId("stats-cross-row-0").textContent).toBe("产品质量");
    // (The table's header is there twice: once to measure the columns.)
    expect(within(table).getAllByTestId("stats-cross-column-0")[0]?.textContent).toBe("售后服务部");
    expect(within(table).getAllByTestId("stats-cross-column-1")[0]?.textContent).toBe("未记录");
    expect(text("stats-cross-0-0")).toBe("70");
    expect(text("stats-cross-1-total")).toBe("30");
    expect(text("stats-cross-total-0")).toBe("100");
    expect(text("stats-cross-total")).toBe("110");
    // Nothing to list behind a zero.
    expect(screen.getByTestId("stats-cross-1-1").tagName).toBe("SPAN");

    fireEvent.click(screen.getByTestId("stats-cross-0-1"));
    expect(onOpen).toHaveBeenLastCalledWith(
      { ...BASE, categories: ["product_quality"], department_ids: [""] },
      "纠纷类别“产品质量” × 责任部门“未记录”，2026-01-01 至 2026-05-14",
    );
    fireEvent.click(screen.getByTestId("stats-cross-1-0"));
    expect(onOpen).toHaveBeenLastCalledWith(
      { ...BASE, categories: ["service"], department_ids: ["u-after"] },
      "纠纷类别“服务态度” × 责任部门“售后服务部”，2026-01-01 至 2026-05-14",
    );
    fireEvent.click(screen.getByTestId("stats-cross-total-0"));
    expect(onOpen).toHaveBeenLastCalledWith({ ...BASE, department_ids: ["u-after"] }, "责任部门“售后服务部”，2026-01-01 至 2026-05-14");

    // Other dimensions: asked for anew.
    fireEvent.mouseDown(screen.getByTestId("stats-cross-rows").querySelector("input") as HTMLInputElement);
    const option = await waitFor(() => {
      const found = document.querySelector('.ant-select-item-option[title="严重程度"]');
      expect(found).not.toBeNull();
      return found as HTMLElement;
    });
    fireEvent.click(option);
    await waitFor(() => expect(lastRequest()?.cross).toEqual(["severity", "department"]));
  });

  it("asks for the period a quick choice names, and for the trend's step", async () => {
    renderPage();
    await screen.findByTestId("stats-total");
    const quick = async (label: string, from: string, to: string) => {
      fireEvent.click(within(screen.getByTestId("stats-quick")).getByText(label));
      await waitFor(() => expect(lastRequest()).toMatchObject({ from, to }));
    };
    await quick("上月", "2026-04-01", "2026-04-30");
    await quick("本月", "2026-05-01", "2026-05-14");
    await quick("上季度", "2026-01-01", "2026-03-31");
    await quick("本季度", "2026-04-01", "2026-05-14");
    await quick("上年", "2025-01-01", "2025-12-31");
    await quick("本年", "2026-01-01", "2026-05-14");

    fireEvent.click(within(screen.getByTestId("stats-by")).getByText("按季度"));
    await waitFor(() => expect(lastRequest()).toMatchObject({ from: "2026-01-01", to: "2026-05-14", by: "quarter" }));
  });

  it("takes a range of its own", async () => {
    renderPage();
    await screen.findByTestId("stats-total");
    const [from, to] = screen.getAllByTestId("stats-range") as HTMLInputElement[];
    fireEvent.mouseDown(from as HTMLInputElement);
    fireEvent.focus(from as HTMLInputElement);
    fireEvent.change(from as HTMLInputElement, { target: { value: "2025-11-03" } });
    fireEvent.keyDown(from as HTMLInputElement, { key: "Enter", code: "Enter", keyCode: 13 });
    fireEvent.focus(to as HTMLInputElement);
    fireEvent.change(to as HTMLInputElement, { target: { value: "2026-02-10" } });
    fireEvent.keyDown(to as HTMLInputElement, { key: "Enter", code: "Enter", keyCode: 13 });
    await waitFor(() => expect(lastRequest()).toMatchObject({ from: "2025-11-03", to: "2026-02-10" }));
    // No quick choice is that.
    expect(screen.getByTestId("stats-quick").querySelector(".ant-radio-button-wrapper-checked")).toBeNull();
  });

  it("says so when nothing was received in the period", async () => {
    core.answer = () =>
      Promise.resolve({
        ...RESPONSE,
        total: fig(0, 4, 0, -100, null),
        breakdowns: RESPONSE.breakdowns.map((b) => ({ ...b, items: [] })),
        trend: RESPONSE.trend.map((p) => ({ ...p, count: 0 })),
        cross: { ...RESPONSE.cross, rows: [], columns: [], cells: [], row_totals: [], column_totals: [] },
      });
    renderPage();
    await screen.findByTestId("stats-empty");
    expect(screen.getByText("所选期间没有受理的纠纷")).toBeTruthy();
    expect(text("stats-total-count")).toBe("0");
    expect(text("stats-mom-change")).toContain("-100%");
    expect(text("stats-yoy-change")).toBe("—");
    expect(screen.queryByTestId("stats-breakdowns")).toBeNull();
  });

  it("shows the core's error, and asks again on request", async () => {
    let fail = true;
    core.answer = (name) =>
      name === "stats.hotspots"
        ? Promise.resolve(HOTSPOTS)
        : fail
          ? Promise.reject(new OperationError({ code: "validation.failed", message: "结束日期不能早于开始日期", fields: [] }))
          : Promise.resolve(RESPONSE);
    renderPage();
    const error = await screen.findByTestId("stats-error");
    expect(error.textContent).toContain("结束日期不能早于开始日期");
    fail = false;
    fireEvent.click(within(error).getByRole("button"));
    await screen.findByTestId("stats-total");
    expect(requests()).toHaveLength(2);
  });

  it("reads in English", async () => {
    localStorage.setItem("redress.lang", "en");
    const onOpen = renderPage();
    await screen.findByTestId("stats-total");
    expect(screen.getByText("Disputes received")).toBeTruthy();
    expect(text("stats-mom-base")).toBe("Previous period 2025-08-19 to 2025-12-31: 96 cases");
    expect(text("stats-yoy-base")).toBe("Same period last year 2025-01-01 to 2025-05-14: 150 cases");
    expect(within(screen.getByTestId("stats-quick")).getByText("Last quarter")).toBeTruthy();
    expect(names("category")).toEqual(["Product quality", "Service"]);
    const headers = Array.from(screen.getByTestId("stats-table-category").querySelectorAll("thead th")).map((th) => th.textContent);
    expect(headers).toEqual(["Name", "Cases", "Share", "Previous", "Change", "Last year", "YoY change"]);
    await openTab("product");
    expect(names("product")).toEqual(["燃气热水器", "Other products (beyond the top 20)"]);
    await openTab("root_cause");
    expect(names("root_cause")).toEqual(["Not recorded", "Product defect"]);
    fireEvent.click(screen.getByTestId("stats-cross-0-0"));
    expect(onOpen).toHaveBeenLastCalledWith(
      { ...BASE, categories: ["product_quality"], department_ids: ["u-after"] },
      "Category “Product quality” × Department “售后服务部”, 2026-01-01 to 2026-05-14",
    );
  });

  it("lists the hotspots of the year so far with their evidence, each row opening its cases", async () => {
    const onOpen = renderPage();
    const card = await screen.findByTestId("stats-hotspots");
    const row = await within(card).findByTestId("hotspot-row-product-智能净水器R9");
    expect(hotspotRequests()).toEqual([{ period: "2026" }]);
    expect(card.textContent).toContain("热点（2026）");
    expect(row.textContent).toContain("产品/服务");
    expect(row.textContent).toContain("智能净水器R9");
    expect(row.textContent).toContain("30");
    expect(text("hotspot-ratio-product-智能净水器R9")).toBe("60×");
    // Tiny p-values in scientific notation; the threshold in the tooltip.
    expect(text("hotspot-p-product-智能净水器R9")).toBe("3.1×10⁻³⁸");
    expect(screen.getByTestId("hotspot-p-product-智能净水器R9").getAttribute("title")).toBe("检验阈值 8.3×10⁻⁴");
    expect(text("hotspot-p-department-none")).toBe("0.0023");
    // The history, oldest first, then the period itself.
    expect(screen.getByTestId("hotspot-history-product-智能净水器R9").getAttribute("data-counts")).toBe("0,0,0,0,2,30");
    const other = screen.getByTestId("hotspot-row-department-none");
    expect(other.textContent).toContain("责任部门");
    expect(other.textContent).toContain("未记录");
    expect(other.textContent).toContain("4.4");
    expect(other.textContent).toContain("2.73×");
    expect(text("hotspots-method")).toBe("与前5期平均数比较的泊松检验，显著性0.01（Bonferroni校正），至少5件且不低于预期1.5倍");

    fireEvent.click(row);
    expect(onOpen).toHaveBeenLastCalledWith(HOTSPOTS.items[0]?.cases, "热点：产品/服务“智能净水器R9”，2026");
    fireEvent.click(within(other).getByTestId("hotspot-name-department-none"));
    expect(onOpen).toHaveBeenLastCalledWith(HOTSPOTS.items[1]?.cases, "热点：责任部门“未记录”，2026");
    expect(onOpen).toHaveBeenCalledTimes(2);
  });

  it("records a risk point from a hotspot, prefilled with what it showed, without opening its cases", async () => {
    granted.permissions = new Set(["case.view", "supervision.manage"]);
    core.answer = (name, request) => {
      switch (name) {
        case "stats.summary":
          return Promise.resolve(RESPONSE);
        case "stats.hotspots":
          return Promise.resolve(HOTSPOTS);
        case "org.handlers":
          return Promise.resolve(HANDLERS);
        case "org.list":
          return Promise.resolve([]);
        case "risks.record":
          return Promise.resolve(recorded(request));
        default:
          return new Promise(() => undefined);
      }
    };
    const onOpen = renderPage();
    const card = await screen.findByTestId("stats-hotspots");
    const row = await within(card).findByTestId("hotspot-row-product-智能净水器R9");
    expect(within(card).getByText("操作")).toBeTruthy();
    // One on every row.
    expect(within(card).getAllByTestId("record-risk")).toHaveLength(2);
    fireEvent.click(within(row).getByTestId("record-risk"));

    await screen.findByTestId("risk-title");
    expect(value("risk-title")).toBe("智能净水器R9投诉异常增多");
    expect(value("risk-description")).toBe(
      "统计期间 2026，产品/服务“智能净水器R9”受理投诉 30 件，以往各期平均 0.5 件，为平均的 60 倍（p = 3.1×10⁻³⁸），显著高于以往。",
    );
    expect(within(screen.getByTestId("risk-source-kind")).getByRole("radio", { checked: true }).closest("label")?.textContent).toBe("高发热点");
    expect(text("risk-source-shown")).toContain("观测 30 / 预期 0.5");
    expect(value("risk-due-on")).toBe("2026-06-13");
    type("risk-measures", "排查R9滤芯批次，门店加强安装说明");
    await pick("risk-owner", "王磊 · 售后服务部");
    fireEvent.click(screen.getByTestId("risk-submit"));

    await waitFor(() => expect(core.calls.filter(([n]) => n === "risks.record")).toHaveLength(1));
    expect(core.calls.find(([n]) => n === "risks.record")?.[1]).toEqual({
      title: "智能净水器R9投诉异常增多",
      description: "统计期间 2026，产品/服务“智能净水器R9”受理投诉 30 件，以往各期平均 0.5 件，为平均的 60 倍（p = 3.1×10⁻³⁸），显著高于以往。",
      source_kind: "hotspot",
      source: {
        dimension: "product",
        value: "智能净水器R9",
        label: "智能净水器R9",
        period: "2026",
        observed: 30,
        expected: 0.5,
        ratio: 60,
        p_value: 3.14e-38,
      },
      measures: "排查R9滤芯批次，门店加强安装说明",
      owner_id: "acc-wang",
      due_on: "2026-06-13",
    });
    expect(await screen.findByText("风险点已登记")).toBeTruthy();
    await waitFor(() => expect(screen.queryByTestId("risk-title")).toBeNull());
    // Neither the button nor its dialog opened the hotspot's cases.
    expect(onOpen).not.toHaveBeenCalled();
  });

  it("records a risk point from a hotspot with no value, under its name as shown", async () => {
    granted.permissions = new Set(["case.view", "supervision.manage"]);
    core.answer = (name) =>
      name === "stats.summary" ? Promise.resolve(RESPONSE) : name === "stats.hotspots" ? Promise.resolve(HOTSPOTS) : new Promise(() => undefined);
    renderPage();
    const row = await screen.findByTestId("hotspot-row-department-none");
    fireEvent.click(within(row).getByTestId("record-risk"));
    await screen.findByTestId("risk-title");
    expect(value("risk-title")).toBe("未记录投诉异常增多");
    expect(value("risk-description")).toContain("责任部门“未记录”受理投诉 12 件，以往各期平均 4.4 件，为平均的 2.73 倍（p = 0.0023）");
  });

  it("shows no record button to those who may not record risk points", async () => {
    renderPage();
    const card = await screen.findByTestId("stats-hotspots");
    await within(card).findByTestId("hotspot-row-product-智能净水器R9");
    expect(within(card).queryByTestId("record-risk")).toBeNull();
    expect(within(card).queryByText("操作")).toBeNull();
  });

  it("asks for the hotspots of the month, quarter or year chosen, and not for other ranges", async () => {
    serve({ ...HOTSPOTS, items: [] });
    renderPage();
    expect(await screen.findByTestId("hotspots-empty")).toBeTruthy();
    expect(screen.getByText("本期未发现显著上升的热点")).toBeTruthy();
    const quick = async (label: string, period: string) => {
      fireEvent.click(within(screen.getByTestId("stats-quick")).getByText(label));
      await waitFor(() => expect(hotspotRequests().at(-1)).toEqual({ period }));
    };
    await quick("上月", "2026-04");
    await quick("本月", "2026-05");
    await quick("上季度", "2026-Q1");
    await quick("本季度", "2026-Q2");
    await quick("上年", "2025");

    const asked = hotspotRequests().length;
    const [from, to] = screen.getAllByTestId("stats-range") as HTMLInputElement[];
    fireEvent.mouseDown(from as HTMLInputElement);
    fireEvent.focus(from as HTMLInputElement);
    fireEvent.change(from as HTMLInputElement, { target: { value: "2025-11-03" } });
    fireEvent.keyDown(from as HTMLInputElement, { key: "Enter", code: "Enter", keyCode: 13 });
    fireEvent.focus(to as HTMLInputElement);
    fireEvent.change(to as HTMLInputElement, { target: { value: "2026-02-10" } });
    fireEvent.keyDown(to as HTMLInputElement, { key: "Enter", code: "Enter", keyCode: 13 });
    await waitFor(() => expect(lastRequest()).toMatchObject({ from: "2025-11-03", to: "2026-02-10" }));
    expect(await screen.findByTestId("hotspots-unavailable")).toBeTruthy();
    expect(hotspotRequests()).toHaveLength(asked);
  });

  it("says when there is too little history to test", async () => {
    serve({ ...HOTSPOTS, history: HOTSPOTS.history.slice(0, 2), items: [] });
    renderPage();
    expect((await screen.findByTestId("hotspots-no-history")).textContent).toBe("历史数据不足 3 期（现有 2 期），暂不检验热点");
    expect(screen.queryByTestId("hotspots-method")).toBeNull();
  });

  it("shows a failure of the hotspots in their card only", async () => {
    core.answer = (name) =>
      name === "stats.summary"
        ? Promise.resolve(RESPONSE)
        : Promise.reject(new OperationError({ code: "validation.failed", message: "期间格式不正确", fields: [] }));
    renderPage();
    const error = await screen.findByTestId("hotspots-error");
    expect(error.textContent).toContain("期间格式不正确");
    expect(screen.getByTestId("stats-breakdowns")).toBeTruthy();
  });
});
