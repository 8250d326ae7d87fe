// Emergency handling through the real app (issue 9): a burst of complaints about one water
// heater model raises an early-warning alert; the manager declares an incident from it,
// activates the demo's contingency plan, works its checklist, reports to the authority, records a
// measure, writes the review and closes it; the incident report PDF is checked with qpdf and
// pdftotext. Then a drill is recorded and the plan revised from it and approved.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { ARTIFACTS, choose, clickWhenClear, fill, OPEN_OPTIONS, invokeCommand, loadDemo, saveScreenshot, settle, setUpAdministrator, signIn, signOut, startApp } from "./harness.mjs";

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
const MODEL = "JSQ16-E2E";
const PLAN_TITLE = "产品质量安全事件应急预案";

function chinaToday() {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
}


/** Picks an option of a select (harness `choose`), then waits for its panel to close. */
async function pick(testId, text) {
  await choose(app.browser, testId, text);
  await app.browser.waitUntil(async () => (await app.browser.$$(OPEN_OPTIONS)).length === 0, {
    timeout: 10_000,
    timeoutMsg: `${testId}'s options stayed open`,
  });
}

/** Waits until an element's text satisfies `ok`. */
async function textBecomes(selector, ok, what) {
  const el = await $(selector);
  await el.waitForDisplayed({ timeout: 15_000 });
  await app.browser.waitUntil(async () => ok(await el.getText()), { timeout: 15_000, timeoutMsg: what });
}

test("an alert becomes an incident, handled to its close", async () => {
  await setUpAdministrator(app.browser);
  await loadDemo(app.browser);
  await signOut(app.browser);
  // The demo's plan is in force; an agent takes twelve complaints about one model within the
  // hour.
  await signIn(app.browser, "agent01", "Demo2026");
  await (await $('[data-testid="nav-intake"]')).waitForDisplayed({ timeout: 20_000 });
  for (let i = 0; i < 12; i++) {
    await invokeCommand(app.browser, "cases_create", {
      request: {
        consumer: { name: `消费者${i}`, mobile: `1391000${String(1000 + i)}` },
        channel: "hotline",
        product_name: "燃气热水器",
        product_model: MODEL,
        quantity: 1,
        content: "使用中漏水",
        demand: "refund",
        category: "product_quality",
        department_id: "DEP-AS",
        severity: "serious",
        complexity: "complex",
      },
    });
  }

  await signOut(app.browser);
  await signIn(app.browser, "manager01", "Demo2026");
  await (await $('[data-testid="nav-emergency"]')).waitForDisplayed({ timeout: 20_000 });

  // The alert, with its cluster, declared as an incident by the manager.
  await click($('[data-testid="nav-emergency"]'));
  await click($('[data-testid="emergency-tab-alerts"]'));
  const card = await $(`[data-testid="alert-card"][data-value="${MODEL}"]`);
  await card.waitForDisplayed({ timeout: 30_000 });
  assert.ok((await card.getText()).includes("12"), "the alert counts the twelve cases");
  await saveScreenshot(app.browser, "emergency-alert");
  await click(card.$('[data-testid="alert-declare"]'));
  const title = await $('[data-testid="incident-title"]');
  await title.waitForDisplayed({ timeout: 10_000 });
  assert.ok((await title.getValue()).length > 0, "the title is prefilled from the alert");
  await click($('[data-testid="incident-declare-submit"]'));
  await (await $('[data-testid="incident-detail"]')).waitForDisplayed({ timeout: 15_000 });
  await textBecomes('[data-testid="incident-live-cases"]', (t) => t.replace(/\D/g, "") === "12", "12 linked cases");
  const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
  await textBecomes('[data-testid="incident-no"]', (t) => t.includes(`纠纷应急〔${year}〕1号`), "numbered");

  // The plan activated: its steps a checklist.
  await pick("incident-plan-select", PLAN_TITLE);
  await click($('[data-testid="incident-activate"]'));
  await click($('[data-testid="step-start-1"]'));
  await click($('[data-testid="step-done-1"]'));
  await textBecomes('[data-testid="incident-step-1"]', (t) => t.includes("孙晓燕"), "step 1 has its owner");

  // Reported to each authority the plan names: headquarters within 2 hours, the market
  // regulator within 24.
  for (const [index, channel] of [[0, "电话"], [1, "书面"]]) {
    await click($(`[data-testid="report-make-${index}"]`));
    await fill(app.browser, "report-channel", channel);
    await fill(app.browser, "report-content", "事件概况：同型号热水器集中漏水投诉12件，已下架。");
    await click($('[data-testid="report-submit"]'));
    await textBecomes(`[data-testid="incident-report-${index}"]`, (t) => t.includes(channel), `report ${index} is made`);
  }

  // A measure, then the review.
  await click($('[data-testid="measure-add"]'));
  await fill(app.browser, "measure-text", "全部门店下架该型号");
  await fill(app.browser, "measure-effect", "此后无新增投诉");
  await click($('[data-testid="measure-submit"]'));
  await click($('[data-testid="review-open"]'));
  await fill(app.browser, "review-causes", "供应商密封圈批次缺陷");
  await fill(app.browser, "review-problems", "预警后两小时才启动预案");
  await fill(app.browser, "review-worked", "门店统一口径");
  await fill(app.browser, "review-lessons", "关键部件进货抽检");
  await fill(app.browser, "review-plan-revisions", "核实时限缩短为1小时");
  await click($('[data-testid="review-submit"]'));

  // Closed by the manager.
  await click($('[data-testid="incident-close"]'));
  await click($('[data-testid="incident-close-confirm"]'));
  await textBecomes('[data-testid="incident-status"]', (t) => t.includes("已结案"), "closed");
  await saveScreenshot(app.browser, "emergency-closed");

  const [incident] = await invokeCommand(app.browser, "incidents_list", { request: {} });
  const view = await invokeCommand(app.browser, "incidents_get", { request: { id: incident.id } });
  assert.equal(view.status, "closed");
  assert.equal(view.live.cases, 12);
  assert.equal(view.origin.value, MODEL, "declared from the alert, with its evidence");
  assert.deepEqual(view.reports.map((r) => [r.authority, r.channel]), [["集团总部", "电话"], ["市场监督管理局", "书面"]]);
  assert.equal(view.measures[0].effect, "此后无新增投诉");
  assert.equal(view.review.causes, "供应商密封圈批次缺陷");
  const kinds = view.timeline.map((e) => e.kind);
  for (const kind of ["incident.declared", "incident.plan_activated", "incident.reported", "incident.reviewed", "incident.closed"]) {
    assert.ok(kinds.includes(kind), `the timeline has ${kind}`);
  }
  const timeline = await $('[data-testid="incident-timeline"]');
  await settle(app.browser, timeline);
  assert.ok((await timeline.$$('[data-testid="timeline-entry"]')).length >= kinds.length);

  // The incident report as a PDF.
  const pdf = await invokeCommand(app.browser, "incidents_pdf", { request: { id: incident.id } });
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, "incident.pdf");
  writeFileSync(file, Buffer.from(pdf.data, "base64"));
  execFileSync("qpdf", ["--check", file]);
  const text = execFileSync("pdftotext", ["-layout", "-enc", "UTF-8", file, "-"]).toString().replace(/\s+/g, "");
  for (const part of [`纠纷应急〔${year}〕1号`, "事件概况", "共关联案件12件", "市场监督管理局", "全部门店下架该型号", "供应商密封圈批次缺陷", "处置过程记录"]) {
    assert.ok(text.includes(part), `the incident report has ${part}`);
  }
});

