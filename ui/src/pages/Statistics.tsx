import { ArrowDownOutlined, ArrowUpOutlined, ReloadOutlined } from "@ant-design/icons";
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Empty,
  Flex,
  Radio,
  Result,
  Row,
  Select,
  Skeleton,
  Space,
  Spin,
  Statistic,
  Table,
  Tabs,
  Typography,
} from "antd";
import type { ColumnsType } from "antd/es/table";
import dayjs from "dayjs";
import { useCallback, useEffect, useMemo, useState } from "react";

import {
  call,
  type Breakdown,
  type BreakdownItem,
  type CrossLine,
  type CrossTab,
  type Hotspot,
  type HotspotsResponse,
  type OperationError,
  type Period,
  type StatsDimension,
  type StatsRequest,
  type StatsResponse,
  type TrendUnit,
} from "../api";
import { Chart, type ChartDatum, type ChartKind } from "../components/charts/Chart";
import { chinaToday } from "../components/handling/common";
import type { LedgerFilter } from "../components/ledger/filter";
import { useI18n } from "../i18n";
import type { KpiPeriodKind } from "../i18n/zh-CN";
import { useCan } from "../session";
import {
  HotspotHistory,
  HotspotRiskButton,
  TOP_PRODUCTS,
  expectedText,
  hotspotId,
  pValueText,
  useHotspotText,
  useLineName,
  wholePeriod,
} from "./stats/shared";

/** Every dimension, in the order the core lists them. */
export const DIMENSIONS: StatsDimension[] = [
  "category",
  "channel",
  "department",
  "store",
  "product",
  "severity",
  "root_cause",
  "status",
];
const UNITS: TrendUnit[] = ["month", "quarter", "year"];
/** Dimensions of few values, drawn as pies (the others as bars: their names are long). */
const PIES: ReadonlySet<StatsDimension> = new Set(["channel", "severity"]);

export type QuickPeriod = "thisMonth" | "lastMonth" | "thisQuarter" | "lastQuarter" | "thisYear" | "lastYear";
const QUICK: QuickPeriod[] = ["thisMonth", "lastMonth", "thisQuarter", "lastQuarter", "thisYear", "lastYear"];
/** The kind of period each quick choice is. */
const QUICK_KIND: Record<QuickPeriod, KpiPeriodKind> = {
  thisMonth: "month",
  lastMonth: "month",
  thisQuarter: "quarter",
  lastQuarter: "quarter",
  thisYear: "year",
  lastYear: "year",
};

/**
 * The days of a quick choice, `today` being a China-time day. The current month, quarter or
 * year runs to today (so that it compares with as many days before), the last ones are whole.
 */
export function quickPeriod(choice: QuickPeriod, today: string): Period {
  const day = dayjs(today);
  const fmt = (d: dayjs.Dayjs) => d.format("YYYY-MM-DD");
  const quarterStart = (d: dayjs.Dayjs) => d.startOf("month").month(d.month() - (d.month() % 3));
  switch (choice) {
    case "thisMonth":
      return { from: fmt(day.startOf("month")), to: today };
    case "lastMonth": {
      const first = day.startOf("month").subtract(1, "month");
      return { from: fmt(first), to: fmt(first.endOf("month")) };
    }
    case "thisQuarter":
      return { from: fmt(quarterStart(day)), to: today };
    case "lastQuarter": {
      const first = quarterStart(day).subtract(3, "month");
      return { from: fmt(first), to: fmt(first.add(2, "month").endOf("month")) };
    }
    case "thisYear":
      return { from: fmt(day.startOf("year")), to: today };
    case "lastYear": {
      const first = day.startOf("year").subtract(1, "year");
      return { from: fmt(first), to: fmt(first.endOf("year")) };
    }
  }
}

const count = (n: number) => n.toLocaleString("zh-CN");
const percent = (n: number) => `${n.toLocaleString("en-US", { maximumFractionDigits: 1 })}%`;

