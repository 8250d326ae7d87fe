import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App as AntApp } from "antd";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { GeneratedPdf, Permission, ReportView } from "../api";
import { core } from "../test/core";

// The core stands in (../test/core); saving a PDF through the native dialog is recorded.
const saved: [GeneratedPdf, string][] = [];
vi.mock("../api", async (importOriginal) => {
  const real = await importOriginal<typeof import("../api")>();
  return {
    ...(await import("../test/core")).withCore(real),
    documentFiles: {
      save: (pdf: GeneratedPdf, title: string) => {
        saved.push([pdf, title]);
        return Promise.resolve(`/home/li/${pdf.file_name}`);
      },
      print: () => Promise.resolve("/tmp/x.pdf"),
    },
  };
});
const granted = { permissions: new Set<Permission>() };
vi.mock("../session", () => ({
  useSession: () => ({ can: (p: Permission) => granted.permissions.has(p) }),
  useCan: (p: Permission) => granted.permissions.has(p),
}));
// pdf.js draws on canvases, which jsdom has not: count what would be drawn instead.
const drawn = { pages: 0 };
vi.mock("../components/pdfRender", () => ({
  fromBase64: (s: string) => new TextEncoder().encode(s),
  renderPdf: () => {
    drawn.pages += 1;
    return Promise.resolve(1);
  },
}));

const { I18nProvider } = await import("../i18n");
const { OperationError } = await import("../api");
const { Reports } = await import("./Reports");

// "Today" is 14 November 2026 in China: the quarter just ended is the third.
const NOW = new Date("2026-11-14T04:00:00.000Z");

function report(more: Partial<ReportView> = {}): ReportView {
  return {
    id: "r1",
    period: "2026-Q3",
    status: "draft",
    title: "2026年第三季度消费纠纷统计分析报告",
    conclusions: "",
    proposals: "",
    doc_no: null,
    issued_on: null,
    issued_by: null,
    pages: null,
    author: "李法务",
    created_at: "2026-11-14T02:00:00Z",
    updated_at: "2026-11-14T02:00:00Z",
    ...more,
  };
}
const ISSUED = report({
  id: "r0",
  period: "2026-10",
  status: "issued",
  title: "2026年10月消费纠纷统计分析报告",
  conclusions: "十月纠纷总体平稳。",
  proposals: "加强净水器进货检验。",
  doc_no: "纠纷统析〔2026〕2号",
  issued_on: "2026-11-05",
  issued_by: "王经理",
  pages: 18,
});
const pdf = (name: string): GeneratedPdf => ({ file_name: name, title: "t", pages: 18, size: 204_800, data: "JVBERi0=" });

const calls = (name: string) => core.calls.filter(([n]) => n === name).map(([, r]) => r);
const value = (testId: string) => (screen.getByTestId(testId) as HTMLInputElement | HTMLTextAreaElement).value;

function renderPage() {
  render(
    <I18nProvider>
      <AntApp>
        <Reports />
      </AntApp>
    </I18nProvider>,
  );
}

