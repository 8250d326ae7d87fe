import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { App as AntApp } from "antd";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { ApiError, OrgUnitView, VolumeImportRequest, VolumeRow } from "../../api";
import { chinaToday } from "../../components/handling/common";
import { core, type Answer } from "../../test/core";

// A stand-in for the core: every call is recorded and answered by `core.answer`.
vi.mock("../../api", async (original) => (await import("../../test/core")).withCore(await original()));

const { I18nProvider } = await import("../../i18n");
const { Volume } = await import("./Volume");

const YEAR = Number(chinaToday().slice(0, 4));
const month = (m: number) => `${YEAR}-${String(m).padStart(2, "0")}`;

const UNITS: OrgUnitView[] = [
  { id: "u-co", code: "HQ", name: "总公司", kind: "company", parent_id: null, city: null },
  { id: "u-hz", code: "HZ01", name: "杭州分公司", kind: "branch", parent_id: "u-co", city: "杭州" },
  { id: "u-xuhui", code: "SH01", name: "上海徐汇店", kind: "store", parent_id: "u-co", city: "上海" },
  { id: "u-after", code: "AFT", name: "售后服务部", kind: "department", parent_id: "u-co", city: null },
];

const ROWS: VolumeRow[] = [
  { unit_id: "u-hz", unit_code: "HZ01", unit_name: "杭州分公司", month: month(1), orders: 12_000, sales_fen: 345_678 },
  { unit_id: "u-hz", unit_code: "HZ01", unit_name: "杭州分公司", month: month(2), orders: 13_000, sales_fen: null },
];

const answerNormally: Answer = (name, request) => {
  switch (name) {
    case "volume.list":
      return Promise.resolve(ROWS);
    case "org.list":
      return Promise.resolve(UNITS);
    case "volume.set":
      return Promise.resolve({ entries: 2, months: [month(1), month(3)], dry_run: false });
    case "volume.import":
      return Promise.resolve({ entries: 2, months: [`${YEAR}-10`], dry_run: (request as VolumeImportRequest).dry_run ?? false });
    default:
      return new Promise(() => undefined);
  }
};

/** The core refusing `operation` with these field problems, and answering the rest as usual. */
function refuse(operation: string, fields: ApiError["fields"]) {
  const refusal: ApiError = { code: "validation", message: "请检查填写的内容", fields };
  core.answer = (name, request) => (name === operation ? Promise.reject(refusal) : answerNormally(name, request));
}

function renderVolume(mayManage = true, onChanged = vi.fn()) {
  render(
    <I18nProvider>
      <AntApp>
        <Volume mayManage={mayManage} onChanged={onChanged} />
      </AntApp>
    </I18nProvider>,
  );
  return onChanged;
}

const sent = (operation: string) => core.calls.filter(([n]) => n === operation).map(([, r]) => r);
const input = (testId: string) => screen.getByTestId(testId) as HTMLInputElement;
const type = (testId: string, value: string) => fireEvent.change(screen.getByTestId(testId), { target: { value } });
const lists = () => sent("volume.list").length;

