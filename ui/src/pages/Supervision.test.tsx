import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App as AntApp } from "antd";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type {
  ApiError,
  ComplianceResponse,
  HandlerView,
  InspectionSummary,
  InspectionView,
  KpiCode,
  KpiValue,
  OrgUnitView,
  Permission,
  SanctionView,
  ScorecardResponse,
} from "../api";
import { core } from "../test/core";

// The core stands in (../test/core), and the shell's save dialog answers with a path; the
// session grants what each test says.
const dialog = { savePath: "/home/agent/考核评分.xlsx" as string | null, saved: [] as [string, string][] };
vi.mock("../api", async (importOriginal) => ({
  ...(await import("../test/core")).withCore(await importOriginal<typeof import("../api")>()),
  dialogs: {
    saveSpreadsheet: (title: string, fileName: string) => {
      dialog.saved.push([title, fileName]);
      return Promise.resolve(dialog.savePath);
    },
  },
}));
const granted = { permissions: new Set<Permission>() };
vi.mock("../session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../session")>()),
  useSession: () => ({ can: (p: Permission) => granted.permissions.has(p) }),
}));

const { I18nProvider } = await import("../i18n");
const { CodesProvider } = await import("../codes");
const { Supervision } = await import("./Supervision");

// "Now" is 20 November 2026, 12:00 in China: the quarter is 2026-Q4.
const NOW = new Date("2026-11-20T04:00:00.000Z");
const TODAY = "2026-11-20";

const calls = (name: string) => core.calls.filter(([n]) => n === name).map(([, r]) => r);
const value = (testId: string) => (screen.getByTestId(testId) as HTMLInputElement | HTMLTextAreaElement).value;
const type = (testId: string, text: string) => fireEvent.change(screen.getByTestId(testId), { target: { value: text } });
const text = (testId: string) => screen.getByTestId(testId).textContent;
/** The error messages shown under a field. */
const errorsOf = (testId: string) =>
  Array.from(
    (screen.getByTestId(testId).closest(".ant-form-item") as HTMLElement).querySelectorAll(".ant-form-item-explain-error"),
  ).map((e) => e.textContent);
const refusal = (code: string, message: string, fields: ApiError["fields"] = []): ApiError => ({ code, message, fields });
/** Never answered: the screen waits. */
const pending = () => new Promise<never>(() => undefined);

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

const UNITS: OrgUnitView[] = [
  { id: "u-hq", code: "HQ", name: "总部", kind: "company", parent_id: null, city: "上海" },
  { id: "u-after", code: "SH-AS", name: "售后服务部", kind: "department", parent_id: "u-hq", city: "上海" },
];
const HANDLERS: HandlerView[] = [{ id: "acc-wang", display_name: "王磊", unit_id: "u-after", unit_name: "售后服务部" }];

const COMPLIANCE: ComplianceResponse = {
  checked_at: "2026-11-20T04:00:00.000Z",
  rules: [
    { rule: "compensation_without_evidence", key: null, name: null, count: 2, case_ids: ["c1", "c2"] },
    { rule: "deadline_moved_uninformed", key: null, name: null, count: 0, case_ids: [] },
    { rule: "closed_without_feedback", key: null, name: null, count: 0, case_ids: [] },
    { rule: "overdue_without_reason", key: null, name: null, count: 1, case_ids: ["c3"] },
    { rule: "major_without_team", key: null, name: null, count: 0, case_ids: [] },
    { rule: "reopened_closed_without_new_plan", key: null, name: null, count: 0, case_ids: [] },
  ],
  by_department: [
    { rule: "compensation_without_evidence", key: "u-after", name: "售后服务部", count: 2, case_ids: ["c1", "c2"] },
    { rule: "overdue_without_reason", key: null, name: null, count: 1, case_ids: ["c3"] },
  ],
  by_handler: [
    { rule: "compensation_without_evidence", key: "acc-wang", name: "王磊", count: 2, case_ids: ["c1", "c2"] },
    { rule: "overdue_without_reason", key: null, name: null, count: 1, case_ids: ["c3"] },
  ],
  findings: [
    { rule: "compensation_without_evidence", case_id: "c1", case_no: "2026-HQ-000101", received_at: "2026-11-02T02:00:00Z", status: "negotiating", department_id: "u-after", department: "售后服务部", handler_id: "acc-wang", handler: "王磊", detail: "120000" },
    { rule: "compensation_without_evidence", case_id: "c2", case_no: "2026-HQ-000102", received_at: "2026-11-03T02:00:00Z", status: "closed", department_id: "u-after", department: "售后服务部", handler_id: "acc-wang", handler: "王磊", detail: "5050" },
    { rule: "overdue_without_reason", case_id: "c3", case_no: "2026-HQ-000103", received_at: "2026-10-20T02:00:00Z", status: "investigating", department_id: null, department: null, handler_id: null, handler: null, detail: "2026-11-18T02:00:00Z" },
  ],
};

