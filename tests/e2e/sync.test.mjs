// Two apps on one machine — headquarters and the Shanghai branch, each with its own data
// folder — and the real hub (`redress-hub serve` on a PostgreSQL of its own). Each is set up
// and connected through its own screens; the branch takes the organisation from headquarters;
// while the hub is down both record a complaint, and once it is back both sync: headquarters
// has its own case and the branch's, owned by the branch; the branch sees only its own.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, test } from "node:test";

import {
  attributeOf,
  choose,
  clickWhenClear,
  fill,
  invokeCommand,
  loadDemo,
  openWith,
  saveScreenshot,
  setUpAdministrator,
  signIn,
  signOut,
  startApp,
} from "./harness.mjs";
import { startHub } from "./hub.mjs";

let hub;
let hq;
let sh;
let credentials;
before(async () => {
  hub = await startHub();
  credentials = {
    hq: hub.addSite("总部", "HQ", { hq: true }),
    sh: hub.addSite("上海分公司", "SH01"),
  };
  await hub.serve();
  hq = await startApp();
  sh = await startApp({ instance: 1 });
});
after(async () => {
  await sh?.close();
  await hq?.close();
  await hub?.close();
  if (backups) rmSync(backups, { recursive: true, force: true });
});

const ROOT = resolve(import.meta.dirname, "../..");
const CLI = process.env.REDRESS_CLI ?? join(ROOT, "target/debug/redress-cli");
let backups;

const click = async (app, selector) => clickWhenClear(app.browser, await app.browser.$(selector));

/** Pastes text into a field as a person pastes: in one go, heard by React. */
async function paste(app, testId, text) {
  await app.browser.execute(
    (id, value) => {
      const field = document.querySelector(`[data-testid="${id}"]`);
      const proto = field instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
      Object.getOwnPropertyDescriptor(proto, "value").set.call(field, value);
      field.dispatchEvent(new Event("input", { bubbles: true }));
    },
    testId,
    text,
  );
}

/** Settings → 总部同步: the hub's address, this site's credential and the hub's certificate. */
async function connect(app, token) {
  await click(app, '[data-testid="nav-settings"]');
  await click(app, '[data-testid="tab-sync"]');
  await (await app.browser.$('[data-testid="sync-hub-url"]')).waitForDisplayed({ timeout: 10_000 });
  await fill(app.browser, "sync-hub-url", hub.url);
  await fill(app.browser, "sync-token", token);
  await paste(app, "sync-ca", hub.ca);
  await click(app, '[data-testid="sync-save"]');
  await app.browser.waitUntil(async () => (await attributeOf(app.browser, "sync-indicator", "data-state")) !== "standalone", {
    timeout: 10_000,
    timeoutMsg: "the header still says 单机模式 after connecting",
  });
}

/** 立即同步 in the header; resolves to the state it ends in (synced or failed). */
async function syncNow(app) {
  const finished = async () => Number(await attributeOf(app.browser, "sync-indicator", "data-finished"));
  const before = await finished();
  // A background sync under way holds the button until it ends.
  await (await app.browser.$('[data-testid="sync-now"]')).waitForEnabled({ timeout: 300_000, interval: 500 });
  await click(app, '[data-testid="sync-now"]');
  await app.browser.waitUntil(async () => (await finished()) > before, {
    timeout: 300_000,
    interval: 500,
    timeoutMsg: "the sync did not end",
  });
  return attributeOf(app.browser, "sync-indicator", "data-state");
}

async function waiting(app) {
  return Number((await attributeOf(app.browser, "sync-waiting", "data-waiting")) ?? Number.NaN);
}

test("headquarters sets up, loads its organisation and cases, connects and sends them to the hub", async () => {
  await setUpAdministrator(hq.browser);
  await loadDemo(hq.browser);
  await connect(hq, credentials.hq.token);
  assert.ok((await waiting(hq)) > 1000, "the demo's events wait for the hub");
  assert.equal(await syncNow(hq), "synced");
  await hq.browser.waitUntil(async () => (await waiting(hq)) === 0, { timeout: 10_000, timeoutMsg: "events still wait" });
  await saveScreenshot(hq.browser, "sync-hq-connected");
});

