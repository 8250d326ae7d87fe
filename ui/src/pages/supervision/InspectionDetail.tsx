import { PlusOutlined, ReloadOutlined } from "@ant-design/icons";
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Drawer,
  Form,
  Input,
  Modal,
  Radio,
  Result,
  Skeleton,
  Space,
  Table,
  Tag,
  Typography,
} from "antd";
import type { ColumnsType } from "antd/es/table";
import dayjs from "dayjs";
import { useCallback, useEffect, useState } from "react";

import {
  call,
  toOperationError,
  type CaseStatus,
  type InspectionView,
  type OperationError,
  type RectificationView,
  type SampledCase,
  type SampleVerdict,
} from "../../api";
import { useSubmit } from "../../api/forms";
import { AccountSelect, chinaToday, useDirectory } from "../../components/handling/common";
import { formatDateTime } from "../../format";
import { useI18n } from "../../i18n";
import { FormModal, rowProps, testIdProps, useRules } from "../emergency/shared";
import { CaseLink, CaseStatusTag, InspectionStatusTag, useCaseDrawer } from "./shared";

const VERDICTS: SampleVerdict[] = ["pending", "compliant", "issue"];
const VERDICT_COLOR: Record<SampleVerdict, string> = { pending: "default", compliant: "success", issue: "error" };

export function VerdictTag({ verdict }: { verdict: SampleVerdict }) {
  const { m } = useI18n();
  return <Tag color={VERDICT_COLOR[verdict]}>{m.supervision.inspections.detail.verdict[verdict]}</Tag>;
}

/** A sampled case's verdict and what was found (the core requires a note for 有问题). */
function VerdictModal({
  view,
  sample,
  onClose,
  onView,
}: {
  view: InspectionView;
  sample: SampledCase | null;
  onClose: () => void;
  onView: (view: InspectionView) => void;
}) {
  const { m } = useI18n();
  const d = m.supervision.inspections.detail;
  return (
    <FormModal<{ verdict: SampleVerdict; note?: string }, InspectionView>
      open={sample !== null}
      title={d.judgeTitle(sample?.case_no ?? "")}
      fields={["verdict", "note"]}
      initialValues={{ verdict: sample && sample.verdict !== "pending" ? sample.verdict : "compliant", note: sample?.note ?? "" }}
      submitTestId="verdict-submit"
      submit={(v) =>
        call("inspections.check", {
          id: view.summary.id,
          case_id: sample?.case_id ?? "",
          verdict: v.verdict,
          note: (v.note ?? "").trim(),
        })
      }
      onCancel={onClose}
      onDone={onView}
    >
      <Form.Item name="verdict" label={d.columns.verdict}>
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          data-testid="verdict-radio"
          options={VERDICTS.map((v) => ({ value: v, label: d.verdict[v] }))}
        />
      </Form.Item>
      <Form.Item name="note" label={d.note} extra={d.noteHint}>
        <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={2000} data-testid="verdict-note" />
      </Form.Item>
    </FormModal>
  );
}

/** 新增整改事项: an item, whose it is, and by when. */
function RectifyModal({
  view,
  open,
  onClose,
  onView,
}: {
  view: InspectionView;
  open: boolean;
  onClose: () => void;
  onView: (view: InspectionView) => void;
}) {
  const { m } = useI18n();
  const d = m.supervision.inspections.detail;
  const rules = useRules();
  const directory = useDirectory(open);
  return (
    <FormModal<{ item: string; owner_id?: string; due_on: string }, InspectionView>
      open={open}
      title={d.addRectification}
      fields={["item", "owner_id", "due_on"]}
      initialValues={{ due_on: dayjs(chinaToday()).add(30, "day").format("YYYY-MM-DD") }}
      submitTestId="rectify-submit"
      submit={(v) =>
        call("inspections.rectify", { id: view.summary.id, item: v.item.trim(), owner_id: v.owner_id ?? "", due_on: v.due_on.trim() })
      }
      onCancel={onClose}
      onDone={onView}
    >
      <Form.Item name="item" label={d.rect.item} rules={[rules.required]}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={1000} data-testid="rectify-item" />
      </Form.Item>
      <Form.Item name="owner_id" label={d.rect.owner} rules={[{ required: true, message: m.supervision.required }]}>
        <AccountSelect directory={directory} testId="rectify-owner" />
      </Form.Item>
      <Form.Item name="due_on" label={d.rect.dueOn} rules={[rules.required, rules.date]}>
        <Input placeholder="YYYY-MM-DD" style={{ width: 160 }} data-testid="rectify-due-on" />
      </Form.Item>
    </FormModal>
  );
}