describe("Reports", { timeout: 60_000 }, () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    vi.setSystemTime(NOW);
    core.calls = [];
    saved.length = 0;
    drawn.pages = 0;
    granted.permissions = new Set(["case.view", "bulletin.issue"]);
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("lists drafts and issued reports with their periods, status, number and date", async () => {
    core.answer = (name) => Promise.resolve(name === "reports.list" ? [report(), ISSUED] : null);
    renderPage();
    const draft = await screen.findByTestId("report-row-r1");
    expect(draft.textContent).toContain("2026年第三季度");
    expect(draft.textContent).toContain("2026-Q3");
    expect(draft.textContent).toContain("李法务");
    expect(screen.getByTestId("report-row-status-r1").textContent).toBe("草稿");
    const issued = screen.getByTestId("report-row-r0");
    expect(issued.textContent).toContain("2026年10月");
    expect(screen.getByTestId("report-row-status-r0").textContent).toBe("已印发");
    expect(issued.textContent).toContain("纠纷统析〔2026〕2号");
    expect(issued.textContent).toContain("2026年11月5日 印发");
    expect(screen.getByTestId("reports-new")).toBeTruthy();
  });

  it("drafts the report of the period chosen, previews it, and shows the core's field errors on save", async () => {
    let saves = 0;
    core.answer = (name, request) => {
      switch (name) {
        case "reports.list":
          return Promise.resolve([]);
        case "reports.draft":
          return Promise.resolve(report({ period: (request as { period: string }).period }));
        case "reports.save": {
          saves += 1;
          if (saves === 1) {
            return Promise.reject({
              code: "validation.failed",
              message: "1 项需要更正",
              fields: [{ field: "title", code: "field.required", message: "请填写标题" }],
            });
          }
          const text = request as Pick<ReportView, "title" | "conclusions" | "proposals">;
          return Promise.resolve(report({ ...text, updated_at: "2026-11-14T03:00:00Z" }));
        }
        case "reports.pdf":
          return Promise.resolve(pdf("2026年第三季度消费纠纷统计分析报告（草稿）.pdf"));
        default:
          return Promise.resolve(null);
      }
    };
    renderPage();
    fireEvent.click(await screen.findByTestId("reports-new"));
    // The quarter just ended, at first; a month or the year on request.
    expect((await screen.findByTestId("reports-new-period")).textContent).toBe("2026年第三季度");
    fireEvent.click(within(screen.getByTestId("reports-period-kind")).getByText("月度"));
    expect(screen.getByTestId("reports-new-period").textContent).toBe("2026年9月");
    fireEvent.click(within(screen.getByTestId("reports-period-kind")).getByText("季度"));
    expect(screen.getByTestId("reports-period-picker")).toBeTruthy();
    fireEvent.click(screen.getByTestId("reports-create"));
    await waitFor(() => expect(calls("reports.draft")).toEqual([{ period: "2026-Q3" }]));

    // The draft opens with its title, what the report contains, and its PDF.
    const drawer = await screen.findByTestId("report-drawer");
    expect(value("report-title")).toBe("2026年第三季度消费纠纷统计分析报告");
    expect(within(drawer).getByTestId("report-status").textContent).toBe("草稿");
    expect(within(drawer).getByTestId("report-contents").textContent).toContain("五、热点问题");
    await waitFor(() => expect(drawn.pages).toBe(1));
    expect(calls("reports.pdf")).toEqual([{ id: "r1" }]);
    expect(within(screen.getByTestId("report-preview")).getByTestId("pdf-summary").textContent).toBe("共 18 页 · 200.0 KB");

    fireEvent.change(screen.getByTestId("report-title"), { target: { value: "" } });
    fireEvent.change(screen.getByTestId("report-conclusions"), { target: { value: "三季度纠纷总体上升，净水器问题突出。" } });
    fireEvent.change(screen.getByTestId("report-proposals"), { target: { value: "一、加强进货检验。" } });
    fireEvent.click(screen.getByTestId("report-save"));
    // The core's error appears on the field it names; nothing typed is lost.
    expect(await within(drawer).findByText("请填写标题")).toBeTruthy();
    expect(value("report-conclusions")).toBe("三季度纠纷总体上升，净水器问题突出。");

    fireEvent.change(screen.getByTestId("report-title"), { target: { value: "2026年第三季度消费纠纷统计分析报告" } });
    fireEvent.click(screen.getByTestId("report-save"));
    expect(await screen.findByText("报告已保存")).toBeTruthy();
    expect(calls("reports.save").at(-1)).toEqual({
      id: "r1",
      title: "2026年第三季度消费纠纷统计分析报告",
      conclusions: "三季度纠纷总体上升，净水器问题突出。",
      proposals: "一、加强进货检验。",
    });
    // Saving does not render the PDF again; refreshing saves, then does.
    expect(calls("reports.pdf")).toHaveLength(1);
    fireEvent.change(screen.getByTestId("report-proposals"), { target: { value: "一、加强进货检验。二、回访消费者。" } });
    fireEvent.click(screen.getByTestId("report-refresh"));
    await waitFor(() => expect(calls("reports.pdf")).toHaveLength(2));
    expect(saves).toBe(3);
    expect(calls("reports.save").at(-1)).toMatchObject({ proposals: "一、加强进货检验。二、回访消费者。" });
    await waitFor(() => expect(drawn.pages).toBe(2));
  });

  it("issues a draft after saving it, shows the required fields, then the issued report read-only", async () => {
    let current = report({ conclusions: "总体平稳。" });
    let issues = 0;
    core.answer = (name, request) => {
      switch (name) {
        case "reports.list":
          return Promise.resolve([current]);
        case "reports.get":
          return Promise.resolve(current);
        case "reports.save":
          current = { ...current, ...(request as Pick<ReportView, "title" | "conclusions" | "proposals">) };
          return Promise.resolve(current);
        case "reports.issue":
          issues += 1;
          if (!current.proposals.trim()) {
            return Promise.reject(
              new OperationError({
                code: "validation.failed",
                message: "1 项需要更正",
                fields: [{ field: "proposals", code: "field.required", message: "印发前须填写建议和措施" }],
              }),
            );
          }
          current = { ...current, status: "issued", doc_no: "纠纷统析〔2026〕3号", issued_on: "2026-11-14", issued_by: "李法务", pages: 20 };
          return Promise.resolve(current);
        case "reports.pdf":
          return Promise.resolve(pdf(current.status === "issued" ? "kept.pdf" : "draft.pdf"));
        default:
          return Promise.resolve(null);
      }
    };
    renderPage();
    fireEvent.click(await screen.findByTestId("report-row-r1"));
    await waitFor(() => expect(calls("reports.get")).toEqual([{ id: "r1" }]));
    const drawer = await screen.findByTestId("report-drawer");
    expect(value("report-conclusions")).toBe("总体平稳。");

    fireEvent.click(within(drawer).getByTestId("report-issue"));
    fireEvent.click(await screen.findByTestId("report-issue-confirm"));
    expect(await within(drawer).findByText("印发前须填写建议和措施")).toBeTruthy();
    expect(issues).toBe(1);
    const names = core.calls.map(([n]) => n);
    expect(names.indexOf("reports.save")).toBeLessThan(names.indexOf("reports.issue"));

    fireEvent.change(screen.getByTestId("report-proposals"), { target: { value: "加强培训。" } });
    fireEvent.click(within(drawer).getByTestId("report-issue"));
    const confirms = await screen.findAllByTestId("report-issue-confirm");
    fireEvent.click(confirms.at(-1) as HTMLElement);
    expect(await screen.findByText("已印发：纠纷统析〔2026〕3号")).toBeTruthy();
    expect(calls("reports.save").at(-1)).toMatchObject({ proposals: "加强培训。" });

    // Frozen: its number, no more editing, and the PDF kept when it was issued.
    await waitFor(() => expect(within(drawer).getByTestId("report-status").textContent).toBe("已印发"));
    expect(within(drawer).getByTestId("report-doc-no").textContent).toBe("纠纷统析〔2026〕3号");
    expect((screen.getByTestId("report-proposals") as HTMLTextAreaElement).disabled).toBe(true);
    expect(within(drawer).queryByTestId("report-save")).toBeNull();
    expect(within(drawer).queryByTestId("report-issue")).toBeNull();
    expect(within(drawer).queryByTestId("report-refresh")).toBeNull();
    await waitFor(() => expect(calls("reports.pdf")).toHaveLength(2));
    // The list shows it issued.
    await waitFor(() => expect(screen.getByTestId("report-row-status-r1").textContent).toBe("已印发"));
  });

  it("opens an issued report read-only for those who do not write reports, and saves its PDF", async () => {
    granted.permissions = new Set(["case.view"]);
    core.answer = (name) => {
      switch (name) {
        case "reports.list":
          return Promise.resolve([ISSUED]);
        case "reports.get":
          return Promise.resolve(ISSUED);
        case "reports.pdf":
          return Promise.resolve(pdf("纠纷统析〔2026〕2号-2026年10月消费纠纷统计分析报告.pdf"));
        default:
          return Promise.resolve(null);
      }
    };
    renderPage();
    fireEvent.click(await screen.findByTestId("report-row-r0"));
    const drawer = await screen.findByTestId("report-drawer");
    expect(screen.queryByTestId("reports-new")).toBeNull();
    expect(within(drawer).getByTestId("report-doc-no").textContent).toBe("纠纷统析〔2026〕2号");
    expect(drawer.textContent).toContain("王经理");
    expect(value("report-conclusions")).toBe("十月纠纷总体平稳。");
    expect((screen.getByTestId("report-title") as HTMLInputElement).disabled).toBe(true);
    await waitFor(() => expect(drawn.pages).toBe(1));

    fireEvent.click(within(drawer).getByTestId("report-save-pdf"));
    expect(await screen.findByText("已保存到 /home/li/纠纷统析〔2026〕2号-2026年10月消费纠纷统计分析报告.pdf")).toBeTruthy();
    expect(saved).toHaveLength(1);
    expect(saved[0]?.[1]).toBe("保存 PDF");
    // Nothing to save of an issued report.
    expect(calls("reports.save")).toHaveLength(0);
  });

  it("saves a draft before saving its PDF, and shows what was saved", async () => {
    core.answer = (name, request) => {
      switch (name) {
        case "reports.list":
          return Promise.resolve([report()]);
        case "reports.get":
          return Promise.resolve(report());
        case "reports.save":
          return Promise.resolve(report(request as Partial<ReportView>));
        case "reports.pdf":
          return Promise.resolve(pdf("draft.pdf"));
        default:
          return Promise.resolve(null);
      }
    };
    renderPage();
    fireEvent.click(await screen.findByTestId("report-row-r1"));
    await screen.findByTestId("report-drawer");
    await waitFor(() => expect(drawn.pages).toBe(1));
    fireEvent.change(screen.getByTestId("report-conclusions"), { target: { value: "平稳。" } });
    fireEvent.click(screen.getByTestId("report-save-pdf"));
    expect(await screen.findByText("已保存到 /home/li/draft.pdf")).toBeTruthy();
    expect(calls("reports.save")).toEqual([{ id: "r1", title: report().title, conclusions: "平稳。", proposals: "" }]);
    const names = core.calls.map(([n]) => n);
    expect(names.indexOf("reports.save")).toBeLessThan(names.lastIndexOf("reports.pdf"));
    // The preview shows the PDF saved.
    await waitFor(() => expect(drawn.pages).toBe(2));
    expect(calls("reports.pdf")).toHaveLength(2);
  });
});
