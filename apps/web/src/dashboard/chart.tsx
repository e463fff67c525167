// One uPlot chart: made once when the element mounts, fed new columns as rounds are logged, resized with its box.
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { Columns } from "./round-figures";

export interface SeriesSpec {
  readonly label: string;
  readonly color: string;
  /** Which y scale it is drawn against (a second scale gets an axis on the right). */
  readonly scale: string;
  readonly dash?: readonly number[];
}

export interface ChartProps {
  readonly testId: string;
  readonly title: string;
  readonly series: readonly SeriesSpec[];
  readonly data: Columns;
  /** Axis labels per scale, in the order the axes appear (first left, second right). */
  readonly axes: readonly { readonly scale: string; readonly label: string }[];
}

const HEIGHT = 180;
/** uPlot.Axis.Side.Right: a const enum of a declaration file, which isolatedModules cannot read at run time, so its
 * value stands here. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
const RIGHT = 1 as uPlot.Axis.Side;

export function Chart({ testId, title, series, data, axes }: ChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);

  useEffect(() => {
    const element = box.current;
    if (element === null) return;
    const options: uPlot.Options = {
      title,
      width: Math.max(200, element.clientWidth),
      height: HEIGHT,
      scales: { x: { time: false } },
      series: [
        { label: "round" },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          scale: s.scale,
          width: 2,
          points: { show: true, size: 6 },
          ...(s.dash === undefined ? {} : { dash: [...s.dash] }),
        })),
      ],
      axes: [
        { label: "round", incrs: [1, 2, 5, 10, 20, 50, 100], values: (_u, splits) => splits.map(String) },
        ...axes.map((a, i) => ({
          scale: a.scale,
          label: a.label,
          ...(i === 0 ? {} : { side: RIGHT, grid: { show: false } }),
        })),
      ],
    };
    const chart = new uPlot(options, data, element);
    plot.current = chart;
    const resize = new ResizeObserver(() => {
      chart.setSize({ width: Math.max(200, element.clientWidth), height: HEIGHT });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
    // Options are fixed for a chart's life; only the data changes (next effect).
  }, []);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return <div class="chart" ref={box} data-testid={testId} data-series={series.length} data-points={data[0].length} />;
}
