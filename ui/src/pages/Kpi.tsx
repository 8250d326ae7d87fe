import { ReloadOutlined } from "@ant-design/icons";
import { App, Button, Card, Empty, Flex, Result, Select, Space, Spin, Table, Tabs, Typography } from "antd";
import type { ColumnsType } from "antd/es/table";
import { useCallback, useEffect, useMemo, useState, type HTMLAttributes } from "react";

import { call, type KpiCode, type KpiGroupBy, type KpiLine, type KpiRating, type KpiRequest, type KpiResponse, type OperationError } from "../api";
import { chinaToday } from "../components/handling/common";
import type { LedgerFilter } from "../components/ledger/filter";
import { useI18n } from "../i18n";
import type { KpiPeriodKind } from "../i18n/zh-CN";
import { useSession } from "../session";
import { KPI_CODES, KpiHelp, KpiTiles, PeriodPicker, count, kpiNumber, periodOf, useKpiText, useRatingColors, type OpenLedger } from "./kpi/shared";
import { Targets } from "./kpi/Targets";
import { Volume } from "./kpi/Volume";

const GROUPS: KpiGroupBy[] = ["company", "branch", "department", "store", "handler"];
type Tab = "overview" | "targets" | "volume";

/** Props for a table row: antd types `onRow` without `data-*` attributes. */
const rowProps = (testId: string) => ({ "data-testid": testId }) as HTMLAttributes<HTMLElement>;

/** The class that gives a table cell its rating's background. */
const ratingClass = (rating: KpiRating | null) => (rating ? `kpi-rated-${rating}` : undefined);

/** A line of the table: its key in test ids ("total" for the total, "none" for no key). */
interface Row {
  id: string;
  line: KpiLine;
}

/** The name of a line: its unit's or handler's, or what a line without a key stands for. */
function useLineName(by: KpiGroupBy) {
  const { m } = useI18n();
  const k = m.kpi;
  return useCallback(
    (line: KpiLine) => {
      if (line.key === null) return by === "handler" ? k.unassigned : by === "branch" ? k.headquarters : k.notRecorded;
      return line.name ?? line.key;
    },
    [by, k],
  );
}

