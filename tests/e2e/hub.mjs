// The headquarters hub for end-to-end tests: a PostgreSQL cluster of its own in a temporary
// folder (Debian's packages, as the hub's Rust tests use), the real `redress-hub` binary
// migrating it, registering sites and serving HTTPS with a certificate made for the run.
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "../..");
/** Built by `cargo test --workspace` (the README's test command) or `cargo build -p redress-hub`. */
export const HUB = process.env.REDRESS_HUB ?? join(ROOT, "target/debug/redress-hub");

function pgBin() {
  const versions = readdirSync("/usr/lib/postgresql")
    .map((v) => join("/usr/lib/postgresql", v, "bin"))
    .filter((b) => existsSync(join(b, "pg_ctl")))
    .sort();
  if (!versions.length) throw new Error("PostgreSQL from Debian's packages is needed (scripts/setup.sh)");
  return versions[versions.length - 1];
}

async function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

/** GET over HTTPS trusting only `ca`: the status code, or null while nothing answers. */
function status(url, ca) {
  return new Promise((done) => {
    const req = request(url, { ca, timeout: 2_000 }, (res) => {
      res.resume();
      done(res.statusCode);
    });
    req.on("error", () => done(null));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

/**
 * A hub with its database migrated, not yet serving. `addSite` registers a site and returns
 * its credential; `serve` and `stop` start and stop the server (the database stays up, as a
 * hub that is switched off and on); `close` removes everything.
 */
export async function startHub() {
  if (!existsSync(HUB)) throw new Error(`${HUB} is missing: cargo build -p redress-hub`);
  const dir = mkdtempSync(join(tmpdir(), "redress-hub-e2e-"));
  // initdb refuses to run as root: the cluster then runs as the postgres account.
  const asPostgres = process.getuid?.() === 0;
  const bin = pgBin();
  const pg = (tool, args) => {
    const [cmd, all] = asPostgres ? ["runuser", ["-u", "postgres", "--", join(bin, tool), ...args]] : [join(bin, tool), args];
    return execFileSync(cmd, all, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  };
  const data = join(dir, "pg");
  if (asPostgres) {
    chmodSync(dir, 0o755);
    execFileSync("chown", ["postgres:postgres", dir]);
  }
  const pgPort = await freePort();
  let server = null;
  // Whatever happens next, the server processes and the folder go with this test process.
  const stopAll = () => {
    try {
      server?.kill("SIGKILL");
    } catch {
      // gone
    }
    try {
      pg("pg_ctl", ["-D", data, "-m", "immediate", "stop"]);
    } catch {
      // not running
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", stopAll);
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, () => {
      stopAll();
      process.exit(1);
    });
  }
  pg("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale"]);
  const options = `-F -p ${pgPort} -k ${data} -c listen_addresses=127.0.0.1`;
  pg("pg_ctl", ["-D", data, "-o", options, "-w", "-t", "60", "-l", join(data, "log"), "start"]);
  pg("createdb", ["-h", "127.0.0.1", "-p", String(pgPort), "-U", "postgres", "redress_hub"]);
  const databaseUrl = `postgres://postgres@127.0.0.1:${pgPort}/redress_hub`;
  const hub = (args) => execFileSync(HUB, ["--database-url", databaseUrl, ...args], { encoding: "utf8" });
  hub(["migrate"]);

  // A certificate for this run, for 127.0.0.1: the apps are given it to trust, as a small
  // office's self-signed one would be pasted in.
  const cert = join(dir, "hub.crt");
  const key = join(dir, "hub.key");
  execFileSync(
    "openssl",
    [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1",
      "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "-addext", "basicConstraints=critical,CA:FALSE",
      "-addext", "extendedKeyUsage=serverAuth",
    ],
    { stdio: "ignore" },
  );
  const ca = readFileSync(cert, "utf8");
  const port = await freePort();
  const url = `https://127.0.0.1:${port}`;
  const config = join(dir, "hub.toml");
  writeFileSync(
    config,
    [
      `listen = "127.0.0.1:${port}"`,
      `database_url = "${databaseUrl}"`,
      "max_connections = 4",
      `blobs_dir = "blobs"`,
      "[tls]",
      `cert = "hub.crt"`,
      `key = "hub.key"`,
      "",
    ].join("\n"),
  );

  /** Stops the server as Ctrl-C does; one that does not go within 15 s is killed. */
  const stop = async () => {
    if (!server) return;
    const s = server;
    server = null;
    if (s.exitCode !== null || s.signalCode !== null) return;
    const exited = new Promise((r) => s.once("exit", r));
    s.kill("SIGINT"); // the hub shuts down gracefully on Ctrl-C
    const timer = setTimeout(() => s.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  };

  return {
    url,
    ca,
    databaseUrl,
    /** `redress-hub site add`: { code, name, token, signing_key, … }. */
    addSite(name, code, { hq = false } = {}) {
      return JSON.parse(hub(["site", "add", name, "--code", code, ...(hq ? ["--hq"] : [])]));
    },
    /** `redress-hub withheld`: the events the hub keeps but sends to no site. */
    withheld() {
      return JSON.parse(hub(["withheld"]));
    },
    async serve() {
      if (server) return;
      server = spawn(HUB, ["serve", "--config", config], { stdio: ["ignore", "ignore", "inherit"] });
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        if ((await status(`${url}/v1/health`, ca)) === 200) return;
        if (server.exitCode !== null) throw new Error(`redress-hub serve exited with ${server.exitCode}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error("the hub did not answer on /v1/health");
    },
    stop,
    async close() {
      await stop();
      stopAll();
    },
  };
}
