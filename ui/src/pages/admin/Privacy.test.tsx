import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App as AntApp } from "antd";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { PrivacyLogRow, RetentionReport, RetentionRunRow } from "../../api";
import { core } from "../../test/core";

// A stand-in for the core: every call is recorded and answered by `core.answer`.
vi.mock("../../api", async (original) => (await import("../../test/core")).withCore(await original()));

const { I18nProvider } = await import("../../i18n");
const { Privacy } = await import("./Privacy");

const LOG: PrivacyLogRow[] = [
  {
    event_id: "ev-2",
    action: "anonymised",
    basis: "request",
    consumer_id: "con-7",
    case_no: "2025-HQ-000777",
    note: "消费者本人 2026-11-29 来电申请删除",
    actor: "周律",
    at: "2026-11-29T06:30:00Z",
  },
  {
    event_id: "ev-1",
    action: "exported",
    basis: "request",
    consumer_id: "con-7",
    case_no: "2025-HQ-000777",
    note: "消费者本人书面申请",
    actor: "周律",
    at: "2026-11-20T02:00:00Z",
  },
];

const REPORT: RetentionReport = {
  retention_months: 36,
  cutoff: "2023-11-29T16:00:00Z",
  dry_run: true,
  due: [
    {
      consumer_id: "con-1",
      case_ids: ["c-12", "c-13"],
      case_nos: ["2023-HQ-000012", "2023-HQ-000013"],
      last_closed_at: "2023-06-01T02:00:00Z",
      held: false,
    },
  ],
  held: [
    {
      consumer_id: "con-2",
      case_ids: ["c-20"],
      case_nos: ["2023-HQ-000020"],
      last_closed_at: "2023-05-01T02:00:00Z",
      held: true,
    },
  ],
  anonymised: 0,
  cases: 0,
};

const RUNS: RetentionRunRow[] = [
  {
    event_id: "ev-r2",
    at: "2026-11-30T01:00:00Z",
    actor: "系统",
    automatic: true,
    months: 36,
    cutoff: "2023-11-29T16:00:00Z",
    anonymised: 4,
    cases: 6,
    held: 1,
  },
  {
    event_id: "ev-r1",
    at: "2026-11-29T06:30:00Z",
    actor: "周律",
    automatic: false,
    months: 36,
    cutoff: "2023-11-28T16:00:00Z",
    anonymised: 2,
    cases: 3,
    held: 0,
  },
];

const sent = (operation: string) => core.calls.filter(([n]) => n === operation).map(([, r]) => r);

/** Answers these operations, the settings and the log as usual, and nothing else. */
function answer(answers: Record<string, (request: unknown) => Promise<unknown>> = {}) {
  core.answer = (name, request) => {
    if (answers[name]) return answers[name](request);
    if (name === "privacy.settings") return Promise.resolve({ retention_months: 36 });
    if (name === "privacy.log") return Promise.resolve(LOG);
    return new Promise(() => undefined);
  };
}

function renderPrivacy() {
  render(
    <I18nProvider>
      <AntApp>
        <Privacy />
      </AntApp>
    </I18nProvider>,
  );
}

