// The end-to-end harness: starts tauri-driver (which drives WebKitWebDriver, which starts the
// real app binary), opens a WebDriver session on the app with its own database, and cleans up.
// Run under a display: `xvfb-run -a npm run e2e` (the README's test command does this).
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { remote } from "webdriverio";

const ROOT = resolve(import.meta.dirname, "../..");
export const APP = process.env.REDRESS_APP ?? join(ROOT, "target/debug/redress");
const DRIVER = process.env.TAURI_DRIVER ?? join(homedir(), ".cargo/bin/tauri-driver");
const PORT = 4444;

async function driverReady(deadline) {
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${PORT}/status`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("tauri-driver did not become ready");
}

/** Starts the app on a fresh database and returns { browser, dbPath, close }. */
export async function startApp() {
  const dir = mkdtempSync(join(tmpdir(), "redress-e2e-"));
  const dbPath = join(dir, "redress.db");
  // Its own process group, so that stopping it also stops WebKitWebDriver.
  const driver = spawn(DRIVER, ["--port", String(PORT)], { detached: true, stdio: ["ignore", "inherit", "inherit"] });
  const stopDriver = () => {
    try {
      process.kill(-driver.pid, "SIGTERM");
    } catch {
      // already gone
    }
  };
  try {
    await driverReady(Date.now() + 20_000);
    let browser;
    // The first session right after the driver starts sometimes fails: try again.
    for (let attempt = 1; ; attempt++) {
      try {
        browser = await remote({
          hostname: "127.0.0.1",
          port: PORT,
          logLevel: "error",
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
