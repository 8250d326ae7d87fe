// Statistics, KPIs and the analysis report through the real app (issue 8): the manager opens
// the statistics and a figure's cases in the ledger; sets a target and sees the KPI rated by
// it; imports business volume and gets a complaint rate; drafts, writes, previews and issues
// the quarter's report, whose PDF is checked with qpdf and pdftotext.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { ARTIFACTS, choose, clickWhenClear, fill, invokeCommand, loadDemo, saveScreenshot, settle, setUpAdministrator, signIn, signOut, startApp } from "./harness.mjs";

let app;
before(async () => {
  app = await startApp();
});
after(async () => {
  await app?.close();
});

const $ = (sel) => app.browser.$(sel);
const click = async (el) => clickWhenClear(app.browser, await el);
const digits = (s) => Number(String(s).replace(/[^0-9.]/g, ""));

/**
 * Types lines into a text area, pressing Enter between them (WebDriver's text drops line
 * breaks), until the text area holds exactly that text. WebKitWebDriver now and then loses
 * keys sent while the drawer is still settling; the field is then cleared and typed again, as
 * a person would, at most three times.
 */
async function typeLines(testId, lines) {
  const box = await $(`[data-testid="${testId}"]`);
  await settle(app.browser, box);
  const text = lines.join("\n");
  let held = "";
  for (let attempt = 0; attempt < 3; attempt++) {
    await fill(app.browser, testId, lines[0]);
    for (const line of lines.slice(1)) {
      await app.browser.keys("Enter");
      await box.addValue(line);
    }
    try {
      await app.browser.waitUntil(async () => (held = await box.getValue()) === text, { timeout: 5_000 });
      return;
    } catch {
      // typed again below
    }
  }
  assert.equal(held, text, `${testId} did not take the text`);
}

/** Waits until the ledger shows a total and returns it. */
async function ledgerTotal() {
  const total = await $('[data-testid="ledger-total"]');
  await total.waitForDisplayed({ timeout: 15_000 });
  let n = NaN;
  await app.browser.waitUntil(
    async () => {
      n = digits(await total.getText());
      return Number.isFinite(n) && (await total.getText()).length > 0;
    },
    { timeout: 15_000 },
  );
  return n;
}

/** The current quarter as the KPI page names it (China time). */
function thisQuarter() {
  const now = new Date(Date.now() + 8 * 3600_000);
  return `${now.getUTCFullYear()}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`;
}

test("the manager's statistics agree with the core, and a figure opens its cases", async () => {
  await setUpAdministrator(app.browser);
  await loadDemo(app.browser);
  await signOut(app.browser);
  await signIn(app.browser, "manager01", "Demo2026");
  await click($('[data-testid="nav-stats"]'));
  const count = await $('[data-testid="stats-total-count"]');
  await count.waitForDisplayed({ timeout: 30_000 });
  const [from, to] = (await (await $('[data-testid="stats-period"]')).getText()).split(" 至 ");
  const core = await invokeCommand(app.browser, "stats_summary", { request: { from, to } });
  await app.browser.waitUntil(async () => digits(await count.getText()) === core.total.count, {
    timeout: 15_000,
    timeoutMsg: `the page's total is not the core's ${core.total.count}`,
  });
  // The hotspots of the period are shown (or why there are none).
  await (await $('[data-testid="stats-hotspots"]')).waitForDisplayed({ timeout: 15_000 });
  await saveScreenshot(app.browser, "statistics");
  // The first category's count opens the ledger on exactly its cases.
  const first = core.breakdowns.find((b) => b.dimension === "category").items[0];
  const link = await $('[data-testid="stats-count-category-0"]');
  await settle(app.browser, link);
  assert.equal(digits(await link.getText()), first.figure.count);
  await click(link);
  assert.equal(await ledgerTotal(), first.figure.count, "the ledger lists the figure's cases");
});