describe("Volume", { timeout: 30_000 }, () => {
  beforeEach(() => {
    core.calls = [];
    core.answer = answerNormally;
  });

  it("shows the year's orders to those who do not manage KPIs, without changing them", async () => {
    renderVolume(false);
    const cell = await screen.findByTestId(`volume-cell-HZ01-${month(1)}`);
    expect(cell.tagName).toBe("SPAN");
    expect(cell.textContent).toBe("12,000");
    expect(screen.getByTestId("volume-total-HZ01").textContent).toBe("25,000");
    expect(screen.getByTestId(`volume-sum-${month(2)}`).textContent).toBe("13,000");
    expect(core.calls).toContainEqual(["volume.list", { year: YEAR }]);
    // Only the units with figures; nothing to save or import.
    expect(screen.queryByTestId("volume-row-SH01")).toBeNull();
    expect(screen.queryByTestId("volume-save")).toBeNull();
    expect(screen.queryByTestId("volume-import")).toBeNull();
    expect(screen.getByTestId("volume-readonly")).toBeTruthy();
  });

  it("saves the changed cells only, keeping the sales recorded", async () => {
    const onChanged = renderVolume();
    await waitFor(() => expect(input(`volume-cell-HZ01-${month(1)}`).value).toBe("12,000"));
    // Units that sell are offered for entry.
    expect(input(`volume-cell-SH01-${month(3)}`).value).toBe("");
    expect(screen.queryByTestId("volume-row-AFT")).toBeNull();
    expect((screen.getByTestId("volume-save") as HTMLButtonElement).disabled).toBe(true);

    type(`volume-cell-HZ01-${month(1)}`, "12500");
    type(`volume-cell-SH01-${month(3)}`, "800");
    // Back to what is recorded: no change.
    type(`volume-cell-HZ01-${month(2)}`, "13001");
    type(`volume-cell-HZ01-${month(2)}`, "13000");
    await waitFor(() => expect(screen.getByTestId("volume-changes").textContent).toBe("已修改 2 处，尚未保存"));
    expect(screen.getByTestId("volume-total-SH01").textContent).toBe("800");
    fireEvent.click(screen.getByTestId("volume-save"));
    await waitFor(() =>
      expect(sent("volume.set")).toEqual([
        {
          entries: [
            { unit: "u-hz", month: month(1), orders: 12_500, sales_fen: 345_678 },
            { unit: "u-xuhui", month: month(3), orders: 800 },
          ],
        },
      ]),
    );
    await waitFor(() => expect(onChanged).toHaveBeenCalledTimes(1));
    // The list is asked again once the change has rendered, which may come after onChanged.
    await waitFor(() => expect(lists()).toBe(2));
    await waitFor(() => expect(screen.queryByTestId("volume-changes")).toBeNull());
  });

  it("names the cells the core refuses", async () => {
    refuse("volume.set", [{ field: "entries[0].orders", code: "field.out_of_range", message: "应在 0 到 1000000000000 之间" }]);
    renderVolume();
    await waitFor(() => expect(input(`volume-cell-SH01-${month(4)}`)).toBeTruthy());
    type(`volume-cell-SH01-${month(4)}`, "7");
    fireEvent.click(screen.getByTestId("volume-save"));
    const errors = await screen.findByTestId("volume-errors");
    expect(errors.textContent).toContain(`上海徐汇店 ${month(4)}：须为不小于 0 的整数`);
    expect(input(`volume-cell-SH01-${month(4)}`).closest(".ant-input-number")?.className).toContain("status-error");
    // Still there to correct.
    expect(screen.getByTestId("volume-changes").textContent).toBe("已修改 1 处，尚未保存");
  });

  it("checks an import first, then imports it and shows the year again", async () => {
    const onChanged = renderVolume();
    fireEvent.click(await screen.findByTestId("volume-import"));
    const csv = `单位,月份,订单数,销售额\nHZ01,${YEAR}-10,12000,3456.78\nSH01,${YEAR}-10,800,`;
    type("volume-import-text", csv);
    // Nothing imported before it was checked.
    expect((screen.getByTestId("volume-import-submit") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId("volume-import-preview"));
    expect((await screen.findByTestId("volume-import-result")).textContent).toBe(`预检通过：将导入 2 条，涉及 ${YEAR}-10`);
    expect(sent("volume.import")).toEqual([{ text: csv, dry_run: true }]);
    expect(lists()).toBe(1);

    fireEvent.click(screen.getByTestId("volume-import-submit"));
    await waitFor(() => expect(sent("volume.import")).toEqual([{ text: csv, dry_run: true }, { text: csv, dry_run: false }]));
    await waitFor(() => expect(lists()).toBe(2));
    expect(onChanged).toHaveBeenCalledTimes(1);
  });

  it("reads a chosen file, and puts the problems of its lines under the text", async () => {
    refuse("volume.import", [
      { field: "text[3].orders", code: "field.invalid", message: "格式不正确（a whole number）" },
      { field: "text[4].unit", code: "field.unknown_value", message: "不可选的值“XX01”" },
    ]);
    renderVolume();
    fireEvent.click(await screen.findByTestId("volume-import"));
    const csv = `unit,month,orders\nHZ01,${YEAR}-10,1\nSH01,${YEAR}-10,many\nXX01,${YEAR}-10,5`;
    const file = new File([csv], "orders.csv", { type: "text/csv" });
    fireEvent.change(await screen.findByTestId("volume-import-file"), { target: { files: [file] } });
    await waitFor(() => expect((screen.getByTestId("volume-import-text") as HTMLTextAreaElement).value).toBe(csv));
    expect(screen.getByTestId("volume-import-file-name").textContent).toBe("orders.csv");
    fireEvent.click(screen.getByTestId("volume-import-preview"));
    await screen.findByText("第 3 行 订单数：须为不小于 0 的整数");
    expect(screen.getByText("第 4 行 单位：不可选的值“XX01”")).toBeTruthy();
    expect(sent("volume.import")).toEqual([{ text: csv, file_name: "orders.csv", dry_run: true }]);
    expect(screen.queryByTestId("volume-import-result")).toBeNull();
    expect((screen.getByTestId("volume-import-submit") as HTMLButtonElement).disabled).toBe(true);
  });
});