test("the branch sets itself up as SH01 and takes the organisation and accounts from headquarters", async () => {
  const form = await sh.browser.$('[data-testid="setup-form"]');
  await form.waitForDisplayed({ timeout: 20_000 });
  await click(sh, '[data-testid="setup-site-branch"]');
  await fill(sh.browser, "setup-site-code", "sh01");
  await fill(sh.browser, "setup-site-name", "上海分公司");
  await setUpAdministrator(sh.browser, { name: "上海管理员" });
  const label = await sh.browser.$('[data-testid="site-label"]');
  await label.waitForDisplayed({ timeout: 10_000 });
  assert.match(await label.getText(), /上海分公司 · SH01/, "the header names the branch");
  await connect(sh, credentials.sh.token);
  assert.equal(await syncNow(sh), "synced");

  // Headquarters' departments and handlers are here now; the branch's own intake agent is
  // created here, with a password that only this site knows.
  await click(sh, '[data-testid="tab-accounts"]');
  const table = await sh.browser.$('[data-testid="accounts-table"]');
  await sh.browser.waitUntil(async () => (await table.getText()).includes("agent01"), {
    timeout: 10_000,
    timeoutMsg: "headquarters' accounts did not arrive",
  });
  await openWith(sh.browser, '[data-testid="account-new"]', '[data-testid="account-username"]');
  await fill(sh.browser, "account-username", "sh.kefu");
  await fill(sh.browser, "account-display-name", "沪客服");
  await click(sh, '[data-testid="account-roles"]');
  const option = await sh.browser.$(".ant-select-item-option[title='客服专员']");
  await option.waitForDisplayed({ timeout: 5_000 });
  await sh.browser.waitUntil(
    async () => {
      if (await (await sh.browser.$(".ant-modal .ant-select-selection-item[title='客服专员']")).isExisting()) return true;
      try {
        await option.click();
      } catch {
        // covered for a moment: try again
      }
      return false;
    },
    { timeout: 10_000, interval: 700, timeoutMsg: "the role was not chosen" },
  );
  await click(sh, ".ant-modal-title");
  await fill(sh.browser, "account-password", "Temp2026x");
  await click(sh, '[data-testid="account-save"]');
  await sh.browser.waitUntil(async () => (await table.getText()).includes("sh.kefu"), { timeout: 10_000 });
  await signOut(sh.browser);
  await signIn(sh.browser, "sh.kefu", "Temp2026x");
  await (await sh.browser.$('[data-testid="change-password-form"]')).waitForDisplayed({ timeout: 10_000 });
  await fill(sh.browser, "current-password", "Temp2026x");
  await fill(sh.browser, "new-password", "Shanghai2026");
  await fill(sh.browser, "confirm-password", "Shanghai2026");
  await click(sh, '[data-testid="change-password-submit"]');
  await (await sh.browser.$('[data-testid="section-title"]')).waitForDisplayed({ timeout: 10_000 });
});

let branchCaseNo = "";
let hqCaseNo = "";

/** A hotline complaint through the intake form (Ctrl+N, Ctrl+Enter); its case number. */
async function recordComplaint(app, site, { name, mobile, product, amount, content }) {
  await app.browser.keys(["Control", "n"]);
  await (await app.browser.$('[data-testid="intake-form"]')).waitForDisplayed({ timeout: 10_000 });
  await choose(app.browser, "intake-channel", "客服热线");
  await fill(app.browser, "intake-name", name);
  await fill(app.browser, "intake-mobile", mobile);
  await fill(app.browser, "intake-product", product);
  await fill(app.browser, "intake-amount", amount);
  await fill(app.browser, "intake-content", content);
  await choose(app.browser, "intake-category", "产品质量");
  await choose(app.browser, "intake-department", "售后服务部");
  await choose(app.browser, "intake-handler", "陈静");
  await app.browser.keys(["Control", "Enter"]);
  const done = await app.browser.$('[data-testid="intake-done"]');
  await done.waitForDisplayed({ timeout: 10_000 });
  assert.match(await done.getText(), new RegExp(`已受理，案件编号 \\d{4}-${site}-\\d{6}`));
  return (await done.getText()).replace(/^.*案件编号 /, "").trim();
}

