import { PlusOutlined } from "@ant-design/icons";
import { Alert, AutoComplete, Button, Card, Form, Input, Space, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useState } from "react";

import { call, type IncidentReportView, type IncidentView } from "../../api";
import { formatDateTime } from "../../format";
import { useI18n } from "../../i18n";
import { FormModal, rowProps, useRules, type SectionProps } from "./shared";

interface ReportValues {
  authority: string;
  channel: string;
  content: string;
  reported_at?: string;
}

interface ReplyValues {
  reply: string;
  replied_at?: string;
}

/** The report being made: a required one (its row), or one to another authority. */
type Making = { report: IncidentReportView | null; open: boolean };

/** 信息报告: the reports the plan requires, by when, and those made to anyone else. */
export function IncidentReports({ view, editable, onView }: SectionProps) {
  const { m } = useI18n();
  const t = m.emergency.incident.reports;
  const rules = useRules();
  const [making, setMaking] = useState<Making>({ report: null, open: false });
  const [replying, setReplying] = useState<IncidentReportView | null>(null);
  const required = view.reports.filter((r) => r.due_at !== null);

  const columns: ColumnsType<IncidentReportView> = [
    {
      key: "authority",
      title: t.columns.authority,
      width: 170,
      render: (_, r) => (
        <Space orientation="vertical" size={0}>
          <Typography.Text strong>{r.authority}</Typography.Text>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {r.due_at ? t.required : t.other}
          </Typography.Text>
        </Space>
      ),
    },
    {
      key: "due",
      title: t.columns.due,
      width: 170,
      render: (_, r) =>
        r.due_at ? (
          <Space size={4} wrap>
            <Typography.Text className="num" type={r.overdue ? "danger" : undefined} strong={r.overdue}>
              {formatDateTime(r.due_at)}
            </Typography.Text>
            {r.overdue && <Tag color="red">{r.reported_at ? t.late : t.overdue}</Tag>}
          </Space>
        ) : (
          "—"
        ),
    },
    {
      key: "made",
      title: t.columns.made,
      width: 190,
      render: (_, r) =>
        r.reported_at ? (
          <Space orientation="vertical" size={0}>
            <Space size={4}>
              <Tag color="green">{t.made}</Tag>
              <span className="num">{formatDateTime(r.reported_at)}</span>
            </Space>
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {[r.channel, r.reported_by].filter(Boolean).join(" · ")}
            </Typography.Text>
          </Space>
        ) : (
          <Tag color={r.overdue ? "red" : "orange"}>{t.notMade}</Tag>
        ),
    },
    {
      key: "content",
      title: t.columns.content,
      render: (_, r) => (
        <Typography.Paragraph style={{ margin: 0, whiteSpace: "pre-wrap" }} ellipsis={{ rows: 3, expandable: true }}>
          {r.reported_at ? r.content : r.content ? `${t.mustContain}${m.labels.colon}${r.content}` : "—"}
        </Typography.Paragraph>
      ),
    },
    {
      key: "reply",
      title: t.columns.reply,
      width: 200,
      render: (_, r) =>
        r.reply ? (
          <Space orientation="vertical" size={0}>
            <Typography.Paragraph style={{ margin: 0, whiteSpace: "pre-wrap" }} ellipsis={{ rows: 3, expandable: true }}>
              {r.reply}
            </Typography.Paragraph>
            <Typography.Text type="secondary" className="num" style={{ fontSize: 12 }}>
              {formatDateTime(r.replied_at)}
            </Typography.Text>
          </Space>
        ) : (
          <Typography.Text type="secondary">—</Typography.Text>
        ),
    },
    ...(editable
      ? [
          {
            key: "actions",
            title: t.columns.actions,
            width: 100,
            render: (_: unknown, r: IncidentReportView, index: number) =>
              r.reported_at ? (
                <Button size="small" onClick={() => setReplying(r)} data-testid={`report-reply-${index}`}>
                  {r.reply ? t.replyAgain : t.reply}
                </Button>
              ) : (
                <Button
                  size="small"
                  type="primary"
                  danger={r.overdue}
                  onClick={() => setMaking({ report: r, open: true })}
                  data-testid={`report-make-${index}`}
                >
                  {t.make}
                </Button>
              ),
          },
        ]
      : []),
  ];

  const moment = (raw: string | undefined) => (raw?.trim() ? { reported_at: raw.trim() } : {});
  const target = making.report;
  return (
    <Card
      size="small"
      title={t.title}
      data-testid="incident-reports"
      extra={
        <Space size={8}>
          {required.length > 0 && (
            <Typography.Text type={view.live.reports_overdue > 0 ? "danger" : "secondary"}>
              {t.summary(view.live.reports_made, view.reports.length, view.live.reports_overdue)}
            </Typography.Text>
          )}
          {editable && (
            <Button size="small" icon={<PlusOutlined />} onClick={() => setMaking({ report: null, open: true })} data-testid="report-new">
              {t.add}
            </Button>
          )}
        </Space>
      }
    >
      {!view.plan_id && view.reports.length === 0 && (
        <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
          {t.noPlan}
        </Typography.Paragraph>
      )}
      <Table<IncidentReportView>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={view.reports}
        columns={columns}
        locale={{ emptyText: t.none }}
        onRow={(_, index) => rowProps(`incident-report-${index ?? 0}`)}
      />
      <FormModal<ReportValues, IncidentView>
        open={making.open}
        title={target ? t.makeTitle(target.authority) : t.addTitle}
        fields={["authority", "channel", "content", "reported_at"]}
        initialValues={{ authority: target?.authority ?? "", channel: "", content: "", reported_at: "" }}
        submitTestId="report-submit"
        okText={t.submit}
        width={640}
        intro={
          target?.due_at && (
            <Alert
              type={target.overdue ? "error" : "info"}
              showIcon
              style={{ marginBottom: 12 }}
              title={t.dueBy(formatDateTime(target.due_at))}
              description={target.content ? `${t.mustContain}${m.labels.colon}${target.content}` : undefined}
            />
          )
        }
        submit={(v) =>
          call("incidents.report", {
            id: view.id,
            ...(target ? { report_id: target.id } : {}),
            authority: v.authority.trim(),
            channel: v.channel.trim(),
            content: v.content.trim(),
            ...moment(v.reported_at),
          })
        }
        onCancel={() => setMaking((x) => ({ ...x, open: false }))}
        onDone={(v) => {
          setMaking((x) => ({ ...x, open: false }));
          onView(v);
        }}
      >
        <Form.Item name="authority" label={t.authority} rules={[rules.required]}>
          <Input maxLength={60} data-testid="report-authority" />
        </Form.Item>
        <Space size="large" wrap align="start">
          <Form.Item name="channel" label={t.channel} rules={[rules.required]} style={{ width: 220 }}>
            <AutoComplete options={t.channels.map((c) => ({ value: c }))}>
              <Input maxLength={20} data-testid="report-channel" />
            </AutoComplete>
          </Form.Item>
          <Form.Item name="reported_at" label={t.reportedAt} rules={[rules.moment]} extra={t.momentHint} style={{ width: 220 }}>
            <Input placeholder="YYYY-MM-DD HH:MM" data-testid="report-at" />
          </Form.Item>
        </Space>
        <Form.Item name="content" label={t.content} rules={[rules.required]}>
          <Input.TextArea autoSize={{ minRows: 4, maxRows: 12 }} maxLength={10000} data-testid="report-content" />
        </Form.Item>
      </FormModal>
      <FormModal<ReplyValues, IncidentView>
        open={replying !== null}
        title={t.replyTitle(replying?.authority ?? "")}
        fields={["reply", "replied_at"]}
        initialValues={{ reply: replying?.reply ?? "", replied_at: "" }}
        submitTestId="reply-submit"
        submit={(v) =>
          call("incidents.reply", {
            id: view.id,
            report_id: replying?.id ?? "",
            reply: v.reply.trim(),
            ...(v.replied_at?.trim() ? { replied_at: v.replied_at.trim() } : {}),
          })
        }
        onCancel={() => setReplying(null)}
        onDone={(v) => {
          setReplying(null);
          onView(v);
        }}
      >
        <Form.Item name="reply" label={t.replyText} rules={[rules.required]}>
          <Input.TextArea autoSize={{ minRows: 4, maxRows: 12 }} maxLength={10000} data-testid="reply-text" />
        </Form.Item>
        <Form.Item name="replied_at" label={t.repliedAt} rules={[rules.moment]} extra={t.momentHint}>
          <Input placeholder="YYYY-MM-DD HH:MM" style={{ width: 220 }} data-testid="reply-at" />
        </Form.Item>
      </FormModal>
    </Card>
  );
}