/** A change in per cent: an arrow and the signed figure, "—" without a base to compare with. */
function Change({ value, testId }: { value: number | null; testId: string }) {
  const { m } = useI18n();
  if (value === null) {
    return (
      <Typography.Text type="secondary" data-testid={testId} title={m.stats.noBase}>
        —
      </Typography.Text>
    );
  }
  // More disputes is the bad direction: red up, green down.
  const color = value > 0 ? "#cf1322" : value < 0 ? "#389e0d" : undefined;
  const sign = value > 0 ? "+" : value < 0 ? "-" : "";
  return (
    <span className="num" style={{ color, whiteSpace: "nowrap" }} data-testid={testId} data-value={value}>
      {value > 0 && <ArrowUpOutlined aria-label={m.stats.up} />}
      {value < 0 && <ArrowDownOutlined aria-label={m.stats.down} />} {sign}
      {percent(Math.abs(value))}
    </span>
  );
}

/** A count that lists its cases in the ledger. */
function CountLink({
  value,
  onOpen,
  testId,
  style,
}: {
  value: number;
  onOpen: () => void;
  testId: string;
  style?: React.CSSProperties;
}) {
  const { m } = useI18n();
  return (
    <Button
      type="link"
      size="small"
      className="stats-count"
      title={m.stats.openHint}
      onClick={onOpen}
      data-testid={testId}
      style={style}
    >
      {count(value)}
    </Button>
  );
}

type OpenLedger = (filter: LedgerFilter, origin: string) => void;

/** The total in the period, and against the period before and a year earlier. */
function Tiles({ data, onOpen }: { data: StatsResponse; onOpen: OpenLedger }) {
  const { m } = useI18n();
  const s = m.stats;
  const { total, period, previous, last_year } = data;
  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} md={8}>
        <Card data-testid="stats-total">
          <Statistic
            title={s.total}
            value={total.count}
            formatter={() => (
              <CountLink
                value={total.count}
                testId="stats-total-count"
                style={{ fontSize: "inherit" }}
                onOpen={() => onOpen(data.cases as LedgerFilter, s.origin.within(s.origin.all, period.from, period.to))}
              />
            )}
          />
          <Typography.Text type="secondary" className="num" data-testid="stats-period">
            {s.period(period.from, period.to)}
          </Typography.Text>
        </Card>
      </Col>
      {(
        [
          ["mom", s.mom, total.change_previous, total.previous, s.previousPeriod(previous.from, previous.to)],
          ["yoy", s.yoy, total.change_last_year, total.last_year, s.lastYearPeriod(last_year.from, last_year.to)],
        ] as const
      ).map(([key, title, change, base, compared]) => (
        <Col xs={24} md={8} key={key}>
          <Card data-testid={`stats-${key}`}>
            <Statistic title={title} value={change ?? 0} formatter={() => <Change value={change} testId={`stats-${key}-change`} />} />
            <Typography.Text type="secondary" className="num" data-testid={`stats-${key}-base`}>
              {compared}
              {m.labels.colon}
              {s.cases(base)}
            </Typography.Text>
          </Card>
        </Col>
      ))}
    </Row>
  );
}