/** One row per line, one column per KPI in its rating's colour; the total pinned below. */
function LinesTable({ data, onOpen }: { data: KpiResponse; onOpen: OpenLedger }) {
  const { m } = useI18n();
  const k = m.kpi;
  const text = useKpiText();
  const colors = useRatingColors();
  const nameOf = useLineName(data.by);
  const grouped = data.by !== "company";
  const withOrders = data.by !== "handler";
  const valueOf = (line: KpiLine, kpi: KpiCode) => line.values.find((v) => v.kpi === kpi) ?? null;

  const open = (row: Row, kpi: KpiCode) => {
    const value = valueOf(row.line, kpi);
    if (!value?.cases) return;
    const origin =
      row.id === "total"
        ? k.origin.value(k.name[kpi], data.label)
        : k.origin.line(k.name[kpi], data.label, k.by[data.by], nameOf(row.line));
    onOpen(value.cases as LedgerFilter, origin);
  };

  const kpiCell = (row: Row, kpi: KpiCode) => {
    const value = valueOf(row.line, kpi);
    const testId = `kpi-cell-${row.id}-${kpi}`;
    if (!value) return <span data-testid={testId}>—</span>;
    const color = colors(value.rating).text;
    const title = [text.explain(value), text.target(value.target), value.rating ? k.rating[value.rating] : null]
      .filter(Boolean)
      .join(" · ");
    return value.cases ? (
      <Button
        type="link"
        size="small"
        className="kpi-cell"
        style={{ color }}
        title={`${title}\n${k.openHint}`}
        onClick={() => open(row, kpi)}
        data-testid={testId}
        data-rating={value.rating ?? "none"}
      >
        {kpiNumber(kpi, value.value)}
      </Button>
    ) : (
      <span className="num" style={{ color }} title={title} data-testid={testId} data-rating={value.rating ?? "none"}>
        {kpiNumber(kpi, value.value)}
      </span>
    );
  };

  const sortBy = (get: (line: KpiLine) => number | null) => (a: Row, b: Row) =>
    (get(a.line) ?? Number.NEGATIVE_INFINITY) - (get(b.line) ?? Number.NEGATIVE_INFINITY);

  const columns: ColumnsType<Row> = [
    {
      key: "name",
      title: grouped ? k.by[data.by] : k.columns.name,
      fixed: "left",
      width: 160,
      ellipsis: true,
      render: (_, row) => (
        <Typography.Text type={row.line.key === null && grouped ? "secondary" : undefined} strong={row.id === "total"} data-testid={`kpi-name-${row.id}`}>
          {row.id === "total" ? k.total : nameOf(row.line)}
        </Typography.Text>
      ),
    },
    {
      key: "received",
      title: k.columns.received,
      width: 80,
      align: "right",
      className: "num",
      sorter: sortBy((l) => l.received),
      render: (_, row) => count(row.line.received),
    },
    {
      key: "closed",
      title: k.columns.closed,
      width: 80,
      align: "right",
      className: "num",
      sorter: sortBy((l) => l.closed),
      render: (_, row) => count(row.line.closed),
    },
    ...(withOrders
      ? [
          {
            key: "orders",
            title: k.columns.orders,
            width: 100,
            align: "right" as const,
            className: "num",
            sorter: sortBy((l) => l.orders),
            render: (_: unknown, row: Row) => (row.line.orders === null ? "—" : count(row.line.orders)),
          },
        ]
      : []),
    ...KPI_CODES.map((kpi) => ({
      key: kpi,
      title: (
        <Flex align="center" gap={2} justify="flex-end">
          <span>
            {k.name[kpi]}
            <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 400 }}>
              {k.unit[kpi].trim() ? `（${k.unit[kpi].trim()}）` : ""}
            </Typography.Text>
          </span>
          <KpiHelp kpi={kpi} />
        </Flex>
      ),
      width: 130,
      align: "right" as const,
      sorter: sortBy((l) => valueOf(l, kpi)?.value ?? null),
      onCell: (row: Row) => ({ className: ratingClass(valueOf(row.line, kpi)?.rating ?? null) }),
      render: (_: unknown, row: Row) => kpiCell(row, kpi),
    })),
  ];

  const total: Row = { id: "total", line: data.total };
  const rows: Row[] = grouped ? data.lines.map((line) => ({ id: line.key ?? "none", line })) : [total];
  return (
    <Table<Row>
      size="small"
      bordered
      rowKey="id"
      data-testid="kpi-table"
      dataSource={rows}
      columns={columns}
      pagination={false}
      scroll={{ x: "max-content", y: 520 }}
      locale={{ emptyText: k.noLines }}
      onRow={(row) => rowProps(`kpi-row-${row.id}`)}
      summary={
        grouped
          ? () => (
              <Table.Summary fixed="bottom">
                <Table.Summary.Row data-testid="kpi-row-total">
                  <Table.Summary.Cell index={0}>
                    <Typography.Text strong data-testid="kpi-name-total">
                      {k.total}
                    </Typography.Text>
                  </Table.Summary.Cell>
                  {[data.total.received, data.total.closed, ...(withOrders ? [data.total.orders] : [])].map((n, i) => (
                    <Table.Summary.Cell key={i} index={i + 1} align="right" className="num">
                      {n === null ? "—" : count(n)}
                    </Table.Summary.Cell>
                  ))}
                  {KPI_CODES.map((kpi, i) => (
                    <Table.Summary.Cell
                      key={kpi}
                      index={i + (withOrders ? 4 : 3)}
                      align="right"
                      className={ratingClass(valueOf(data.total, kpi)?.rating ?? null)}
                    >
                      {kpiCell(total, kpi)}
                    </Table.Summary.Cell>
                  ))}
                </Table.Summary.Row>
              </Table.Summary>
            )
          : undefined
      }
    />
  );
}

/** The KPIs of the period: a tile per KPI for the whole scope, and a table of the lines. */
function Overview({
  data,
  error,
  loading,
  onRetry,
  onOpen,
}: {
  data: KpiResponse | null;
  error: OperationError | null;
  loading: boolean;
  onRetry: () => void;
  onOpen: OpenLedger;
}) {
  const { m } = useI18n();
  const k = m.kpi;
  if (error && !data) {
    return (
      <Result
        status="error"
        title={k.loadFailed}
        subTitle={error.message}
        data-testid="kpi-error"
        extra={<Button onClick={onRetry}>{k.retry}</Button>}
      />
    );
  }
  if (!data) return <Card loading data-testid="kpi-loading" />;
  return (
    <Spin spinning={loading}>
      <Typography.Paragraph type="secondary" className="num" data-testid="kpi-period">
        {k.period(data.label, data.period.from, data.period.to)}
      </Typography.Paragraph>
      <div data-testid="kpi-tiles">
        <KpiTiles line={data.total} period={data.label} onOpen={onOpen} span={{ xs: 24, sm: 12, lg: 8 }} />
      </div>
      <Card
        size="small"
        style={{ marginTop: 16 }}
        title={data.by === "company" ? k.total : `${k.lines}${m.labels.colon}${k.by[data.by]}`}
        extra={<Typography.Text type="secondary">{k.openHint}</Typography.Text>}
      >
        {data.by !== "company" && data.lines.length === 0 ? (
          <Empty description={k.noLines} data-testid="kpi-no-lines" />
        ) : (
          <LinesTable data={data} onOpen={onOpen} />
        )}
      </Card>
    </Spin>
  );
}

