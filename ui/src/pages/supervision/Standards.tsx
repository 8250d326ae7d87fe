import { EditOutlined, PlusOutlined } from "@ant-design/icons";
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Drawer,
  Empty,
  Flex,
  Form,
  Input,
  Result,
  Row,
  Select,
  Skeleton,
  Space,
  Table,
  Tag,
  Typography,
} from "antd";
import type { ColumnsType } from "antd/es/table";
import { useEffect, useState } from "react";

import {
  call,
  OperationError,
  toOperationError,
  type StandardKind,
  type StandardSummary,
  type StandardVersionView,
  type StandardView,
} from "../../api";
import { useCodes } from "../../codes";
import { FormModal, useRules } from "../../components/FormModal";
import { STANDARD_KINDS, StandardCategories, StandardKindTag, StandardText } from "../../components/standards";
import { ApproveVersionModal, VersionList, VersionTag } from "../../components/versions";
import { formatDateTime } from "../../format";
import { useI18n } from "../../i18n";
import { rowProps, useReloaded } from "../emergency/shared";

/** What the form opens with: a new standard, its draft to edit, or its next version to draft. */
interface Opening {
  /** Absent: a new standard. */
  id?: string;
  mode: "new" | "draft" | "revise";
  /** The version saving makes or edits. */
  version: number;
  kind: StandardKind;
  title: string;
  body: string;
  categories: string[];
  changeNote: string;
}

interface Values {
  kind: StandardKind;
  title: string;
  body: string;
  categories: string[];
  change_note: string;
}

const NEW: Opening = { mode: "new", version: 1, kind: "service_commitment", title: "", body: "", categories: [], changeNote: "" };

/** The form opened on a standard's latest version: the draft it is, or the next one. */
function openingOf(view: StandardView): Opening | null {
  const latest = view.versions[0];
  if (!latest) return null;
  const draft = latest.status === "draft";
  return {
    id: view.id,
    mode: draft ? "draft" : "revise",
    version: draft ? latest.version : latest.version + 1,
    kind: view.kind,
    title: latest.title,
    body: latest.body,
    categories: latest.categories,
    changeNote: draft ? latest.change_note : "",
  };
}

/** The version shown first: the one in force, else the latest. */
const shownFirst = (view: StandardView) => (view.versions.find((v) => v.in_force) ?? view.versions[0])?.version ?? 0;

/**
 * 业务规范 (§二(二)): the service commitments, charges and standard contract terms, each with its
 * versions; drafted by those who keep them, approved in force from a day by a manager. Everyone
 * who sees the supervision page reads them.
 */
export function Standards({ mayManage, mayApprove }: { mayManage: boolean; mayApprove: boolean }) {
  const { m } = useI18n();
  const s = m.standards;
  const c = s.columns;
  const v = m.versions;
  const { message } = App.useApp();
  const [reloads, setReloads] = useState(0);
  const { rows, loading } = useReloaded("standards.list", {}, reloads);
  const [openId, setOpenId] = useState<string | null>(null);
  // The form: what it opened with (kept while it closes), whether it is open, and each opening afresh.
  const [editing, setEditing] = useState<{ opening: Opening | null; open: boolean; session: number }>({
    opening: null,
    open: false,
    session: 0,
  });
  const edit = (opening: Opening | null) => opening && setEditing((e) => ({ opening, open: true, session: e.session + 1 }));
  const closeForm = () => setEditing((e) => ({ ...e, open: false }));

  const columns: ColumnsType<StandardSummary> = [
    { key: "kind", title: c.kind, width: 130, render: (_, r) => <StandardKindTag kind={r.kind} /> },
    {
      key: "title",
      title: c.title,
      ellipsis: true,
      render: (_, r) => (
        <Button type="link" size="small" style={{ padding: 0 }} data-testid="standard-title">
          {r.title}
        </Button>
      ),
    },
    { key: "categories", title: c.categories, render: (_, r) => <StandardCategories codes={r.categories} /> },
    {
      key: "in_force",
      title: c.inForce,
      width: 220,
      render: (_, r) =>
        r.in_force !== null ? (
          <span data-testid="standard-in-force">
            <Tag color="green">{v.version(r.in_force)}</Tag>
            <Typography.Text type="secondary" className="num" style={{ fontSize: 12 }}>
              {v.effectiveOn(r.effective_from ?? "")}
            </Typography.Text>
          </span>
        ) : (
          <Tag color="orange" data-testid="standard-in-force">
            {s.noneInForce}
          </Tag>
        ),
    },
    {
      key: "latest",
      title: c.latest,
      width: 220,
      render: (_, r) => (
        <span>
          <span className="num">{v.version(r.latest_version)}</span>{" "}
          {r.latest_status === "draft" ? (
            <Tag color="orange" data-testid="standard-pending-draft">
              {s.pendingDraft}
            </Tag>
          ) : (
            <Tag color="blue">{v.status.approved}</Tag>
          )}
        </span>
      ),
    },
  ];

  return (
    <>
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
        <Typography.Text type="secondary">{s.intro}</Typography.Text>
        {mayManage && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => edit(NEW)} data-testid="standard-new">
            {s.new}
          </Button>
        )}
      </Flex>
      <Table<StandardSummary>
        rowKey="id"
        size="middle"
        loading={loading}
        dataSource={rows ?? []}
        columns={columns}
        data-testid="standards-table"
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: <Empty description={s.empty} /> }}
        onRow={(r) => rowProps("standard-row", r.id, () => setOpenId(r.id))}
      />
      <StandardDetail
        id={openId}
        reloads={reloads}
        mayManage={mayManage}
        mayApprove={mayApprove}
        onClose={() => setOpenId(null)}
        onEdit={(view) => edit(openingOf(view))}
        onChanged={() => setReloads((n) => n + 1)}
      />
      {mayManage && (
        <StandardForm
          key={editing.session}
          opening={editing.opening}
          open={editing.open}
          onClose={closeForm}
          onSaved={(view) => {
            closeForm();
            message.success(s.form.saved(view.versions[0]?.version ?? 1));
            setReloads((n) => n + 1);
            setOpenId(view.id);
          }}
        />
      )}
    </>
  );
}

