import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App as AntApp } from "antd";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { BulletinContent, BulletinView, CaseRow } from "../api";
import { core } from "../test/core";

vi.mock("../api", async (original) => (await import("../test/core")).withCore(await original()));
vi.mock("../session", () => ({ useSession: () => ({ can: () => true }), useCan: () => true }));
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
const { Bulletins } = await import("./Bulletins");

function row(id: string, caseNo: string): CaseRow {
  return {
    id,
    case_no: caseNo,
    received_at: "2026-11-02T02:00:00Z",
    channel: "hotline",
    consumer_name: "王某",
    product_name: "燃气热水器",
    category: "product_quality",
    severity: "general",
    department: "售后服务部",
    store: null,
    status: "closed",
    handler: "陈静",
    due_at: null,
    overdue: false,
    at_risk: false,
    paused_reason: null,
    ack_due_at: null,
    ack_overdue: false,
    satisfaction: "satisfied",
    result: "更换热水器",
  };
}

const CONTENT: BulletinContent = {
  title: "关于典型消费纠纷案例的通报",
  addressee: "各分公司、各部门、各门店：",
  intro: "现将近期二起典型消费纠纷案例通报如下。",
  cases: [
    {
      case_id: "c2",
      case_no: "2026-HQ-000002",
      heading: "燃气热水器质量纠纷",
      summary: "2026年11月2日，消费者王某通过热线反映热水器漏水。",
      cause: "经调查，纠纷的主要原因为商品质量缺陷。",
      handling: "更换热水器。",
      lessons: "加强进货检验。",
    },
    {
      case_id: "c1",
      case_no: "2026-HQ-000001",
      heading: "安装服务纠纷",
      summary: "消费者李某反映安装师傅迟到。",
      cause: "排班不当。",
      handling: "赔礼道歉。",
      lessons: "加强排班管理。",
    },
  ],
  closing: "请各单位引以为戒。",
  copy_to: [],
  masking: { names: true, phones: true, addresses: true, id_numbers: true },
};

function view(content: BulletinContent, status: "draft" | "issued" = "draft", docNo: string | null = null): BulletinView {
  return {
    summary: {
      id: "b1",
      status,
      title: content.title,
      case_count: content.cases.length,
      doc_no: docNo,
      issued_on: docNo ? "2026-11-28" : null,
      issued_by: docNo ? "王经理" : null,
      author: "李法务",
      created_at: "2026-11-28T02:00:00Z",
      updated_at: "2026-11-28T02:00:00Z",
      pdf_size: null,
    },
    content,
    preview: content,
  };
}

function renderPage() {
  render(
    <I18nProvider>
      <AntApp>
        <Bulletins />
      </AntApp>
    </I18nProvider>,
  );
}

