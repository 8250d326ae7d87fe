import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App as AntApp } from "antd";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { CaseDetail, ConsumerView, HandlingView, TimelineEntry } from "../api";
import { core } from "../test/core";

// A stand-in for the core: every call is recorded and answered by `core.answer`.
vi.mock("../api", async (original) => (await import("../test/core")).withCore(await original()));
vi.mock("./pdfRender", () => ({ fromBase64: () => new Uint8Array(), renderPdf: () => Promise.resolve(1) }));

const { I18nProvider } = await import("../i18n");
const { CodesProvider } = await import("../codes");
const { CaseDrawer } = await import("./CaseDrawer");

let n = 0;
const entry = (kind: string, detail: TimelineEntry["detail"]): TimelineEntry => ({
  event_id: `e${++n}`,
  kind,
  occurred_at: "2026-11-25T02:00:00Z",
  recorded_at: "2026-11-25T02:00:00Z",
  actor: "acc-chen",
  actor_name: "陈静",
  detail,
  held: null,
});

const TIMELINE: TimelineEntry[] = [
  entry("case.created", {
    case_no: "2026-HQ-000001",
    channel: "hotline",
    import: {
      batch_id: "batch-1",
      source: "投诉台账2024",
      key: "TS-012",
      row: 12,
      state: { status: "closed", closed_at: "2024-03-02T08:00:00.000Z", result: "已换新机" },
    },
  }),
  entry("consumer.updated", { consumer_id: "con-1", changed: ["name", "mobile"], note: "消费者来电更正" }),
  entry("consumer.merged", {
    from_consumer_id: "con-2",
    into_consumer_id: "con-1",
    case_nos: ["2026-HQ-000123", "2026-HQ-000124"],
    note: null,
  }),
  entry("case.team_set", {
    members: [
      { account_id: "acc-chen", name: "陈静", role: "customer_service", duty: "对接", lead: true },
      { account_id: "acc-li", name: "李强", role: "legal", duty: "审核", lead: false },
    ],
    note: null,
  }),
  entry("case.investigation_noted", { note_id: "n1", fact: "点火器批次缺陷", source_kind: "department_statement", source: "售后服务部说明", found_on: "2026-11-22" }),
  entry("case.plan_drafted", { plan_id: "p2", version: 2, summary: "换新", measures: [], money_fen: 350_000, needs_approval: true }),
  entry("case.plan_decided", { plan_id: "p2", approved: false, note: "金额偏高" }),
  entry("case.plan_offered", { plan_id: "p2", version: 2 }),
  entry("case.negotiated", { round_id: "r1", plan_id: "p2", version: 2, held_on: "2026-11-24", method: "phone", response: "counter", counter: "要求补偿 800 元", notes: null }),
  entry("case.step_delayed", { step_id: "s1", title: "上门更换", reason: "配件缺货", old_due_on: "2026-11-30", new_due_on: "2026-12-05", informed_by: "sms", informed_on: "2026-11-25" }),
  entry("case.step_done", { step_id: "s1", title: "上门更换", done_on: "2026-12-05", note: null }),
  entry("case.feedback_recorded", { communicated_by: "phone", satisfaction: "fairly_satisfied", score: 4, comments: null }),
  entry("case.clock_resumed", { paused_working_days: 3, due_at: "2026-12-10T10:00:00Z", informed_by: "phone", informed_on: "2026-11-29" }),
  entry("case.legal_hold", { reason: "消费者已起诉" }),
  entry("case.legal_hold", { reason: null }),
  entry("consumer.exported", { consumer_id: "con-1", note: "本人来电申请" }),
  entry("consumer.anonymised", { consumer_id: "con-1", basis: "retention", note: "保存期限 36 个月届满（截至 2026-11-30）" }),
];

