// Documents through the real app: a notice to a consumer previewed page by page inside the app
// (pdf.js on canvases), and an internal bulletin drafted from closed cases, edited, previewed,
// issued with its number and reprinted byte for byte; the issued file is checked with qpdf and
// pdftotext (personal data masked).
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, test } from "node:test";

import { ARTIFACTS, clickWhenClear, fill, invokeCommand, loadDemo, openWith, saveScreenshot, settle, setUpAdministrator, signIn, signOut, startApp } from "./harness.mjs";

let app;
before(async () => {
  app = await startApp();
});
after(async () => {
  await app?.close();
});

const $ = (sel) => app.browser.$(sel);
const click = async (el) => clickWhenClear(app.browser, await el);

/** Waits for the preview to draw its pages; how many, and how much ink the first has. */
async function previewed() {
  const page = await $("canvas.pdf-page");
  await page.waitForExist({ timeout: 30_000 });
  const measure = () =>
    app.browser.execute(() => {
      const pages = document.querySelectorAll("canvas.pdf-page");
      const first = pages[0];
      const data = first.getContext("2d").getImageData(0, 0, first.width, first.height).data;
      let ink = 0;
      for (let i = 0; i < data.length; i += 4) if (data[i] < 128 && data[i + 3] > 0) ink++;
      const failed = document.body.innerText.includes("无法在应用内显示预览");
      return { pages: pages.length, ink, width: first.width, failed };
    });
  let shown = await measure();
  // pdf.js draws asynchronously: wait for ink on the first page.
  await app.browser
    .waitUntil(
      async () => {
        shown = await measure();
        return shown.ink > 2_000 || shown.failed;
      },
      { timeout: 30_000, interval: 300 },
    )
    .catch(() => undefined);
  return shown;
}

async function closePreview() {
  await click($('[data-testid="pdf-close"]'));
  await app.browser.waitUntil(async () => !(await (await $("canvas.pdf-page")).isExisting()), { timeout: 10_000 });
}

test("the legal officer previews a case's acknowledgment inside the app", async () => {
  await setUpAdministrator(app.browser);
  await loadDemo(app.browser);
  await signOut(app.browser);
  await signIn(app.browser, "legal01", "Demo2026");
  await click($('[data-testid="nav-ledger"]'));
  const link = await $("button.case-link");
  await link.waitForDisplayed({ timeout: 15_000 });
  await click(link);
  const button = await $('[data-testid="notice-acknowledgment"]');
  await button.waitForDisplayed({ timeout: 15_000 });
  await settle(app.browser, button);
  // Clicked until the preview opens: a click while the case drawer still slides in can be
  // refused ("not interactable"), as in CI34.
  await openWith(app.browser, '[data-testid="notice-acknowledgment"]', '[data-testid="pdf-close"]', 30_000);
  const shown = await previewed();
  await saveScreenshot(app.browser, "notice-preview");
  assert.equal(shown.pages, 1);
  assert.ok(shown.ink > 2_000, `the page has text on it (${shown.ink} dark pixels)`);
  const summary = await $('[data-testid="pdf-summary"]');
  assert.match(await summary.getText(), /^共 1 页 · \d+\.\d KB$/);
  await closePreview();
  await click($(".ant-drawer-open .ant-drawer-close"));
  await app.browser.waitUntil(async () => !(await (await $(".ant-drawer-open")).isExisting()), {
    timeout: 10_000,
    timeoutMsg: "the case drawer did not close",
  });
});

