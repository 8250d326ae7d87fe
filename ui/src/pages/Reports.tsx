import { FilePdfOutlined, ReloadOutlined } from "@ant-design/icons";
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Drawer,
  Empty,
  Form,
  Input,
  Modal,
  Popconfirm,
  Row,
  Space,
  Table,
  Tag,
  Typography,
} from "antd";
import type { ColumnsType } from "antd/es/table";
import dayjs from "dayjs";
import { useCallback, useEffect, useRef, useState, type HTMLAttributes } from "react";

import { call, documentFiles, type GeneratedPdf, type OperationError, type ReportStatus, type ReportView } from "../api";
import { useSubmit } from "../api/forms";
import { chinaToday } from "../components/handling/common";
import { PdfPanel } from "../components/PdfPreview";
import { formatDate, formatDateTime } from "../format";
import { useI18n } from "../i18n";
import type { KpiPeriodKind } from "../i18n/zh-CN";
import { useSession } from "../session";
import { PeriodPicker, periodOf, periodStart } from "./kpi/shared";

/** Width of a page in the editor's preview, CSS pixels. */
const PREVIEW_WIDTH = 600;

/** What the author writes. */
type Text = Pick<ReportView, "title" | "conclusions" | "proposals">;

/** A period (`2026-10`, `2026-Q3`, `2026`) in words: `2026年10月`, `2026年第三季度`, `2026年度`. */
function usePeriodName() {
  const { m } = useI18n();
  const n = m.reports.periodName;
  return useCallback(
    (label: string) => {
      const year = label.slice(0, 4);
      const quarter = /^\d{4}-Q([1-4])$/.exec(label);
      if (quarter) return n.quarter(year, Number(quarter[1]));
      const month = /^\d{4}-(\d{2})$/.exec(label);
      if (month) return n.month(year, Number(month[1]));
      return /^\d{4}$/.test(label) ? n.year(year) : label;
    },
    [n],
  );
}

function StatusTag({ status, testId }: { status: ReportStatus; testId?: string }) {
  const { m } = useI18n();
  return (
    <Tag color={status === "issued" ? "green" : "default"} data-testid={testId}>
      {m.reports.status[status]}
    </Tag>
  );
}