const DETAIL: CaseDetail = {
  case: {
    id: "case-1",
    case_no: "2026-HQ-000001",
    received_at: "2026-11-20T02:00:00Z",
    channel: "hotline",
    consumer_name: "王芳",
    product_name: "燃气热水器",
    category: "product_quality",
    severity: "serious",
    department: null,
    store: null,
    status: "received",
    handler: "陈静",
    due_at: null,
    overdue: false,
    at_risk: false,
    paused_reason: null,
    ack_due_at: null,
    ack_overdue: false,
    satisfaction: null,
    result: null,
  },
  consumer: { name: "王芳", mobile: null, landline: null, email: null, address: null },
  content: "无法点火",
  product_model: null,
  quantity: 1,
  amount_paid_fen: null,
  order_no: null,
  purchased_at: null,
  complexity: "complex",
  demand: "exchange",
  demand_amount_fen: null,
  received_by: "赵敏",
  closed_at: null,
  root_cause: null,
  acknowledged_at: null,
  merged_into: null,
  links: [],
  incidents: [],
  legal_hold: null,
  anonymised: false,
  ownership: { owner_site: "site-hq", owner_label: "HQ 总部", epoch: 0, mine: true, pending: null, held_open: 0 },
  timeline: TIMELINE,
};

const VIEW: ConsumerView = {
  id: "con-1",
  contact: { name: "王芳", mobile: "13800138000", landline: null, email: null, address: "上海市浦东新区世纪大道 100 号" },
  masked: false,
  cases: [
    {
      id: "case-9",
      case_no: "2026-HQ-000009",
      received_at: "2026-12-01T02:00:00Z",
      status: "investigating",
      product_name: "燃气灶",
      category: "product_quality",
      result: null,
    },
    {
      id: "case-1",
      case_no: "2026-HQ-000001",
      received_at: "2026-11-20T02:00:00Z",
      status: "received",
      product_name: "燃气热水器",
      category: "product_quality",
      result: null,
    },
    {
      id: "case-0",
      case_no: "2025-HQ-000321",
      received_at: "2025-06-01T02:00:00Z",
      status: "closed",
      product_name: "抽油烟机",
      category: "product_quality",
      result: "已上门更换电机",
    },
  ],
  hidden: 2,
  merged: 1,
};

const HANDLING: HandlingView = {
  id: "case-1",
  status: "received",
  moves: ["start_investigation", "close", "withdraw"],
  reopen_count: 0,
  typical: false,
  team: [],
  notes: [],
  plans: [],
  steps: [],
  rounds: [],
  feedback: [],
  approval_threshold_fen: 200_000,
};

