import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { App as AntApp } from "antd";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import type { SyncRunResult, SyncView } from "../api";
import { core } from "../test/core";

// A stand-in for the core: every call is recorded and answered by `core.answer`.
vi.mock("../api", async (original) => (await import("../test/core")).withCore(await original()));

const { I18nProvider } = await import("../i18n");
const { SyncIndicator, SyncProvider, SYNC_POLL_MS, SYNC_PROGRESS_POLL_MS } = await import("./Sync");

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
  status: {
    hub_url: "https://hub.example.com",
    waiting: 7,
    cursor: 41,
    // The pull is the later one: 14:20 in China.
    last_push_at: "2026-11-28T06:05:00.000Z",
    last_pull_at: "2026-11-28T06:20:30.000Z",
    last_error: null,
    restored_at: null,
    progress: null,
  },
};

const REPORT: SyncRunResult = {
  configured: true,
  report: { pushed: 3, pulled: 5, recovered: 0, waiting: 0, cursor: 46, refolded: false, blobs_sent: 0, blobs_fetched: 0, blobs_absent: 0, blobs_failed: 0 },
};

const sent = (operation: string) => core.calls.filter(([n]) => n === operation).map(([, r]) => r);

/** Answers sync.status with what `status` holds at the time, and these operations. */
function answer(status: () => SyncView, answers: Record<string, (request: unknown) => Promise<unknown>> = {}) {
  core.answer = (name, request) => {
    if (answers[name]) return answers[name](request);
    if (name === "sync.status") return Promise.resolve(status());
    return new Promise(() => undefined);
  };
}

function renderIndicator() {
  render(
    <I18nProvider>
      <AntApp>
        <SyncProvider>
          <SyncIndicator />
        </SyncProvider>
      </AntApp>
    </I18nProvider>,
  );
}

