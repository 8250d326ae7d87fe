import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App as AntApp } from "antd";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { ApiError, BundleExportReport, BundleImportReport, BundleLogEntry, Permission, SyncView, SystemInfo } from "../../api";
import { core } from "../../test/core";

// The core stands in (../../test/core), and the shell's dialogs answer with a file (null:
// cancelled); the session grants what each test says.
const shell = {
  savePath: "/media/usb/同步包-SH01.redress-bundle" as string | null,
  picked: "/media/usb/同步包-SH02-20261128-1405.redress-bundle" as string | null,
  saved: [] as [string, string][],
  titles: [] as string[],
};
vi.mock("../../api", async (original) => ({
  ...(await import("../../test/core")).withCore(await original<typeof import("../../api")>()),
  dialogs: {
    saveBundle: (title: string, fileName: string) => {
      shell.saved.push([title, fileName]);
      return Promise.resolve(shell.savePath);
    },
    pickBundle: (title: string) => {
      shell.titles.push(title);
      return Promise.resolve(shell.picked);
    },
  },
}));
const granted = { permissions: new Set<Permission>() };
vi.mock("../../session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../session")>()),
  useSession: () => ({ can: (p: Permission) => granted.permissions.has(p) }),
}));

const { I18nProvider } = await import("../../i18n");
const { SyncProvider } = await import("../../components/Sync");
const { Settings } = await import("../Settings");

const INFO: SystemInfo = {
  version: "0.1.0",
  db_path: "C:\\Redress\\redress.db",
  schema_version: 20,
  site_id: "site-1",
  site_code: "SH01",
  site_name: "上海浦东分公司",
  case_count: 120,
  event_count: 2400,
};

const STANDALONE: SyncView = {
  site_code: "SH01",
  site_name: "上海浦东分公司",
  configured: false,
  own_certificate: false,
  public_key: null,
  clock_flags: [],
  clashes: [],
  clashes_total: 0,
  status: { hub_url: null, waiting: 12, cursor: 0, last_push_at: null, last_pull_at: null, last_error: null, restored_at: null, progress: null },
};

const CONNECTED: SyncView = {
  ...STANDALONE,
  configured: true,
  own_certificate: true,
  status: {
    hub_url: "https://hub.example.com",
    waiting: 4,
    cursor: 41,
    last_push_at: "2026-11-28T06:05:00.000Z",
    last_pull_at: "2026-11-28T06:20:30.000Z",
    last_error: "无法连接总部：connection refused",
    restored_at: null,
    progress: null,
  },
};

const TOKEN = "0123456789abcdef".repeat(4);
const PEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----";

const sent = (operation: string) => core.calls.filter(([n]) => n === operation).map(([, r]) => r);
const type = (testId: string, text: string) => fireEvent.change(screen.getByTestId(testId), { target: { value: text } });
/** The form item (label, field, errors) around a field. */
const item = (testId: string) => within(screen.getByTestId(testId).closest(".ant-form-item") as HTMLElement);

/** Answers sync.status with `status`, and these operations. */
function answer(status: SyncView, answers: Record<string, (request: unknown) => Promise<unknown>> = {}) {
  core.answer = (name, request) => {
    if (answers[name]) return answers[name](request);
    if (name === "sync.status") return Promise.resolve(status);
    return new Promise(() => undefined);
  };
}

function renderSettings() {
  render(
    <I18nProvider>
      <AntApp>
        <SyncProvider>
          <Settings info={INFO} onChanged={() => undefined} />
        </SyncProvider>
      </AntApp>
    </I18nProvider>,
  );
}

/** Opens the 总部同步 tab. */
async function openTab() {
  fireEvent.click(await screen.findByTestId("tab-sync"));
  return screen.findByTestId("sync-hub-url");
}