describe("Privacy", { timeout: 20_000 }, () => {
  beforeEach(() => {
    core.calls = [];
    answer();
  });

  it("previews the retention rule without changing anything: the due case numbers, and those held", async () => {
    answer({ "retention.run": () => Promise.resolve(REPORT) });
    renderPrivacy();
    // The log: what was done, on which basis, by whom.
    const log = within(await screen.findByTestId("privacy-log"));
    await log.findByText("消费者本人 2026-11-29 来电申请删除");
    log.getByText("匿名化");
    log.getByText("导出");
    expect(log.getAllByText("本人申请")).toHaveLength(2);

    fireEvent.click(screen.getByTestId("retention-preview"));
    const due = within(await screen.findByTestId("retention-due"));
    due.getByText("2023-HQ-000012、2023-HQ-000013");
    within(screen.getByTestId("retention-held")).getByText("2023-HQ-000020");
    expect(due.queryByText("2023-HQ-000020")).toBeNull();
    const report = screen.getByTestId("retention-report");
    expect(report.textContent).toContain("到期（1 位消费者）");
    expect(report.textContent).toContain("法律保全，予以保留（1 位消费者）");
    expect(report.textContent).toContain("这是预览，尚未修改任何数据");
    expect(sent("retention.run")).toEqual([{ dry_run: true }]);
  });

  it("runs the rule only once confirmed, and says how many were anonymised", async () => {
    answer({ "retention.run": () => Promise.resolve({ ...REPORT, dry_run: false, anonymised: 1, cases: 2 }) });
    renderPrivacy();
    await screen.findByText("消费者本人 2026-11-29 来电申请删除");
    fireEvent.click(screen.getByTestId("retention-run"));
    await screen.findByText(/将按已保存的保存期限，匿名化全部到期消费者的个人信息/);
    expect(sent("retention.run")).toEqual([]);
    fireEvent.click(await screen.findByTestId("retention-confirm-ok"));
    await waitFor(() => expect(sent("retention.run")).toEqual([{ dry_run: false }]));
    await waitFor(() =>
      expect(screen.getByTestId("retention-report").textContent).toContain("已匿名化 1 位消费者的个人信息，涉及 2 件案件"),
    );
    // The log is loaded again.
    await waitFor(() => expect(sent("privacy.log")).toHaveLength(2));
  });

  it("saves the retention period; the core's out-of-range error lands on the field", async () => {
    let tries = 0;
    answer({
      "privacy.settings_set": (request) =>
        ++tries === 1
          ? Promise.reject({
              code: "validation.failed",
              message: "请检查填写的内容",
              fields: [{ field: "retention_months", code: "out_of_range", message: "应在 6 到 240 之间" }],
            })
          : Promise.resolve(request),
    });
    renderPrivacy();
    const months = (await screen.findByTestId("privacy-months")) as HTMLInputElement;
    await waitFor(() => expect(months.value).toBe("36"));
    const save = screen.getByTestId("privacy-save");
    await waitFor(() => expect((save as HTMLButtonElement).disabled).toBe(false));

    fireEvent.change(months, { target: { value: "3" } });
    fireEvent.click(save);
    await waitFor(() => expect(sent("privacy.settings_set")).toEqual([{ retention_months: 3 }]));
    await within(months.closest(".ant-form-item") as HTMLElement).findByText("应在 6 到 240 之间");

    fireEvent.change(months, { target: { value: "24" } });
    fireEvent.click(save);
    await waitFor(() => expect(sent("privacy.settings_set")).toEqual([{ retention_months: 3 }, { retention_months: 24 }]));
    await screen.findByText("已保存");
  });

  it("lists the rule's runs, automatic ones as 自动, says it runs daily, and lists them again after a run", async () => {
    answer({
      "retention.runs": () => Promise.resolve(RUNS),
      "retention.run": () => Promise.resolve({ ...REPORT, dry_run: false, anonymised: 1, cases: 2 }),
    });
    renderPrivacy();
    const rows = await screen.findAllByTestId("retention-run-row");
    expect(sent("retention.runs")).toEqual([{}]);
    expect(rows.map((r) => within(r).getByTestId("retention-run-kind").textContent)).toEqual(["自动", "手动"]);
    expect(Array.from(rows[0]!.querySelectorAll("td")).map((td) => td.textContent)).toEqual([
      "2026-11-30 09:00",
      "自动",
      "系统",
      "36",
      "2023-11-30 00:00",
      "4",
      "6",
      "1",
    ]);
    expect(rows[1]!.textContent).toContain("周律");
    expect((await screen.findByTestId("retention-auto")).textContent).toContain("每天自动执行一次");

    // A preview is no run: the list stays; a run is, and the list is asked again.
    fireEvent.click(screen.getByTestId("retention-preview"));
    await waitFor(() => expect(sent("retention.run")).toHaveLength(1));
    expect(sent("retention.runs")).toHaveLength(1);
    fireEvent.click(screen.getByTestId("retention-run"));
    fireEvent.click(await screen.findByTestId("retention-confirm-ok"));
    await waitFor(() => expect(sent("retention.runs")).toHaveLength(2));
  });

  it("says the rule does not run on its own when the period is 0", async () => {
    answer({
      "privacy.settings": () => Promise.resolve({ retention_months: 0 }),
      "retention.runs": () => Promise.resolve([]),
    });
    renderPrivacy();
    expect((await screen.findByTestId("retention-auto")).textContent).toBe("保存期限为 0，不会自动执行。手动执行的记录也列在下表。");
    await within(screen.getByTestId("retention-runs")).findByText("尚无执行记录");
  });
});
