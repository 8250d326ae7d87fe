import { Alert, App, Button, Card, Form, InputNumber, Space, Table, Tag, Typography } from "antd";
import { useEffect, useState, type HTMLAttributes } from "react";

import {
  call,
  toOperationError,
  type PrivacyLogRow,
  type PrivacySettings,
  type RetentionItem,
  type RetentionReport,
  type RetentionRunRow,
} from "../../api";
import { useSubmit } from "../../api/forms";
import { formatDateTime } from "../../format";
import { useI18n } from "../../i18n";

/**
 * 个人信息保护: the retention period, the retention rule run by hand, its runs (by hand and the
 * daily ones), and the log of what was done.
 */
export function Privacy() {
  const { m } = useI18n();
  const t = m.admin.privacy;
  const { message, modal } = App.useApp();
  const [form] = Form.useForm<PrivacySettings>();
  const { busy, run } = useSubmit(form);
  const [loaded, setLoaded] = useState(false);
  const [report, setReport] = useState<RetentionReport | null>(null);
  const [running, setRunning] = useState<"preview" | "run" | null>(null);
  const [log, setLog] = useState<PrivacyLogRow[] | null>(null);
  const [logReloads, setLogReloads] = useState(0);
  // The retention period saved (the daily run follows it, not what is being typed).
  const [savedMonths, setSavedMonths] = useState<number | null>(null);
  const [runs, setRuns] = useState<RetentionRunRow[] | null>(null);
  const [runsReloads, setRunsReloads] = useState(0);

  useEffect(() => {
    call("privacy.settings", {})
      .then((s) => {
        form.setFieldsValue(s);
        setSavedMonths(s.retention_months);
        setLoaded(true);
      })
      .catch((e: unknown) => message.error(toOperationError(e).message));
  }, [form, message]);

  useEffect(() => {
    let live = true;
    call("privacy.log", {})
      .then((rows) => live && setLog(rows))
      .catch((e: unknown) => {
        if (!live) return;
        setLog([]);
        message.error(toOperationError(e).message);
      });
    return () => {
      live = false;
    };
  }, [logReloads, message]);

  useEffect(() => {
    let live = true;
    call("retention.runs", {})
      .then((rows) => live && setRuns(rows))
      .catch((e: unknown) => {
        if (!live) return;
        setRuns([]);
        message.error(toOperationError(e).message);
      });
    return () => {
      live = false;
    };
  }, [runsReloads, message]);

  const save = async (values: PrivacySettings) => {
    const done = await run(async () => {
      const saved = await call("privacy.settings_set", { retention_months: values.retention_months });
      form.setFieldsValue(saved);
      setSavedMonths(saved.retention_months);
    });
    if (done) message.success(t.saved);
  };

  /** Runs the retention rule: a dry run lists who is due; otherwise they are anonymised. */
  const retention = async (dryRun: boolean) => {
    setRunning(dryRun ? "preview" : "run");
    try {
      const r = await call("retention.run", { dry_run: dryRun });
      setReport(r);
      if (!dryRun) {
        message.success(t.done(r.anonymised, r.cases));
        setLogReloads((n) => n + 1);
        setRunsReloads((n) => n + 1);
      }
    } catch (e) {
      message.error(toOperationError(e).message);
    } finally {
      setRunning(null);
    }
  };

  const confirmRun = () =>
    modal.confirm({
      title: t.runConfirmTitle,
      content: t.runConfirm,
      okText: t.runOk,
      okButtonProps: { danger: true, "data-testid": "retention-confirm-ok" } as React.ComponentProps<typeof Button>,
      onOk: () => retention(false),
    });

  const items = (testId: string, rows: RetentionItem[]) => (
    <Table<RetentionItem>
      size="small"
      rowKey="consumer_id"
      data-testid={testId}
      pagination={rows.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
      dataSource={rows}
      columns={[
        {
          key: "cases",
          title: t.caseNos,
          render: (_, r) => <span className="num">{r.case_nos.join("、")}</span>,
        },
        {
          key: "last",
          title: t.lastClosed,
          width: 200,
          render: (_, r) => formatDateTime(r.last_closed_at),
        },
      ]}
    />
  );

  return (
    <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
      <Card title={t.retention}>
        <Form<PrivacySettings> form={form} layout="vertical" onFinish={save} style={{ maxWidth: 640 }}>
          <Form.Item
            name="retention_months"
            label={t.months}
            extra={t.monthsHint}
            rules={[{ required: true, message: m.auth.required }]}
          >
            <InputNumber min={0} max={240} precision={0} suffix={t.monthsUnit} style={{ width: 200 }} data-testid="privacy-months" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={busy} disabled={!loaded} data-testid="privacy-save">
            {m.auth.save}
          </Button>
        </Form>
      </Card>

      <Card title={t.run}>
        <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
          <Typography.Text type="secondary">{t.runHint}</Typography.Text>
          <Space>
            <Button onClick={() => retention(true)} loading={running === "preview"} disabled={running !== null} data-testid="retention-preview">
              {t.preview}
            </Button>
            <Button danger onClick={confirmRun} loading={running === "run"} disabled={running !== null} data-testid="retention-run">
              {t.runNow}
            </Button>
          </Space>
          {report && (
            <Space orientation="vertical" size="small" style={{ width: "100%" }} data-testid="retention-report">
              <Alert
                showIcon
                type={report.dry_run ? "info" : "success"}
                title={
                  report.cutoff === null
                    ? t.off
                    : report.dry_run
                      ? t.cutoff(report.retention_months, formatDateTime(report.cutoff))
                      : t.done(report.anonymised, report.cases)
                }
                description={report.cutoff !== null && report.dry_run ? t.previewNote : undefined}
              />
              {report.cutoff !== null && (
                <>
                  <Typography.Text strong>{t.due(report.due.length)}</Typography.Text>
                  {items("retention-due", report.due)}
                  <Typography.Text strong>{t.held(report.held.length)}</Typography.Text>
                  {items("retention-held", report.held)}
                </>
              )}
            </Space>
          )}
        </Space>
      </Card>

      <Card
        title={t.runs}
        extra={
          <Button size="small" onClick={() => setRunsReloads((n) => n + 1)} data-testid="retention-runs-refresh">
            {t.refresh}
          </Button>
        }
      >
        <Space orientation="vertical" size="middle" style={{ width: "100%" }}>
          {savedMonths !== null && (
            <Typography.Text type="secondary" data-testid="retention-auto">
              {savedMonths > 0 ? t.autoOn(savedMonths) : t.autoOff}
            </Typography.Text>
          )}
          <Table<RetentionRunRow>
            size="small"
            rowKey="event_id"
            data-testid="retention-runs"
            loading={runs === null}
            dataSource={runs ?? []}
            locale={{ emptyText: t.noRuns }}
            pagination={{ pageSize: 10, showSizeChanger: false, hideOnSinglePage: true }}
            scroll={{ x: 900 }}
            onRow={(r) => ({ "data-testid": "retention-run-row", "data-id": r.event_id }) as HTMLAttributes<HTMLElement>}
            columns={[
              { key: "at", title: t.runColumns.at, width: 160, render: (_, r) => formatDateTime(r.at) },
              {
                key: "kind",
                title: t.runColumns.kind,
                width: 90,
                render: (_, r) => (
                  <Tag color={r.automatic ? "blue" : "default"} data-testid="retention-run-kind">
                    {r.automatic ? t.runKind.auto : t.runKind.manual}
                  </Tag>
                ),
              },
              { key: "actor", title: t.runColumns.actor, width: 110, ellipsis: true, dataIndex: "actor" },
              { key: "months", title: t.runColumns.months, width: 120, align: "right", className: "num", dataIndex: "months" },
              { key: "cutoff", title: t.runColumns.cutoff, width: 160, render: (_, r) => formatDateTime(r.cutoff) },
              {
                key: "anonymised",
                title: t.runColumns.anonymised,
                width: 120,
                align: "right",
                className: "num",
                dataIndex: "anonymised",
              },
              { key: "cases", title: t.runColumns.cases, width: 80, align: "right", className: "num", dataIndex: "cases" },
              { key: "held", title: t.runColumns.held, width: 90, align: "right", className: "num", dataIndex: "held" },
            ]}
          />
        </Space>
      </Card>

      <Card
        title={t.log}
        extra={
          <Button size="small" onClick={() => setLogReloads((n) => n + 1)} data-testid="privacy-log-refresh">
            {t.refresh}
          </Button>
        }
      >
        <Table<PrivacyLogRow>
          size="small"
          rowKey="event_id"
          data-testid="privacy-log"
          loading={log === null}
          dataSource={log ?? []}
          pagination={{ pageSize: 20, showSizeChanger: false, hideOnSinglePage: true }}
          columns={[
            { key: "at", title: t.columns.at, width: 170, render: (_, r) => formatDateTime(r.at) },
            {
              key: "action",
              title: t.columns.action,
              width: 90,
              render: (_, r) => (
                <Tag color={r.action === "anonymised" ? "red" : "blue"}>{m.labels.privacyAction[r.action] ?? r.action}</Tag>
              ),
            },
            { key: "basis", title: t.columns.basis, width: 130, render: (_, r) => m.labels.privacyBasis[r.basis] ?? r.basis },
            {
              key: "case_no",
              title: t.columns.case_no,
              width: 150,
              render: (_, r) => <span className="num">{r.case_no ?? "—"}</span>,
            },
            { key: "note", title: t.columns.note, dataIndex: "note" },
            { key: "actor", title: t.columns.actor, width: 110, dataIndex: "actor" },
          ]}
        />
      </Card>
    </Space>
  );
}
