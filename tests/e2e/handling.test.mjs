// Handling a complex case end to end through the real app (§四): team, investigation, evidence
// (attached through the command the file dialog feeds), a plan, a rejected offer, a revised
// plan, acceptance, execution with one delay, 不满意, a second plan, 满意, and closing.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { after, before, test } from "node:test";

import {
  choose as pick,
  clickWhenClear,
  fill,
  invokeCommand,
  loadDemo,
  openWith,
  saveScreenshot,
  settle,
  setUpAdministrator,
  signIn,
  signOut,
  startApp,
} from "./harness.mjs";

let app;
before(async () => {
  app = await startApp();
});
after(async () => {
  await app?.close();
});

const $ = (sel) => app.browser.$(sel);
const click = async (el) => clickWhenClear(app.browser, await el);
const choose = (testId, text) => pick(app.browser, testId, text);

/** A date N days from today in China, as the forms take it. */
function chinaDate(days) {
  return new Date(Date.now() + 8 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
}

/** Types a date into a date field and takes it with Enter. */
async function typeDate(testId, date) {
  await fill(app.browser, testId, date);
  await app.browser.keys("Enter");
}

/** Opens an action's dialog, fills it with `fillIn`, and submits it; waits for it to close. */
async function act(action, fillIn = async () => {}) {
  const button = await $(`[data-testid="act-${action}"]`);
  await button.waitForDisplayed({ timeout: 15_000 });
  await settle(app.browser, button);
  try {
    await openWith(app.browser, `[data-testid="act-${action}"]`, '[data-testid="dialog-ok"]');
  } catch (e) {
    await saveScreenshot(app.browser, `failed-act-${action}`);
    throw e;
  }
  await fillIn();
  const ok = await $('[data-testid="dialog-ok"]');
  await click(ok);
  await app.browser.waitUntil(async () => !(await ok.isExisting()) || !(await ok.isDisplayed()), {
    timeout: 15_000,
    timeoutMsg: `the ${action} dialog did not close`,
  });
}

/** Waits until the handling view shows the case in `status` (its step indicator follows). */
async function waitForStep(status) {
  const view = await $('[data-testid="handling"]');
  await app.browser.waitUntil(async () => (await view.getAttribute("data-status")) === status, {
    timeout: 15_000,
    timeoutMsg: `the case did not reach ${status}: it is ${await view.getAttribute("data-status")}`,
  });
}

let caseNo = "";

test("the handler records a complex complaint and opens it", async () => {
  await setUpAdministrator(app.browser);
  await loadDemo(app.browser);
  await signOut(app.browser);
  await signIn(app.browser, "handler.as", "Demo2026");
  await (await $('[data-testid="section-title"]')).waitForDisplayed({ timeout: 10_000 });
  await app.browser.keys(["Control", "n"]);
  await (await $('[data-testid="intake-form"]')).waitForDisplayed({ timeout: 5_000 });
  await fill(app.browser, "intake-name", "冯磊");
  await fill(app.browser, "intake-mobile", "13912345678");
  await fill(app.browser, "intake-product", "变频空调");
  await fill(app.browser, "intake-amount", "4599.00");
  await fill(app.browser, "intake-content", "安装一周后制冷效果差，外机异响，两次报修未解决，要求换机并赔偿。");
  await choose("intake-category", "产品质量");
  await choose("intake-department", "售后服务部");
  await choose("intake-handler", "陈静");
  await app.browser.keys(["Control", "Enter"]);
  const done = await $('[data-testid="intake-done"]');
  await done.waitForDisplayed({ timeout: 10_000 });
  caseNo = (await done.getText()).replace(/^.*案件编号 /, "");
  await click($('[data-testid="nav-ledger"]'));
  const link = await $(`//button[contains(@class, "case-link")][normalize-space()="${caseNo}"]`);
  await link.waitForDisplayed({ timeout: 10_000 });
  await click(link);
  await (await $('[data-testid="handling"]')).waitForDisplayed({ timeout: 10_000 });
  await waitForStep("received");
});

test("a dispute team, an investigation note, and evidence", async () => {
  await act("team", async () => {
    await choose("f-members-0-role", "客服");
    await fill(app.browser, "f-members-0-duty", "牵头处理、对接消费者");
    await click($('[data-testid="add-member"]'));
    await choose("f-members-1-account_id", "黄律");
    await choose("f-members-1-role", "法务");
    await fill(app.browser, "f-members-1-duty", "出具法律意见");
  });
  const team = await $('[data-testid="section-team"]');
  await app.browser.waitUntil(async () => (await team.getText()).includes("黄律"), { timeout: 10_000 });

  await act("start_investigation");
  await waitForStep("investigating");
  await act("investigate", async () => {
    await fill(app.browser, "f-fact", "售后检测确认压缩机启动电容故障");
    await choose("f-source_kind", "第三方检测");
    await fill(app.browser, "f-source", "检测报告 No.2026-118");
  });
  const notes = await $('[data-testid="section-notes"]');
  await app.browser.waitUntil(async () => (await notes.getText()).includes("压缩机启动电容"), { timeout: 10_000 });

  // The file dialog hands paths to evidence_add: the same command, called here.
  const dir = dirname(app.dbPath);
  const report = join(dir, "检测报告.pdf");
  writeFileSync(report, "%PDF-1.4\n% 检测报告 No.2026-118\n");
  const caseId = await app.browser.execute(() =>
    document.querySelector('[data-testid="handling"]')?.getAttribute("data-case-id"),
  );
  assert.ok(caseId, "the handling view names its case");
  const added = await invokeCommand(app.browser, "evidence_add", {
    request: { case_id: caseId, source: "检测机构", files: [{ path: report, kind: "test_report", description: "第三方检测报告" }] },
  });
  assert.equal(added.items.length, 1);
  await app.browser.keys("Escape");
  await click($(`//button[contains(@class, "case-link")][normalize-space()="${caseNo}"]`));
  const row = await $('[data-testid="evidence-row-检测报告.pdf"]');
  await row.waitForDisplayed({ timeout: 10_000 });
  const verify = await $('[data-testid="evidence-verify"]');
  await verify.waitForEnabled({ timeout: 10_000 });
  await settle(app.browser, verify);
  await click(verify);
  const verified = await $('[data-testid="evidence-report"]');
  try {
    await verified.waitForDisplayed({ timeout: 15_000 });
  } catch (e) {
    await saveScreenshot(app.browser, "failed-evidence-verify");
    throw e;
  }
  assert.match(await verified.getText(), /1 份证据均完好/);
});

test("v1 is offered and rejected; v2 is accepted", async () => {
  await act("start_planning");
  await waitForStep("planning");
  await act("draft", async () => {
    await fill(app.browser, "f-summary", "上门维修更换电容");
    await choose("f-measures-0-kind", "维修");
    await fill(app.browser, "f-measures-0-description", "更换压缩机启动电容并检测");
    await choose("f-measures-0-responsible_id", "陈静");
    await fill(app.browser, "f-measures-0-steps-0-title", "上门维修");
    await typeDate("f-measures-0-steps-0-due_on", chinaDate(3));
  });
  await (await $('[data-testid="plan-v1"]')).waitForDisplayed({ timeout: 10_000 });
  await act("offer-1");
  await waitForStep("negotiating");
  await act("negotiate", async () => {
    await choose("f-response", "不接受");
  });
  await waitForStep("planning");

  await act("draft", async () => {
    await fill(app.browser, "f-summary", "换机并补偿");
    await choose("f-measures-0-kind", "换货");
    await fill(app.browser, "f-measures-0-description", "更换同型号新机");
    await fill(app.browser, "f-measures-0-steps-0-title", "调拨并安装新机");
    await typeDate("f-measures-0-steps-0-due_on", chinaDate(5));
    await click($('[data-testid="add-measure"]'));
    await choose("f-measures-1-kind", "赔偿");
    await fill(app.browser, "f-measures-1-description", "补偿误工费");
    await fill(app.browser, "f-measures-1-amount", "500");
    await choose("f-measures-1-responsible_id", "陈静");
    await fill(app.browser, "f-measures-1-steps-0-title", "支付补偿");
    await typeDate("f-measures-1-steps-0-due_on", chinaDate(5));
  });
  await (await $('[data-testid="plan-v2"]')).waitForDisplayed({ timeout: 10_000 });
  await act("offer-2");
  await act("negotiate", async () => {
    await choose("f-response", "接受");
  });
  await waitForStep("executing");
});

test("execution with one delay the consumer was told of", async () => {
  await act("step-delay-1", async () => {
    await fill(app.browser, "f-reason", "新机缺货，厂家补货中");
    await typeDate("f-new_due_on", chinaDate(9));
    await choose("f-informed_by", "短信");
  });
  const steps = await $('[data-testid="section-steps"]');
  await app.browser.waitUntil(async () => (await steps.getText()).includes(chinaDate(9)), { timeout: 10_000 });
  await act("step-done-1");
  await act("step-done-2");
  await act("finish_execution");
  await waitForStep("feedback");
});

test("不满意 reopens; a second plan is carried out; 满意; closed", async () => {
  await act("feedback", async () => {
    await choose("f-satisfaction", "不满意");
    await click($('[data-testid="f-score"] li:nth-child(2) div[role="radio"]'));
    await fill(app.browser, "f-comments", "新机外机仍有异响");
  });
  await waitForStep("planning");
  assert.match(await (await $('[data-testid="handling"]')).getText(), /第 1 次重新处理/);
  await act("draft", async () => {
    await fill(app.browser, "f-summary", "再次检测并加装减震垫");
    await click($('[data-testid="remove-measure-1"]'));
    await choose("f-measures-0-kind", "维修");
    await fill(app.browser, "f-measures-0-description", "加装减震垫并复检");
    await fill(app.browser, "f-measures-0-steps-0-title", "上门加装减震垫");
    await typeDate("f-measures-0-steps-0-due_on", chinaDate(2));
  });
  await (await $('[data-testid="plan-v3"]')).waitForDisplayed({ timeout: 10_000 });
  await act("offer-3");
  await act("negotiate", async () => {
    await choose("f-response", "接受");
  });
  await waitForStep("executing");
  await act("step-done-1");
  await act("finish_execution");
  await act("feedback", async () => {
    await choose("f-satisfaction", "满意");
    await click($('[data-testid="f-score"] li:nth-child(5) div[role="radio"]'));
  });
  await act("close", async () => {
    await fill(app.browser, "f-result", "更换新机并加装减震垫，补偿误工费 500 元，消费者满意");
    await choose("f-root_cause", "产品缺陷");
  });
  await waitForStep("closed");
  const timeline = await (await $('[data-testid="case-timeline"]')).getText();
  for (const entry of ["制定方案", "延期", "结果反馈", "添加证据", "结案"]) {
    assert.ok(timeline.includes(entry), `the timeline lacks ${entry}`);
  }
  await saveScreenshot(app.browser, "handling-closed");
});