/** Choosing the month, quarter or year of a new report: the one just ended, at first. */
function NewReport({ open, onClose, onDrafted }: { open: boolean; onClose: () => void; onDrafted: (v: ReportView) => void }) {
  const { m } = useI18n();
  const r = m.reports;
  const { message } = App.useApp();
  const periodName = usePeriodName();
  const [kind, setKind] = useState<KpiPeriodKind>("quarter");
  // A China-time day of the period chosen: the last day of the quarter before, at first.
  const [day, setDay] = useState(() => dayjs(periodStart("quarter", chinaToday())).subtract(1, "day").format("YYYY-MM-DD"));
  const [busy, setBusy] = useState(false);
  const period = periodOf(kind, day);

  const create = async () => {
    setBusy(true);
    try {
      onDrafted(await call("reports.draft", { period }));
    } catch (e) {
      message.error((e as OperationError).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={r.newTitle}
      onCancel={onClose}
      onOk={create}
      okText={r.create}
      confirmLoading={busy}
      okButtonProps={{ "data-testid": "reports-create" } as React.ComponentProps<typeof Button>}
      destroyOnHidden
    >
      <Space orientation="vertical" style={{ width: "100%" }}>
        <Typography.Text type="secondary">{r.newHint}</Typography.Text>
        <PeriodPicker
          kind={kind}
          day={day}
          onKind={setKind}
          onDay={setDay}
          testId="reports"
          kindLabel={r.periodKindLabel}
          periodLabel={r.periodLabel}
        />
        <Typography.Text strong data-testid="reports-new-period">
          {periodName(period)}
        </Typography.Text>
      </Space>
    </Modal>
  );
}

/** What a report is made of, for the author. */
function Contents() {
  const { m } = useI18n();
  const r = m.reports;
  return (
    <Alert
      type="info"
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="report-contents"
      title={r.contentsTitle}
      description={
        <ul style={{ margin: 0, paddingInlineStart: 20 }}>
          {r.contents.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      }
    />
  );
}

/**
 * A report (mounted afresh for each one opened): a draft to write (title, conclusions, proposals and measures), save, preview and
 * issue; an issued one to read, with the PDF kept when it was issued. Either can be saved as PDF.
 */
function ReportDrawer({
  view,
  writer,
  onClose,
  onChanged,
}: {
  view: ReportView | null;
  writer: boolean;
  onClose: () => void;
  onChanged: (v: ReportView) => void;
}) {
  const { m, lang } = useI18n();
  const r = m.reports;
  const f = r.fields;
  const d = m.documents;
  const { message } = App.useApp();
  const periodName = usePeriodName();
  const [form] = Form.useForm<Text>();
  const { busy, run } = useSubmit(form);
  const [savingPdf, setSavingPdf] = useState(false);
  // The PDF shown once refreshed (or saved) — for the report and status it was made of; until
  // then, the report's PDF. A new key loads it afresh.
  const [refreshed, setRefreshed] = useState<{ of: string; n: number; load: () => Promise<GeneratedPdf> } | null>(null);

  if (!view) return <Drawer open={false} />;
  const draft = view.status === "draft";
  const editable = draft && writer;

  const of = `${view.id}-${view.status}`;
  const preview =
    refreshed?.of === of
      ? { key: `${of}-${refreshed.n}`, load: refreshed.load }
      : { key: of, load: () => call("reports.pdf", { id: view.id }) };
  const showPdf = (load: () => Promise<GeneratedPdf>) => setRefreshed((r) => ({ of, n: (r?.n ?? 0) + 1, load }));

  const save = async (): Promise<ReportView | null> => {
    let saved: ReportView | null = null;
    const text = form.getFieldsValue(true) as Text;
    const ok = await run(async () => {
      saved = await call("reports.save", {
        id: view.id,
        title: text.title ?? "",
        conclusions: text.conclusions ?? "",
        proposals: text.proposals ?? "",
      });
    });
    if (ok && saved) onChanged(saved);
    return ok ? saved : null;
  };
  const refresh = async () => {
    if (await save()) showPdf(() => call("reports.pdf", { id: view.id }));
  };
  const issue = async () => {
    if (!(await save())) return;
    let issued: ReportView | null = null;
    const ok = await run(async () => {
      issued = await call("reports.issue", { id: view.id });
    });
    if (ok && issued) {
      message.success(r.issuedAs((issued as ReportView).doc_no ?? ""));
      onChanged(issued);
    }
  };
  const savePdf = async () => {
    if (editable && !(await save())) return;
    setSavingPdf(true);
    try {
      const pdf = await call("reports.pdf", { id: view.id });
      // What is saved is what shows.
      if (draft) showPdf(() => Promise.resolve(pdf));
      const path = await documentFiles.save(pdf, d.saveTitle);
      if (path) message.success(d.saved(path));
    } catch (e) {
      message.error((e as OperationError).message);
    } finally {
      setSavingPdf(false);
    }
  };

  const area = (testId: string) => <Input.TextArea autoSize={{ minRows: 8, maxRows: 24 }} maxLength={20_000} data-testid={testId} />;

  return (
    <Drawer
      open
      onClose={onClose}
      size="min(1360px, 96vw)"
      title={
        <Space size={8} wrap>
          <span>{draft && writer ? r.editor : r.viewer}</span>
          <Typography.Text type="secondary">{periodName(view.period)}</Typography.Text>
          <StatusTag status={view.status} testId="report-status" />
          {view.doc_no && (
            <Typography.Text className="num" data-testid="report-doc-no">
              {view.doc_no}
            </Typography.Text>
          )}
        </Space>
      }
      data-testid="report-drawer"
      extra={
        <Space>
          {editable && (
            <>
              <Button
                onClick={async () => {
                  if (await save()) message.success(r.saved);
                }}
                loading={busy}
                data-testid="report-save"
              >
                {r.save}
              </Button>
              <Popconfirm
                title={r.issueConfirm}
                styles={{ root: { maxWidth: 420 } }}
                onConfirm={issue}
                okButtonProps={{ "data-testid": "report-issue-confirm" } as never}
              >
                <Button type="primary" loading={busy} data-testid="report-issue">
                  {r.issue}
                </Button>
              </Popconfirm>
            </>
          )}
          <Button icon={<FilePdfOutlined />} onClick={savePdf} loading={savingPdf} data-testid="report-save-pdf">
            {r.savePdf}
          </Button>
        </Space>
      }
    >
      <Row gutter={[24, 16]}>
        <Col xs={24} xl={10}>
          {draft ? (
            <Contents />
          ) : (
            <>
              <Alert type="success" showIcon title={r.readOnly} style={{ marginBottom: 16 }} />
              <Descriptions
                size="small"
                column={1}
                bordered
                style={{ marginBottom: 16 }}
                items={[
                  { key: "doc_no", label: r.docNo, children: view.doc_no ?? "—" },
                  { key: "issued_on", label: r.issuedOnLabel, children: formatDate(view.issued_on, lang) },
                  { key: "issued_by", label: r.issuedBy, children: view.issued_by ?? "—" },
                  { key: "author", label: r.columns.author, children: view.author },
                ]}
              />
            </>
          )}
          <Form<Text>
            form={form}
            layout="vertical"
            disabled={!editable}
            initialValues={{ title: view.title, conclusions: view.conclusions, proposals: view.proposals }}
          >
            <Form.Item name="title" label={f.title}>
              <Input maxLength={60} data-testid="report-title" />
            </Form.Item>
            <Form.Item name="conclusions" label={f.conclusions} extra={draft ? r.conclusionsHint : undefined}>
              {area("report-conclusions")}
            </Form.Item>
            <Form.Item name="proposals" label={f.proposals} extra={draft ? r.proposalsHint : undefined}>
              {area("report-proposals")}
            </Form.Item>
          </Form>
        </Col>
        <Col xs={24} xl={14}>
          <Card
            size="small"
            title={r.preview}
            data-testid="report-preview"
            extra={
              editable && (
                <Button size="small" icon={<ReloadOutlined />} onClick={refresh} loading={busy} data-testid="report-refresh">
                  {r.refresh}
                </Button>
              )
            }
          >
            {editable && (
              <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>
                {r.previewHint}
              </Typography.Paragraph>
            )}
            <PdfPanel key={preview.key} load={preview.load} width={PREVIEW_WIDTH} />
          </Card>
        </Col>
      </Row>
    </Drawer>
  );
}

/** Props for a table row: antd types `onRow` without `data-*` attributes. */
const rowProps = (testId: string, onClick: () => void) =>
  ({ "data-testid": testId, onClick, style: { cursor: "pointer" } }) as HTMLAttributes<HTMLElement>;

/** 分析报告 (§五(三)1): the statistical analysis reports of months, quarters and years. */
export function Reports() {
  const { m, lang } = useI18n();
  const r = m.reports;
  const { can } = useSession();
  const { message } = App.useApp();
  const writer = can("bulletin.issue");
  const periodName = usePeriodName();
  const [items, setItems] = useState<ReportView[]>([]);
  const [loading, setLoading] = useState(true);
  const [creating, setCreating] = useState(false);
  const [opened, setOpened] = useState<ReportView | null>(null);

  // Only the latest request's answer is shown.
  const latest = useRef(0);
  const load = useCallback(() => {
    const mine = ++latest.current;
    call("reports.list", {})
      .then((found) => {
        if (latest.current === mine) setItems(found);
      })
      .catch((e: OperationError) => message.error(e.message))
      .finally(() => {
        if (latest.current === mine) setLoading(false);
      });
  }, [message]);
  useEffect(load, [load]);

  const open = async (id: string) => {
    try {
      setOpened(await call("reports.get", { id }));
    } catch (e) {
      message.error((e as OperationError).message);
    }
  };

  const columns: ColumnsType<ReportView> = [
    {
      key: "period",
      title: r.columns.period,
      width: 170,
      render: (_, v) => (
        <Space orientation="vertical" size={0}>
          <span>{periodName(v.period)}</span>
          <Typography.Text type="secondary" className="num" style={{ fontSize: 12 }}>
            {v.period}
          </Typography.Text>
        </Space>
      ),
    },
    {
      key: "title",
      title: r.columns.title,
      ellipsis: true,
      // No handler of its own: the click reaches the row (from the keyboard as well).
      render: (_, v) => (
        <Button type="link" size="small" style={{ padding: 0 }}>
          {v.title}
        </Button>
      ),
    },
    {
      key: "status",
      title: r.columns.status,
      width: 260,
      render: (_, v) => (
        <Space size={4} wrap>
          <StatusTag status={v.status} testId={`report-row-status-${v.id}`} />
          {v.doc_no && <Typography.Text className="num">{v.doc_no}</Typography.Text>}
          {v.issued_on && <Typography.Text type="secondary">{r.issuedOn(formatDate(v.issued_on, lang))}</Typography.Text>}
        </Space>
      ),
    },
    { key: "author", title: r.columns.author, dataIndex: "author", width: 110 },
    { key: "updated", title: r.columns.updated, width: 150, className: "num", render: (_, v) => formatDateTime(v.updated_at) },
  ];

  return (
    <div className="page" data-testid="reports-page">
      <Card
        title={
          <Space orientation="vertical" size={0} style={{ padding: "8px 0" }}>
            <span>{r.title}</span>
            <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 400, whiteSpace: "normal" }}>
              {r.intro}
            </Typography.Text>
          </Space>
        }
        extra={
          writer && (
            <Button type="primary" onClick={() => setCreating(true)} data-testid="reports-new">
              {r.new}
            </Button>
          )
        }
      >
        <Table<ReportView>
          rowKey="id"
          size="middle"
          loading={loading}
          dataSource={items}
          columns={columns}
          data-testid="reports-table"
          locale={{ emptyText: <Empty description={r.empty} /> }}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          onRow={(v) => rowProps(`report-row-${v.id}`, () => open(v.id))}
        />
      </Card>
      <NewReport
        open={creating}
        onClose={() => setCreating(false)}
        onDrafted={(v) => {
          setCreating(false);
          setOpened(v);
          load();
        }}
      />
      <ReportDrawer
        // Each report opens afresh: its text in the form, its PDF in the preview.
        key={opened?.id ?? ""}
        view={opened}
        writer={writer}
        onClose={() => setOpened(null)}
        onChanged={(v) => {
          setOpened(v);
          load();
        }}
      />
    </div>
  );
}
