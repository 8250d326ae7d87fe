import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { App as AntApp } from "antd";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { ApiError, DocumentSettings as Loaded, Templates } from "../../api";
import { core, type Answer } from "../../test/core";

// A stand-in for the core: every call is recorded and answered by `core.answer`.
vi.mock("../../api", async (original) => (await import("../../test/core")).withCore(await original()));

const { I18nProvider } = await import("../../i18n");
const { DocumentSettings } = await import("./DocumentSettings");

/** The wording Redress ships (documents/templates.rs), shortened. */
const DEFAULTS: Templates = {
  acknowledgment: {
    title: "受理回执",
    salutation: "尊敬的{consumer}：",
    body: "您反映的{product}问题，我公司已正式受理，受理编号为{case_no}。",
    closing: "如需查询处理进度，请拨打客户服务热线{hotline}。",
  },
  progress: {
    title: "处理进度告知书",
    salutation: "尊敬的{consumer}：",
    body: "因{delay_reason}，原定于{old_date}完成的处理事项需延期至{new_date}完成。",
    closing: "如有疑问，请拨打客户服务热线{hotline}。",
  },
  result: {
    title: "处理结果告知书",
    salutation: "尊敬的{consumer}：",
    body: "我公司已采取以下措施：{measures}\n处理结果：{result}",
    closing: "如您对处理结果有异议，请拨打客户服务热线{hotline}。",
  },
  settlement: {
    title: "和解协议书",
    preamble: "乙方于{purchased_date}购买甲方销售的{product}，达成如下协议：",
    terms: "甲方应于{pay_days}个工作日内履行上述约定。\n本协议一式两份。",
  },
  bulletin: {
    title: "关于典型消费纠纷案例的通报",
    addressee: "各分公司、各部门、各门店：",
    intro: "现将近期{count}起典型消费纠纷案例通报如下。",
    closing: "请于一个月内完成整改，并将整改情况报{department}。",
    lessons: "相关单位要对照本案查找问题根源。",
  },
};

/** The placeholders the core allows, per document (as documents/templates.rs lists them). */
const NOTICE = ["company", "hotline", "consumer", "case_no", "received_date", "channel", "product", "category", "demand", "due_date", "handler", "today"];
const PLACEHOLDERS = {
  acknowledgment: NOTICE,
  progress: [...NOTICE, "delay_reason", "old_date", "new_date"],
  result: [...NOTICE, "measures", "result", "closed_date"],
  settlement: [...NOTICE, "amount", "amount_upper", "purchased_date", "order_no", "pay_days"],
  bulletin: ["company", "department", "count", "year"],
};

/** What the company has made of them. */
const SETTINGS: Loaded = {
  profile: {
    company_name: "华联商贸有限公司",
    issuing_department: "客户服务部",
    hotline: "400-820-1234",
    address: "上海市黄浦区南京东路 100 号",
    bulletin_prefix: "华联客",
    logo: null,
    seal: null,
  },
  templates: {
    ...DEFAULTS,
    acknowledgment: { ...DEFAULTS.acknowledgment, body: "您的投诉（{case_no}）已受理。" },
  },
  defaults: DEFAULTS,
  placeholders: PLACEHOLDERS,
};

/** A 1×1 transparent PNG. */
const PNG_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

const answerNormally: Answer = (name, request) => {
  if (name === "documents.settings") return Promise.resolve(SETTINGS);
  if (name === "documents.settings_save") return Promise.resolve({ ...(request as object), defaults: DEFAULTS, placeholders: PLACEHOLDERS });
  return new Promise(() => undefined);
};

/** The core refusing the save with one field problem. */
function refuse(field: string, message: string, code = "field.invalid") {
  const refusal: ApiError = {
    code: "validation",
    message: "请检查填写的内容",
    fields: [{ field, code, message }],
  };
  core.answer = (name, request) =>
    name === "documents.settings_save" ? Promise.reject(refusal) : answerNormally(name, request);
}

function renderTab() {
  return render(
    <I18nProvider>
      <AntApp>
        <DocumentSettings />
      </AntApp>
    </I18nProvider>,
  );
}

