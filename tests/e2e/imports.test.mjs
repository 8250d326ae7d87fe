// The ledger's files through the real app: a manager imports the GBK car-complaint file with a
// saved mapping (typed path, preview, run, report: 300 in, 330 repeats), opens the imported batch
// in the ledger, exports the ledger (the command the save dialog feeds) to .xlsx and .csv, and
// corrects a consumer's address, which shows on the case's timeline.
import assert from "node:assert/strict";
import { mkdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";

import {
  ARTIFACTS,
  clickWhenClear,
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

const CAR_FILE = resolve(import.meta.dirname, "../../../shared/data/external/cn_12365auto_car_complaints/car_complain.csv");

// docs/examples/mappings/car_complain.toml, as the wizard saves it (JSON).
const CAR_MAPPING = {
  source: "12365auto",
  encoding: "auto",
  external_id: ["id"],
  fields: {
    received_at: { column: "投诉时间", values: {} },
    channel: { value: "media", values: {} },
    product_name: { columns: ["投诉品牌", "投诉车系"], join: " ", values: {} },
    product_model: { column: "投诉车型", values: {} },
    content: { columns: ["问题简述", "典型问题"], join: "\n典型问题：", values: {} },
    category: { value: "product_quality", values: {} },
    status: {
      column: "投诉状态",
      values: { 信息审核: "received", 厂家受理: "investigating", 处理反馈: "feedback", 用户评分: "closed" },
    },
  },
};

let app;
before(async () => {
  app = await startApp();
});
after(async () => {
  await app?.close();
});

const $ = (sel) => app.browser.$(sel);
const click = async (el) => clickWhenClear(app.browser, await el);
/** Replaces an input's text the way a person does (select all, type), so React sees it. */
async function replaceText(selector, text) {
  await click($(selector));
  await app.browser.keys(["Control", "a"]);
  await app.browser.keys("Backspace");
  await (await $(selector)).addValue(text);
}
const countOf = async (testId) => Number(await (await $(`[data-testid="${testId}"]`)).getAttribute("data-value"));

test("a manager imports a GBK spreadsheet with a saved mapping and finds its cases in the ledger", async () => {
  await setUpAdministrator(app.browser);
  await loadDemo(app.browser);
  await signOut(app.browser);
  await signIn(app.browser, "manager01", "Demo2026");
  await (await $('[data-testid="section-title"]')).waitForDisplayed({ timeout: 20_000 });
  // The mapping was saved by an earlier import of the same kind of file.
  await invokeCommand(app.browser, "imports_mapping_save", { request: { mapping: CAR_MAPPING } });

  await click($('[data-testid="nav-imports"]'));
  const path = await $('[data-testid="import-path"]');
  await path.waitForDisplayed({ timeout: 15_000 });
  await path.setValue(CAR_FILE);
  await click($('[data-testid="import-read"]'));
  const encoding = await $('[data-testid="import-detected-encoding"]');
  await encoding.waitForDisplayed({ timeout: 15_000 });
  assert.match(await encoding.getText(), /GB/i, "the GBK file is recognised");
  const sampleText = () => app.browser.execute(() => document.querySelector('[data-testid="import-sample"]')?.textContent ?? "");
  await app.browser.waitUntil(async () => /吉利汽车/.test(await sampleText()), {
    timeout: 10_000,
    timeoutMsg: "Chinese does not read right in the sample",
  });
  await click($('[data-testid="import-next"]'));
  await openWith(app.browser, '[data-testid="import-preview"]', '[data-testid="import-will-import"]', 30_000);
  assert.equal(await countOf("import-will-import"), 300);
  assert.equal(await countOf("import-will-duplicate"), 330);
  assert.equal(await countOf("import-will-reject"), 0);
  await saveScreenshot(app.browser, "import-preview");

  await openWith(app.browser, '[data-testid="import-run"]', '[data-testid="import-run-ok"]');
  await click($('[data-testid="import-run-ok"]'));
  const imported = await $('[data-testid="import-imported"]');
  await imported.waitForDisplayed({ timeout: 60_000 });
  assert.equal(await countOf("import-imported"), 300);
  assert.equal(await countOf("import-duplicates"), 330);
  assert.equal(await countOf("import-rejected"), 0);
  await saveScreenshot(app.browser, "import-report");
  // (textContent: WebKit's WebDriver leaves text cut by an ellipsis out of getText.)
  const history = await app.browser.execute(() => document.querySelector('[data-testid="import-history"]').textContent);
  assert.match(history, /car_complain\.csv.*12365auto/);

  await click($('[data-testid="import-open-ledger"]'));
  const total = await $('[data-testid="ledger-total"]');
  await app.browser.waitUntil(async () => (await total.getText()) === "共 300 件", {
    timeout: 20_000,
    timeoutMsg: "the ledger did not show the 300 imported cases",
  });
  const firstRow = await $('[data-testid="ledger-table"] tr.ant-table-row');
  assert.match(await firstRow.getText(), /2020-06/, "imported cases keep their own received dates");
  await saveScreenshot(app.browser, "ledger-imported-batch");
});

test("the ledger exports to .xlsx and to .csv with a byte-order mark", async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  const xlsx = join(ARTIFACTS, "ledger-export.xlsx");
  const csv = join(ARTIFACTS, "ledger-export.csv");
  const filter = { categories: ["product_quality"], sort_by: "case_no", sort_dir: "asc" };
  const listed = await invokeCommand(app.browser, "cases_list", { request: { ...filter, limit: 1 } });
  const done = await invokeCommand(app.browser, "cases_export", { request: { path: xlsx, filter, lang: "zh-CN" } });
  assert.equal(done.rows, listed.total);
  assert.equal(readFileSync(xlsx).subarray(0, 2).toString(), "PK", "an xlsx (zip) file");
  const asCsv = await invokeCommand(app.browser, "cases_export", { request: { path: csv, filter } });
  assert.equal(asCsv.rows, listed.total);
  const bytes = readFileSync(csv);
  assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const lines = bytes.toString("utf8").trim().split("\r\n");
  assert.equal(lines.length, listed.total + 1, "a header and one line per case");
  assert.match(lines[0], /^\uFEFF?案件编号,受理时间/);
  assert.ok(statSync(xlsx).size > 10_000);
});

test("a consumer's address is corrected from a case and the timeline says so", async () => {
  await click($('[data-testid="nav-ledger"]'));
  const link = await $('[data-testid="ledger-table"] tr.ant-table-row .case-link');
  await link.waitForDisplayed({ timeout: 15_000 });
  await click(link);
  const section = await $('[data-testid="consumer-section"]');
  await section.waitForDisplayed({ timeout: 15_000 });
  const cases = await $('[data-testid="consumer-cases-title"]');
  assert.match(await cases.getText(), /该消费者的全部案件/);
  const edit = await $('[data-testid="consumer-edit"]');
  await settle(app.browser, edit);
  await openWith(app.browser, '[data-testid="consumer-edit"]', '[data-testid="contact-address"]');
  await replaceText('[data-testid="contact-address"]', "浙江省杭州市西湖区文三路 90 号");
  await (await $('[data-testid="contact-note"]')).setValue("消费者来电告知新地址");
  await click($('[data-testid="consumer-edit-ok"]'));
  const timeline = await $('[data-testid="case-timeline"]');
  try {
    await app.browser.waitUntil(async () => /更正联系方式：.*地址/.test(await timeline.getText()), {
      timeout: 15_000,
      timeoutMsg: "the correction did not reach the timeline",
    });
  } catch (e) {
    await saveScreenshot(app.browser, "failed-consumer-correction");
    throw e;
  }
  assert.match(await (await $('[data-testid="consumer-contact"]')).getText(), /文三路 90 号/);
  await saveScreenshot(app.browser, "consumer-corrected");
});