test("a target rates the KPI, and the KPI's cases open in the ledger", async () => {
  await click($('[data-testid="nav-kpi"]'));
  await (await $('[data-testid="kpi-page"]')).waitForDisplayed({ timeout: 30_000 });
  const period = thisQuarter();
  await click($('[data-testid="kpi-tab-targets"]'));
  await click($('[data-testid="kpi-target-add"]'));
  await (await $('[data-testid="kpi-target-form"]')).waitForDisplayed({ timeout: 10_000 });
  await choose(app.browser, "kpi-target-kpi", "处理及时率");
  // A limit above the goal is refused by the core, on the field.
  await fill(app.browser, "kpi-target-goal", "80");
  await fill(app.browser, "kpi-target-limit", "90");
  await click($('[data-testid="kpi-target-submit"]'));
  // The core's refusal, shown on the field (the message fades in: wait for its words).
  const problem = await $('[data-testid="kpi-target-form"] .ant-form-item-explain-error');
  await problem.waitForExist({ timeout: 10_000 });
  let said = "";
  await app.browser.waitUntil(
    async () => {
      said = await app.browser.execute((el) => el.textContent, problem);
      return said.length > 0;
    },
    { timeout: 10_000, timeoutMsg: "no message on the field" },
  );
  assert.match(said, /警戒值|目标/);
  await fill(app.browser, "kpi-target-goal", "95");
  await fill(app.browser, "kpi-target-limit", "85");
  await click($('[data-testid="kpi-target-submit"]'));
  await (await $('[data-testid="kpi-target-form"]')).waitForDisplayed({ reverse: true, timeout: 10_000 });

  await click($('[data-testid="kpi-tab-overview"]'));
  const core = await invokeCommand(app.browser, "kpi_summary", { request: { period, by: "department" } });
  const onTime = core.total.values.find((v) => v.kpi === "on_time_rate");
  assert.ok(onTime.target, "the core applies the year's target to the quarter");
  const tile = await $('[data-testid="kpi-tile-on_time_rate"]');
  await tile.waitForDisplayed({ timeout: 15_000 });
  await app.browser.waitUntil(async () => (await tile.getAttribute("data-rating")) === onTime.rating, {
    timeout: 15_000,
    timeoutMsg: `the tile is not rated ${onTime.rating}`,
  });
  const shown = await (await $('[data-testid="kpi-tile-value-on_time_rate"]')).getText();
  assert.equal(digits(shown), onTime.value, `the tile shows ${onTime.value}`);
  await saveScreenshot(app.browser, "kpis");
  await click(tile);
  assert.equal(await ledgerTotal(), onTime.numerator, "the cases closed on time");
});

test("business volume imported from CSV gives the complaint rate", async () => {
  await click($('[data-testid="nav-kpi"]'));
  await click($('[data-testid="kpi-tab-volume"]'));
  const core = await invokeCommand(app.browser, "kpi_summary", { request: { period: thisQuarter() } });
  const [year, q] = thisQuarter().split("-Q");
  const months = [1, 2, 3].map((i) => `${year}-${String((Number(q) - 1) * 3 + i).padStart(2, "0")}`);
  await click($('[data-testid="volume-import"]'));
  await typeLines("volume-import-text", ["单位,月份,订单数", ...months.map((m) => `CO,${m},10000`)]);
  await click($('[data-testid="volume-import-preview"]'));
  const submit = await $('[data-testid="volume-import-submit"]');
  await app.browser
    .waitUntil(async () => await submit.isEnabled(), { timeout: 10_000, timeoutMsg: "the dry run did not pass" })
    .catch(async (e) => {
      await saveScreenshot(app.browser, "volume-import-refused");
      throw e;
    });
  await click(submit);
  await (await $(`[data-testid="volume-cell-CO-${months[0]}"]`)).waitForDisplayed({ timeout: 15_000 });
  await click($('[data-testid="kpi-tab-overview"]'));
  const expected = Math.round((core.total.received / 30_000) * 10_000 * 100) / 100;
  const rate = await $('[data-testid="kpi-tile-value-complaint_rate"]');
  await app.browser.waitUntil(async () => digits(await rate.getText()) === expected, {
    timeout: 15_000,
    timeoutMsg: `the complaint rate is not ${expected}`,
  });
});