describe("Settings → 总部同步", { timeout: 20_000 }, () => {
  beforeEach(() => {
    core.calls = [];
    granted.permissions = new Set<Permission>(["case.view", "account.manage"]);
    shell.savePath = "/media/usb/同步包-SH01.redress-bundle";
    shell.picked = "/media/usb/同步包-SH02-20261128-1405.redress-bundle";
    shell.saved = [];
    shell.titles = [];
  });

  it("is not offered to those who do not manage accounts", async () => {
    granted.permissions = new Set<Permission>(["case.view", "case.intake", "case.handle"]);
    answer(STANDALONE);
    renderSettings();
    await screen.findByTestId("tab-general");
    expect(screen.queryByTestId("tab-sync")).toBeNull();
    expect(screen.queryByText("总部同步")).toBeNull();
  });

  it("connects the site: sends the address, the credential and the certificate", async () => {
    const saved: SyncView = { ...CONNECTED, status: { ...CONNECTED.status, hub_url: "https://hub.example.com:8443", last_error: null } };
    answer(STANDALONE, { "sync.configure": () => Promise.resolve(saved) });
    renderSettings();
    expect((await screen.findByTestId("tab-sync")).textContent).toBe("总部同步");
    await openTab();
    const site = await screen.findByTestId("sync-site");
    await waitFor(() => expect(site.textContent).toContain("上海浦东分公司（SH01）"));
    expect(site.textContent).toContain("单机模式");
    // Not connected: nothing to disconnect, nothing to sync.
    expect(screen.queryByTestId("sync-disconnect")).toBeNull();
    expect((screen.getByTestId("sync-tab-now") as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId("sync-token") as HTMLInputElement).type).toBe("password");

    type("sync-hub-url", "  https://hub.example.com:8443 ");
    type("sync-token", TOKEN);
    type("sync-ca", PEM);
    fireEvent.click(screen.getByTestId("sync-save"));
    await waitFor(() =>
      expect(sent("sync.configure")).toEqual([{ hub_url: "https://hub.example.com:8443", token: TOKEN, ca_pem: PEM }]),
    );
    await screen.findByText("已保存总部连接设置");
    // Connected now: the credential is not kept in the form, and may be left empty next time.
    await waitFor(() => expect((screen.getByTestId("sync-token") as HTMLInputElement).value).toBe(""));
    expect(item("sync-token").getByText(/留空表示保持不变/)).toBeTruthy();
    expect(screen.getByTestId("sync-site").textContent).toContain("已连接总部");
    screen.getByTestId("sync-disconnect");
  });

  it("shows the core's field error on the hub address", async () => {
    answer(STANDALONE, {
      "sync.configure": () =>
        Promise.reject({
          code: "validation.failed",
          message: "请检查填写的内容",
          fields: [{ field: "hub_url", code: "invalid", message: "格式不正确（https://…）" }],
        }),
    });
    renderSettings();
    await openTab();
    type("sync-hub-url", "http://hub.example.com");
    type("sync-token", TOKEN);
    fireEvent.click(screen.getByTestId("sync-save"));
    await waitFor(() => expect(sent("sync.configure")).toEqual([{ hub_url: "http://hub.example.com", token: TOKEN }]));
    await item("sync-hub-url").findByText("格式不正确（https://…）");
    expect(item("sync-token").queryByText("格式不正确（https://…）")).toBeNull();
  });

  it("does not save an empty address (disconnecting is its own action)", async () => {
    answer(STANDALONE);
    renderSettings();
    await openTab();
    type("sync-token", TOKEN);
    fireEvent.click(screen.getByTestId("sync-save"));
    await item("sync-hub-url").findByText("必填");
    expect(sent("sync.configure")).toEqual([]);
  });

  it("warns of a site whose clock runs far ahead, by its code, how far and how many records", async () => {
    answer({
      ...CONNECTED,
      clock_flags: [
        { site_id: "5f0c2a9e-2222", site_code: "GZ01", events: 12, ahead_ms: 3 * 3_600_000 + 90_000, last_seen_at: "2026-11-28T06:20:30.000Z" },
        { site_id: "7a1b3c4d-3333", site_code: null, events: 1, ahead_ms: 75 * 60_000, last_seen_at: "2026-11-27T01:00:00.000Z" },
      ],
    });
    renderSettings();
    await openTab();
    const far = await screen.findByTestId("sync-clock-flag-GZ01");
    expect(far.textContent).toContain("站点 GZ01 的时钟比本机快约 3 小时（12 条记录）");
    expect(far.textContent).toContain("最近一次发现：2026-11-28 14:20");
    expect(screen.getByTestId("sync-clock-flag-7a1b3c4d-3333").textContent).toContain("站点 7a1b3c4d 的时钟比本机快约 75 分钟（1 条记录）");
  });

  it("lists what clashed between sites, in words, with the outcome; nothing when there is none", async () => {
    answer({
      ...CONNECTED,
      clashes_total: 4,
      clashes: [
        {
          event_id: "e-3",
          outcome: "number_twice",
          site: "BJ01",
          kind: "incident.declared",
          case_no: null,
          occurred_at: "2026-11-28T07:00:00.000Z",
          reason: "incidents.seq 2026/1 应急〔2026〕1号",
        },
        {
          event_id: "e-2",
          outcome: "code_renamed",
          site: "SH01",
          kind: "org_unit.created",
          case_no: null,
          occurred_at: "2026-11-28T06:20:30.000Z",
          reason: "org_units.code ST-XH2 → ST-XH2~9f3a",
        },
        {
          event_id: "e-1",
          outcome: "set_aside",
          site: "GZ01",
          kind: "case.created",
          case_no: "2026-HQ-000017",
          occurred_at: "2026-11-27T01:00:00.000Z",
          reason: "error returned from database: (code: 1555) UNIQUE constraint failed: cases.id",
        },
      ],
    });
    renderSettings();
    await openTab();
    const card = await screen.findByTestId("sync-clashes");
    const text = card.textContent ?? "";
    expect(text).toContain("站点间冲突（4）");
    expect(text).toContain("两个站点各自新建了代码相同的组织单位（ST-XH2 → ST-XH2~9f3a）");
    expect(text).toContain("代码已加后缀");
    expect(text).toContain("新建组织单位");
    expect(text).toContain("同一条记录在两个站点各自创建过");
    expect(text).toContain("未生效");
    expect(text).toContain("2026-HQ-000017");
    expect(text).toContain("2026-11-28 14:20");
    expect(text).toContain("两个站点离线时各自使用了同一编号（应急〔2026〕1号），两份都有效");
    expect(text).toContain("编号重复");
    expect(text).toContain("仅列出最近 3 项，共 4 项。");
  });

  it("shows no clash card when nothing clashed", async () => {
    answer(CONNECTED);
    renderSettings();
    await openTab();
    await screen.findByTestId("sync-site");
    expect(screen.queryByTestId("sync-clashes")).toBeNull();
  });

  it("shows where the sync stands, keeps the credential when left empty, and disconnects once confirmed", async () => {
    answer(CONNECTED, {
      "sync.configure": (request) =>
        Promise.resolve((request as { hub_url: string }).hub_url === "" ? STANDALONE : CONNECTED),
    });
    renderSettings();
    const url = (await openTab()) as HTMLInputElement;
    await waitFor(() => expect(url.value).toBe("https://hub.example.com"));
    const status = screen.getByTestId("sync-status");
    expect(status.textContent).toContain("同步失败");
    expect(status.textContent).toContain("4 条");
    expect(status.textContent).toContain("41");
    expect(status.textContent).toContain("2026-11-28 14:05");
    expect(status.textContent).toContain("2026-11-28 14:20");
    expect(screen.getByTestId("sync-last-error").textContent).toBe("无法连接总部：connection refused");
    // Its own certificate is not shown again: saving with the field empty keeps it (nothing
    // sent for it); the box goes back to the system's certificates.
    screen.getByTestId("sync-ca-kept");

    fireEvent.click(screen.getByTestId("sync-save"));
    await waitFor(() => expect(sent("sync.configure")).toEqual([{ hub_url: "https://hub.example.com", token: "" }]));
    fireEvent.click(screen.getByTestId("sync-ca-system"));
    fireEvent.click(screen.getByTestId("sync-save"));
    await waitFor(() =>
      expect(sent("sync.configure")[1]).toEqual({ hub_url: "https://hub.example.com", token: "", ca_pem: "" }),
    );

    fireEvent.click(screen.getByTestId("sync-disconnect"));
    await screen.findByText(/断开后本站点改为单机模式/);
    expect(sent("sync.configure")).toHaveLength(2);
    fireEvent.click(await screen.findByTestId("sync-disconnect-ok"));
    await waitFor(() => expect(sent("sync.configure")[2]).toEqual({ hub_url: "", token: "", ca_pem: "" }));
    await screen.findByText("已断开总部，本站点为单机模式");
    await waitFor(() => expect(screen.queryByTestId("sync-disconnect")).toBeNull());
    expect(screen.getByTestId("sync-site").textContent).toContain("单机模式");
  });

  it("syncs from the tab with 立即同步", async () => {
    answer(CONNECTED, {
      "sync.run": () => Promise.resolve({ configured: true, report: { pushed: 3, pulled: 5, recovered: 0, waiting: 0, cursor: 46, refolded: false, blobs_sent: 0, blobs_fetched: 0, blobs_absent: 0, blobs_failed: 0 } }),
    });
    renderSettings();
    await openTab();
    const now = screen.getByTestId("sync-tab-now") as HTMLButtonElement;
    await waitFor(() => expect(now.disabled).toBe(false));
    fireEvent.click(now);
    await screen.findByText("同步完成：上传 3 条，下载 5 条");
    expect(sent("sync.run")).toEqual([{}]);
  });
});

