// What the KPI page and the workbench share: the KPIs in order, their figures in words, their
// rating colours, their definitions, and a tile per KPI that lists its cases in the ledger.
import { QuestionCircleOutlined } from "@ant-design/icons";
import { Button, Card, Col, DatePicker, Flex, Popover, Radio, Row, Tag, Typography, theme } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useCallback } from "react";

import type { KpiCode, KpiLine, KpiRating, KpiTargetView, KpiValue } from "../../api";
import { chinaToday } from "../../components/handling/common";
import type { LedgerFilter } from "../../components/ledger/filter";
import { useI18n } from "../../i18n";
import type { KpiPeriodKind } from "../../i18n/zh-CN";

/** Every KPI, in the order the core gives them. */
export const KPI_CODES: KpiCode[] = [
  "complaint_rate",
  "on_time_rate",
  "satisfaction_rate",
  "mean_score",
  "first_contact_rate",
  "mean_handling_days",
  "median_handling_days",
  "reopen_rate",
  "overdue",
];

/** The KPIs where a larger value is better (for the others, the lower the better). */
export const HIGHER_IS_BETTER: ReadonlySet<KpiCode> = new Set([
  "on_time_rate",
  "satisfaction_rate",
  "mean_score",
  "first_contact_rate",
]);

/** Decimals the core rounds each KPI to. */
const DECIMALS: Record<KpiCode, number> = {
  complaint_rate: 2,
  on_time_rate: 1,
  satisfaction_rate: 1,
  mean_score: 2,
  first_contact_rate: 1,
  mean_handling_days: 1,
  median_handling_days: 1,
  reopen_rate: 1,
  overdue: 0,
};

/** Antd Tag colours of the ratings. */
export const RATING_TAG: Record<KpiRating, string> = { green: "success", amber: "warning", red: "error" };

export type OpenLedger = (filter: LedgerFilter, origin: string) => void;

export const count = (n: number) => n.toLocaleString("zh-CN");

/** A KPI's figure without its unit ("—" for none). */
export function kpiNumber(kpi: KpiCode, value: number | null): string {
  return value === null ? "—" : value.toLocaleString("en-US", { maximumFractionDigits: DECIMALS[kpi] });
}

/**
 * The label of the month, quarter or year a China-time day (`YYYY-MM-DD`) falls in, as the
 * core takes it: `2026-05`, `2026-Q2`, `2026`.
 */
export function periodOf(kind: KpiPeriodKind, day: string): string {
  const year = day.slice(0, 4);
  const month = Number(day.slice(5, 7));
  switch (kind) {
    case "month":
      return day.slice(0, 7);
    case "quarter":
      return `${year}-Q${Math.floor((month - 1) / 3) + 1}`;
    case "year":
      return year;
  }
}

/** The first day (`YYYY-MM-DD`) of the month, quarter or year a day falls in. */
export function periodStart(kind: KpiPeriodKind, day: string): string {
  const year = day.slice(0, 4);
  const month = Number(day.slice(5, 7));
  switch (kind) {
    case "month":
      return `${day.slice(0, 7)}-01`;
    case "quarter":
      return `${year}-${String(month - ((month - 1) % 3)).padStart(2, "0")}-01`;
    case "year":
      return `${year}-01-01`;
  }
}

/** The kinds of period, shortest first. */
export const PERIOD_KINDS: KpiPeriodKind[] = ["month", "quarter", "year"];

/**
 * Choosing a month, a quarter or a year: its kind, then the period in a picker of that kind
 * (periods not begun yet cannot be chosen). `day` is a China-time day of the period shown;
 * `testId` prefixes the test ids: `{testId}-period-kind`, `{testId}-period-picker`.
 */
