// What the emergency screens share: labels and tags, numbers as people read them, the case
// tables (each case opening in the case drawer); and, from the shared components, a modal form
// whose core errors land on their fields.
import { App, Button, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useCallback, useEffect, useState, type HTMLAttributes } from "react";

import {
  call,
  toOperationError,
  type OperationError,
  type OperationName,
  type RequestOf,
  type ResponseOf,
  type CaseStatus,
  type EmergencyKind,
  type IncidentLevel,
  type IncidentStatus,
  type IncidentView,
  type WatchDimension,
} from "../../api";
import { useCodes } from "../../codes";
import { CaseDrawer } from "../../components/CaseDrawer";
import { StatusTag } from "../../components/labels";
import { formatDateTime } from "../../format";
import { useI18n } from "../../i18n";
import { useSession } from "../../session";
import { pValueText } from "../stats/shared";

// The modal form and its rules live with the shared components (other screens use them too).
export { DATE_PATTERN, FormModal, MOMENT_PATTERN, testIdProps, useRules } from "../../components/FormModal";

export const EMERGENCY_KINDS: EmergencyKind[] = [
  "product_safety",
  "mass_refund",
  "store_closure",
  "data_leak",
  "media_crisis",
  "other",
];
export const LEVELS: IncidentLevel[] = ["major", "mass"];
export const DIMENSIONS: WatchDimension[] = ["product", "store", "category"];

/** Props for a table row: antd types `onRow` without `data-*` attributes. */
export const rowProps = (testId: string, id?: string, onClick?: () => void) =>
  ({
    "data-testid": testId,
    ...(id !== undefined ? { "data-id": id } : {}),
    ...(onClick ? { onClick, style: { cursor: "pointer" } } : {}),
  }) as HTMLAttributes<HTMLElement>;

/** A count or rate with at most `digits` decimals, no trailing zeros: `1.2`, `6`, `0.35`. */
export function num(x: number, digits = 1): string {
  if (!Number.isFinite(x)) return "—";
  const f = 10 ** digits;
  return String(Math.round(x * f) / f);
}

/** A p-value: `0.012` when readable so, `3.2×10⁻⁸` when tiny (as the statistics show them). */
export const pValue = pValueText;

/**
 * What `op` answers, asked on the first render and again whenever `reloads` changes. `loading`
 * while an answer is on its way; a failure keeps the last rows and says why.
 */
export function useReloaded<K extends OperationName>(op: K, request: RequestOf<K>, reloads: number) {
  const { message } = App.useApp();
  const key = JSON.stringify(request);
  // The last answer and the reload it answers (while it is not the current one, one is on its way).
  const [reply, setReply] = useState<{ reloads: number; rows: ResponseOf<K> | null } | null>(null);
  useEffect(() => {
    let live = true;
    call(op, JSON.parse(key) as RequestOf<K>)
      .then((rows) => live && setReply({ reloads, rows }))
      .catch((err: OperationError) => {
        if (!live) return;
        setReply((r) => ({ reloads, rows: r?.rows ?? null }));
        message.error(err.message);
      });
    return () => {
      live = false;
    };
  }, [op, key, reloads, message]);
  return { rows: reply?.rows ?? null, loading: reply?.reloads !== reloads };
}

/** Text with its line breaks kept. */
export function Prose({ text, testId }: { text: string | null | undefined; testId?: string }) {
  const { m } = useI18n();
  if (!text?.trim()) {
    return (
      <Typography.Text type="secondary" data-testid={testId}>
        {m.emergency.none}
      </Typography.Text>
    );
  }
  return (
    <div style={{ whiteSpace: "pre-wrap" }} data-testid={testId}>
      {text}
    </div>
  );
}

const KIND_COLOR: Record<EmergencyKind, string> = {
  product_safety: "volcano",
  mass_refund: "orange",
  store_closure: "gold",
  data_leak: "purple",
  media_crisis: "magenta",
  other: "default",
};

export function KindTag({ kind }: { kind: EmergencyKind }) {
  const { m } = useI18n();
  return <Tag color={KIND_COLOR[kind]}>{m.emergency.kind[kind]}</Tag>;
}