/** One breakdown: a chart and the table of its lines, every count opening its cases. */
function BreakdownPane({ breakdown, total, data, onOpen }: { breakdown: Breakdown; total: number; data: StatsResponse; onOpen: OpenLedger }) {
  const { m } = useI18n();
  const s = m.stats;
  const c = s.columns;
  const nameOf = useLineName();
  const { dimension, items } = breakdown;
  const dimensionName = s.dimension[dimension];
  const open = (item: BreakdownItem) => {
    if (!item.cases) return;
    const what = s.origin.line(dimensionName, nameOf(dimension, item));
    onOpen(item.cases as LedgerFilter, s.origin.within(what, data.period.from, data.period.to));
  };
  const points: ChartDatum[] = items.map((item) => ({
    name: nameOf(dimension, item),
    value: item.figure.count,
    inert: !item.cases,
  }));
  const kind: ChartKind = PIES.has(dimension) ? "pie" : "hbar";
  const testId = (what: string, i: number) => `stats-${what}-${dimension}-${i}`;

  const columns: ColumnsType<BreakdownItem & { index: number }> = [
    {
      key: "name",
      title: c.name,
      ellipsis: true,
      render: (_, item) => (
        <Typography.Text type={item.others || item.key === null ? "secondary" : undefined} data-testid={testId("name", item.index)}>
          {nameOf(dimension, item)}
        </Typography.Text>
      ),
    },
    {
      key: "count",
      title: c.count,
      width: 90,
      align: "right",
      render: (_, item) =>
        item.cases ? (
          <CountLink value={item.figure.count} onOpen={() => open(item)} testId={testId("count", item.index)} />
        ) : (
          <span className="num" data-testid={testId("count", item.index)}>
            {count(item.figure.count)}
          </span>
        ),
    },
    { key: "share", title: c.share, width: 80, align: "right", className: "num", render: (_, item) => percent(item.share) },
    { key: "previous", title: c.previous, width: 80, align: "right", className: "num", render: (_, item) => count(item.figure.previous) },
    {
      key: "mom",
      title: c.mom,
      width: 100,
      align: "right",
      render: (_, item) => <Change value={item.figure.change_previous} testId={testId("mom", item.index)} />,
    },
    { key: "last_year", title: c.lastYear, width: 90, align: "right", className: "num", render: (_, item) => count(item.figure.last_year) },
    {
      key: "yoy",
      title: c.yoy,
      width: 100,
      align: "right",
      render: (_, item) => <Change value={item.figure.change_last_year} testId={testId("yoy", item.index)} />,
    },
  ];

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} xl={10}>
        <Chart
          kind={kind}
          data={points}
          title={dimensionName}
          seriesName={c.count}
          height={kind === "pie" ? 300 : Math.min(640, Math.max(200, points.length * 28 + 24))}
          onPick={(i) => {
            const item = items[i];
            if (item) open(item);
          }}
          testId={`stats-chart-${dimension}`}
        />
      </Col>
      <Col xs={24} xl={14}>
        <Table<BreakdownItem & { index: number }>
          size="small"
          bordered
          rowKey="index"
          data-testid={`stats-table-${dimension}`}
          dataSource={items.map((item, index) => ({ ...item, index }))}
          columns={columns}
          pagination={false}
          scroll={{ y: 420 }}
          onRow={(item) => ({ "data-testid": `stats-row-${dimension}-${item.index}` }) as React.HTMLAttributes<HTMLElement>}
          summary={() => (
            <Table.Summary fixed="bottom">
              <Table.Summary.Row>
                <Table.Summary.Cell index={0}>
                  <Typography.Text strong>{s.sum}</Typography.Text>
                </Table.Summary.Cell>
                <Table.Summary.Cell index={1} align="right">
                  <Typography.Text strong className="num">
                    {count(total)}
                  </Typography.Text>
                </Table.Summary.Cell>
                <Table.Summary.Cell index={2} colSpan={5} />
              </Table.Summary.Row>
            </Table.Summary>
          )}
        />
      </Col>
    </Row>
  );
}

interface CrossRow {
  index: number;
  line: CrossLine;
  cells: number[];
  total: number;
}

