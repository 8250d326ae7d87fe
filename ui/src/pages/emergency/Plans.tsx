import { PlusOutlined } from "@ant-design/icons";
import { Button, Empty, Flex, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";

import type { ContingencySummary } from "../../api";
import { useI18n } from "../../i18n";
import { KindTag, rowProps, useReloaded } from "./shared";

/** 应急预案: the plans, the version in force of each, drafts pending, drills held. */
export function Plans({
  reloads,
  mayManage,
  onOpen,
  onNew,
}: {
  reloads: number;
  mayManage: boolean;
  onOpen: (id: string) => void;
  onNew: () => void;
}) {
  const { m } = useI18n();
  const p = m.emergency.plans;
  const c = p.columns;
  const { rows, loading } = useReloaded("contingency.list", {}, reloads);

  const columns: ColumnsType<ContingencySummary> = [
    {
      key: "title",
      title: c.title,
      ellipsis: true,
      render: (_, r) => (
        <Button type="link" size="small" style={{ padding: 0 }}>
          {r.title}
        </Button>
      ),
    },
    { key: "kind", title: c.kind, width: 140, render: (_, r) => <KindTag kind={r.kind} /> },
    {
      key: "in_force",
      title: c.inForce,
      width: 200,
      render: (_, r) =>
        r.in_force !== null ? (
          <span>
            <Tag color="green">{p.version(r.in_force)}</Tag>
            <Typography.Text type="secondary" className="num" style={{ fontSize: 12 }}>
              {p.effectiveOn(r.effective_from ?? "")}
            </Typography.Text>
          </span>
        ) : (
          <Tag color="orange">{p.noneInForce}</Tag>
        ),
    },
    {
      key: "latest",
      title: c.latest,
      width: 160,
      render: (_, r) => (
        <span>
          <span className="num">{p.version(r.latest_version)}</span>{" "}
          {r.latest_status === "draft" ? <Tag>{p.status.draft}</Tag> : <Tag color="blue">{p.status.approved}</Tag>}
        </span>
      ),
    },
    { key: "drills", title: c.drills, width: 90, align: "right", className: "num", dataIndex: "drills" },
    { key: "last_drill", title: c.lastDrill, width: 120, className: "num", render: (_, r) => r.last_drill ?? "—" },
  ];

  return (
    <>
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
        <Typography.Text type="secondary">{p.intro}</Typography.Text>
        {mayManage && (
          <Button type="primary" icon={<PlusOutlined />} onClick={onNew} data-testid="plan-new">
            {p.new}
          </Button>
        )}
      </Flex>
      <Table<ContingencySummary>
        rowKey="id"
        size="middle"
        loading={loading}
        dataSource={rows ?? []}
        columns={columns}
        data-testid="plans-table"
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: <Empty description={p.empty} /> }}
        onRow={(r) => rowProps("plan-row", r.id, () => onOpen(r.id))}
      />
    </>
  );
}
