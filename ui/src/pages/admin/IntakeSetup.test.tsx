import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App as AntApp } from "antd";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { ApiError, CalendarYear, CodeEntry, CodeLists, Settings } from "../../api";
import { core, type Answer } from "../../test/core";

// A stand-in for the core: every call is recorded and answered by `core.answer`.
vi.mock("../../api", async (original) => (await import("../../test/core")).withCore(await original()));

const { I18nProvider } = await import("../../i18n");
const { CodesProvider } = await import("../../codes");
const { IntakeSetup } = await import("./IntakeSetup");

const THIS_YEAR = new Date().getFullYear();

function entry(list: CodeEntry["list"], code: string, label_zh: string, more: Partial<CodeEntry> = {}): CodeEntry {
  return {
    list,
    code,
    label_zh,
    label_en: code,
    definition_zh: `${label_zh}的定义`,
    definition_en: "",
    position: 10,
    active: true,
    requires_store: false,
    builtin: true,
    ...more,
  };
}

const CODES: CodeLists = {
  channels: [
    entry("channel", "hotline", "客服热线"),
    entry("channel", "store", "实体门店", { requires_store: true }),
    entry("channel", "fax", "传真", { active: false, builtin: false }),
  ],
  categories: [
    entry("category", "product_quality", "产品质量"),
    entry("category", "after_sales", "售后服务/三包"),
  ],
};

const SETTINGS: Settings = {
  idle_lock_minutes: 15,
  approval_threshold_fen: 200_000,
  deadlines: [
    { severity: "general", acknowledge_working_days: 1, resolve_working_days: 15 },
    { severity: "serious", acknowledge_working_days: 1, resolve_working_days: 10 },
    { severity: "major", acknowledge_working_days: 1, resolve_working_days: 5 },
    { severity: "mass", acknowledge_working_days: 0, resolve_working_days: 3 },
    { channel: "hotline", severity: "general", acknowledge_working_days: 0, resolve_working_days: 7 },
  ],
};

const CALENDAR: CalendarYear = {
  year: THIS_YEAR,
  days: [
    { date: `${THIS_YEAR}-10-01`, kind: "holiday", name_zh: "国庆节", name_en: "National Day", edited: false },
    { date: `${THIS_YEAR}-10-10`, kind: "workday", name_zh: "国庆节", name_en: "National Day", edited: true },
  ],
  working_days: 250,
  years_with_schedule: [THIS_YEAR - 1, THIS_YEAR],
};

/** The core as it answers an administrator who changes nothing. */
const answers: Record<string, (request: unknown) => unknown> = {
  "codes.list": () => CODES,
  "settings.get": () => SETTINGS,
  "settings.update": (request) => request,
  "calendar.list": () => CALENDAR,
  "codes.save": (request) => ({ ...(request as object), position: 40, builtin: false }),
};
const answerNormally: Answer = (name, request) => {
  const answer = answers[name];
  return answer ? Promise.resolve(answer(request)) : new Promise(() => undefined);
};

/** The core refusing `operation` with one field problem, and answering the rest as usual. */
function refuse(operation: string, field: string, message: string, code = "field.invalid") {
  const refusal: ApiError = {
    code: "validation",
    message: "请检查填写的内容",
    fields: [{ field, code, message }],
  };
  core.answer = (name, request) => (name === operation ? Promise.reject(refusal) : answerNormally(name, request));
}

function renderSetup() {
  return render(
    <I18nProvider>
      <AntApp>
        <CodesProvider>
          <IntakeSetup />
        </CodesProvider>
      </AntApp>
    </I18nProvider>,
  );
}

/** The settings.update requests sent so far. */
const updates = () => core.calls.filter(([n]) => n === "settings.update").map(([, r]) => r);

