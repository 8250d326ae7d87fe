import {
  Alert,
  App,
  Button,
  Card,
  Drawer,
  Empty,
  Form,
  Input,
  Modal,
  Popconfirm,
  Select,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
} from "antd";
import { useCallback, useEffect, useRef, useState } from "react";

import {
  call,
  type BulletinContent,
  type BulletinStatus,
  type BulletinSummary,
  type BulletinView,
  type CaseRow,
  type Masking,
  type OperationError,
} from "../api";
import { useSubmit } from "../api/forms";
import { PdfPreview } from "../components/PdfPreview";
import { formatDate, formatDateTime } from "../format";
import { useI18n } from "../i18n";
import { useSession } from "../session";

const MASKS: (keyof Masking)[] = ["names", "phones", "addresses", "id_numbers"];

/** Choosing the closed cases a new bulletin tells, in order. */
function CasePicker({ open, onClose, onDrafted }: { open: boolean; onClose: () => void; onDrafted: (v: BulletinView) => void }) {
  const { m, lang } = useI18n();
  const b = m.bulletins;
  const { message } = App.useApp();
  const [typicalOnly, setTypicalOnly] = useState(true);
  const [rows, setRows] = useState<CaseRow[]>([]);
  const [chosen, setChosen] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!open) return;
    call("cases.list", { status: "closed", typical: typicalOnly ? true : undefined, limit: 200, sort_by: "received_at", sort_dir: "desc" })
      .then((r) => setRows(r.items))
      .catch((e: OperationError) => message.error(e.message));
  }, [open, typicalOnly, message]);

  const create = async () => {
    if (chosen.length === 0) {
      message.warning(b.pickNone);
      return;
    }
    setBusy(true);
    try {
      const v = await call("bulletins.draft", { cases: chosen });
      setChosen([]);
      onDrafted(v);
    } catch (e) {
      message.error((e as OperationError).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={b.pickTitle}
      width={860}
      onCancel={onClose}
      onOk={create}
      okText={b.draftCreate}
      confirmLoading={busy}
      okButtonProps={{ "data-testid": "bulletin-pick-ok" } as React.ComponentProps<typeof Button>}
      destroyOnHidden
    >
      <Space direction="vertical" style={{ width: "100%" }}>
        <Typography.Text type="secondary">{b.pickHint}</Typography.Text>
        <Space>
          <Switch checked={typicalOnly} onChange={setTypicalOnly} data-testid="bulletin-typical-only" />
          <span>{b.typicalOnly}</span>
        </Space>
        <Table<CaseRow>
          size="small"
          rowKey="id"
          dataSource={rows}
          pagination={{ pageSize: 8 }}
          data-testid="bulletin-pick-table"
          rowSelection={{
            selectedRowKeys: chosen,
            onChange: (_keys, selected) => {
              // Keep the order in which cases were ticked.
              const ids = selected.map((r) => r.id);
              setChosen((prev) => [...prev.filter((id) => ids.includes(id)), ...ids.filter((id) => !prev.includes(id))].slice(0, 50));
            },
          }}
          columns={[
            { title: m.ledger.columns.case_no, dataIndex: "case_no", width: 150 },
            { title: m.ledger.columns.received_at, dataIndex: "received_at", width: 110, render: (v: string) => formatDate(v, lang) },
            { title: m.ledger.columns.product, dataIndex: "product_name" },
            { title: m.ledger.columns.department, dataIndex: "department", width: 120 },
            { title: m.ledger.columns.result, dataIndex: "result", ellipsis: true },
          ]}
        />
      </Space>
    </Modal>
  );
}

/** Writing a draft: the wording around the cases, each case's four parts, masking; issuing. */
function Editor({ view, onClose, onChanged }: { view: BulletinView | null; onClose: () => void; onChanged: (v: BulletinView | null) => void }) {
  const { m } = useI18n();
  const b = m.bulletins;
  const f = b.fields;
  const { message } = App.useApp();
  const [form] = Form.useForm<BulletinContent>();
  const { busy, run } = useSubmit(form);
  const [previewing, setPreviewing] = useState(false);
  const masking = Form.useWatch("masking", form);
  const open = view !== null;

  // The form takes a bulletin's content when another bulletin opens — not after each save, so
  // that what is typed while a save is on its way is kept.
  const openId = view?.summary.id;
  const content0 = view?.content;
  const shown = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (openId && content0 && shown.current !== openId) {
      shown.current = openId;
      form.setFieldsValue(content0);
    }
    if (!openId) shown.current = undefined;
  }, [openId, content0, form]);

  if (!view) return <Drawer open={false} />;
  const id = view.summary.id;

  const content = (): BulletinContent => {
    const v = form.getFieldsValue(true) as BulletinContent;
    return {
      ...view.content,
      ...v,
      cases: view.content.cases.map((c, i) => ({ ...c, ...(v.cases?.[i] ?? {}) })),
      copy_to: (v.copy_to ?? []).map((s) => s.trim()).filter((s) => s !== ""),
      masking: { ...view.content.masking, ...(v.masking ?? {}) },
    };
  };
  const save = async (): Promise<BulletinView | null> => {
    let saved: BulletinView | null = null;
    const ok = await run(async () => {
      saved = await call("bulletins.save", { id, content: content() });
    });
    if (ok && saved) onChanged(saved);
    return ok ? saved : null;
  };
  const issue = async () => {
    if (!(await save())) return;
    let issued: BulletinView | null = null;
    const ok = await run(async () => {
      issued = await call("bulletins.issue", { id });
    });
    if (ok && issued) {
      message.success(b.issuedAs((issued as BulletinView).summary.doc_no ?? ""));
      onChanged(issued);
      onClose();
    }
  };
  const discard = async () => {
    const ok = await run(() => call("bulletins.discard", { id }));
    if (ok) {
      message.success(b.discarded);
      onChanged(null);
      onClose();
    }
  };
  const area = (rows: number, testId: string) => <Input.TextArea autoSize={{ minRows: rows, maxRows: 14 }} data-testid={testId} />;
  const anyOff = masking ? MASKS.some((k) => masking[k] === false) : false;

  return (
    <Drawer
      open={open}
      onClose={onClose}
      width={960}
      title={`${b.editor} · ${view.summary.title}`}
      data-testid="bulletin-editor"
      extra={
        <Space>
          <Button
            onClick={async () => {
              if (await save()) setPreviewing(true);
            }}
            loading={busy}
            data-testid="bulletin-preview"
          >
            {b.preview}
          </Button>
          <Button
            onClick={async () => {
              if (await save()) message.success(b.saved);
            }}
            loading={busy}
            data-testid="bulletin-save"
          >
            {b.saveDraft}
          </Button>
          <Popconfirm title={b.issueConfirm} onConfirm={issue} okButtonProps={{ "data-testid": "bulletin-issue-ok" } as never}>
            <Button type="primary" loading={busy} data-testid="bulletin-issue">
              {b.issue}
            </Button>
          </Popconfirm>
        </Space>
      }
    >
      <Form<BulletinContent> form={form} layout="vertical" initialValues={view.content}>
        <Form.Item name="title" label={f.title} rules={[{ required: true, message: m.auth.required }]}>
          <Input data-testid="bulletin-title" />
        </Form.Item>
        <Form.Item name="addressee" label={f.addressee}>
          <Input data-testid="bulletin-addressee" />
        </Form.Item>
        <Form.Item name="intro" label={f.intro}>
          {area(2, "bulletin-intro")}
        </Form.Item>
        {view.content.cases.map((c, i) => (
          <Card key={c.case_id} size="small" title={b.caseLabel(i + 1, c.case_no)} style={{ marginBottom: 16 }} data-testid={`bulletin-case-${i}`}>
            <Form.Item name={["cases", i, "heading"]} label={f.heading}>
              <Input data-testid={`bulletin-case-${i}-heading`} />
            </Form.Item>
            <Form.Item name={["cases", i, "summary"]} label={f.summary}>
              {area(3, `bulletin-case-${i}-summary`)}
            </Form.Item>
            <Form.Item name={["cases", i, "cause"]} label={f.cause}>
              {area(2, `bulletin-case-${i}-cause`)}
            </Form.Item>
            <Form.Item name={["cases", i, "handling"]} label={f.handling}>
              {area(2, `bulletin-case-${i}-handling`)}
            </Form.Item>
            <Form.Item name={["cases", i, "lessons"]} label={f.lessons}>
              {area(2, `bulletin-case-${i}-lessons`)}
            </Form.Item>
          </Card>
        ))}
        <Form.Item name="closing" label={f.closing}>
          {area(2, "bulletin-closing")}
        </Form.Item>
        <Form.Item name="copy_to" label={f.copyTo} extra={f.copyToHint}>
          <Select mode="tags" open={false} tokenSeparators={["，", ","]} data-testid="bulletin-copy-to" />
        </Form.Item>
        <Card size="small" title={b.masking}>
          <Typography.Paragraph type="secondary">{b.maskingHint}</Typography.Paragraph>
          <Space wrap size="large">
            {MASKS.map((k) => (
              <Space key={k}>
                <Form.Item name={["masking", k]} valuePropName="checked" noStyle>
                  <Switch data-testid={`bulletin-mask-${k}`} />
                </Form.Item>
                <span>{b.mask[k]}</span>
              </Space>
            ))}
          </Space>
          {anyOff && <Alert type="warning" showIcon message={b.maskingOff} style={{ marginTop: 12 }} />}
        </Card>
      </Form>
      <div style={{ marginTop: 24 }}>
        <Popconfirm title={b.discardConfirm} onConfirm={discard}>
          <Button danger data-testid="bulletin-discard">
            {b.discard}
          </Button>
        </Popconfirm>
      </div>
      <PdfPreview
        open={previewing}
        title={view.summary.title}
        load={() => call("bulletins.pdf", { id })}
        onClose={() => setPreviewing(false)}
      />
    </Drawer>
  );
}

