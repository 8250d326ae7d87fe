import { DeleteOutlined, ReloadOutlined, UndoOutlined, UploadOutlined } from "@ant-design/icons";
import {
  Alert,
  App,
  Badge,
  Button,
  Card,
  Col,
  Form,
  Input,
  Popconfirm,
  Row,
  Space,
  Tabs,
  theme,
  Typography,
  type FormInstance,
} from "antd";
import {
  useCallback,
  useEffect,
  useRef,
  useState,
  type ChangeEvent,
  type ComponentProps,
  type FocusEvent,
} from "react";

import {
  call,
  OperationError,
  toOperationError,
  type CompanyProfile,
  type DocumentSettings as Loaded,
  type DocumentSettingsSave,
  type Templates,
} from "../../api";
import { showFieldErrors } from "../../api/forms";
import { useI18n } from "../../i18n";

/** The documents whose wording may be edited, in the order their tabs show. */
type Kind = keyof Templates;
const KINDS: Kind[] = ["acknowledgment", "progress", "result", "settlement", "bulletin"];

/** A wording field of some document. */
type Field = "title" | "salutation" | "body" | "closing" | "preamble" | "terms" | "addressee" | "intro" | "lessons";
const NOTICE: Field[] = ["title", "salutation", "body", "closing"];
const FIELDS: Record<Kind, Field[]> = {
  acknowledgment: NOTICE,
  progress: NOTICE,
  result: NOTICE,
  settlement: ["title", "preamble", "terms"],
  bulletin: ["title", "addressee", "intro", "closing", "lessons"],
};
/** Fields the core requires (the others may be left empty). */
const REQUIRED: Record<Kind, Field[]> = {
  acknowledgment: ["title", "body"],
  progress: ["title", "body"],
  result: ["title", "body"],
  settlement: ["title", "preamble"],
  bulletin: ["title"],
};
/** Fields of one line; the others hold a paragraph (or a term) per line. */
const SINGLE_LINE = new Set<Field>(["title", "salutation", "addressee"]);
/** The height of each field's box, in lines (the box may be dragged taller). */
const ROWS: Record<Field, number> = {
  title: 1,
  salutation: 1,
  addressee: 1,
  body: 5,
  closing: 3,
  preamble: 4,
  terms: 5,
  intro: 3,
  lessons: 3,
};

type Placeholder = string;

/** The names between `{` and `}` in `text`, as the core reads them. */
function placeholdersIn(text: string): string[] {
  const names: string[] = [];
  for (let rest = text; ; ) {
    const start = rest.indexOf("{");
    const end = start < 0 ? -1 : rest.indexOf("}", start + 1);
    if (end < 0) return names;
    names.push(rest.slice(start + 1, end));
    rest = rest.slice(end + 1);
  }
}

/** Largest logo or seal accepted (bytes), as the core checks it. */
const MAX_IMAGE_BYTES = 512 * 1024;
const IMAGE_TYPES = ["image/png", "image/jpeg"];

/** A stored image (bare base64 or a data URL) as an `<img>` source. */
function imageSource(data: string): string {
  if (data.startsWith("data:")) return data;
  return `data:${data.startsWith("/9j/") ? "image/jpeg" : "image/png"};base64,${data}`;
}

interface Values {
  profile: CompanyProfile;
  templates: Templates;
}

/** What the form holds, as the core takes it (every field present, nothing else). */
function toRequest(values: Partial<Values>): DocumentSettingsSave {
  const p: Partial<CompanyProfile> = values.profile ?? {};
  const wording = (kind: Kind) => {
    const given = (values.templates?.[kind] ?? {}) as Partial<Record<Field, string>>;
    return Object.fromEntries(FIELDS[kind].map((f) => [f, given[f] ?? ""]));
  };
  return {
    profile: {
      company_name: p.company_name ?? "",
      issuing_department: p.issuing_department ?? "",
      hotline: p.hotline ?? "",
      address: p.address ?? "",
      bulletin_prefix: p.bulletin_prefix ?? "",
      logo: p.logo || null,
      seal: p.seal || null,
    },
    templates: Object.fromEntries(KINDS.map((k) => [k, wording(k)])) as Templates,
  };
}

const toValues = (s: Loaded): Values => ({ profile: s.profile, templates: s.templates });

/** The paths of the values `changed` sets (as `onValuesChange` reports them). */
function leafPaths(changed: unknown, prefix: string[] = []): string[][] {
  if (typeof changed !== "object" || changed === null) return [prefix];
  return Object.entries(changed).flatMap(([key, value]) => leafPaths(value, [...prefix, key]));
}

/** The input a placeholder goes into: the wording field last focused. */
interface Focused {
  kind: Kind;
  field: Field;
  element: HTMLTextAreaElement;
}