/** 考核指标: the KPIs of a month, quarter or year, their targets, and the business volume. */
export function Kpi({
  onOpenLedger,
}: {
  /** Lists the cases behind a figure in the ledger: its filter, and the figure in words. */
  onOpenLedger: OpenLedger;
}) {
  const { m } = useI18n();
  const k = m.kpi;
  const { message } = App.useApp();
  const { can } = useSession();
  const mayManage = can("kpi.manage");
  const [tab, setTab] = useState<Tab>("overview");
  const [kind, setKind] = useState<KpiPeriodKind>("quarter");
  // A China-time day of the period shown (its first day once one is picked).
  const [day, setDay] = useState(() => chinaToday());
  const [by, setBy] = useState<KpiGroupBy>("department");
  const [reloads, setReloads] = useState(0);
  const period = periodOf(kind, day);
  const request = useMemo<KpiRequest>(() => ({ period, by }), [period, by]);
  // The last answer (or failure) and the request it answers; while neither is the current
  // request's, one is on its way.
  const [reply, setReply] = useState<{ request: KpiRequest; reloads: number; data: KpiResponse } | null>(null);
  const [failure, setFailure] = useState<{ request: KpiRequest; reloads: number; error: OperationError } | null>(null);

  useEffect(() => {
    let live = true;
    call("kpi.summary", request)
      .then((data) => live && setReply({ request, reloads, data }))
      .catch((error: OperationError) => {
        if (!live) return;
        setFailure({ request, reloads, error });
        message.error(error.message);
      });
    return () => {
      live = false;
    };
  }, [request, reloads, message]);

  const reload = useCallback(() => setReloads((n) => n + 1), []);
  const current = (r: { request: KpiRequest; reloads: number } | null) => r?.request === request && r.reloads === reloads;
  const error = current(failure) ? (failure?.error ?? null) : null;
  const loading = !current(reply) && error === null;
  const data = reply?.data ?? null;

  // Periods not begun yet have nothing to show (the picker offers none).
  const periodControls = (
    <PeriodPicker
      kind={kind}
      day={day}
      onKind={setKind}
      onDay={setDay}
      testId="kpi"
      kindLabel={k.periodKindLabel}
      periodLabel={k.periodLabel}
    />
  );

  const controls =
    tab === "volume" ? null : (
      <Flex wrap gap={8} align="center">
        {periodControls}
        {tab === "overview" && (
          <>
            <Select<KpiGroupBy>
              style={{ width: 150 }}
              prefix={`${k.byLabel}${m.labels.colon}`}
              aria-label={k.byLabel}
              data-testid="kpi-by"
              value={by}
              onChange={setBy}
              options={GROUPS.map((g) => ({ value: g, label: k.by[g] }))}
            />
            <Button icon={<ReloadOutlined />} onClick={reload} data-testid="kpi-refresh">
              {k.refresh}
            </Button>
          </>
        )}
      </Flex>
    );

  return (
    <div className="page" data-testid="kpi-page">
      <Space orientation="vertical" size={0} style={{ marginBottom: 8 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {k.title}
        </Typography.Title>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {k.intro}
        </Typography.Text>
      </Space>
      <Tabs
        activeKey={tab}
        onChange={(key) => setTab(key as Tab)}
        tabBarExtraContent={controls}
        items={[
          {
            key: "overview",
            label: <span data-testid="kpi-tab-overview">{k.tabs.overview}</span>,
            children: <Overview data={data} error={error} loading={loading} onRetry={reload} onOpen={onOpenLedger} />,
          },
          {
            key: "targets",
            label: <span data-testid="kpi-tab-targets">{k.tabs.targets}</span>,
            children: <Targets period={period} mayManage={mayManage} onChanged={reload} />,
          },
          {
            key: "volume",
            label: <span data-testid="kpi-tab-volume">{k.tabs.volume}</span>,
            children: <Volume mayManage={mayManage} onChanged={reload} />,
          },
        ]}
      />
    </div>
  );
}
