// A chart of one series (Apache ECharts, only the parts used: bars, lines, pies, drawn as SVG),
// with its figures also in a visually hidden table: screen readers read them, tests check them
// (jsdom lays nothing out, so the chart itself is drawn only where the element has a size).
import { BarChart, LineChart, PieChart, type BarSeriesOption, type LineSeriesOption, type PieSeriesOption } from "echarts/charts";
import {
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  type GridComponentOption,
  type LegendComponentOption,
  type TitleComponentOption,
  type TooltipComponentOption,
} from "echarts/components";
import { init, use as register, type ComposeOption, type ECElementEvent, type EChartsType } from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import { useEffect, useMemo, useRef } from "react";

register([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, SVGRenderer]);

export type ChartOption = ComposeOption<
  | BarSeriesOption
  | LineSeriesOption
  | PieSeriesOption
  | GridComponentOption
  | LegendComponentOption
  | TitleComponentOption
  | TooltipComponentOption
>;

/** Bars up (`bar`), bars across with the first on top (`hbar`: long names), a line, a pie. */
export type ChartKind = "bar" | "hbar" | "line" | "pie";

export interface ChartDatum {
  name: string;
  value: number;
  /** Shown, but not clickable (a summed tail, say). */
  inert?: boolean;
}

const INERT_COLOR = "#bfbfbf";

/** The ECharts option drawing `data` as `kind`; `seriesName` names the values in tooltips. */
export function chartOption(kind: ChartKind, data: ChartDatum[], seriesName: string, emptyText?: string): ChartOption {
  const points = data.map((d) => ({
    name: d.name,
    value: d.value,
    ...(d.inert ? { itemStyle: { color: INERT_COLOR } } : {}),
  }));
  const title: TitleComponentOption | undefined =
    data.length === 0 && emptyText
      ? { text: emptyText, left: "center", top: "middle", textStyle: { color: "#8c8c8c", fontSize: 13, fontWeight: "normal" } }
      : undefined;
  if (kind === "pie") {
    return {
      title,
      tooltip: { trigger: "item", formatter: "{b}<br/>{a}: {c} ({d}%)" },
      legend: { type: "scroll", bottom: 0 },
      series: [
        {
          type: "pie",
          name: seriesName,
          radius: ["35%", "62%"],
          percentPrecision: 1,
          center: ["50%", "45%"],
          label: { formatter: "{b} {d}%" },
          data: points,
        },
      ],
    };
  }
  const names = data.map((d) => d.name);
  const category = { type: "category" as const, data: names, axisTick: { alignWithLabel: true } };
  const value = { type: "value" as const, minInterval: 1 };
  if (kind === "hbar") {
    return {
      title,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 48, top: 8, bottom: 8 },
      xAxis: value,
      yAxis: { ...category, inverse: true, axisLabel: { width: 140, overflow: "truncate" } },
      series: [{ type: "bar", name: seriesName, data: points, barMaxWidth: 22, label: { show: true, position: "right" } }],
    };
  }
  return {
    title,
    tooltip: { trigger: "axis", axisPointer: { type: kind === "bar" ? "shadow" : "line" } },
    grid: { left: 8, right: 16, top: 28, bottom: 8 },
    xAxis: category,
    yAxis: value,
    series: [
      kind === "bar"
        ? { type: "bar", name: seriesName, data: points, barMaxWidth: 40, label: { show: true, position: "top" } }
        : { type: "line", name: seriesName, data: points, symbolSize: 7, label: { show: data.length <= 24, position: "top" } },
    ],
  };
}

/**
 * One series as a chart. A click on a bar, point or slice calls `onPick` with its index
 * (never for an inert one); the hidden table lists every figure, `data-testid`
 * `{testId}-point-{i}` with `data-value`, and offers the same picks.
 */
export function Chart({
  kind,
  data,
  title,
  seriesName,
  height = 280,
  emptyText,
  onPick,
  testId,
}: {
  kind: ChartKind;
  data: ChartDatum[];
  /** What the chart shows: the hidden table's caption and the figure's label. */
  title: string;
  seriesName: string;
  height?: number;
  /** Written in the chart when there is no data. */
  emptyText?: string;
  onPick?: (index: number) => void;
  testId: string;
}) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<EChartsType | null>(null);
  // What the chart shows and does, for the instance created later (once it has a size).
  const latest = useRef<{ option: ChartOption; data: ChartDatum[]; onPick?: (index: number) => void } | null>(null);
  // Compared by content: a new array with the same figures draws nothing anew.
  const dataKey = JSON.stringify(data);
  const option = useMemo(
    () => chartOption(kind, JSON.parse(dataKey) as ChartDatum[], seriesName, emptyText),
    [kind, dataKey, seriesName, emptyText],
  );

  useEffect(() => {
    latest.current = { option, data, onPick };
  });

  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  useEffect(() => {
    const el = element.current;
    if (!el) return;
    // Drawn once the element has a size (not while a hidden tab holds it), resized after.
    const fit = () => {
      if (el.clientWidth === 0 || el.clientHeight === 0) return;
      if (chart.current) {
        chart.current.resize();
        return;
      }
      const instance = init(el, undefined, { renderer: "svg" });
      instance.on("click", (e) => {
        const index = (e as ECElementEvent).dataIndex;
        const now = latest.current;
        if (typeof index === "number" && now?.onPick && !now.data[index]?.inert) now.onPick(index);
      });
      if (latest.current) instance.setOption(latest.current.option, { notMerge: true });
      chart.current = instance;
    };
    fit();
    const observer = new ResizeObserver(fit);
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.current?.dispose();
      chart.current = null;
    };
  }, []);

  return (
    <figure className="chart" aria-label={title} data-testid={testId} style={{ margin: 0 }}>
      <div
        ref={element}
        aria-hidden
        style={{ height, width: "100%", cursor: onPick ? "pointer" : undefined }}
        data-testid={`${testId}-canvas`}
      />
      <table className="visually-hidden" data-testid={`${testId}-data`}>
        <caption>{title}</caption>
        <tbody>
          {data.map((d, i) => (
            <tr key={i} data-testid={`${testId}-point-${i}`} data-value={d.value}>
              <th scope="row">{d.name}</th>
              <td>
                {onPick && !d.inert ? (
                  <button type="button" tabIndex={-1} onClick={() => onPick(i)} data-testid={`${testId}-pick-${i}`}>
                    {d.value}
                  </button>
                ) : (
                  d.value
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