const kpiValue = (kpi: KpiCode, v: number | null, rating: KpiValue["rating"], cases: Record<string, unknown> | null): KpiValue => ({
  kpi,
  value: v,
  numerator: 9,
  denominator: 10,
  target: rating ? { unit_id: null, period: "2026-Q4", kpi, goal: 95, limit: 90 } : null,
  rating,
  cases,
  base: null,
});
const ON_TIME = { statuses: ["closed"], closed_from: "2026-10-01", closed_to: "2026-12-31", closed_on_time: true, exclude_merged: true };
function scorecard(by: "department" | "staff"): ScorecardResponse {
  const [key, name, narrow] = by === "department" ? ["u-after", "售后服务部", { department_ids: ["u-after"] }] : ["acc-wang", "王磊", { handler_id: "acc-wang" }];
  return {
    period: "2026-Q4",
    label: "2026-Q4",
    by,
    lines: [
      {
        kpi: {
          key,
          name,
          received: 40,
          closed: 31,
          orders: null,
          values: [
            kpiValue("on_time_rate", 93.5, "amber", { ...ON_TIME, ...narrow }),
            kpiValue("satisfaction_rate", 97, "green", { statuses: ["closed"], ...narrow }),
            kpiValue("mean_score", 4.5, null, { statuses: ["closed"], ...narrow }),
          ],
        },
        score: 80,
        rated: 2,
        reward_points: 5,
        penalty_points: 0,
        reward_fen: 50000,
        penalty_fen: 0,
      },
    ],
  };
}

function summary(more: Partial<InspectionSummary> = {}): InspectionSummary {
  return {
    id: "ins1",
    title: "2026年第四季度处理过程抽查",
    held_on: TODAY,
    inspector: "李法务",
    unit_id: null,
    unit: null,
    stage: null,
    scope: ["intake", "process"],
    period_from: "2026-10-01",
    period_to: TODAY,
    population: 57,
    sample_size: 2,
    seed: "00ff00ff00ff00ff",
    status: "open",
    issues: 0,
    pending: 2,
    rectifications: 0,
    rectifications_open: 0,
    rectifications_overdue: 0,
    ...more,
  };
}
function inspection(more: Partial<InspectionView> = {}, summaryMore: Partial<InspectionSummary> = {}): InspectionView {
  return {
    summary: summary(summaryMore),
    findings: "",
    cases: [
      { case_id: "c1", case_no: "2026-HQ-000101", status: "negotiating", received_at: "2026-11-02T02:00:00Z", department: "售后服务部", handler: "王磊", verdict: "pending", note: "" },
      { case_id: "c4", case_no: "2026-HQ-000140", status: "closed", received_at: "2026-10-12T02:00:00Z", department: "售后服务部", handler: "王磊", verdict: "pending", note: "" },
    ],
    rectifications: [],
    ...more,
  };
}

const SANCTION: SanctionView = {
  id: "s1",
  kind: "reward",
  subject_kind: "staff",
  subject_id: "acc-wang",
  subject: "王磊",
  period: "2026-Q4",
  reason: "季度满意率第一",
  amount_fen: 50000,
  points: 5,
  case_ids: [],
  case_nos: [],
  scorecard: "2026-Q4",
  status: "proposed",
  proposed_by: "李法务",
  proposed_at: "2026-11-19T02:00:00Z",
  decided_by: null,
  decided_at: null,
  decision_note: null,
};

