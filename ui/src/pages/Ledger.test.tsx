import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App as AntApp } from "antd";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { CaseRow, CasesListRequest, ExportRequest, HandlerView, OrgUnitView } from "../api";
import type { LedgerFilter } from "../components/ledger/filter";
import { core } from "../test/core";

// A stand-in for the core (every call is recorded and answered by `core.answer`) and the
// shell's dialogs.
const dialog = { savePath: "/home/agent/消费纠纷台账.xlsx" as string | null, saved: [] as [string, string][] };
vi.mock("../api", async (original) => ({
  ...(await import("../test/core")).withCore(await original()),
  dialogs: {
    saveSpreadsheet: (title: string, fileName: string) => {
      dialog.saved.push([title, fileName]);
      return Promise.resolve(dialog.savePath);
    },
  },
}));

const { I18nProvider } = await import("../i18n");
const { Ledger, DEMO_CASES } = await import("./Ledger");
const { CodesProvider } = await import("../codes");

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
  channels: [entry("channel", "hotline", "客服热线", "Hotline"), entry("channel", "store", "门店现场", "In store")],
  categories: [entry("category", "product_quality", "产品质量", "Product quality")],
};
const UNITS: OrgUnitView[] = [
  { id: "u-hq", code: "HQ", name: "总部", kind: "company", parent_id: null, city: "上海" },
  { id: "u-after", code: "SH-AS", name: "售后服务部", kind: "department", parent_id: "u-hq", city: "上海" },
  { id: "u-east", code: "EAST", name: "华东分公司", kind: "branch", parent_id: "u-hq", city: "南京" },
  { id: "u-xuhui", code: "XH", name: "上海徐汇店", kind: "store", parent_id: "u-east", city: "上海" },
];
const HANDLERS: HandlerView[] = [{ id: "a-chen", display_name: "陈静", unit_id: "u-after", unit_name: "售后服务部" }];

function row(n: number): CaseRow {
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
    store: "上海徐汇店",
    status: "investigating",
    handler: "陈静",
    due_at: "2026-11-21T15:59:59.000Z",
    overdue: true,
    at_risk: false,
    paused_reason: null,
    ack_due_at: null,
    ack_overdue: false,
    satisfaction: null,
    result: null,
  };
}

const DEFAULT_QUERY = { offset: 0, limit: 50, sort_by: "received_at", sort_dir: "desc" };

/** The core's answers: `rows` for every list (total: how many match), a directory, preferences. */
function serve({
  rows = [row(2), row(1)],
  total = (r: CasesListRequest): number => (Object.keys(r).length > 4 ? 7 : 1234),
  prefs = {} as Record<string, unknown>,
  other = (() => Promise.resolve(null)) as (name: string, request: unknown) => Promise<unknown>,
} = {}) {
  core.answer = (name, request) => {
    switch (name) {
      case "cases.list": {
        const r = request as CasesListRequest;
        return Promise.resolve({ total: total(r), offset: r.offset ?? 0, items: rows });
      }
      case "org.list":
        return Promise.resolve(UNITS);
      case "org.handlers":
        return Promise.resolve(HANDLERS);
      case "preferences.get":
        return Promise.resolve(prefs[(request as { key: string }).key] ?? null);
      case "preferences.save":
        return Promise.resolve((request as { value: unknown }).value);
      default:
        return other(name, request);
    }
  };
}

const sent = (operation: string) => core.calls.filter(([n]) => n === operation).map(([, r]) => r);
const lastList = () => sent("cases.list").at(-1) as CasesListRequest;

function renderLedger(onDataChanged = vi.fn(), opening: { initialFilter?: LedgerFilter; origin?: string } = {}) {
  return render(
    <I18nProvider>
      <CodesProvider initial={LISTS}>
        <AntApp>
          <Ledger onDataChanged={onDataChanged} canLoadDemo canHandle={false} {...opening} />
        </AntApp>
      </CodesProvider>
    </I18nProvider>,
  );
}