/** 完成: a rectification item done, with what was done. */
function DoneModal({
  item,
  onClose,
  onView,
}: {
  item: RectificationView | null;
  onClose: () => void;
  onView: (view: InspectionView) => void;
}) {
  const { m } = useI18n();
  const d = m.supervision.inspections.detail;
  const rules = useRules();
  return (
    <FormModal<{ note: string; done_on?: string }, InspectionView>
      open={item !== null}
      title={d.doneTitle}
      fields={["note", "done_on"]}
      initialValues={{ done_on: chinaToday() }}
      submitTestId="rectified-submit"
      intro={item && <Typography.Paragraph style={{ whiteSpace: "pre-wrap" }}>{item.item}</Typography.Paragraph>}
      submit={(v) => {
        const doneOn = v.done_on?.trim();
        return call("inspections.rectified", {
          rectification_id: item?.id ?? "",
          note: v.note.trim(),
          ...(doneOn ? { done_on: doneOn } : {}),
        });
      }}
      onCancel={onClose}
      onDone={onView}
    >
      <Form.Item name="note" label={d.doneNote} rules={[rules.required]}>
        <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={2000} data-testid="rectified-note" />
      </Form.Item>
      <Form.Item name="done_on" label={d.doneOn} extra={d.doneOnHint} rules={[rules.date]}>
        <Input placeholder="YYYY-MM-DD" style={{ width: 160 }} data-testid="rectified-done-on" />
      </Form.Item>
    </FormModal>
  );
}

/** The findings of the inspection in words, saved on their own. */
function Findings({ view, editable, onView }: { view: InspectionView; editable: boolean; onView: (view: InspectionView) => void }) {
  const { m } = useI18n();
  const d = m.supervision.inspections.detail;
  const { message } = App.useApp();
  const [form] = Form.useForm<{ findings: string }>();
  const { busy, run } = useSubmit(form);

  const save = async (v: { findings?: string }) => {
    const saved: { view?: InspectionView } = {};
    const ok = await run(async () => {
      saved.view = await call("inspections.findings", { id: view.summary.id, findings: (v.findings ?? "").trim() });
    });
    if (ok && saved.view) {
      message.success(d.findingsSaved);
      onView(saved.view);
    }
  };

  return (
    <Card size="small" title={d.findings}>
      {editable ? (
        <Form form={form} layout="vertical" initialValues={{ findings: view.findings }} onFinish={save}>
          <Form.Item name="findings" style={{ marginBottom: 8 }}>
            <Input.TextArea
              autoSize={{ minRows: 4, maxRows: 14 }}
              maxLength={20000}
              placeholder={d.findingsPlaceholder}
              data-testid="inspection-findings"
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="inspection-findings-save">
            {d.saveFindings}
          </Button>
        </Form>
      ) : view.findings.trim() ? (
        <div style={{ whiteSpace: "pre-wrap" }} data-testid="inspection-findings-text">
          {view.findings}
        </div>
      ) : (
        <Typography.Text type="secondary">{d.noFindings}</Typography.Text>
      )}
    </Card>
  );
}

/** 结束检查: confirmed first; the core's refusal (verdicts pending, items open) shown in place. */
function CloseDialog({
  view,
  open,
  onClose,
  onClosed,
}: {
  view: InspectionView;
  open: boolean;
  onClose: () => void;
  onClosed: (v: InspectionView) => void;
}) {
  const { m } = useI18n();
  const d = m.supervision.inspections.detail;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<OperationError | null>(null);
  const { pending, rectifications_open: open_ } = view.summary;

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      onClosed(await call("inspections.close", { id: view.summary.id }));
    } catch (e) {
      setError(toOperationError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={open}
      title={d.closeTitle}
      onCancel={onClose}
      destroyOnHidden
      afterOpenChange={(visible) => !visible && setError(null)}
      footer={[
        <Button key="cancel" onClick={onClose}>
          {m.supervision.cancel}
        </Button>,
        <Button key="ok" type="primary" danger loading={busy} onClick={confirm} {...testIdProps("inspection-close-confirm")}>
          {d.close}
        </Button>,
      ]}
    >
      <Typography.Paragraph>{d.closeText}</Typography.Paragraph>
      {(pending > 0 || open_ > 0) && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title={d.closeCheck}
          description={
            <ul style={{ margin: 0, paddingInlineStart: 20 }}>
              {pending > 0 && <li>{d.pendingLeft(pending)}</li>}
              {open_ > 0 && <li>{d.openLeft(open_)}</li>}
            </ul>
          }
        />
      )}
      {error && <Alert type="error" showIcon title={error.message} data-testid="inspection-close-error" />}
    </Modal>
  );
}