test("a drill is recorded and the plan revised from it, then approved", async () => {
  // The closed incident's drawer is put away first.
  await app.browser.keys("Escape");
  await (await $('[data-testid="incident-detail"]')).waitForDisplayed({ reverse: true, timeout: 10_000 });
  await click($('[data-testid="emergency-tab-drills"]'));
  await click($('[data-testid="drill-new"]'));
  await pick("drill-plan", PLAN_TITLE);
  await fill(app.browser, "drill-scenario", "某批次热水器两天内集中投诉漏水");
  await fill(app.browser, "drill-participants", "王强、李娜、赵敏");
  await fill(app.browser, "drill-duration", "90");
  await fill(app.browser, "drill-problems", "联络员电话无人接听");
  await fill(app.browser, "drill-revisions", "核实时限缩短为1小时");
  await click($('[data-testid="drill-submit"]'));
  // The newest drill comes first (the demo has one from three months ago).
  // (Looked up afresh: the table renders its rows again when the list reloads.)
  await app.browser.waitUntil(
    async () => (await (await $('[data-testid="drill-row"]')).getText()).includes("某批次热水器两天内集中投诉漏水"),
    { timeout: 15_000, timeoutMsg: "the drill is listed first" },
  );
  const row = await $('[data-testid="drill-row"]');
  const drillId = await row.getAttribute("data-id");

  // Revised from the drill: the editor opens on the plan's content.
  await click(row.$('[data-testid="drill-revise"]'));
  await (await $('[data-testid="plan-editor"]')).waitForDisplayed({ timeout: 10_000 });
  assert.equal(await (await $('[data-testid="plan-step-title-0"]')).getValue(), "核实事件情况，确定涉及型号、批次和门店");
  await fill(app.browser, "plan-step-hours-0", "1");
  await fill(app.browser, "plan-change-note", "根据演练：核实时限缩短为1小时");
  await click($('[data-testid="plan-save"]'));
  await textBecomes('[data-testid="plan-version-2"]', (t) => t.includes("草稿"), "version 2 is a draft");

  // Approved by the manager, in force from today.
  await click($('[data-testid="plan-approve-2"]'));
  await fill(app.browser, "plan-effective-from", chinaToday());
  await click($('[data-testid="plan-approve-submit"]'));
  await textBecomes('[data-testid="plan-version-2"]', (t) => t.includes("现行"), "version 2 in force");
  await saveScreenshot(app.browser, "emergency-plan-revised");

  const plans = await invokeCommand(app.browser, "contingency_list", { request: {} });
  const plan = plans.find((p) => p.title === PLAN_TITLE);
  const view = await invokeCommand(app.browser, "contingency_get", { request: { id: plan.id } });
  assert.equal(view.versions[0].version, 2);
  assert.equal(view.versions[0].status, "approved");
  assert.equal(view.versions[0].source.kind, "drill");
  assert.equal(view.versions[0].source.id, drillId);
  assert.equal(view.versions[0].content.steps[0].within_hours, 1);
  assert.equal(view.versions[1].content.steps[0].within_hours, 2, "version 1 is kept as it was");
  assert.equal(view.versions[1].status, "approved");
  const drills = await invokeCommand(app.browser, "drills_list", { request: { plan_id: plan.id } });
  const drill = drills.find((d) => d.id === drillId);
  assert.deepEqual(drill.revised_versions, [2]);
  assert.deepEqual(drill.participants, ["王强", "李娜", "赵敏"]);
});
