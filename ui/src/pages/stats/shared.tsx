// What the statistics page and the workbench share: the names of the values of each dimension,
// and the hotspots' figures in words. No charting library here: the workbench loads with the app.
import { theme } from "antd";
import dayjs from "dayjs";
import { useCallback } from "react";

import type { BreakdownItem, CaseStatus, Hotspot, Period, Severity, StatsDimension } from "../../api";
import { useCodes } from "../../codes";
import { useI18n } from "../../i18n";
import type { KpiPeriodKind } from "../../i18n/zh-CN";
import { PERIOD_KINDS, periodOf, periodStart } from "../kpi/shared";
import { RecordRiskButton, type RiskPrefill } from "../supervision/Risks";

/** Products listed one by one; the others are summed in one line. */
export const TOP_PRODUCTS = 20;

/** The name of a value of a dimension (a line of a breakdown, a hotspot). */
export function useLineName() {
  const { m } = useI18n();
  const codes = useCodes();
  return useCallback(
    (dimension: StatsDimension, line: Pick<BreakdownItem, "key" | "name"> & { others?: boolean }): string => {
      if (line.others) return m.stats.otherProducts(TOP_PRODUCTS);
      const key = line.key;
      if (key === null) return m.stats.notRecorded;
      switch (dimension) {
        case "category":
          return codes.label("category", key);
        case "channel":
          return codes.label("channel", key);
        case "department":
        case "store":
          return line.name ?? key;
        case "product":
          return key;
        case "severity":
          return m.labels.severity[key as Severity] ?? key;
        case "status":
          return m.labels.status[key as CaseStatus] ?? key;
        case "root_cause":
          return m.labels.rootCause[key] ?? key;
      }
    },
    [m, codes],
  );
}

/** The last day (`YYYY-MM-DD`) of the month, quarter or year a day falls in. */
export function periodEnd(kind: KpiPeriodKind, day: string): string {
  const first = dayjs(periodStart(kind, day));
  const last = kind === "month" ? first.endOf("month") : kind === "quarter" ? first.add(2, "month").endOf("month") : first.endOf("year");
  return last.format("YYYY-MM-DD");
}

/**
 * The month, quarter or year (`2026-05`, `2026-Q2`, `2026`) a range of days is, if it is one:
 * from its first day to its last, or to `today` when the period is the current one. `kind`
 * says which, when a quick choice named it; otherwise the shortest that fits.
 */
export function wholePeriod(range: Period, today: string, kind?: KpiPeriodKind): string | null {
  for (const k of kind ? [kind] : PERIOD_KINDS) {
    if (periodStart(k, range.from) !== range.from) continue;
    const end = periodEnd(k, range.from);
    if (range.to === end || (range.to === today && today >= range.from && today < end)) return periodOf(k, range.from);
  }
  return null;
}

/** A hotspot in test ids: `category-product_quality`, `department-none`. */
export const hotspotId = (h: Pick<Hotspot, "dimension" | "key">) => `${h.dimension}-${h.key ?? "none"}`;

const SUPERSCRIPT: Record<string, string> = {
  "-": "⁻",
  "0": "⁰",
  "1": "¹",
  "2": "²",
  "3": "³",
  "4": "⁴",
  "5": "⁵",
  "6": "⁶",
  "7": "⁷",
  "8": "⁸",
  "9": "⁹",
};

/** A probability: `0.0042`, or in scientific notation when tiny: `3.1×10⁻⁸`. */
export function pValueText(p: number): string {
  if (p === 0) return "< 1×10⁻³⁰⁸";
  if (p >= 0.001) return p.toLocaleString("en-US", { maximumSignificantDigits: 2 });
  const [mantissa = "", exponent = ""] = p.toExponential(1).split("e");
  const power = String(Number(exponent))
    .split("")
    .map((c) => SUPERSCRIPT[c] ?? c)
    .join("");
  return `${mantissa.replace(/\.0$/, "")}×10${power}`;
}

/** A count of cases expected: up to two decimals. */
export const expectedText = (n: number) => n.toLocaleString("en-US", { maximumFractionDigits: 2 });

/** A hotspot's name and the ledger's note of where its cases come from. */
export function useHotspotText() {
  const { m } = useI18n();
  const nameOf = useLineName();
  const name = useCallback((h: Hotspot) => nameOf(h.dimension, h), [nameOf]);
  const origin = useCallback(
    (h: Hotspot, label: string) => m.stats.hotspots.origin(m.stats.origin.line(m.stats.dimension[h.dimension], name(h)), label),
    [m, name],
  );
  return { name, origin };
}

/**
 * A risk point recorded from a hotspot (§二(四)1): what it showed (its dimension, value and
 * name, the period, observed against expected), with a suggested title and description.
 */
export function useHotspotRisk() {
  const { m } = useI18n();
  const { name } = useHotspotText();
  return useCallback(
    (h: Hotspot, period: string): RiskPrefill => {
      const label = name(h);
      const r = m.supervision.risks.fromHotspot;
      return {
        source_kind: "hotspot",
        source: {
          dimension: h.dimension,
          value: h.key,
          label,
          period,
          observed: h.observed,
          expected: h.expected,
          ratio: h.ratio,
          p_value: h.p_value,
        },
        title: r.title(label),
        description: r.description({
          period,
          dimension: m.stats.dimension[h.dimension],
          label,
          observed: h.observed,
          expected: expectedText(h.expected),
          ratio: expectedText(h.ratio),
          p: pValueText(h.p_value),
        }),
      };
    },
    [m, name],
  );
}

/**
 * 登记风险点 from a hotspot of `period` (its label: `2026-05`). For those who may record risk
 * points (`supervision.manage`): the caller decides. Inside a row or a line that opens the
 * hotspot's cases: the button's clicks, and its dialog's, stay its own.
 */
export function HotspotRiskButton({ hotspot, period }: { hotspot: Hotspot; period: string }) {
  const prefill = useHotspotRisk()(hotspot, period);
  return (
    <span onClick={(e) => e.stopPropagation()} style={{ display: "inline-flex" }}>
      <RecordRiskButton {...prefill} />
    </span>
  );
}

/** The counts of a hotspot's history as small bars, the period's own last, in red. */
export function HotspotHistory({ hotspot, label, testId }: { hotspot: Hotspot; label: string; testId: string }) {
  const { m } = useI18n();
  const { token } = theme.useToken();
  const bars = [...hotspot.history.map((p) => ({ label: p.label, count: p.count, now: false })), { label, count: hotspot.observed, now: true }];
  const top = Math.max(1, ...bars.map((b) => b.count));
  const width = 6;
  const gap = 2;
  const height = 22;
  const words = bars.map((b) => `${b.label} ${m.stats.cases(b.count)}`).join(m.stats.hotspots.listSeparator);
  return (
    <svg
      role="img"
      aria-label={words}
      width={bars.length * (width + gap)}
      height={height}
      data-testid={testId}
      data-counts={bars.map((b) => b.count).join(",")}
      style={{ verticalAlign: "middle" }}
    >
      <title>{words}</title>
      {bars.map((b, i) => {
        const h = Math.max(1, Math.round((b.count / top) * (height - 2)));
        return (
          <rect
            key={i}
            x={i * (width + gap)}
            y={height - h}
            width={width}
            height={h}
            rx={1}
            fill={b.now ? token.colorError : token.colorTextQuaternary}
          />
        );
      })}
    </svg>
  );
}
