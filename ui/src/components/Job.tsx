// A long operation (an export, an import) with progress and cancel: the call names a job id
// while it runs; `jobs.status` tells how far it got, `jobs.cancel` asks it to stop.
import { Button, Modal, Progress, Space, Typography } from "antd";
import { useCallback, useEffect, useRef, useState } from "react";

import { call, type JobProgress } from "../api";
import { useI18n } from "../i18n";

/** How often a running job is asked how far it got. */
export const POLL_MS = 300;

/** A fresh job id. */
export function newJobId(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID();
  return `job-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

export interface RunningJob {
  id: string;
  /** null until the core first answers (or while the job has not registered yet). */
  progress: JobProgress | null;
  cancelling: boolean;
}

/**
 * Runs one job at a time: `run(start)` calls `start(jobId)` and, while its promise is pending,
 * polls `jobs.status`; `cancel()` asks the core to stop it.
 */
export function useJob() {
  const [job, setJob] = useState<RunningJob | null>(null);
  const current = useRef<string | null>(null);
  const timer = useRef<number | undefined>(undefined);

  useEffect(
    () => () => {
      current.current = null;
      window.clearTimeout(timer.current);
    },
    [],
  );

  const run = useCallback(async <T,>(start: (jobId: string) => Promise<T>): Promise<T> => {
    const id = newJobId();
    current.current = id;
    setJob({ id, progress: null, cancelling: false });
    const poll = () => {
      timer.current = window.setTimeout(() => {
        call("jobs.status", { job_id: id })
          .then((progress) => {
            if (current.current !== id) return;
            if (progress) setJob((j) => (j && j.id === id ? { ...j, progress } : j));
          })
          .catch(() => undefined)
          .finally(() => {
            if (current.current === id) poll();
          });
      }, POLL_MS);
    };
    poll();
    try {
      return await start(id);
    } finally {
      if (current.current === id) {
        current.current = null;
        window.clearTimeout(timer.current);
        setJob(null);
      }
    }
  }, []);

  const cancel = useCallback(() => {
    const id = current.current;
    if (!id) return;
    setJob((j) => (j && j.id === id ? { ...j, cancelling: true } : j));
    call("jobs.cancel", { job_id: id }).catch(() => undefined);
  }, []);

  return { job, run, cancel };
}

/** The bar and the cancel button of a running job. */
export function JobProgressView({ job, onCancel, testId }: { job: RunningJob; onCancel: () => void; testId: string }) {
  const { m } = useI18n();
  const p = job.progress;
  const percent = p && p.total > 0 ? Math.min(100, Math.floor((p.done * 100) / p.total)) : 0;
  const cancelling = job.cancelling || (p?.cancelling ?? false);
  return (
    <Space orientation="vertical" style={{ width: "100%" }} data-testid={testId}>
      <Progress percent={percent} status={cancelling ? "exception" : "active"} data-testid={`${testId}-bar`} />
      <Space style={{ width: "100%", justifyContent: "space-between" }}>
        <Typography.Text type="secondary" data-testid={`${testId}-text`}>
          {cancelling ? m.job.cancelling : p ? m.job.progress(p.done, p.total) : m.job.starting}
        </Typography.Text>
        <Button danger onClick={onCancel} disabled={cancelling} data-testid={`${testId}-cancel`}>
          {m.job.cancel}
        </Button>
      </Space>
    </Space>
  );
}

/** A modal around a running job: it cannot be closed, only cancelled. */
export function JobModal({ job, title, onCancel, testId }: { job: RunningJob | null; title: string; onCancel: () => void; testId: string }) {
  return (
    <Modal open={job !== null} title={title} closable={false} mask={{ closable: false }} keyboard={false} footer={null} destroyOnHidden>
      {job && <JobProgressView job={job} onCancel={onCancel} testId={testId} />}
    </Modal>
  );
}