test("a bulletin on two closed cases is drafted, edited, previewed, issued and reprinted unchanged", async () => {
  await click($('[data-testid="nav-bulletins"]'));
  await click($('[data-testid="bulletin-new"]'));
  const table = await $('[data-testid="bulletin-pick-table"]');
  await table.waitForDisplayed({ timeout: 15_000 });
  // Demo cases are not marked typical: show every closed case (once the dialog stands still).
  const typicalOnly = await $('[data-testid="bulletin-typical-only"]');
  await settle(app.browser, typicalOnly);
  await app.browser.waitUntil(
    async () => {
      if ((await typicalOnly.getAttribute("aria-checked")) === "true") await click(typicalOnly);
      return (await typicalOnly.getAttribute("aria-checked")) === "false";
    },
    { timeout: 10_000, interval: 500, timeoutMsg: "the typical-only switch did not turn off" },
  );
  await app.browser.waitUntil(async () => (await table.$$(".ant-table-tbody .ant-checkbox-input")).length >= 2, {
    timeout: 15_000,
    timeoutMsg: "no closed cases to choose",
  });
  const boxes = await table.$$(".ant-table-tbody .ant-checkbox-input");
  await click(boxes[0]);
  await click(boxes[1]);
  await click($('[data-testid="bulletin-pick-ok"]'));
  const editor = await $('[data-testid="bulletin-editor"]');
  await editor.waitForDisplayed({ timeout: 20_000 });
  const title = "关于两起典型消费纠纷案例的通报";
  // The drawer takes the focus when its opening animation ends: type once it stands still.
  const titleInput = await $('[data-testid="bulletin-title"]');
  await titleInput.waitForDisplayed({ timeout: 10_000 });
  await settle(app.browser, titleInput);
  await app.browser.pause(400);
  await fill(app.browser, "bulletin-title", title);
  // Keys reach the page a little after WebDriver returns: wait until all are in.
  const titleBox = await $('[data-testid="bulletin-title"]');
  let typed = "";
  await app.browser.waitUntil(
    async () => {
      typed = await titleBox.getValue();
      return typed === title;
    },
    { timeout: 10_000 },
  ).catch(async () => {
    await saveScreenshot(app.browser, "bulletin-title");
    throw new Error(`the title box holds ${JSON.stringify(typed)}`);
  });
  await click($('[data-testid="bulletin-preview"]'));
  const draft = await previewed();
  assert.ok(draft.pages >= 1 && draft.ink > 2_000, JSON.stringify(draft));
  await saveScreenshot(app.browser, "bulletin-draft-preview");
  await closePreview();

  await click($('[data-testid="bulletin-issue"]'));
  // The confirmation grows into place: click it once it stands still.
  const confirm = await $('[data-testid="bulletin-issue-ok"]');
  await confirm.waitForDisplayed({ timeout: 10_000 });
  await settle(app.browser, confirm);
  await click(confirm);
  const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
  const docNo = `客服通〔${year}〕1号`;
  const list = await $('[data-testid="bulletins-table"]');
  await app.browser.waitUntil(
    async () => {
      const shown = await list.getText();
      return shown.includes(docNo) && shown.includes("关于两起典型消费纠纷案例的通报");
    },
    { timeout: 20_000, timeoutMsg: `the issued list does not show ${docNo} with its title` },
  ).catch(async (e) => {
    await saveScreenshot(app.browser, "bulletin-not-issued");
    throw e;
  });

  // Reprinted from the list: the file kept at issue, byte for byte.
  const [issued] = await invokeCommand(app.browser, "bulletins_list", { request: { status: "issued" } });
  await click($(`[data-testid="bulletin-print-${issued.id}"]`));
  const again = await previewed();
  assert.ok(again.pages >= 1, `reprint preview: ${JSON.stringify(again)}`);
  await closePreview();
  const first = await invokeCommand(app.browser, "bulletins_pdf", { request: { id: issued.id } });
  const second = await invokeCommand(app.browser, "bulletins_pdf", { request: { id: issued.id } });
  assert.equal(second.data, first.data);

  mkdirSync(ARTIFACTS, { recursive: true });
  const file = join(ARTIFACTS, "bulletin-issued.pdf");
  writeFileSync(file, Buffer.from(first.data, "base64"));
  const check = execFileSync("qpdf", ["--check", file]).toString();
  assert.match(check, /No syntax or stream encoding errors/);
  const text = execFileSync("pdftotext", ["-raw", "-enc", "UTF-8", file, "-"]).toString();
  const flat = text.replace(/\s+/g, "");
  assert.ok(flat.includes(docNo), `number in ${text}`);
  assert.ok(flat.includes("关于两起典型消费纠纷案例的通报"), `title in ${text}`);
  // The consumers' names as recorded never reach the bulletin.
  const view = await invokeCommand(app.browser, "bulletins_get", { request: { id: issued.id } });
  for (const c of view.content.cases) {
    const detail = await invokeCommand(app.browser, "cases_get", { request: { id: c.case_id } });
    const name = detail.consumer.name;
    if (name.length >= 2 && !name.includes("*")) assert.ok(!flat.includes(name), `${name} appears unmasked`);
  }
});