/** Rows by one dimension, columns by another: every count opens the cases of both values. */
function CrossTable({ cross, data, onOpen }: { cross: CrossTab; data: StatsResponse; onOpen: OpenLedger }) {
  const { m } = useI18n();
  const s = m.stats;
  const nameOf = useLineName();
  const base = data.cases as LedgerFilter;
  const { rows_by, columns_by } = cross;
  const within = (what: string) => s.origin.within(what, data.period.from, data.period.to);
  const lineWhat = (dimension: StatsDimension, line: CrossLine) => s.origin.line(s.dimension[dimension], nameOf(dimension, line));
  const openCell = (row: CrossLine, column: CrossLine) =>
    onOpen(
      // The core gives each line the filter of its cases; a cell's are both lines' at once.
      { ...(row.cases as LedgerFilter), ...(column.cases as LedgerFilter) },
      within(`${lineWhat(rows_by, row)} ${s.crossBy} ${lineWhat(columns_by, column)}`),
    );
  const grand = cross.row_totals.reduce((a, b) => a + b, 0);
  const cell = (n: number, testId: string, openIt: () => void) =>
    n > 0 ? (
      <CountLink value={n} onOpen={openIt} testId={testId} />
    ) : (
      <Typography.Text type="secondary" className="num" data-testid={testId}>
        0
      </Typography.Text>
    );

  const columns: ColumnsType<CrossRow> = [
    {
      key: "row",
      title: `${s.dimension[rows_by]} ${s.crossBy} ${s.dimension[columns_by]}`,
      fixed: "left",
      width: 180,
      ellipsis: true,
      render: (_, row) => <span data-testid={`stats-cross-row-${row.index}`}>{nameOf(rows_by, row.line)}</span>,
    },
    ...cross.columns.map((column, c) => ({
      key: `c${c}`,
      title: <span data-testid={`stats-cross-column-${c}`}>{nameOf(columns_by, column)}</span>,
      width: 110,
      align: "right" as const,
      render: (_: unknown, row: CrossRow) => cell(row.cells[c] ?? 0, `stats-cross-${row.index}-${c}`, () => openCell(row.line, column)),
    })),
    {
      key: "total",
      title: s.sum,
      fixed: "right",
      width: 90,
      align: "right",
      render: (_, row) =>
        cell(row.total, `stats-cross-${row.index}-total`, () =>
          onOpen(row.line.cases as LedgerFilter, within(lineWhat(rows_by, row.line))),
        ),
    },
  ];

  return (
    <Table<CrossRow>
      size="small"
      bordered
      rowKey="index"
      data-testid="stats-cross"
      dataSource={cross.rows.map((line, index) => ({
        index,
        line,
        cells: cross.cells[index] ?? [],
        total: cross.row_totals[index] ?? 0,
      }))}
      columns={columns}
      pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
      scroll={{ x: "max-content" }}
      summary={() => (
        <Table.Summary>
          <Table.Summary.Row>
            <Table.Summary.Cell index={0}>
              <Typography.Text strong>{s.sum}</Typography.Text>
            </Table.Summary.Cell>
            {cross.columns.map((column, c) => (
              <Table.Summary.Cell index={c + 1} key={c} align="right">
                {cell(cross.column_totals[c] ?? 0, `stats-cross-total-${c}`, () =>
                  onOpen(column.cases as LedgerFilter, within(lineWhat(columns_by, column))),
                )}
              </Table.Summary.Cell>
            ))}
            <Table.Summary.Cell index={cross.columns.length + 1} align="right">
              {cell(grand, "stats-cross-total", () => onOpen(base, within(s.origin.all)))}
            </Table.Summary.Cell>
          </Table.Summary.Row>
        </Table.Summary>
      )}
    />
  );
}

/**
 * 热点: the values whose disputes rose significantly in a month, quarter or year against their
 * own history, each with its evidence; a row lists its cases. `period` is null for any other
 * range (hotspots are computed for calendar periods only).
 */
