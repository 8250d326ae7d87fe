// What the handling dialogs share: the dialog frame (a modal form whose core errors land on
// their fields), searchable selects, dates as the core wants them, and the people to choose.
import {
  Alert,
  Button,
  DatePicker,
  Form,
  Modal,
  Select,
  Typography,
  type DatePickerProps,
  type FormInstance,
  type SelectProps,
} from "antd";
import type { Dayjs } from "dayjs";
import { useEffect, useState, type ReactNode } from "react";

import {
  call,
  OperationError,
  toOperationError,
  type ContactMethod,
  type HandlerView,
  type OrgUnitView,
} from "../../api";
import { useSubmit } from "../../api/forms";
import { useI18n } from "../../i18n";

export const METHODS: ContactMethod[] = ["phone", "sms", "in_person", "online", "email", "letter"];

/**
 * Today in China, `YYYY-MM-DD`: the core's "today" for every date rule. Built from the parts
 * (a locale's own date pattern differs between engines: WebKit writes en-CA as 11/29/2026).
 */
export function chinaToday(now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Asia/Shanghai",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

/** A picked date as the core takes it. */
export const ymd = (d: Dayjs | null | undefined): string => (d ? d.format("YYYY-MM-DD") : "");

/** Text as an optional request field: trimmed, and left out when empty. */
export const optional = (text: string | null | undefined): string | undefined => text?.trim() || undefined;

/** Yuan from fen, as the plan form shows an amount: `1200.00`. */
export const yuan = (fen: number): string => (fen / 100).toFixed(2);

/** A Select with options by label, searchable: typing filters, Enter picks. */
export function SearchSelect<T extends string | number>({
  testId,
  style,
  ...rest
}: Omit<SelectProps<T>, "options"> & { testId: string; options: { value: T; label: string }[] }) {
  return (
    <Select<T>
      showSearch
      optionFilterProp="label"
      data-testid={testId}
      style={{ width: "100%", ...style }}
      {...rest}
    />
  );
}

/**
 * A date field: typed as `YYYY-MM-DD` (Enter takes it) or picked. `past`: not after today;
 * `future`: not before today.
 */
export function DateField({
  testId,
  limit,
  ...rest
}: DatePickerProps & { testId: string; limit?: "past" | "future" }) {
  const today = chinaToday();
  const disabledDate = (d: Dayjs) => {
    const day = d.format("YYYY-MM-DD");
    return limit === "past" ? day > today : limit === "future" ? day < today : false;
  };
  return (
    <DatePicker
      format="YYYY-MM-DD"
      placeholder="YYYY-MM-DD"
      disabledDate={limit ? disabledDate : undefined}
      style={{ width: "100%" }}
      data-testid={testId}
      {...rest}
    />
  );
}

/** Handlers and departments, for choosing whom a case or a measure goes to. */
export interface Directory {
  /** null: not loaded (yet, or at all: this account may not list them). */
  handlers: HandlerView[] | null;
  departments: OrgUnitView[];
  failed: boolean;
}

/** Loads the directory once `wanted` turns true. */
export function useDirectory(wanted: boolean): Directory {
  const [dir, setDir] = useState<Directory>({ handlers: null, departments: [], failed: false });
  const [asked, setAsked] = useState(false);
  if (wanted && !asked) setAsked(true);
  useEffect(() => {
    if (!asked) return;
    let live = true;
    call("org.handlers", {})
      .then((handlers) => live && setDir((d) => ({ ...d, handlers })))
      .catch(() => live && setDir((d) => ({ ...d, failed: true })));
    call("org.list", {})
      .then((units) => live && setDir((d) => ({ ...d, departments: units.filter((u) => u.kind === "department") })))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [asked]);
  return dir;
}

/**
 * Whom to choose: a searchable list of the people who handle cases (plus `known`, people the
 * case already names). Where this account may not list them (the core lists them to those who
 * record complaints), the people the case names, or a user name as typed.
 */
export function AccountSelect({
  directory,
  known = [],
  testId,
  ...rest
}: Omit<SelectProps<string>, "options"> & {
  directory: Directory;
  known?: { id: string; name: string }[];
  testId: string;
}) {
  const { m } = useI18n();
  const [typed, setTyped] = useState("");
  const options = (directory.handlers ?? []).map((h) => ({
    value: h.id,
    label: h.unit_name ? `${h.display_name} · ${h.unit_name}` : h.display_name,
  }));
  for (const k of known) {
    if (!options.some((o) => o.value === k.id)) options.push({ value: k.id, label: k.name });
  }
  const name = typed.trim();
  if (directory.failed && name && !options.some((o) => o.label.includes(name))) {
    options.push({ value: name, label: `${name}（${m.handling.assign.username}）` });
  }
  return (
    <SearchSelect<string>
      testId={testId}
      options={options}
      loading={directory.handlers === null && !directory.failed}
      onSearch={directory.failed ? setTyped : undefined}
      {...rest}
    />
  );
}

/** A core problem with a date, said in the user's words where the core only gives the rule. */
function reworded(
  f: OperationError["fields"][number],
  dates: { notBeforeToday: string; notAfterToday: string },
): OperationError["fields"][number] {
  if (f.code !== "field.invalid") return f;
  if (f.message.includes("≥ today")) return { ...f, message: dates.notBeforeToday };
  if (f.message.includes("≤ today")) return { ...f, message: dates.notAfterToday };
  return f;
}

/** The core's problems with fields a dialog does not show: listed above its form. */
export interface StrayProblems {
  message: string;
  problems: string[];
}

/**
 * Submits a dialog's form: the core's problems with the fields it shows (by their first name:
 * `fields`) land on them, dates said in the user's words; any other is listed (`stray`), and an
 * error naming no field is shown as a message. Resolves with whether it went through, and the
 * answer.
 */
export function useDialogSubmit<V, R>(form: FormInstance<V>, fields: string[], submit: (values: V) => Promise<R>) {
  const { m } = useI18n();
  const { busy, run } = useSubmit(form);
  const [stray, setStray] = useState<StrayProblems | null>(null);
  const finish = async (values: V): Promise<{ ok: boolean; result?: R }> => {
    setStray(null);
    let result: R | undefined;
    const ok = await run(async () => {
      try {
        result = await submit(values);
      } catch (thrown) {
        const error = toOperationError(thrown);
        const problems = error.fields.map((f) => reworded(f, m.handling.dates));
        const elsewhere = problems.filter((f) => !fields.includes(f.field.split(/[.[]/)[0] ?? ""));
        if (elsewhere.length > 0) setStray({ message: error.message, problems: elsewhere.map((f) => f.message) });
        throw new OperationError({ ...error.error, fields: problems });
      }
    });
    return { ok, result };
  };
  return { busy, stray, finish };
}

/** The problems a dialog's form cannot show on a field. */
export function StrayAlert({ stray, testId }: { stray: StrayProblems | null; testId?: string }) {
  if (!stray) return null;
  return (
    <Alert
      type="error"
      showIcon
      style={{ marginBottom: 12 }}
      title={stray.message}
      description={stray.problems.join("；")}
      data-testid={testId}
    />
  );
}

/**
 * A modal form for one handling action. `fields`: the top-level names the form shows; the
 * core's problems with any other field are listed above the form, the rest land on their
 * fields. Ctrl+Enter (⌘Enter) submits; Enter alone does not.
 */
export function ActionDialog<V extends object>({
  open,
  title,
  fields,
  initialValues,
  submit,
  onCancel,
  onDone,
  children,
  okText,
  danger,
  width,
  intro,
}: {
  open: boolean;
  title: string;
  fields: string[];
  initialValues?: Partial<V>;
  submit: (values: V) => Promise<unknown>;
  onCancel: () => void;
  onDone: () => void;
  children?: ReactNode;
  okText?: string;
  danger?: boolean;
  width?: number;
  /** Shown above the fields. */
  intro?: ReactNode;
}) {
  const { m } = useI18n();
  const [form] = Form.useForm<V>();
  const { busy, stray, finish: send } = useDialogSubmit(form, fields, submit);

  const finish = async (values: V) => {
    if ((await send(values)).ok) onDone();
  };

  return (
    <Modal
      open={open}
      title={title}
      width={width}
      onCancel={onCancel}
      onOk={() => form.submit()}
      okText={okText}
      confirmLoading={busy}
      mask={{ closable: false }}
      okButtonProps={{ "data-testid": "dialog-ok", danger } as React.ComponentProps<typeof Button>}
      cancelButtonProps={{ "data-testid": "dialog-cancel" } as React.ComponentProps<typeof Button>}
      destroyOnHidden
    >
      <div
        onKeyDown={(e) => {
          if (e.key !== "Enter") return;
          if (e.ctrlKey || e.metaKey) {
            e.preventDefault();
            form.submit();
          } else if ((e.target as HTMLElement).tagName === "INPUT") {
            // Enter takes a typed date or a chosen option; it never sends the form by itself
            // (a browser would, in a form with a single text field).
            e.preventDefault();
          }
        }}
      >
        {intro}
        <StrayAlert stray={stray} testId="dialog-problems" />
        <Form<V>
          form={form}
          layout="vertical"
          onFinish={finish}
          initialValues={initialValues}
          preserve={false}
          className="handling-form"
        >
          {children}
        </Form>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {m.handling.submitHint}
        </Typography.Text>
      </div>
    </Modal>
  );
}
