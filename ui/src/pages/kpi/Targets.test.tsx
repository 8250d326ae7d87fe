import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App as AntApp } from "antd";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { ApiError, KpiTargetRow, OrgUnitView } from "../../api";
import { core, type Answer } from "../../test/core";

// A stand-in for the core: every call is recorded and answered by `core.answer`.
vi.mock("../../api", async (original) => (await import("../../test/core")).withCore(await original()));

const { I18nProvider } = await import("../../i18n");
const { Targets } = await import("./Targets");

const UNITS: OrgUnitView[] = [
  { id: "u-co", code: "HQ", name: "总公司", kind: "company", parent_id: null, city: null },
  { id: "u-after", code: "AFT", name: "售后服务部", kind: "department", parent_id: "u-co", city: null },
  { id: "u-xuhui", code: "SH01", name: "上海徐汇店", kind: "store", parent_id: "u-co", city: "上海" },
];

const TARGETS: KpiTargetRow[] = [
  { unit_id: null, staff: false, unit_name: null, period: "2026", kpi: "on_time_rate", goal: 95, limit: 90, updated_by: "李娜" },
  { unit_id: "u-after", staff: false, unit_name: "售后服务部", period: "2026-Q2", kpi: "mean_handling_days", goal: 5, limit: 8, updated_by: "李娜" },
];

const answerNormally: Answer = (name) => {
  switch (name) {
    case "kpi.targets":
    case "kpi.target_set":
      return Promise.resolve(TARGETS);
    case "org.list":
      return Promise.resolve(UNITS);
    default:
      return new Promise(() => undefined);
  }
};

/** The core refusing to set a target with these field problems. */
function refuse(fields: ApiError["fields"]) {
  const refusal: ApiError = { code: "validation", message: "请检查填写的内容", fields };
  core.answer = (name, request) => (name === "kpi.target_set" ? Promise.reject(refusal) : answerNormally(name, request));
}

function renderTargets(mayManage = true, onChanged = vi.fn()) {
  render(
    <I18nProvider>
      <AntApp>
        <Targets period="2026-Q2" mayManage={mayManage} onChanged={onChanged} />
      </AntApp>
    </I18nProvider>,
  );
  return onChanged;
}

const sent = (operation: string) => core.calls.filter(([n]) => n === operation).map(([, r]) => r);
const type = (testId: string, value: string) => fireEvent.change(screen.getByTestId(testId), { target: { value } });
/** The error messages shown under a field. */
const errorsOf = (testId: string) =>
  Array.from(
    (screen.getByTestId(testId).closest(".ant-form-item") as HTMLElement).querySelectorAll(".ant-form-item-explain-error"),
  ).map((e) => e.textContent);