test("the quarter's report is drafted, written, previewed, issued and printed", async () => {
  await click($('[data-testid="nav-reports"]'));
  await (await $('[data-testid="reports-page"]')).waitForDisplayed({ timeout: 30_000 });
  await click($('[data-testid="reports-new"]'));
  const period = await $('[data-testid="reports-new-period"]');
  await period.waitForDisplayed({ timeout: 10_000 });
  const name = await period.getText();
  assert.match(name, /^\d{4}年第[一二三四]季度$/, "the quarter just ended");
  const create = await $('[data-testid="reports-create"]');
  await settle(app.browser, create);
  await click(create);
  const drawer = await $('[data-testid="report-drawer"]');
  await drawer.waitForDisplayed({ timeout: 20_000 });
  const title = await $('[data-testid="report-title"]');
  await app.browser.waitUntil(async () => (await title.getValue()) === `${name}消费纠纷统计分析报告`, {
    timeout: 10_000,
    timeoutMsg: "the draft's title names the quarter",
  });
  await app.browser.pause(400);
  await typeLines("report-conclusions", ["本季度纠纷以产品质量类为主，处理及时率略低于目标。"]);
  await typeLines("report-proposals", ["一、对热点商品加强进货检验。", "二、对安装服务人员开展专项培训。"]);
  await click($('[data-testid="report-refresh"]'));
  const page = await $('[data-testid="report-preview"] canvas');
  await page.waitForExist({ timeout: 60_000 });
  // pdf.js draws the cover a moment later: wait for ink on it.
  await app.browser.waitUntil(
    async () =>
      app.browser.execute(() => {
        const first = document.querySelector('[data-testid="report-preview"] canvas');
        const data = first.getContext("2d").getImageData(0, 0, first.width, first.height).data;
        let ink = 0;
        for (let i = 0; i < data.length; i += 4) if (data[i] < 128 && data[i + 3] > 0) ink++;
        return ink > 2_000;
      }),
    { timeout: 30_000, interval: 300, timeoutMsg: "the preview's first page stayed blank" },
  );
  await saveScreenshot(app.browser, "report-draft");

  await click($('[data-testid="report-issue"]'));
  const confirm = await $('[data-testid="report-issue-confirm"]');
  await confirm.waitForDisplayed({ timeout: 20_000 });
  await settle(app.browser, confirm);
  await click(confirm);
  const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
  const docNo = await $('[data-testid="report-doc-no"]');
  await docNo.waitForDisplayed({ timeout: 60_000 });
  assert.equal(await docNo.getText(), `纠纷统析〔${year}〕1号`);
  await saveScreenshot(app.browser, "report-issued");

  // The kept PDF: a valid file with the author's text, the number and the contents.
  const [issued] = await invokeCommand(app.browser, "reports_list", { request: {} });
  assert.equal(issued.status, "issued");
  const pdf = await invokeCommand(app.browser, "reports_pdf", { request: { id: issued.id } });
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, "report.pdf");
  writeFileSync(file, Buffer.from(pdf.data, "base64"));
  execFileSync("qpdf", ["--check", file]);
  const text = execFileSync("pdftotext", ["-layout", "-enc", "UTF-8", file, "-"]).toString().replace(/\s+/g, "");
  for (const part of [`纠纷统析〔${year}〕1号`, "目录", "一、总体情况", "五、热点问题", "二、对安装服务人员开展专项培训。", "附录：本期案件清单"]) {
    assert.ok(text.includes(part), `the report has ${part}`);
  }
  assert.ok(!text.includes("草稿"), "an issued report is no draft");
});