test("with the hub down, both record a complaint; their syncs fail and the work waits", async () => {
  await hub.stop();
  branchCaseNo = await recordComplaint(sh, "SH01", {
    name: "钱多多",
    mobile: "137 0021 5566",
    product: "空气净化器",
    amount: "1899.00",
    content: "使用一周后异响，门店拒绝退换。",
  });
  assert.equal(await syncNow(sh), "failed");
  assert.ok((await waiting(sh)) > 0, "the complaint waits for the hub");
  await saveScreenshot(sh.browser, "sync-branch-offline");

  // Headquarters, offline at the same time, takes a complaint of its own: its hotline agent
  // signs in (administrators do not take complaints), then the administrator again.
  await signOut(hq.browser);
  await signIn(hq.browser, "agent01", "Demo2026");
  await (await hq.browser.$('[data-testid="section-title"]')).waitForDisplayed({ timeout: 10_000 });
  hqCaseNo = await recordComplaint(hq, "HQ", {
    name: "孙悦",
    mobile: "139 1022 7788",
    product: "洗碗机",
    amount: "3299.00",
    content: "安装三天后漏水，售后迟迟不上门。",
  });
  assert.equal(await syncNow(hq), "failed");
  assert.ok((await waiting(hq)) > 0, "headquarters' complaint waits for the hub");
  await hq.browser.keys("Escape");
  await signOut(hq.browser);
  await signIn(hq.browser, "admin", "Admin2026");
  await (await hq.browser.$('[data-testid="section-title"]')).waitForDisplayed({ timeout: 10_000 });
});

/** The ledger's search for a case number, and its case page opened. */
async function openCase(app, caseNo) {
  await click(app, '[data-testid="nav-ledger"]');
  const box = await app.browser.$('[data-testid="ledger-search"] input');
  await clickWhenClear(app.browser, box);
  // The last search away as a person clears it (React hears keys, not a value set).
  await app.browser.keys(["Control", "a"]);
  await app.browser.keys("Backspace");
  await box.addValue(caseNo);
  await app.browser.keys("Enter");
  const hit = await app.browser.$(".search-hit");
  await hit.waitForDisplayed({ timeout: 10_000 });
  await clickWhenClear(app.browser, hit);
  const drawer = await app.browser.$('[data-testid="case-drawer"]');
  await drawer.waitForDisplayed({ timeout: 10_000 });
  const ownership = await app.browser.$('[data-testid="case-ownership"]');
  await ownership.waitForDisplayed({ timeout: 10_000 });
  return { drawer, ownership };
}

test("back online, both sync: headquarters has the branch's case, owned by SH01; the branch sees only its own", async () => {
  await hub.serve();
  assert.equal(await syncNow(sh), "synced");
  await sh.browser.waitUntil(async () => (await waiting(sh)) === 0, { timeout: 10_000, timeoutMsg: "events still wait" });
  assert.equal(await syncNow(hq), "synced");
  await hq.browser.waitUntil(async () => (await waiting(hq)) === 0, { timeout: 10_000, timeoutMsg: "headquarters' events still wait" });
  // The branch syncs again after headquarters: what headquarters sent is there for it to take.
  assert.equal(await syncNow(sh), "synced");

  // Headquarters' own offline complaint, and the branch's, side by side at headquarters.
  const own = await openCase(hq, hqCaseNo);
  assert.match(await own.ownership.getText(), /归属站点：HQ/);
  assert.ok((await own.drawer.getText()).includes("安装三天后漏水，售后迟迟不上门。"), "headquarters' own case");
  await hq.browser.keys("Escape");
  await own.drawer.waitForDisplayed({ reverse: true, timeout: 10_000 });
  const { drawer, ownership } = await openCase(hq, branchCaseNo);
  assert.match(await ownership.getText(), /归属站点：SH01 上海分公司/);
  // What the branch recorded, as headquarters' administrator may see it (contact data masked).
  const detail = await drawer.getText();
  for (const part of ["钱某", "137****5566", "使用一周后异响，门店拒绝退换。", "受理人沪客服", "处理人陈静"]) {
    assert.ok(detail.includes(part), `the case page at headquarters lacks ${part}`);
  }
  await saveScreenshot(hq.browser, "sync-hq-sees-branch-case");

  // The branch: its own complaint, none of headquarters' thousand.
  await click(sh, '[data-testid="nav-ledger"]');
  const total = await sh.browser.$('[data-testid="ledger-total"]');
  await sh.browser.waitUntil(async () => (await total.getText()) === "共 1 件", {
    timeout: 10_000,
    timeoutMsg: `the branch's ledger: ${await total.getText()}`,
  });
  assert.deepEqual(hub.withheld(), [], "nothing the sites sent was withheld");
});

