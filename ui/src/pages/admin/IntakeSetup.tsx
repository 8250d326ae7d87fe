import { DeleteOutlined, ImportOutlined, PlusOutlined, UploadOutlined } from "@ant-design/icons";
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Form,
  Input,
  InputNumber,
  Modal,
  Radio,
  Row,
  Select,
  Space,
  Switch,
  Table,
  Tag,
  Typography,
  type FormInstance,
} from "antd";
import dayjs, { type Dayjs } from "dayjs";
import {
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
  type ChangeEvent,
  type ComponentProps,
  type HTMLAttributes,
} from "react";

import {
  call,
  OperationError,
  toOperationError,
  type ApiError,
  type CalendarChange,
  type CalendarDayView,
  type CalendarYear,
  type CodeEntry,
  type CodeEntrySaveRequest,
  type CodeList,
  type DayKind,
  type DeadlineRule,
  type Settings,
  type Severity,
} from "../../api";
import { useSubmit } from "../../api/forms";
import { entriesOf, useCodes } from "../../codes";
import { useI18n } from "../../i18n";

const SEVERITIES: Severity[] = ["general", "serious", "major", "mass"];
const KINDS: DayKind[] = ["holiday", "workday", "ordinary"];
const KIND_COLORS: Record<DayKind, string> = { holiday: "red", workday: "blue", ordinary: "default" };
const CODE_PATTERN = /^[a-z][a-z0-9_]{1,39}$/;
/** "Any channel" / "any severity" in the deadline table's selects (absent in the rule). */
const ANY = "*";
/** The widest the rule and calendar tables grow: their columns are short. */
const WIDE = 980;

/** Props for a table row: antd types `onRow` without `data-*` attributes. */
const rowProps = (testId: string) => ({ "data-testid": testId }) as HTMLAttributes<HTMLElement>;

type FieldError = ApiError["fields"][number];

/**
 * The core's error with each field problem passed through `place` (which names the form field
 * it belongs on and may reword it; null: no field of this form) and the problems of one field
 * joined, so `showFieldErrors` can put them on a flat form.
 */
function placed(thrown: unknown, place: (f: FieldError) => { field: string; message?: string } | null) {
  const error = toOperationError(thrown);
  const byField = new Map<string, string[]>();
  const fields: FieldError[] = [];
  for (const f of error.fields) {
    const to = place(f);
    if (!to) continue;
    const messages = byField.get(to.field) ?? [];
    if (messages.length === 0) fields.push({ ...f, field: to.field });
    byField.set(to.field, [...messages, to.message ?? f.message]);
  }
  return new OperationError({
    ...error.error,
    fields: fields.map((f) => {
      const messages = byField.get(f.field) ?? [];
      const shown = messages.slice(0, 3).join(" / ");
      return { ...f, message: messages.length > 3 ? `${shown} …` : shown };
    }),
  });
}

/** `deadlines[2].resolve_working_days` → `["deadlines", 2, "resolve_working_days"]`. */
function namePath(field: string): (string | number)[] {
  return field
    .replace(/\[(\d+)\]/g, ".$1")
    .split(".")
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** The weekday of a `YYYY-MM-DD` date (0: Sunday). */
const weekday = (date: string): number => dayjs(date).day();

/** A dialog's state: what it is open on, kept while it closes; a new session at each opening. */
function useDialog<T>(initial: T) {
  const [state, setState] = useState({ target: initial, open: false, session: 0 });
  const show = useCallback((target: T) => setState((s) => ({ target, open: true, session: s.session + 1 })), []);
  const hide = useCallback(() => setState((s) => ({ ...s, open: false })), []);
  return { ...state, show, hide };
}

/** 受理配置: channels, categories, time limits and the holiday calendar. */
export function IntakeSetup() {
  const { message } = App.useApp();
  const { reload } = useCodes();
  // Another administrator may have changed the lists since sign-in.
  useEffect(() => {
    reload().catch((e: OperationError) => message.error(e.message));
  }, [reload, message]);
  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }} data-testid="intake-setup">
      <CodeListCard list="channel" />
      <CodeListCard list="category" />
      <DeadlinesCard />
      <CalendarCard />
    </Space>
  );
}

