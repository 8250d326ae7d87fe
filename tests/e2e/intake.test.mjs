// Intake through the real app: an intake agent records a complex complaint from the keyboard
// and transfers it to a handler; then resolves a simple one on the spot, which closes it.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import {
  choose as pick,
  clickWhenClear,
  fill,
  openWith,
  saveScreenshot,
  setUpAdministrator,
  signIn,
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

test("an administrator loads the demo organisation and accounts", async () => {
  await setUpAdministrator(app.browser);
  await click($('[data-testid="load-demo"]'));
  const total = await $('[data-testid="ledger-total"]');
  await app.browser.waitUntil(async () => (await total.getText()) === "共 1,000 件", { timeout: 60_000 });
  await click($('[data-testid="user-menu"]'));
  const item = await $('[data-testid="sign-out"]');
  await item.waitForDisplayed({ timeout: 5_000 });
  await click(item);
  await signIn(app.browser, "agent01", "Demo2026");
  await (await $('[data-testid="section-title"]')).waitForDisplayed({ timeout: 10_000 });
});

let firstCaseNo = "";

test("a hotline agent records a complex complaint by keyboard and transfers it", async () => {
  // Ctrl+N opens a new intake from anywhere.
  await app.browser.keys(["Control", "n"]);
  await (await $('[data-testid="intake-form"]')).waitForDisplayed({ timeout: 5_000 });
  await fill(app.browser, "intake-name", "赵敏");
  await fill(app.browser, "intake-mobile", "139 0013 8000");
  await fill(app.browser, "intake-product", "燃气热水器");
  await fill(app.browser, "intake-amount", "2399.00");
  await fill(app.browser, "intake-content", "安装后第三天漏水，售后两次上门未修好，要求退货。");
  await choose("intake-category", "产品质量");
  await choose("intake-department", "售后服务部");
  await choose("intake-handler", "陈静");
  await saveScreenshot(app.browser, "intake-form");
  await app.browser.keys(["Control", "Enter"]);
  const done = await $('[data-testid="intake-done"]');
  await done.waitForDisplayed({ timeout: 10_000 });
  assert.match(await done.getText(), /已受理，案件编号 \d{4}-HQ-\d{6}/);
  firstCaseNo = (await done.getText()).replace(/^.*案件编号 /, "");
});

test("typing a known mobile number shows the consumer's earlier complaint", async () => {
  await click($('[data-testid="intake-again"]'));
  await fill(app.browser, "intake-mobile", "13900138000");
  const panel = await $('[data-testid="related"]');
  await app.browser.waitUntil(async () => (await panel.getText()).includes(firstCaseNo), {
    timeout: 10_000,
    timeoutMsg: `the related panel does not show ${firstCaseNo}`,
  });
  assert.match(await panel.getText(), /该消费者共有 1 件历史投诉/);
});

test("a draft survives leaving the screen", async () => {
  await fill(app.browser, "intake-name", "周草稿");
  await fill(app.browser, "intake-content", "尚未填完的投诉");
  await new Promise((r) => setTimeout(r, 2_500)); // the draft is saved after 2 s without typing
  await click($('[data-testid="nav-ledger"]'));
  await (await $('[data-testid="ledger-table"]')).waitForDisplayed({ timeout: 10_000 });
  await click($('[data-testid="nav-intake"]'));
  await (await $('[data-testid="draft-restored"]')).waitForDisplayed({ timeout: 10_000 });
  assert.equal(await (await $('[data-testid="intake-name"]')).getValue(), "周草稿");
  assert.equal(await (await $('[data-testid="intake-content"]')).getValue(), "尚未填完的投诉");
});

test("a store agent resolves a simple complaint on the spot and closes it", async () => {
  await fill(app.browser, "intake-name", "钱多多");
  await fill(app.browser, "intake-mobile", "13700001234");
  await fill(app.browser, "intake-product", "智能手表");
  await fill(app.browser, "intake-content", "表带扣松动，要求更换表带。");
  await choose("intake-category", "售后服务");
  await click($('[data-testid="intake-simple"]'));
  await fill(app.browser, "intake-answer", "当场更换同款表带");
  await fill(app.browser, "intake-response", "满意");
  await choose("intake-satisfaction", "满意");
  await click($('[data-testid="intake-submit"]'));
  const done = await $('[data-testid="intake-done"]');
  await done.waitForDisplayed({ timeout: 10_000 });
  assert.match(await (await $(".ant-result-subtitle")).getText(), /已当场解决并结案/);
});

test("a wrong mobile number is shown in place, and what was typed stays", async () => {
  await click($('[data-testid="intake-again"]'));
  await fill(app.browser, "intake-name", "孙立");
  await fill(app.browser, "intake-mobile", "12345");
  await fill(app.browser, "intake-product", "扫地机器人");
  await fill(app.browser, "intake-content", "无法回充");
  await choose("intake-category", "产品质量");
  await choose("intake-handler", "陈静");
  await click($('[data-testid="intake-submit"]'));
  const error = await $(".ant-form-item-explain-error");
  await app.browser.waitUntil(async () => /格式不正确/.test(await error.getText()), {
    timeout: 10_000,
    timeoutMsg: "the mobile field shows no error",
  });
  assert.equal(await (await $('[data-testid="intake-content"]')).getValue(), "无法回充");
});

test("the handler pauses the transferred case's clock with a reason, and resumes it", async () => {
  await click($('[data-testid="user-menu"]'));
  const item = await $('[data-testid="sign-out"]');
  await item.waitForDisplayed({ timeout: 5_000 });
  await click(item);
  await signIn(app.browser, "handler.as", "Demo2026");
  await click($('[data-testid="nav-ledger"]'));
  const link = await $(`//button[contains(@class, "case-link")][normalize-space()="${firstCaseNo}"]`);
  await link.waitForDisplayed({ timeout: 10_000 });
  await click(link);
  await (await $('[data-testid="case-timeline"]')).waitForDisplayed({ timeout: 10_000 });
  await openWith(app.browser, '[data-testid="clock-pause"]', '[data-testid="pause-reason"]');
  await fill(app.browser, "pause-reason", "等待厂家检测报告");
  await click($(".ant-modal-footer .ant-btn-primary"));
  const paused = await $('[data-testid="clock-paused"]');
  await paused.waitForDisplayed({ timeout: 10_000 });
  assert.match(await paused.getText(), /计时已暂停：等待厂家检测报告/);
  await click($('[data-testid="clock-resume"]'));
  await (await $('[data-testid="clock-pause"]')).waitForDisplayed({ timeout: 10_000 });
  const timeline = await (await $('[data-testid="case-timeline"]')).getText();
  assert.match(timeline, /暂停计时：等待厂家检测报告/);
  assert.match(timeline, /恢复计时/);
});