export function LevelTag({ level }: { level: IncidentLevel }) {
  const { m } = useI18n();
  return <Tag color={level === "major" ? "red" : "volcano"}>{m.emergency.level[level]}</Tag>;
}

export function IncidentStatusTag({ status, testId }: { status: IncidentStatus; testId?: string }) {
  const { m } = useI18n();
  return (
    <Tag color={status === "open" ? "processing" : "success"} data-testid={testId}>
      {m.emergency.incidentStatus[status]}
    </Tag>
  );
}

/** A case of an alert's cluster or of an incident. */
export interface CaseLine {
  id: string;
  case_no: string;
  received_at: string;
  status: string;
  store: string | null;
  product: string | null;
  category: string;
  auto?: boolean;
}

/** Cases in a compact table; a case number opens the case in the case drawer. */
export function CaseTable({
  rows,
  testId,
  pageSize = 10,
  showAuto = false,
}: {
  rows: CaseLine[];
  testId?: string;
  pageSize?: number;
  showAuto?: boolean;
}) {
  const { m } = useI18n();
  const c = m.emergency.cases;
  const codes = useCodes();
  const { can } = useSession();
  const [open, setOpen] = useState<string | null>(null);
  const columns: ColumnsType<CaseLine> = [
    {
      key: "case_no",
      title: c.caseNo,
      width: 170,
      render: (_, r) => (
        <Button
          type="link"
          size="small"
          className="case-link num"
          aria-label={m.caseDetail.openCase(r.case_no)}
          onClick={() => setOpen(r.id)}
        >
          {r.case_no}
        </Button>
      ),
    },
    { key: "received", title: c.received, width: 140, className: "num", render: (_, r) => formatDateTime(r.received_at) },
    { key: "store", title: c.store, ellipsis: true, render: (_, r) => r.store ?? "—" },
    { key: "product", title: c.product, ellipsis: true, render: (_, r) => r.product ?? "—" },
    { key: "category", title: c.category, width: 120, ellipsis: true, render: (_, r) => codes.label("category", r.category) },
    {
      key: "status",
      title: c.status,
      width: showAuto ? 170 : 100,
      render: (_, r) => (
        <>
          {r.status in m.labels.status ? <StatusTag status={r.status as CaseStatus} /> : <Tag>{r.status}</Tag>}
          {showAuto && r.auto && <Tag color="cyan">{c.auto}</Tag>}
        </>
      ),
    },
  ];
  return (
    <>
      <Table<CaseLine>
        size="small"
        rowKey="id"
        data-testid={testId}
        dataSource={rows}
        columns={columns}
        pagination={{ pageSize, hideOnSinglePage: true, size: "small", showSizeChanger: false }}
        locale={{ emptyText: c.none }}
        onRow={(r) => rowProps("case-row", r.id)}
      />
      <CaseDrawer
        caseId={open}
        onClose={() => setOpen(null)}
        canHandle={can("case.handle")}
        canWork={can("case.intake") || can("case.handle")}
        canApprove={can("compensation.approve")}
        onChanged={() => undefined}
        onOpenCase={setOpen}
      />
    </>
  );
}

/** What each section of an incident is given: the incident, and whether it may be changed. */
export interface SectionProps {
  view: IncidentView;
  /** May change it: emergency.manage, and the incident still open. */
  editable: boolean;
  onView: (view: IncidentView) => void;
}

/**
 * Runs an incident operation without a form (a step started, a plan activated): busy by key
 * while it runs; the incident it returns shown; a refusal shown as a message.
 */
export function useIncidentAction(onView: (view: IncidentView) => void) {
  const { message } = App.useApp();
  const [busy, setBusy] = useState<string | null>(null);
  const act = useCallback(
    async (key: string, action: () => Promise<IncidentView>): Promise<boolean> => {
      setBusy(key);
      try {
        onView(await action());
        return true;
      } catch (e) {
        message.error(toOperationError(e).message);
        return false;
      } finally {
        setBusy(null);
      }
    },
    [message, onView],
  );
  return { busy, act };
}
