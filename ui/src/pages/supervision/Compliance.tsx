import { ReloadOutlined } from "@ant-design/icons";
import { Button, Card, Col, Empty, Flex, Row, Select, Spin, Table, Tag, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useMemo, useState } from "react";

import type { ComplianceFinding, ComplianceGroup, ComplianceRequest, ComplianceRule, Severity } from "../../api";
import { useDirectory } from "../../components/handling/common";
import { formatDateTime, formatMoney } from "../../format";
import { useI18n } from "../../i18n";
import { rowProps, useReloaded } from "../emergency/shared";
import type { OpenLedger } from "../kpi/shared";
import { CaseLink, CaseStatusTag, RULES, useCaseDrawer, useUnitLabel, useUnits } from "./shared";

const RULE_COLOR: Record<ComplianceRule, string> = {
  compensation_without_evidence: "volcano",
  deadline_moved_uninformed: "orange",
  closed_without_feedback: "gold",
  overdue_without_reason: "red",
  major_without_team: "magenta",
  reopened_closed_without_new_plan: "purple",
};

/** Compliance findings counted by department or by handler: one row each, a column per rule. */
interface GroupRow {
  /** The key in test ids ("none" for cases without one). */
  id: string;
  key: string | null;
  name: string | null;
  byRule: Partial<Record<ComplianceRule, ComplianceGroup>>;
  total: number;
}

function rowsOf(groups: ComplianceGroup[]): GroupRow[] {
  const rows = new Map<string, GroupRow>();
  for (const g of groups) {
    const id = g.key ?? "none";
    const row = rows.get(id) ?? { id, key: g.key, name: g.name, byRule: {}, total: 0 };
    row.byRule[g.rule] = g;
    row.total += g.count;
    rows.set(id, row);
  }
  return [...rows.values()].sort((a, b) => b.total - a.total || (a.name ?? "").localeCompare(b.name ?? "", "zh-CN"));
}

/** A finding's fact in words: the amount offered, a deadline, the closing time, the severity… */
function useDetailText() {
  const { m } = useI18n();
  const d = m.supervision.compliance.detail;
  return (f: ComplianceFinding): string => {
    const raw = f.detail?.trim();
    if (!raw) return "—";
    const moment = (iso: string) => (formatDateTime(iso) === "—" ? iso : formatDateTime(iso));
    switch (f.rule) {
      case "compensation_without_evidence": {
        const fen = Number(raw);
        return d.compensation_without_evidence(Number.isFinite(fen) ? formatMoney(fen) : raw);
      }
      case "deadline_moved_uninformed":
      case "closed_without_feedback":
      case "overdue_without_reason":
        return d[f.rule](moment(raw));
      case "major_without_team":
        return d.major_without_team(raw in m.labels.severity ? m.labels.severity[raw as Severity] : raw);
      case "reopened_closed_without_new_plan":
        return d.reopened_closed_without_new_plan(raw);
    }
  };
}

