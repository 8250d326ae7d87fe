import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App as AntApp } from "antd";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { Permission, SyncView, SystemInfo } from "../../api";
import { core } from "../../test/core";

// The core stands in (../../test/core); the session grants what each test says.
vi.mock("../../api", async (original) => (await import("../../test/core")).withCore(await original()));
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
  status: { hub_url: null, waiting: 12, cursor: 0, last_push_at: null, last_pull_at: null, last_error: null },
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
      "sync.run": () => Promise.resolve({ configured: true, report: { pushed: 3, pulled: 5, waiting: 0, cursor: 46, refolded: false } }),
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