describe("SyncIndicator", { timeout: 20_000 }, () => {
  beforeEach(() => {
    core.calls = [];
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it("says only 单机模式 when no hub is configured, and where to connect one", async () => {
    answer(() => STANDALONE);
    renderIndicator();
    const indicator = await screen.findByTestId("sync-indicator");
    expect(indicator.textContent).toBe("单机模式");
    expect(indicator.getAttribute("data-state")).toBe("standalone");
    expect(screen.queryByTestId("sync-now")).toBeNull();
    expect(screen.queryByTestId("sync-waiting")).toBeNull();
    expect(screen.queryByTestId("sync-last")).toBeNull();
    fireEvent.mouseEnter(indicator);
    await screen.findByText(/系统管理员可在「设置 → 总部同步」中连接总部/);
    expect(sent("sync.status")).toEqual([{}]);
  });

  it("shows the state, the site, the last sync in China time and the events waiting", async () => {
    answer(() => CONNECTED);
    renderIndicator();
    const indicator = await screen.findByTestId("sync-indicator");
    expect(indicator.getAttribute("data-state")).toBe("synced");
    expect(indicator.textContent).toContain("已同步");
    expect(indicator.textContent).toContain("站点 SH01");
    expect(screen.getByTestId("sync-last").textContent).toBe("上次同步 2026-11-28 14:20");
    const waiting = screen.getByTestId("sync-waiting");
    expect(waiting.textContent).toBe("待上传 7 条");
    expect(waiting.className).toContain("ant-typography-warning");
    expect(screen.queryByText("单机模式")).toBeNull();
  });

  it("does not highlight the waiting count when nothing waits", async () => {
    answer(() => ({ ...CONNECTED, status: { ...CONNECTED.status, waiting: 0, last_push_at: null } }));
    renderIndicator();
    const waiting = await screen.findByTestId("sync-waiting");
    expect(waiting.textContent).toBe("待上传 0 条");
    expect(waiting.className).not.toContain("ant-typography-warning");
    expect(screen.getByTestId("sync-last").textContent).toBe("上次同步 2026-11-28 14:20");
  });

  it("syncs on 立即同步: 同步中… meanwhile, then what it did, and the status read again", async () => {
    let status = CONNECTED;
    let finish: (r: SyncRunResult) => void = () => undefined;
    answer(() => status, { "sync.run": () => new Promise((resolve) => (finish = resolve)) });
    renderIndicator();
    fireEvent.click(await screen.findByTestId("sync-now"));
    await waitFor(() => expect(screen.getByTestId("sync-indicator").getAttribute("data-state")).toBe("running"));
    expect(screen.getByTestId("sync-indicator").textContent).toContain("同步中…");
    expect(sent("sync.run")).toEqual([{}]);
    // A second click while it runs starts nothing.
    fireEvent.click(screen.getByTestId("sync-now"));
    expect(sent("sync.run")).toHaveLength(1);

    status = { ...CONNECTED, status: { ...CONNECTED.status, waiting: 0, cursor: 46, last_pull_at: "2026-11-28T07:00:00.000Z" } };
    await act(async () => finish(REPORT));
    await screen.findByText("同步完成：上传 3 条，下载 5 条");
    await waitFor(() => expect(screen.getByTestId("sync-waiting").textContent).toBe("待上传 0 条"));
    expect(screen.getByTestId("sync-last").textContent).toBe("上次同步 2026-11-28 15:00");
    expect(screen.getByTestId("sync-indicator").getAttribute("data-state")).toBe("synced");
    expect(sent("sync.status")).toHaveLength(2);
  });

  it("says which evidence files a sync carried, and warns of those the hub does not have yet", async () => {
    answer(() => CONNECTED, {
      "sync.run": () => Promise.resolve({ configured: true, report: { ...REPORT.report!, blobs_sent: 1, blobs_fetched: 2, blobs_absent: 3, blobs_failed: 1 } }),
    });
    renderIndicator();
    fireEvent.click(await screen.findByTestId("sync-now"));
    await screen.findByText("同步完成：上传 3 条，下载 5 条；证据文件上传 1 个，下载 2 个");
    await screen.findByText("另有 3 个证据文件总部尚未收到（其来源站点尚未上传），下次同步时再取");
    await screen.findByText("1 个证据文件未能传送（文件与其校验值不符，可能已损坏或被改动），请在案件的「证据」中校验；案件记录已照常同步");
  });

  it("marks a database restored from a backup until the sync that takes back this site's later records", async () => {
    // Restored at 16:30 in China; the sync brings back 4 records, and the mark goes.
    let status: SyncView = { ...CONNECTED, status: { ...CONNECTED.status, restored_at: "2026-11-28T08:30:00.000Z" } };
    answer(() => status, {
      "sync.run": () => {
        status = CONNECTED;
        return Promise.resolve({ configured: true, report: { ...REPORT.report!, recovered: 4 } });
      },
    });
    renderIndicator();
    const mark = await screen.findByTestId("sync-restored");
    expect(mark.textContent).toBe("恢复后待同步");
    fireEvent.mouseEnter(mark);
    await screen.findByText(/此电脑的数据于 2026-11-28 16:30 从备份恢复，尚未与总部同步。/);
    fireEvent.click(screen.getByTestId("sync-now"));
    await screen.findByText("已从总部取回本站点在备份之后记下的 4 条记录，可以继续工作");
    await waitFor(() => expect(screen.queryByTestId("sync-restored")).toBeNull());
  });

  it("shows a failed sync's error, and 同步失败 in red with the error on hover", async () => {
    let status = CONNECTED;
    answer(() => status, {
      "sync.run": () => {
        status = { ...CONNECTED, status: { ...CONNECTED.status, last_error: "无法连接总部：connection refused" } };
        return Promise.reject({ code: "sync.unreachable", message: "无法连接总部：connection refused", fields: [] });
      },
    });
    renderIndicator();
    fireEvent.click(await screen.findByTestId("sync-now"));
    await screen.findByText("同步失败：无法连接总部：connection refused");
    await waitFor(() => expect(screen.getByTestId("sync-indicator").getAttribute("data-state")).toBe("failed"));
    const state = screen.getByTestId("sync-state");
    expect(state.textContent).toBe("同步失败");
    expect(state.style.color).toBe("rgb(207, 19, 34)");
    fireEvent.mouseEnter(state);
    await screen.findByText("最近一次同步失败：无法连接总部：connection refused");
  });

  it("says so when the hub was removed meanwhile (sync.run answers configured: false)", async () => {
    answer(() => CONNECTED, { "sync.run": () => Promise.resolve({ configured: false, report: null }) });
    renderIndicator();
    fireEvent.click(await screen.findByTestId("sync-now"));
    await screen.findByText("本站点为单机模式，未连接总部，无需同步");
  });

  it("reads the status again every 30 seconds", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let status = CONNECTED;
    answer(() => status);
    renderIndicator();
    await screen.findByTestId("sync-waiting");
    expect(sent("sync.status")).toHaveLength(1);
    status = { ...CONNECTED, status: { ...CONNECTED.status, waiting: 9 } };
    act(() => vi.advanceTimersByTime(SYNC_POLL_MS - 1_000));
    expect(sent("sync.status")).toHaveLength(1);
    act(() => vi.advanceTimersByTime(1_000));
    expect(sent("sync.status")).toHaveLength(2);
    await waitFor(() => expect(screen.getByTestId("sync-waiting").textContent).toBe("待上传 9 条"));
  });

  it("shows a running sync's progress every second, a background one too, until it ends", async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    // The background sync of a branch's first day online: 200 of 1,000 records sent.
    const progress = { phase: "push", pushed: 200, waiting: 800, pulled: 0, cursor: 0, hub_top: 0 } as const;
    let status: SyncView = { ...CONNECTED, status: { ...CONNECTED.status, waiting: 800, progress } };
    answer(() => status);
    renderIndicator();
    const line = await screen.findByTestId("sync-progress");
    expect(line.getAttribute("data-phase")).toBe("push");
    expect(line.textContent).toBe("正在上传 200 / 1,000 条");
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("20");
    expect(screen.getByTestId("sync-indicator").getAttribute("data-state")).toBe("running");
    expect(screen.getByTestId("sync-now")).toHaveProperty("disabled", true);
    // (Real time passes too: a slow render may already have asked again.)
    const first = sent("sync.status").length;

    // A second later it is pulling: 1,200 received, at the hub's 3,000 of 12,000.
    status = {
      ...CONNECTED,
      status: { ...CONNECTED.status, waiting: 0, progress: { ...progress, phase: "pull", pushed: 1_000, waiting: 0, pulled: 1_200, cursor: 3_000, hub_top: 12_000 } },
    };
    act(() => vi.advanceTimersByTime(SYNC_PROGRESS_POLL_MS));
    expect(sent("sync.status").length).toBeGreaterThan(first);
    await waitFor(() => expect(screen.getByTestId("sync-progress").textContent).toBe("正在下载：已收 1,200 条，进度 3,000 / 12,000"));
    expect(screen.getByRole("progressbar").getAttribute("aria-valuenow")).toBe("25");

    // Then evidence files, then done: the line goes, and the status is asked every 30 s again.
    status = { ...CONNECTED, status: { ...CONNECTED.status, waiting: 0, progress: { ...progress, phase: "files" } } };
    act(() => vi.advanceTimersByTime(SYNC_PROGRESS_POLL_MS));
    await waitFor(() => expect(screen.getByTestId("sync-progress").textContent).toBe("正在传送证据文件…"));
    expect(screen.queryByRole("progressbar")).toBeNull();
    status = { ...CONNECTED, status: { ...CONNECTED.status, waiting: 0 } };
    act(() => vi.advanceTimersByTime(SYNC_PROGRESS_POLL_MS));
    await waitFor(() => expect(screen.queryByTestId("sync-progress")).toBeNull());
    expect(screen.getByTestId("sync-indicator").getAttribute("data-state")).toBe("synced");
    expect(screen.getByTestId("sync-now")).toHaveProperty("disabled", false);
    const asked = sent("sync.status").length;
    act(() => vi.advanceTimersByTime(SYNC_PROGRESS_POLL_MS * 5));
    expect(sent("sync.status")).toHaveLength(asked);

    // The next background sync, with nothing to send yet: no "0 / 0", no bar.
    status = { ...CONNECTED, status: { ...CONNECTED.status, waiting: 0, progress: { ...progress, pushed: 0, waiting: 0 } } };
    act(() => vi.advanceTimersByTime(SYNC_POLL_MS));
    await waitFor(() => expect(screen.getByTestId("sync-progress").textContent).toBe("同步中…"));
    expect(screen.queryByRole("progressbar")).toBeNull();
  });
});