// ---- 受理渠道 / 纠纷类别 ----------------------------------------------------------------

interface CodeValues {
  code?: string;
  label_zh?: string;
  label_en?: string;
  definition_zh?: string;
  definition_en?: string;
  position?: number | null;
  active?: boolean;
  requires_store?: boolean;
}

function CodeListCard({ list }: { list: CodeList }) {
  const { m, lang } = useI18n();
  const s = m.admin.intakeSetup;
  const { message } = App.useApp();
  const { lists, reload } = useCodes();
  const dialog = useDialog<CodeEntry | "new">("new");
  const editing = dialog.target;
  const [form] = Form.useForm<CodeValues>();
  const { busy, run } = useSubmit(form);
  const isChannel = list === "channel";
  const entries = entriesOf(lists, list);
  const noun = isChannel ? "channel" : "category";

  const initial: CodeValues =
    editing === "new"
      ? { active: true, requires_store: false }
      : {
          code: editing.code,
          label_zh: editing.label_zh,
          label_en: editing.label_en,
          definition_zh: editing.definition_zh,
          definition_en: editing.definition_en,
          position: editing.position,
          active: editing.active,
          requires_store: editing.requires_store,
        };

  const submit = async (v: CodeValues) => {
    const target = editing;
    const request: CodeEntrySaveRequest = {
      list,
      code: target === "new" ? (v.code ?? "").trim() : target.code,
      label_zh: v.label_zh ?? "",
      label_en: v.label_en ?? "",
      definition_zh: v.definition_zh ?? "",
      definition_en: v.definition_en ?? "",
      active: v.active ?? true,
      requires_store: isChannel && (v.requires_store ?? false),
    };
    if (v.position !== null && v.position !== undefined) request.position = v.position;
    const saving = async () => {
      try {
        await call("codes.save", request);
      } catch (e) {
        // Retiring the list's last active entry: the core says only "≥ 1".
        throw placed(e, (f) =>
          f.field === "active" && f.code === "field.invalid" ? { field: "active", message: s.lastActive } : f,
        );
      }
    };
    if (await run(saving)) {
      message.success(s.saved);
      dialog.hide();
      await reload().catch((e: OperationError) => message.error(e.message));
    }
  };

  /** A retired entry's text, greyed. */
  const muted = (active: boolean, text: string) =>
    active ? text : <Typography.Text type="secondary">{text}</Typography.Text>;
  const required = { required: true, message: m.auth.required };
  return (
    <Card
      title={isChannel ? s.channels : s.categories}
      extra={
        <Button
          type="primary"
          size="small"
          icon={<PlusOutlined />}
          onClick={() => dialog.show("new")}
          data-testid={`setup-${isChannel ? "channels" : "categories"}-add`}
        >
          {s.add}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
        {isChannel ? s.channelsHint : s.categoriesHint}
      </Typography.Paragraph>
      <Table<CodeEntry>
        rowKey="code"
        size="small"
        bordered
        pagination={false}
        dataSource={entries}
        data-testid={`setup-${isChannel ? "channels" : "categories"}-table`}
        onRow={(e) => rowProps(`setup-${noun}-${e.code}`)}
        columns={[
          {
            key: "label",
            title: s.label,
            width: 180,
            render: (_: unknown, e) => muted(e.active, lang === "zh-CN" ? e.label_zh : e.label_en),
          },
          {
            key: "code",
            title: s.code,
            dataIndex: "code",
            width: 190,
            render: (code: string, e) => (
              <Typography.Text code type={e.active ? undefined : "secondary"}>
                {code}
              </Typography.Text>
            ),
          },
          {
            key: "definition",
            title: s.definition,
            ellipsis: true,
            render: (_: unknown, e) =>
              muted(e.active, (lang === "zh-CN" ? e.definition_zh : e.definition_en || e.definition_zh) || "—"),
          },
          ...(isChannel
            ? [
                {
                  key: "requires_store",
                  title: s.requiresStore,
                  width: 110,
                  render: (_: unknown, e: CodeEntry) => muted(e.active, e.requires_store ? s.yes : s.no),
                },
              ]
            : []),
          {
            key: "status",
            title: s.status,
            width: 130,
            render: (_: unknown, e) => (
              <Space size={4}>
                <Tag color={e.active ? "green" : "default"}>{e.active ? s.active : s.inactive}</Tag>
                {e.builtin && <Tag>{s.builtin}</Tag>}
              </Space>
            ),
          },
          {
            key: "actions",
            title: s.actions,
            width: 70,
            render: (_: unknown, e) => (
              <Button
                type="link"
                size="small"
                style={{ padding: 0 }}
                onClick={() => dialog.show(e)}
                data-testid={`setup-edit-${list}-${e.code}`}
              >
                {s.edit}
              </Button>
            ),
          },
        ]}
      />
      <Modal
        open={dialog.open}
        title={
          editing === "new" ? (isChannel ? s.addChannel : s.addCategory) : isChannel ? s.editChannel : s.editCategory
        }
        onCancel={dialog.hide}
        onOk={() => form.submit()}
        okText={s.save}
        cancelText={s.cancel}
        confirmLoading={busy}
        destroyOnHidden
        width={560}
        okButtonProps={{ "data-testid": "setup-code-submit" } as ComponentProps<typeof Button>}
      >
        <Form<CodeValues>
          key={dialog.session}
          form={form}
          layout="vertical"
          onFinish={submit}
          requiredMark={false}
          preserve={false}
          initialValues={initial}
          data-testid="setup-code-form"
        >
          <Form.Item
            name="code"
            label={s.code}
            extra={editing === "new" ? s.codeHint : s.codeFixed}
            rules={editing === "new" ? [required, { pattern: CODE_PATTERN, message: s.codeFormat }] : []}
          >
            <Input disabled={editing !== "new"} autoComplete="off" data-testid="setup-code-code" />
          </Form.Item>
          <Row gutter={12}>
            <Col span={12}>
              <Form.Item name="label_zh" label={s.labelZh} rules={[required]}>
                <Input maxLength={40} data-testid="setup-code-label-zh" />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name="label_en" label={s.labelEn} rules={[required]}>
                <Input maxLength={60} data-testid="setup-code-label-en" />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name="definition_zh" label={s.definitionZh}>
            <Input.TextArea rows={2} maxLength={200} showCount data-testid="setup-code-definition-zh" />
          </Form.Item>
          <Form.Item name="definition_en" label={s.definitionEn}>
            <Input.TextArea rows={2} maxLength={300} data-testid="setup-code-definition-en" />
          </Form.Item>
          <Space size="large" align="start" wrap>
            <Form.Item name="position" label={s.position} tooltip={s.positionHint}>
              <InputNumber
                min={0}
                max={100_000}
                precision={0}
                style={{ width: 120 }}
                data-testid="setup-code-position"
              />
            </Form.Item>
            {isChannel && (
              <Form.Item
                name="requires_store"
                label={s.requiresStore}
                valuePropName="checked"
                tooltip={s.requiresStoreLong}
              >
                <Switch data-testid="setup-code-requires-store" />
              </Form.Item>
            )}
            <Form.Item name="active" label={s.active} valuePropName="checked">
              <Switch data-testid="setup-code-active" />
            </Form.Item>
          </Space>
          {editing !== "new" && editing.builtin && (
            <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
              {s.builtinHint}
            </Typography.Paragraph>
          )}
        </Form>
      </Modal>
    </Card>
  );
}

// ---- 处理时限 ---------------------------------------------------------------------------

interface RuleRow {
  channel: string;
  severity: Severity | typeof ANY;
  acknowledge_working_days: number | null;
  resolve_working_days: number | null;
}

const toRow = (r: DeadlineRule): RuleRow => ({
  channel: r.channel ?? ANY,
  severity: r.severity ?? ANY,
  acknowledge_working_days: r.acknowledge_working_days,
  resolve_working_days: r.resolve_working_days,
});

/** A row as the core takes it: "any" is an absent channel or severity. */
const toRule = (row: RuleRow): DeadlineRule => ({
  ...(row.channel !== ANY && { channel: row.channel }),
  ...(row.severity !== ANY && { severity: row.severity }),
  acknowledge_working_days: row.acknowledge_working_days ?? 0,
  resolve_working_days: row.resolve_working_days ?? 0,
});

const NEW_RULE: RuleRow = { channel: ANY, severity: ANY, acknowledge_working_days: 1, resolve_working_days: 15 };

/**
 * Puts the core's `deadlines[i].field` problems on their cells; returns the messages of the
 * others (for the whole table), reworded where the core's own words would say too little.
 */
function showRuleErrors(
  form: FormInstance,
  error: OperationError,
  s: { deadlinesCoverage: string; duplicateRule: string },
): string[] {
  const reworded = (f: FieldError) => {
    if (f.field === "deadlines" && f.code === "field.required") return s.deadlinesCoverage;
    if (f.field.endsWith(".severity") && f.code === "field.taken") return s.duplicateRule;
    return f.message;
  };
  const onRows = error.fields.filter((f) => f.field.startsWith("deadlines["));
  const merged = new Map<string, { name: (string | number)[]; errors: string[] }>();
  for (const f of onRows) {
    const entry = merged.get(f.field) ?? { name: namePath(f.field), errors: [] };
    entry.errors.push(reworded(f));
    merged.set(f.field, entry);
  }
  if (merged.size > 0) form.setFields([...merged.values()]);
  const others = error.fields.filter((f) => !f.field.startsWith("deadlines[")).map(reworded);
  return error.fields.length === 0 ? [error.message] : others;
}

function DeadlinesCard() {
  const { m, lang } = useI18n();
  const s = m.admin.intakeSetup;
  const { message } = App.useApp();
  const { lists } = useCodes();
  const [form] = Form.useForm<{ deadlines: RuleRow[] }>();
  const [loaded, setLoaded] = useState<Settings | null>(null);
  const [saving, setSaving] = useState(false);
  const [problems, setProblems] = useState<string[]>([]);

  const show = useCallback(
    (settings: Settings) => {
      setLoaded(settings);
      form.resetFields();
      form.setFieldsValue({ deadlines: settings.deadlines.map(toRow) });
    },
    [form],
  );
  useEffect(() => {
    call("settings.get", {})
      .then(show)
      .catch((e: OperationError) => message.error(e.message));
  }, [show, message]);

  const save = async (values: { deadlines?: RuleRow[] }) => {
    if (!loaded) return;
    setSaving(true);
    setProblems([]);
    try {
      const saved = await call("settings.update", { ...loaded, deadlines: (values.deadlines ?? []).map(toRule) });
      show(saved);
      message.success(s.deadlinesSaved);
    } catch (e) {
      setProblems(showRuleErrors(form, toOperationError(e), s));
    } finally {
      setSaving(false);
    }
  };

  const channelOptions = useMemo(
    () => [
      { value: ANY, label: s.anyChannel },
      ...lists.channels.map((c) => ({
        value: c.code,
        label: `${lang === "zh-CN" ? c.label_zh : c.label_en}${c.active ? "" : s.retired}`,
      })),
    ],
    [lists.channels, lang, s],
  );
  const severityOptions = [
    { value: ANY, label: s.anySeverity },
    ...SEVERITIES.map((v) => ({ value: v, label: m.labels.severity[v] })),
  ];
  const required = { required: true, message: m.auth.required };
  const cell = { style: { marginBottom: 0 } };

  /** A column of selects (channel or severity) in the rules table. */
  const pickColumn = (
    key: "channel" | "severity",
    title: string,
    options: { value: string; label: string }[],
    width: number | undefined,
  ) => ({
    key,
    title,
    width,
    render: (_: unknown, f: { name: number }) => (
      <Form.Item name={[f.name, key]} {...cell}>
        <Select
          options={options}
          showSearch={{ optionFilterProp: "label" }}
          style={{ width: "100%", minWidth: width ? undefined : 150 }}
          data-testid={`setup-rule-${f.name}-${key}`}
        />
      </Form.Item>
    ),
  });
  /** A column of working-day limits in the rules table. */
  const daysColumn = (
    key: "ack" | "resolve",
    title: string,
    field: "acknowledge_working_days" | "resolve_working_days",
    min: number,
    max: number,
  ) => ({
    key,
    title,
    width: 190,
    render: (_: unknown, f: { name: number }) => (
      <Form.Item name={[f.name, field]} rules={[required]} {...cell}>
        <InputNumber min={min} max={max} precision={0} style={{ width: "100%" }} data-testid={`setup-rule-${f.name}-${key}`} />
      </Form.Item>
    ),
  });

  return (
    <Card title={s.deadlines}>
      <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
        {s.deadlinesHint}
      </Typography.Paragraph>
      {problems.length > 0 && (
        <Alert
          type="error"
          showIcon
          title={problems.map((p) => (
            <div key={p}>{p}</div>
          ))}
          style={{ marginBottom: 12 }}
          data-testid="setup-deadlines-error"
        />
      )}
      <Form form={form} onFinish={save} style={{ maxWidth: WIDE }} data-testid="setup-deadlines-form">
        <Form.List name="deadlines">
          {(fields, { add, remove }) => (
            <>
              <Table
                rowKey="key"
                size="small"
                bordered
                pagination={false}
                dataSource={fields}
                data-testid="setup-deadlines-table"
                onRow={(f) => rowProps(`setup-rule-${f.name}`)}
                columns={[
                  pickColumn("channel", s.channel, channelOptions, undefined),
                  pickColumn("severity", s.severity, severityOptions, 170),
                  daysColumn("ack", s.ackDays, "acknowledge_working_days", 0, 30),
                  daysColumn("resolve", s.resolveDays, "resolve_working_days", 1, 365),
                  {
                    key: "remove",
                    title: s.actions,
                    width: 70,
                    render: (_: unknown, f) => (
                      <Button
                        type="link"
                        size="small"
                        danger
                        style={{ padding: 0 }}
                        icon={<DeleteOutlined />}
                        aria-label={s.remove}
                        title={s.remove}
                        onClick={() => remove(f.name)}
                        data-testid={`setup-rule-${f.name}-remove`}
                      />
                    ),
                  },
                ]}
              />
              <Space style={{ marginTop: 12 }}>
                <Button icon={<PlusOutlined />} onClick={() => add({ ...NEW_RULE })} data-testid="setup-deadlines-add">
                  {s.addRule}
                </Button>
                <Button
                  type="primary"
                  htmlType="submit"
                  loading={saving}
                  disabled={!loaded}
                  data-testid="setup-deadlines-save"
                >
                  {s.save}
                </Button>
                <Button
                  onClick={() => {
                    if (loaded) show(loaded);
                    setProblems([]);
                  }}
                  disabled={!loaded}
                  data-testid="setup-deadlines-reset"
                >
                  {s.reset}
                </Button>
              </Space>
            </>
          )}
        </Form.List>
      </Form>
    </Card>
  );
}

// ---- 节假日日历 -------------------------------------------------------------------------

interface DayValues {
  date?: Dayjs;
  kind?: DayKind;
  name_zh?: string;
  name_en?: string;
}

function CalendarCard() {
  const { m, lang } = useI18n();
  const s = m.admin.intakeSetup;
  const { message } = App.useApp();
  const [thisYear] = useState(() => new Date().getFullYear());
  const [year, setYear] = useState(thisYear);
  const [data, setData] = useState<CalendarYear | null>(null);
  const [tick, setTick] = useState(0);
  const dayDialog = useDialog<CalendarDayView | "new">("new");
  const [importing, setImporting] = useState(false);

  useEffect(() => {
    let live = true;
    call("calendar.list", { year })
      .then((d) => {
        if (live) setData(d);
      })
      .catch((e: OperationError) => {
        if (live) message.error(e.message);
      });
    return () => {
      live = false;
    };
  }, [year, tick, message]);
  const reloadYear = useCallback(() => setTick((t) => t + 1), []);

  /** After days were set: show their year if the one on screen is not among them. */
  const shown = (years: number[]) => {
    const first = years[0];
    if (first !== undefined && !years.includes(year)) setYear(first);
    else reloadYear();
  };

  const schedule = data?.years_with_schedule ?? [];
  const missing = data ? [thisYear, thisYear + 1].filter((y) => !schedule.includes(y)) : [];
  const around = [thisYear - 2, thisYear - 1, thisYear, thisYear + 1, thisYear + 2];
  const years = [...new Set([...around, year, ...schedule])].sort((a, b) => a - b);
  const name = (d: CalendarDayView) => (lang === "zh-CN" ? d.name_zh : d.name_en || d.name_zh) || "—";

  return (
    <Card title={s.calendar}>
      <div style={{ maxWidth: WIDE }}>
        <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
          {s.calendarHint}
        </Typography.Paragraph>
        {missing.map((y) => (
          <Alert
            key={y}
            type="warning"
            showIcon
            title={s.missingSchedule(y)}
            style={{ marginBottom: 12 }}
            data-testid={`setup-calendar-missing-${y}`}
            action={
              <Button size="small" onClick={() => setImporting(true)}>
                {s.import}
              </Button>
            }
          />
        ))}
        <Space wrap style={{ marginBottom: 12, width: "100%", justifyContent: "space-between" }}>
          <Space wrap>
            <span>{s.year}</span>
            <Select
              value={year}
              onChange={setYear}
              options={years.map((y) => ({ value: y, label: s.yearOption(y) }))}
              showSearch={{ optionFilterProp: "label" }}
              style={{ width: 120 }}
              data-testid="setup-calendar-year"
            />
            {data && data.year === year && (
              <Typography.Text type="secondary" data-testid="setup-calendar-working-days">
                {s.workingDays(data.year, data.working_days)}
              </Typography.Text>
            )}
          </Space>
          <Space wrap>
            <Button icon={<PlusOutlined />} onClick={() => dayDialog.show("new")} data-testid="setup-calendar-add">
              {s.setDay}
            </Button>
            <Button icon={<ImportOutlined />} onClick={() => setImporting(true)} data-testid="setup-calendar-import">
              {s.import}
            </Button>
          </Space>
        </Space>
        <Table<CalendarDayView>
          rowKey="date"
          size="small"
          bordered
          pagination={false}
          loading={data?.year !== year}
          dataSource={data?.year === year ? data.days : []}
          locale={{ emptyText: s.noDays }}
          data-testid="setup-calendar-table"
          onRow={(d) => rowProps(`setup-calendar-day-${d.date}`)}
          columns={[
            { key: "date", title: s.date, dataIndex: "date", width: 120 },
            { key: "weekday", title: s.weekday, width: 80, render: (_: unknown, d) => s.weekdays[weekday(d.date)] },
            {
              key: "kind",
              title: s.kind,
              width: 90,
              render: (_: unknown, d) => <Tag color={KIND_COLORS[d.kind]}>{s.kinds[d.kind]}</Tag>,
            },
            { key: "name", title: s.name, render: (_: unknown, d) => name(d) },
            {
              key: "edited",
              title: s.status,
              width: 90,
              render: (_: unknown, d) => (d.edited ? <Tag color="orange">{s.edited}</Tag> : null),
            },
            {
              key: "actions",
              title: s.actions,
              width: 70,
              render: (_: unknown, d) => (
                <Button
                  type="link"
                  size="small"
                  style={{ padding: 0 }}
                  onClick={() => dayDialog.show(d)}
                  data-testid={`setup-calendar-edit-${d.date}`}
                >
                  {s.edit}
                </Button>
              ),
            },
          ]}
        />
      </div>
      <DayModal
        open={dayDialog.open}
        day={dayDialog.target}
        session={dayDialog.session}
        year={year}
        onClose={dayDialog.hide}
        onSaved={(savedYear) => {
          dayDialog.hide();
          shown([savedYear]);
        }}
      />
      <ImportModal
        open={importing}
        onClose={() => setImporting(false)}
        onImported={(change) => {
          setImporting(false);
          shown(change.years);
        }}
      />
    </Card>
  );
}

function DayModal({
  open,
  day,
  session,
  year,
  onClose,
  onSaved,
}: {
  open: boolean;
  day: CalendarDayView | "new";
  session: number;
  year: number;
  onClose: () => void;
  onSaved: (year: number) => void;
}) {
  const { m } = useI18n();
  const s = m.admin.intakeSetup;
  const { message } = App.useApp();
  const [form] = Form.useForm<DayValues>();
  const { busy, run } = useSubmit(form);

  const initial: DayValues =
    day === "new"
      ? { kind: "holiday" }
      : { date: dayjs(day.date), kind: day.kind, name_zh: day.name_zh, name_en: day.name_en };

  const submit = async (v: DayValues) => {
    if (!v.date) return;
    const date = v.date.format("YYYY-MM-DD");
    const request = {
      days: [{ date, kind: v.kind ?? "holiday", name_zh: v.name_zh ?? "", name_en: v.name_en ?? "" }],
    };
    const done = await run(async () => {
      try {
        await call("calendar.set", request);
      } catch (e) {
        throw placed(e, (f) => ({ field: f.field.replace(/^days\[\d+\]\./, "") }));
      }
    });
    if (done) {
      message.success(s.daySaved);
      onSaved(v.date.year());
    }
  };

  const required = { required: true, message: m.auth.required };
  return (
    <Modal
      open={open}
      title={s.setDay}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={s.save}
      cancelText={s.cancel}
      confirmLoading={busy}
      destroyOnHidden
      okButtonProps={{ "data-testid": "setup-day-submit" } as ComponentProps<typeof Button>}
    >
      <Form<DayValues>
        key={session}
        form={form}
        layout="vertical"
        onFinish={submit}
        requiredMark={false}
        preserve={false}
        initialValues={initial}
        data-testid="setup-day-form"
      >
        <Form.Item name="date" label={s.date} rules={[required]}>
          <DatePicker
            format="YYYY-MM-DD"
            allowClear={false}
            defaultPickerValue={dayjs(`${year}-01-01`)}
            style={{ width: 200 }}
            data-testid="setup-day-date"
          />
        </Form.Item>
        <Form.Item name="kind" label={s.kind} rules={[required]} extra={s.ordinaryHint}>
          <Radio.Group
            options={KINDS.map((k) => ({ value: k, label: s.kindOptions[k] }))}
            data-testid="setup-day-kind"
          />
        </Form.Item>
        <Form.Item
          name="name_zh"
          label={s.nameZh}
          dependencies={["kind"]}
          rules={[
            ({ getFieldValue }) => ({
              required: getFieldValue("kind") !== "ordinary",
              message: m.auth.required,
            }),
          ]}
        >
          <Input maxLength={20} data-testid="setup-day-name-zh" />
        </Form.Item>
        <Form.Item name="name_en" label={s.nameEn}>
          <Input maxLength={40} data-testid="setup-day-name-en" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function ImportModal({
  open,
  onClose,
  onImported,
}: {
  open: boolean;
  onClose: () => void;
  onImported: (change: CalendarChange) => void;
}) {
  const { m } = useI18n();
  const s = m.admin.intakeSetup;
  const { message } = App.useApp();
  const [form] = Form.useForm<{ text?: string }>();
  const { busy, run } = useSubmit(form);
  const [fileName, setFileName] = useState<string | null>(null);
  const [preview, setPreview] = useState<CalendarChange | null>(null);
  const [pending, setPending] = useState<"preview" | "import" | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const pickFile = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = ""; // the same file may be chosen again
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => {
      form.setFields([{ name: "text", value: String(reader.result ?? ""), errors: [] }]);
      setFileName(file.name);
      setPreview(null);
    };
    reader.onerror = () => message.error(s.fileUnreadable);
    reader.readAsText(file, "utf-8");
  };

  const send = async (dryRun: boolean) => {
    let text: string;
    try {
      text = (await form.validateFields()).text ?? "";
    } catch {
      return;
    }
    const out: { change?: CalendarChange } = {};
    setPending(dryRun ? "preview" : "import");
    const done = await run(async () => {
      try {
        out.change = await call("calendar.import", {
          text,
          ...(fileName ? { file_name: fileName } : {}),
          dry_run: dryRun,
        });
      } catch (e) {
        // Every problem is with the text: `text` itself, or `text[i].date` for its i-th day.
        throw placed(e, (f) => {
          if (!f.field.startsWith("text")) return null;
          const at = /^text\[(\d+)\]\.(\w+)/.exec(f.field);
          if (!at) return { field: "text" };
          const problem = at[2] === "date" && f.code === "field.taken" ? s.duplicateDate : f.message;
          return { field: "text", message: `${s.entry(Number(at[1]) + 1)}${problem}` };
        });
      }
    });
    setPending(null);
    if (!done || !out.change) {
      setPreview(null);
      return;
    }
    if (dryRun) {
      setPreview(out.change);
    } else {
      message.success(s.imported(out.change.days));
      onImported(out.change);
    }
  };

  return (
    <Modal
      open={open}
      title={s.importTitle}
      onCancel={onClose}
      afterClose={() => {
        setFileName(null);
        setPreview(null);
      }}
      destroyOnHidden
      width={680}
      footer={[
        <Button key="cancel" onClick={onClose}>
          {s.cancel}
        </Button>,
        <Button
          key="preview"
          onClick={() => send(true)}
          loading={busy && pending === "preview"}
          disabled={busy && pending !== "preview"}
          data-testid="setup-import-preview"
        >
          {s.preview}
        </Button>,
        <Button
          key="import"
          type="primary"
          onClick={() => send(false)}
          loading={busy && pending === "import"}
          disabled={busy && pending !== "import"}
          data-testid="setup-import-submit"
        >
          {s.import}
        </Button>,
      ]}
    >
      <Typography.Paragraph type="secondary">{s.importHint}</Typography.Paragraph>
      <Form form={form} layout="vertical" requiredMark={false} preserve={false} onValuesChange={() => setPreview(null)}>
        <Space style={{ marginBottom: 8 }}>
          <Button
            icon={<UploadOutlined />}
            onClick={() => fileInput.current?.click()}
            data-testid="setup-import-choose"
          >
            {s.chooseFile}
          </Button>
          {fileName && <Tag data-testid="setup-import-file-name">{fileName}</Tag>}
        </Space>
        <Form.Item name="text" label={s.importText} rules={[{ required: true, message: m.auth.required }]}>
          <Input.TextArea
            rows={10}
            spellCheck={false}
            placeholder={s.importPlaceholder}
            style={{ fontFamily: "monospace" }}
            data-testid="setup-import-text"
          />
        </Form.Item>
        <input
          ref={fileInput}
          type="file"
          accept=".json,.csv,.txt"
          style={{ display: "none" }}
          onChange={pickFile}
          data-testid="setup-import-file"
        />
      </Form>
      {preview && (
        <div data-testid="setup-import-result">
          <Alert
            type="info"
            showIcon
            title={s.previewResult(preview.days, preview.years, preview.format ?? "—")}
          />
        </div>
      )}
    </Modal>
  );
}
