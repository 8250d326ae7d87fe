import { PlusOutlined } from "@ant-design/icons";
import { App, Button, Empty, Flex, Segmented, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useEffect, useState } from "react";

import { call, type IncidentStatus, type IncidentSummary, type IncidentView, type OperationError } from "../../api";
import { formatDateTime } from "../../format";
import { useI18n } from "../../i18n";
import { DeclareModal } from "./DeclareModal";
import { IncidentStatusTag, KindTag, LevelTag, rowProps } from "./shared";

type StatusFilter = IncidentStatus | "all";

/** 突发事件: the incidents declared, open ones first; one declared by hand. */
export function Incidents({
  reloads,
  mayManage,
  onOpen,
  onDeclared,
}: {
  reloads: number;
  mayManage: boolean;
  onOpen: (id: string) => void;
  onDeclared: (view: IncidentView) => void;
}) {
  const { m } = useI18n();
  const e = m.emergency;
  const t = e.incidents;
  const c = t.columns;
  const { message } = App.useApp();
  const [status, setStatus] = useState<StatusFilter>("all");
  const [declaring, setDeclaring] = useState(false);
  // The last answer and what it answers (while it is not the current request's, one is on its way).
  const token = `${status}|${reloads}`;
  const [reply, setReply] = useState<{ token: string; rows: IncidentSummary[] | null } | null>(null);

  useEffect(() => {
    let live = true;
    call("incidents.list", status === "all" ? {} : { status })
      .then((rows) => live && setReply({ token, rows }))
      .catch((err: OperationError) => {
        if (!live) return;
        setReply((r) => ({ token, rows: r?.rows ?? null }));
        message.error(err.message);
      });
    return () => {
      live = false;
    };
  }, [token, status, message]);
  const rows = reply?.rows ?? null;
  const loading = reply?.token !== token;

  const columns: ColumnsType<IncidentSummary> = [
    {
      key: "no",
      title: c.no,
      width: 170,
      render: (_, r) => (
        <Button type="link" size="small" className="case-link num">
          {r.incident_no}
        </Button>
      ),
    },
    { key: "title", title: c.title, dataIndex: "title", ellipsis: true },
    { key: "kind", title: c.kind, width: 130, render: (_, r) => <KindTag kind={r.kind} /> },
    { key: "level", title: c.level, width: 80, render: (_, r) => <LevelTag level={r.level} /> },
    {
      key: "status",
      title: c.status,
      width: 150,
      render: (_, r) => (
        <>
          <IncidentStatusTag status={r.status} />
          {r.status === "open" && r.reviewed && <Tag color="cyan">{t.reviewed}</Tag>}
        </>
      ),
    },
    { key: "declared", title: c.declared, width: 140, className: "num", render: (_, r) => formatDateTime(r.declared_at) },
    { key: "cases", title: c.cases, width: 90, align: "right", className: "num", dataIndex: "cases" },
    {
      key: "new",
      title: c.new24h,
      width: 110,
      align: "right",
      className: "num",
      render: (_, r) => (
        <Typography.Text type={r.new_24h > 0 && r.status === "open" ? "danger" : undefined} strong={r.new_24h > 0}>
          {r.new_24h}
        </Typography.Text>
      ),
    },
    {
      key: "steps",
      title: c.steps,
      width: 90,
      align: "right",
      className: "num",
      render: (_, r) => (r.steps_total > 0 ? `${r.steps_done}/${r.steps_total}` : "—"),
    },
    {
      key: "overdue",
      title: c.overdueReports,
      width: 90,
      align: "right",
      className: "num",
      render: (_, r) => (r.reports_overdue > 0 ? <Tag color="red">{r.reports_overdue}</Tag> : "0"),
    },
  ];

  return (
    <>
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
        <Segmented<StatusFilter>
          value={status}
          onChange={setStatus}
          data-testid="incidents-status"
          options={[
            { value: "all", label: t.all },
            { value: "open", label: e.incidentStatus.open },
            { value: "closed", label: e.incidentStatus.closed },
          ]}
        />
        {mayManage && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setDeclaring(true)} data-testid="incident-new">
            {t.declare}
          </Button>
        )}
      </Flex>
      <Table<IncidentSummary>
        rowKey="id"
        size="middle"
        loading={loading}
        dataSource={rows ?? []}
        columns={columns}
        data-testid="incidents-table"
        scroll={{ x: 1200 }}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: <Empty description={t.empty} /> }}
        onRow={(r) => rowProps("incident-row", r.id, () => onOpen(r.id))}
      />
      <DeclareModal
        open={declaring}
        preset={null}
        onClose={() => setDeclaring(false)}
        onDeclared={(view) => {
          setDeclaring(false);
          onDeclared(view);
        }}
      />
    </>
  );
}
