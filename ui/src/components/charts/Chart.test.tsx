import { fireEvent, render, screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// ECharts draws nothing in jsdom: a stand-in instance records what the wrapper asks of it.
const echarts = vi.hoisted(() => {
  const instance = {
    setOption: vi.fn(),
    resize: vi.fn(),
    dispose: vi.fn(),
    handlers: {} as Record<string, (e: unknown) => void>,
    on(event: string, handler: (e: unknown) => void) {
      instance.handlers[event] = handler;
    },
  };
  return { instance, init: vi.fn(() => instance) };
});
vi.mock("echarts/core", async (original) => ({
  ...(await original<typeof import("echarts/core")>()),
  init: echarts.init,
}));

const { Chart, chartOption } = await import("./Chart");

/** The layout jsdom lacks: every element this wide and tall. */
function sized(width: number, height: number) {
  Object.defineProperty(HTMLElement.prototype, "clientWidth", { configurable: true, get: () => width });
  Object.defineProperty(HTMLElement.prototype, "clientHeight", { configurable: true, get: () => height });
}

/** A ResizeObserver whose callbacks the test calls. */
const observed: (() => void)[] = [];
class TestResizeObserver {
  constructor(private readonly callback: () => void) {}
  observe() {
    observed.push(this.callback);
  }
  unobserve() {}
  disconnect() {}
}

const DATA = [
  { name: "产品质量", value: 80 },
  { name: "服务态度", value: 40 },
  { name: "其他", value: 5, inert: true },
];

describe("Chart", () => {
  const realObserver = globalThis.ResizeObserver;
  beforeEach(() => {
    echarts.init.mockClear();
    echarts.instance.setOption.mockClear();
    echarts.instance.resize.mockClear();
    echarts.instance.dispose.mockClear();
    echarts.instance.handlers = {};
    observed.length = 0;
    globalThis.ResizeObserver = TestResizeObserver as unknown as typeof ResizeObserver;
  });
  afterEach(() => {
    globalThis.ResizeObserver = realObserver;
    sized(0, 0);
  });

  it("lists its figures in a hidden table, whose entries pick as a click on the chart does", () => {
    sized(0, 0);
    const onPick = vi.fn();
    render(<Chart kind="bar" data={DATA} title="纠纷类别" seriesName="件数" onPick={onPick} testId="c" />);
    // No size, no chart (a hidden tab, or jsdom): the figures are there all the same.
    expect(echarts.init).not.toHaveBeenCalled();
    expect(screen.getByTestId("c-point-0").textContent).toBe("产品质量80");
    expect(screen.getByTestId("c-point-1").getAttribute("data-value")).toBe("40");
    fireEvent.click(screen.getByTestId("c-pick-1"));
    expect(onPick).toHaveBeenCalledWith(1);
    // An inert entry is listed, not offered.
    expect(screen.getByTestId("c-point-2").textContent).toBe("其他5");
    expect(screen.queryByTestId("c-pick-2")).toBeNull();
  });

  it("draws once it has a size, follows new data and sizes, reports clicks, and is disposed of", () => {
    sized(0, 0);
    const onPick = vi.fn();
    const { rerender, unmount } = render(
      <Chart kind="hbar" data={DATA} title="纠纷类别" seriesName="件数" onPick={onPick} testId="c" />,
    );
    expect(echarts.init).not.toHaveBeenCalled();

    sized(600, 280);
    observed.forEach((f) => f());
    expect(echarts.init).toHaveBeenCalledTimes(1);
    expect(echarts.init).toHaveBeenCalledWith(screen.getByTestId("c-canvas"), undefined, { renderer: "svg" });
    expect(echarts.instance.setOption).toHaveBeenLastCalledWith(chartOption("hbar", DATA, "件数"), { notMerge: true });

    // The same figures in a new array draw nothing anew; new figures do.
    rerender(<Chart kind="hbar" data={DATA.map((d) => ({ ...d }))} title="纠纷类别" seriesName="件数" onPick={onPick} testId="c" />);
    expect(echarts.instance.setOption).toHaveBeenCalledTimes(1);
    const next = [{ name: "产品质量", value: 81 }];
    rerender(<Chart kind="hbar" data={next} title="纠纷类别" seriesName="件数" onPick={onPick} testId="c" />);
    expect(echarts.instance.setOption).toHaveBeenLastCalledWith(chartOption("hbar", next, "件数"), { notMerge: true });

    observed.forEach((f) => f());
    expect(echarts.instance.resize).toHaveBeenCalledTimes(1);
    expect(echarts.init).toHaveBeenCalledTimes(1);

    echarts.instance.handlers.click?.({ dataIndex: 0 });
    expect(onPick).toHaveBeenCalledWith(0);

    unmount();
    expect(echarts.instance.dispose).toHaveBeenCalledTimes(1);
  });

  it("never picks an inert bar", () => {
    sized(600, 280);
    const onPick = vi.fn();
    render(<Chart kind="bar" data={DATA} title="纠纷类别" seriesName="件数" onPick={onPick} testId="c" />);
    expect(echarts.init).toHaveBeenCalledTimes(1);
    echarts.instance.handlers.click?.({ dataIndex: 2 });
    expect(onPick).not.toHaveBeenCalled();
    echarts.instance.handlers.click?.({ dataIndex: 1 });
    expect(onPick).toHaveBeenCalledWith(1);
  });

  it("builds bars across with the first on top, bars up, lines and pies", () => {
    const across = chartOption("hbar", DATA, "件数");
    expect(across.yAxis).toMatchObject({ type: "category", inverse: true, data: ["产品质量", "服务态度", "其他"] });
    expect(across.series).toMatchObject([
      { type: "bar", name: "件数", data: [{ value: 80 }, { value: 40 }, { value: 5, itemStyle: { color: "#bfbfbf" } }] },
    ]);
    expect(chartOption("bar", DATA, "件数").xAxis).toMatchObject({ type: "category", data: ["产品质量", "服务态度", "其他"] });
    expect(chartOption("line", DATA, "件数").series).toMatchObject([{ type: "line" }]);
    expect(chartOption("pie", DATA, "件数").series).toMatchObject([
      { type: "pie", data: [{ name: "产品质量", value: 80 }, { name: "服务态度", value: 40 }, { name: "其他", value: 5 }] },
    ]);
    expect(chartOption("bar", [], "件数", "暂无数据").title).toMatchObject({ text: "暂无数据" });
  });
});
