import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App as AntApp } from "antd";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type {
  ImportBatchView,
  ImportInspection,
  ImportPreview,
  ImportPreviewRequest,
  ImportReport,
  ImportRunRequest,
} from "../api";
import { core } from "../test/core";

// A stand-in for the core (../test/core) and the shell's dialogs.
const shell = { picked: "/home/agent/投诉台账2024.csv", texts: [] as [string, string, string][] };
vi.mock("../api", async (original) => ({
  ...(await import("../test/core")).withCore(await original()),
  dialogs: {
    pickSpreadsheet: () => Promise.resolve(shell.picked),
    saveText: (title: string, fileName: string, text: string) => {
      shell.texts.push([title, fileName, text]);
      return Promise.resolve(`/home/agent/${fileName}`);
    },
  },
}));

const { I18nProvider } = await import("../i18n");
const { Imports } = await import("./Imports");
const { CodesProvider } = await import("../codes");

const entry = (list: "channel" | "category", code: string, label_zh: string) => ({
  list,
  code,
  label_zh,
  label_en: code,
  definition_zh: "",
  definition_en: "",
  position: 10,
  active: true,
  requires_store: false,
  builtin: true,
});
const LISTS = {
  channels: [entry("channel", "hotline", "客服热线"), entry("channel", "other", "其他")],
  categories: [entry("category", "product_quality", "产品质量"), entry("category", "other", "其他")],
};

const HEADERS = ["投诉编号", "受理时间", "渠道", "商品", "投诉内容", "状态"];
const INSPECTION: ImportInspection = {
  file_name: "投诉台账2024.csv",
  encoding: "gb18030",
  sheets: [],
  headers: HEADERS,
  sample: [
    ["TS-001", "2024-03-01 09:30", "热线", "燃气热水器", "热水器漏水", "已办结"],
    ["TS-002", "2024/13/45", "热线", "空调", "制冷差", "处理中"],
    ["TS-003", "2024-03-02", "门店", "冰箱", "噪音大", "已办结"],
  ],
  rows: 1200,
  mapping: {
    source: "投诉台账2024",
    encoding: "auto",
    fields: {
      received_at: { column: "受理时间", values: {} },
      channel: { column: "渠道", values: {} },
      product_name: { column: "商品", values: {} },
      content: { column: "投诉内容", values: {} },
      category: { value: "other", values: {} },
      status: { column: "状态", values: {} },
    },
  },
  saved: null,
};

const REJECTED = [
  { row: 3, column: "受理时间", reason: "无法识别的日期「2024/13/45」" },
  { row: 9, column: "渠道", reason: "渠道「微博」不在渠道列表中，请在值对照中指定" },
];

const PREVIEW: ImportPreview = {
  report: {
    batch_id: null,
    file_name: "投诉台账2024.csv",
    encoding: "gb18030",
    rows: 1200,
    imported: 1100,
    duplicates: 60,
    rejected: REJECTED,
    rejected_rows: 40,
    cancelled: false,
    imported_rows: [],
    dry_run: true,
  },
  rows: [
    {
      row: 2,
      values: { received_at: "2024-03-01 09:30", channel: "hotline", product_name: "燃气热水器", content: "热水器漏水", category: "other", status: "closed" },
      problems: [],
      duplicate: false,
    },
    {
      row: 3,
      values: { channel: "hotline", product_name: "空调", content: "制冷差", category: "other", status: "received" },
      problems: [REJECTED[0]!],
      duplicate: false,
    },
  ],
};

const REPORT: ImportReport = {
  ...PREVIEW.report,
  batch_id: "batch-1",
  imported: 500,
  duplicates: 20,
  rejected_rows: 2,
  cancelled: true,
  imported_rows: [
    [2, 2],
    [4, 504],
  ],
  dry_run: false,
};

const BATCH: ImportBatchView = {
  id: "batch-0",
  source: "投诉台账2023",
  file_name: "投诉台账2023.xlsx",
  rows: 800,
  started_at: "2026-11-01T02:00:00Z",
  started_by: "系统管理员",
  status: "done",
  finished_at: "2026-11-01T02:01:00Z",
  cases: 790,
  duplicates: 0,
  rejected: 10,
};

const sent = (operation: string) => core.calls.filter(([n]) => n === operation).map(([, r]) => r);

/** Adds an option to a select: type to filter, Enter. */
async function pick(testId: string, text: string) {
  const input = screen.getByTestId(testId).querySelector("input") as HTMLInputElement;
  fireEvent.mouseDown(input);
  fireEvent.change(input, { target: { value: text } });
  await waitFor(() => expect(document.querySelector(".ant-select-item-option-active")).not.toBeNull());
  fireEvent.keyDown(input, { key: "Enter", code: "Enter", keyCode: 13 });
  await waitFor(() => expect(screen.getByTestId(testId).textContent).toContain(text));
  fireEvent.blur(input);
}

