// A time-series chart (uPlot): lines per series, dashed threshold lines and shaded incident periods, in the
// province's time; resizes with its container.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useI18n } from '../i18n/index.ts';

/** A line of the chart. */
export interface ChartSeries {
  readonly label: string;
  /** [epoch ms, value] points, any order. */
  readonly points: ReadonlyArray<readonly [number, number]>;
}

/** A horizontal line at `value` (a rule's threshold). */
export interface ChartThreshold {
  readonly value: number;
  /** The legend's text. */
  readonly label: string;
  /** The text on the line itself. */
  readonly short: string;
}

/** A shaded period on the time axis (an incident, from its opening to its closing). */
export interface ChartBand {
  readonly from: number;
  readonly to: number;
  readonly label: string;
}

export interface ChartProps {
  readonly title: string;
  readonly series: readonly ChartSeries[];
  readonly thresholds?: readonly ChartThreshold[];
  readonly bands?: readonly ChartBand[];
  readonly yLabel: string;
  /** Label of the time column in the hover legend. */
  readonly xLabel: string;
  /** Time range shown, epoch ms. */
  readonly from: number;
  readonly to: number;
  readonly height?: number;
}

const COLOURS = ['#1f5fbf', '#b35c00', '#2a8a4a', '#7a3fb0', '#a3305a'];
const THRESHOLD_COLOUR = '#c0272d';
const BAND_COLOUR = 'rgba(230, 126, 34, 0.18)';

/** Merges the series' points on one time axis (seconds), with gaps where a series has no value. */
function align(series: readonly ChartSeries[]): uPlot.AlignedData {
  const times = [...new Set(series.flatMap((s) => s.points.map((p) => p[0])))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const columns = series.map((s) => {
    const col: (number | null)[] = new Array(times.length).fill(null);
    for (const [t, v] of s.points) col[index.get(t)!] = v;
    return col;
  });
  return [times.map((t) => t / 1000), ...columns] as uPlot.AlignedData;
}

export function Chart(p: ChartProps) {
  const { clock, time, num, timezone } = useI18n();
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const thresholds = p.thresholds ?? [];
    const bands = p.bands ?? [];
    const maxValue = Math.max(0, ...p.series.flatMap((s) => s.points.map((x) => x[1])), ...thresholds.map((t) => t.value));
    const opts: uPlot.Options = {
      width: Math.max(300, el.clientWidth),
      height: p.height ?? 320,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), timezone),
      scales: {
        x: { time: true, range: () => [p.from / 1000, p.to / 1000] },
        y: { range: () => [0, maxValue > 0 ? maxValue * 1.15 : 1] },
      },
      axes: [
        { values: (_u, splits) => splits.map((s) => clock(s * 1000)), stroke: '#333', grid: { stroke: '#e3e6ea' } },
        { label: p.yLabel, values: (_u, splits) => splits.map((s) => num(s)), stroke: '#333', grid: { stroke: '#e3e6ea' } },
      ],
      series: [
        { label: p.xLabel, value: (_u, v) => (v == null ? '' : time(new Date(v * 1000).toISOString())) },
        ...p.series.map((s, i) => ({
          label: s.label,
          stroke: COLOURS[i % COLOURS.length],
          width: 2,
          spanGaps: false,
          value: (_u: uPlot, v: number | null) => (v == null ? '–' : num(v)),
        })),
      ],
      legend: { live: true },
      hooks: {
        drawClear: [
          (u) => {
            // Incident periods behind the lines.
            const { ctx, bbox } = u;
            ctx.save();
            for (const b of bands) {
              const x0 = Math.max(bbox.left, u.valToPos(b.from / 1000, 'x', true));
              const x1 = Math.min(bbox.left + bbox.width, u.valToPos(b.to / 1000, 'x', true));
              if (x1 <= x0) continue;
              ctx.fillStyle = BAND_COLOUR;
              ctx.fillRect(x0, bbox.top, Math.max(2, x1 - x0), bbox.height);
              // The label stays inside its band (the legend below has it in full).
              ctx.save();
              ctx.beginPath();
              ctx.rect(x0, bbox.top, Math.max(2, x1 - x0), bbox.height);
              ctx.clip();
              ctx.fillStyle = '#8a4b00';
              ctx.font = `${12 * uPlot.pxRatio}px system-ui, sans-serif`;
              ctx.textAlign = 'left';
              ctx.textBaseline = 'top';
              ctx.fillText(b.label, x0 + 4 * uPlot.pxRatio, bbox.top + 4 * uPlot.pxRatio);
              ctx.restore();
            }
            ctx.restore();
          },
        ],
        draw: [
          (u) => {
            const { ctx, bbox } = u;
            ctx.save();
            for (const t of thresholds) {
              const y = u.valToPos(t.value, 'y', true);
              ctx.strokeStyle = THRESHOLD_COLOUR;
              ctx.lineWidth = 2 * uPlot.pxRatio;
              ctx.setLineDash([8 * uPlot.pxRatio, 5 * uPlot.pxRatio]);
              ctx.beginPath();
              ctx.moveTo(bbox.left, y);
              ctx.lineTo(bbox.left + bbox.width, y);
              ctx.stroke();
              ctx.setLineDash([]);
              ctx.fillStyle = THRESHOLD_COLOUR;
              ctx.font = `${12 * uPlot.pxRatio}px system-ui, sans-serif`;
              ctx.textAlign = 'left';
              ctx.textBaseline = 'bottom';
              ctx.fillText(t.short, bbox.left + 6 * uPlot.pxRatio, y - 4 * uPlot.pxRatio);
            }
            ctx.restore();
          },
        ],
      },
    };
    const plot = new uPlot(opts, align(p.series), el);
    const ro = new ResizeObserver(() => plot.setSize({ width: Math.max(300, el.clientWidth), height: p.height ?? 320 }));
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
  }, [p.series, p.thresholds, p.bands, p.from, p.to, p.height, p.yLabel, p.xLabel, clock, time, num, timezone]);

  return (
    <figure class="chart">
      <figcaption class="chart-title">{p.title}</figcaption>
      <div ref={box} class="chart-canvas" role="img" aria-label={p.title} />
      {(p.thresholds?.length ?? 0) > 0 || (p.bands?.length ?? 0) > 0 ? (
        <ul class="chart-legend">
          {p.thresholds?.map((t) => (
            <li key={`t${t.value}${t.label}`}>
              <span class="legend-threshold" aria-hidden="true" /> {t.label}
            </li>
          ))}
          {p.bands?.map((b) => (
            <li key={`b${b.from}`}>
              <span class="legend-band" aria-hidden="true" /> {b.label}: {time(new Date(b.from).toISOString())} – {time(new Date(b.to).toISOString())}
            </li>
          ))}
        </ul>
      ) : null}
    </figure>
  );
}
