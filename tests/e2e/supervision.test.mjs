// Supervision through the real app (issue 10): the manager reads the compliance checks and
// opens a rule's cases in the ledger; opens an inspection on a seeded random sample (the same
// seed draws the same cases again), judges every sampled case and closes it.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import { clickWhenClear, fill, invokeCommand, loadDemo, settle, setUpAdministrator, signIn, signOut, startApp } from "./harness.mjs";

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
const SEED = "00000000000000ab";

test("compliance findings open their cases in the ledger", async () => {
  await setUpAdministrator(app.browser);
  await loadDemo(app.browser);
  await signOut(app.browser);
  await signIn(app.browser, "manager01", "Demo2026");
  await click($('[data-testid="nav-supervision"]'));
  await (await $('[data-testid="compliance-rules"]')).waitForDisplayed({ timeout: 20_000 });
  // The counts the page shows are the core's.
  const report = await invokeCommand(app.browser, "compliance_list", { request: {} });
  const rule = report.rules.find((r) => r.count > 0);
  assert.ok(rule, "the demo data has compliance findings");
  const count = await $(`[data-testid="compliance-count-${rule.rule}"]`);
  await app.browser.waitUntil(async () => (await count.getText()).trim() === String(rule.count), {
    timeout: 15_000,
    timeoutMsg: `${rule.rule} shows ${rule.count}`,
  });
  await click(count);
  const total = await $('[data-testid="ledger-total"]');
  await total.waitForDisplayed({ timeout: 15_000 });
  await app.browser.waitUntil(async () => (await total.getText()).includes(String(rule.count)), {
    timeout: 15_000,
    timeoutMsg: `the ledger lists the rule's ${rule.count} cases`,
  });
});

test("an inspection on a seeded sample is judged case by case and closed", async () => {
  await click($('[data-testid="nav-supervision"]'));
  await click($('[data-testid="supervision-tab-inspections"]'));
  await click($('[data-testid="inspection-new"]'));
  await (await $('[data-testid="inspection-title"]')).waitForDisplayed({ timeout: 10_000 });
  await fill(app.browser, "inspection-title", "售后服务季度检查");
  await fill(app.browser, "inspection-period-from", "2025-01-01");
  await fill(app.browser, "inspection-sample-size", "3");
  await fill(app.browser, "inspection-seed", SEED);
  await click($('[data-testid="inspection-submit"]'));
  const seed = await $('[data-testid="inspection-seed-value"]');
  await seed.waitForDisplayed({ timeout: 15_000 });
  assert.match(await seed.getText(), new RegExp(SEED));
  // The same scope and seed draw the same cases.
  const listed = await invokeCommand(app.browser, "inspections_list", { request: {} });
  const mine = listed.find((i) => i.title === "售后服务季度检查");
  const view = await invokeCommand(app.browser, "inspections_get", { request: { id: mine.id } });
  const again = await invokeCommand(app.browser, "inspections_open", {
    request: {
      title: "复核抽样",
      held_on: view.summary.held_on,
      scope: view.summary.scope,
      period_from: view.summary.period_from,
      period_to: view.summary.period_to,
      sample_size: 3,
      seed: SEED,
    },
  });
  assert.deepEqual(
    again.cases.map((c) => c.case_id),
    view.cases.map((c) => c.case_id),
  );
  const rows = await $('[data-testid="inspection-cases"]');
  for (const c of view.cases) {
    assert.match(await rows.getText(), new RegExp(c.case_no));
  }
  // Judge each sampled case as compliant.
  for (let n = 0; n < view.cases.length; n++) {
    const judge = (await app.browser.$$('[data-testid="sample-judge"]'))[n];
    await click(judge);
    await click($('//div[@data-testid="verdict-radio"]//span[normalize-space()="合规"]'));
    await click($('[data-testid="verdict-submit"]'));
    await app.browser.waitUntil(
      async () => ((await rows.getText()).match(/合规/g) ?? []).length >= n + 1,
      { timeout: 15_000, timeoutMsg: `sample ${n + 1} judged` },
    );
  }
  await click($('[data-testid="inspection-close"]'));
  await click($('[data-testid="inspection-close-confirm"]'));
  await app.browser.waitUntil(
    async () => (await invokeCommand(app.browser, "inspections_get", { request: { id: mine.id } })).summary.status === "closed",
    { timeout: 15_000, timeoutMsg: "the inspection closed" },
  );
  const status = await $('[data-testid="inspection-status"]');
  await app.browser.waitUntil(async () => (await status.getText()).includes("已结束"), {
    timeout: 15_000,
    timeoutMsg: "the drawer shows it closed",
  });
});