function renderPage() {
  const onOpenLedger = vi.fn();
  render(
    <I18nProvider>
      <AntApp>
        <CodesProvider initial={{ channels: [], categories: [] }}>
          <Supervision onOpenLedger={onOpenLedger} />
        </CodesProvider>
      </AntApp>
    </I18nProvider>,
  );
  return onOpenLedger;
}

async function openTab(key: "compliance" | "scorecards" | "inspections" | "sanctions") {
  fireEvent.click(await screen.findByTestId(`supervision-tab-${key}`));
}

describe("Supervision", { timeout: 120_000 }, () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    vi.setSystemTime(NOW);
    core.calls = [];
    dialog.saved = [];
    granted.permissions = new Set(["case.view", "supervision.manage", "kpi.manage", "sanction.approve"]);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("counts the findings per rule, department and handler, and opens a count's cases in the ledger by their ids", async () => {
    granted.permissions = new Set(["case.view"]);
    core.answer = (name) => {
      switch (name) {
        case "compliance.list":
          return Promise.resolve(COMPLIANCE);
        case "org.list":
          return Promise.resolve(UNITS);
        case "org.handlers":
          return Promise.resolve(HANDLERS);
        default:
          return pending();
      }
    };
    const onOpenLedger = renderPage();
    await screen.findByTestId("compliance-rules");
    expect(calls("compliance.list")[0]).toEqual({});
    // Those who only see cases get the compliance checks alone.
    expect(screen.queryByTestId("supervision-tab-scorecards")).toBeNull();
    expect(screen.queryByTestId("supervision-tab-inspections")).toBeNull();
    expect(screen.queryByTestId("supervision-tab-sanctions")).toBeNull();

    expect(screen.getByTestId("compliance-rule-compensation_without_evidence").textContent).toContain("赔偿方案无证据");
    expect(text("compliance-count-compensation_without_evidence")).toBe("2");
    expect(text("compliance-count-overdue_without_reason")).toBe("1");
    expect(text("compliance-count-major_without_team")).toBe("0");
    expect(text("compliance-count-reopened_closed_without_new_plan")).toBe("0");

    fireEvent.click(screen.getByTestId("compliance-count-compensation_without_evidence"));
    expect(onOpenLedger).toHaveBeenLastCalledWith({ case_ids: ["c1", "c2"] }, "合规检查“赔偿方案无证据”");

    // Per department and per handler, a column per rule; cases without one named so.
    const byDepartment = screen.getByTestId("compliance-by-department");
    expect(within(byDepartment).getByTestId("compliance-department-u-after-compensation_without_evidence").textContent).toBe("2");
    expect(within(byDepartment).getByTestId("compliance-department-u-after-overdue_without_reason").textContent).toBe("0");
    fireEvent.click(within(byDepartment).getByTestId("compliance-department-u-after-compensation_without_evidence"));
    expect(onOpenLedger).toHaveBeenLastCalledWith({ case_ids: ["c1", "c2"] }, "合规检查“赔偿方案无证据”，部门“售后服务部”");
    const byHandler = screen.getByTestId("compliance-by-handler");
    expect(byHandler.textContent).toContain("未分派");
    fireEvent.click(within(byHandler).getByTestId("compliance-handler-none-overdue_without_reason"));
    expect(onOpenLedger).toHaveBeenLastCalledWith({ case_ids: ["c3"] }, "合规检查“逾期且无暂停原因”，处理人“未分派”");

    // The findings, each with its fact: money in yuan, moments in China time.
    const findings = screen.getByTestId("compliance-findings");
    expect(findings.textContent).toContain("2026-HQ-000101");
    const details = within(findings).getAllByTestId("finding-detail").map((d) => d.textContent);
    expect(details).toEqual(["方案金额 ¥1,200.00，无证据材料", "方案金额 ¥50.50，无证据材料", "期限 2026-11-18 10:00，已逾期且未暂停计时"]);
  });

  it("shows the scorecards with their ratings, opens a KPI's cases, exports to the path chosen and sets a staff target", async () => {
    core.answer = (name, request) => {
      switch (name) {
        case "scorecard.get":
          return Promise.resolve(scorecard((request as { by: "department" | "staff" }).by));
        case "scorecard.export":
          return Promise.resolve({ path: (request as { path: string }).path, rows: 3 });
        case "kpi.target_set":
          return Promise.resolve([]);
        default:
          return pending();
      }
    };
    const onOpenLedger = renderPage();
    await openTab("scorecards");
    const row = await screen.findByTestId("scorecard-row");
    expect(calls("scorecard.get")[0]).toEqual({ period: "2026-Q4", by: "department" });
    expect(within(row).getByTestId("scorecard-name").textContent).toBe("售后服务部");
    expect(within(row).getByTestId("scorecard-score").textContent).toBe("80.0");
    const onTime = within(row).getByTestId("scorecard-cell-u-after-on_time_rate");
    expect(onTime.textContent).toBe("93.5");
    expect(onTime.getAttribute("data-rating")).toBe("amber");
    expect(onTime.querySelector(".ant-tag-warning")).not.toBeNull();
    expect(within(row).getByTestId("scorecard-cell-u-after-satisfaction_rate").querySelector(".ant-tag-success")).not.toBeNull();
    expect(row.textContent).toContain("¥500.00");
    fireEvent.click(onTime);
    expect(onOpenLedger).toHaveBeenLastCalledWith({ ...ON_TIME, department_ids: ["u-after"] }, "考核评分：处理及时率 2026-Q4，“售后服务部”");

    fireEvent.click(screen.getByTestId("scorecard-export"));
    await waitFor(() => expect(calls("scorecard.export")).toHaveLength(1));
    expect(dialog.saved).toEqual([["导出考核评分", "考核评分_2026-Q4_部门.xlsx"]]);
    expect(calls("scorecard.export")[0]).toEqual({ period: "2026-Q4", by: "department", path: "/home/agent/考核评分.xlsx", lang: "zh-CN" });
    expect(await screen.findByText("已导出 3 行：/home/agent/考核评分.xlsx")).toBeTruthy();

    // By staff: a target for one staff member, by their account.
    fireEvent.click(within(screen.getByTestId("scorecard-by")).getAllByRole("radio")[1]!);
    await waitFor(() => expect(calls("scorecard.get").at(-1)).toEqual({ period: "2026-Q4", by: "staff" }));
    await waitFor(() => expect(screen.getByTestId("scorecard-name").textContent).toBe("王磊"));
    fireEvent.click(screen.getByTestId("scorecard-set-target"));
    await screen.findByTestId("scorecard-target-goal");
    type("scorecard-target-goal", "95");
    type("scorecard-target-limit", "90");
    fireEvent.click(screen.getByTestId("scorecard-target-submit"));
    await waitFor(() => expect(calls("kpi.target_set")).toHaveLength(1));
    expect(calls("kpi.target_set")[0]).toEqual({ unit_id: "acc-wang", period: "2026-Q4", kpi: "on_time_rate", goal: 95, limit: 90 });
  });

  it("opens an inspection from the form's fields; the core's problem with the sample size lands on its field, the title kept", async () => {
    let opens = 0;
    core.answer = (name) => {
      switch (name) {
        case "inspections.list":
          return Promise.resolve([]);
        case "org.list":
          return Promise.resolve(UNITS);
        case "inspections.open":
          opens += 1;
          return opens === 1
            ? Promise.reject(
                refusal("validation.failed", "1 项需要更正", [{ field: "sample_size", code: "field.out_of_range", message: "须在 1 至 200 之间" }]),
              )
            : Promise.resolve(inspection({}, { scope: ["intake", "process"] }));
        case "inspections.get":
          return Promise.resolve(inspection());
        default:
          return pending();
      }
    };
    renderPage();
    await openTab("inspections");
    fireEvent.click(await screen.findByTestId("inspection-new"));
    await screen.findByTestId("inspection-title");
    expect(value("inspection-held-on")).toBe(TODAY);
    expect(value("inspection-period-from")).toBe("2026-10-01");
    expect(value("inspection-period-to")).toBe(TODAY);
    expect(screen.getByTestId("inspection-seed").closest(".ant-form-item")?.textContent).toContain("留空则随机生成，记录后可复现抽样");
    type("inspection-title", "2026年第四季度处理过程抽查");
    fireEvent.click(screen.getByLabelText("处理结果满意度"));
    type("inspection-sample-size", "30");
    type("inspection-seed", "00ff00ff00ff00ff");
    fireEvent.click(screen.getByTestId("inspection-submit"));

    await waitFor(() => expect(calls("inspections.open")).toHaveLength(1));
    expect(calls("inspections.open")[0]).toEqual({
      title: "2026年第四季度处理过程抽查",
      held_on: TODAY,
      scope: ["intake", "process"],
      period_from: "2026-10-01",
      period_to: TODAY,
      sample_size: 30,
      seed: "00ff00ff00ff00ff",
    });
    await waitFor(() => expect(errorsOf("inspection-sample-size")).toEqual(["须在 1 至 200 之间"]));
    expect(value("inspection-title")).toBe("2026年第四季度处理过程抽查");

    type("inspection-sample-size", "2");
    fireEvent.click(screen.getByTestId("inspection-submit"));
    await waitFor(() => expect(calls("inspections.open")).toHaveLength(2));
    expect(calls("inspections.open")[1]).toMatchObject({ sample_size: 2, seed: "00ff00ff00ff00ff" });
    // The inspection opens on its sample, with its seed.
    expect(await screen.findByText("已抽取 2 件案件（总体 57 件）")).toBeTruthy();
    await waitFor(() => expect(text("inspection-sample")).toBe("抽样 2 / 总体 57"));
    expect(text("inspection-seed-value")).toContain("00ff00ff00ff00ff");
  });

  it("shows the core's error for an issue without a note, records the verdict, and shows why closing is refused", async () => {
    let current = inspection();
    core.answer = (name, request) => {
      const r = request as { case_id: string; verdict: "issue"; note: string };
      switch (name) {
        case "inspections.list":
          return Promise.resolve([summary()]);
        case "inspections.get":
          return Promise.resolve(current);
        case "inspections.check":
          if (!r.note) {
            return Promise.reject(
              refusal("validation.failed", "1 项需要更正", [{ field: "note", code: "field.required", message: "结论为有问题时须填写说明" }]),
            );
          }
          current = {
            ...current,
            cases: current.cases.map((c) => (c.case_id === r.case_id ? { ...c, verdict: r.verdict, note: r.note } : c)),
          };
          return Promise.resolve(current);
        case "inspections.close":
          return Promise.reject(refusal("supervision.invalid_state", "还有抽查案件未给出结论，不能结束检查"));
        default:
          return pending();
      }
    };
    renderPage();
    await openTab("inspections");
    const row = await screen.findByTestId("inspection-row");
    expect(row.textContent).toContain("2 / 57");
    expect(row.textContent).toContain("进行中");
    fireEvent.click(row);
    const detail = await screen.findByTestId("inspection-detail");
    await waitFor(() => expect(within(detail).getAllByTestId("sample-row")).toHaveLength(2));
    expect(text("inspection-sample")).toBe("抽样 2 / 总体 57");
    expect(within(detail).getAllByTestId("sample-verdict").map((v) => v.textContent)).toEqual(["待查", "待查"]);

    fireEvent.click(within(detail).getAllByTestId("sample-judge")[0]!);
    await screen.findByTestId("verdict-note");
    fireEvent.click(within(screen.getByTestId("verdict-radio")).getAllByRole("radio")[2]!);
    fireEvent.click(screen.getByTestId("verdict-submit"));
    await waitFor(() => expect(calls("inspections.check")).toHaveLength(1));
    expect(calls("inspections.check")[0]).toEqual({ id: "ins1", case_id: "c1", verdict: "issue", note: "" });
    await waitFor(() => expect(errorsOf("verdict-note")).toEqual(["结论为有问题时须填写说明"]));

    type("verdict-note", "赔偿方案未附检测报告");
    fireEvent.click(screen.getByTestId("verdict-submit"));
    await waitFor(() => expect(calls("inspections.check")).toHaveLength(2));
    expect(calls("inspections.check")[1]).toEqual({ id: "ins1", case_id: "c1", verdict: "issue", note: "赔偿方案未附检测报告" });
    await waitFor(() => expect(within(detail).getAllByTestId("sample-verdict")[0]!.textContent).toBe("有问题"));
    expect(within(detail).getAllByTestId("sample-row")[0]!.textContent).toContain("赔偿方案未附检测报告");

    fireEvent.click(screen.getByTestId("inspection-close"));
    fireEvent.click(await screen.findByTestId("inspection-close-confirm"));
    expect((await screen.findByTestId("inspection-close-error")).textContent).toContain("还有抽查案件未给出结论，不能结束检查");
    expect(calls("inspections.close")).toEqual([{ id: "ins1" }]);
  });

  it("proposes a penalty with its amount in fen, and shows the core's refusal of one's own proposal", async () => {
    let proposals = 0;
    core.answer = (name, request) => {
      switch (name) {
        case "sanctions.list":
          return Promise.resolve([SANCTION]);
        case "org.handlers":
          return Promise.resolve(HANDLERS);
        case "org.list":
          return Promise.resolve(UNITS);
        case "sanctions.propose":
          proposals += 1;
          return proposals === 1
            ? Promise.reject(refusal("validation.failed", "1 项需要更正", [{ field: "amount_fen", code: "field.required", message: "必填" }]))
            : Promise.resolve({ ...SANCTION, id: "s2", kind: "penalty", amount_fen: (request as { amount_fen: number }).amount_fen });
        case "sanctions.decide":
          return Promise.reject(refusal("supervision.invalid_state", "不能审批本人提出的奖惩"));
        default:
          return pending();
      }
    };
    renderPage();
    await openTab("sanctions");
    const row = await screen.findByTestId("sanction-row");
    expect(calls("sanctions.list")[0]).toEqual({ period: "2026-Q4" });
    expect(row.textContent).toContain("王磊");
    expect(row.textContent).toContain("¥500.00");
    expect(within(row).getByTestId("sanction-status").textContent).toBe("待审批");

    fireEvent.click(screen.getByTestId("sanction-new"));
    await screen.findByTestId("sanction-reason");
    expect(value("sanction-period")).toBe("2026-Q4");
    fireEvent.click(within(screen.getByTestId("sanction-kind")).getAllByRole("radio")[1]!);
    await pick("sanction-subject", "王磊 · 售后服务部");
    type("sanction-reason", "逾期未处理且未说明原因");
    fireEvent.click(screen.getByTestId("sanction-submit"));
    // Neither amount nor points: the core's problem with the amount in fen is said in yuan.
    await waitFor(() => expect(errorsOf("sanction-amount")).toEqual(["金额与积分至少填写一项"]));

    type("sanction-amount", "200.5");
    fireEvent.click(screen.getByTestId("sanction-submit"));
    await waitFor(() => expect(calls("sanctions.propose")).toHaveLength(2));
    expect(calls("sanctions.propose")[1]).toEqual({
      kind: "penalty",
      subject_kind: "staff",
      subject_id: "acc-wang",
      period: "2026-Q4",
      reason: "逾期未处理且未说明原因",
      amount_fen: 20050,
      case_ids: [],
    });
    expect(await screen.findByText("奖惩已登记，待审批")).toBeTruthy();

    fireEvent.click(within(screen.getAllByTestId("sanction-row")[0]!).getByTestId("sanction-approve"));
    fireEvent.click(await screen.findByTestId("sanction-decide-submit"));
    await waitFor(() => expect(calls("sanctions.decide")).toEqual([{ id: "s1", approved: true, note: "" }]));
    expect(await screen.findByText("不能审批本人提出的奖惩")).toBeTruthy();
  });
});
