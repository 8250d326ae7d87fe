import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, PlusOutlined } from "@ant-design/icons";
import {
  Alert,
  App,
  AutoComplete,
  Button,
  Col,
  Drawer,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Typography,
  type FormInstance,
} from "antd";
import type { Rule } from "antd/es/form";
import { useState, type ReactNode } from "react";

import {
  call,
  OperationError,
  toOperationError,
  type ContingencyContent,
  type ContingencySource,
  type ContingencyView,
  type EmergencyKind,
} from "../../api";
import { fieldNamePath, showFieldErrors } from "../../api/forms";
import { useI18n } from "../../i18n";
import { EMERGENCY_KINDS } from "./shared";

/** What the editor opens with: a new plan, the draft to edit, or the version to revise. */
export interface EditorOpening {
  /** Absent: a new plan. */
  planId?: string;
  /** `new`: the first version; `draft`: the latest version, a draft, edited; `revise`: the next version. */
  mode: "new" | "draft" | "revise";
  /** The version saving makes or edits. */
  version: number;
  kind: EmergencyKind;
  title: string;
  content: ContingencyContent;
  changeNote: string;
  source?: ContingencySource;
  /** Each opening starts afresh. */
  session: number;
}

interface RoleValues {
  role?: string;
  name?: string;
  phone?: string;
  deputy?: string;
  deputy_phone?: string;
  duties?: string;
}
interface StepValues {
  title?: string;
  role?: string;
  within_hours?: number | null;
}
interface ReportingValues {
  authority?: string;
  within_hours?: number | null;
  content?: string;
}
interface Values {
  title: string;
  kind: EmergencyKind;
  content: {
    scope: string;
    organisation: RoleValues[];
    steps: StepValues[];
    communication: string;
    reporting: ReportingValues[];
  };
  change_note: string;
}
type ListName = "organisation" | "steps" | "reporting";

/** The fields that make a row of a list worth keeping (a number of hours alone does not). */
const MEANINGFUL: Record<ListName, string[]> = {
  organisation: ["role", "name", "phone", "deputy", "deputy_phone", "duties"],
  steps: ["title", "role"],
  reporting: ["authority", "content"],
};
const blank = (list: ListName, row: object | undefined): boolean =>
  !row ||
  MEANINGFUL[list].every((k) => {
    const v = (row as Record<string, unknown>)[k];
    return v === undefined || v === null || String(v).trim() === "";
  });
const text = (v: string | undefined | null) => (v ?? "").trim();

/** An empty plan: one row of each list to start from. */
export function emptyContent(): ContingencyContent {
  return {
    scope: "",
    organisation: [{ role: "", name: "", phone: "", deputy: "", deputy_phone: "", duties: "" }],
    steps: [{ title: "", role: "", within_hours: null }],
    communication: "",
    reporting: [{ authority: "", within_hours: 24, content: "" }],
  };
}

function Heading({ children, extra }: { children: ReactNode; extra?: ReactNode }) {
  return (
    <div style={{ display: "flex", alignItems: "center", justifyContent: "space-between", margin: "20px 0 8px" }}>
      <Typography.Title level={5} style={{ margin: 0, fontSize: 14 }}>
        {children}
      </Typography.Title>
      {extra}
    </div>
  );
}

/** A list's errors of its own (none given, say), under it. */
function ListErrors({ errors }: { errors: ReactNode[] }) {
  return errors.length > 0 ? <Form.ErrorList errors={errors} /> : null;
}

/**
 * The plan editor (§六(一)1): title and kind; scope; the command group with its people and
 * duties; the steps, each carried out by one of its roles within so many hours; communication;
 * whom to report to within what time; and, from the second version, what the version changes.
 * Rows left wholly empty are dropped on saving.
 */
export function PlanEditor({
  opening,
  open,
  onClose,
  onSaved,
}: {
  opening: EditorOpening | null;
  open: boolean;
  onClose: () => void;
  onSaved: (view: ContingencyView) => void;
}) {
  return (
    <Drawer
      open={open}
      onClose={onClose}
      size="min(1180px, 96vw)"
      destroyOnHidden
      mask={{ closable: false }}
      data-testid="plan-editor"
      title={opening ? <EditorTitle opening={opening} /> : null}
    >
      {opening && <EditorForm key={opening.session} opening={opening} onClose={onClose} onSaved={onSaved} />}
    </Drawer>
  );
}