describe("Bulletins", () => {
  beforeEach(() => {
    core.calls = [];
    drawn.pages = 0;
  });

  it("drafts a bulletin from chosen cases in the order ticked, saves edits and shows the core's field errors", async () => {
    let saves = 0;
    core.answer = (name, request) => {
      if (name === "bulletins.list") return Promise.resolve([]);
      if (name === "cases.list") return Promise.resolve({ total: 2, offset: 0, items: [row("c1", "2026-HQ-000001"), row("c2", "2026-HQ-000002")] });
      if (name === "bulletins.draft") return Promise.resolve(view(CONTENT));
      if (name === "bulletins.save") {
        saves += 1;
        if (saves === 1) {
          return Promise.reject({
            code: "validation.failed",
            message: "1 项需要更正",
            fields: [{ field: "cases[1].summary", code: "field.required", message: "必填" }],
          });
        }
        return Promise.resolve(view((request as { content: BulletinContent }).content));
      }
      if (name === "bulletins.pdf") return Promise.resolve({ file_name: "a.pdf", title: "t", pages: 3, size: 90_000, data: "JVBERi0=" });
      return Promise.resolve(null);
    };
    renderPage();
    fireEvent.click(await screen.findByTestId("bulletin-new"));
    const table = await screen.findByTestId("bulletin-pick-table");
    await within(table).findByText("2026-HQ-000002");
    // The typical-only filter is on, and closed cases are asked for.
    expect(core.calls).toContainEqual(["cases.list", expect.objectContaining({ status: "closed", typical: true })]);
    const boxes = within(table).getAllByRole("checkbox");
    // [select all, c1, c2]: tick c2 first, then c1.
    const [, first, second] = boxes;
    if (!first || !second) throw new Error("a checkbox per case");
    fireEvent.click(second);
    fireEvent.click(first);
    fireEvent.click(screen.getByTestId("bulletin-pick-ok"));
    await waitFor(() => expect(core.calls).toContainEqual(["bulletins.draft", { cases: ["c2", "c1"] }]));

    const editor = await screen.findByTestId("bulletin-editor");
    const lessons = within(editor).getByTestId("bulletin-case-0-lessons") as HTMLTextAreaElement;
    expect(lessons.value).toBe("加强进货检验。");
    fireEvent.change(lessons, { target: { value: "进货检验须逐批抽检。" } });
    fireEvent.change(within(editor).getByTestId("bulletin-case-1-summary"), { target: { value: "" } });
    fireEvent.click(within(editor).getByTestId("bulletin-save"));
    // The core's error appears on the field it names; nothing typed is lost.
    expect(await within(editor).findByText("必填")).toBeTruthy();
    expect((within(editor).getByTestId("bulletin-case-0-lessons") as HTMLTextAreaElement).value).toBe("进货检验须逐批抽检。");

    fireEvent.change(within(editor).getByTestId("bulletin-case-1-summary"), { target: { value: "消费者李某反映安装师傅迟到两小时。" } });
    fireEvent.click(within(editor).getByTestId("bulletin-mask-names"));
    expect(await within(editor).findByText("已关闭脱敏的项目将以原文印出，请确认确有必要。")).toBeTruthy();
    fireEvent.click(within(editor).getByTestId("bulletin-preview"));
    await waitFor(() => expect(saves).toBe(2));
    const sent = core.calls.filter(([n]) => n === "bulletins.save").at(-1)?.[1] as { id: string; content: BulletinContent };
    expect(sent.id).toBe("b1");
    expect(sent.content.cases[0]?.lessons).toBe("进货检验须逐批抽检。");
    expect(sent.content.cases[1]?.summary).toBe("消费者李某反映安装师傅迟到两小时。");
    expect(sent.content.cases.map((c) => c.case_id)).toEqual(["c2", "c1"]);
    expect(sent.content.masking).toEqual({ names: false, phones: true, addresses: true, id_numbers: true });
    // Saved, then previewed as PDF.
    expect(await screen.findByTestId("pdf-summary")).toBeTruthy();
    expect(screen.getByTestId("pdf-summary").textContent).toBe("共 3 页 · 87.9 KB");
    expect(core.calls).toContainEqual(["bulletins.pdf", { id: "b1" }]);
    await waitFor(() => expect(drawn.pages).toBe(1));
  }, 60_000);

  it("issues a draft after saving it and lists issued bulletins with their numbers", async () => {
    let issued = false;
    core.answer = (name, request) => {
      if (name === "bulletins.list") {
        const status = (request as { status: string }).status;
        if (status === "issued" && issued) return Promise.resolve([view(CONTENT, "issued", "客服通〔2026〕3号").summary]);
        if (status === "draft" && !issued) return Promise.resolve([view(CONTENT).summary]);
        return Promise.resolve([]);
      }
      if (name === "bulletins.get") return Promise.resolve(view(CONTENT));
      if (name === "bulletins.save") return Promise.resolve(view(CONTENT));
      if (name === "bulletins.issue") {
        issued = true;
        return Promise.resolve(view(CONTENT, "issued", "客服通〔2026〕3号"));
      }
      return Promise.resolve(null);
    };
    renderPage();
    fireEvent.click(await screen.findByTestId("bulletin-edit-b1"));
    const editor = await screen.findByTestId("bulletin-editor");
    fireEvent.click(within(editor).getByTestId("bulletin-issue"));
    fireEvent.click(await screen.findByTestId("bulletin-issue-ok"));
    await waitFor(() => expect(core.calls).toContainEqual(["bulletins.issue", { id: "b1" }]));
    const names = core.calls.map(([n]) => n);
    expect(names.indexOf("bulletins.save")).toBeLessThan(names.indexOf("bulletins.issue"));
    expect(await screen.findByText("客服通〔2026〕3号")).toBeTruthy();
  }, 60_000);
});
