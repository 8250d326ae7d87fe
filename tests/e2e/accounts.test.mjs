// Accounts and roles through the real app: the administrator created at the first start
// creates an intake agent; the agent signs in, must replace the temporary password, and cannot
// open the administration screens; the administrator verifies the audit chain.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";

import {
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
const $$ = (sel) => app.browser.$$(sel);
const click = async (el) => clickWhenClear(app.browser, await el);

async function openSettingsTab(tab) {
  await click($('[data-testid="nav-settings"]'));
  await click($(`[data-testid="tab-${tab}"]`));
}

async function signOut() {
  await click($('[data-testid="user-menu"]'));
  const item = await $('[data-testid="sign-out"]');
  await item.waitForDisplayed({ timeout: 5_000 });
  await click(item);
  try {
    await (await $('[data-testid="sign-in"]')).waitForDisplayed({ timeout: 10_000 });
  } catch (e) {
    await saveScreenshot(app.browser, "failed-sign-out");
    throw e;
  }
}

test("the administrator creates an intake agent's account", async () => {
  await setUpAdministrator(app.browser, { username: "admin", name: "管理员", password: "Admin2026" });
  await openSettingsTab("accounts");
  await openWith(app.browser, '[data-testid="account-new"]', '[data-testid="account-username"]');
  await fill(app.browser, "account-username", "zhang.kefu");
  await fill(app.browser, "account-display-name", "张客服");
  // The list stays open in a multiple select: click the option until it is taken.
  await click($('[data-testid="account-roles"]'));
  const option = await $(".ant-select-item-option[title='客服专员']");
  await option.waitForDisplayed({ timeout: 5_000 });
  await app.browser.waitUntil(
    async () => {
      if (await (await $(".ant-modal .ant-select-selection-item[title='客服专员']")).isExisting()) return true;
      try {
        await option.click();
      } catch {
        // covered for a moment: try again
      }
      return false;
    },
    { timeout: 10_000, interval: 700, timeoutMsg: "the role was not chosen" },
  );
  // Close the options by clicking the dialog's title (Escape would close the dialog itself).
  await click($(".ant-modal-title"));
  await fill(app.browser, "account-password", "Temp2026x");
  await click($('[data-testid="account-save"]'));
  const table = await $('[data-testid="accounts-table"]');
  try {
    await app.browser.waitUntil(async () => (await table.getText()).includes("zhang.kefu"), { timeout: 10_000 });
  } catch {
    await saveScreenshot(app.browser, "failed-account-create");
    const errors = [];
    for (const e of await $$(".ant-form-item-explain-error")) errors.push(await e.getText());
    assert.fail(`the new account is not listed; the form says: ${errors.join("; ") || "nothing"}`);
  }
  assert.match(await table.getText(), /张客服/);
  await saveScreenshot(app.browser, "accounts");
});

test("the agent signs in, replaces the temporary password, and sees no administration", async () => {
  await signOut();
  await signIn(app.browser, "zhang.kefu", "Temp2026x");
  const form = await $('[data-testid="change-password-form"]');
  await form.waitForDisplayed({ timeout: 10_000 });
  await fill(app.browser, "current-password", "Temp2026x");
  await fill(app.browser, "new-password", "Mine2026x");
  await fill(app.browser, "confirm-password", "Mine2026x");
  await click($('[data-testid="change-password-submit"]'));
  const title = await $('[data-testid="section-title"]');
  await title.waitForDisplayed({ timeout: 10_000 });
  assert.match(await (await $('[data-testid="user-menu"]')).getText(), /张客服 · 客服专员/);

  await click($('[data-testid="nav-settings"]'));
  await (await $('[data-testid="tab-general"]')).waitForDisplayed({ timeout: 10_000 });
  for (const tab of ["accounts", "roles", "org", "audit", "security"]) {
    assert.equal((await $$(`[data-testid="tab-${tab}"]`)).length, 0, `an agent must not see the ${tab} tab`);
  }
  await saveScreenshot(app.browser, "agent-settings");
});

test("a wrong password is refused with a message in Chinese", async () => {
  await signOut();
  await signIn(app.browser, "zhang.kefu", "Temp2026x");
  const error = await $('[data-testid="auth-error"]');
  await error.waitForDisplayed({ timeout: 10_000 });
  assert.match(await error.getText(), /用户名或密码不正确/);
});

test("the administrator verifies the audit chain", async () => {
  await signIn(app.browser, "admin", "Admin2026");
  await (await $('[data-testid="section-title"]')).waitForDisplayed({ timeout: 10_000 });
  await openSettingsTab("audit");
  await click($('[data-testid="audit-verify"]'));
  const result = await $('[data-testid="audit-result"]');
  await result.waitForDisplayed({ timeout: 10_000 });
  assert.match(await result.getText(), /审计链完整：已校验 \d+ 条事件/);
});