function EditorTitle({ opening }: { opening: EditorOpening }) {
  const { m } = useI18n();
  const t = m.emergency.editor;
  return (
    <span>
      {opening.mode === "new"
        ? t.titleNew
        : opening.mode === "draft"
          ? t.titleDraft(opening.title, opening.version)
          : t.titleRevise(opening.title, opening.version)}
    </span>
  );
}

function EditorForm({
  opening,
  onClose,
  onSaved,
}: {
  opening: EditorOpening;
  onClose: () => void;
  onSaved: (view: ContingencyView) => void;
}) {
  const { m } = useI18n();
  const e = m.emergency;
  const t = e.editor;
  const p = e.plans;
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const noteRequired = opening.version > 1;
  const organisation = (Form.useWatch(["content", "organisation"], form) ?? []) as RoleValues[];
  const roles = [...new Set(organisation.map((r) => text(r?.role)).filter(Boolean))];

  const initial: Values = {
    title: opening.title,
    kind: opening.kind,
    content: {
      scope: opening.content.scope,
      organisation: opening.content.organisation.map((r) => ({ ...r })),
      steps: opening.content.steps.map((s) => ({ ...s })),
      communication: opening.content.communication,
      reporting: opening.content.reporting.map((r) => ({ ...r })),
    },
    change_note: opening.changeNote,
  };

  const required: Rule = { required: true, whitespace: true, message: e.required };
  /** Required unless the whole row is empty (it is dropped then). */
  const inRow =
    (list: ListName, i: number, extra?: (value: unknown) => string | null) =>
    ({ getFieldValue }: Pick<FormInstance, "getFieldValue">) => ({
      validator: (_: unknown, value: unknown) => {
        if (blank(list, getFieldValue(["content", list, i]))) return Promise.resolve();
        if (value === undefined || value === null || String(value).trim() === "") return Promise.reject(new Error(e.required));
        const wrong = extra?.(value);
        return wrong ? Promise.reject(new Error(wrong)) : Promise.resolve();
      },
    });
  const atLeastOne = (list: ListName, what: string) => ({
    validator: (_: unknown, rows: object[] | undefined) =>
      (rows ?? []).some((r) => !blank(list, r)) ? Promise.resolve() : Promise.reject(new Error(what)),
  });

  const save = async () => {
    setProblem(null);
    let v: Values;
    try {
      await form.validateFields();
      v = form.getFieldsValue(true) as Values;
    } catch {
      return;
    }
    // Rows left empty are dropped; the core's indexes are mapped back to the rows shown.
    const kept: Record<ListName, number[]> = { organisation: [], steps: [], reporting: [] };
    const keep = <T extends object>(list: ListName, rows: T[] | undefined): T[] =>
      (rows ?? []).filter((row, i) => {
        if (blank(list, row)) return false;
        kept[list].push(i);
        return true;
      });
    const c = v.content;
    const content: ContingencyContent = {
      scope: text(c.scope),
      organisation: keep("organisation", c.organisation).map((r) => ({
        role: text(r.role),
        name: text(r.name),
        phone: text(r.phone),
        deputy: text(r.deputy),
        deputy_phone: text(r.deputy_phone),
        duties: text(r.duties),
      })),
      steps: keep("steps", c.steps).map((s) => ({
        title: text(s.title),
        role: text(s.role),
        within_hours: typeof s.within_hours === "number" ? s.within_hours : null,
      })),
      communication: text(c.communication),
      reporting: keep("reporting", c.reporting).map((r) => ({
        authority: text(r.authority),
        within_hours: typeof r.within_hours === "number" ? r.within_hours : 0,
        content: text(r.content),
      })),
    };
    setBusy(true);
    try {
      const view = await call("contingency.save", {
        ...(opening.planId ? { id: opening.planId } : {}),
        kind: v.kind,
        title: text(v.title),
        content,
        change_note: text(v.change_note),
        ...(opening.source ? { source: { kind: opening.source.kind, id: opening.source.id } } : {}),
      });
      const saved = view.versions[0];
      message.success(saved ? t.saved(saved.version) : t.savedPlain);
      onSaved(view);
    } catch (thrown) {
      const error = toOperationError(thrown);
      const fields = error.fields.map((f) => {
        const match = /^content\.(organisation|steps|reporting)\[(\d+)\](.*)$/.exec(f.field);
        if (!match) return f;
        const list = match[1] as ListName;
        const index = kept[list][Number(match[2])] ?? Number(match[2]);
        return { ...f, field: `content.${list}[${index}]${match[3]}` };
      });
      const mapped = new OperationError({ ...error.error, fields });
      const known = fields.filter((f) => /^(title|kind|change_note|content)\b/.test(f.field));
      showFieldErrors(form, new OperationError({ ...error.error, fields: known }));
      if (known.length < fields.length || fields.length === 0) message.error(mapped.message);
      if (known.length > 0) {
        setProblem(error.message);
        form.scrollToField(fieldNamePath(known[0]?.field ?? "title"), { behavior: "smooth", block: "center" });
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Form<Values>
      form={form}
      layout="vertical"
      initialValues={initial}
      requiredMark
      onKeyDown={(ev) => {
        // Enter in a field never sends the plan by itself; Ctrl+Enter (⌘Enter) does.
        if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
          ev.preventDefault();
          void save();
        }
      }}
    >
      {opening.source && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          title={p.source(opening.source.label ?? p.sourceKind[opening.source.kind])}
          data-testid="plan-editor-source"
        />
      )}
      <Alert
        type={opening.mode === "draft" ? "warning" : "info"}
        showIcon
        style={{ marginBottom: 12 }}
        title={opening.mode === "new" ? t.hintNew : opening.mode === "draft" ? t.hintDraft(opening.version) : t.hintRevise(opening.version)}
      />
      {problem && <Alert type="error" showIcon style={{ marginBottom: 12 }} title={problem} data-testid="plan-editor-problem" />}
      <Row gutter={16}>
        <Col xs={24} md={16}>
          <Form.Item name="title" label={t.title} rules={[required]}>
            <Input maxLength={60} showCount data-testid="plan-title" />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item name="kind" label={t.kind} rules={[{ required: true, message: e.required }]}>
            <Select<EmergencyKind> data-testid="plan-kind" options={EMERGENCY_KINDS.map((k) => ({ value: k, label: e.kind[k] }))} />
          </Form.Item>
        </Col>
      </Row>

      <Heading>{p.sections.scope}</Heading>
      <Form.Item name={["content", "scope"]} rules={[required]} extra={t.scopeHint}>
        <Input.TextArea autoSize={{ minRows: 3, maxRows: 10 }} maxLength={5000} aria-label={p.sections.scope} data-testid="plan-scope" />
      </Form.Item>

      <Form.List name={["content", "organisation"]} rules={[atLeastOne("organisation", t.needRole)]}>
        {(rows, { add, remove }, { errors }) => (
          <>
            <Heading
              extra={
                <Button size="small" icon={<PlusOutlined />} onClick={() => add({ role: "", name: "", phone: "" })} data-testid="plan-org-add">
                  {t.addRole}
                </Button>
              }
            >
              {p.sections.organisation}
            </Heading>
            <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
              {t.organisationHint}
            </Typography.Paragraph>
            {rows.map(({ key, name: i }) => (
              <div key={key} className="plan-editor-row" data-testid={`plan-org-${i}`}>
                <Row gutter={8} align="top">
                  <Col xs={12} md={4}>
                    <Form.Item name={[i, "role"]} label={p.org.role} rules={[inRow("organisation", i)]}>
                      <Input maxLength={40} placeholder={t.rolePlaceholder} data-testid={`plan-role-${i}`} />
                    </Form.Item>
                  </Col>
                  <Col xs={12} md={3}>
                    <Form.Item name={[i, "name"]} label={p.org.name} rules={[inRow("organisation", i)]}>
                      <Input maxLength={40} data-testid={`plan-name-${i}`} />
                    </Form.Item>
                  </Col>
                  <Col xs={12} md={4}>
                    <Form.Item name={[i, "phone"]} label={p.org.phone} rules={[inRow("organisation", i)]}>
                      <Input maxLength={20} inputMode="tel" data-testid={`plan-phone-${i}`} />
                    </Form.Item>
                  </Col>
                  <Col xs={12} md={3}>
                    <Form.Item name={[i, "deputy"]} label={p.org.deputy}>
                      <Input maxLength={40} data-testid={`plan-deputy-${i}`} />
                    </Form.Item>
                  </Col>
                  <Col xs={12} md={4}>
                    <Form.Item name={[i, "deputy_phone"]} label={p.org.deputyPhone}>
                      <Input maxLength={20} inputMode="tel" data-testid={`plan-deputy-phone-${i}`} />
                    </Form.Item>
                  </Col>
                  <Col xs={10} md={5}>
                    <Form.Item name={[i, "duties"]} label={p.org.duties}>
                      <Input.TextArea autoSize={{ minRows: 1, maxRows: 6 }} maxLength={2000} data-testid={`plan-duties-${i}`} />
                    </Form.Item>
                  </Col>
                  <Col xs={2} md={1} style={{ paddingTop: 30 }}>
                    <Button
                      type="text"
                      danger
                      icon={<DeleteOutlined />}
                      aria-label={t.remove}
                      disabled={rows.length <= 1}
                      onClick={() => remove(i)}
                      data-testid={`plan-org-remove-${i}`}
                    />
                  </Col>
                </Row>
              </div>
            ))}
            <ListErrors errors={errors} />
          </>
        )}
      </Form.List>

      <Form.List name={["content", "steps"]} rules={[atLeastOne("steps", t.needStep)]}>
        {(rows, { add, remove, move }, { errors }) => (
          <>
            <Heading
              extra={
                <Button size="small" icon={<PlusOutlined />} onClick={() => add({ title: "", role: "", within_hours: null })} data-testid="plan-step-add">
                  {t.addStep}
                </Button>
              }
            >
              {p.sections.steps}
            </Heading>
            <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
              {t.stepsHint}
            </Typography.Paragraph>
            {rows.map(({ key, name: i }, position) => (
              <Row key={key} gutter={8} align="top" data-testid={`plan-step-${i}`}>
                <Col flex="32px" style={{ paddingTop: 5 }}>
                  <Typography.Text strong className="num">
                    {position + 1}.
                  </Typography.Text>
                </Col>
                <Col flex="auto">
                  <Form.Item name={[i, "title"]} rules={[inRow("steps", i)]}>
                    <Input maxLength={200} placeholder={p.step.title} aria-label={p.step.title} data-testid={`plan-step-title-${i}`} />
                  </Form.Item>
                </Col>
                <Col flex="180px">
                  <Form.Item
                    name={[i, "role"]}
                    dependencies={[["content", "organisation"]]}
                    rules={[
                      // The roles as they stand when it is checked (the watched list may lag a
                      // render behind what was just typed).
                      (f: Pick<FormInstance, "getFieldValue">) =>
                        inRow("steps", i, (value) => {
                          const now = ((f.getFieldValue(["content", "organisation"]) ?? []) as RoleValues[]).map((r) => text(r?.role));
                          return now.includes(String(value).trim()) ? null : t.unknownRole;
                        })(f),
                    ]}
                  >
                    <AutoComplete options={roles.map((r) => ({ value: r }))} filterOption={false}>
                      <Input maxLength={40} placeholder={p.step.role} aria-label={p.step.role} data-testid={`plan-step-role-${i}`} />
                    </AutoComplete>
                  </Form.Item>
                </Col>
                <Col flex="170px">
                  <Form.Item name={[i, "within_hours"]}>
                    <InputNumber
                      min={1}
                      max={720}
                      precision={0}
                      style={{ width: "100%" }}
                      placeholder={t.hoursOptional}
                      suffix={t.hours}
                      aria-label={p.step.hours}
                      data-testid={`plan-step-hours-${i}`}
                    />
                  </Form.Item>
                </Col>
                <Col flex="112px">
                  <Space size={0}>
                    <Button type="text" icon={<ArrowUpOutlined />} aria-label={t.moveUp} disabled={position === 0} onClick={() => move(position, position - 1)} />
                    <Button
                      type="text"
                      icon={<ArrowDownOutlined />}
                      aria-label={t.moveDown}
                      disabled={position === rows.length - 1}
                      onClick={() => move(position, position + 1)}
                    />
                    <Button
                      type="text"
                      danger
                      icon={<DeleteOutlined />}
                      aria-label={t.remove}
                      disabled={rows.length <= 1}
                      onClick={() => remove(i)}
                      data-testid={`plan-step-remove-${i}`}
                    />
                  </Space>
                </Col>
              </Row>
            ))}
            <ListErrors errors={errors} />
          </>
        )}
      </Form.List>

      <Heading>{p.sections.communication}</Heading>
      <Form.Item name={["content", "communication"]} rules={[required]} extra={t.communicationHint}>
        <Input.TextArea
          autoSize={{ minRows: 3, maxRows: 10 }}
          maxLength={5000}
          aria-label={p.sections.communication}
          data-testid="plan-communication"
        />
      </Form.Item>

      <Form.List name={["content", "reporting"]}>
        {(rows, { add, remove }, { errors }) => (
          <>
            <Heading
              extra={
                <Button size="small" icon={<PlusOutlined />} onClick={() => add({ authority: "", within_hours: 24, content: "" })} data-testid="plan-report-add">
                  {t.addReport}
                </Button>
              }
            >
              {p.sections.reporting}
            </Heading>
            <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
              {t.reportingHint}
            </Typography.Paragraph>
            {rows.map(({ key, name: i }) => (
              <Row key={key} gutter={8} align="top" data-testid={`plan-report-${i}`}>
                <Col flex="220px">
                  <Form.Item name={[i, "authority"]} rules={[inRow("reporting", i)]}>
                    <Input
                      maxLength={60}
                      placeholder={p.report.authority}
                      aria-label={p.report.authority}
                      data-testid={`plan-report-authority-${i}`}
                    />
                  </Form.Item>
                </Col>
                <Col flex="200px">
                  <Form.Item name={[i, "within_hours"]} rules={[inRow("reporting", i)]}>
                    <InputNumber
                      min={1}
                      max={720}
                      precision={0}
                      style={{ width: "100%" }}
                      prefix={t.within}
                      suffix={t.hoursWithin}
                      aria-label={p.report.hours}
                      data-testid={`plan-report-hours-${i}`}
                    />
                  </Form.Item>
                </Col>
                <Col flex="auto">
                  <Form.Item name={[i, "content"]}>
                    <Input.TextArea
                      autoSize={{ minRows: 1, maxRows: 6 }}
                      maxLength={2000}
                      placeholder={p.report.content}
                      aria-label={p.report.content}
                      data-testid={`plan-report-content-${i}`}
                    />
                  </Form.Item>
                </Col>
                <Col flex="40px">
                  <Button
                    type="text"
                    danger
                    icon={<DeleteOutlined />}
                    aria-label={t.remove}
                    onClick={() => remove(i)}
                    data-testid={`plan-report-remove-${i}`}
                  />
                </Col>
              </Row>
            ))}
            <ListErrors errors={errors} />
          </>
        )}
      </Form.List>

      <Heading>{p.changeNote}</Heading>
      <Form.Item
        name="change_note"
        rules={noteRequired ? [required] : []}
        extra={noteRequired ? t.changeNoteRequired : t.changeNoteOptional}
      >
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 8 }} maxLength={2000} aria-label={p.changeNote} data-testid="plan-change-note" />
      </Form.Item>

      <div style={{ display: "flex", justifyContent: "flex-end", gap: 8, position: "sticky", bottom: 0, background: "#fff", padding: "12px 0" }}>
        <Button onClick={onClose}>{e.cancel}</Button>
        <Button type="primary" loading={busy} onClick={() => void save()} data-testid="plan-save">
          {t.save}
        </Button>
      </div>
    </Form>
  );
}