const PUBLIC_KEY = "9f".repeat(32);
const SIGNING_KEY = "a1b2c3d4e5f60718".repeat(4);
const refusal = (code: string, message: string, fields: ApiError["fields"] = []): ApiError => ({ code, message, fields });

const EXPORTED: BundleExportReport = {
  bundle_id: "b-1",
  file_name: "同步包-SH01.redress-bundle",
  events: 57,
  keys: 9,
  blobs: 2,
  ranges: [{ site_id: "5f0c2a9e-1111-4222-8333-944445555666", first_seq: 101, last_seq: 157 }],
  bytes: 1_258_291,
};

const IMPORTED: BundleImportReport = {
  bundle_id: "b-2",
  site_code: "SH02",
  created_at: "2026-11-28T06:05:00.000Z",
  events: 40,
  stored: 25,
  duplicates: 10,
  held: 5,
  held_total: 7,
  blobs: 4,
  refolded: false,
  forwarded: false,
  forward_error: "无法连接总部服务器：connection refused",
};

const HISTORY: BundleLogEntry[] = [
  {
    direction: "import",
    bundle_id: "b-2",
    site_id: "site-2",
    file_name: "同步包-SH02-20261128-1405.redress-bundle",
    events: 40,
    stored: 25,
    duplicates: 10,
    held: 5,
    user_id: "u-1",
    at: "2026-11-28T07:00:00.000Z",
  },
  {
    direction: "export",
    bundle_id: "b-1",
    site_id: "site-1",
    file_name: "同步包-SH01-20261127-0930.redress-bundle",
    events: 57,
    stored: 0,
    duplicates: 0,
    held: 0,
    user_id: "u-1",
    at: "2026-11-27T01:30:00.000Z",
  },
];