describe("CaseDrawer", { timeout: 20_000 }, () => {
  beforeEach(() => {
    core.calls = [];
    core.answer = (name) => {
      if (name === "cases.get") return Promise.resolve(DETAIL);
      if (name === "cases.handling") return Promise.resolve(HANDLING);
      if (name === "consumers.get") return Promise.resolve(VIEW);
      if (name === "cases.advance") return Promise.resolve({ id: "case-1", status: "investigating" });
      return new Promise(() => undefined);
    };
  });

  function renderDrawer(onChanged = vi.fn(), onOpenCase = vi.fn(), canPrivacy = false) {
    render(
      <I18nProvider>
        <AntApp>
          <CodesProvider initial={{ channels: [], categories: [] }}>
            <CaseDrawer
              caseId="case-1"
              onClose={() => undefined}
              canHandle
              canWork
              canPrivacy={canPrivacy}
              onChanged={onChanged}
              onOpenCase={onOpenCase}
            />
          </CodesProvider>
        </AntApp>
      </I18nProvider>,
    );
    return onChanged;
  }

  /** Answers these operations, the case and its handling as usual, and nothing else. */
  function answer(answers: Record<string, (request: unknown) => Promise<unknown>>) {
    core.answer = (name, request) => {
      if (answers[name]) return answers[name](request);
      if (name === "cases.get") return Promise.resolve(DETAIL);
      if (name === "cases.handling") return Promise.resolve(HANDLING);
      if (name === "consumers.get") return Promise.resolve(VIEW);
      return new Promise(() => undefined);
    };
  }

  const sent = (operation: string) => core.calls.filter(([n]) => n === operation).map(([, r]) => r);

  it("shows the handling between the details and the related complaints, and tells the handling events", async () => {
    renderDrawer();
    const handling = await screen.findByTestId("handling");
    const links = screen.getByTestId("case-links");
    expect(handling.compareDocumentPosition(links) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    const timeline = within(screen.getByTestId("case-timeline"));
    timeline.getByText("组建/调整处理小组：陈静（组长）、李强");
    timeline.getByText("调查核实：点火器批次缺陷（部门说明：售后服务部说明）");
    timeline.getByText("制定方案 v2，补偿/退款合计 ¥3,500.00，需审批");
    timeline.getByText("方案审批：不予批准：金额偏高");
    timeline.getByText("提交方案 v2 给消费者");
    timeline.getByText("协商：消费者提出反提议：要求补偿 800 元");
    timeline.getByText("延期：配件缺货，新日期 2026-12-05，已短信告知消费者");
    timeline.getByText("完成：上门更换（2026-12-05）");
    timeline.getByText("结果反馈：基本满意（4 分）");
  });

  it("tells the clock resumed with how the consumer was told, legal holds, exports and anonymisation", async () => {
    renderDrawer();
    let timeline = within(await screen.findByTestId("case-timeline"));
    timeline.getByText("恢复计时，已告知消费者（电话，2026-11-29）");
    timeline.getByText("法律保全：消费者已起诉");
    timeline.getByText("解除法律保全");
    timeline.getByText("导出个人信息：本人来电申请");
    timeline.getByText("匿名化个人信息（保存期限届满）：保存期限 36 个月届满（截至 2026-11-30）");
    // Without the permission: none of the actions.
    expect(screen.queryByTestId("case-privacy")).toBeNull();
    cleanup();

    localStorage.setItem("redress.lang", "en");
    try {
      renderDrawer();
      timeline = within(await screen.findByTestId("case-timeline"));
      timeline.getByText("Clock resumed; consumer told (phone, 2026-11-29)");
      timeline.getByText("Legal hold lifted");
      timeline.getByText("Personal data anonymised (retention period over): 保存期限 36 个月届满（截至 2026-11-30）");
    } finally {
      localStorage.removeItem("redress.lang");
    }
  });

  it("resumes the clock recording how the consumer was told, or warns that nothing was recorded", async () => {
    answer({
      "cases.get": () => Promise.resolve({ ...DETAIL, case: { ...DETAIL.case, paused_reason: "等待检测报告" } }),
      "cases.resume": () => Promise.resolve({ id: "case-1", paused: false, due_at: "2026-12-10T10:00:00Z" }),
    });
    const onChanged = renderDrawer();
    fireEvent.click(await screen.findByTestId("clock-resume"));
    expect((await screen.findByTestId("resume-uninformed")).textContent).toBe("未记录告知方式的延期将在合规检查中列出");
    const input = screen.getByTestId("resume-informed_by").querySelector("input") as HTMLInputElement;
    fireEvent.mouseDown(input);
    fireEvent.change(input, { target: { value: "电话" } });
    await waitFor(() => expect(document.querySelector(".ant-select-item-option-active")).not.toBeNull());
    fireEvent.keyDown(input, { key: "Enter", code: "Enter", keyCode: 13 });
    await waitFor(() => expect(screen.queryByTestId("resume-uninformed")).toBeNull());
    fireEvent.click(screen.getByTestId("dialog-ok"));
    await waitFor(() => expect(sent("cases.resume")).toHaveLength(1));
    const request = sent("cases.resume")[0] as { id: string; informed_by: string; informed_on: string };
    expect(request.id).toBe("case-1");
    expect(request.informed_by).toBe("phone");
    expect(request.informed_on).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    await waitFor(() => expect(onChanged).toHaveBeenCalledTimes(1));
    await waitFor(() => expect(sent("cases.get")).toHaveLength(2));
  });

  it("puts the case under legal hold with the reason typed, and shows the hold once loaded again", async () => {
    let hold: string | null = null;
    answer({
      "cases.get": () => Promise.resolve({ ...DETAIL, legal_hold: hold }),
      "cases.legal_hold": (request) => {
        hold = (request as { reason: string }).reason;
        return Promise.resolve({ id: "case-1", legal_hold: hold });
      },
    });
    const onChanged = renderDrawer(vi.fn(), vi.fn(), true);
    expect(screen.queryByTestId("legal-hold-banner")).toBeNull();
    fireEvent.click(await screen.findByTestId("legal-hold-set"));
    fireEvent.change(await screen.findByTestId("legal-hold-reason"), { target: { value: " 消费者已起诉，（2026）沪0115民初1234号 " } });
    fireEvent.click(screen.getByTestId("dialog-ok"));
    await waitFor(() =>
      expect(sent("cases.legal_hold")).toEqual([{ id: "case-1", reason: "消费者已起诉，（2026）沪0115民初1234号" }]),
    );
    const banner = await screen.findByTestId("legal-hold-banner");
    expect(banner.textContent).toContain("法律保全：消费者已起诉，（2026）沪0115民初1234号");
    expect(screen.queryByTestId("legal-hold-set")).toBeNull();
    expect(onChanged).toHaveBeenCalledTimes(1);
  });

  it("shows the core's refusal to anonymise, the form kept", async () => {
    answer({
      "consumers.anonymise": () =>
        Promise.reject({ code: "supervision.invalid_state", message: "该消费者还有未结案件，不能匿名化", fields: [] }),
    });
    const onChanged = renderDrawer(vi.fn(), vi.fn(), true);
    fireEvent.click(await screen.findByTestId("consumer-anonymise"));
    await screen.findByText(/匿名化将永久清除该消费者的姓名、电话、地址等个人信息/);
    const note = (await screen.findByTestId("consumer-anonymise-note")) as HTMLTextAreaElement;
    fireEvent.click(screen.getByTestId("dialog-ok"));
    await within(note.closest(".ant-form-item") as HTMLElement).findByText("必填");
    expect(sent("consumers.anonymise")).toEqual([]);

    fireEvent.change(note, { target: { value: "消费者本人 2026-11-29 来电申请删除" } });
    fireEvent.click(screen.getByTestId("dialog-ok"));
    await screen.findByText("该消费者还有未结案件，不能匿名化");
    expect(sent("consumers.anonymise")).toEqual([{ case_id: "case-1", note: "消费者本人 2026-11-29 来电申请删除" }]);
    expect(note.value).toBe("消费者本人 2026-11-29 来电申请删除");
    expect(sent("cases.get")).toHaveLength(1);
    expect(onChanged).not.toHaveBeenCalled();
  });

  it("says the consumer's personal data is anonymised, and offers no more export or anonymisation", async () => {
    answer({ "cases.get": () => Promise.resolve({ ...DETAIL, anonymised: true }) });
    renderDrawer(vi.fn(), vi.fn(), true);
    expect((await screen.findByTestId("anonymised-banner")).textContent).toBe("该消费者的个人信息已匿名化");
    expect(screen.queryByTestId("case-privacy")).toBeNull();
    expect(screen.queryByTestId("consumer-export")).toBeNull();
    expect(screen.queryByTestId("consumer-anonymise")).toBeNull();
  });

  it("says which incident the case belongs to", async () => {
    core.answer = (name) => {
      if (name === "cases.get") {
        return Promise.resolve({
          ...DETAIL,
          incidents: [{ id: "i1", incident_no: "纠纷应急〔2026〕1号", title: "热水器漏水群体投诉", status: "open" }],
        });
      }
      if (name === "cases.handling") return Promise.resolve(HANDLING);
      if (name === "consumers.get") return Promise.resolve(VIEW);
      return new Promise(() => undefined);
    };
    renderDrawer();
    const banner = await screen.findByTestId("case-incidents");
    expect(banner.textContent).toContain("本件属于突发事件：纠纷应急〔2026〕1号 热水器漏水群体投诉");
  });

  it("loads the case again after a handling action, and tells the page", async () => {
    const onChanged = renderDrawer();
    fireEvent.click(await screen.findByTestId("act-start_investigation"));
    fireEvent.click(await screen.findByTestId("dialog-ok"));
    await waitFor(() => expect(core.calls).toContainEqual(["cases.advance", { id: "case-1", move: "start_investigation" }]));
    await waitFor(() => expect(core.calls.filter(([name]) => name === "cases.get")).toHaveLength(2));
    expect(core.calls.filter(([name]) => name === "cases.handling")).toHaveLength(2);
    expect(onChanged).toHaveBeenCalledTimes(1);
  });

  it("tells the consumer's record events and a case created by an import, in both languages", async () => {
    renderDrawer();
    let timeline = within(await screen.findByTestId("case-timeline"));
    timeline.getByText("由导入创建（来源 投诉台账2024，第 12 行）：导入时已结案，结果：已换新机");
    timeline.getByText("更正联系方式：姓名、手机（原因：消费者来电更正）");
    timeline.getByText("合并重复消费者记录：2026-HQ-000123 等 2 件");
    cleanup();

    localStorage.setItem("redress.lang", "en");
    try {
      renderDrawer();
      timeline = within(await screen.findByTestId("case-timeline"));
      timeline.getByText("Created by import (source 投诉台账2024, row 12): closed when imported, result: 已换新机");
      timeline.getByText("Contact details corrected: name, mobile (reason: 消费者来电更正)");
      timeline.getByText("Duplicate consumer record merged in: 2026-HQ-000123 and 1 more (2 cases)");
    } finally {
      localStorage.removeItem("redress.lang");
    }
  });

  it("lists every case of the consumer, opens another one, and says what is not listed", async () => {
    const onOpenCase = vi.fn();
    renderDrawer(vi.fn(), onOpenCase);
    const section = within(await screen.findByTestId("consumer-section"));
    await waitFor(() => expect(screen.getByTestId("consumer-cases-title").textContent).toBe("该消费者的全部案件（5）"));
    expect(core.calls).toContainEqual(["consumers.get", { case_id: "case-1" }]);
    expect(screen.getByTestId("consumer-hidden").textContent).toBe("另有 2 件不在您的查看范围内，未列出");
    expect(screen.getByTestId("consumer-merged").textContent).toBe("已有 1 条重复记录合并到本记录");
    section.getByText("上海市浦东新区世纪大道 100 号");

    const older = within(screen.getByTestId("consumer-case-2025-HQ-000321"));
    older.getByText("2025年6月1日");
    older.getByText("已结案");
    older.getByText("抽油烟机");
    older.getByText("已上门更换电机");
    // This case is marked, not a link.
    within(screen.getByTestId("consumer-case-2026-HQ-000001")).getByText("本件");
    expect(section.queryByRole("button", { name: "打开案件 2026-HQ-000001" })).toBeNull();
    section.getByRole("button", { name: "打开案件 2026-HQ-000009" });

    fireEvent.click(older.getByRole("button", { name: "打开案件 2025-HQ-000321" }));
    expect(onOpenCase).toHaveBeenCalledWith("case-0");
  });

  it("offers no correction of a contact the person sees masked", async () => {
    answer({
      "consumers.get": () =>
        Promise.resolve({ ...VIEW, masked: true, contact: { ...VIEW.contact, name: "王*", mobile: "138****8000" }, hidden: 0, merged: 0 }),
    });
    renderDrawer();
    await screen.findByTestId("consumer-masked");
    within(screen.getByTestId("consumer-section")).getByText("138****8000");
    expect(screen.queryByTestId("consumer-edit")).toBeNull();
    expect(screen.getByTestId("consumer-merge")).toBeTruthy();
    expect(screen.queryByTestId("consumer-hidden")).toBeNull();
    expect(screen.queryByTestId("consumer-merged")).toBeNull();
  });

  it("corrects the contact: the core's field error on its item, what was typed kept, then the case loaded again", async () => {
    let tries = 0;
    answer({
      "consumers.update": () =>
        ++tries === 1
          ? Promise.reject({
              code: "validation.failed",
              message: "请检查填写的内容",
              fields: [{ field: "contact.mobile", code: "invalid", message: "手机号码应为 11 位数字" }],
            })
          : Promise.resolve({ ...VIEW, contact: { ...VIEW.contact, mobile: "13900139000" } }),
    });
    const onChanged = renderDrawer();
    fireEvent.click(await screen.findByTestId("consumer-edit"));
    const mobile = (await screen.findByTestId("contact-mobile")) as HTMLInputElement;
    expect(mobile.value).toBe("13800138000");
    expect((screen.getByTestId("contact-name") as HTMLInputElement).value).toBe("王芳");
    fireEvent.change(mobile, { target: { value: "1390013900" } });
    fireEvent.change(screen.getByTestId("contact-email"), { target: { value: " wangfang@example.com " } });
    fireEvent.change(screen.getByTestId("contact-note"), { target: { value: "消费者来电更正手机号" } });
    fireEvent.click(screen.getByTestId("consumer-edit-ok"));

    await waitFor(() =>
      expect(sent("consumers.update")).toEqual([
        {
          case_id: "case-1",
          contact: { name: "王芳", mobile: "1390013900", landline: null, email: "wangfang@example.com", address: "上海市浦东新区世纪大道 100 号" },
          note: "消费者来电更正手机号",
        },
      ]),
    );
    const item = mobile.closest(".ant-form-item") as HTMLElement;
    await within(item).findByText("手机号码应为 11 位数字");
    expect(within(screen.getByTestId("contact-email").closest(".ant-form-item") as HTMLElement).queryByText("手机号码应为 11 位数字")).toBeNull();
    expect(mobile.value).toBe("1390013900");
    expect(onChanged).not.toHaveBeenCalled();

    fireEvent.change(mobile, { target: { value: "13900139000" } });
    fireEvent.click(screen.getByTestId("consumer-edit-ok"));
    await waitFor(() => expect(sent("consumers.update")).toHaveLength(2));
    expect((sent("consumers.update")[1] as { contact: { mobile: string } }).contact.mobile).toBe("13900139000");
    await waitFor(() => expect(sent("cases.get")).toHaveLength(2));
    expect(onChanged).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(screen.queryByTestId("contact-mobile")).toBeNull());
  });

  it("merges a duplicate record by one of its case numbers, after saying what moves", async () => {
    let tries = 0;
    answer({
      "consumers.merge": () =>
        ++tries === 1
          ? Promise.reject({
              code: "validation.failed",
              message: "请检查填写的内容",
              fields: [{ field: "duplicate_case", code: "unknown_value", message: "找不到案件 2026-HQ-999999" }],
            })
          : Promise.resolve({ ...VIEW, merged: 2 }),
    });
    const onChanged = renderDrawer();
    fireEvent.click(await screen.findByTestId("consumer-merge"));
    const input = (await screen.findByTestId("consumer-merge-case")) as HTMLInputElement;

    fireEvent.change(input, { target: { value: "2026-HQ-999999" } });
    fireEvent.click(screen.getByTestId("consumer-merge-ok"));
    fireEvent.click(await screen.findByTestId("consumer-merge-confirm-ok"));
    await within(input.closest(".ant-form-item") as HTMLElement).findByText("找不到案件 2026-HQ-999999");
    expect(input.value).toBe("2026-HQ-999999");

    fireEvent.change(input, { target: { value: " 2026-HQ-000123 " } });
    fireEvent.change(screen.getByTestId("consumer-merge-note"), { target: { value: "同一人两次登记" } });
    fireEvent.click(screen.getByTestId("consumer-merge-ok"));
    await screen.findByText(/案件 2026-HQ-000123 所属的消费者记录下的全部案件都将归入本消费者/);
    await waitFor(() => expect(screen.getAllByTestId("consumer-merge-confirm-ok").length).toBeGreaterThan(0));
    fireEvent.click(screen.getAllByTestId("consumer-merge-confirm-ok").at(-1)!);
    await waitFor(() =>
      expect(sent("consumers.merge")).toEqual([
        { case_id: "case-1", duplicate_case: "2026-HQ-999999" },
        { case_id: "case-1", duplicate_case: "2026-HQ-000123", note: "同一人两次登记" },
      ]),
    );
    await waitFor(() => expect(screen.getByTestId("consumer-merged").textContent).toBe("已有 2 条重复记录合并到本记录"));
    expect(onChanged).toHaveBeenCalledTimes(1);
  });

  it("produces the consumer's notices, and says why one is not available yet", async () => {
    core.answer = (name, request) => {
      if (name === "cases.get") return Promise.resolve(DETAIL);
      if (name === "cases.handling") return Promise.resolve(HANDLING);
      if (name === "documents.notice" && (request as { kind: string }).kind === "acknowledgment") {
        return Promise.resolve({ file_name: "受理回执-2026-HQ-000001.pdf", title: "受理回执", pages: 1, size: 38_000, data: "JVBERi0=" });
      }
      if (name === "documents.notice") {
        return Promise.reject({ code: "document.unavailable", message: "该案件尚无处理结果，暂不能出具处理结果告知书", fields: [] });
      }
      return new Promise(() => undefined);
    };
    renderDrawer();
    fireEvent.click(await screen.findByTestId("notice-acknowledgment"));
    expect((await screen.findByTestId("pdf-summary")).textContent).toBe("共 1 页 · 37.1 KB");
    expect(core.calls).toContainEqual(["documents.notice", { case: "case-1", kind: "acknowledgment" }]);
    fireEvent.click(screen.getByTestId("pdf-close"));
    fireEvent.click(await screen.findByTestId("notice-result"));
    expect((await screen.findByTestId("pdf-error")).textContent).toContain("暂不能出具处理结果告知书");
  });
  const SITES = {
    is_hq: true,
    sites: [
      { site_id: "site-hq", code: "HQ", name: "总部", is_hq: true, this: true },
      { site_id: "site-sh", code: "SH01", name: "上海分公司", is_hq: false, this: false },
      { site_id: "site-hz", code: "HZ01", name: "杭州分公司", is_hq: false, this: false },
    ],
  };

  it("shows a case another site owns, and lets headquarters grant the hand-over its owner asked for", async () => {
    const owned = {
      owner_site: "site-sh",
      owner_label: "SH01 上海分公司",
      epoch: 0,
      mine: false,
      pending: { site_id: "site-hz", label: "HZ01 杭州分公司", reason: "顾客已搬到杭州" },
      held_open: 0,
    };
    const granted = { ...owned, owner_site: "site-hz", owner_label: "HZ01 杭州分公司", epoch: 1, pending: null };
    let detail: CaseDetail = { ...DETAIL, ownership: owned };
    answer({
      "cases.get": () => Promise.resolve(detail),
      "sites.list": () => Promise.resolve(SITES),
      "cases.handover_grant": () => {
        detail = { ...DETAIL, ownership: granted };
        return Promise.resolve(granted);
      },
    });
    const onChanged = renderDrawer();
    const panel = await screen.findByTestId("case-ownership");
    within(panel).getByText("归属站点：SH01 上海分公司");
    within(panel).getByText("本站点可查看并补充记录（证据、调查、方案），处理状态只能由归属站点更改。");
    within(panel).getByText("已申请移交给 HZ01 杭州分公司（顾客已搬到杭州），待总部批准");
    fireEvent.click(await screen.findByTestId("handover-grant"));
    fireEvent.click(await screen.findByTestId("dialog-ok"));
    await waitFor(() => expect(sent("cases.handover_grant")).toEqual([{ id: "case-1", note: undefined }]));
    await waitFor(() => expect(onChanged).toHaveBeenCalled());
    await screen.findByText("归属站点：HZ01 杭州分公司");
    expect(screen.queryByTestId("handover-grant")).toBeNull();
  });

  it("asks for a hand-over naming the site and the reason, and refuses without a reason", async () => {
    answer({
      "sites.list": () => Promise.resolve({ ...SITES, is_hq: false, sites: SITES.sites.map((x) => ({ ...x, this: x.code === "HQ" })) }),
      "cases.handover_request": () => Promise.resolve(DETAIL.ownership),
    });
    renderDrawer();
    fireEvent.click(await screen.findByTestId("handover-request"));
    expect(screen.queryByTestId("case-reassign")).toBeNull();
    fireEvent.mouseDown(screen.getByTestId("handover-target").querySelector("input") as HTMLElement);
    fireEvent.click(await screen.findByText("SH01 上海分公司"));
    fireEvent.click(screen.getByTestId("dialog-ok"));
    expect(await screen.findAllByText("必填")).not.toHaveLength(0);
    expect(sent("cases.handover_request")).toEqual([]);
    fireEvent.change(screen.getByTestId("handover-reason"), { target: { value: "顾客在上海" } });
    fireEvent.click(screen.getByTestId("dialog-ok"));
    await waitFor(() =>
      expect(sent("cases.handover_request")).toEqual([{ id: "case-1", to_site: "site-sh", reason: "顾客在上海" }]),
    );
  });

  it("marks what the former owner wrote after a reassignment as held, and lets the owner review it", async () => {
    const held = { ...entry("case.assigned", { handler: "李强", handler_id: "acc-li", note: null }), held: "open" };
    answer({
      "cases.get": () =>
        Promise.resolve({ ...DETAIL, ownership: { ...DETAIL.ownership, held_open: 1 }, timeline: [...TIMELINE, held] }),
      "sites.list": () => Promise.resolve(SITES),
      "cases.held_review": () => Promise.resolve(DETAIL.ownership),
    });
    renderDrawer();
    await screen.findByText("1 条记录与案件当时的归属不符（如原站点在改派后提交的更改），未生效，待审核");
    const row = within(await screen.findByTestId(`held-${held.event_id}`));
    row.getByText("未生效·待审核");
    fireEvent.click(row.getByTestId(`held-review-${held.event_id}`));
    fireEvent.change(await screen.findByTestId("held-review-note"), { target: { value: "已重新分派" } });
    fireEvent.click(screen.getByTestId("dialog-ok"));
    await waitFor(() =>
      expect(sent("cases.held_review")).toEqual([{ id: "case-1", event_id: held.event_id, note: "已重新分派" }]),
    );
  });
});
