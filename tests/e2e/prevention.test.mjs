// Prevention through the real app (issue 10): legal drafts an operating standard and the manager
// approves it in force from today; the manager imports a satisfaction survey file (its path
// pasted), checked before it is imported, and reads the store's score beside its complaints;
// an agent taking a complaint looks the standard up beside the intake form, which keeps what
// was typed.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { choose, clickWhenClear, closeDrawer, fill, invokeCommand, loadDemo, settle, setUpAdministrator, signIn, signOut, startApp } from "./harness.mjs";

let app;
before(async () => {
  app = await startApp();
});
after(async () => {
  await app?.close();
});

const $ = (sel) => app.browser.$(sel);
const click = async (el) => {
  const element = await el;
  await element.waitForDisplayed({ timeout: 15_000 });
  await settle(app.browser, element);
  await clickWhenClear(app.browser, element);
};
const waitForText = async (sel, text, timeout = 15_000) => {
  const el = await $(sel);
  await el.waitForDisplayed({ timeout });
  await app.browser.waitUntil(async () => (await el.getText()).includes(text), {
    timeout,
    timeoutMsg: `${sel} shows ${text}`,
  });
  return el;
};
const TITLE = "空调安装收费标准";
const chinaToday = () => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

test("legal drafts an operating standard and the manager approves it in force from today", async () => {
  await setUpAdministrator(app.browser);
  await loadDemo(app.browser);
  await signOut(app.browser);
  await signIn(app.browser, "legal01", "Demo2026");
  await click($('[data-testid="nav-supervision"]'));
  await click($('[data-testid="supervision-tab-standards"]'));
  await click($('[data-testid="standard-new"]'));
  await (await $('[data-testid="standard-title-input"]')).waitForDisplayed({ timeout: 10_000 });
  await fill(app.browser, "standard-title-input", TITLE);
  await fill(app.browser, "standard-body", "标准安装免费。\n加长铜管每米 80 元，支架每副 120 元。");
  await click($('[data-testid="standard-save"]'));
  // What was saved opens: the draft, version 1.
  await waitForText('[data-testid="standard-detail-title"]', TITLE);
  await closeDrawer(app.browser);
  await waitForText('[data-testid="standards-table"]', TITLE);
  // Legal may draft, not approve.
  const listed = await invokeCommand(app.browser, "standards_list", { request: {} });
  const mine = listed.find((s) => s.title === TITLE);
  assert.equal(mine.latest_status, "draft");
  assert.equal(mine.in_force, null);
  await signOut(app.browser);

  await signIn(app.browser, "manager01", "Demo2026");
  await click($('[data-testid="nav-supervision"]'));
  await click($('[data-testid="supervision-tab-standards"]'));
  await click($('[data-testid="standard-title"]'));
  await waitForText('[data-testid="standard-detail-title"]', TITLE);
  await click($('[data-testid="standard-approve-1"]'));
  await (await $('[data-testid="standard-effective-from"]')).waitForDisplayed({ timeout: 10_000 });
  await fill(app.browser, "standard-effective-from", chinaToday());
  await click($('[data-testid="standard-approve-submit"]'));
  await app.browser.waitUntil(
    async () => {
      const now = await invokeCommand(app.browser, "standards_list", { request: {} });
      return now.find((s) => s.id === mine.id)?.in_force === 1;
    },
    { timeout: 15_000, timeoutMsg: "version 1 is in force" },
  );
  await waitForText('[data-testid="standard-shown"]', "现行");
  await closeDrawer(app.browser);
});

test("a survey file is checked, imported and read beside the store's complaints", async () => {
  const dir = mkdtempSync(join(tmpdir(), "redress-survey-"));
  const file = join(dir, "门店满意度.csv");
  const month = chinaToday().slice(0, 7);
  writeFileSync(
    file,
    `日期,门店,商品,评分\n${month}-01,ST-SH-XH,空调,5\n${month}-01,ST-SH-XH,空调,满意\n${month}-01,上海徐汇店,冰箱,3\n`,
  );
  await click($('[data-testid="supervision-tab-surveys"]'));
  await fill(app.browser, "survey-path", file);
  await click($('[data-testid="survey-check-path"]'));
  await waitForText('[data-testid="survey-check-rows"]', "3");
  await click($('[data-testid="survey-import"]'));
  await waitForText('[data-testid="survey-batches"]', "门店满意度.csv");
  // The store's score: (100 + 80 + 60) / 3 on the 100-point scale.
  await waitForText('[data-testid="survey-summary"]', "上海徐汇店");
  await waitForText('[data-testid="survey-summary"]', "80.0");
  const summary = await invokeCommand(app.browser, "surveys_summary", { request: { by: "store" } });
  assert.equal(summary.series.length, 1);
  assert.equal(summary.series[0].score, 80);
  // The same file again is refused: nothing doubles.
  await fill(app.browser, "survey-path", file);
  await click($('[data-testid="survey-check-path"]'));
  await click($('[data-testid="survey-import"]'));
  await waitForText(".ant-message", "已经导入过");
  const batches = await invokeCommand(app.browser, "surveys_batches", { request: {} });
  assert.equal(batches.length, 1);
  await signOut(app.browser);
});

test("an agent looks the standard up at intake without losing what was typed", async () => {
  await signIn(app.browser, "agent01", "Demo2026");
  await click($('[data-testid="nav-intake"]'));
  await (await $('[data-testid="intake-form"]')).waitForDisplayed({ timeout: 15_000 });
  await fill(app.browser, "intake-name", "孙丽");
  await fill(app.browser, "intake-content", "空调安装收了铜管费用，询问收费标准。");
  await choose(app.browser, "intake-category", "产品质量");
  await click($('[data-testid="intake-standards"]'));
  await waitForText('[data-testid="standards-lookup-list"]', TITLE);
  // The search box is antd's Input.Search: its test id names the box around the input.
  const query = await $('[data-testid="standards-lookup-query"] input');
  await click(query);
  await query.addValue("铜管");
  await waitForText('[data-testid="standards-lookup-list"]', TITLE);
  await closeDrawer(app.browser);
  const name = await $('[data-testid="intake-name"]');
  assert.equal(await name.getValue(), "孙丽");
  assert.match(await (await $('[data-testid="intake-content"]')).getValue(), /铜管费用/);
});
