import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { App as AntApp } from "antd";
import { beforeEach, describe, expect, it, vi } from "vitest";

import type { BackupInfo, BackupMade, BackupView, Restored } from "../../api";
import { core } from "../../test/core";

const shell = {
  picked: "/Volumes/备份盘/Redress" as string | null,
  restored: [] as string[],
  restore: (): Promise<Restored> => new Promise(() => undefined),
};
vi.mock("../../api", async (original) => ({
  ...(await import("../../test/core")).withCore(await original<typeof import("../../api")>()),
  dialogs: { pickFolder: () => Promise.resolve(shell.picked) },
  backups: {
    restore: (path: string) => {
      shell.restored.push(path);
      return shell.restore();
    },
  },
}));
const session = { refreshed: 0 };
vi.mock("../../session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../session")>()),
  useSession: () => ({ refresh: () => (session.refreshed += 1) }),
}));

const { I18nProvider } = await import("../../i18n");
const { Backups } = await import("./Backups");

const BACKUP: BackupInfo = {
  path: "/Volumes/备份盘/Redress/redress-backup-20261130-093000-HQ",
  name: "redress-backup-20261130-093000-HQ",
  evidence_bytes: 3 * 1024 * 1024,
  manifest: {
    format: 1,
    app_version: "0.1.0",
    schema_version: 29,
    site_id: "site-hq",
    site_code: "HQ",
    site_name: "总部",
    created_at: "2026-11-30T01:30:00.000Z",
    database_sha256: "ab".repeat(32),
    database_bytes: 12 * 1024 * 1024,
    cases: 1234,
    events: 20345,
    evidence: [
      { sha256: "cd".repeat(32), size: 1024 * 1024 },
      { sha256: "ef".repeat(32), size: 2 * 1024 * 1024 },
    ],
    evidence_damaged: [],
  },
};

const VIEW: BackupView = {
  folder: "/Volumes/备份盘/Redress",
  keep: 30,
  daily: true,
  last_at: "2026-11-30T01:30:00.000Z",
  last_name: BACKUP.name,
  last_error: null,
  last_error_at: null,
  due: false,
  backups: [BACKUP],
  folder_problem: null,
  replaced: [],
  site_id: "site-hq",
  site_code: "HQ",
};

const sent = (operation: string) => core.calls.filter(([n]) => n === operation).map(([, r]) => r);

function answer(answers: Record<string, (request: unknown) => Promise<unknown>> = {}, view: BackupView = VIEW) {
  core.answer = (name, request) => {
    if (answers[name]) return answers[name](request);
    if (name === "backup.status") return Promise.resolve(view);
    return new Promise(() => undefined);
  };
}

function renderBackups() {
  render(
    <I18nProvider>
      <AntApp>
        <Backups />
      </AntApp>
    </I18nProvider>,
  );
}

