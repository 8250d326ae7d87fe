import { FilterOutlined, ReloadOutlined } from "@ant-design/icons";
import { Alert, App, Badge, Button, Empty, Flex, Input, Select, Space, Table, Tag, Tooltip, Typography } from "antd";
import type { ColumnType, SorterResult, TablePaginationConfig } from "antd/es/table/interface";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";

import {
  call,
  type CaseRow,
  type CaseSortField,
  type CaseStatus,
  type CasesListRequest,
  type CasesListResponse,
  type LedgerColumn,
  type OperationError,
  type SortDirection,
} from "../api";
import { useCodes } from "../codes";
import { CaseDrawer } from "../components/CaseDrawer";
import { SearchResults } from "../components/SearchResults";
import { DemoLoader } from "../components/DemoLoader";
import { SeverityTag, StatusTag } from "../components/labels";
import { ColumnChooser } from "../components/ledger/ColumnChooser";
import { ExportButton } from "../components/ledger/ExportButton";
import { FilterBar, STATUSES } from "../components/ledger/FilterBar";
import {
  activeFilters,
  cleanFilter,
  COLUMNS_KEY,
  columnsFromJson,
  DEFAULT_COLUMNS,
  narrowedByStats,
  SORT_FIELD,
  STATS_ONLY,
  visibleColumns,
  withoutFilters,
  type ColumnPrefs,
  type LedgerFilter,
} from "../components/ledger/filter";
import { SavedFilters } from "../components/ledger/SavedFilters";
import { formatDateTime } from "../format";
import { useI18n } from "../i18n";

export const DEMO_CASES = 1000;
/** Page sizes offered; the core returns at most 500 rows a page. */
const PAGE_SIZES = [20, 50, 100, 200, 500];
/** Pages longer than this render only the rows in view (antd's virtual table). */
const VIRTUAL_FROM = 100;

interface View {
  offset: number;
  limit: number;
  sort_by: CaseSortField;
  sort_dir: SortDirection;
}

/** The table's height: what the window leaves below the element (header and filters) above it. */
function useScrollY(above: React.RefObject<HTMLDivElement | null>): number {
  const [y, setY] = useState(520);
  useEffect(() => {
    const el = above.current;
    if (!el) return;
    // Leaves room for the table's header, the pager and the page's margin.
    const measure = () => setY(Math.max(240, Math.floor(window.innerHeight - el.getBoundingClientRect().bottom - 126)));
    const frame = window.requestAnimationFrame(measure);
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    window.addEventListener("resize", measure);
    return () => {
      window.cancelAnimationFrame(frame);
      observer.disconnect();
      window.removeEventListener("resize", measure);
    };
  }, [above]);
  return y;
}