/** 文书设置: the company's particulars and the wording of each document. */
export function DocumentSettings() {
  const { m } = useI18n();
  const s = m.admin.documentSettings;
  const { message } = App.useApp();
  // Untyped: its fields are named by paths built at run time (`templates.<kind>.<field>`).
  const [form] = Form.useForm();
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [busy, setBusy] = useState(false);
  const [active, setActive] = useState<Kind>("acknowledgment");
  // The documents with an error on one of their fields, marked on their tabs.
  const [marked, setMarked] = useState<Kind[]>([]);
  const focused = useRef<Focused | null>(null);

  useEffect(() => {
    let live = true;
    call("documents.settings", {})
      .then((settings) => live && setLoaded(settings))
      .catch((e: OperationError) => live && setLoadError(e.message));
    return () => {
      live = false;
    };
  }, [attempt]);
  const retry = () => {
    setLoadError(null);
    setAttempt((n) => n + 1);
  };

  const refreshMarks = useCallback(() => {
    setMarked(
      KINDS.filter((k) =>
        form.getFieldsError(FIELDS[k].map((f) => ["templates", k, f])).some((e) => e.errors.length > 0),
      ),
    );
  }, [form]);

  const save = async () => {
    const request = toRequest(form.getFieldsValue(true) as Partial<Values>);
    // The core's errors of the last attempt: it says again those that still apply.
    const shown = form.getFieldsError().filter((f) => f.errors.length > 0);
    form.setFields(shown.map((f) => ({ name: f.name, errors: [] })));
    setBusy(true);
    try {
      const saved = await call("documents.settings_save", request);
      setLoaded(saved);
      form.setFieldsValue(toValues(saved));
      message.success(s.saved);
    } catch (e) {
      const error = reworded(toOperationError(e), s);
      showFieldErrors(form, error);
      message.error(error.message);
      // If the document shown has no error, the first that has one is shown.
      const withErrors = KINDS.filter((k) => error.fields.some((f) => f.field.startsWith(`templates.${k}.`)));
      const first = withErrors[0];
      if (first && !withErrors.includes(active)) setActive(first);
    } finally {
      setBusy(false);
      refreshMarks();
    }
  };

  // An edited field's error from the core no longer applies.
  const clearErrors = (changed: Partial<Values>) => {
    form.setFields(leafPaths(changed).map((name) => ({ name, errors: [] })));
    refreshMarks();
  };

  const restore = (kind: Kind) => {
    if (!loaded) return;
    const defaults = loaded.defaults[kind] as unknown as Record<Field, string>;
    form.setFields(
      FIELDS[kind].map((f) => ({ name: ["templates", kind, f], value: defaults[f], errors: [], warnings: [] })),
    );
    refreshMarks();
    message.info(s.restored);
  };

  const insert = (kind: Kind, name: Placeholder) => {
    const token = `{${name}}`;
    const target = focused.current;
    if (!target || target.kind !== kind || !target.element.isConnected) {
      const copying = navigator.clipboard?.writeText(token) ?? Promise.reject(new Error("no clipboard"));
      copying.then(
        () => message.success(s.copied(token)),
        () => message.warning(s.copyFailed(token)),
      );
      return;
    }
    const path = ["templates", kind, target.field];
    const text = String(form.getFieldValue(path) ?? "");
    const { element } = target;
    const start = element.selectionStart ?? text.length;
    const end = element.selectionEnd ?? start;
    form.setFields([{ name: path, value: text.slice(0, start) + token + text.slice(end), errors: [] }]);
    form.validateFields([path]).catch(() => undefined);
    refreshMarks();
    const caret = start + token.length;
    requestAnimationFrame(() => {
      element.focus();
      element.setSelectionRange(caret, caret);
    });
  };

  if (!loaded) {
    return (
      <Card loading={!loadError} data-testid="doc-settings">
        {loadError && (
          <Alert
            type="error"
            showIcon
            title={loadError}
            action={
              <Button size="small" icon={<ReloadOutlined />} onClick={retry}>
                {s.retry}
              </Button>
            }
          />
        )}
      </Card>
    );
  }

  return (
    <Form<Values>
      form={form}
      layout="vertical"
      initialValues={toValues(loaded)}
      onValuesChange={clearErrors}
      data-testid="doc-settings"
    >
      <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
        <ProfileCard form={form} />
        <Card title={s.wording}>
          <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
            {s.wordingHint}
          </Typography.Paragraph>
          <Tabs
            activeKey={active}
            onChange={(key) => setActive(key as Kind)}
            items={KINDS.map((kind) => ({
              key: kind,
              // Every document's fields stay in the form, so one save sends them all.
              forceRender: true,
              label: (
                <span data-testid={`doc-tab-${kind}`}>
                  <Badge dot={marked.includes(kind)} offset={[4, 0]}>
                    {s.kinds[kind]}
                  </Badge>
                </span>
              ),
              children: (
                <WordingPane
                  kind={kind}
                  onFocusField={(field, element) => (focused.current = { kind, field, element })}
                  onInsert={(name) => insert(kind, name)}
                  onRestore={() => restore(kind)}
                  allowed={loaded.placeholders[kind]}
                />
              ),
            }))}
          />
        </Card>
        <Button type="primary" onClick={save} loading={busy} data-testid="doc-save">
          {s.save}
        </Button>
      </Space>
    </Form>
  );
}