describe("Imports", { timeout: 45_000 }, () => {
  beforeEach(() => {
    core.calls = [];
    shell.texts = [];
  });

  it("goes from a file through mapping and preview to an import, cancelled part way", async () => {
    let finish: (r: ImportReport) => void = () => undefined;
    core.answer = (name) => {
      switch (name) {
        case "imports.batches":
          return Promise.resolve(core.calls.some(([n]) => n === "imports.run") ? [{ ...BATCH, id: "batch-1" }, BATCH] : [BATCH]);
        case "imports.mappings":
          return Promise.resolve([]);
        case "imports.inspect":
          return Promise.resolve(INSPECTION);
        case "imports.preview":
          return Promise.resolve(PREVIEW);
        case "imports.mapping_save":
          return Promise.resolve([]);
        case "imports.run":
          return new Promise((resolve) => (finish = resolve));
        case "jobs.status":
          return Promise.resolve({ done: 500, total: 1200, cancelling: false });
        case "jobs.cancel":
          return Promise.resolve(true);
        default:
          return Promise.resolve(null);
      }
    };
    const onOpenBatch = vi.fn();
    render(
      <I18nProvider>
        <CodesProvider initial={LISTS}>
          <AntApp>
            <Imports onOpenBatch={onOpenBatch} />
          </AntApp>
        </CodesProvider>
      </I18nProvider>,
    );
    // The history of past imports.
    await within(await screen.findByTestId("import-history")).findByText("投诉台账2023.xlsx");

    // 1. The file: how it was read, and its first rows as they are.
    fireEvent.click(screen.getByTestId("import-pick"));
    await waitFor(() => expect(screen.getByTestId("import-detected-encoding").textContent).toBe("gb18030"));
    expect(sent("imports.inspect")).toEqual([{ path: "/home/agent/投诉台账2024.csv", encoding: "auto" }]);
    expect((screen.getByTestId("import-path") as HTMLInputElement).value).toBe("/home/agent/投诉台账2024.csv");
    expect(screen.getByTestId("import-rows").textContent).toBe("1,200 行（不含表头）");
    expect(within(screen.getByTestId("import-sample")).getByText("2024/13/45")).toBeTruthy();

    // 2. The mapping: an identifying column, and the file's statuses mapped to the app's.
    fireEvent.click(screen.getByTestId("import-next"));
    await screen.findByTestId("import-mapping");
    await pick("import-external-id", "投诉编号");
    const statuses = screen.getByTestId("map-status-values");
    expect(within(statuses).getAllByText(/已办结|处理中/).map((e) => e.textContent)).toEqual(["已办结", "处理中"]);
    await pick("map-status-value-0", "已结案");
    await pick("map-status-value-1", "调查核实");

    // 3. The preview: what would happen, the converted rows, every rejected row.
    fireEvent.click(screen.getByTestId("import-preview"));
    await screen.findByTestId("import-preview-step");
    const request = sent("imports.preview")[0] as ImportPreviewRequest;
    expect(request.path).toBe("/home/agent/投诉台账2024.csv");
    expect(request.mapping).toEqual({
      source: "投诉台账2024",
      encoding: "auto",
      date_formats: [],
      external_id: ["投诉编号"],
      fields: {
        received_at: { column: "受理时间", values: {} },
        channel: { column: "渠道", values: {} },
        product_name: { column: "商品", values: {} },
        content: { column: "投诉内容", values: {} },
        category: { value: "other", values: {} },
        status: { column: "状态", values: { 已办结: "closed", 处理中: "investigating" } },
      },
    });
    expect(screen.getByTestId("import-will-rows").textContent).toBe("1,200");
    expect(screen.getByTestId("import-will-import").textContent).toBe("1,100");
    expect(screen.getByTestId("import-will-import").getAttribute("data-value")).toBe("1100");
    expect(screen.getByTestId("import-will-duplicate").textContent).toBe("60");
    expect(screen.getByTestId("import-will-reject").textContent).toBe("40");
    // The bad cell is marked; the rows show labels, not codes.
    expect(screen.getByTestId("preview-bad-3-received_at")).toBeTruthy();
    expect(within(screen.getByTestId("import-preview-rows")).getAllByText("已结案").length).toBe(1);
    const rejected = screen.getByTestId("import-preview-rejected");
    expect(within(rejected).getByText("无法识别的日期「2024/13/45」")).toBeTruthy();
    expect(within(rejected).getByText("渠道「微博」不在渠道列表中，请在值对照中指定")).toBeTruthy();

    fireEvent.click(screen.getByTestId("import-save-mapping"));
    await waitFor(() => expect(sent("imports.mapping_save")).toEqual([{ mapping: request.mapping }]));

    // 4. The import: progress, cancel, and what went in.
    fireEvent.click(screen.getByTestId("import-run"));
    fireEvent.click(await screen.findByTestId("import-run-ok"));
    await waitFor(() => expect(sent("imports.run")).toHaveLength(1));
    const run = sent("imports.run")[0] as ImportRunRequest;
    expect(run).toEqual({ path: request.path, mapping: request.mapping, dry_run: false, job_id: expect.any(String) });
    await waitFor(() => expect(screen.getByTestId("import-progress-text").textContent).toBe("已处理 500 / 1,200"));
    fireEvent.click(screen.getByTestId("import-progress-cancel"));
    await waitFor(() => expect(sent("jobs.cancel")).toEqual([{ job_id: run.job_id }]));
    finish(REPORT);

    const note = await screen.findByTestId("import-cancelled");
    expect(note.textContent).toContain("第 2 行、第 4–504 行");
    expect(screen.getByTestId("import-imported").textContent).toBe("500");
    expect(screen.getByTestId("import-duplicates").textContent).toBe("20");
    expect(screen.getByTestId("import-rejected").textContent).toBe("2");
    expect(within(screen.getByTestId("import-rejected-rows")).getByText("无法识别的日期「2024/13/45」")).toBeTruthy();

    fireEvent.click(screen.getByTestId("import-error-file"));
    await waitFor(() => expect(shell.texts).toHaveLength(1));
    expect(shell.texts[0]).toEqual([
      "保存错误文件",
      "投诉台账2024-导入错误.csv",
      "行号,列,原因\r\n3,受理时间,无法识别的日期「2024/13/45」\r\n9,渠道,渠道「微博」不在渠道列表中，请在值对照中指定\r\n",
    ]);

    fireEvent.click(screen.getByTestId("import-open-ledger"));
    expect(onOpenBatch).toHaveBeenCalledWith("batch-1");
    // The history now lists the new batch.
    await waitFor(() => expect(screen.getByTestId("import-history-view-batch-1")).toBeTruthy());
    expect(screen.getByTestId("import-history-row-batch-0")).toBeTruthy();
  });

  it("reads a file whose path was pasted, quotes and all, without the dialog", async () => {
    core.answer = (name, request) => {
      switch (name) {
        case "imports.batches":
        case "imports.mappings":
          return Promise.resolve([]);
        case "imports.inspect":
          return (request as { path: string }).path.endsWith("不存在.csv")
            ? Promise.reject({ code: "import.unreadable", message: "无法打开文件：找不到指定的文件", fields: [] })
            : Promise.resolve(INSPECTION);
        case "imports.preview":
          return Promise.resolve(PREVIEW);
        default:
          return Promise.resolve(null);
      }
    };
    render(
      <I18nProvider>
        <CodesProvider initial={LISTS}>
          <AntApp>
            <Imports onOpenBatch={() => undefined} />
          </AntApp>
        </CodesProvider>
      </I18nProvider>,
    );
    const input = screen.getByTestId("import-path") as HTMLInputElement;
    const read = screen.getByTestId("import-read") as HTMLButtonElement;
    expect(read.disabled).toBe(true);

    // A path the core cannot open: its message, and no way on.
    fireEvent.change(input, { target: { value: "D:\\台账\\不存在.csv" } });
    fireEvent.click(read);
    await screen.findByText("无法打开文件：找不到指定的文件");
    expect((screen.getByTestId("import-next") as HTMLButtonElement).disabled).toBe(true);

    // As Explorer's "Copy as path" gives it; Enter reads it too.
    fireEvent.change(input, { target: { value: '  "D:\\台账\\投诉台账2024.csv"  ' } });
    fireEvent.keyDown(input, { key: "Enter", code: "Enter", keyCode: 13 });
    await waitFor(() => expect(screen.getByTestId("import-detected-encoding").textContent).toBe("gb18030"));
    expect(sent("imports.inspect")).toEqual([
      { path: "D:\\台账\\不存在.csv", encoding: "auto" },
      { path: "D:\\台账\\投诉台账2024.csv", encoding: "auto" },
    ]);
    expect(input.value).toBe("D:\\台账\\投诉台账2024.csv");

    // The later steps use the file read.
    fireEvent.click(screen.getByTestId("import-next"));
    await screen.findByTestId("import-mapping");
    fireEvent.click(screen.getByTestId("import-preview"));
    await screen.findByTestId("import-preview-step");
    expect((sent("imports.preview")[0] as ImportPreviewRequest).path).toBe("D:\\台账\\投诉台账2024.csv");
  });
});
