import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App as AntApp } from "antd";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { ApiError, HandlerView, OrgUnitView, Permission, RiskPointView, TrainingCoverage, TrainingView } from "../../api";
import { core } from "../../test/core";

// The core stands in (../../test/core); the session grants what each test says.
vi.mock("../../api", async (importOriginal) =>
  (await import("../../test/core")).withCore(await importOriginal<typeof import("../../api")>()),
);
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

const calls = (name: string) => core.calls.filter(([n]) => n === name).map(([, r]) => r);
const value = (testId: string) => (screen.getByTestId(testId) as HTMLInputElement | HTMLTextAreaElement).value;
const type = (testId: string, text: string) => fireEvent.change(screen.getByTestId(testId), { target: { value: text } });
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
const HANDLERS: HandlerView[] = [
  { id: "acc-wang", display_name: "王磊", unit_id: "u-after", unit_name: "售后服务部" },
  { id: "acc-zhao", display_name: "赵敏", unit_id: "u-after", unit_name: "售后服务部" },
];

const COVERAGE: TrainingCoverage = {
  since: "2025-11-20",
  months: 12,
  units: [
    {
      unit_id: "u-after",
      unit: "售后服务部",
      staff: 10,
      trained: 7,
      rate: 70,
      overdue: [
        { account_id: "acc-wang", name: "王磊", last_trained_on: "2025-06-03" },
        { account_id: "acc-zhao", name: "赵敏", last_trained_on: null },
      ],
    },
    { unit_id: "u-store", unit: "南京西路店", staff: 20, trained: 19, rate: 95, overdue: [] },
  ],
};

const TRAINING: TrainingView = {
  id: "t1",
  topic: "consumer_rights_law",
  title: "消费者权益保护法要点",
  held_on: "2026-10-15",
  trainer: "李法务",
  hours: 2,
  pass_score: 60,
  attendees: [
    { account_id: "acc-wang", name: "王磊", unit: "售后服务部", score: 80, passed: true },
    { account_id: "acc-zhao", name: "赵敏", unit: "售后服务部", score: 50, passed: false },
    { account_id: "acc-qian", name: "钱程", unit: null, score: null, passed: null },
  ],
  recorded_by: "李法务",
};

const RISK: RiskPointView = {
  id: "r1",
  title: "南京西路店退货投诉集中",
  description: "本月退货投诉明显高于往期",
  source_kind: "hotspot",
  source: { label: "门店：南京西路店", observed: 12, expected: 3.5 },
  measures: "加强退货政策告知",
  owner_id: "acc-wang",
  owner: "王磊",
  due_on: "2026-11-15",
  status: "open",
  review: null,
  reviewed_at: null,
  overdue: true,
  created_by: "李法务",
  created_at: "2026-11-01T02:00:00Z",
};

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

async function openTab(key: "trainings" | "risks") {
  fireEvent.click(await screen.findByTestId(`supervision-tab-${key}`));
}