/** Picks an option the keyboard way: type to filter, Enter. */
async function choose(testId: string, text: string) {
  const input = screen.getByTestId(testId).querySelector("input") as HTMLInputElement;
  fireEvent.mouseDown(input);
  fireEvent.change(input, { target: { value: text } });
  await waitFor(() => expect(document.querySelector(".ant-select-item-option-active")).not.toBeNull());
  fireEvent.keyDown(input, { key: "Enter", code: "Enter", keyCode: 13 });
  await waitFor(() => expect(screen.getByTestId(testId).textContent).toContain(text));
  fireEvent.blur(input);
}

/** Adds an option to a multiple select: type to filter, Enter. */
async function pick(testId: string, text: string) {
  const input = screen.getByTestId(testId).querySelector("input") as HTMLInputElement;
  fireEvent.mouseDown(input);
  fireEvent.change(input, { target: { value: text } });
  await waitFor(() => expect(document.querySelector(".ant-select-item-option-active")).not.toBeNull());
  fireEvent.keyDown(input, { key: "Enter", code: "Enter", keyCode: 13 });
  const selected = () =>
    Array.from(document.querySelectorAll(".ant-select-item-option-selected")).map((o) => o.textContent);
  await waitFor(() => expect(selected()).toContain(text));
  fireEvent.blur(input);
}

/** Picks an option of a select without search by clicking it. */
async function clickOption(testId: string, text: string) {
  fireEvent.mouseDown(screen.getByTestId(testId).querySelector("input") as HTMLInputElement);
  const option = await waitFor(() => {
    const found = document.querySelector(`.ant-select-item-option[title="${text}"]`);
    expect(found).not.toBeNull();
    return found as HTMLElement;
  });
  fireEvent.click(option);
  await waitFor(() => expect(screen.getByTestId(testId).textContent).toContain(text));
}

/** A checkbox's input (antd puts the test id on the input or on its label). */
function checkbox(element: HTMLElement): HTMLInputElement {
  return (element.tagName === "INPUT" ? element : element.querySelector("input")) as HTMLInputElement;
}

/** The header texts of the table, in order. */
const headers = () =>
  Array.from(screen.getByTestId("ledger-table").querySelectorAll("thead th"))
    .map((th) => th.textContent ?? "")
    .filter((t) => t !== "");

