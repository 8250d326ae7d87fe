import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App as AntApp } from "antd";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { ApiError, CodeEntry, Permission, StandardSummary, StandardVersionView, StandardView } from "../../api";
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
const TODAY = "2026-11-20";

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
    const found = Array.from(document.querySelectorAll(`.ant-select-item-option[title="${label}"]`)).at(-1);
    expect(found).toBeDefined();
    return found as HTMLElement;
  });
  fireEvent.click(option);
}

const category = (code: string, label_zh: string, position: number): CodeEntry => ({
  list: "category",
  code,
  label_zh,
  label_en: code,
  definition_zh: "",
  definition_en: "",
  position,
  active: true,
  requires_store: false,
  builtin: true,
});
const CATEGORIES = [category("quality", "产品质量", 1), category("price", "价格收费", 2), category("contract", "合同条款", 3)];

const SUMMARIES: StandardSummary[] = [
  {
    id: "std-repair",
    kind: "service_commitment",
    title: "三包服务承诺",
    categories: ["quality"],
    in_force: 2,
    effective_from: "2026-10-01",
    latest_version: 3,
    latest_status: "draft",
  },
  {
    id: "std-fee",
    kind: "charges",
    title: "上门检测收费标准",
    categories: [],
    in_force: null,
    effective_from: null,
    latest_version: 1,
    latest_status: "draft",
  },
];

function version(n: number, more: Partial<StandardVersionView> = {}): StandardVersionView {
  return {
    version: n,
    status: "approved",
    title: "三包服务承诺",
    body: `第 ${n} 版正文`,
    categories: ["quality"],
    change_note: "",
    drafted_by: "李法务",
    drafted_at: "2026-09-01T02:00:00Z",
    approved_by: "张经理",
    approved_at: "2026-09-02T02:00:00Z",
    effective_from: "2026-09-05",
    in_force: false,
    ...more,
  };
}

/** Three versions: the first approved, the second in force, the third a draft. */
const REPAIR: StandardView = {
  id: "std-repair",
  kind: "service_commitment",
  versions: [
    version(3, {
      status: "draft",
      body: "一、七日内无理由退货。\n二、十五日内可换货。\n三、保修一年（草稿）。",
      categories: ["quality", "contract"],
      change_note: "保修延长至一年",
      approved_by: null,
      approved_at: null,
      effective_from: null,
      drafted_at: "2026-11-18T02:00:00Z",
    }),
    version(2, {
      body: "一、七日内无理由退货。\n二、十五日内可换货。",
      change_note: "增加换货期限",
      effective_from: "2026-10-01",
      in_force: true,
    }),
    version(1, { body: "七日内无理由退货。" }),
  ],
};

/** Only approved versions: the next one is drafted, with a change note. */
const REPAIR_APPROVED: StandardView = { ...REPAIR, versions: REPAIR.versions.slice(1) };

function renderPage() {
  render(
    <I18nProvider>
      <AntApp>
        <CodesProvider initial={{ channels: [], categories: CATEGORIES }}>
          <Supervision onOpenLedger={vi.fn()} />
        </CodesProvider>
      </AntApp>
    </I18nProvider>,
  );
}

async function openStandards() {
  fireEvent.click(await screen.findByTestId("supervision-tab-standards"));
  await waitFor(() => expect(screen.getAllByTestId("standard-row")).toHaveLength(SUMMARIES.length));
}

async function openStandard(id: string) {
  const row = screen.getAllByTestId("standard-row").find((r) => r.getAttribute("data-id") === id) as HTMLElement;
  fireEvent.click(row);
  return screen.findByTestId("standard-shown");
}