describe("Backups", { timeout: 20_000 }, () => {
  beforeEach(() => {
    core.calls = [];
    shell.restored = [];
    session.refreshed = 0;
    shell.restore = () => new Promise(() => undefined);
    answer();
  });

  it("lists the backups in the folder with what each holds, and the last one made", async () => {
    renderBackups();
    const list = within(await screen.findByTestId("backup-list"));
    const row = (await list.findByText("2026-11-30 09:30")).closest("tr") as HTMLElement;
    expect(Array.from(row.querySelectorAll("td")).slice(0, 5).map((td) => td.textContent)).toEqual([
      "2026-11-30 09:30",
      "HQ",
      "1234",
      "12.0 MB",
      "2 个，3.0 MB",
    ]);
    expect(screen.getByTestId("backup-last").textContent).toBe(`2026-11-30 09:30（${BACKUP.name}）`);
    screen.getByText("今天已备份，明天再次进行");
    expect((screen.getByTestId("backup-folder") as HTMLInputElement).value).toBe("/Volumes/备份盘/Redress");
  });

  it("saves the settings from the folder picked; the core's errors land on their fields", async () => {
    let tries = 0;
    answer(
      {
        "backup.configure": (request) =>
          ++tries === 1
            ? Promise.reject({
                code: "validation.failed",
                message: "请检查填写的内容",
                fields: [{ field: "folder", code: "field.invalid", message: "格式不正确（Permission denied (os error 13)）" }],
              })
            : Promise.resolve({ ...VIEW, ...(request as object) }),
      },
      { ...VIEW, folder: null, backups: [], last_at: null, last_name: null },
    );
    renderBackups();
    await screen.findByText("尚未备份");
    expect((screen.getByTestId("backup-now") as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId("backup-pick"));
    await waitFor(() => expect((screen.getByTestId("backup-folder") as HTMLInputElement).value).toBe("/Volumes/备份盘/Redress"));
    fireEvent.click(screen.getByTestId("backup-save"));
    await screen.findByText("格式不正确（Permission denied (os error 13)）");
    fireEvent.click(screen.getByTestId("backup-save"));
    await screen.findByText("备份设置已保存");
    expect(sent("backup.configure")).toEqual([
      { folder: "/Volumes/备份盘/Redress", keep: 30, daily: true },
      { folder: "/Volumes/备份盘/Redress", keep: 30, daily: true },
    ]);
    await waitFor(() => expect((screen.getByTestId("backup-now") as HTMLButtonElement).disabled).toBe(false));
  });

  it("backs up now and says what was copied; a failed daily backup is shown", async () => {
    const made: BackupMade = { backup: BACKUP, evidence_copied: 2, evidence_copied_bytes: 3 * 1024 * 1024, removed: [] };
    answer(
      { "backup.create": () => Promise.resolve(made) },
      { ...VIEW, last_error: "storage.io: No space left on device (os error 28)", last_error_at: "2026-11-30T02:00:00Z" },
    );
    renderBackups();
    const error = await screen.findByTestId("backup-error");
    expect(error.textContent).toContain("最近一次备份失败（2026-11-30 10:00）");
    expect(error.textContent).toContain("No space left on device");
    fireEvent.click(screen.getByTestId("backup-now"));
    await screen.findByText(`已完成备份 ${BACKUP.name}，新复制证据文件 2 个（3.0 MB）`);
    expect(sent("backup.create")).toEqual([{}]);
    await waitFor(() => expect(sent("backup.status")).toHaveLength(2));
  });

  it("checks a backup and shows what passed", async () => {
    answer({
      "backup.verify": () =>
        Promise.resolve({ backup: BACKUP, events_checked: 20345, evidence_checked: 2 }),
    });
    renderBackups();
    fireEvent.click(await screen.findByTestId("backup-check"));
    const checked = await screen.findByTestId("backup-checked");
    expect(checked.textContent).toBe("校验和、数据库完整性和审计链均通过（20345 条记录），2 个证据文件的哈希值均一致。");
    expect(sent("backup.verify")).toEqual([{ path: BACKUP.path }]);
  });

  it("restores only once confirmed, then says where the old database is and signs everyone out", async () => {
    shell.restore = () =>
      Promise.resolve({
        checked: { backup: BACKUP, events_checked: 20345, evidence_checked: 2 },
        replaced_kept_at: "/home/hq/.local/share/redress/redress.db.replaced-20261130-101500",
        evidence_added: 0,
      });
    renderBackups();
    fireEvent.click(await screen.findByTestId("backup-restore"));
    await screen.findByText("将恢复到 2026-11-30 09:30 的数据（站点 HQ，1234 件案件）。此后录入的内容不在该备份中。");
    expect(screen.queryByTestId("backup-restore-other-site")).toBeNull();
    expect(shell.restored).toEqual([]);
    fireEvent.click(await screen.findByTestId("backup-restore-ok"));
    const done = await screen.findByTestId("backup-restored");
    expect(done.textContent).toBe(
      "数据已恢复（1234 件案件）。原数据库保留在 /home/hq/.local/share/redress/redress.db.replaced-20261130-101500。请重新登录。",
    );
    expect(shell.restored).toEqual([BACKUP.path]);
    fireEvent.click(screen.getByTestId("backup-restored-ok"));
    await waitFor(() => expect(session.refreshed).toBe(1));
  });

  it("warns before restoring another site's backup, and only then", async () => {
    answer({}, { ...VIEW, site_id: "site-sh01", site_code: "SH01" });
    renderBackups();
    fireEvent.click(await screen.findByTestId("backup-restore"));
    const warning = await screen.findByTestId("backup-restore-other-site");
    expect(warning.textContent).toContain("这是站点 HQ 的备份，而本机是站点 SH01");
    expect(shell.restored).toEqual([]);
  });

  it("a refused restore says why and changes nothing", async () => {
    shell.restore = () =>
      Promise.reject({
        code: "backup.invalid",
        message: "备份未通过校验，未作任何更改：证据文件缺失：" + "cd".repeat(32),
        fields: [],
      });
    renderBackups();
    fireEvent.click(await screen.findByTestId("backup-restore"));
    fireEvent.click(await screen.findByTestId("backup-restore-ok"));
    await screen.findByText(/备份未通过校验，未作任何更改：证据文件缺失/);
    expect(session.refreshed).toBe(0);
  });

  it("lists the databases restores replaced, and deletes one once confirmed", async () => {
    const replaced = {
      path: "/home/hq/.local/share/redress/redress.db.replaced-20261130-101500",
      name: "redress.db.replaced-20261130-101500",
      bytes: 12 * 1024 * 1024,
    };
    answer(
      { "backup.discard_replaced": () => Promise.resolve({ ...VIEW, replaced: [] }) },
      { ...VIEW, replaced: [replaced] },
    );
    renderBackups();
    const card = within(await screen.findByTestId("backup-replaced"));
    card.getByText(replaced.path);
    fireEvent.click(card.getByTestId("backup-discard"));
    await screen.findByText(`将删除 ${replaced.path}。删除后无法找回。`);
    fireEvent.click(await screen.findByTestId("backup-discard-ok"));
    await waitFor(() => expect(screen.queryByTestId("backup-replaced")).toBeNull());
    expect(sent("backup.discard_replaced")).toEqual([{ path: replaced.path }]);
  });
});