test("the branch restored from a backup older than its last complaint takes it back from the hub before it records again", async () => {
  // The branch's administrator backs up; then a complaint is recorded (from the command line,
  // on the open database) and reaches the hub.
  await signOut(sh.browser);
  await signIn(sh.browser, "admin", "Admin2026");
  await click(sh, '[data-testid="nav-settings"]');
  await click(sh, '[data-testid="tab-backups"]');
  backups = mkdtempSync(join(tmpdir(), "redress-branch-backups-"));
  await fill(sh.browser, "backup-folder", backups);
  await click(sh, '[data-testid="backup-save"]');
  const now = await sh.browser.$('[data-testid="backup-now"]');
  await sh.browser.waitUntil(async () => await now.isEnabled(), { timeout: 15_000, timeoutMsg: "backup now stays disabled" });
  await click(sh, '[data-testid="backup-now"]');
  await sh.browser.waitUntil(async () => (await sh.browser.$$('[data-testid="backup-check"]')).length === 1, {
    timeout: 60_000,
    timeoutMsg: "the backup is not listed",
  });
  const made = JSON.parse(
    execFileSync(CLI, ["--db", sh.dbPath, "case", "new", "--json", join(ROOT, "docs/examples/intake.json")], { encoding: "utf8" }),
  );
  assert.match(made.case_no, /^\d{4}-SH01-000002$/);
  assert.equal(await syncNow(sh), "synced");
  await sh.browser.waitUntil(async () => (await waiting(sh)) === 0, { timeout: 10_000, timeoutMsg: "events still wait" });

  // The hub is out of reach while the backup is restored.
  await hub.stop();
  await click(sh, '[data-testid="backup-restore"]');
  await click(sh, '[data-testid="backup-restore-ok"]');
  const restored = await sh.browser.$('[data-testid="backup-restored"]');
  await restored.waitForDisplayed({ timeout: 120_000 });
  await click(sh, '[data-testid="backup-restored-ok"]');
  await (await sh.browser.$('[data-testid="username"]')).waitForDisplayed({ timeout: 20_000 });
  // Signing in works; the sync bar says the data waits for a sync, and nothing may be recorded.
  await signIn(sh.browser, "sh.kefu", "Shanghai2026");
  const mark = await sh.browser.$('[data-testid="sync-restored"]');
  await mark.waitForDisplayed({ timeout: 40_000 });
  assert.equal(await mark.getText(), "恢复后待同步");
  const request = JSON.parse(readFileSync(join(ROOT, "docs/examples/intake.json"), "utf8"));
  // The intake command as the form sends it; its refusal read in the page.
  const refused = await sh.browser.executeAsync((req, done) => {
    window.__TAURI_INTERNALS__.invoke("cases_create", { request: req }).then(
      () => done("recorded"),
      (e) => done(JSON.stringify(e)),
    );
  }, request);
  assert.match(refused, /"code":"sync\.restored_unsynced"/);
  assert.match(refused, /此电脑的数据刚从备份恢复/);
  await click(sh, '[data-testid="nav-ledger"]');
  const total = await sh.browser.$('[data-testid="ledger-total"]');
  await sh.browser.waitUntil(async () => (await total.getText()) === "共 1 件", {
    timeout: 10_000,
    timeoutMsg: `the backup's ledger: ${await total.getText()}`,
  });
  await saveScreenshot(sh.browser, "sync-branch-restored");

  // The hub back: one sync takes the complaint back, the mark goes, and recording goes on.
  await hub.serve();
  assert.equal(await syncNow(sh), "synced");
  await sh.browser.waitUntil(async () => !(await mark.isExisting()), { timeout: 40_000, timeoutMsg: "still marked restored" });
  // The ledger read again (away and back).
  await click(sh, '[data-testid="nav-workbench"]');
  await click(sh, '[data-testid="nav-ledger"]');
  await sh.browser.waitUntil(async () => (await (await sh.browser.$('[data-testid="ledger-total"]')).getText()) === "共 2 件", {
    timeout: 20_000,
    timeoutMsg: "the ledger after the sync does not show the complaint taken back",
  });
  const again = await invokeCommand(sh.browser, "cases_create", { request });
  assert.match(again.case_no, /^\d{4}-SH01-000003$/);
  assert.equal(await syncNow(sh), "synced");
  await sh.browser.waitUntil(async () => (await waiting(sh)) === 0, { timeout: 10_000, timeoutMsg: "events still wait" });
  assert.deepEqual(hub.withheld(), [], "nothing the branch sent was withheld");
});