function Hotspots({ period, reloads, onOpen }: { period: string | null; reloads: number; onOpen: OpenLedger }) {
  const { m } = useI18n();
  const s = m.stats;
  const h = s.hotspots;
  const text = useHotspotText();
  // Who may record risk points (as on the supervision page) may record one from a hotspot.
  const mayRecordRisk = useCan("supervision.manage");
  // The answer (or failure) and the period it is for; while neither is the current one's, one
  // is on its way. A failure stays in this card: the rest of the page does not depend on it.
  const [reply, setReply] = useState<{ period: string; reloads: number; data: HotspotsResponse } | null>(null);
  const [failure, setFailure] = useState<{ period: string; reloads: number; error: OperationError } | null>(null);

  useEffect(() => {
    if (!period) return;
    let live = true;
    call("stats.hotspots", { period })
      .then((data) => live && setReply({ period, reloads, data }))
      .catch((error: OperationError) => live && setFailure({ period, reloads, error }));
    return () => {
      live = false;
    };
  }, [period, reloads]);

  const current = (r: { period: string; reloads: number } | null) => r !== null && r.period === period && r.reloads === reloads;
  const data = current(reply) ? (reply?.data ?? null) : null;
  const error = current(failure) ? (failure?.error ?? null) : null;

  let body: React.ReactNode;
  if (!period) {
    body = (
      <Typography.Text type="secondary" data-testid="hotspots-unavailable">
        {h.calendarOnly}
      </Typography.Text>
    );
  } else if (error) {
    body = <Alert type="warning" showIcon message={h.loadFailed} description={error.message} data-testid="hotspots-error" />;
  } else if (!data) {
    body = <Skeleton active paragraph={{ rows: 2 }} title={false} data-testid="hotspots-loading" />;
  } else {
    const { method, label } = data;
    const open = (item: Hotspot) => onOpen(item.cases as LedgerFilter, text.origin(item, label));
    const columns: ColumnsType<Hotspot> = [
      { key: "dimension", title: h.columns.dimension, width: 110, render: (_, item) => s.dimension[item.dimension] },
      {
        key: "name",
        title: h.columns.name,
        ellipsis: true,
        // No handler of its own: the click reaches the row (from the keyboard as well).
        render: (_, item) => (
          <Button type="link" size="small" style={{ padding: 0 }} title={s.openHint} data-testid={`hotspot-name-${hotspotId(item)}`}>
            {text.name(item)}
          </Button>
        ),
      },
      { key: "observed", title: h.columns.observed, width: 80, align: "right", className: "num", render: (_, item) => count(item.observed) },
      {
        key: "expected",
        title: h.columns.expected,
        width: 80,
        align: "right",
        className: "num",
        render: (_, item) => expectedText(item.expected),
      },
      {
        key: "ratio",
        title: h.columns.ratio,
        width: 80,
        align: "right",
        className: "num",
        render: (_, item) => <span data-testid={`hotspot-ratio-${hotspotId(item)}`}>{`${expectedText(item.ratio)}×`}</span>,
      },
      {
        key: "p",
        title: h.columns.p,
        width: 110,
        align: "right",
        className: "num",
        render: (_, item) => (
          <span title={h.threshold(pValueText(item.threshold))} data-testid={`hotspot-p-${hotspotId(item)}`}>
            {pValueText(item.p_value)}
          </span>
        ),
      },
      {
        key: "history",
        title: h.columns.history,
        width: 130,
        render: (_, item) => <HotspotHistory hotspot={item} label={label} testId={`hotspot-history-${hotspotId(item)}`} />,
      },
      ...(mayRecordRisk
        ? [
            {
              key: "actions",
              title: h.columns.actions,
              width: 140,
              render: (_, item) => <HotspotRiskButton hotspot={item} period={label} />,
            } satisfies ColumnsType<Hotspot>[number],
          ]
        : []),
    ];
    body = (
      <>
        {data.history.length < method.min_history ? (
          <Typography.Text type="secondary" data-testid="hotspots-no-history">
            {h.noHistory(method.min_history, data.history.length)}
          </Typography.Text>
        ) : data.items.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={h.empty} data-testid="hotspots-empty" />
        ) : (
          <Table<Hotspot>
            size="small"
            rowKey={hotspotId}
            dataSource={data.items}
            columns={columns}
            pagination={false}
            data-testid="hotspots-table"
            onRow={(item) =>
              ({
                "data-testid": `hotspot-row-${hotspotId(item)}`,
                onClick: () => open(item),
                style: { cursor: "pointer" },
              }) as React.HTMLAttributes<HTMLElement>
            }
          />
        )}
        {data.history.length >= method.min_history && (
          <Typography.Paragraph type="secondary" style={{ margin: "8px 0 0", fontSize: 12 }} data-testid="hotspots-method">
            {h.method(data.history.length, method.alpha, method.min_count, method.min_ratio)}
          </Typography.Paragraph>
        )}
      </>
    );
  }

  return (
    <Card
      size="small"
      style={{ marginTop: 16 }}
      title={period ? h.titleOf(period) : h.title}
      extra={<Typography.Text type="secondary">{h.hint}</Typography.Text>}
      data-testid="stats-hotspots"
    >
      {body}
    </Card>
  );
}