describe("Supervision: prevention", { timeout: 120_000 }, () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    vi.setSystemTime(NOW);
    core.calls = [];
    granted.permissions = new Set(["case.view", "supervision.manage"]);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("shows the training coverage per unit with who is overdue, and a course's pass rate and attendees", async () => {
    core.answer = (name) => {
      switch (name) {
        case "trainings.coverage":
          return Promise.resolve(COVERAGE);
        case "trainings.list":
          return Promise.resolve([TRAINING]);
        default:
          return pending();
      }
    };
    renderPage();
    await openTab("trainings");
    const rows = await screen.findAllByTestId("coverage-row");
    expect(rows).toHaveLength(2);
    expect(screen.getByTestId("coverage-hint").textContent).toBe("近12个月内参加并通过培训视为已覆盖（自 2025-11-20 起）");
    expect(rows[0]!.textContent).toContain("售后服务部");
    const rate = within(rows[0]!).getByTestId("coverage-rate");
    expect(rate.textContent).toBe("70%");
    expect(rate.getAttribute("data-rating")).toBe("red");
    expect(within(rows[1]!).getByTestId("coverage-rate").getAttribute("data-rating")).toBe("green");
    expect(within(rows[0]!).getAllByTestId("coverage-overdue-name").map((n) => n.textContent)).toEqual([
      "王磊（上次 2025-06-03）",
      "赵敏（从未参加）",
    ]);
    expect(rows[1]!.textContent).toContain("全部已覆盖");

    // The course: topic, pass rate of those with a score (1 of 2), and its attendees when expanded.
    const course = await screen.findByTestId("training-row");
    expect(calls("trainings.list")[0]).toEqual({});
    expect(course.textContent).toContain("《消费者权益保护法》");
    expect(within(course).getByTestId("training-pass-rate").textContent).toBe("50%");
    fireEvent.click(course.querySelector(".ant-table-row-expand-icon") as HTMLElement);
    const attendees = await screen.findAllByTestId("attendee-row");
    expect(attendees.map((a) => a.textContent)).toEqual(["王磊售后服务部80通过", "赵敏售后服务部50未通过", "钱程未归属单位——"]);
  });

  it("records a training with its topic, hours and scored attendees; the core's problem with a score lands on its input", async () => {
    core.answer = (name) => {
      switch (name) {
        case "trainings.coverage":
          return Promise.resolve({ ...COVERAGE, units: [] });
        case "trainings.list":
          return Promise.resolve([]);
        case "org.handlers":
          return Promise.resolve(HANDLERS);
        case "org.list":
          return Promise.resolve(UNITS);
        case "trainings.record":
          return Promise.reject(
            refusal("validation.failed", "1 项需要更正", [
              { field: "attendees[0].score", code: "field.out_of_range", message: "须在 0 至 100 之间" },
            ]),
          );
        default:
          return pending();
      }
    };
    renderPage();
    await openTab("trainings");
    fireEvent.click(await screen.findByTestId("training-new"));
    await screen.findByTestId("training-title");
    expect(value("training-held-on")).toBe("2026-11-20");
    await pick("training-topic", "《产品质量法》");
    type("training-title", "产品质量法与三包规定");
    type("training-trainer", "李法务");
    type("training-hours", "1.5");
    await pick("training-attendees", "王磊 · 售后服务部");
    // A score input for each attendee chosen.
    await screen.findByTestId("training-score-0");
    type("training-score-0", "85");
    fireEvent.click(screen.getByTestId("training-submit"));

    await waitFor(() => expect(calls("trainings.record")).toHaveLength(1));
    expect(calls("trainings.record")[0]).toEqual({
      topic: "product_quality_law",
      title: "产品质量法与三包规定",
      held_on: "2026-11-20",
      trainer: "李法务",
      hours: 1.5,
      attendees: [{ account_id: "acc-wang", score: 85 }],
    });
    await waitFor(() => expect(errorsOf("training-score-0")).toEqual(["须在 0 至 100 之间"]));
    expect(value("training-title")).toBe("产品质量法与三包规定");
  });

  it("reviews a risk point from the list as mitigated", async () => {
    core.answer = (name, request) => {
      switch (name) {
        case "risks.list":
          return Promise.resolve([RISK]);
        case "risks.review": {
          const r = request as { review: string; status: "mitigated" };
          return Promise.resolve({ ...RISK, review: r.review, status: r.status, overdue: false, reviewed_at: "2026-11-20T04:00:00Z" });
        }
        default:
          return pending();
      }
    };
    renderPage();
    await openTab("risks");
    const row = await screen.findByTestId("risk-row");
    expect(calls("risks.list")[0]).toEqual({ status: "open" });
    expect(within(row).getByTestId("risk-source").textContent).toBe("高发热点门店：南京西路店观测 12 / 预期 3.5");
    expect(within(row).getByTestId("risk-overdue").textContent).toBe("已逾期");
    expect(within(row).getByTestId("risk-status").textContent).toBe("跟踪中");

    fireEvent.click(within(row).getByTestId("risk-review-open"));
    await screen.findByTestId("risk-review-text");
    type("risk-review-text", "已在门店张贴退货政策，投诉回落");
    fireEvent.click(within(screen.getByTestId("risk-review-status")).getAllByRole("radio")[1]!);
    fireEvent.click(screen.getByTestId("risk-review-submit"));
    await waitFor(() => expect(calls("risks.review")).toHaveLength(1));
    expect(calls("risks.review")[0]).toEqual({ id: "r1", review: "已在门店张贴退货政策，投诉回落", status: "mitigated" });
    expect(await screen.findByText("复查结果已保存")).toBeTruthy();
    await waitFor(() => expect(calls("risks.list")).toHaveLength(2));
  });

  it("records a risk point by hand; the core's refusal of a past due day lands on it", async () => {
    core.answer = (name) => {
      switch (name) {
        case "risks.list":
          return Promise.resolve([]);
        case "org.handlers":
          return Promise.resolve(HANDLERS);
        case "org.list":
          return Promise.resolve(UNITS);
        case "risks.record":
          return Promise.reject(
            refusal("validation.failed", "1 项需要更正", [{ field: "due_on", code: "field.invalid", message: "无效：≥ today" }]),
          );
        default:
          return pending();
      }
    };
    renderPage();
    await openTab("risks");
    fireEvent.click(await screen.findByTestId("risk-new"));
    await screen.findByTestId("risk-title");
    expect(value("risk-due-on")).toBe("2026-12-20");
    type("risk-title", "大促期间退款集中");
    type("risk-description", "双十一后退款申请激增");
    type("risk-measures", "增派客服，预先告知退款时限");
    await pick("risk-owner", "赵敏 · 售后服务部");
    type("risk-due-on", "2026-11-01");
    fireEvent.click(screen.getByTestId("risk-submit"));

    await waitFor(() => expect(calls("risks.record")).toHaveLength(1));
    expect(calls("risks.record")[0]).toEqual({
      title: "大促期间退款集中",
      description: "双十一后退款申请激增",
      source_kind: "manual",
      measures: "增派客服，预先告知退款时限",
      owner_id: "acc-zhao",
      due_on: "2026-11-01",
    });
    await waitFor(() => expect(errorsOf("risk-due-on")).toEqual(["不能早于今天"]));
    expect(value("risk-title")).toBe("大促期间退款集中");
  });
});
