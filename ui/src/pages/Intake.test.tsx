import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App as AntApp } from "antd";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { CodeEntry, Permission, StandardInForce, StandardsLookupRequest } from "../api";
import { core } from "../test/core";

// The core stands in (../test/core); the session is an agent's, outside a signed-in shell.
vi.mock("../api", async (importOriginal) => (await import("../test/core")).withCore(await importOriginal<typeof import("../api")>()));
vi.mock("../session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../session")>()),
  useSession: () => ({ phase: { kind: "sign-in" }, can: (p: Permission) => p === "case.view" || p === "case.intake" }),
}));

const { I18nProvider } = await import("../i18n");
const { CodesProvider } = await import("../codes");
const { Intake } = await import("./Intake");

const calls = (name: string) => core.calls.filter(([n]) => n === name).map(([, r]) => r);
const value = (testId: string) => (screen.getByTestId(testId) as HTMLInputElement | HTMLTextAreaElement).value;
/** The input of a field (the element itself, or the input inside a wrapper such as a search box). */
const inputOf = (testId: string) => {
  const found = screen.getByTestId(testId);
  return found instanceof HTMLInputElement || found instanceof HTMLTextAreaElement ? found : (found.querySelector("input") as HTMLInputElement);
};
const type = (testId: string, text: string) => fireEvent.change(inputOf(testId), { target: { value: text } });

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

const entry = (list: CodeEntry["list"], code: string, label_zh: string, position: number): CodeEntry => ({
  list,
  code,
  label_zh,
  label_en: code,
  definition_zh: `${label_zh}的定义`,
  definition_en: "",
  position,
  active: true,
  requires_store: false,
  builtin: true,
});
const CODES = {
  channels: [entry("channel", "hotline", "热线电话", 1)],
  categories: [entry("category", "quality", "产品质量", 1), entry("category", "price", "价格收费", 2)],
};

const IN_FORCE: StandardInForce[] = [
  {
    id: "std-repair",
    kind: "service_commitment",
    version: 2,
    title: "三包服务承诺",
    body: "一、七日内无理由退货。\n二、十五日内可换货。",
    categories: ["quality"],
    effective_from: "2026-10-01",
    matches_category: true,
  },
  {
    id: "std-fee",
    kind: "charges",
    version: 1,
    title: "退货运费标准",
    body: "质量问题退货，运费由公司承担。",
    categories: [],
    effective_from: "2026-09-01",
    matches_category: false,
  },
];

function renderPage() {
  render(
    <I18nProvider>
      <AntApp>
        <CodesProvider initial={CODES}>
          <Intake onOpenLedger={vi.fn()} />
        </CodesProvider>
      </AntApp>
    </I18nProvider>,
  );
}

describe("Intake: the operating standards beside the form", { timeout: 120_000 }, () => {
  beforeEach(() => {
    core.calls = [];
    localStorage.clear();
    core.answer = (name) => {
      switch (name) {
        case "org.list":
        case "org.handlers":
          return Promise.resolve([]);
        case "standards.lookup":
          return Promise.resolve(IN_FORCE);
        default:
          return new Promise<never>(() => undefined);
      }
    };
  });

  it("looks the standards up for the chosen category and the words typed, and leaves the form as typed", async () => {
    renderPage();
    type("intake-name", "张三");
    type("intake-mobile", "13800138000");
    type("intake-product", "空气净化器");
    type("intake-content", "购买七天后出现异响，要求退货。");
    await pick("intake-category", "产品质量");
    await waitFor(() => expect(screen.getByTestId("intake-category-definition").textContent).toBe("产品质量的定义"));
    expect(calls("standards.lookup")).toHaveLength(0);

    fireEvent.click(screen.getByTestId("intake-standards"));
    const drawer = await screen.findByTestId("standards-lookup");
    await waitFor(() => expect(calls("standards.lookup")).toEqual([{ category: "quality" }]));
    expect(within(drawer).getByTestId("standards-lookup-hint").textContent).toContain("产品质量");

    type("standards-lookup-query", "  退货 ");
    await waitFor(() =>
      expect(calls("standards.lookup").at(-1)).toEqual({ query: "退货", category: "quality" } satisfies StandardsLookupRequest),
    );

    // The standards answering the category come first, marked so; each shows its version and day.
    const items = await within(drawer).findAllByTestId("standards-lookup-item");
    expect(items.map((i) => i.getAttribute("data-id"))).toEqual(["std-repair", "std-fee"]);
    const [repair, fee] = items as [HTMLElement, HTMLElement];
    expect(within(repair).getByTestId("standards-lookup-match").textContent).toBe("与所选类别相关");
    expect(within(fee).queryByTestId("standards-lookup-match")).toBeNull();
    expect(repair.textContent).toContain("服务承诺");
    expect(repair.textContent).toContain("第 2 版 · 2026-10-01 起生效");
    expect(fee.textContent).toContain("第 1 版 · 2026-09-01 起生效");

    // Opened, a standard shows its whole text with its line breaks.
    fireEvent.click(repair);
    const text = await within(drawer).findByTestId("standards-lookup-text");
    expect(text.textContent).toBe("一、七日内无理由退货。\n二、十五日内可换货。");
    expect(text.style.whiteSpace).toBe("pre-wrap");

    // Closed, the form is as it was typed.
    fireEvent.click(document.querySelector(".ant-drawer-close") as HTMLElement);
    await waitFor(() => expect(document.querySelector(".ant-drawer-open")).toBeNull());
    expect(value("intake-name")).toBe("张三");
    expect(value("intake-mobile")).toBe("13800138000");
    expect(value("intake-product")).toBe("空气净化器");
    expect(value("intake-content")).toBe("购买七天后出现异响，要求退货。");
    expect(screen.getByTestId("intake-category").textContent).toContain("产品质量");
    expect(screen.getByTestId("intake-category-definition").textContent).toBe("产品质量的定义");
    expect(calls("cases.create")).toHaveLength(0);
  });

  it("without a category chosen, asks for the standards in force alone", async () => {
    core.answer = (name) =>
      name === "standards.lookup"
        ? Promise.resolve(IN_FORCE.map((s) => ({ ...s, matches_category: false })))
        : name.startsWith("org.")
          ? Promise.resolve([])
          : new Promise<never>(() => undefined);
    renderPage();
    type("intake-name", "李四");
    fireEvent.click(screen.getByTestId("intake-standards"));
    const drawer = await screen.findByTestId("standards-lookup");
    await waitFor(() => expect(calls("standards.lookup")).toEqual([{}]));
    expect(within(drawer).getByTestId("standards-lookup-hint").textContent).toBe("选择纠纷类别后，相关的规范会排在前面。");
    await waitFor(() => expect(within(drawer).getAllByTestId("standards-lookup-item")).toHaveLength(2));
    expect(within(drawer).queryByTestId("standards-lookup-match")).toBeNull();
    expect(value("intake-name")).toBe("李四");
  });
});