/** Opens the tab and waits for the bundles card to be ready (the site known). */
async function openBundles() {
  renderSettings();
  await openTab();
  await waitFor(() => expect((screen.getByTestId("bundle-export") as HTMLButtonElement).disabled).toBe(false));
}

describe("Settings → 总部同步 → 同步包", { timeout: 20_000 }, () => {
  beforeEach(() => {
    core.calls = [];
    granted.permissions = new Set<Permission>(["case.view", "account.manage"]);
    shell.savePath = "/media/usb/同步包-SH01.redress-bundle";
    shell.picked = "/media/usb/同步包-SH02-20261128-1405.redress-bundle";
    shell.saved = [];
    shell.titles = [];
  });

  it("exports the waiting events by default where the save dialog says, then shows what it wrote", async () => {
    answer(STANDALONE, {
      "bundles.export": () => Promise.resolve(EXPORTED),
      "bundles.history": () => Promise.resolve([]),
    });
    await openBundles();
    // The file carries consumers' keys: said on the card.
    expect(screen.getByTestId("bundle-warning").textContent).toMatch(/个人信息的密钥.*像数据库一样/);
    const statusCalls = sent("sync.status").length;
    const historyCalls = sent("bundles.history").length;

    fireEvent.click(screen.getByTestId("bundle-export"));
    await waitFor(() => expect(sent("bundles.export")).toEqual([{ path: "/media/usb/同步包-SH01.redress-bundle", scope: "waiting" }]));
    expect(shell.saved).toHaveLength(1);
    expect(shell.saved[0]?.[0]).toBe("导出同步包");
    expect(shell.saved[0]?.[1]).toMatch(/^同步包-SH01-\d{8}-\d{4}\.redress-bundle$/);

    const done = await screen.findByTestId("bundle-exported");
    expect(done.textContent).toContain("已导出同步包 同步包-SH01.redress-bundle");
    expect(screen.getByTestId("bundle-exported-events").textContent).toBe("57");
    expect(screen.getByTestId("bundle-exported-keys").textContent).toBe("9");
    expect(screen.getByTestId("bundle-exported-blobs").textContent).toBe("2");
    expect(screen.getByTestId("bundle-exported-size").textContent).toBe("1.2 MB");
    expect(screen.getByTestId("bundle-exported-range").textContent).toBe("5f0c2a9e… 序号 101–157");
    // The header's state and the record are read again.
    await waitFor(() => expect(sent("sync.status").length).toBeGreaterThan(statusCalls));
    await waitFor(() => expect(sent("bundles.history").length).toBe(historyCalls + 1));
  });

  it("exports the scope chosen", async () => {
    answer(STANDALONE, { "bundles.export": () => Promise.resolve(EXPORTED) });
    await openBundles();
    fireEvent.click(screen.getByText("本机全部事件（总部发往分支）"));
    fireEvent.click(screen.getByTestId("bundle-export"));
    await waitFor(() => expect(sent("bundles.export")).toEqual([{ path: "/media/usb/同步包-SH01.redress-bundle", scope: "all" }]));
  });

  it("does nothing when the save dialog is cancelled", async () => {
    shell.savePath = null;
    answer(STANDALONE, { "bundles.export": () => Promise.resolve(EXPORTED) });
    await openBundles();
    fireEvent.click(screen.getByTestId("bundle-export"));
    await waitFor(() => expect(shell.saved).toHaveLength(1));
    // Let the click's promise settle.
    await new Promise((r) => setTimeout(r, 50));
    expect(sent("bundles.export")).toEqual([]);
    expect(screen.queryByTestId("bundle-exported")).toBeNull();
    expect(screen.queryByTestId("bundle-export-error")).toBeNull();
  });

  it("says when the site has no signing key, with its code, and leads to the field", async () => {
    answer(STANDALONE, {
      "bundles.export": () =>
        Promise.reject(refusal("bundle.no_key", "本站点尚未设置签名密钥：请在 设置 → 总部同步 中填入总部签发的签名密钥")),
    });
    await openBundles();
    fireEvent.click(screen.getByTestId("bundle-export"));
    const error = await screen.findByTestId("bundle-export-error");
    expect(error.textContent).toContain("本站点尚未设置签名密钥");
    expect(error.textContent).toContain("错误代码：bundle.no_key");
    expect(error.className).toContain("ant-alert-error");
    expect(screen.queryByTestId("bundle-exported")).toBeNull();
    const key = screen.getByTestId("sync-signing-key");
    fireEvent.click(screen.getByTestId("bundle-go-key"));
    await waitFor(() => expect(document.activeElement).toBe(key));
  });

  it("says calmly that there is nothing to export", async () => {
    answer(STANDALONE, { "bundles.export": () => Promise.reject(refusal("bundle.empty", "没有需要导出的事件")) });
    await openBundles();
    fireEvent.click(screen.getByTestId("bundle-export"));
    const note = await screen.findByTestId("bundle-export-error");
    expect(note.textContent).toContain("没有需要导出的事件");
    expect(note.className).toContain("ant-alert-info");
    expect(note.className).not.toContain("ant-alert-error");
    expect(screen.queryByTestId("bundle-go-key")).toBeNull();
  });

  it("imports a picked bundle and warns of events held for an earlier one", async () => {
    answer(STANDALONE, { "bundles.import": () => Promise.resolve(IMPORTED) });
    await openBundles();
    const historyCalls = sent("bundles.history").length;
    fireEvent.click(screen.getByTestId("bundle-pick"));
    await waitFor(() => expect(sent("bundles.import")).toEqual([{ path: "/media/usb/同步包-SH02-20261128-1405.redress-bundle" }]));
    expect(shell.titles).toEqual(["选择要导入的同步包"]);
    await screen.findByTestId("bundle-imported");
    expect(screen.getByText("已导入站点 SH02 的同步包")).toBeTruthy();
    expect(screen.getByTestId("bundle-imported-site").textContent).toBe("SH02");
    expect(screen.getByTestId("bundle-imported-at").textContent).toBe("2026-11-28 14:05");
    expect(screen.getByTestId("bundle-imported-stored").textContent).toBe("25 条");
    expect(screen.getByTestId("bundle-imported-duplicates").textContent).toBe("10 条");
    expect(screen.getByTestId("bundle-imported-held").textContent).toBe("5 条");
    expect(screen.getByTestId("bundle-imported-held-total").textContent).toBe("7 条");
    expect(screen.getByTestId("bundle-imported-blobs").textContent).toBe("4");
    expect(screen.getByTestId("bundle-held").textContent).toBe("有 5 条事件在等待更早的同步包，导入那个包后会自动补齐");
    expect(screen.getByTestId("bundle-not-forwarded").textContent).toBe(
      "本机已导入；未能转交总部服务器（无法连接总部服务器：connection refused），该分支下次联网同步时总部会收到",
    );
    expect(screen.queryByTestId("bundle-forwarded")).toBeNull();
    await waitFor(() => expect(sent("bundles.history").length).toBe(historyCalls + 1));
  });

  it("imports a pasted path (quotes taken off); nothing held, no warning; a cancelled dialog imports nothing", async () => {
    answer(STANDALONE, {
      "bundles.import": () => Promise.resolve({ ...IMPORTED, held: 0, held_total: 0, forwarded: true, forward_error: null }),
    });
    await openBundles();
    shell.picked = null;
    fireEvent.click(screen.getByTestId("bundle-pick"));
    await waitFor(() => expect(shell.titles).toHaveLength(1));
    await new Promise((r) => setTimeout(r, 50));
    expect(sent("bundles.import")).toEqual([]);

    type("bundle-path", '"E:\\同步包-SH02-20261128-1405.redress-bundle"');
    fireEvent.click(screen.getByTestId("bundle-import-path"));
    await waitFor(() => expect(sent("bundles.import")).toEqual([{ path: "E:\\同步包-SH02-20261128-1405.redress-bundle" }]));
    await screen.findByTestId("bundle-imported");
    expect(screen.queryByTestId("bundle-held")).toBeNull();
    expect(screen.getByTestId("bundle-forwarded").textContent).toBe("已同时转交总部服务器");
    expect((screen.getByTestId("bundle-path") as HTMLInputElement).value).toBe("");
  });

  it("shows a refused bundle as the core says it, with the code", async () => {
    answer(STANDALONE, {
      "bundles.import": () => Promise.reject(refusal("bundle.signature", "同步包签名校验失败：文件在导出后被改动或损坏")),
    });
    await openBundles();
    fireEvent.click(screen.getByTestId("bundle-pick"));
    const error = await screen.findByTestId("bundle-import-error");
    expect(error.textContent).toContain("同步包签名校验失败：文件在导出后被改动或损坏");
    expect(error.textContent).toContain("错误代码：bundle.signature");
    expect(screen.queryByTestId("bundle-imported")).toBeNull();
  });

  it("lists the bundles written and read, newest first", async () => {
    answer(STANDALONE, { "bundles.history": () => Promise.resolve(HISTORY) });
    await openBundles();
    const rows = await screen.findAllByTestId("bundle-history-row");
    expect(rows).toHaveLength(2);
    const cells = (row: HTMLElement) => [...row.querySelectorAll("td")].map((td) => td.textContent);
    expect(cells(rows[0]!)).toEqual(["2026-11-28 15:00", "导入", "同步包-SH02-20261128-1405.redress-bundle", "40", "25", "10", "5"]);
    expect(cells(rows[1]!)).toEqual(["2026-11-27 09:30", "导出", "同步包-SH01-20261127-0930.redress-bundle", "57", "—", "—", "—"]);
  });

  it("says when no bundle was exported or imported yet", async () => {
    answer(STANDALONE, { "bundles.history": () => Promise.resolve([]) });
    await openBundles();
    await within(screen.getByTestId("bundle-history-card")).findByText("还没有导出或导入过同步包");
    expect(screen.queryAllByTestId("bundle-history-row")).toHaveLength(0);
  });
});

