// The app's start and memory at scale, through the real app and the end-to-end harness: a
// measurement, not a test (no figure is asserted; docs/BENCHMARKS.md reports them). For an
// empty database (the baseline) and for a generated ledger of a million cases
// (target/bench-data/ledger-1000000.db, made by `cargo bench -p redress-core --bench ledger`):
//
// 1. the first start creates the administrator (a generated ledger has no accounts);
// 2. the app is closed and, when the machine allows it, the operating system's file cache is
//    dropped (a cold start, as after a reboot);
// 3. the daily start is timed: launch → the sign-in screen shown, then sign-in → the first
//    ledger page shown with its total and rows;
// 4. after ten idle seconds, the memory of the app and its WebKit processes (their resident
//    sets, summed) is read from /proc.
//
//   REDRESS_APP=target/release/redress xvfb-run -a node tests/e2e/scale.measure.mjs
//
// REDRESS_SCALE_DB names another database to measure instead of the million.
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

import { APP, clickWhenClear, fill, setUpAdministrator, startApp } from "./harness.mjs";

const ROOT = resolve(import.meta.dirname, "../..");
const MILLION = process.env.REDRESS_SCALE_DB ?? join(ROOT, "target/bench-data/ledger-1000000.db");
const PASSWORD = "Scale2026";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The ledger's first page: its total, and a row (or the empty ledger's notice). */
async function ledgerShown(browser) {
  const total = await browser.$('[data-testid="ledger-total"]');
  await browser.waitUntil(async () => /^共 [\d,]+ 件$/.test(await total.getText().catch(() => "")), {
    timeout: 180_000,
    interval: 50,
    timeoutMsg: "the ledger did not show its total",
  });
  const text = await total.getText();
  if (text !== "共 0 件") {
    const row = await browser.$('[data-testid="ledger-table"] tr.ant-table-row');
    await row.waitForDisplayed({ timeout: 60_000, interval: 50 });
  }
  return text;
}

/** Drops the file cache (root, and a kernel that lets it): whether it did. */
function dropCaches() {
  try {
    execFileSync("sync");
    writeFileSync("/proc/sys/vm/drop_caches", "3");
    return true;
  } catch {
    return false;
  }
}

/** Resident memory (KiB) of the app running on `dbPath` and of every process under it. */
function memory(dbPath) {
  const parent = new Map();
  const rss = new Map();
  let app;
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      parent.set(name, stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const status = readFileSync(`/proc/${name}/status`, "utf8");
      rss.set(name, Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0));
      const cmdline = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0");
      if (cmdline[0] === APP && cmdline.includes(dbPath)) app = name;
    } catch {
      // gone meanwhile
    }
  }
  if (!app) throw new Error("the app's process was not found");
  const under = (pid) => {
    for (let p = pid; p && p !== "0"; p = parent.get(p)) if (p === app) return true;
    return false;
  };
  let total = 0;
  let processes = 0;
  for (const [pid, kib] of rss) {
    if (under(pid)) {
      total += kib;
      processes += 1;
    }
  }
  return { appKiB: rss.get(app), allKiB: total, processes };
}

async function measure(label, source) {
  const dir = mkdtempSync(join(tmpdir(), "redress-scale-"));
  const dbPath = join(dir, "redress.db");
  try {
    if (source) cpSync(source, dbPath);
    let app = await startApp({ database: dbPath });
    await setUpAdministrator(app.browser, { password: PASSWORD });
    const ledger = await ledgerShown(app.browser);
    await app.close();

    const cold = dropCaches();
    const launched = performance.now();
    app = await startApp({ database: dbPath });
    const username = await app.browser.$('[data-testid="username"]');
    await username.waitForDisplayed({ timeout: 180_000, interval: 50 });
    const signInScreen = performance.now() - launched;
    await fill(app.browser, "username", "admin");
    await fill(app.browser, "password", PASSWORD);
    const button = await app.browser.$('[data-testid="sign-in"]');
    const signedIn = performance.now();
    await clickWhenClear(app.browser, button);
    await ledgerShown(app.browser);
    const firstPage = performance.now() - signedIn;
    await sleep(10_000);
    const mem = memory(dbPath);
    await app.close();
    return { label, ledger, cold, signInScreen, firstPage, ...mem };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = [await measure("empty", null), await measure("1,000,000 cases", MILLION)];
console.log(JSON.stringify(results, null, 2));
const ms = (v) => `${(v / 1000).toFixed(2)} s`;
const mib = (kib) => `${(kib / 1024).toFixed(0)} MiB`;
console.log(`\napp: ${APP}\n`);
console.log("| Database | Ledger | Cache dropped | Launch → sign-in screen | Sign-in → first ledger page | Memory: app | Memory: app + WebKit |");
console.log("|---|---|---|---|---|---|---|");
for (const r of results) {
  console.log(
    `| ${r.label} | ${r.ledger} | ${r.cold ? "yes" : "no"} | ${ms(r.signInScreen)} | ${ms(r.firstPage)} | ${mib(r.appKiB)} | ${mib(r.allKiB)} (${r.processes} processes) |`,
  );
}