/**
 * The core's error as this tab shows it: a placeholder the document lacks and a refused image
 * said plainly (the core says only "not valid").
 */
function reworded(error: OperationError, s: ReturnType<typeof useI18n>["m"]["admin"]["documentSettings"]) {
  const fields = error.fields.map((f) => {
    if (f.code !== "field.invalid") return f;
    if (f.field === "profile.logo" || f.field === "profile.seal") return { ...f, message: s.imageInvalid };
    const token = /\{[^{}]*\}/.exec(f.message);
    if (f.field.startsWith("templates.") && token) return { ...f, message: s.unknownPlaceholder([token[0]]) };
    return f;
  });
  return new OperationError({ ...error.error, fields });
}

// ---- 单位信息 ---------------------------------------------------------------------------

function ProfileCard({ form }: { form: FormInstance }) {
  const { m } = useI18n();
  const s = m.admin.documentSettings;
  const prefix = Form.useWatch(["profile", "bulletin_prefix"], form) as string | undefined;
  const agency = prefix?.trim() || "…";
  const year = new Date().getFullYear();
  const docNo = `${agency}〔${year}〕3号`;
  const branchNo = `${agency}SH01〔${year}〕3号`;
  return (
    <Card title={s.profile}>
      <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
        {s.profileHint}
      </Typography.Paragraph>
      <Row gutter={16}>
        <Col xs={24} md={12}>
          <Form.Item name={["profile", "company_name"]} label={s.companyName} extra={s.companyNameHint} required>
            <Input maxLength={60} data-testid="doc-company-name" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item
            name={["profile", "issuing_department"]}
            label={s.issuingDepartment}
            extra={s.issuingDepartmentHint}
            required
          >
            <Input maxLength={40} data-testid="doc-issuing-department" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name={["profile", "hotline"]} label={s.hotline}>
            <Input maxLength={30} data-testid="doc-hotline" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item
            name={["profile", "bulletin_prefix"]}
            label={s.bulletinPrefix}
            extra={s.bulletinPrefixExample(docNo, branchNo)}
            required
          >
            <Input maxLength={12} data-testid="doc-bulletin-prefix" />
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item name={["profile", "address"]} label={s.address}>
            <Input maxLength={120} data-testid="doc-address" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name={["profile", "logo"]} label={s.logo} extra={s.logoHint}>
            <ImageField image="logo" />
          </Form.Item>
        </Col>
        <Col xs={24} md={12}>
          <Form.Item name={["profile", "seal"]} label={s.seal} extra={s.sealHint}>
            <ImageField image="seal" />
          </Form.Item>
        </Col>
      </Row>
    </Card>
  );
}

/** A logo or seal: its thumbnail, a file to replace it with (PNG or JPEG ≤ 512 KB), removal. */
function ImageField({
  image,
  value,
  onChange,
}: {
  image: "logo" | "seal";
  value?: string | null;
  onChange?: (value: string | null) => void;
}) {
  const { m } = useI18n();
  const s = m.admin.documentSettings;
  const { message } = App.useApp();
  const { token } = theme.useToken();
  const input = useRef<HTMLInputElement>(null);

  const pick = (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = ""; // the same file may be chosen again
    if (!file) return;
    if (!IMAGE_TYPES.includes(file.type)) {
      message.error(s.imageType);
      return;
    }
    if (file.size > MAX_IMAGE_BYTES) {
      message.error(s.imageTooLarge(Math.ceil(file.size / 1024)));
      return;
    }
    const reader = new FileReader();
    // The core takes bare base64 (or a data URL): the bare form is stored.
    reader.onload = () => onChange?.(String(reader.result ?? "").replace(/^data:[^,]*,/, ""));
    reader.onerror = () => message.error(s.imageUnreadable);
    reader.readAsDataURL(file);
  };

  const label = image === "logo" ? s.logo : s.seal;
  // A seal is transparent: a checkerboard shows what it will cover.
  const square = token.colorFillSecondary;
  const checkerboard = `repeating-conic-gradient(${square} 0% 25%, transparent 0% 50%) 50% / 16px 16px`;
  return (
    <Space align="start" size="middle">
      <div
        style={{
          width: 120,
          height: 120,
          display: "flex",
          alignItems: "center",
          justifyContent: "center",
          border: `1px dashed ${token.colorBorder}`,
          borderRadius: token.borderRadius,
          background: value && image === "seal" ? checkerboard : token.colorFillQuaternary,
          overflow: "hidden",
        }}
      >
        {value ? (
          <img
            src={imageSource(value)}
            alt={label}
            style={{ maxWidth: "100%", maxHeight: "100%", objectFit: "contain" }}
            data-testid={`doc-${image}-preview`}
          />
        ) : (
          <Typography.Text type="secondary">{s.noImage}</Typography.Text>
        )}
      </div>
      <Space orientation="vertical" size="small">
        <Button icon={<UploadOutlined />} onClick={() => input.current?.click()} data-testid={`doc-${image}-upload`}>
          {value ? s.replace : s.upload}
        </Button>
        <Button
          icon={<DeleteOutlined />}
          disabled={!value}
          onClick={() => onChange?.(null)}
          data-testid={`doc-${image}-remove`}
        >
          {s.remove}
        </Button>
      </Space>
      <input
        ref={input}
        type="file"
        accept="image/png,image/jpeg"
        style={{ display: "none" }}
        onChange={pick}
        data-testid={`doc-${image}-input`}
      />
    </Space>
  );
}