/** 合规检查 (§七(一)2): the six rules over the cases in view, per department and handler. */
export function Compliance({ onOpenLedger }: { onOpenLedger: OpenLedger }) {
  const { m } = useI18n();
  const s = m.supervision;
  const c = s.compliance;
  const [department, setDepartment] = useState<string | undefined>();
  const [handler, setHandler] = useState<string | undefined>();
  const [reloads, setReloads] = useState(0);
  const units = useUnits();
  const unitLabel = useUnitLabel();
  const directory = useDirectory(true);
  const cases = useCaseDrawer();
  const detailText = useDetailText();

  const request = useMemo<ComplianceRequest>(
    () => ({ ...(department ? { department_id: department } : {}), ...(handler ? { handler_id: handler } : {}) }),
    [department, handler],
  );
  const { rows: data, loading } = useReloaded("compliance.list", request, reloads);

  /** Lists a group's cases in the ledger, with what they are in words. */
  const open = (group: ComplianceGroup, origin: string) => {
    const capped = group.count > group.case_ids.length ? c.capped(group.case_ids.length) : "";
    onOpenLedger({ case_ids: group.case_ids }, `${origin}${capped}`);
  };

  const countButton = (group: ComplianceGroup | undefined, origin: string, testId: string, big = false) => {
    const n = group?.count ?? 0;
    if (!group || n === 0) {
      return (
        <span className="num" data-testid={testId} style={big ? { fontSize: 28 } : undefined}>
          0
        </span>
      );
    }
    return (
      <Button
        type="link"
        size={big ? "large" : "small"}
        className="num"
        style={big ? { fontSize: 28, padding: 0, height: "auto" } : { padding: 0 }}
        title={c.openHint}
        onClick={() => open(group, origin)}
        data-testid={testId}
      >
        {n.toLocaleString("zh-CN")}
      </Button>
    );
  };

  const groupTable = (which: "department" | "handler", groups: ComplianceGroup[]) => {
    const none = which === "department" ? c.noDepartment : c.unassigned;
    const columns: ColumnsType<GroupRow> = [
      {
        key: "name",
        title: which === "department" ? c.department : c.handler,
        fixed: "left",
        width: 160,
        ellipsis: true,
        render: (_, row) =>
          row.key === null ? <Typography.Text type="secondary">{none}</Typography.Text> : (row.name ?? row.key),
      },
      ...RULES.map((rule) => ({
        key: rule,
        title: c.rule[rule],
        width: 120,
        align: "right" as const,
        render: (_: unknown, row: GroupRow) => {
          const name = row.key === null ? none : (row.name ?? row.key);
          const origin = which === "department" ? c.origin.department(c.rule[rule], name) : c.origin.handler(c.rule[rule], name);
          return countButton(row.byRule[rule], origin, `compliance-${which}-${row.id}-${rule}`);
        },
      })),
      { key: "total", title: c.total, width: 80, align: "right", className: "num", render: (_, row) => row.total },
    ];
    return (
      <Table<GroupRow>
        size="small"
        bordered
        rowKey="id"
        data-testid={`compliance-by-${which}`}
        dataSource={rowsOf(groups)}
        columns={columns}
        scroll={{ x: "max-content" }}
        pagination={{ pageSize: 20, hideOnSinglePage: true, size: "small" }}
        locale={{ emptyText: <Empty description={c.noFindings} /> }}
        onRow={(row) => rowProps(`compliance-${which}-row`, row.id)}
      />
    );
  };

  const findingColumns: ColumnsType<ComplianceFinding> = [
    {
      key: "rule",
      title: c.columns.rule,
      width: 200,
      filters: RULES.map((rule) => ({ text: c.rule[rule], value: rule })),
      onFilter: (value, f) => f.rule === value,
      render: (_, f) => <Tag color={RULE_COLOR[f.rule]}>{c.rule[f.rule]}</Tag>,
    },
    {
      key: "case_no",
      title: c.columns.caseNo,
      width: 170,
      render: (_, f) => <CaseLink id={f.case_id} caseNo={f.case_no} onOpen={cases.open} />,
    },
    { key: "received", title: c.columns.received, width: 140, className: "num", render: (_, f) => formatDateTime(f.received_at) },
    { key: "status", title: c.columns.status, width: 100, render: (_, f) => <CaseStatusTag status={f.status} /> },
    {
      key: "department",
      title: c.columns.department,
      width: 140,
      ellipsis: true,
      render: (_, f) => f.department ?? <Typography.Text type="secondary">{c.noDepartment}</Typography.Text>,
    },
    {
      key: "handler",
      title: c.columns.handler,
      width: 110,
      ellipsis: true,
      render: (_, f) => f.handler ?? <Typography.Text type="secondary">{c.unassigned}</Typography.Text>,
    },
    { key: "detail", title: c.columns.detail, render: (_, f) => <span data-testid="finding-detail">{detailText(f)}</span> },
  ];

  return (
    <>
      <Flex justify="space-between" align="center" wrap gap={8} style={{ marginBottom: 12 }}>
        <Flex wrap gap={8} align="center">
          <Select<string>
            allowClear
            showSearch={{ optionFilterProp: "label" }}
            style={{ width: 220 }}
            placeholder={c.allDepartments}
            aria-label={c.department}
            loading={units === null}
            data-testid="compliance-department"
            value={department}
            onChange={(v) => setDepartment(v ?? undefined)}
            options={(units ?? [])
              .filter((u) => u.kind === "department" || u.kind === "store")
              .map((u) => ({ value: u.id, label: unitLabel(u) }))}
          />
          {!directory.failed && (
            <Select<string>
              allowClear
              showSearch={{ optionFilterProp: "label" }}
              style={{ width: 200 }}
              placeholder={c.allHandlers}
              aria-label={c.handler}
              loading={directory.handlers === null}
              data-testid="compliance-handler"
              value={handler}
              onChange={(v) => setHandler(v ?? undefined)}
              options={(directory.handlers ?? []).map((h) => ({
                value: h.id,
                label: h.unit_name ? `${h.display_name} · ${h.unit_name}` : h.display_name,
              }))}
            />
          )}
          <Button icon={<ReloadOutlined />} onClick={() => setReloads((n) => n + 1)} data-testid="compliance-refresh">
            {s.refresh}
          </Button>
        </Flex>
        {data && (
          <Typography.Text type="secondary" className="num" data-testid="compliance-checked-at">
            {c.checkedAt(formatDateTime(data.checked_at))}
          </Typography.Text>
        )}
      </Flex>
      {!data ? (
        <Card loading data-testid="compliance-loading" />
      ) : (
        <Spin spinning={loading}>
          <Row gutter={[12, 12]} data-testid="compliance-rules">
            {RULES.map((rule) => {
              const group = data.rules.find((g) => g.rule === rule);
              const n = group?.count ?? 0;
              return (
                <Col key={rule} xs={24} sm={12} xl={8}>
                  <Card
                    size="small"
                    data-testid={`compliance-rule-${rule}`}
                    style={{ height: "100%", borderTop: `3px solid ${n > 0 ? "#ff4d4f" : "#52c41a"}` }}
                  >
                    <Typography.Text strong>{c.rule[rule]}</Typography.Text>
                    <div style={{ margin: "4px 0" }}>
                      {countButton(group, c.origin.rule(c.rule[rule]), `compliance-count-${rule}`, true)}
                      <Typography.Text type="secondary" style={{ marginLeft: 6 }}>
                        {c.unit}
                      </Typography.Text>
                    </div>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {c.ruleHint[rule]}
                    </Typography.Text>
                  </Card>
                </Col>
              );
            })}
          </Row>
          <Card size="small" style={{ marginTop: 16 }} title={c.byDepartment} extra={<Typography.Text type="secondary">{c.openHint}</Typography.Text>}>
            {groupTable("department", data.by_department)}
          </Card>
          <Card size="small" style={{ marginTop: 16 }} title={c.byHandler} extra={<Typography.Text type="secondary">{c.openHint}</Typography.Text>}>
            {groupTable("handler", data.by_handler)}
          </Card>
          <Card size="small" style={{ marginTop: 16 }} title={c.findings(data.findings.length)}>
            <Table<ComplianceFinding>
              size="small"
              rowKey={(f) => `${f.rule}-${f.case_id}`}
              data-testid="compliance-findings"
              dataSource={data.findings}
              columns={findingColumns}
              scroll={{ x: 1100 }}
              pagination={{ pageSize: 20, hideOnSinglePage: true, size: "small", showSizeChanger: false }}
              locale={{ emptyText: <Empty description={c.noFindings} /> }}
              onRow={(f) => rowProps("finding-row", f.case_id)}
            />
          </Card>
        </Spin>
      )}
      {cases.drawer}
    </>
  );
}
