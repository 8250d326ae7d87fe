// A newcomer's first minutes: the app opens on the ledger, demo data loads in one click, the
// ledger's rows are real cases from the database, a case opens with its timeline, and the
// interface switches to English.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { clickWhenClear, saveScreenshot, settle, setUpAdministrator, startApp } from "./harness.mjs";

let app;
before(async () => {
  app = await startApp();
});
after(async () => {
  await app?.close();
});

const $ = (sel) => app.browser.$(sel);
const $$ = (sel) => app.browser.$$(sel);
const click = async (el) => clickWhenClear(app.browser, await el);

test("the first start creates the administrator, then opens on an empty ledger", async () => {
  await saveScreenshot(app.browser, "first-start");
  await setUpAdministrator(app.browser);
  const title = await $('[data-testid="section-title"]');
  await title.waitForDisplayed({ timeout: 20_000 });
  assert.match(await title.getText(), /^台账/);
  const empty = await $('[data-testid="ledger-empty"]');
  await empty.waitForDisplayed({ timeout: 10_000 });
  assert.match(await empty.getText(), /台账中还没有案件/);
  await saveScreenshot(app.browser, "ledger-empty");
});

test("demo data loads in one click and the ledger shows its rows", async () => {
  await click($('[data-testid="load-demo"]'));
  const total = await $('[data-testid="ledger-total"]');
  await app.browser.waitUntil(async () => (await total.getText()) === "共 1,000 件", {
    timeout: 60_000,
    timeoutMsg: "the ledger did not show 1,000 cases",
  });
  const rows = await $$('[data-testid="ledger-table"] tr.ant-table-row');
  assert.equal(rows.length, 50, "the first page holds 50 rows");
  const cells = await rows[0].$$("td");
  const caseNo = await cells[0].getText();
  assert.match(caseNo, /^\d{4}-HQ-\d{6}$/);
  const receivedFirst = await cells[1].getText();
  const receivedSecond = await (await rows[1].$$("td"))[1].getText();
  assert.ok(receivedFirst >= receivedSecond, "newest first");
  assert.match(await cells[3].getText(), /\p{Script=Han}/u, "the consumer has a Chinese name");
  await saveScreenshot(app.browser, "ledger-demo");
});

test("a case opens from the keyboard, with its timeline", async () => {
  const link = await $('[data-testid="ledger-table"] tr.ant-table-row .case-link');
  const caseNo = await link.getText();
  await app.browser.execute((el) => el.focus(), link);
  await app.browser.keys("Enter");
  const drawer = await $(".ant-drawer-title");
  await app.browser.waitUntil(async () => (await drawer.getText()).includes(caseNo), { timeout: 10_000 });
  const timeline = await $('[data-testid="case-timeline"]');
  await timeline.waitForDisplayed({ timeout: 10_000 });
  const text = await timeline.getText();
  assert.match(text, /受理登记/);
  assert.match(text, /记录人 系统管理员/, "the demo data was written by the administrator who loaded it");
  await saveScreenshot(app.browser, "case-drawer");
  // The drawer's sections load after it opens and shift it: click its close button once it
  // stands still.
  const close = await $(".ant-drawer-close");
  await settle(app.browser, close);
  await click(close);
  await (await $(".ant-drawer-content-wrapper")).waitForDisplayed({ reverse: true, timeout: 10_000 });
});

test("sorting by case number asks the core and reorders the rows", async () => {
  const header = await $('[data-testid="ledger-table"] th.ant-table-column-has-sorters');
  await click(header);
  await app.browser.waitUntil(
    async () => {
      const cell = await $('[data-testid="ledger-table"] tr.ant-table-row td');
      return (await cell.getText()).endsWith("-000001");
    },
    { timeout: 10_000, timeoutMsg: "ascending case numbers did not start at 000001" },
  );
});

test("the workbench and settings show the same database", async () => {
  await click($('[data-testid="nav-workbench"]'));
  const total = await $('[data-testid="figure-total"]');
  await app.browser.waitUntil(async () => /1,000/.test(await total.getText()), {
    timeout: 10_000,
    timeoutMsg: "the workbench did not count 1,000 cases",
  });
  const open = Number((await (await $('[data-testid="figure-open"]')).getText()).replace(/\D/g, ""));
  const closed = Number((await (await $('[data-testid="figure-closed"]')).getText()).replace(/\D/g, ""));
  assert.ok(open > 0 && closed > 0 && open + closed <= 1000, `open ${open}, closed ${closed}`);
  await saveScreenshot(app.browser, "workbench");

  await click($('[data-testid="nav-settings"]'));
  const info = await $('[data-testid="system-info"]');
  await info.waitForDisplayed({ timeout: 10_000 });
  assert.ok((await info.getText()).includes(app.dbPath), "settings name the database file in use");
  await click($('[data-testid="nav-ledger"]'));
  await (await $('[data-testid="ledger-table"]')).waitForDisplayed({ timeout: 10_000 });
});

test("full-text search finds a two-character word, marks it, and opens the case", async () => {
  const box = await $('[data-testid="ledger-search"] input');
  await click(box);
  await box.addValue("漏水");
  await app.browser.keys("Enter");
  const total = await $('[data-testid="search-total"]');
  await total.waitForDisplayed({ timeout: 10_000 });
  const found = Number((await total.getText()).replace(/[^0-9]/g, ""));
  assert.ok(found > 0, `漏水 occurs in the demo complaints (${await total.getText()})`);
  const marks = await app.browser.execute(() =>
    Array.from(document.querySelectorAll('[data-testid="search-results"] mark')).map((m) => m.textContent),
  );
  assert.ok(marks.length > 0 && marks.every((t) => t === "漏水"), JSON.stringify(marks));
  await saveScreenshot(app.browser, "search");
  await click($(".search-hit"));
  await (await $('[data-testid="case-drawer"]')).waitForDisplayed({ timeout: 10_000 });
  await app.browser.keys("Escape");
  // Clearing the box brings the ledger back.
  await click(box);
  await app.browser.keys(["Control", "a"]);
  await app.browser.keys("Backspace");
  await (await $('[data-testid="ledger-table"]')).waitForDisplayed({ timeout: 10_000 });
});

test("the interface switches to English", async () => {
  await click($('[data-testid="language"]'));
  const english = await $(".ant-select-item-option[title='English']");
  await english.waitForDisplayed({ timeout: 5_000 });
  await click(english);
  const title = await $('[data-testid="section-title"]');
  await app.browser.waitUntil(async () => (await title.getText()).startsWith("Ledger"), { timeout: 5_000 });
  assert.match(await (await $('[data-testid="ledger-total"]')).getText(), /^1,000 cases$/);
});