// ---- 文书措辞 ---------------------------------------------------------------------------

function WordingPane({
  kind,
  onFocusField,
  onInsert,
  onRestore,
  allowed,
}: {
  kind: Kind;
  /** The placeholders this document may use, as the core says. */
  allowed: string[];
  onFocusField: (field: Field, element: HTMLTextAreaElement) => void;
  onInsert: (name: Placeholder) => void;
  onRestore: () => void;
}) {
  const { m } = useI18n();
  const s = m.admin.documentSettings;
  // The bulletin's closing is its list of requirements.
  const labelOf = (f: Field) => (kind === "bulletin" && f === "closing" ? "requirements" : f);
  const hintOf = (f: Field) => {
    const key = labelOf(f);
    return key in s.hints ? s.hints[key as keyof typeof s.hints] : undefined;
  };
  // A placeholder the document lacks is caught as it is typed (the core refuses it on saving).
  const known = {
    warningOnly: true,
    validator: (_: unknown, value: unknown) => {
      const names = placeholdersIn(String(value ?? ""));
      const missing = [...new Set(names.filter((n) => !allowed.includes(n)))];
      return missing.length > 0
        ? Promise.reject(new Error(s.unknownPlaceholder(missing.map((n) => `{${n}}`))))
        : Promise.resolve();
    },
  };

  return (
    <Row gutter={24}>
      <Col xs={24} lg={16}>
        {FIELDS[kind].map((field) => {
          const single = SINGLE_LINE.has(field);
          return (
            <Form.Item
              key={field}
              name={["templates", kind, field]}
              label={s.fields[labelOf(field)]}
              extra={hintOf(field)}
              required={REQUIRED[kind].includes(field)}
              rules={[known]}
            >
              <Input.TextArea
                // Fixed heights: antd's autoSize re-measures every box on each render, slow with this many.
                rows={ROWS[field]}
                style={single ? { resize: "none" } : undefined}
                // A title, salutation or addressee is one line.
                onPressEnter={single ? (e) => e.preventDefault() : undefined}
                onFocus={(e: FocusEvent<HTMLTextAreaElement>) => onFocusField(field, e.target)}
                data-testid={`doc-${kind}-${field}`}
              />
            </Form.Item>
          );
        })}
        <Popconfirm
          title={s.restoreConfirm}
          description={s.restoreConfirmHint}
          okText={s.restoreOk}
          cancelText={s.cancel}
          onConfirm={onRestore}
          okButtonProps={{ "data-testid": `doc-${kind}-restore-ok` } as ComponentProps<typeof Button>}
        >
          <Button icon={<UndoOutlined />} data-testid={`doc-${kind}-restore`}>
            {s.restore}
          </Button>
        </Popconfirm>
      </Col>
      <Col xs={24} lg={8}>
        <Card size="small" title={s.placeholders} data-testid={`doc-${kind}-placeholders`}>
          <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
            {s.placeholdersHint}
          </Typography.Paragraph>
          <Space orientation="vertical" size={2} style={{ width: "100%" }}>
            {allowed.map((name) => (
              <Button
                key={name}
                type="text"
                size="small"
                block
                style={{ display: "flex", justifyContent: "space-between" }}
                // Keeps the caret in the field the placeholder goes into.
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => onInsert(name)}
                data-testid={`doc-placeholder-${kind}-${name}`}
              >
                <Typography.Text code>{`{${name}}`}</Typography.Text>
                <Typography.Text type="secondary">
                  {s.placeholderNames[name as keyof typeof s.placeholderNames] ?? ""}
                </Typography.Text>
              </Button>
            ))}
          </Space>
        </Card>
      </Col>
    </Row>
  );
}
