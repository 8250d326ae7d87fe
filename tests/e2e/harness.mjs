// The end-to-end harness: starts tauri-driver (which drives WebKitWebDriver, which starts the
// real app binary), opens a WebDriver session on the app with its own database, and cleans up.
// Run under a display: `xvfb-run -a npm run e2e` (the README's test command does this).
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { remote } from "webdriverio";

const ROOT = resolve(import.meta.dirname, "../..");
export const APP = process.env.REDRESS_APP ?? join(ROOT, "target/debug/redress");
/** Where tests keep what they produce, to look at after a run (not committed). */
export const ARTIFACTS = join(ROOT, "tests/e2e/.artifacts");
/** tauri-driver: TAURI_DRIVER, else on PATH, else where `cargo install` puts it. */
function findDriver() {
  if (process.env.TAURI_DRIVER) return process.env.TAURI_DRIVER;
  try {
    return execFileSync("sh", ["-c", "command -v tauri-driver"], { encoding: "utf8" }).trim();
  } catch {
    const cargoHome = process.env.CARGO_HOME ?? join(homedir(), ".cargo");
    const candidate = join(cargoHome, "bin/tauri-driver");
    if (existsSync(candidate)) return candidate;
    throw new Error("tauri-driver not found: run scripts/setup.sh");
  }
}
const DRIVER = findDriver();
/** tauri-driver's port and its WebKitWebDriver's: a second app at once takes the next pair. */
const PORT = 4444;
const NATIVE_PORT = 4445;

async function listening(port) {
  try {
    return (await fetch(`http://127.0.0.1:${port}/status`)).ok;
  } catch {
    return false;
  }
}