/** A standard: its versions (newest first), each readable; drafting and approving them. */
function StandardDetail({
  id,
  reloads,
  mayManage,
  mayApprove,
  onClose,
  onEdit,
  onChanged,
}: {
  id: string | null;
  reloads: number;
  mayManage: boolean;
  mayApprove: boolean;
  onClose: () => void;
  onEdit: (view: StandardView) => void;
  onChanged: () => void;
}) {
  const { m } = useI18n();
  const s = m.standards;
  const t = m.versions;
  const { message } = App.useApp();
  const [loaded, setLoaded] = useState<{ id: string; view?: StandardView; error?: OperationError } | null>(null);
  const [selected, setSelected] = useState<{ id: string; version: number } | null>(null);
  const [approving, setApproving] = useState<StandardVersionView | null>(null);

  useEffect(() => {
    if (!id) return;
    let live = true;
    call("standards.get", { id })
      .then((view) => live && setLoaded({ id, view }))
      .catch((error: OperationError) => live && setLoaded({ id, error }));
    return () => {
      live = false;
    };
  }, [id, reloads]);

  const current = loaded && loaded.id === id ? loaded : null;
  const view = current?.view ?? null;
  const latest = view?.versions[0] ?? null;
  const shown =
    (view && view.versions.find((v) => v.version === (selected?.id === view.id ? selected.version : shownFirst(view)))) ??
    latest;

  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      size="min(1180px, 96vw)"
      destroyOnHidden
      data-testid="standard-detail"
      title={
        view && shown ? (
          <Space size={8} wrap>
            <span data-testid="standard-detail-title">{shown.title}</span>
            <StandardKindTag kind={view.kind} />
          </Space>
        ) : (
          s.loading
        )
      }
      extra={
        view &&
        latest &&
        mayManage &&
        (latest.status === "draft" ? (
          <Button icon={<EditOutlined />} onClick={() => onEdit(view)} data-testid="standard-edit-draft">
            {s.editDraft}
          </Button>
        ) : (
          <Button type="primary" icon={<EditOutlined />} onClick={() => onEdit(view)} data-testid="standard-revise">
            {s.revise}
          </Button>
        ))
      }
    >
      {current?.error && !view && <Result status="error" title={s.loadFailed} subTitle={current.error.message} />}
      {!current && <Skeleton active />}
      {view && shown && (
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={7}>
            <VersionList
              versions={view.versions}
              shown={shown.version}
              onShow={(v) => setSelected({ id: view.id, version: v.version })}
              mayApprove={mayApprove}
              onApprove={setApproving}
              testId="standard"
            />
          </Col>
          <Col xs={24} lg={17}>
            <Card
              size="small"
              data-testid="standard-shown"
              title={
                <Space size={8}>
                  <span>{t.version(shown.version)}</span>
                  <VersionTag version={shown} />
                  <Typography.Text type="secondary">{shown.title}</Typography.Text>
                </Space>
              }
            >
              {shown.status === "draft" && <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={s.draftHint} />}
              <Descriptions size="small" column={{ xs: 1, md: 2 }} style={{ marginBottom: 16 }}>
                <Descriptions.Item label={s.columns.categories} span={2}>
                  <StandardCategories codes={shown.categories} />
                </Descriptions.Item>
                <Descriptions.Item label={t.effectiveFrom}>
                  <span className="num">{shown.effective_from ?? "—"}</span>
                </Descriptions.Item>
                <Descriptions.Item label={s.drafted}>
                  <span data-testid="standard-drafted">{s.by(shown.drafted_by, formatDateTime(shown.drafted_at))}</span>
                </Descriptions.Item>
                <Descriptions.Item label={s.approved}>
                  <span data-testid="standard-approved">
                    {shown.approved_by && shown.approved_at ? s.by(shown.approved_by, formatDateTime(shown.approved_at)) : "—"}
                  </span>
                </Descriptions.Item>
                <Descriptions.Item label={s.changeNote} span={2}>
                  <span style={{ whiteSpace: "pre-wrap" }} data-testid="standard-change-note">
                    {shown.change_note.trim() || s.none}
                  </span>
                </Descriptions.Item>
              </Descriptions>
              <StandardText text={shown.body} testId="standard-text" />
            </Card>
          </Col>
        </Row>
      )}
      <ApproveVersionModal<StandardView>
        version={approving?.version ?? null}
        submit={(effectiveFrom) => call("standards.approve", { id: view?.id ?? "", version: approving?.version ?? 0, effective_from: effectiveFrom })}
        onCancel={() => setApproving(null)}
        onDone={(v) => {
          message.success(s.approvedMessage(approving?.version ?? 0));
          setApproving(null);
          setLoaded({ id: v.id, view: v });
          setSelected(null);
          onChanged();
        }}
        testId="standard"
      />
    </Drawer>
  );
}