export function PeriodPicker({
  kind,
  day,
  onKind,
  onDay,
  testId,
  kindLabel,
  periodLabel,
}: {
  kind: KpiPeriodKind;
  day: string;
  onKind: (kind: KpiPeriodKind) => void;
  onDay: (day: string) => void;
  testId: string;
  kindLabel: string;
  periodLabel: string;
}) {
  const { m } = useI18n();
  const today = chinaToday();
  const notYet = (d: Dayjs) => periodStart(kind, d.format("YYYY-MM-DD")) > today;
  return (
    <Flex wrap gap={8} align="center">
      <Radio.Group
        optionType="button"
        buttonStyle="solid"
        aria-label={kindLabel}
        data-testid={`${testId}-period-kind`}
        value={kind}
        onChange={(e) => onKind(e.target.value as KpiPeriodKind)}
        options={PERIOD_KINDS.map((x) => ({ value: x, label: m.kpi.periodKind[x] }))}
      />
      <DatePicker
        picker={kind}
        allowClear={false}
        aria-label={periodLabel}
        data-testid={`${testId}-period-picker`}
        style={{ width: 130 }}
        value={dayjs(periodStart(kind, day))}
        disabledDate={notYet}
        onChange={(d: Dayjs | null) => d && onDay(d.format("YYYY-MM-DD"))}
      />
    </Flex>
  );
}

/** A KPI's figures in words. */
export function useKpiText() {
  const { m } = useI18n();
  const k = m.kpi;
  /** The figure with its unit: "91.2%", "3.4 个工作日"; "—" for none. */
  const value = useCallback(
    (kpi: KpiCode, v: number | null) => (v === null ? "—" : `${kpiNumber(kpi, v)}${k.unit[kpi]}`),
    [k],
  );
  /** What the figure counts: "1,110 / 1,224 件按期办结". */
  const explain = useCallback(
    (v: KpiValue) => {
      if (v.kpi === "complaint_rate" && v.denominator === null) return k.noVolume;
      return k.explain[v.kpi](count(v.numerator ?? 0), count(v.denominator ?? 0));
    },
    [k],
  );
  /** The target in force: "目标 95% · 警戒 90%（2026）". */
  const target = useCallback(
    (t: KpiTargetView | null) => (t ? k.target(value(t.kpi, t.goal), value(t.kpi, t.limit), t.period) : k.noTarget),
    [k, value],
  );
  return { value, explain, target };
}

/** The colours of a rating, from the theme (no rating: the plain ones). */
export function useRatingColors() {
  const { token } = theme.useToken();
  return useCallback(
    (rating: KpiRating | null) => {
      switch (rating) {
        case "green":
          return { text: token.colorSuccessText, background: token.colorSuccessBg, border: token.colorSuccess };
        case "amber":
          return { text: token.colorWarningText, background: token.colorWarningBg, border: token.colorWarning };
        case "red":
          return { text: token.colorErrorText, background: token.colorErrorBg, border: token.colorError };
        default:
          return { text: token.colorText, background: undefined, border: token.colorBorderSecondary };
      }
    },
    [token],
  );
}

/** A question mark that tells what a KPI is, in one sentence, and which way is better. */
export function KpiHelp({ kpi }: { kpi: KpiCode }) {
  const { m } = useI18n();
  const k = m.kpi;
  return (
    // Inside a tile or a sortable header: asking is not opening the cases, nor sorting.
    <span onClick={(e) => e.stopPropagation()} style={{ display: "inline-flex" }}>
      <Popover
        trigger={["click", "hover"]}
        title={k.name[kpi]}
        content={
          <div style={{ maxWidth: 320 }} data-testid={`kpi-help-text-${kpi}`}>
            <div>{k.definition[kpi]}</div>
            <Typography.Text type="secondary">{HIGHER_IS_BETTER.has(kpi) ? k.higherBetter : k.lowerBetter}</Typography.Text>
          </div>
        }
      >
        <Button
          type="text"
          size="small"
          icon={<QuestionCircleOutlined />}
          aria-label={k.help(k.name[kpi])}
          data-testid={`kpi-help-${kpi}`}
        />
      </Popover>
    </span>
  );
}

/**
 * One KPI of a line: its figure in its rating's colour, the target under it and what it counts.
 * A click lists the cases counted; a link under it, those counted against.
 */