async function driverReady(port, deadline) {
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/status`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("tauri-driver did not become ready");
}

/** Keeps a picture of what the app shows in tests/e2e/.artifacts/NAME.png (not committed). */
export async function saveScreenshot(browser, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await browser.saveScreenshot(join(ARTIFACTS, `${name}.png`));
}

/**
 * Clicks an element once nothing covers it any more (an animation, a closing drawer's mask):
 * a click that is intercepted is tried again, for at most `timeout` ms.
 */
export async function clickWhenClear(browser, element, timeout = 10_000) {
  let last;
  await browser.waitUntil(
    async () => {
      try {
        await element.click();
        return true;
      } catch (e) {
        // Covered, or (WebKitWebDriver) the node was replaced by a render while being clicked:
        // both pass; anything else is a real failure.
        if (!/intercepted|not interactable|stale element|file upload information/i.test(String(e))) throw e;
        last = e;
        return false;
      }
    },
    { timeout, interval: 250, timeoutMsg: `the element stayed covered: ${last}` },
  );
}

/**
 * Fills a form field found by its test id, replacing what it held the way a person does
 * (select all, delete, type): React's inputs ignore a value set behind their back.
 */
export async function fill(browser, testId, text) {
  let last;
  await browser.waitUntil(
    async () => {
      // Looked up afresh on each try: the field may be rendered again while it is typed into.
      const input = await browser.$(`[data-testid="${testId}"]`);
      await input.waitForDisplayed({ timeout: 10_000 });
      await clickWhenClear(browser, input);
      try {
        await browser.keys(["Control", "a"]);
        await browser.keys("Backspace");
        await input.addValue(text);
        return true;
      } catch (e) {
        // WebKitWebDriver answers "unknown error" (or cannot parse the element) when the node
        // was replaced during the call; the next try clears the field and types it all again.
        if (!/unknown error|stale element|Could not parse element/i.test(String(e))) throw e;
        last = e;
        return false;
      }
    },
    { timeout: 15_000, interval: 250, timeoutMsg: `${testId} could not be filled: ${last}` },
  );
}

/** The first start: creates the administrator through the set-up screen. */
export async function setUpAdministrator(browser, { username = "admin", name = "系统管理员", password = "Admin2026" } = {}) {
  const form = await browser.$('[data-testid="setup-form"]');
  await form.waitForDisplayed({ timeout: 20_000 });
  await fill(browser, "setup-username", username);
  await fill(browser, "setup-display-name", name);
  await fill(browser, "setup-password", password);
  await fill(browser, "setup-confirm", password);
  await clickWhenClear(browser, await browser.$('[data-testid="setup-submit"]'));
  await (await browser.$('[data-testid="section-title"]')).waitForDisplayed({ timeout: 20_000 });
}

/** Signs in through the sign-in screen. */
export async function signIn(browser, username, password) {
  await fill(browser, "username", username);
  await fill(browser, "password", password);
  await clickWhenClear(browser, await browser.$('[data-testid="sign-in"]'));
}

/**
 * Clicks `button` until `target` shows (a click that lands while a drawer is still sliding in
 * can miss): for buttons that open a dialog or a panel. After each click the target gets a few
 * seconds to show before the next one: a popover's trigger toggles, and a second click on a
 * slow machine would close what the first one was still opening.
 */
export async function openWith(browser, button, target, timeout = 15_000) {
  const deadline = Date.now() + timeout;
  const shown = async () => {
    try {
      return await (await browser.$(target)).isDisplayed();
    } catch {
      return false;
    }
  };
  while (Date.now() < deadline) {
    if (await shown()) return;
    try {
      await (await browser.$(button)).click();
    } catch {
      // covered or not there yet: try again
    }
    const patience = Math.max(250, Math.min(5_000, deadline - Date.now()));
    try {
      await browser.waitUntil(shown, { timeout: patience, interval: 250 });
      return;
    } catch {
      // not shown yet: click again
    }
  }
  throw new Error(`${button} did not open ${target}`);
}

/**
 * Closes the open drawer with its close button and waits until it is gone. A click that lands
 * while the drawer still slides in or shifts (its sections loading) can miss the button: it is
 * tried again while the drawer stays open.
 */
export async function closeDrawer(browser, timeout = 20_000) {
  const open = async () => {
    for (const drawer of await browser.$$(".ant-drawer-open .ant-drawer-content-wrapper")) {
      if (await drawer.isDisplayed()) return true;
    }
    return false;
  };
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (!(await open())) return;
    try {
      const close = await browser.$(".ant-drawer-open .ant-drawer-close");
      await settle(browser, close, 3_000);
      await close.click();
    } catch {
      // covered, moving or replaced: try again
    }
    try {
      await browser.waitUntil(async () => !(await open()), { timeout: 3_000, interval: 250 });
      return;
    } catch {
      // still open: click again
    }
  }
  throw new Error("the drawer did not close");
}

/** The options' panel of a select, while it is open. */
export const OPEN_OPTIONS = ".ant-select-dropdown:not(.ant-select-dropdown-hidden)";

/**
 * Picks an option of a select the keyboard way: open it, type to filter the options, Enter
 * (a click on an option can land while the list is still sliding in). The select is seen open
 * before anything is typed, and an option showing the text before Enter: a click while the
 * select still loads (or is covered) opens nothing, and the keys would go to whatever has the
 * focus (Enter on a button presses it). Waits until the select shows the choice. Once only: in
 * a multiple select a second Enter would take it away again.
 */
export async function choose(browser, testId, text) {
  const selector = `[data-testid="${testId}"]`;
  // This select's own state: the panel of the one chosen just before may still be closing.
  const open = async () => ((await attributeOf(browser, testId, "class")) ?? "").split(" ").includes("ant-select-open");
  await browser.waitUntil(
    async () => {
      if (await open()) return true;
      await clickWhenClear(browser, await browser.$(selector));
      return browser.waitUntil(open, { timeout: 2_000, interval: 100 }).catch(() => false);
    },
    { timeout: 20_000, interval: 250, timeoutMsg: `${testId} did not open its options` },
  );
  await browser.keys(text.split(""));
  await browser.waitUntil(
    () =>
      browser.execute(
        (css, wanted) => [...document.querySelectorAll(css)].some((o) => o.textContent.includes(wanted)),
        `${OPEN_OPTIONS} .ant-select-item-option`,
        text,
      ),
    { timeout: 10_000, timeoutMsg: `${testId} offers no option ${text}` },
  );
  await browser.keys("Enter");
  await browser.waitUntil(async () => (await (await browser.$(selector)).getText()).includes(text), {
    timeout: 10_000,
    timeoutMsg: `${testId} did not take ${text}`,
  });
}

/**
 * WebKitWebDriver now and then answers a lookup with "stale element" when the node it found is
 * replaced by a render during the call (a header that changes state as it is looked up). A
 * lookup changes nothing, so it alone is asked again, a few times; every other command's error
 * stands.
 */
function retryStaleLookups(browser) {
  for (const command of ["findElement", "findElements", "findElementFromElement", "findElementsFromElement"]) {
    browser.overwriteCommand(command, async (original, ...args) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await original(...args);
        } catch (e) {
          if (attempt >= 5 || !/stale element/i.test(String(e))) throw e;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    });
  }
}

/**
 * Starts the app on a fresh database and returns { browser, dbPath, close }. `instance` 1, 2…
 * starts another app beside the first (its own data folder, driver and ports). `database`
 * starts it on that existing file instead (used in place and left there).
 */
export async function startApp({ instance = 0, database } = {}) {
  const port = PORT + 2 * instance;
  const nativePort = NATIVE_PORT + 2 * instance;
  if (await listening(port)) {
    throw new Error(`something already listens on port ${port}: stop the old tauri-driver first`);
  }
  const dir = mkdtempSync(join(tmpdir(), "redress-e2e-"));
  const dbPath = database ?? join(dir, "redress.db");
  // The app's web storage, logs and default data folder go to the temporary folder too, so that
  // every run starts as a first start. Its own process group, so that stopping the driver also
  // stops WebKitWebDriver and the app.
  const env = { ...process.env, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir, XDG_CACHE_HOME: dir };
  const driver = spawn(DRIVER, ["--port", String(port), "--native-port", String(nativePort)], {
    detached: true,
    env,
    stdio: ["ignore", "inherit", "inherit"],
  });
  const stopDriver = () => {
    try {
      process.kill(-driver.pid, "SIGTERM");
    } catch {
      // already gone
    }
  };
  // Even when the test run itself is interrupted, the driver and the app go with it.
  process.once("exit", stopDriver);
  try {
    await driverReady(port, Date.now() + 20_000);
    let browser;
    // The first session right after the driver starts sometimes fails: try again.
    for (let attempt = 1; ; attempt++) {
      try {
        browser = await remote({
          hostname: "127.0.0.1",
          port,
          logLevel: "error",
          connectionRetryTimeout: 30_000,
          connectionRetryCount: 0,
          capabilities: {
            "tauri:options": { application: APP, args: ["--db", dbPath] },
            "wdio:enforceWebDriverClassic": true,
          },
        });
        break;
      } catch (e) {
        if (attempt >= 3) throw e;
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
    retryStaleLookups(browser);
    const close = async () => {
      try {
        await browser.deleteSession();
      } finally {
        stopDriver();
        rmSync(dir, { recursive: true, force: true });
      }
    };
    return { browser, dbPath, close };
  } catch (e) {
    stopDriver();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Calls one of the app's commands from the page, as the UI does after a native dialog (which
 * WebDriver cannot operate): the same command, the same checks. Resolves to its answer.
 */
export async function invokeCommand(browser, command, args) {
  const outcome = await browser.executeAsync(
    (cmd, a, done) => {
      window.__TAURI_INTERNALS__.invoke(cmd, a).then(
        (ok) => done({ ok }),
        (error) => done({ error }),
      );
    },
    command,
    args,
  );
  if (outcome.error) throw new Error(`${command}: ${JSON.stringify(outcome.error)}`);
  return outcome.ok;
}

/**
 * Reads an attribute of the element with a test id inside the page, without holding a handle
 * to it: a header that renders again while it is polled cannot turn the read stale (WebKitWebDriver
 * fails even the lookup of a node replaced mid-call). Null when no such element is shown.
 */
export async function attributeOf(browser, testId, name) {
  return browser.execute(
    (id, attribute) => document.querySelector(`[data-testid="${id}"]`)?.getAttribute(attribute) ?? null,
    testId,
    name,
  );
}

/** Signs the current person out from the user menu and waits for the sign-in screen. */
export async function signOut(browser) {
  // The menu may open slowly right after heavy work (the demo just loaded): clicked again only
  // when it has not shown after a few seconds.
  await openWith(browser, '[data-testid="user-menu"]', '[data-testid="sign-out"]', 30_000);
  await clickWhenClear(browser, await browser.$('[data-testid="sign-out"]'));
}

/** Loads the demo organisation, accounts and 1,000 cases from the empty ledger. */
export async function loadDemo(browser) {
  await clickWhenClear(browser, await browser.$('[data-testid="load-demo"]'));
  const total = await browser.$('[data-testid="ledger-total"]');
  await browser.waitUntil(async () => (await total.getText()) === "共 1,000 件", { timeout: 60_000 });
}

/**
 * Brings an element to the middle of its scrolling box and waits until it stops moving (a
 * drawer whose sections are still loading shifts what lies below them): a click then lands on
 * it and not on its neighbour.
 */
export async function settle(browser, element, timeout = 10_000) {
  await element.scrollIntoView({ block: "center" });
  let last = "";
  await browser.waitUntil(
    async () => {
      const here = JSON.stringify(await element.getLocation());
      const still = here === last;
      last = here;
      return still;
    },
    { timeout, interval: 250, timeoutMsg: "the element kept moving" },
  );
}