/** 统计分析: the disputes received in a period, by every dimension, with their trend. */
export function Statistics({
  onOpenLedger,
}: {
  /** Lists the cases behind a figure in the ledger: its filter, and the figure in words. */
  onOpenLedger: OpenLedger;
}) {
  const { m } = useI18n();
  const s = m.stats;
  const { message } = App.useApp();
  const [quick, setQuick] = useState<QuickPeriod | null>("thisYear");
  const [range, setRange] = useState<Period>(() => quickPeriod("thisYear", chinaToday()));
  const [by, setBy] = useState<TrendUnit>("month");
  const [cross, setCross] = useState<[StatsDimension, StatsDimension]>(["category", "department"]);
  const [reloads, setReloads] = useState(0);
  const request = useMemo<StatsRequest>(
    () => ({ from: range.from, to: range.to, by, cross, top_products: TOP_PRODUCTS }),
    [range, by, cross],
  );
  // The last answer (or failure) and the request it answers; while neither is the current
  // request's, one is on its way.
  const [reply, setReply] = useState<{ request: StatsRequest; reloads: number; data: StatsResponse } | null>(null);
  const [failure, setFailure] = useState<{ request: StatsRequest; reloads: number; error: OperationError } | null>(
    null,
  );

  useEffect(() => {
    let live = true;
    call("stats.summary", request)
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
  const current = (r: { request: StatsRequest; reloads: number } | null) => r?.request === request && r.reloads === reloads;
  const error = current(failure) ? (failure?.error ?? null) : null;
  const loading = !current(reply) && error === null;
  const data = reply?.data ?? null;

  // Hotspots are for a month, quarter or year (the current one so far).
  const hotspotPeriod = useMemo(() => wholePeriod(range, chinaToday(), quick ? QUICK_KIND[quick] : undefined), [range, quick]);

  const choose = (choice: QuickPeriod) => {
    setQuick(choice);
    setRange(quickPeriod(choice, chinaToday()));
  };

  const header = (
    <Flex wrap gap={8} justify="space-between" align="center" style={{ marginBottom: 12 }}>
      <Space orientation="vertical" size={0}>
        <Typography.Title level={5} style={{ margin: 0 }}>
          {s.title}
        </Typography.Title>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>
          {s.intro}
        </Typography.Text>
      </Space>
      <Flex wrap gap={8} align="center">
        <Radio.Group
          optionType="button"
          buttonStyle="solid"
          aria-label={s.quickLabel}
          data-testid="stats-quick"
          value={quick}
          onChange={(e) => choose(e.target.value as QuickPeriod)}
          options={QUICK.map((q) => ({ value: q, label: s.quick[q] }))}
        />
        <DatePicker.RangePicker
          allowClear={false}
          style={{ width: 250 }}
          format="YYYY-MM-DD"
          placeholder={[s.rangeFrom, s.rangeTo]}
          aria-label={s.range}
          data-testid="stats-range"
          value={[dayjs(range.from), dayjs(range.to)]}
          onChange={(_, days) => {
            if (days?.[0] && days[1]) {
              setQuick(null);
              setRange({ from: days[0], to: days[1] });
            }
          }}
        />
        <Button icon={<ReloadOutlined />} onClick={reload} data-testid="stats-refresh">
          {s.refresh}
        </Button>
      </Flex>
    </Flex>
  );

  let body: React.ReactNode;
  if (error && !data) {
    body = (
      <Result
        status="error"
        title={s.loadFailed}
        subTitle={error.message}
        data-testid="stats-error"
        extra={<Button onClick={reload}>{s.retry}</Button>}
      />
    );
  } else if (!data) {
    body = <Card loading data-testid="stats-loading" />;
  } else {
    const breakdowns = data.breakdowns.filter((b) => b.items.length > 0);
    body = (
      <Spin spinning={loading}>
        <Tiles data={data} onOpen={onOpenLedger} />
        {data.total.count === 0 ? (
          <Card style={{ marginTop: 16 }}>
            <Empty
              data-testid="stats-empty"
              description={
                <Space orientation="vertical">
                  <Typography.Text strong>{s.empty}</Typography.Text>
                  <Typography.Text type="secondary">{s.emptyHint}</Typography.Text>
                </Space>
              }
            />
          </Card>
        ) : (
          <>
            <Card
              size="small"
              style={{ marginTop: 16 }}
              title={s.trend}
              extra={
                <Radio.Group
                  size="small"
                  optionType="button"
                  aria-label={s.byLabel}
                  data-testid="stats-by"
                  value={by}
                  onChange={(e) => setBy(e.target.value as TrendUnit)}
                  options={UNITS.map((u) => ({ value: u, label: s.by[u] }))}
                />
              }
            >
              <Chart
                kind={data.trend.length > 36 ? "line" : "bar"}
                data={data.trend.map((p) => ({ name: p.label, value: p.count }))}
                title={s.trend}
                seriesName={s.columns.count}
                height={260}
                onPick={(i) => {
                  const p = data.trend[i];
                  if (p) onOpenLedger(p.cases as LedgerFilter, s.origin.within(s.origin.all, p.period.from, p.period.to));
                }}
                testId="stats-trend"
              />
            </Card>
            <Hotspots period={hotspotPeriod} reloads={reloads} onOpen={onOpenLedger} />
            <Card size="small" style={{ marginTop: 16 }} title={s.breakdowns} extra={<Typography.Text type="secondary">{s.openHint}</Typography.Text>}>
              <Tabs
                data-testid="stats-breakdowns"
                items={breakdowns.map((b) => ({
                  key: b.dimension,
                  label: <span data-testid={`stats-tab-${b.dimension}`}>{s.dimension[b.dimension]}</span>,
                  children: <BreakdownPane breakdown={b} total={data.total.count} data={data} onOpen={onOpenLedger} />,
                }))}
              />
            </Card>
            <Card
              size="small"
              style={{ marginTop: 16 }}
              title={s.cross}
              extra={
                <Space size={4}>
                  {(
                    [
                      [0, s.crossRows],
                      [1, s.crossColumns],
                    ] as const
                  ).map(([side, label]) => (
                    <Select<StatsDimension>
                      key={side}
                      size="small"
                      style={{ width: 150 }}
                      prefix={`${label}${m.labels.colon}`}
                      aria-label={label}
                      data-testid={side === 0 ? "stats-cross-rows" : "stats-cross-columns"}
                      value={cross[side]}
                      onChange={(v) => setCross((x) => (side === 0 ? [v, x[1]] : [x[0], v]))}
                      options={DIMENSIONS.map((d) => ({ value: d, label: s.dimension[d], disabled: d === cross[1 - side] }))}
                    />
                  ))}
                </Space>
              }
            >
              {data.cross && <CrossTable cross={data.cross} data={data} onOpen={onOpenLedger} />}
            </Card>
          </>
        )}
      </Spin>
    );
  }

  return (
    <div className="page" data-testid="stats-page">
      {header}
      {body}
    </div>
  );
}
