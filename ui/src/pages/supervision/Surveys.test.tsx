import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App as AntApp } from "antd";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { ApiError, Permission, SurveyBatchView, SurveyImportReport, SurveyImportRequest, SurveySummary } from "../../api";
import { core } from "../../test/core";

// The core stands in (../../test/core), and the shell's dialog answers with a file; the session
// grants what each test says.
const shell = { picked: "/home/agent/满意度调查2026-10.xlsx" as string | null, titles: [] as string[] };
vi.mock("../../api", async (importOriginal) => ({
  ...(await import("../../test/core")).withCore(await importOriginal<typeof import("../../api")>()),
  dialogs: {
    pickSpreadsheet: (title: string) => {
      shell.titles.push(title);
      return Promise.resolve(shell.picked);
    },
  },
}));
const granted = { permissions: new Set<Permission>() };
vi.mock("../../session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../session")>()),
  useSession: () => ({ can: (p: Permission) => granted.permissions.has(p) }),
}));

const { I18nProvider } = await import("../../i18n");
const { CodesProvider } = await import("../../codes");
const { Supervision } = await import("../Supervision");

// "Now" is 20 November 2026, 12:00 in China.
const NOW = new Date("2026-11-20T04:00:00.000Z");
const PATH = "/home/agent/满意度调查2026-10.xlsx";

const calls = (name: string) => core.calls.filter(([n]) => n === name).map(([, r]) => r);
const type = (testId: string, text: string) => fireEvent.change(screen.getByTestId(testId), { target: { value: text } });
const refusal = (code: string, message: string, fields: ApiError["fields"] = []): ApiError => ({ code, message, fields });
/** Never answered: the screen waits. */
const pending = () => new Promise<never>(() => undefined);

const CHECKED: SurveyImportReport = {
  file_name: "满意度调查2026-10.xlsx",
  columns: { 日期: "调查日期", 门店: "门店编码", 评分: "满意度得分", 样本数: "回收份数" },
  rows: 120,
  responses: 3400,
  first_day: "2026-10-01",
  last_day: "2026-10-31",
  stores: 12,
  products: 0,
  problems: [],
  more_problems: 0,
  batch_id: null,
};

const WITH_PROBLEMS: SurveyImportReport = {
  ...CHECKED,
  rows: 117,
  problems: [
    { row: 5, column: "门店编码", reason: "没有编码或名称为「SH-999」的门店" },
    { row: 9, column: "满意度得分", reason: "评分应在 0～100 之间" },
  ],
  more_problems: 3,
};

const BATCH: SurveyBatchView = {
  id: "b-1",
  file_name: "满意度调查2026-09.csv",
  scale: "five",
  rows: 80,
  responses: 2000,
  first_day: "2026-09-01",
  last_day: "2026-09-30",
  imported_by: "李法务",
  imported_at: "2026-10-08T02:00:00Z",
  withdrawn_at: null,
  withdrawn_by: null,
};

const MONTHS = ["2026-09", "2026-10", "2026-11"];
const SUMMARY: SurveySummary = {
  by: "store",
  months: MONTHS,
  series: [
    {
      key: "u-nj",
      label: "南京西路店",
      cells: [
        { month: "2026-09", responses: 100, score: 80, complaints: 2 },
        { month: "2026-10", responses: 120, score: 72.4, complaints: 5 },
        { month: "2026-11", responses: 90, score: 66.7, complaints: 9 },
      ],
      responses: 310,
      score: 73.4,
      complaints: 16,
      correlation: -0.987,
    },
    {
      key: "u-hh",
      label: "淮海路店",
      cells: [
        { month: "2026-09", responses: 50, score: 90, complaints: 1 },
        { month: "2026-10", responses: 0, score: null, complaints: 0 },
        { month: "2026-11", responses: 40, score: 92, complaints: 1 },
      ],
      responses: 90,
      score: 90.9,
      complaints: 2,
      correlation: null,
    },
  ],
  total: [
    { month: "2026-09", responses: 150, score: 83.3, complaints: 3 },
    { month: "2026-10", responses: 120, score: 72.4, complaints: 5 },
    { month: "2026-11", responses: 130, score: 74.5, complaints: 10 },
  ],
};
const EMPTY_SUMMARY: SurveySummary = { by: "store", months: MONTHS, series: [], total: [] };