export function KpiTile({
  value,
  onOpen,
  onOpenBase,
}: {
  value: KpiValue;
  onOpen: (() => void) | null;
  onOpenBase: (() => void) | null;
}) {
  const { m } = useI18n();
  const k = m.kpi;
  const text = useKpiText();
  const colors = useRatingColors()(value.rating);
  const { kpi } = value;
  const figure = (
    <>
      <span className="num">{kpiNumber(kpi, value.value)}</span>
      {value.value !== null && <span style={{ fontSize: 14 }}>{k.unit[kpi]}</span>}
    </>
  );
  return (
    <Card
      size="small"
      data-testid={`kpi-tile-${kpi}`}
      data-rating={value.rating ?? "none"}
      onClick={onOpen ?? undefined}
      style={{ height: "100%", borderTop: `3px solid ${colors.border}`, cursor: onOpen ? "pointer" : undefined }}
    >
      <Flex justify="space-between" align="center" gap={4}>
        <Typography.Text type="secondary">{k.name[kpi]}</Typography.Text>
        <KpiHelp kpi={kpi} />
      </Flex>
      <Flex align="center" gap={8} wrap style={{ margin: "2px 0 4px" }}>
        {onOpen ? (
          // No handler of its own: the click reaches the tile (from the keyboard as well).
          <Button
            type="link"
            className="kpi-value"
            title={k.openHint}
            aria-label={`${k.open(k.name[kpi])}${m.labels.colon}${text.value(kpi, value.value)}`}
            style={{ color: colors.text }}
            data-testid={`kpi-tile-value-${kpi}`}
          >
            {figure}
          </Button>
        ) : (
          <span className="kpi-value" style={{ color: colors.text }} data-testid={`kpi-tile-value-${kpi}`}>
            {figure}
          </span>
        )}
        {value.rating && (
          <Tag color={RATING_TAG[value.rating]} data-testid={`kpi-tile-rating-${kpi}`}>
            {k.rating[value.rating]}
          </Tag>
        )}
      </Flex>
      <Typography.Text type="secondary" style={{ display: "block", fontSize: 12 }} data-testid={`kpi-tile-target-${kpi}`}>
        {text.target(value.target)}
      </Typography.Text>
      <Typography.Text type="secondary" style={{ display: "block", fontSize: 12 }} data-testid={`kpi-tile-explain-${kpi}`}>
        {text.explain(value)}
      </Typography.Text>
      {onOpenBase && (
        <Button
          type="link"
          size="small"
          className="kpi-base"
          onClick={(e) => {
            e.stopPropagation();
            onOpenBase();
          }}
          data-testid={`kpi-tile-base-${kpi}`}
        >
          {k.base(count(value.denominator ?? 0))}
        </Button>
      )}
    </Card>
  );
}

/** The tiles of some KPIs of one line (the total), each opening its cases in the ledger. */
export function KpiTiles({
  line,
  period,
  kpis = KPI_CODES,
  onOpen,
  span = { xs: 24, sm: 12, xl: 8 },
}: {
  line: KpiLine;
  /** The period's label (`2026-Q3`), for the ledger's note of where its cases come from. */
  period: string;
  kpis?: KpiCode[];
  onOpen: OpenLedger;
  span?: { xs?: number; sm?: number; md?: number; lg?: number; xl?: number };
}) {
  const { m } = useI18n();
  const k = m.kpi;
  const byCode = new Map(line.values.map((v) => [v.kpi, v]));
  return (
    <Row gutter={[12, 12]}>
      {kpis.map((kpi) => {
        const value = byCode.get(kpi);
        if (!value) return null;
        const { cases, base } = value;
        return (
          <Col key={kpi} {...span}>
            <KpiTile
              value={value}
              onOpen={cases ? () => onOpen(cases as LedgerFilter, k.origin.value(k.name[kpi], period)) : null}
              onOpenBase={base ? () => onOpen(base as LedgerFilter, k.origin.base(k.name[kpi], period)) : null}
            />
          </Col>
        );
      })}
    </Row>
  );
}