/** Drafts a standard, edits its draft, or drafts its next version. */
function StandardForm({
  opening,
  open,
  onClose,
  onSaved,
}: {
  opening: Opening | null;
  open: boolean;
  onClose: () => void;
  onSaved: (view: StandardView) => void;
}) {
  const { m } = useI18n();
  const s = m.standards;
  const f = s.form;
  const rules = useRules();
  const codes = useCodes();
  const noteRequired = (opening?.version ?? 1) > 1;
  // Active categories, and any retired one the version still names (to be taken off).
  const offered = codes.active("category").map((e) => e.code);
  const categories = [...offered, ...(opening?.categories ?? []).filter((code) => !offered.includes(code))];

  const save = async (v: Values): Promise<StandardView> => {
    try {
      return await call("standards.save", {
        ...(opening?.id ? { id: opening.id } : {}),
        kind: v.kind,
        title: v.title.trim(),
        body: v.body.trim(),
        categories: v.categories ?? [],
        change_note: (v.change_note ?? "").trim(),
      });
    } catch (thrown) {
      // A category's problem (`categories[1]`) is shown on the categories field.
      const error = toOperationError(thrown);
      const fields = error.fields.map((x) => (/^categories\[\d+\]/.test(x.field) ? { ...x, field: "categories" } : x));
      throw new OperationError({ ...error.error, fields });
    }
  };

  return (
    <FormModal<Values, StandardView>
      open={open && opening !== null}
      width={880}
      title={
        !opening || opening.mode === "new"
          ? f.titleNew
          : opening.mode === "draft"
            ? f.titleDraft(opening.title, opening.version)
            : f.titleRevise(opening.title, opening.version)
      }
      fields={["kind", "title", "body", "categories", "change_note"]}
      initialValues={{
        kind: opening?.kind ?? "service_commitment",
        title: opening?.title ?? "",
        body: opening?.body ?? "",
        categories: opening?.categories ?? [],
        change_note: opening?.changeNote ?? "",
      }}
      submitTestId="standard-save"
      okText={f.save}
      intro={
        opening && (
          <Alert
            type={opening.mode === "draft" ? "warning" : "info"}
            showIcon
            style={{ marginBottom: 12 }}
            title={opening.mode === "new" ? f.hintNew : opening.mode === "draft" ? f.hintDraft(opening.version) : f.hintRevise(opening.version)}
          />
        )
      }
      submit={save}
      onCancel={onClose}
      onDone={onSaved}
    >
      <Row gutter={16}>
        <Col xs={24} md={8}>
          <Form.Item name="kind" label={f.kind} rules={[{ required: true, message: m.emergency.required }]}>
            <Select<StandardKind> data-testid="standard-kind" options={STANDARD_KINDS.map((k) => ({ value: k, label: s.kind[k] }))} />
          </Form.Item>
        </Col>
        <Col xs={24} md={16}>
          <Form.Item name="title" label={f.title} rules={[rules.required]}>
            <Input maxLength={100} showCount autoComplete="off" data-testid="standard-title-input" />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name="categories" label={f.categories} extra={f.categoriesHint}>
        <Select<string[]>
          mode="multiple"
          allowClear
          showSearch
          optionFilterProp="label"
          data-testid="standard-categories"
          options={categories.map((code) => ({ value: code, label: codes.label("category", code) }))}
        />
      </Form.Item>
      <Form.Item name="body" label={f.body} rules={[rules.required]} extra={f.bodyHint}>
        <Input.TextArea autoSize={{ minRows: 12, maxRows: 28 }} maxLength={50_000} showCount data-testid="standard-body" />
      </Form.Item>
      <Form.Item
        name="change_note"
        label={f.changeNote}
        rules={noteRequired ? [rules.required] : []}
        extra={noteRequired ? f.changeNoteRequired : f.changeNoteOptional}
      >
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} data-testid="standard-change-note-input" />
      </Form.Item>
    </FormModal>
  );
}