describe("Settings → 总部同步 → 签名密钥", { timeout: 20_000 }, () => {
  beforeEach(() => {
    core.calls = [];
    granted.permissions = new Set<Permission>(["case.view", "account.manage"]);
  });

  it("saves only the signing key on a site without any hub", async () => {
    const saved: SyncView = { ...STANDALONE, public_key: PUBLIC_KEY };
    answer(STANDALONE, { "sync.configure": () => Promise.resolve(saved) });
    renderSettings();
    await openTab();
    expect((screen.getByTestId("sync-signing-key") as HTMLInputElement).type).toBe("password");
    expect(screen.queryByTestId("sync-public-key")).toBeNull();
    type("sync-signing-key", `  ${SIGNING_KEY} `);
    fireEvent.click(screen.getByTestId("sync-save"));
    await waitFor(() => expect(sent("sync.configure")).toEqual([{ hub_url: "", token: "", signing_key: SIGNING_KEY }]));
    await screen.findByText("已保存签名密钥");
    expect(item("sync-hub-url").queryByText("必填")).toBeNull();
    // The key is not kept in the form; its public key is shown to compare.
    await waitFor(() => expect((screen.getByTestId("sync-signing-key") as HTMLInputElement).value).toBe(""));
    expect(screen.getByTestId("sync-public-key").textContent).toContain(PUBLIC_KEY);
    expect(screen.getByTestId("sync-public-key-box").textContent).toContain("请与总部 redress-hub site add 输出的 public_key 核对");
    expect((screen.getByTestId("sync-signing-key") as HTMLInputElement).placeholder).toBe("留空表示保持当前签名密钥");
  });

  it("refuses a signing key that is not 64 hex digits", async () => {
    answer(STANDALONE);
    renderSettings();
    await openTab();
    type("sync-signing-key", "not-a-key");
    fireEvent.click(screen.getByTestId("sync-save"));
    await item("sync-signing-key").findByText("须为 64 位十六进制字符（0–9、a–f）");
    expect(sent("sync.configure")).toEqual([]);
  });

  it("keeps the signing key when left empty, sends it with the hub, and clears it with the box", async () => {
    const connected: SyncView = { ...CONNECTED, public_key: PUBLIC_KEY };
    answer(connected, { "sync.configure": () => Promise.resolve(connected) });
    renderSettings();
    const url = (await openTab()) as HTMLInputElement;
    await waitFor(() => expect(url.value).toBe("https://hub.example.com"));
    await screen.findByTestId("sync-public-key");

    // Connected, an empty address is not a key-only save (disconnecting is its own action).
    type("sync-hub-url", "");
    type("sync-signing-key", SIGNING_KEY);
    fireEvent.click(screen.getByTestId("sync-save"));
    await item("sync-hub-url").findByText("必填");
    expect(sent("sync.configure")).toEqual([]);

    type("sync-hub-url", "https://hub.example.com");
    fireEvent.click(screen.getByTestId("sync-save"));
    await waitFor(() =>
      expect(sent("sync.configure")).toEqual([{ hub_url: "https://hub.example.com", token: "", signing_key: SIGNING_KEY }]),
    );
    await waitFor(() => expect((screen.getByTestId("sync-signing-key") as HTMLInputElement).value).toBe(""));

    fireEvent.click(screen.getByTestId("sync-signing-key-clear"));
    fireEvent.click(screen.getByTestId("sync-save"));
    await waitFor(() => expect(sent("sync.configure")[1]).toEqual({ hub_url: "https://hub.example.com", token: "", signing_key: "" }));
  });

  it("shows the core's field error on the signing key", async () => {
    answer(STANDALONE, {
      "sync.configure": () =>
        Promise.reject(
          refusal("validation.failed", "请检查填写的内容", [{ field: "signing_key", code: "invalid", message: "格式不正确（64 hex）" }]),
        ),
    });
    renderSettings();
    await openTab();
    type("sync-signing-key", SIGNING_KEY);
    fireEvent.click(screen.getByTestId("sync-save"));
    await item("sync-signing-key").findByText("格式不正确（64 hex）");
  });
});