// Ant Design renders slowly in jsdom, the filter bar's selects above all.
describe("Ledger", { timeout: 45_000 }, () => {
  beforeEach(() => {
    core.calls = [];
    dialog.saved = [];
    dialog.savePath = "/home/agent/消费纠纷台账.xlsx";
  });

  it("asks the core for the first page, newest first, and shows its rows in Chinese", async () => {
    serve({ total: () => 2 });
    renderLedger();
    await screen.findByText("2026-HQ-000002");
    expect(sent("cases.list")[0]).toEqual(DEFAULT_QUERY);
    expect(screen.getAllByText("客服热线").length).toBe(2);
    expect(screen.getAllByText("调查核实").length).toBeGreaterThan(0);
    expect(screen.getAllByText("超期").length).toBe(2);
    expect(screen.getByTestId("ledger-total").textContent).toBe("共 2 件");
  });

  it("opens a case from its number, which the keyboard reaches as a button", async () => {
    serve({ rows: [row(7)], other: () => new Promise(() => undefined) }); // the case page may take its time
    renderLedger();
    const open = await screen.findByRole("button", { name: "打开案件 2026-HQ-000007" });
    open.focus();
    expect(document.activeElement).toBe(open);
    fireEvent.click(open);
    await waitFor(() => expect(core.calls).toContainEqual(["cases.get", { id: "id-7" }]));
  });

  it("offers demo data when the ledger is empty, and loads it in one click", async () => {
    const onDataChanged = vi.fn();
    core.answer = (name, request) => {
      if (name === "demo.generate") {
        return Promise.resolve({ cases_created: DEMO_CASES, org_units_created: 26, events_written: 4000 });
      }
      if (name !== "cases.list") return Promise.resolve(null);
      const loaded = core.calls.some(([n]) => n === "demo.generate");
      const offset = (request as CasesListRequest).offset ?? 0;
      return Promise.resolve(loaded ? { total: 1, offset, items: [row(1)] } : { total: 0, offset: 0, items: [] });
    };
    renderLedger(onDataChanged);
    fireEvent.click(await screen.findByTestId("load-demo"));
    await screen.findByText("2026-HQ-000001");
    expect(core.calls).toContainEqual(["demo.generate", { cases: DEMO_CASES }]);
    await waitFor(() => expect(onDataChanged).toHaveBeenCalled());
  });

  it("sends every filter the bar sets, updates the count, and clears them all at once", async () => {
    serve();
    renderLedger();
    await waitFor(() => expect(screen.getByTestId("ledger-total").textContent).toBe("共 1,234 件"));
    await pick("ledger-filter-statuses", "调查核实");
    await pick("ledger-filter-statuses", "已受理");
    await pick("ledger-filter-channels", "客服热线");
    await choose("ledger-filter-department", "售后服务部");
    await choose("ledger-filter-store", "华东分公司");
    await choose("ledger-filter-handler", "未分配");
    fireEvent.change(screen.getByTestId("ledger-filter-case-no"), { target: { value: "2026-HQ-00" } });
    fireEvent.change(screen.getByTestId("ledger-filter-product"), { target: { value: "燃气" } });
    fireEvent.click(checkbox(screen.getByTestId("ledger-filter-overdue")));
    await clickOption("ledger-filter-open", "处理中");

    await waitFor(() =>
      expect(lastList()).toEqual({
        ...DEFAULT_QUERY,
        statuses: ["investigating", "received"],
        channels: ["hotline"],
        department_id: "u-after",
        store_id: "u-east",
        handler_id: "",
        case_no: "2026-HQ-00",
        product: "燃气",
        overdue: true,
        open: true,
      }),
    );
    await waitFor(() => expect(screen.getByTestId("ledger-total").textContent).toBe("共 7 件"));

    fireEvent.click(screen.getByTestId("ledger-filter-clear"));
    await waitFor(() => expect(lastList()).toEqual(DEFAULT_QUERY));
    await waitFor(() => expect(screen.getByTestId("ledger-total").textContent).toBe("共 1,234 件"));
    expect((screen.getByTestId("ledger-filter-case-no") as HTMLInputElement).value).toBe("");
  });

  it("takes a date range as China-time days", async () => {
    serve();
    renderLedger();
    await screen.findByText("2026-HQ-000002");
    const [from, to] = screen.getAllByTestId("ledger-filter-received");
    fireEvent.mouseDown(from as HTMLInputElement);
    fireEvent.focus(from as HTMLInputElement);
    fireEvent.change(from as HTMLInputElement, { target: { value: "2026-11-01" } });
    fireEvent.keyDown(from as HTMLInputElement, { key: "Enter", code: "Enter", keyCode: 13 });
    fireEvent.focus(to as HTMLInputElement);
    fireEvent.change(to as HTMLInputElement, { target: { value: "2026-11-30" } });
    fireEvent.keyDown(to as HTMLInputElement, { key: "Enter", code: "Enter", keyCode: 13 });
    await waitFor(() =>
      expect(lastList()).toEqual({ ...DEFAULT_QUERY, received_from: "2026-11-01", received_to: "2026-11-30" }),
    );
  });

  it("restores the columns a person chose, and remembers changes to them", async () => {
    serve({
      prefs: {
        "ledger.columns": {
          order: ["case_no", "status", "received_at", "channel", "consumer", "product", "category"],
          hidden: ["consumer", "result", "no_such_column"],
        },
      },
    });
    renderLedger();
    await screen.findByText("2026-HQ-000002");
    await waitFor(() => expect(headers().slice(0, 3)).toEqual(["案件编号", "状态", "受理时间"]));
    expect(headers()).not.toContain("消费者");
    expect(headers()).not.toContain("处理结果");
    // Columns the preference does not name come after, in their usual order.
    expect(headers()).toContain("责任部门");

    fireEvent.click(screen.getByTestId("columns-button"));
    const chooser = await screen.findByTestId("column-chooser");
    fireEvent.click(checkbox(within(chooser).getByTestId("column-toggle-channel")));
    await waitFor(() => expect(headers()).not.toContain("渠道"));
    const saves = () => sent("preferences.save") as { key: string; value: { order: string[]; hidden: string[] } }[];
    expect(saves().at(-1)?.key).toBe("ledger.columns");
    expect(saves().at(-1)?.value.hidden).toEqual(["consumer", "result", "channel"]);

    fireEvent.click(within(chooser).getByTestId("column-up-received_at"));
    await waitFor(() => expect(headers().slice(0, 3)).toEqual(["案件编号", "受理时间", "状态"]));
    expect(saves().at(-1)?.value.order.slice(0, 3)).toEqual(["case_no", "received_at", "status"]);
    // The case number stays first: it opens the case.
    expect((within(chooser).getByTestId("column-up-case_no") as HTMLButtonElement).disabled).toBe(true);
  });

  it("applies, saves and deletes named filters", async () => {
    const mine = {
      name: "我部门的超期案件",
      filter: { department_id: "u-after", overdue: true, received_from: "2026-11-01", received_to: "2026-11-30" },
    };
    serve({ prefs: { "ledger.saved_filters": [mine] } });
    renderLedger();
    await screen.findByText("2026-HQ-000002");
    fireEvent.click(screen.getByTestId("saved-filters-button"));
    fireEvent.click(await screen.findByTestId("saved-filter-0"));
    await waitFor(() => expect(lastList()).toEqual({ ...DEFAULT_QUERY, ...mine.filter }));
    expect(checkbox(screen.getByTestId("ledger-filter-overdue")).checked).toBe(true);
    expect(screen.getByTestId("ledger-filter-department").textContent).toContain("售后服务部");

    // Another filter, saved under a new name, joins the list.
    await pick("ledger-filter-channels", "客服热线");
    fireEvent.click(screen.getByTestId("saved-filters-button"));
    fireEvent.change(await screen.findByTestId("saved-filter-name"), { target: { value: "热线投诉" } });
    fireEvent.click(screen.getByTestId("saved-filter-save"));
    await waitFor(() => expect(sent("preferences.save")).toHaveLength(1));
    expect(sent("preferences.save")[0]).toEqual({
      key: "ledger.saved_filters",
      value: [mine, { name: "热线投诉", filter: { ...mine.filter, channels: ["hotline"] } }],
    });

    fireEvent.click(await screen.findByTestId("saved-filter-delete-0"));
    fireEvent.click(await screen.findByTestId("saved-filter-delete-ok-0"));
    await waitFor(() => expect(sent("preferences.save")).toHaveLength(2));
    expect(sent("preferences.save")[1]).toEqual({
      key: "ledger.saved_filters",
      value: [{ name: "热线投诉", filter: { ...mine.filter, channels: ["hotline"] } }],
    });
  });

  it("opens on the cases of a statistic, says so, and leaves the statistic at a click", async () => {
    serve();
    const stat: LedgerFilter = {
      received_from: "2026-03-01",
      received_to: "2026-03-31",
      exclude_merged: true,
      categories: ["product_quality"],
      department_ids: [""],
    };
    renderLedger(vi.fn(), { initialFilter: stat, origin: "纠纷类别“产品质量” × 责任部门“未记录”，2026-03-01 至 2026-03-31" });
    await waitFor(() => expect(sent("cases.list")[0]).toEqual({ ...DEFAULT_QUERY, ...stat }));
    const origin = await screen.findByTestId("ledger-stats-origin");
    expect(origin.textContent).toBe(
      "来自统计：纠纷类别“产品质量” × 责任部门“未记录”，2026-03-01 至 2026-03-31（不含已合并的重复投诉）",
    );
    // What the filter bar can show, it shows.
    const [from, to] = screen.getAllByTestId("ledger-filter-received") as HTMLInputElement[];
    expect([from?.value, to?.value]).toEqual(["2026-03-01", "2026-03-31"]);

    // A filter added afterwards stays when the statistic goes.
    await pick("ledger-filter-channels", "客服热线");
    await waitFor(() => expect(lastList()).toEqual({ ...DEFAULT_QUERY, ...stat, channels: ["hotline"] }));
    fireEvent.click(within(origin).getByRole("button", { name: "取消统计筛选" }));
    await waitFor(() => expect(lastList()).toEqual({ ...DEFAULT_QUERY, channels: ["hotline"] }));
    await waitFor(() => expect(screen.queryByTestId("ledger-stats-origin")).toBeNull());
  });

  it("keeps a statistic's exact values in a saved filter, and tells them apart", async () => {
    const saved = {
      name: "未记录部门的产品质量纠纷",
      filter: { categories: ["product_quality"], department_ids: [""], products: ["燃气热水器"], exclude_merged: true },
    };
    serve({ prefs: { "ledger.saved_filters": [saved] } });
    renderLedger();
    await screen.findByText("2026-HQ-000002");
    fireEvent.click(screen.getByTestId("saved-filters-button"));
    fireEvent.click(await screen.findByTestId("saved-filter-0"));
    await waitFor(() => expect(lastList()).toEqual({ ...DEFAULT_QUERY, ...saved.filter }));
    expect((await screen.findByTestId("ledger-stats-origin")).textContent).toBe("按统计口径筛选（不含已合并的重复投诉）");
    fireEvent.click(within(screen.getByTestId("ledger-stats-origin")).getByRole("button", { name: "取消统计筛选" }));
    await waitFor(() => expect(lastList()).toEqual({ ...DEFAULT_QUERY, categories: ["product_quality"] }));
  });

  it("exports what the ledger shows, with progress and cancel", async () => {
    let finish: (r: unknown) => void = () => undefined;
    serve({
      prefs: { "ledger.columns": { order: [], hidden: ["result", "satisfaction"] } },
      other: (name, request) => {
        if (name === "cases.export") {
          return (request as ExportRequest).path.endsWith(".csv")
            ? Promise.resolve({ path: (request as ExportRequest).path, format: "csv", rows: 7, cancelled: false, masked: true })
            : new Promise((resolve) => (finish = resolve));
        }
        if (name === "jobs.status") return Promise.resolve({ done: 120, total: 480, cancelling: false });
        if (name === "jobs.cancel") return Promise.resolve(true);
        return Promise.resolve(null);
      },
    });
    renderLedger();
    await screen.findByText("2026-HQ-000002");
    await waitFor(() => expect(headers()).not.toContain("处理结果"));
    await pick("ledger-filter-channels", "客服热线");

    fireEvent.click(screen.getByTestId("export-button"));
    fireEvent.click(await screen.findByTestId("export-xlsx"));
    await waitFor(() => expect(sent("cases.export")).toHaveLength(1));
    expect(dialog.saved[0]?.[1]).toMatch(/^消费纠纷台账-\d{8}\.xlsx$/);
    const request = sent("cases.export")[0] as ExportRequest;
    expect(request).toEqual({
      path: "/home/agent/消费纠纷台账.xlsx",
      filter: { channels: ["hotline"], sort_by: "received_at", sort_dir: "desc" },
      columns: [
        "case_no",
        "received_at",
        "channel",
        "consumer",
        "product",
        "category",
        "severity",
        "department",
        "store",
        "status",
        "handler",
        "due_at",
        "overdue",
      ],
      lang: "zh-CN",
      job_id: expect.any(String),
    });

    // While it runs: how far it got, and a way to stop it.
    await waitFor(() => expect(screen.getByTestId("export-progress-text").textContent).toBe("已处理 120 / 480"));
    expect(sent("jobs.status")[0]).toEqual({ job_id: request.job_id });
    fireEvent.click(screen.getByTestId("export-progress-cancel"));
    await waitFor(() => expect(sent("jobs.cancel")).toEqual([{ job_id: request.job_id }]));
    finish({ path: request.path, format: "xlsx", rows: 120, cancelled: true, masked: true });
    await screen.findByText("已取消导出，未保存文件");
    await waitFor(() => expect(screen.queryByTestId("export-progress")).toBeNull());

    // A CSV export that finishes says how many and where.
    dialog.savePath = "/home/agent/台账.csv";
    fireEvent.click(screen.getByTestId("export-button"));
    fireEvent.click(await screen.findByTestId("export-csv"));
    await screen.findByText("已导出 7 件到 /home/agent/台账.csv（消费者姓名已脱敏）");
  });
});
