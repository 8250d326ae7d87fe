import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { App as AntApp } from "antd";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { CaseRow, CasesListRequest } from "../api";
import { core } from "../test/core";

// A stand-in for the core: every call is recorded and answered by `core.answer`.
vi.mock("../api", async (original) => (await import("../test/core")).withCore(await original()));

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
  channels: [entry("channel", "hotline", "客服热线", "Hotline")],
  categories: [entry("category", "product_quality", "产品质量", "Product quality")],
};

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

function renderLedger(onDataChanged = vi.fn()) {
  return render(
    <I18nProvider>
      <CodesProvider initial={LISTS}>
        <AntApp>
          <Ledger onDataChanged={onDataChanged} canLoadDemo canHandle={false} />
        </AntApp>
      </CodesProvider>
    </I18nProvider>,
  );
}

describe("Ledger", () => {
  beforeEach(() => {
    core.calls = [];
  });

  it("asks the core for the first page, newest first, and shows its rows in Chinese", async () => {
    core.answer = () => Promise.resolve({ total: 2, offset: 0, items: [row(2), row(1)] });
    renderLedger();
    await screen.findByText("2026-HQ-000002");
    expect(core.calls[0]).toEqual(["cases.list", { offset: 0, limit: 50, sort_by: "received_at", sort_dir: "desc" }]);
    expect(screen.getAllByText("客服热线").length).toBe(2);
    expect(screen.getAllByText("调查核实").length).toBeGreaterThan(0);
    expect(screen.getAllByText("超期").length).toBe(2);
    expect(screen.getByTestId("ledger-total").textContent).toBe("共 2 件");
  });

  it("opens a case from its number, which the keyboard reaches as a button", async () => {
    core.answer = (name) =>
      name === "cases.list"
        ? Promise.resolve({ total: 1, offset: 0, items: [row(7)] })
        : new Promise(() => undefined); // the case page may take its time
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
});