/** 内部通报 (§五(三)2): drafts and issued bulletins on typical cases. */
export function Bulletins() {
  const { m, lang } = useI18n();
  const b = m.bulletins;
  const { can } = useSession();
  const { message } = App.useApp();
  const writer = can("bulletin.issue");
  const [tab, setTab] = useState<BulletinStatus>(writer ? "draft" : "issued");
  const [items, setItems] = useState<BulletinSummary[]>([]);
  const [loading, setLoading] = useState(true);
  const [picking, setPicking] = useState(false);
  const [editing, setEditing] = useState<BulletinView | null>(null);
  const [printing, setPrinting] = useState<BulletinSummary | null>(null);

  // Only the latest request's answer is shown (switching tabs while one is on its way).
  const latest = useRef(0);
  const load = useCallback(() => {
    const mine = ++latest.current;
    call("bulletins.list", { status: tab })
      .then((found) => {
        if (latest.current === mine) setItems(found);
      })
      .catch((e: OperationError) => message.error(e.message))
      .finally(() => {
        if (latest.current === mine) setLoading(false);
      });
  }, [tab, message]);
  useEffect(load, [load]);

  const openDraft = async (id: string) => {
    try {
      setEditing(await call("bulletins.get", { id }));
    } catch (e) {
      message.error((e as OperationError).message);
    }
  };

  const columns = [
    ...(tab === "issued" ? [{ title: b.columns.docNo, dataIndex: "doc_no", width: 170 }] : []),
    { title: b.columns.title, dataIndex: "title" },
    { title: b.columns.cases, dataIndex: "case_count", width: 80 },
    tab === "issued"
      ? { title: b.columns.issuedBy, dataIndex: "issued_by", width: 110 }
      : { title: b.columns.author, dataIndex: "author", width: 110 },
    tab === "issued"
      ? { title: b.columns.issuedOn, dataIndex: "issued_on", width: 120, render: (v: string | null) => formatDate(v, lang) }
      : { title: b.columns.updated, dataIndex: "updated_at", width: 160, render: (v: string) => formatDateTime(v) },
    {
      title: b.columns.status,
      dataIndex: "status",
      width: 90,
      render: (s: BulletinStatus) => <Tag color={s === "issued" ? "green" : "default"}>{b.status[s]}</Tag>,
    },
    {
      title: "",
      key: "actions",
      width: 120,
      render: (_: unknown, row: BulletinSummary) =>
        row.status === "draft" ? (
          <Button size="small" onClick={() => openDraft(row.id)} data-testid={`bulletin-edit-${row.id}`}>
            {b.edit}
          </Button>
        ) : (
          <Button size="small" onClick={() => setPrinting(row)} data-testid={`bulletin-print-${row.id}`}>
            {b.print}
          </Button>
        ),
    },
  ];

  return (
    <Card
      data-testid="bulletins"
      title={b.title}
      extra={
        writer && (
          <Button type="primary" onClick={() => setPicking(true)} data-testid="bulletin-new">
            {b.new}
          </Button>
        )
      }
    >
      <Tabs
        activeKey={tab}
        onChange={(k) => {
          setLoading(true);
          setTab(k as BulletinStatus);
        }}
        items={[
          ...(writer ? [{ key: "draft", label: <span data-testid="bulletins-tab-draft">{b.drafts}</span> }] : []),
          { key: "issued", label: <span data-testid="bulletins-tab-issued">{b.issued}</span> },
        ]}
      />
      <Table<BulletinSummary>
        rowKey="id"
        size="middle"
        loading={loading}
        dataSource={items}
        columns={columns}
        data-testid="bulletins-table"
        locale={{ emptyText: <Empty description={b.empty} /> }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
      />
      <CasePicker
        open={picking}
        onClose={() => setPicking(false)}
        onDrafted={(v) => {
          setPicking(false);
          setEditing(v);
          if (tab === "draft") {
            load();
          } else {
            setLoading(true);
            setTab("draft");
          }
        }}
      />
      <Editor
        view={editing}
        onClose={() => setEditing(null)}
        onChanged={(v) => {
          if (v) setEditing(v.summary.status === "draft" ? v : null);
          if (v && v.summary.status === "issued" && tab !== "issued") {
            // The issued list loads when its tab shows.
            setLoading(true);
            setTab("issued");
          } else {
            load();
          }
        }}
      />
      <PdfPreview
        open={printing !== null}
        title={printing ? `${printing.doc_no ?? ""} ${printing.title}` : ""}
        load={() => call("bulletins.pdf", { id: printing?.id ?? "" })}
        onClose={() => setPrinting(null)}
      />
    </Card>
  );
}
