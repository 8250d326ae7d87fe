// Backups through the real app (issue 12): the administrator picks a folder, backs up now and
// checks the backup; more work is done; the backup is restored. The app comes back on the
// restored data with everyone signed out, and keeps the database it replaced until it is
// deleted from the same screen.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { after, before, test } from "node:test";

import { clickWhenClear, fill, invokeCommand, loadDemo, settle, setUpAdministrator, signIn, startApp } from "./harness.mjs";

const ROOT = resolve(import.meta.dirname, "../..");
const CLI = process.env.REDRESS_CLI ?? join(ROOT, "target/debug/redress-cli");

let app;
let folder;
before(async () => {
  app = await startApp();
  folder = mkdtempSync(join(tmpdir(), "redress-backups-"));
});
after(async () => {
  await app?.close();
  rmSync(folder, { recursive: true, force: true });
});

const $ = (sel) => app.browser.$(sel);
const click = async (el) => {
  const element = await el;
  await element.waitForDisplayed({ timeout: 15_000 });
  await settle(app.browser, element);
  await clickWhenClear(app.browser, element);
};
const total = async () => (await invokeCommand(app.browser, "cases_list", { request: { limit: 1 } })).total;

test("a backup made in the app is checked, then restored over later work, and the replaced database kept", async () => {
  await setUpAdministrator(app.browser);
  await loadDemo(app.browser);
  await click($('[data-testid="nav-settings"]'));
  await click($('[data-testid="tab-backups"]'));
  await fill(app.browser, "backup-folder", folder);
  await click($('[data-testid="backup-save"]'));
  const now = await $('[data-testid="backup-now"]');
  await app.browser.waitUntil(async () => await now.isEnabled(), { timeout: 15_000, timeoutMsg: "backup now stays disabled" });
  await click(now);
  await app.browser.waitUntil(async () => (await app.browser.$$('[data-testid="backup-check"]')).length === 1, {
    timeout: 60_000,
    timeoutMsg: "the backup is not listed",
  });
  const name = readdirSync(folder).find((n) => n.startsWith("redress-backup-"));
  assert.ok(name, `a backup folder in ${readdirSync(folder)}`);
  // Checkable with the standard tool, without the app.
  execFileSync("sha256sum", ["-c", "--quiet", "SHA256SUMS"], { cwd: join(folder, name) });
  assert.match(await (await $('[data-testid="backup-last"]')).getText(), new RegExp(name));

  await click($('[data-testid="backup-check"]'));
  const checked = await $('[data-testid="backup-checked"]');
  await checked.waitForDisplayed({ timeout: 60_000 });
  assert.match(await checked.getText(), /校验和、数据库完整性和审计链均通过/);
  await click($('[data-testid="backup-checked-ok"]'));

  // Work after the backup: a complaint recorded from the command line on the open database.
  assert.equal(await total(), 1000);
  execFileSync(CLI, ["--db", app.dbPath, "case", "new", "--json", join(ROOT, "docs/examples/intake.json")]);
  assert.equal(await total(), 1001);

  await click($('[data-testid="backup-restore"]'));
  await click($('[data-testid="backup-restore-ok"]'));
  const restored = await $('[data-testid="backup-restored"]');
  await restored.waitForDisplayed({ timeout: 120_000 });
  assert.match(await restored.getText(), /数据已恢复（1000 件案件）/);
  await click($('[data-testid="backup-restored-ok"]'));

  // Everyone is signed out; the data is the backup's.
  await (await $('[data-testid="username"]')).waitForDisplayed({ timeout: 20_000 });
  await signIn(app.browser, "admin", "Admin2026");
  const ledger = await $('[data-testid="ledger-total"]');
  await ledger.waitForDisplayed({ timeout: 20_000 });
  await app.browser.waitUntil(async () => (await ledger.getText()) === "共 1,000 件", {
    timeout: 20_000,
    timeoutMsg: "the ledger shows the backup's 1,000 cases",
  });
  const kept = readdirSync(dirname(app.dbPath)).filter((n) => n.startsWith("redress.db.replaced-"));
  assert.equal(kept.length, 1, "the replaced database is kept beside");
  assert.ok(existsSync(join(dirname(app.dbPath), kept[0], "redress.db")));

  // Deleted once the restored data is confirmed.
  await click($('[data-testid="nav-settings"]'));
  await click($('[data-testid="tab-backups"]'));
  await click($('[data-testid="backup-discard"]'));
  await click($('[data-testid="backup-discard-ok"]'));
  await app.browser.waitUntil(async () => !(await (await $('[data-testid="backup-replaced"]')).isExisting()), {
    timeout: 15_000,
    timeoutMsg: "the replaced database is still listed",
  });
  assert.equal(readdirSync(dirname(app.dbPath)).filter((n) => n.startsWith("redress.db.replaced-")).length, 0);
});