/** The dispute ledger (台账): every case, filtered, paged and sorted by the core. */
export function Ledger({
  onDataChanged,
  canLoadDemo,
  canHandle,
  canWork = false,
  canApprove = false,
  initialFilter,
  origin,
}: {
  onDataChanged: () => void;
  canLoadDemo: boolean;
  canHandle: boolean;
  /** May acknowledge, link and merge complaints (intake or handling). */
  canWork?: boolean;
  /** May approve or refuse solution plans above the approval threshold. */
  canApprove?: boolean;
  /** The filter to open with (e.g. the cases of one import batch). */
  initialFilter?: LedgerFilter;
  /** The statistic `initialFilter` lists the cases of, in words (e.g. 纠纷类别“产品质量”，…). */
  origin?: string;
}) {
  const { m } = useI18n();
  const codes = useCodes();
  const { message } = App.useApp();
  const [filter, setFilter] = useState<LedgerFilter>(() => cleanFilter(initialFilter ?? {}));
  const [view, setView] = useState<View>({ offset: 0, limit: 50, sort_by: "received_at", sort_dir: "desc" });
  const query = useMemo<CasesListRequest>(() => ({ ...view, ...cleanFilter(filter) }), [view, filter]);
  const [reloads, setReloads] = useState(0);
  // The last reply and the request it answers; while they differ, a request is on its way.
  const [reply, setReply] = useState<{ query: CasesListRequest; reloads: number; data: CasesListResponse } | null>(
    null,
  );
  const [openCase, setOpenCase] = useState<string | null>(null);
  // What was searched for (the ledger shows search results while it is not empty).
  const [searched, setSearched] = useState("");
  const [showFilters, setShowFilters] = useState(true);
  const [prefs, setPrefs] = useState<ColumnPrefs>(DEFAULT_COLUMNS);
  // Set once the person changes the columns: preferences arriving later do not undo it.
  const changedColumns = useRef(false);
  const above = useRef<HTMLDivElement>(null);
  const scrollY = useScrollY(above);

  useEffect(() => {
    let live = true;
    call("cases.list", query)
      .then((data) => live && setReply({ query, reloads, data }))
      .catch((e: OperationError) => live && message.error(e.message));
    return () => {
      live = false;
    };
  }, [query, reloads, message]);

  useEffect(() => {
    let live = true;
    call("preferences.get", { key: COLUMNS_KEY })
      .then((v) => {
        if (live && v !== null && !changedColumns.current) setPrefs(columnsFromJson(v));
      })
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);

  const changeColumns = (next: ColumnPrefs) => {
    changedColumns.current = true;
    setPrefs(next);
    call("preferences.save", { key: COLUMNS_KEY, value: { order: next.order, hidden: next.hidden } }).catch(
      (e: OperationError) => message.error(e.message),
    );
  };

  const load = useCallback(() => setReloads((n) => n + 1), []);
  const patchFilter = useCallback((patch: Partial<LedgerFilter>) => {
    setFilter((f) => ({ ...f, ...patch }));
    setView((v) => ({ ...v, offset: 0 }));
  }, []);
  const replaceFilter = useCallback((next: LedgerFilter) => {
    setFilter(cleanFilter(next));
    setView((v) => ({ ...v, offset: 0 }));
  }, []);
  // Leaves the statistic: drops what it narrowed by (what the person added since stays).
  const clearStats = () => replaceFilter(withoutFilters(filter, [...STATS_ONLY, ...(origin ? Object.keys(initialFilter ?? {}) : [])]));

  const data = reply?.data ?? null;
  const loading = reply === null || reply.query !== query || reply.reloads !== reloads;

  const c = m.ledger.columns;
  const sortable = (col: LedgerColumn): Pick<ColumnType<CaseRow>, "sorter" | "sortOrder"> => {
    const field = SORT_FIELD[col];
    if (!field) return {};
    return {
      sorter: true,
      sortOrder: view.sort_by === field ? (view.sort_dir === "asc" ? "ascend" : "descend") : null,
    };
  };
  const definitions: Record<LedgerColumn, ColumnType<CaseRow>> = {
    case_no: {
      dataIndex: "case_no",
      width: 170,
      fixed: "left",
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
    received_at: { dataIndex: "received_at", width: 150, render: formatDateTime, className: "num" },
    channel: { dataIndex: "channel", width: 120, render: (v: string) => codes.label("channel", v) },
    consumer: { dataIndex: "consumer_name", width: 100 },
    product: { dataIndex: "product_name", width: 130 },
    category: { dataIndex: "category", width: 150, render: (v: string) => codes.label("category", v) },
    severity: { dataIndex: "severity", width: 100, render: (v: CaseRow["severity"]) => <SeverityTag severity={v} /> },
    department: { dataIndex: "department", width: 110 },
    store: { dataIndex: "store", width: 130 },
    status: { dataIndex: "status", width: 110, render: (v: CaseStatus) => <StatusTag status={v} /> },
    handler: { dataIndex: "handler", width: 100 },
    due_at: {
      dataIndex: "due_at",
      width: 170,
      className: "num",
      render: (v: string | null, row) => (
        <Space size={4}>
          {formatDateTime(v)}
          {row.at_risk && <Tag color="orange">{m.ledger.atRiskTag}</Tag>}
          {row.paused_reason && (
            <Tooltip title={row.paused_reason}>
              <Tag color="blue">{m.ledger.pausedTag}</Tag>
            </Tooltip>
          )}
        </Space>
      ),
    },
    overdue: {
      dataIndex: "overdue",
      width: 90,
      render: (v: boolean) => (v ? <Tag color="red">{m.ledger.overdueTag}</Tag> : null),
    },
    satisfaction: {
      dataIndex: "satisfaction",
      width: 100,
      render: (v: CaseRow["satisfaction"]) => (v ? m.labels.satisfaction[v] : "—"),
    },
    result: { dataIndex: "result", width: 320, ellipsis: true },
  };
  const shown = visibleColumns(prefs);
  const columns = shown.map((col) => ({ key: col, title: c[col], ...definitions[col], ...sortable(col) }));
  const width = columns.reduce((sum, col) => sum + (typeof col.width === "number" ? col.width : 120), 0);

  const onChange = (
    pagination: TablePaginationConfig,
    _filters: unknown,
    sorter: SorterResult<CaseRow> | SorterResult<CaseRow>[],
  ) => {
    const s = Array.isArray(sorter) ? sorter[0] : sorter;
    const pageSize = pagination.pageSize ?? view.limit;
    const current = pagination.current ?? 1;
    const field = s?.order ? SORT_FIELD[s.columnKey as LedgerColumn] : undefined;
    const sortDir: SortDirection = s?.order === "ascend" ? "asc" : "desc";
    // A new page size starts again from the first page.
    const offset = pageSize === view.limit ? (current - 1) * pageSize : 0;
    setView({ limit: pageSize, offset, sort_by: field ?? "received_at", sort_dir: sortDir });
  };

  const filtered = activeFilters(filter);
  const isEmpty = data !== null && data.total === 0 && filtered === 0;

  return (
    <div className="page">
      <div ref={above}>
        <Flex wrap gap={8} justify="space-between" align="center" style={{ marginBottom: 12 }}>
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
          <Flex wrap gap={8}>
            <Input.Search
              allowClear
              style={{ width: 360 }}
              placeholder={m.ledger.search.placeholder}
              aria-label={m.ledger.search.placeholder}
              data-testid="ledger-search"
              onSearch={(v) => setSearched(v.trim())}
              onChange={(e) => {
                if (e.target.value === "") setSearched("");
              }}
            />
            <Select<CaseStatus | "">
              style={{ width: 130 }}
              aria-label={m.ledger.statusFilter}
              data-testid="status-filter"
              value={filter.status ?? ""}
              onChange={(v) => patchFilter({ status: v === "" ? undefined : v })}
              options={[{ value: "", label: m.ledger.allStatuses }, ...STATUSES.map((s) => ({ value: s, label: m.labels.status[s] }))]}
            />
            <Badge count={filtered} size="small">
              <Button
                icon={<FilterOutlined />}
                type={showFilters ? "primary" : "default"}
                ghost={showFilters}
                onClick={() => setShowFilters((v) => !v)}
                aria-pressed={showFilters}
                data-testid="ledger-filters-toggle"
              >
                {m.ledger.filters.toggle}
              </Button>
            </Badge>
            <SavedFilters filter={filter} onApply={replaceFilter} />
            <ColumnChooser prefs={prefs} onChange={changeColumns} />
            <ExportButton
              filter={{ ...cleanFilter(filter), sort_by: view.sort_by, sort_dir: view.sort_dir }}
              columns={shown}
            />
            <Button icon={<ReloadOutlined />} onClick={load}>
              {m.ledger.refresh}
            </Button>
          </Flex>
        </Flex>
        {searched === "" && narrowedByStats(filter) && (
          <Alert
            type="info"
            showIcon
            style={{ marginBottom: 12 }}
            data-testid="ledger-stats-origin"
            title={
              (origin ? m.ledger.filters.fromStats(origin) : m.ledger.filters.statsExact) +
              (filter.exclude_merged ? m.ledger.filters.mergedExcluded : "")
            }
            closable={{ onClose: clearStats, "aria-label": m.ledger.filters.clearStats }}
          />
        )}
        {showFilters && searched === "" && (
          <FilterBar filter={filter} onPatch={patchFilter} onClear={() => replaceFilter({})} />
        )}
      </div>
      {searched !== "" ? (
        <SearchResults query={searched} onOpen={setOpenCase} />
      ) : isEmpty ? (
        <Empty
          style={{ marginTop: 80 }}
          data-testid="ledger-empty"
          description={
            <Space orientation="vertical">
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
          virtual={view.limit > VIRTUAL_FROM}
          loading={loading}
          columns={columns}
          dataSource={data?.items ?? []}
          onChange={onChange}
          rowClassName={() => "ledger-row"}
          onRow={(row) => ({ onClick: () => setOpenCase(row.id) })}
          scroll={{ x: width, y: scrollY }}
          locale={filtered > 0 ? { emptyText: <Empty description={m.ledger.filters.noMatch} data-testid="ledger-no-match" /> } : undefined}
          pagination={{
            current: Math.floor(view.offset / view.limit) + 1,
            pageSize: view.limit,
            total: data?.total ?? 0,
            showSizeChanger: true,
            pageSizeOptions: PAGE_SIZES,
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