/** Answers these operations; the batches and the summary as empty by default; nothing else. */
function answer(answers: Record<string, (request: unknown) => Promise<unknown>> = {}) {
  core.answer = (name, request) => {
    if (answers[name]) return answers[name](request);
    if (name === "surveys.batches") return Promise.resolve([]);
    if (name === "surveys.summary") return Promise.resolve(EMPTY_SUMMARY);
    return pending();
  };
}

function renderPage() {
  render(
    <I18nProvider>
      <AntApp>
        <CodesProvider initial={{ channels: [], categories: [] }}>
          <Supervision onOpenLedger={vi.fn()} />
        </CodesProvider>
      </AntApp>
    </I18nProvider>,
  );
}

async function openSurveys() {
  fireEvent.click(await screen.findByTestId("supervision-tab-surveys"));
  await screen.findByTestId("survey-pick");
}

describe("Supervision: satisfaction surveys", { timeout: 120_000 }, () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    vi.setSystemTime(NOW);
    core.calls = [];
    shell.picked = PATH;
    shell.titles = [];
    granted.permissions = new Set(["case.view", "supervision.manage"]);
    answer();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("is a tab for those who manage supervision only", async () => {
    granted.permissions = new Set(["case.view"]);
    renderPage();
    await screen.findByTestId("supervision-tab-risks");
    expect(screen.queryByTestId("supervision-tab-surveys")).toBeNull();
  });

  it("checks the picked file on the chosen scale, shows what it holds, then imports it when confirmed", async () => {
    answer({
      "surveys.import": (request) =>
        Promise.resolve((request as SurveyImportRequest).dry_run ? CHECKED : { ...CHECKED, batch_id: "b-9" }),
    });
    renderPage();
    await openSurveys();
    // The hundred-point scale, then the file.
    fireEvent.click(within(screen.getByTestId("survey-scale")).getAllByRole("radio")[1]!);
    fireEvent.click(screen.getByTestId("survey-pick"));

    const check = await screen.findByTestId("survey-check");
    expect(shell.titles).toEqual(["选择满意度调查结果文件"]);
    expect(calls("surveys.import")).toEqual([{ path: PATH, scale: "hundred", encoding: "auto", dry_run: true }]);
    expect(within(check).getAllByTestId("survey-column").map((c) => c.textContent)).toEqual([
      "日期：调查日期",
      "门店：门店编码",
      "评分：满意度得分",
      "样本数：回收份数",
    ]);
    expect(screen.getByTestId("survey-check-rows").textContent).toBe("120");
    expect(screen.getByTestId("survey-check-responses").textContent).toBe("3400");
    expect(screen.getByTestId("survey-check-days").textContent).toBe("2026-10-01 ~ 2026-10-31");
    expect(screen.getByTestId("survey-check-stores").textContent).toBe("12");
    expect(check.textContent).toContain("尚未导入");
    expect(screen.queryByTestId("survey-problems")).toBeNull();
    const batchesBefore = calls("surveys.batches").length;

    fireEvent.click(screen.getByTestId("survey-import"));
    await waitFor(() => expect(calls("surveys.import")).toHaveLength(2));
    expect(calls("surveys.import")[1]).toEqual({ path: PATH, scale: "hundred", encoding: "auto", dry_run: false });
    expect(await screen.findByText("已导入 满意度调查2026-10.xlsx（120 行）")).toBeTruthy();
    await waitFor(() => expect(screen.queryByTestId("survey-check")).toBeNull());
    // The list of files and the figures are asked again.
    await waitFor(() => expect(calls("surveys.batches").length).toBeGreaterThan(batchesBefore));
  });

  it("checks a typed or pasted path (quotes of a copied path taken off) as a picked one", async () => {
    answer({ "surveys.import": () => Promise.resolve(CHECKED) });
    renderPage();
    await openSurveys();
    type("survey-path", '  "D:\\调查\\2026年10月.xlsx" ');
    fireEvent.click(screen.getByTestId("survey-check-path"));
    await screen.findByTestId("survey-check");
    expect(calls("surveys.import")).toEqual([
      { path: "D:\\调查\\2026年10月.xlsx", scale: "five", encoding: "auto", dry_run: true },
    ]);
    expect(shell.titles).toEqual([]);
  });

  it("says why a file already imported is refused, as the core says it", async () => {
    answer({
      "surveys.import": (request) =>
        (request as SurveyImportRequest).dry_run
          ? Promise.resolve(CHECKED)
          : Promise.reject(refusal("supervision.invalid_state", "该文件已导入，如需重新导入请先撤回")),
    });
    renderPage();
    await openSurveys();
    fireEvent.click(screen.getByTestId("survey-pick"));
    await screen.findByTestId("survey-check");
    expect(calls("surveys.import")[0]).toMatchObject({ scale: "five", dry_run: true });
    fireEvent.click(screen.getByTestId("survey-import"));
    expect(await screen.findByText("该文件已导入，如需重新导入请先撤回")).toBeTruthy();
    // Still checked: nothing was imported.
    expect(screen.getByTestId("survey-check")).toBeTruthy();
  });

  it("lists a file's row problems with how many more there are, and offers no import", async () => {
    answer({ "surveys.import": () => Promise.resolve(WITH_PROBLEMS) });
    renderPage();
    await openSurveys();
    fireEvent.click(screen.getByTestId("survey-pick"));

    const rows = await screen.findAllByTestId("survey-problem-row");
    expect(rows.map((r) => Array.from(r.querySelectorAll("td")).map((td) => td.textContent))).toEqual([
      ["5", "门店编码", "没有编码或名称为「SH-999」的门店"],
      ["9", "满意度得分", "评分应在 0～100 之间"],
    ]);
    expect(screen.getByTestId("survey-more-problems").textContent).toBe("还有 3 个问题");
    expect(screen.getByTestId("survey-problems-box").textContent).toContain("有 5 个问题，未导入任何数据");
    expect(screen.queryByTestId("survey-import")).toBeNull();
    expect(screen.queryByTestId("survey-check")).toBeNull();
    expect(calls("surveys.import")).toEqual([{ path: PATH, scale: "five", encoding: "auto", dry_run: true }]);
  });

  it("withdraws an imported file only with a reason, and sends it", async () => {
    answer({
      "surveys.batches": () => Promise.resolve([BATCH]),
      "surveys.withdraw": () =>
        Promise.resolve([{ ...BATCH, withdrawn_at: "2026-11-20T04:00:00Z", withdrawn_by: "李法务" }]),
    });
    renderPage();
    await openSurveys();
    const row = await screen.findByTestId("survey-batch-row");
    expect(within(row).getByTestId("survey-batch-file").textContent).toBe("满意度调查2026-09.csv");
    expect(row.textContent).toContain("五分制");
    expect(row.textContent).toContain("2026-09-01 ~ 2026-09-30");
    expect(row.textContent).toContain("李法务");
    expect(within(row).getByTestId("survey-batch-state").textContent).toBe("有效");

    fireEvent.click(within(row).getByTestId("survey-withdraw"));
    await screen.findByTestId("survey-withdraw-reason");
    // Without a reason: not sent.
    fireEvent.click(screen.getByTestId("survey-withdraw-submit"));
    await screen.findByText("必填");
    expect(calls("surveys.withdraw")).toEqual([]);

    type("survey-withdraw-reason", "  门店编码整列错位，数据作废  ");
    fireEvent.click(screen.getByTestId("survey-withdraw-submit"));
    await waitFor(() => expect(calls("surveys.withdraw")).toHaveLength(1));
    expect(calls("surveys.withdraw")[0]).toEqual({ batch_id: "b-1", reason: "门店编码整列错位，数据作废" });
    await waitFor(() => expect(calls("surveys.batches")).toHaveLength(2));
    // The figures are asked again too: the file no longer counts.
    await waitFor(() => expect(calls("surveys.summary")).toHaveLength(2));
  });

  it("shows each store's score, complaints and correlation month by month; by product asks again", async () => {
    answer({
      "surveys.summary": (request) =>
        Promise.resolve(
          (request as { by: string }).by === "product"
            ? { ...SUMMARY, by: "product", series: [{ ...SUMMARY.series[0]!, key: "空调", label: "空调" }] }
            : SUMMARY,
        ),
    });
    renderPage();
    await openSurveys();
    const rows = await screen.findAllByTestId("survey-row");
    expect(calls("surveys.summary")[0]).toEqual({ by: "store" });
    expect(rows.map((r) => within(r).getByTestId("survey-label").textContent)).toEqual(["南京西路店", "淮海路店"]);
    const first = within(rows[0]!);
    expect(first.getByTestId("survey-responses").textContent).toBe("310");
    expect(first.getByTestId("survey-score").textContent).toBe("73.4");
    expect(first.getByTestId("survey-complaints").textContent).toBe("16");
    expect(first.getByTestId("survey-correlation").textContent).toBe("-0.99");
    expect(first.getByTestId("survey-cell-2026-10").textContent).toBe("72.4 / 5件");
    expect(first.getByTestId("survey-cell-2026-09").textContent).toBe("80.0 / 2件");
    const second = within(rows[1]!);
    expect(second.getByTestId("survey-correlation").textContent).toBe("—");
    expect(second.getByTestId("survey-cell-2026-10").textContent).toBe("— / 0件");
    // The explanation of r, and the month columns.
    expect(screen.getAllByTestId("survey-correlation-help")[0]!.textContent).toContain("相关系数 r");
    const headers = Array.from(screen.getByTestId("survey-summary").querySelectorAll("thead th")).map((th) => th.textContent);
    expect(headers).toEqual(expect.arrayContaining(["门店", "满意度", "投诉", ...MONTHS]));
    // The total row: every store together.
    const total = screen.getByTestId("survey-total").closest("tr") as HTMLElement;
    expect(Array.from(total.querySelectorAll("td")).map((td) => td.textContent)).toEqual([
      "合计",
      "400",
      "77.2",
      "18",
      "—",
      "83.3 / 3件",
      "72.4 / 5件",
      "74.5 / 10件",
    ]);
    // The chart of the overall score beside the complaints.
    await screen.findByTestId("survey-score-chart");
    expect(screen.getByTestId("survey-score-chart-point-2").getAttribute("data-value")).toBe("74.5");
    expect(screen.getByTestId("survey-complaints-chart-point-2").getAttribute("data-value")).toBe("10");

    fireEvent.click(within(screen.getByTestId("survey-by")).getAllByRole("radio")[1]!);
    await waitFor(() => expect(calls("surveys.summary")).toHaveLength(2));
    expect(calls("surveys.summary")[1]).toEqual({ by: "product" });
    await waitFor(() =>
      expect(screen.getAllByTestId("survey-row").map((r) => within(r).getByTestId("survey-label").textContent)).toEqual(["空调"]),
    );
    const productHeaders = Array.from(screen.getByTestId("survey-summary").querySelectorAll("thead th")).map((th) => th.textContent);
    expect(productHeaders).toContain("商品");
  });
});