describe("Operating standards", { timeout: 120_000 }, () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    vi.setSystemTime(NOW);
    core.calls = [];
    granted.permissions = new Set(["case.view", "supervision.manage", "standard.manage", "standard.approve"]);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("lists the standards with the version in force, and opens one's versions and their text", async () => {
    core.answer = (name, request) => {
      if (name === "standards.list") return Promise.resolve(SUMMARIES);
      if (name === "standards.get" && (request as { id: string }).id === "std-repair") return Promise.resolve(REPAIR);
      return pending();
    };
    renderPage();
    await openStandards();
    expect(calls("standards.list")[0]).toEqual({});

    const [repair, fee] = screen.getAllByTestId("standard-row") as [HTMLElement, HTMLElement];
    expect(repair.textContent).toContain("服务承诺");
    expect(repair.textContent).toContain("三包服务承诺");
    expect(repair.textContent).toContain("产品质量");
    expect(within(repair).getByTestId("standard-in-force").textContent).toBe("第 2 版2026-10-01 起生效");
    expect(within(repair).getByTestId("standard-pending-draft").textContent).toBe("有待批准的草稿");
    expect(fee.textContent).toContain("收费标准");
    expect(fee.textContent).toContain("全部类别");
    expect(within(fee).getByTestId("standard-in-force").textContent).toBe("无生效版本");

    const shown = await openStandard("std-repair");
    expect(calls("standards.get")).toEqual([{ id: "std-repair" }]);
    const detail = screen.getByTestId("standard-detail");
    // Newest first; the one in force shown first, its text with its line breaks.
    expect(within(detail).getAllByRole("listitem").map((e) => e.getAttribute("data-testid"))).toEqual([
      "standard-version-3",
      "standard-version-2",
      "standard-version-1",
    ]);
    expect(within(detail).getByTestId("standard-version-3").textContent).toContain("草稿");
    expect(within(detail).getByTestId("standard-version-2").textContent).toContain("现行");
    expect(within(detail).getByTestId("standard-version-2").textContent).toContain("2026-10-01 起生效");
    expect(within(detail).getByTestId("standard-version-1").textContent).toContain("已批准");
    expect(within(shown).getByTestId("standard-text").textContent).toBe("一、七日内无理由退货。\n二、十五日内可换货。");
    expect(within(shown).getByTestId("standard-text").style.whiteSpace).toBe("pre-wrap");
    expect(within(shown).getByTestId("standard-change-note").textContent).toBe("增加换货期限");
    expect(within(shown).getByTestId("standard-approved").textContent).toContain("张经理");

    // Another version, read.
    fireEvent.click(within(detail).getByTestId("standard-version-3"));
    await waitFor(() => expect(within(detail).getByTestId("standard-text").textContent).toContain("三、保修一年（草稿）。"));
    expect(within(detail).getByTestId("standard-shown").textContent).toContain("草稿尚未批准");
    expect(within(detail).getByTestId("standard-change-note").textContent).toBe("保修延长至一年");
    expect(within(detail).getByTestId("standard-drafted").textContent).toContain("李法务");
    expect(within(detail).getByTestId("standard-approved").textContent).toBe("—");
    expect(within(detail).getByTestId("standard-shown").textContent).toContain("合同条款");
  });

  it("drafts a new standard: sends what was typed, and shows the core's refusal on its field", async () => {
    const saved: StandardView = {
      id: "std-new",
      kind: "charges",
      versions: [
        version(1, {
          status: "draft",
          title: "延保服务收费标准",
          body: "一年延保 99 元。\n两年延保 169 元。",
          categories: ["price"],
          approved_by: null,
          approved_at: null,
          effective_from: null,
        }),
      ],
    };
    let refuse = true;
    core.answer = (name) => {
      switch (name) {
        case "standards.list":
          return Promise.resolve(SUMMARIES);
        case "standards.save":
          if (refuse) {
            refuse = false;
            return Promise.reject(
              refusal("validation.failed", "1 项需要更正", [{ field: "categories[0]", code: "field.unknown_value", message: "类别“价格收费”已停用" }]),
            );
          }
          return Promise.resolve(saved);
        case "standards.get":
          return Promise.resolve(saved);
        default:
          return pending();
      }
    };
    renderPage();
    await openStandards();
    fireEvent.click(screen.getByTestId("standard-new"));
    await screen.findByTestId("standard-title-input");
    // The first version needs no change note.
    expect(screen.getByTestId("standard-change-note-input").closest(".ant-form-item")?.textContent).toContain("选填");

    await pick("standard-kind", "收费标准");
    type("standard-title-input", "  延保服务收费标准 ");
    type("standard-body", "一年延保 99 元。\n两年延保 169 元。\n");
    await pick("standard-categories", "价格收费");
    fireEvent.click(screen.getByTestId("standard-save"));

    await waitFor(() => expect(calls("standards.save")).toHaveLength(1));
    expect(calls("standards.save")[0]).toEqual({
      kind: "charges",
      title: "延保服务收费标准",
      body: "一年延保 99 元。\n两年延保 169 元。",
      categories: ["price"],
      change_note: "",
    });
    // The category's problem lands on the categories field; what was typed stays.
    await waitFor(() => expect(errorsOf("standard-categories")).toEqual(["类别“价格收费”已停用"]));
    expect(value("standard-title-input")).toBe("  延保服务收费标准 ");

    fireEvent.click(screen.getByTestId("standard-save"));
    await waitFor(() => expect(calls("standards.save")).toHaveLength(2));
    // Saved: the list is asked again, and the new standard opens.
    await waitFor(() => expect(calls("standards.list").length).toBeGreaterThanOrEqual(2));
    await waitFor(() => expect(screen.getByTestId("standard-detail-title").textContent).toBe("延保服务收费标准"));
    expect(calls("standards.get")).toEqual([{ id: "std-new" }]);
  });

  it("drafts the next version of an approved standard, a change note required", async () => {
    core.answer = (name) => {
      switch (name) {
        case "standards.list":
          return Promise.resolve(SUMMARIES);
        case "standards.get":
          return Promise.resolve(REPAIR_APPROVED);
        case "standards.save":
          return Promise.reject(refusal("validation.failed", "1 项需要更正", [{ field: "change_note", code: "field.required", message: "修订说明不能只写空格" }]));
        default:
          return pending();
      }
    };
    renderPage();
    await openStandards();
    await openStandard("std-repair");
    expect(screen.queryByTestId("standard-edit-draft")).toBeNull();
    fireEvent.click(screen.getByTestId("standard-revise"));
    await screen.findByTestId("standard-title-input");
    expect(document.querySelector(".ant-modal-title")?.textContent).toBe("修订：三包服务承诺（将生成第 3 版）");
    // It starts from the latest version.
    expect(value("standard-body")).toBe("一、七日内无理由退货。\n二、十五日内可换货。");
    expect(value("standard-change-note-input")).toBe("");

    // Without a change note it is not sent.
    fireEvent.click(screen.getByTestId("standard-save"));
    await waitFor(() => expect(errorsOf("standard-change-note-input")).toEqual(["必填"]));
    expect(calls("standards.save")).toHaveLength(0);

    type("standard-change-note-input", "保修延长");
    fireEvent.click(screen.getByTestId("standard-save"));
    await waitFor(() => expect(calls("standards.save")).toHaveLength(1));
    expect(calls("standards.save")[0]).toEqual({
      id: "std-repair",
      kind: "service_commitment",
      title: "三包服务承诺",
      body: "一、七日内无理由退货。\n二、十五日内可换货。",
      categories: ["quality"],
      change_note: "保修延长",
    });
    await waitFor(() => expect(errorsOf("standard-change-note-input")).toEqual(["修订说明不能只写空格"]));
  });

  it("approves a draft from the day typed", async () => {
    const approved: StandardView = {
      ...REPAIR,
      versions: [
        { ...REPAIR.versions[0]!, status: "approved", approved_by: "张经理", approved_at: NOW.toISOString(), effective_from: "2026-12-01" },
        ...REPAIR.versions.slice(1),
      ],
    };
    core.answer = (name) => {
      switch (name) {
        case "standards.list":
          return Promise.resolve(SUMMARIES);
        case "standards.get":
          return Promise.resolve(calls("standards.approve").length > 0 ? approved : REPAIR);
        case "standards.approve":
          return Promise.resolve(approved);
        default:
          return pending();
      }
    };
    renderPage();
    await openStandards();
    await openStandard("std-repair");
    const detail = screen.getByTestId("standard-detail");
    // Only drafts are approved.
    expect(within(detail).queryByTestId("standard-approve-2")).toBeNull();
    fireEvent.click(within(detail).getByTestId("standard-approve-3"));
    await screen.findByTestId("standard-effective-from");
    expect(value("standard-effective-from")).toBe(TODAY);
    type("standard-effective-from", "2026-12-01");
    fireEvent.click(screen.getByTestId("standard-approve-submit"));

    await waitFor(() => expect(calls("standards.approve")).toEqual([{ id: "std-repair", version: 3, effective_from: "2026-12-01" }]));
    await waitFor(() => expect(within(detail).getByTestId("standard-version-3").textContent).toContain("2026-12-01 起生效"));
    expect(within(detail).getByTestId("standard-version-3").textContent).toContain("已批准");
    expect(within(detail).queryByTestId("standard-approve-3")).toBeNull();
  });

  it("shows those who may not keep the standards no way to change them", async () => {
    granted.permissions = new Set(["case.view", "supervision.manage"]);
    core.answer = (name) => {
      if (name === "standards.list") return Promise.resolve(SUMMARIES);
      if (name === "standards.get") return Promise.resolve(REPAIR);
      return pending();
    };
    renderPage();
    await openStandards();
    expect(screen.queryByTestId("standard-new")).toBeNull();
    await openStandard("std-repair");
    expect(screen.getByTestId("standard-version-3")).toBeTruthy();
    expect(screen.queryByTestId("standard-edit-draft")).toBeNull();
    expect(screen.queryByTestId("standard-revise")).toBeNull();
    expect(screen.queryByTestId("standard-approve-3")).toBeNull();
  });

  it("is a tab for whoever sees cases, and drafting alone gives no approval", async () => {
    granted.permissions = new Set(["case.view", "standard.manage"]);
    core.answer = (name) => {
      if (name === "standards.list") return Promise.resolve(SUMMARIES);
      if (name === "standards.get") return Promise.resolve(REPAIR);
      return pending();
    };
    renderPage();
    await openStandards();
    expect(screen.getByTestId("standard-new")).toBeTruthy();
    await openStandard("std-repair");
    expect(screen.getByTestId("standard-edit-draft")).toBeTruthy();
    expect(screen.queryByTestId("standard-approve-3")).toBeNull();
  });
});