describe("Targets", { timeout: 30_000 }, () => {
  beforeEach(() => {
    core.calls = [];
    core.answer = answerNormally;
  });

  it("lists the targets that apply to the period, with the hint on which way the limit goes", async () => {
    renderTargets();
    const company = await screen.findByTestId("kpi-target-company-2026-on_time_rate");
    expect(company.textContent).toContain("全公司");
    expect(company.textContent).toContain("处理及时率");
    expect(company.textContent).toContain("95%");
    expect(company.textContent).toContain("90%");
    const unit = screen.getByTestId("kpi-target-u-after-2026-Q2-mean_handling_days");
    expect(unit.textContent).toContain("售后服务部");
    expect(unit.textContent).toContain("5 个工作日");
    expect(core.calls).toContainEqual(["kpi.targets", { period: "2026-Q2" }]);
    expect(screen.getByTestId("kpi-target-hint").textContent).toContain("越高越好的指标");
    expect(screen.getByTestId("kpi-target-hint").textContent).toContain("警戒值须 ≥ 目标值");
  });

  it("shows the core's field errors on the form, then saves", async () => {
    const onChanged = renderTargets();
    fireEvent.click(await screen.findByTestId("kpi-target-add"));
    // For the period shown, the whole company, the on-time rate.
    await waitFor(() => expect((screen.getByTestId("kpi-target-period") as HTMLInputElement).value).toBe("2026-Q2"));
    expect(screen.getByTestId("kpi-target-unit").textContent).toContain("全公司");
    expect(screen.getByTestId("kpi-target-kpi").textContent).toContain("处理及时率");
    refuse([
      { field: "goal", code: "field.out_of_range", message: "应在 0 到 100 之间" },
      { field: "limit", code: "field.invalid", message: "格式不正确（limit <= goal）" },
    ]);
    type("kpi-target-goal", "120");
    type("kpi-target-limit", "96");
    fireEvent.click(screen.getByTestId("kpi-target-submit"));
    await waitFor(() => expect(errorsOf("kpi-target-goal")).toEqual(["应在 0 到 100 之间"]));
    // The core's words for a limit on the wrong side, said plainly.
    expect(errorsOf("kpi-target-limit")).toEqual(["越高越好：警戒值须 ≤ 目标值"]);
    expect(sent("kpi.target_set")).toEqual([{ period: "2026-Q2", kpi: "on_time_rate", goal: 120, limit: 96 }]);
    expect(onChanged).not.toHaveBeenCalled();

    core.answer = answerNormally;
    type("kpi-target-goal", "95");
    type("kpi-target-limit", "90");
    fireEvent.click(screen.getByTestId("kpi-target-submit"));
    await waitFor(() => expect(sent("kpi.target_set")).toHaveLength(2));
    expect(sent("kpi.target_set")[1]).toEqual({ period: "2026-Q2", kpi: "on_time_rate", goal: 95, limit: 90 });
    await waitFor(() => expect(onChanged).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(sent("kpi.targets")).toHaveLength(2));
  });

  it("edits a unit's target and removes one", async () => {
    const onChanged = renderTargets();
    fireEvent.click(await screen.findByTestId("kpi-target-edit-u-after-2026-Q2-mean_handling_days"));
    await waitFor(() => expect((screen.getByTestId("kpi-target-goal") as HTMLInputElement).value).toBe("5"));
    expect(screen.getByTestId("kpi-target-limit").closest(".ant-form-item")?.textContent).toContain("越低越好：警戒值须 ≥ 目标值");
    type("kpi-target-limit", "10");
    fireEvent.click(screen.getByTestId("kpi-target-submit"));
    await waitFor(() =>
      expect(sent("kpi.target_set")).toEqual([
        { unit_id: "u-after", period: "2026-Q2", kpi: "mean_handling_days", goal: 5, limit: 10 },
      ]),
    );

    fireEvent.click(screen.getByTestId("kpi-target-remove-company-2026-on_time_rate"));
    fireEvent.click(await screen.findByTestId("kpi-target-remove-confirm"));
    await waitFor(() => expect(sent("kpi.target_set")).toHaveLength(2));
    // Neither goal nor limit: removed.
    expect(sent("kpi.target_set")[1]).toEqual({ period: "2026", kpi: "on_time_rate" });
    await waitFor(() => expect(onChanged).toHaveBeenCalledTimes(2));
  });

  it("only lists them to those who do not manage KPIs", async () => {
    renderTargets(false);
    const row = await screen.findByTestId("kpi-target-company-2026-on_time_rate");
    expect(within(row).queryByRole("button", { name: "修改" })).toBeNull();
    expect(screen.queryByTestId("kpi-target-add")).toBeNull();
    expect(screen.getByTestId("kpi-target-readonly")).toBeTruthy();
  });

  it("sets a target for a unit (the company itself is the whole company)", async () => {
    renderTargets();
    fireEvent.click(await screen.findByTestId("kpi-target-add"));
    const unit = await screen.findByTestId("kpi-target-unit");
    fireEvent.mouseDown(unit.querySelector("input") as HTMLInputElement);
    const option = await waitFor(() => {
      const found = document.querySelector('.ant-select-item-option[title="上海徐汇店（门店）"]');
      expect(found).not.toBeNull();
      return found as HTMLElement;
    });
    expect(document.querySelector('.ant-select-item-option[title="总公司（公司）"]')).toBeNull();
    fireEvent.click(option);
    type("kpi-target-period", "2026-05");
    type("kpi-target-goal", "98");
    type("kpi-target-limit", "92");
    fireEvent.click(screen.getByTestId("kpi-target-submit"));
    await waitFor(() =>
      expect(sent("kpi.target_set")).toEqual([{ unit_id: "u-xuhui", period: "2026-05", kpi: "on_time_rate", goal: 98, limit: 92 }]),
    );
  });
});
