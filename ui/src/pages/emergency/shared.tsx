// What the emergency screens share: labels and tags, numbers as people read them, the case
// tables (each case opening in the case drawer), and a modal form whose core errors land on
// their fields.
import { App, Button, Form, Modal, Table, Tag, Typography, type FormInstance } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useCallback, useEffect, useRef, useState, type ComponentProps, type HTMLAttributes, type ReactNode } from "react";

import {
  call,
  toOperationError,
  type OperationError,
  type OperationName,
  type RequestOf,
  type ResponseOf,
  type CaseStatus,
  type ContingencyVersionView,
  type EmergencyKind,
  type IncidentLevel,
  type IncidentStatus,
  type IncidentView,
  type WatchDimension,
} from "../../api";
import { StrayAlert, useDialogSubmit } from "../../components/handling/common";
import { useCodes } from "../../codes";
import { CaseDrawer } from "../../components/CaseDrawer";
import { StatusTag } from "../../components/labels";
import { formatDateTime } from "../../format";
import { useI18n } from "../../i18n";
import { useSession } from "../../session";
import { pValueText } from "../stats/shared";

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

/** `YYYY-MM-DD`, as the core takes a day. */
export const DATE_PATTERN = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
/** `YYYY-MM-DD HH:MM` (China time), as the core takes a moment typed by a person. */
export const MOMENT_PATTERN = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/;

/** Props for a table row: antd types `onRow` without `data-*` attributes. */
export const rowProps = (testId: string, id?: string, onClick?: () => void) =>
  ({
    "data-testid": testId,
    ...(id !== undefined ? { "data-id": id } : {}),
    ...(onClick ? { onClick, style: { cursor: "pointer" } } : {}),
  }) as HTMLAttributes<HTMLElement>;

/** A button's props with a test id (antd types them without `data-*` attributes). */
export const testIdProps = (testId: string) => ({ "data-testid": testId }) as ComponentProps<typeof Button>;

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

/** A plan version's standing: 草稿, 现行 (in force today), or 已批准 (not or no longer in force). */
export function VersionTag({ version }: { version: Pick<ContingencyVersionView, "status" | "in_force"> }) {
  const { m } = useI18n();
  const p = m.emergency.plans;
  if (version.status === "draft") return <Tag>{p.status.draft}</Tag>;
  return version.in_force ? <Tag color="green">{p.status.in_force}</Tag> : <Tag color="blue">{p.status.approved}</Tag>;
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

/**
 * A modal form for one action, submitted as the handling dialogs are (`useDialogSubmit`): the
 * core's problems land on the fields shown, the others above the form. Keeps what was typed on
 * failure; starts each opening from `initialValues`. Resolves `onDone` with the result.
 */
export function FormModal<V extends object, R>({
  open,
  title,
  fields,
  initialValues,
  submit,
  onCancel,
  onDone,
  children,
  okText,
  submitTestId,
  width,
  intro,
  form: given,
}: {
  open: boolean;
  title: ReactNode;
  fields: string[];
  initialValues?: Partial<V>;
  submit: (values: V) => Promise<R>;
  onCancel: () => void;
  onDone: (result: R) => void;
  children?: ReactNode;
  okText?: string;
  submitTestId: string;
  width?: number;
  intro?: ReactNode;
  /** The form, when the caller watches its values. */
  form?: FormInstance<V>;
}) {
  const { m } = useI18n();
  const [own] = Form.useForm<V>();
  const form = given ?? own;
  const { busy, stray, finish: send } = useDialogSubmit(form, fields, submit);
  // Each opening starts from this opening's initial values: the form instance outlives the
  // modal's content, and would otherwise bring back what the last opening left in it.
  const initial = useRef(initialValues);
  useEffect(() => {
    initial.current = initialValues;
  });
  useEffect(() => {
    if (!open) return;
    form.resetFields();
    if (initial.current) form.setFieldsValue(initial.current as Parameters<typeof form.setFieldsValue>[0]);
  }, [open, form]);

  const finish = async (values: V) => {
    const { ok, result } = await send(values);
    if (ok) onDone(result as R);
  };

  return (
    <Modal
      open={open}
      title={title}
      width={width}
      onCancel={onCancel}
      onOk={() => form.submit()}
      okText={okText ?? m.emergency.submit}
      cancelText={m.emergency.cancel}
      confirmLoading={busy}
      mask={{ closable: false }}
      okButtonProps={testIdProps(submitTestId)}
      destroyOnHidden
    >
      {intro}
      <StrayAlert stray={stray} />
      <Form<V> form={form} layout="vertical" onFinish={finish} initialValues={initialValues} preserve={false}>
        {children}
      </Form>
    </Modal>
  );
}

/** A required text field's rule, trimmed. */
export function useRules() {
  const { m } = useI18n();
  const e = m.emergency;
  return {
    required: { required: true, whitespace: true, message: e.required },
    date: { pattern: DATE_PATTERN, message: e.dateFormat },
    moment: { pattern: MOMENT_PATTERN, message: e.momentFormat },
  };
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