/** The documents.settings_save requests sent so far. */
const saves = () => core.calls.filter(([n]) => n === "documents.settings_save").map(([, r]) => r);

const textarea = (testId: string) => screen.getByTestId(testId) as HTMLTextAreaElement;

/** The form item (label, input, errors) around a field. */
const itemOf = (testId: string) => screen.getByTestId(testId).closest(".ant-form-item") as HTMLElement;

describe("DocumentSettings", { timeout: 30_000 }, () => {
  beforeEach(() => {
    core.calls = [];
    core.answer = answerNormally;
  });

  it("shows the profile and every document's wording with its placeholders", async () => {
    renderTab();
    const name = (await screen.findByTestId("doc-company-name")) as HTMLInputElement;
    expect(name.value).toBe("华联商贸有限公司");
    const year = new Date().getFullYear();
    expect(
      screen.getByText(`发文字号示例：华联客〔${year}〕3号。各站点自行编号，分公司、门店在代字后加本站代码，如 华联客SH01〔${year}〕3号`),
    ).toBeTruthy();
    expect(textarea("doc-acknowledgment-body").value).toBe("您的投诉（{case_no}）已受理。");
    expect(textarea("doc-settlement-terms").value).toBe(DEFAULTS.settlement.terms);
    expect(textarea("doc-bulletin-lessons").value).toBe(DEFAULTS.bulletin.lessons);
    for (const kind of ["acknowledgment", "progress", "result", "settlement", "bulletin"]) {
      expect(screen.getByTestId(`doc-tab-${kind}`)).toBeTruthy();
    }
    expect(screen.getByTestId("doc-tab-settlement").textContent).toBe("和解协议书");
    expect(screen.getByTestId("doc-placeholder-progress-delay_reason").textContent).toBe("{delay_reason}延期原因");
    expect(screen.getByTestId("doc-placeholder-settlement-amount_upper").textContent).toBe(
      "{amount_upper}大写金额",
    );
    expect(screen.queryByTestId("doc-placeholder-acknowledgment-delay_reason")).toBeNull();
    expect(screen.queryByTestId("doc-placeholder-bulletin-consumer")).toBeNull();
    expect(core.calls).toEqual([["documents.settings", {}]]);
  });

  it("saves the profile and every document's wording", async () => {
    renderTab();
    const name = "华联商贸（集团）有限公司";
    const closing = "感谢您的监督。\n热线：{hotline}";
    fireEvent.change(await screen.findByTestId("doc-company-name"), { target: { value: name } });
    fireEvent.change(textarea("doc-acknowledgment-closing"), { target: { value: closing } });
    fireEvent.click(screen.getByTestId("doc-save"));
    await waitFor(() => expect(saves()).toHaveLength(1));
    expect(saves()[0]).toEqual({
      profile: { ...SETTINGS.profile, company_name: name },
      templates: { ...SETTINGS.templates, acknowledgment: { ...SETTINGS.templates.acknowledgment, closing } },
    });
    await screen.findByText("已保存");
  });

  it("shows the core's error under its field and keeps what was typed", async () => {
    refuse("templates.acknowledgment.body", "格式不正确（{foo}）");
    renderTab();
    // The document with the error is not the one shown.
    fireEvent.click(await screen.findByTestId("doc-tab-bulletin"));
    fireEvent.change(textarea("doc-acknowledgment-body"), { target: { value: "您的投诉{foo}已受理。" } });
    fireEvent.change(screen.getByTestId("doc-company-name"), { target: { value: "华联" } });
    fireEvent.click(screen.getByTestId("doc-save"));
    await waitFor(() =>
      expect(itemOf("doc-acknowledgment-body").textContent).toContain("本文书不能使用占位符 {foo}"),
    );
    await screen.findByText("请检查填写的内容");
    expect(textarea("doc-acknowledgment-body").value).toBe("您的投诉{foo}已受理。");
    expect((screen.getByTestId("doc-company-name") as HTMLInputElement).value).toBe("华联");
    expect(itemOf("doc-acknowledgment-closing").textContent).not.toContain("占位符");
    // The tab with the error is shown.
    await waitFor(() =>
      expect(screen.getByTestId("doc-tab-acknowledgment").closest(".ant-tabs-tab-active")).toBeTruthy(),
    );
  });

  it("shows a profile error under its field", async () => {
    refuse("profile.company_name", "必填", "field.required");
    renderTab();
    fireEvent.change(await screen.findByTestId("doc-company-name"), { target: { value: " " } });
    fireEvent.click(screen.getByTestId("doc-save"));
    await waitFor(() => expect(itemOf("doc-company-name").textContent).toContain("必填"));
    expect(saves()[0]).toMatchObject({ profile: { company_name: " " } });
  });

  it("restores a document's default wording", async () => {
    renderTab();
    await screen.findByTestId("doc-company-name");
    fireEvent.change(textarea("doc-acknowledgment-title"), { target: { value: "回执" } });
    fireEvent.click(screen.getByTestId("doc-acknowledgment-restore"));
    fireEvent.click(await screen.findByTestId("doc-acknowledgment-restore-ok"));
    await waitFor(() => expect(textarea("doc-acknowledgment-body").value).toBe(DEFAULTS.acknowledgment.body));
    expect(textarea("doc-acknowledgment-title").value).toBe("受理回执");
    // Only that document.
    expect(textarea("doc-progress-body").value).toBe(SETTINGS.templates.progress.body);
    fireEvent.click(screen.getByTestId("doc-save"));
    await waitFor(() => expect(saves()).toHaveLength(1));
    expect((saves()[0] as { templates: Templates }).templates.acknowledgment).toEqual(DEFAULTS.acknowledgment);
  });

  it("inserts a placeholder at the cursor of the field last focused", async () => {
    renderTab();
    const body = (await screen.findByTestId("doc-progress-body")) as HTMLTextAreaElement;
    fireEvent.change(body, { target: { value: "因故延期。" } });
    fireEvent.focus(body);
    body.setSelectionRange(1, 1);
    fireEvent.click(screen.getByTestId("doc-placeholder-progress-delay_reason"));
    await waitFor(() => expect(body.value).toBe("因{delay_reason}故延期。"));
  });

  it("warns of a placeholder the document does not have as it is typed", async () => {
    renderTab();
    fireEvent.change(await screen.findByTestId("doc-bulletin-intro"), { target: { value: "致{consumer}" } });
    await waitFor(() =>
      expect(itemOf("doc-bulletin-intro").textContent).toContain("本文书不能使用占位符 {consumer}"),
    );
  });

  it("uploads a seal as base64 and removes a logo", async () => {
    core.answer = (name, request) =>
      name === "documents.settings"
        ? Promise.resolve({ ...SETTINGS, profile: { ...SETTINGS.profile, logo: PNG_BASE64 } })
        : answerNormally(name, request);
    renderTab();
    expect(((await screen.findByTestId("doc-logo-preview")) as HTMLImageElement).src).toBe(
      `data:image/png;base64,${PNG_BASE64}`,
    );
    const png = Uint8Array.from(atob(PNG_BASE64), (c) => c.charCodeAt(0));
    const file = new File([png], "seal.png", { type: "image/png" });
    fireEvent.change(screen.getByTestId("doc-seal-input"), { target: { files: [file] } });
    await screen.findByTestId("doc-seal-preview");
    fireEvent.click(screen.getByTestId("doc-logo-remove"));
    expect(screen.queryByTestId("doc-logo-preview")).toBeNull();
    fireEvent.click(screen.getByTestId("doc-save"));
    await waitFor(() => expect(saves()).toHaveLength(1));
    expect(saves()[0]).toMatchObject({ profile: { logo: null, seal: PNG_BASE64 } });
  });

  it("refuses an image over 512 KB", async () => {
    renderTab();
    const big = new File([new Uint8Array(600 * 1024)], "seal.png", { type: "image/png" });
    fireEvent.change(await screen.findByTestId("doc-seal-input"), { target: { files: [big] } });
    await screen.findByText("图片大小为 600 KB，超过 512 KB 的上限，请压缩后再上传");
    expect(screen.queryByTestId("doc-seal-preview")).toBeNull();
  });
});
