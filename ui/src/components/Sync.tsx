// Where this site stands with the headquarters hub, for the whole workspace: the status is
// asked on opening and every 30 s (the app also syncs by itself every 5 minutes, in the
// background), and again after a sync started here. The header shows it (SyncIndicator); the
// settings tab (admin/HubSync) reads and updates the same state.
import { CloudServerOutlined, SyncOutlined } from "@ant-design/icons";
import { App, Badge, Button, Progress, Space, Tag, Tooltip, Typography } from "antd";
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";

import { call, toOperationError, type SyncProgress, type SyncStatus, type SyncView } from "../api";
import { formatDateTime } from "../format";
import { useI18n } from "../i18n";

/** How often the status is asked while signed in. */
export const SYNC_POLL_MS = 30_000;

/** How often while a sync runs (started here or in the background): its progress. */
export const SYNC_PROGRESS_POLL_MS = 1_000;

interface SyncContext {
  /** The last status read (null until the first answer). */
  view: SyncView | null;
  /** A sync started from this window is under way. */
  running: boolean;
  /** How many syncs started from this window have ended (well or not). */
  finished: number;
  /** Reads the status again. */
  refresh: () => Promise<void>;
  /** One full sync now; says what it did (or why it failed), then reads the status again. */
  syncNow: () => Promise<void>;
  /** Takes a status another call returned (sync.configure). */
  accept: (view: SyncView) => void;
}

const Context = createContext<SyncContext | null>(null);

/** Keeps the sync status for what is inside (the signed-in workspace). */
export function SyncProvider({ children }: { children: ReactNode }) {
  const { m } = useI18n();
  const { message } = App.useApp();
  const [view, setView] = useState<SyncView | null>(null);
  const [running, setRunning] = useState(false);
  const [finished, setFinished] = useState(0);
  const busy = useRef(false);
  // Answers are taken in the order asked: a slow poll does not undo a newer status.
  const asked = useRef(0);
  const taken = useRef(0);
  const live = useRef(true);

  const take = useCallback((n: number, v: SyncView) => {
    if (!live.current || n < taken.current) return;
    taken.current = n;
    setView(v);
  }, []);

  const refresh = useCallback(async () => {
    const n = ++asked.current;
    try {
      take(n, await call("sync.status", {}));
    } catch {
      // A failed poll keeps what was shown; the next one tries again.
    }
  }, [take]);

  const accept = useCallback((v: SyncView) => take(++asked.current, v), [take]);

  const syncNow = useCallback(async () => {
    if (busy.current) return;
    busy.current = true;
    setRunning(true);
    try {
      const result = await call("sync.run", {});
      if (!result.configured || !result.report) {
        message.info(m.sync.notConfigured);
      } else {
        const r = result.report;
        if (r.recovered > 0) message.info(m.sync.recovered(r.recovered));
        message.success(m.sync.done(r.pushed, r.pulled, r.blobs_sent, r.blobs_fetched));
        if (r.blobs_absent > 0) message.warning(m.sync.filesAbsent(r.blobs_absent));
        if (r.blobs_failed > 0) message.error(m.sync.filesFailed(r.blobs_failed));
      }
    } catch (e) {
      message.error(m.sync.runFailed(toOperationError(e).message));
    } finally {
      // The new status first, so the state does not flash back to the one before.
      await refresh();
      busy.current = false;
      if (live.current) {
        setRunning(false);
        setFinished((n) => n + 1);
      }
    }
  }, [m, message, refresh]);

  useEffect(() => {
    live.current = true;
    void refresh();
    const timer = window.setInterval(() => void refresh(), SYNC_POLL_MS);
    return () => {
      live.current = false;
      window.clearInterval(timer);
    };
  }, [refresh]);

  // While a sync runs, its progress every second (a first sync of a large branch takes minutes).
  const syncing = running || !!view?.status.progress;
  useEffect(() => {
    if (!syncing) return;
    const timer = window.setInterval(() => void refresh(), SYNC_PROGRESS_POLL_MS);
    return () => window.clearInterval(timer);
  }, [syncing, refresh]);

  const value = useMemo(
    () => ({ view, running, finished, refresh, syncNow, accept }),
    [view, running, finished, refresh, syncNow, accept],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useSync(): SyncContext {
  const ctx = useContext(Context);
  if (!ctx) throw new Error("useSync outside SyncProvider");
  return ctx;
}

/** The later of the last push and the last pull, or null if neither happened. */
export function lastSyncAt(status: SyncStatus): string | null {
  const times = [status.last_push_at, status.last_pull_at].filter((t): t is string => !!t && !Number.isNaN(Date.parse(t)));
  if (times.length === 0) return null;
  return times.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a));
}

export type SyncState = "standalone" | "running" | "failed" | "synced" | "never";

export function syncState(view: SyncView, running: boolean): SyncState {
  if (!view.configured) return "standalone";
  if (running || view.status.progress) return "running";
  if (view.status.last_error) return "failed";
  return lastSyncAt(view.status) ? "synced" : "never";
}