/** An inspection: its scope and seed, the sampled cases and their verdicts, findings, rectification. */
export function InspectionDetail({
  id,
  mayManage,
  onClose,
  onChanged,
}: {
  id: string | null;
  mayManage: boolean;
  onClose: () => void;
  onChanged: () => void;
}) {
  const { m } = useI18n();
  const i = m.supervision.inspections;
  const d = i.detail;
  const { message } = App.useApp();
  const cases = useCaseDrawer();
  const [loaded, setLoaded] = useState<{ id: string; view?: InspectionView; error?: OperationError } | null>(null);
  const [reloads, setReloads] = useState(0);
  const [judging, setJudging] = useState<SampledCase | null>(null);
  const [adding, setAdding] = useState(false);
  const [completing, setCompleting] = useState<RectificationView | null>(null);
  const [closing, setClosing] = useState(false);

  useEffect(() => {
    if (!id) return;
    let live = true;
    call("inspections.get", { id })
      .then((view) => live && setLoaded({ id, view }))
      .catch((error: OperationError) => live && setLoaded({ id, error }));
    return () => {
      live = false;
    };
  }, [id, reloads]);

  const onView = useCallback(
    (view: InspectionView) => {
      setLoaded({ id: view.summary.id, view });
      onChanged();
    },
    [onChanged],
  );

  const current = loaded && loaded.id === id ? loaded : null;
  const view = current?.view ?? null;
  const summary = view?.summary;
  const editable = mayManage && summary?.status === "open";

  const caseColumns: ColumnsType<SampledCase> = [
    { key: "n", title: "#", width: 50, className: "num", render: (_, _r, n) => n + 1 },
    {
      key: "case_no",
      title: d.columns.caseNo,
      width: 170,
      render: (_, r) => <CaseLink id={r.case_id} caseNo={r.case_no} onOpen={cases.open} />,
    },
    { key: "received", title: d.columns.received, width: 140, className: "num", render: (_, r) => formatDateTime(r.received_at) },
    { key: "status", title: d.columns.status, width: 100, render: (_, r) => <CaseStatusTag status={r.status} /> },
    { key: "department", title: d.columns.department, width: 130, ellipsis: true, render: (_, r) => r.department ?? "—" },
    { key: "handler", title: d.columns.handler, width: 100, ellipsis: true, render: (_, r) => r.handler ?? "—" },
    {
      key: "verdict",
      title: d.columns.verdict,
      width: 90,
      render: (_, r) => (
        <span data-testid="sample-verdict">
          <VerdictTag verdict={r.verdict} />
        </span>
      ),
    },
    {
      key: "note",
      title: d.columns.note,
      render: (_, r) =>
        r.note ? (
          <Typography.Paragraph style={{ margin: 0, whiteSpace: "pre-wrap" }} ellipsis={{ rows: 2, expandable: true }}>
            {r.note}
          </Typography.Paragraph>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
    ...(editable
      ? [
          {
            key: "actions",
            title: d.columns.actions,
            width: 80,
            render: (_: unknown, r: SampledCase) => (
              <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setJudging(r)} data-testid="sample-judge">
                {d.judge}
              </Button>
            ),
          },
        ]
      : []),
  ];

  const rectColumns: ColumnsType<RectificationView> = [
    {
      key: "item",
      title: d.rect.item,
      render: (_, r) => <div style={{ whiteSpace: "pre-wrap" }}>{r.item}</div>,
    },
    { key: "owner", title: d.rect.owner, width: 110, ellipsis: true, dataIndex: "owner" },
    { key: "due_on", title: d.rect.dueOn, width: 110, className: "num", dataIndex: "due_on" },
    {
      key: "state",
      title: d.rect.state,
      width: 150,
      render: (_, r) =>
        r.done_on ? (
          <Tag color="success">{d.rectState.done(r.done_on)}</Tag>
        ) : r.overdue ? (
          <Tag color="error">{d.rectState.overdue}</Tag>
        ) : (
          <Tag color="processing">{d.rectState.open}</Tag>
        ),
    },
    {
      key: "done_note",
      title: d.rect.doneNote,
      render: (_, r) => (r.done_note ? <div style={{ whiteSpace: "pre-wrap" }}>{r.done_note}</div> : "—"),
    },
    ...(editable
      ? [
          {
            key: "actions",
            title: d.rect.actions,
            width: 80,
            render: (_: unknown, r: RectificationView) =>
              r.done_on ? null : (
                <Button type="link" size="small" style={{ padding: 0 }} onClick={() => setCompleting(r)} data-testid="rectification-done">
                  {d.done}
                </Button>
              ),
          },
        ]
      : []),
  ];

  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      size="min(1300px, 96vw)"
      destroyOnHidden
      data-testid="inspection-detail"
      title={
        summary ? (
          <Space size={8} wrap>
            <Typography.Text strong data-testid="inspection-detail-title">
              {summary.title}
            </Typography.Text>
            <InspectionStatusTag status={summary.status} testId="inspection-status" />
          </Space>
        ) : (
          d.loading
        )
      }
      extra={
        summary && (
          <Space>
            <Button icon={<ReloadOutlined />} onClick={() => setReloads((n) => n + 1)} aria-label={d.refresh} data-testid="inspection-refresh" />
            {editable && (
              <Button type="primary" danger onClick={() => setClosing(true)} data-testid="inspection-close">
                {d.close}
              </Button>
            )}
          </Space>
        )
      }
    >
      {current?.error && !view && <Result status="error" title={d.loadFailed} subTitle={current.error.message} />}
      {!current && <Skeleton active />}
      {view && summary && (
        <Space orientation="vertical" size={16} style={{ width: "100%" }}>
          <Card size="small">
            <Descriptions
              size="small"
              column={{ xs: 1, md: 2, xl: 3 }}
              items={[
                { key: "held_on", label: d.heldOn, children: <span className="num">{summary.held_on}</span> },
                { key: "inspector", label: d.inspector, children: summary.inspector },
                { key: "unit", label: d.unit, children: summary.unit ?? i.wholeCompany },
                {
                  key: "stage",
                  label: d.stage,
                  children:
                    summary.stage === null
                      ? i.allStages
                      : summary.stage in m.labels.status
                        ? m.labels.status[summary.stage as CaseStatus]
                        : summary.stage,
                },
                { key: "scope", label: d.scope, children: summary.scope.map((a) => i.aspect[a]).join("、") },
                { key: "period", label: d.period, children: <span className="num">{d.periodRange(summary.period_from, summary.period_to)}</span> },
                {
                  key: "sample",
                  label: d.sample,
                  children: (
                    <span className="num" data-testid="inspection-sample">
                      {i.sampleLong(summary.sample_size, summary.population)}
                    </span>
                  ),
                },
                {
                  key: "seed",
                  label: d.seed,
                  children: (
                    <Typography.Text code copyable={{ text: summary.seed }} title={d.seedHint} data-testid="inspection-seed-value">
                      {summary.seed}
                    </Typography.Text>
                  ),
                },
                {
                  key: "progress",
                  label: d.progress,
                  children: (
                    <span data-testid="inspection-progress">
                      {d.progressText(summary.sample_size - summary.pending, summary.sample_size, summary.issues)}
                    </span>
                  ),
                },
              ]}
            />
          </Card>
          <Card size="small" title={d.cases}>
            <Table<SampledCase>
              size="small"
              rowKey="case_id"
              data-testid="inspection-cases"
              dataSource={view.cases}
              columns={caseColumns}
              scroll={{ x: 1100 }}
              pagination={{ pageSize: 20, hideOnSinglePage: true, size: "small", showSizeChanger: false }}
              onRow={(r) => rowProps("sample-row", r.case_id)}
            />
          </Card>
          <Findings key={summary.id} view={view} editable={editable} onView={onView} />
          <Card
            size="small"
            title={d.rectifications}
            extra={
              editable && (
                <Button size="small" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="rectification-add">
                  {d.addRectification}
                </Button>
              )
            }
          >
            <Table<RectificationView>
              size="small"
              rowKey="id"
              data-testid="inspection-rectifications"
              dataSource={view.rectifications}
              columns={rectColumns}
              pagination={false}
              locale={{ emptyText: d.noRectifications }}
              onRow={(r) => rowProps("rectification-row", r.id)}
            />
          </Card>
          <VerdictModal
            view={view}
            sample={judging}
            onClose={() => setJudging(null)}
            onView={(v) => {
              setJudging(null);
              message.success(d.judged);
              onView(v);
            }}
          />
          <RectifyModal
            view={view}
            open={adding}
            onClose={() => setAdding(false)}
            onView={(v) => {
              setAdding(false);
              message.success(d.added);
              onView(v);
            }}
          />
          <DoneModal
            item={completing}
            onClose={() => setCompleting(null)}
            onView={(v) => {
              setCompleting(null);
              message.success(d.completed);
              onView(v);
            }}
          />
          <CloseDialog
            view={view}
            open={closing}
            onClose={() => setClosing(false)}
            onClosed={(v) => {
              setClosing(false);
              message.success(d.closed);
              onView(v);
            }}
          />
        </Space>
      )}
      {cases.drawer}
    </Drawer>
  );
}