// A whole settings tab of Ant Design tables renders slowly in jsdom.
describe("IntakeSetup", { timeout: 30_000 }, () => {
  beforeEach(() => {
    core.calls = [];
    core.answer = answerNormally;
  });

  it("lists the channels, categories, rules and holidays the core keeps", async () => {
    renderSetup();
    const hotline = await screen.findByTestId("setup-channel-hotline");
    expect(hotline.textContent).toContain("客服热线");
    expect(hotline.textContent).toContain("hotline");
    expect(hotline.textContent).toContain("启用");
    expect(hotline.textContent).toContain("内置");
    expect(screen.getByTestId("setup-channel-store").textContent).toContain("是");
    expect(screen.getByTestId("setup-channel-fax").textContent).toContain("停用");
    expect(screen.getByTestId("setup-category-after_sales").textContent).toContain("售后服务/三包");
    expect(screen.getByTestId("setup-edit-category-product_quality")).toBeTruthy();

    await waitFor(() => expect((screen.getByTestId("setup-rule-4-resolve") as HTMLInputElement).value).toBe("7"));
    expect(screen.getByTestId("setup-rule-4").textContent).toContain("客服热线");
    expect(screen.getByTestId("setup-rule-0").textContent).toContain("任意渠道");
    expect(screen.getByTestId("setup-rule-0").textContent).toContain("一般");

    const holiday = await screen.findByTestId(`setup-calendar-day-${THIS_YEAR}-10-01`);
    expect(holiday.textContent).toContain("国庆节");
    expect(holiday.textContent).toContain("休");
    expect(screen.getByTestId(`setup-calendar-day-${THIS_YEAR}-10-10`).textContent).toContain("已修改");
    expect(screen.getByTestId("setup-calendar-working-days").textContent).toBe(`${THIS_YEAR} 年共 250 个工作日`);
    expect(screen.getByTestId(`setup-calendar-missing-${THIS_YEAR + 1}`).textContent).toContain(
      `${THIS_YEAR + 1} 年节假日安排尚未录入，请导入国务院办公厅公布的安排`,
    );
    expect(core.calls).toContainEqual(["calendar.list", { year: THIS_YEAR }]);
  });

  it("saves the whole settings object with the edited rule", async () => {
    renderSetup();
    const resolve = (await screen.findByTestId("setup-rule-1-resolve")) as HTMLInputElement;
    await waitFor(() => expect(resolve.value).toBe("10"));
    fireEvent.change(resolve, { target: { value: "8" } });
    fireEvent.click(screen.getByTestId("setup-deadlines-save"));
    await waitFor(() => expect(updates()).toHaveLength(1));
    const deadlines = SETTINGS.deadlines.map((r, i) => (i === 1 ? { ...r, resolve_working_days: 8 } : r));
    expect(updates()[0]).toEqual({ idle_lock_minutes: 15, approval_threshold_fen: 200_000, deadlines });
    await screen.findByText("处理时限已保存");
  });

  it("sends a new rule for any channel without a channel", async () => {
    renderSetup();
    await waitFor(() => expect((screen.getByTestId("setup-rule-4-ack") as HTMLInputElement).value).toBe("0"));
    fireEvent.click(screen.getByTestId("setup-deadlines-add"));
    fireEvent.change(await screen.findByTestId("setup-rule-5-resolve"), { target: { value: "20" } });
    fireEvent.click(screen.getByTestId("setup-deadlines-save"));
    await waitFor(() => expect(updates()).toHaveLength(1));
    const sent = updates()[0] as Settings;
    expect(sent.deadlines[5]).toEqual({ acknowledge_working_days: 1, resolve_working_days: 20 });
  });

  it("shows the core's error for a rule on that rule's row", async () => {
    refuse("settings.update", "deadlines[1].resolve_working_days", "应在 1 到 365 之间", "field.out_of_range");
    renderSetup();
    await waitFor(() => expect((screen.getByTestId("setup-rule-1-resolve") as HTMLInputElement).value).toBe("10"));
    fireEvent.click(screen.getByTestId("setup-deadlines-save"));
    const row = screen.getByTestId("setup-rule-1");
    await within(row).findByText("应在 1 到 365 之间");
    expect(screen.getByTestId("setup-rule-0").textContent).not.toContain("应在 1 到 365 之间");
    expect(screen.getByTestId("setup-rule-2").textContent).not.toContain("应在 1 到 365 之间");
  });

  it("shows a problem with the rules as a whole above the table", async () => {
    refuse("settings.update", "deadlines", "必填", "field.required");
    renderSetup();
    await waitFor(() => expect((screen.getByTestId("setup-rule-0-resolve") as HTMLInputElement).value).toBe("15"));
    fireEvent.click(screen.getByTestId("setup-rule-0-remove"));
    fireEvent.click(screen.getByTestId("setup-deadlines-save"));
    const problem = await screen.findByTestId("setup-deadlines-error");
    // The core says only "required": the tab says what is missing.
    expect(problem.textContent).toBe(
      "每个严重程度都须有一条“任意渠道”的规则，或设一条渠道和严重程度均为“任意”的通用规则",
    );
    expect((updates()[0] as Settings).deadlines).toHaveLength(4);
  });

  it("adds a channel and reloads the lists for the other forms", async () => {
    renderSetup();
    await screen.findByTestId("setup-channel-hotline");
    fireEvent.click(screen.getByTestId("setup-channels-add"));
    fireEvent.change(await screen.findByTestId("setup-code-code"), { target: { value: "douyin" } });
    fireEvent.change(screen.getByTestId("setup-code-label-zh"), { target: { value: "抖音" } });
    fireEvent.change(screen.getByTestId("setup-code-label-en"), { target: { value: "Douyin" } });
    fireEvent.change(screen.getByTestId("setup-code-definition-zh"), { target: { value: "抖音私信及评论" } });
    const listsBefore = core.calls.filter(([n]) => n === "codes.list").length;
    fireEvent.click(screen.getByTestId("setup-code-submit"));
    await waitFor(() =>
      expect(core.calls).toContainEqual([
        "codes.save",
        {
          list: "channel",
          code: "douyin",
          label_zh: "抖音",
          label_en: "Douyin",
          definition_zh: "抖音私信及评论",
          definition_en: "",
          active: true,
          requires_store: false,
        },
      ]),
    );
    await waitFor(() => expect(core.calls.filter(([n]) => n === "codes.list").length).toBe(listsBefore + 1));
  });

  it("keeps a built-in code fixed when editing it", async () => {
    renderSetup();
    fireEvent.click(await screen.findByTestId("setup-edit-channel-hotline"));
    const code = (await screen.findByTestId("setup-code-code")) as HTMLInputElement;
    expect(code.value).toBe("hotline");
    expect(code.disabled).toBe(true);
    expect((screen.getByTestId("setup-code-label-zh") as HTMLInputElement).value).toBe("客服热线");
    fireEvent.click(screen.getByTestId("setup-code-active"));
    fireEvent.click(screen.getByTestId("setup-code-submit"));
    await waitFor(() =>
      expect(core.calls).toContainEqual([
        "codes.save",
        expect.objectContaining({ list: "channel", code: "hotline", active: false, position: 10 }),
      ]),
    );
  });

  it("previews an import, then imports it", async () => {
    core.answer = (name, request) => {
      if (name !== "calendar.import") return answerNormally(name, request);
      const { dry_run } = request as { dry_run: boolean };
      return Promise.resolve({ days: 3, years: [THIS_YEAR + 1], format: "chinese-days", dry_run });
    };
    renderSetup();
    fireEvent.click(await screen.findByTestId("setup-calendar-import"));
    const text = '{"holidays":{"2027-01-01":"New Year\'s Day,元旦,1"}}';
    fireEvent.change(await screen.findByTestId("setup-import-text"), { target: { value: text } });
    fireEvent.click(screen.getByTestId("setup-import-preview"));
    expect((await screen.findByTestId("setup-import-result")).textContent).toBe(
      `将导入 3 天，涉及 ${THIS_YEAR + 1} 年，格式 chinese-days`,
    );
    expect(core.calls).toContainEqual(["calendar.import", { text, dry_run: true }]);
    fireEvent.click(screen.getByTestId("setup-import-submit"));
    await waitFor(() => expect(core.calls).toContainEqual(["calendar.import", { text, dry_run: false }]));
    // The imported year is shown.
    await waitFor(() => expect(core.calls).toContainEqual(["calendar.list", { year: THIS_YEAR + 1 }]));
  });

  it("reads a chosen file into the text and names it to the core", async () => {
    core.answer = (name, request) =>
      name === "calendar.import"
        ? Promise.resolve({ days: 1, years: [2027], format: "csv", dry_run: true })
        : answerNormally(name, request);
    renderSetup();
    fireEvent.click(await screen.findByTestId("setup-calendar-import"));
    const csv = "2027-10-01,休,国庆节,National Day";
    const file = new File([csv], "2027.csv", { type: "text/csv" });
    fireEvent.change(await screen.findByTestId("setup-import-file"), { target: { files: [file] } });
    await waitFor(() => expect((screen.getByTestId("setup-import-text") as HTMLTextAreaElement).value).toBe(csv));
    expect(screen.getByTestId("setup-import-file-name").textContent).toBe("2027.csv");
    fireEvent.click(screen.getByTestId("setup-import-preview"));
    expect((await screen.findByTestId("setup-import-result")).textContent).toBe("将导入 1 天，涉及 2027 年，格式 csv");
    expect(core.calls).toContainEqual(["calendar.import", { text: csv, file_name: "2027.csv", dry_run: true }]);
  });

  it("puts an import's problems under the text", async () => {
    refuse("calendar.import", "text[1].date", "格式不正确（YYYY-MM-DD）");
    renderSetup();
    fireEvent.click(await screen.findByTestId("setup-calendar-import"));
    const csv = "2027-01-01,休,元旦\n2027-13-01,休,错";
    fireEvent.change(await screen.findByTestId("setup-import-text"), { target: { value: csv } });
    fireEvent.click(screen.getByTestId("setup-import-preview"));
    await screen.findByText("第 2 条：格式不正确（YYYY-MM-DD）");
    expect(screen.queryByTestId("setup-import-result")).toBeNull();
  });
});