const BADGE = { running: "processing", failed: "error", synced: "success", never: "default" } as const;

/** The state as a coloured dot and a word (同步失败 red, with the error on hover). */
export function SyncStateBadge({ view, running }: { view: SyncView; running: boolean }) {
  const { m } = useI18n();
  const state = syncState(view, running);
  if (state === "standalone") return null;
  const label = { running: m.sync.running, failed: m.sync.failed, synced: m.sync.synced, never: m.sync.never }[state];
  const badge = (
    <Badge
      status={BADGE[state]}
      text={
        <span data-testid="sync-state" data-state={state} style={state === "failed" ? { color: "#cf1322" } : undefined}>
          {label}
        </span>
      }
    />
  );
  return state === "failed" ? (
    <Tooltip title={m.sync.lastError(view.status.last_error ?? "")}>{badge}</Tooltip>
  ) : (
    badge
  );
}

/** The header's sync line: state, site, last sync, events waiting, and 立即同步. */
export function SyncIndicator() {
  const { m } = useI18n();
  const { view, running, finished, syncNow } = useSync();
  if (!view) return null;

  if (!view.configured) {
    return (
      <Tooltip title={m.sync.standaloneHint}>
        <Typography.Text type="secondary" style={{ fontSize: 13, cursor: "default" }} data-testid="sync-indicator" data-state="standalone">
          <CloudServerOutlined style={{ marginRight: 4 }} />
          {m.sync.standalone}
        </Typography.Text>
      </Tooltip>
    );
  }

  const { status } = view;
  const last = lastSyncAt(status);
  return (
    <Space
      size={10}
      style={{ fontSize: 13, lineHeight: "20px", whiteSpace: "nowrap" }}
      data-testid="sync-indicator"
      data-state={syncState(view, running)}
      data-finished={finished}
    >
      <SyncStateBadge view={view} running={running} />
      {status.restored_at && (
        <Tooltip title={m.sync.restoredHint(formatDateTime(status.restored_at))}>
          <Tag color="warning" style={{ marginInlineEnd: 0 }} data-testid="sync-restored">
            {m.sync.restored}
          </Tag>
        </Tooltip>
      )}
      <Tooltip title={<>{status.hub_url && <div>{m.sync.hubTip(status.hub_url)}</div>}<div>{m.sync.auto}</div></>}>
        <Typography.Text type="secondary" style={{ fontSize: 13 }}>
          {m.sync.site(view.site_code)}
        </Typography.Text>
      </Tooltip>
      {last && (
        <Typography.Text type="secondary" style={{ fontSize: 13 }} data-testid="sync-last">
          {m.sync.last(formatDateTime(last))}
        </Typography.Text>
      )}
      <Typography.Text
        type={status.waiting > 0 ? "warning" : "secondary"}
        strong={status.waiting > 0}
        style={{ fontSize: 13 }}
        data-testid="sync-waiting"
        data-waiting={status.waiting}
      >
        {m.sync.waiting(status.waiting)}
      </Typography.Text>
      {status.progress && <SyncProgressLine progress={status.progress} />}
      <Button
        size="small"
        icon={<SyncOutlined spin={running || !!status.progress} />}
        disabled={running || !!status.progress}
        onClick={() => void syncNow()}
        data-testid="sync-now"
      >
        {m.sync.now}
      </Button>
    </Space>
  );
}

/** Where a running sync is: records sent of those waiting at its start, or the hub's number
 * reached of its highest, or the files and handed-over histories last. */
export function SyncProgressLine({ progress }: { progress: SyncProgress }) {
  const { m } = useI18n();
  const n = (x: number) => x.toLocaleString("zh-CN");
  let label: string;
  let percent: number | null = null;
  if (progress.phase === "push" && progress.pushed + progress.waiting === 0) {
    // Asking the hub where things stand (this site's records taken back, an empty push).
    label = m.sync.running;
  } else if (progress.phase === "push") {
    const total = progress.pushed + progress.waiting;
    label = m.sync.progressPush(n(progress.pushed), n(total));
    percent = total > 0 ? Math.floor((progress.pushed * 100) / total) : null;
  } else if (progress.phase === "pull" && progress.hub_top > 0) {
    label = m.sync.progressPull(n(progress.pulled), n(progress.cursor), n(progress.hub_top));
    percent = Math.floor((Math.min(progress.cursor, progress.hub_top) * 100) / progress.hub_top);
  } else if (progress.phase === "pull") {
    label = m.sync.progressPullStart;
  } else {
    label = m.sync.progressFiles;
  }
  return (
    <Space size={6} data-testid="sync-progress" data-phase={progress.phase}>
      <Typography.Text style={{ fontSize: 13 }}>{label}</Typography.Text>
      {percent !== null && <Progress percent={percent} size={[80, 6]} showInfo={false} aria-label={label} />}
    </Space>
  );
}
