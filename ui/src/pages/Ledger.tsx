import { ReloadOutlined } from "@ant-design/icons";
import { App, Button, Empty, Input, Select, Space, Table, Tag, Tooltip, Typography } from "antd";
import type { ColumnsType, SorterResult, TablePaginationConfig } from "antd/es/table/interface";
import { useCallback, useEffect, useState } from "react";

import {
  call,
  type CaseRow,
  type CaseSortField,
  type CaseStatus,
  type CasesListRequest,
  type CasesListResponse,
  type OperationError,
  type SortDirection,
} from "../api";
import { useCodes } from "../codes";
import { CaseDrawer } from "../components/CaseDrawer";
import { SearchResults } from "../components/SearchResults";
import { DemoLoader } from "../components/DemoLoader";
import { SeverityTag, StatusTag } from "../components/labels";
import { formatDateTime } from "../format";
import { useI18n } from "../i18n";

const STATUSES: CaseStatus[] = [
  "received",
  "investigating",
  "planning",
  "negotiating",
  "executing",
  "feedback",
  "closed",
  "withdrawn",
];

export const DEMO_CASES = 1000;

/** The dispute ledger (台账): every case, paged and sorted by the core. */
export function Ledger({
  onDataChanged,
  canLoadDemo,
  canHandle,
  canWork = false,
  canApprove = false,
}: {
  onDataChanged: () => void;
  canLoadDemo: boolean;
  canHandle: boolean;
  /** May acknowledge, link and merge complaints (intake or handling). */
  canWork?: boolean;
  /** May approve or refuse solution plans above the approval threshold. */
  canApprove?: boolean;
}) {
  const { m } = useI18n();
  const codes = useCodes();
  const { message } = App.useApp();
  const [query, setQuery] = useState<Required<Pick<CasesListRequest, "offset" | "limit">> & CasesListRequest>({
    offset: 0,
    limit: 50,
    sort_by: "received_at",
    sort_dir: "desc",
  });
  const [reloads, setReloads] = useState(0);
  // The last reply and the request it answers; while they differ, a request is on its way.
  const [reply, setReply] = useState<{ query: CasesListRequest; reloads: number; data: CasesListResponse } | null>(
    null,
  );
  const [openCase, setOpenCase] = useState<string | null>(null);
  // What was searched for (the ledger shows search results while it is not empty).
  const [searched, setSearched] = useState("");

  useEffect(() => {
    let live = true;
    call("cases.list", query)
      .then((data) => live && setReply({ query, reloads, data }))
      .catch((e: OperationError) => live && message.error(e.message));
    return () => {
      live = false;
    };
  }, [query, reloads, message]);

  const load = useCallback(() => setReloads((n) => n + 1), []);
  const data = reply?.data ?? null;
  const loading = reply === null || reply.query !== query || reply.reloads !== reloads;

  const c = m.ledger.columns;
  const sortOrder = (field: CaseSortField) =>
    query.sort_by === field ? (query.sort_dir === "asc" ? "ascend" : "descend") : null;
  const columns: ColumnsType<CaseRow> = [
    {
      key: "case_no",
      title: c.case_no,
      dataIndex: "case_no",
      width: 170,
      fixed: "left",
      sorter: true,
      sortOrder: sortOrder("case_no"),
      className: "num",
      // A button, so that a case opens from the keyboard (Tab, Enter) as well as by mouse.
      render: (caseNo: string, row) => (
        <Button
          type="link"
          size="small"
          className="case-link"
          aria-label={m.caseDetail.openCase(caseNo)}
          onClick={(e) => {
            e.stopPropagation();
            setOpenCase(row.id);
          }}
        >
          {caseNo}
        </Button>
      ),
    },
    { key: "received_at", title: c.received_at, dataIndex: "received_at", width: 150, sorter: true, sortOrder: sortOrder("received_at"), render: formatDateTime, className: "num" },
    { key: "channel", title: c.channel, dataIndex: "channel", width: 120, render: (v: string) => codes.label("channel", v) },
    { key: "consumer", title: c.consumer, dataIndex: "consumer_name", width: 100 },
    { key: "product_name", title: c.product, dataIndex: "product_name", width: 130, sorter: true, sortOrder: sortOrder("product_name") },
    { key: "category", title: c.category, dataIndex: "category", width: 150, render: (v: string) => codes.label("category", v) },
    { key: "severity", title: c.severity, dataIndex: "severity", width: 100, sorter: true, sortOrder: sortOrder("severity"), render: (v: CaseRow["severity"]) => <SeverityTag severity={v} /> },
    { key: "department", title: c.department, dataIndex: "department", width: 110 },
    { key: "store", title: c.store, dataIndex: "store", width: 130 },
    { key: "status", title: c.status, dataIndex: "status", width: 110, sorter: true, sortOrder: sortOrder("status"), render: (v: CaseStatus) => <StatusTag status={v} /> },
    { key: "handler", title: c.handler, dataIndex: "handler", width: 100 },
    {
      key: "due_at",
      title: c.due_at,
      dataIndex: "due_at",
      width: 190,
      sorter: true,
      sortOrder: sortOrder("due_at"),
      className: "num",
      render: (v: string | null, row) => (
        <Space size={4}>
          {formatDateTime(v)}
          {row.overdue && <Tag color="red">{m.ledger.overdueTag}</Tag>}
          {row.at_risk && <Tag color="orange">{m.ledger.atRiskTag}</Tag>}
          {row.paused_reason && (
            <Tooltip title={row.paused_reason}>
              <Tag color="blue">{m.ledger.pausedTag}</Tag>
            </Tooltip>
          )}
        </Space>
      ),
    },
    { key: "satisfaction", title: c.satisfaction, dataIndex: "satisfaction", width: 100, render: (v: CaseRow["satisfaction"]) => (v ? m.labels.satisfaction[v] : "—") },
    { key: "result", title: c.result, dataIndex: "result", width: 320, ellipsis: true },
  ];

  const onChange = (
    pagination: TablePaginationConfig,
    _filters: unknown,
    sorter: SorterResult<CaseRow> | SorterResult<CaseRow>[],
  ) => {
    const s = Array.isArray(sorter) ? sorter[0] : sorter;
    const pageSize = pagination.pageSize ?? query.limit;
    const current = pagination.current ?? 1;
    const sortBy = s?.order ? (s.columnKey as CaseSortField) : "received_at";
    const sortDir: SortDirection = s?.order === "ascend" ? "asc" : "desc";
    setQuery((q) => ({ ...q, limit: pageSize, offset: (current - 1) * pageSize, sort_by: sortBy, sort_dir: sortDir }));
  };

  const isEmpty = data !== null && data.total === 0 && !query.status;

  return (
    <div className="page">
      <Space style={{ marginBottom: 12, width: "100%", justifyContent: "space-between" }}>
        <Space>
          <Typography.Title level={5} style={{ margin: 0 }}>
            {m.ledger.title}
          </Typography.Title>
          {data && (
            <Typography.Text type="secondary" data-testid="ledger-total">
              {m.ledger.total(data.total)}
            </Typography.Text>
          )}
        </Space>
        <Space>
          <Input.Search
            allowClear
            style={{ width: 420 }}
            placeholder={m.ledger.search.placeholder}
            aria-label={m.ledger.search.placeholder}
            data-testid="ledger-search"
            onSearch={(v) => setSearched(v.trim())}
            onChange={(e) => {
              if (e.target.value === "") setSearched("");
            }}
          />
          <Select<CaseStatus | "">
            style={{ width: 150 }}
            aria-label={m.ledger.statusFilter}
            data-testid="status-filter"
            value={query.status ?? ""}
            onChange={(v) => setQuery((q) => ({ ...q, offset: 0, status: v === "" ? undefined : v }))}
            options={[{ value: "", label: m.ledger.allStatuses }, ...STATUSES.map((s) => ({ value: s, label: m.labels.status[s] }))]}
          />
          <Button icon={<ReloadOutlined />} onClick={load}>
            {m.ledger.refresh}
          </Button>
        </Space>
      </Space>
      {searched !== "" ? (
        <SearchResults query={searched} onOpen={setOpenCase} />
      ) : isEmpty ? (
        <Empty
          style={{ marginTop: 80 }}
          data-testid="ledger-empty"
          description={
            <Space direction="vertical">
              <Typography.Text strong>{m.ledger.emptyTitle}</Typography.Text>
              <Typography.Text type="secondary">{m.ledger.emptyHint}</Typography.Text>
            </Space>
          }
        >
          {canLoadDemo && (
            <DemoLoader
              cases={DEMO_CASES}
              onDone={() => {
                load();
                onDataChanged();
              }}
            />
          )}
        </Empty>
      ) : (
        <Table<CaseRow>
          data-testid="ledger-table"
          rowKey="id"
          size="small"
          bordered
          loading={loading}
          columns={columns}
          dataSource={data?.items ?? []}
          onChange={onChange}
          rowClassName={() => "ledger-row"}
          onRow={(row) => ({ onClick: () => setOpenCase(row.id) })}
          scroll={{ x: 2000, y: "calc(100vh - 250px)" }}
          pagination={{
            current: Math.floor(query.offset / query.limit) + 1,
            pageSize: query.limit,
            total: data?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: [20, 50, 100, 200],
            showTotal: (n) => m.ledger.total(n),
          }}
        />
      )}
      <CaseDrawer caseId={openCase} onClose={() => setOpenCase(null)} canHandle={canHandle}
        canWork={canWork}
        canApprove={canApprove}
        onChanged={load}
        onOpenCase={setOpenCase}
      />
    </div>
  );
}
