/** A time-series chart (uPlot) of a stats `series`: one line per key, drawn into the width its container has. */
import { html } from 'htm/preact';
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface SeriesPoint {
  readonly at: string;
  readonly counts: Readonly<Record<string, number>>;
}

/** Counts are whole: the y axis steps by these, never by halves. */
const WHOLE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 1_000_000];
const PALETTE = ['#2563eb', '#16a34a', '#dc2626', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777', '#4b5563', '#65a30d'];
const FIXED_COLOURS: Readonly<Record<string, string>> = {
  accepted: '#6b7280', queued: '#ca8a04', sent: '#2563eb', delivered: '#0891b2', read: '#16a34a', failed: '#dc2626',
};

export function colourOf(key: string, index: number): string {
  return FIXED_COLOURS[key] ?? PALETTE[index % PALETTE.length]!;
}

/** The keys in the order given first, then any other key the points carry. */
function keysOf(points: readonly SeriesPoint[], order: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const point of points) for (const key of Object.keys(point.counts)) seen.add(key);
  return [...order.filter((key) => seen.has(key)), ...[...seen].filter((key) => !order.includes(key)).sort()];
}

export function TimeChart(props: { readonly label: string; readonly points: readonly SeriesPoint[]; readonly order?: readonly string[] }) {
  const box = useRef<HTMLDivElement>(null);
  const keys = keysOf(props.points, props.order ?? []);
  const totals = keys.map((key) => `${key} ${props.points.reduce((sum, p) => sum + (p.counts[key] ?? 0), 0)}`).join(', ');
  useEffect(() => {
    const element = box.current;
    if (!element) return undefined;
    const data: uPlot.AlignedData = [
      props.points.map((p) => Date.parse(p.at) / 1000),
      ...keys.map((key) => props.points.map((p) => p.counts[key] ?? 0)),
    ];
    const width = (): number => Math.max(240, element.clientWidth);
    const plot = new uPlot({
      width: width(), height: 220, legend: { show: true },
      series: [{}, ...keys.map((key, i) => ({ label: key, stroke: colourOf(key, i), width: 2, points: { show: false } }))],
      axes: [{}, { size: 48, incrs: WHOLE_STEPS }],
      scales: { y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
    }, data, element);
    const resized = new ResizeObserver(() => plot.setSize({ width: width(), height: 220 }));
    resized.observe(element);
    return () => {
      resized.disconnect();
      plot.destroy();
    };
  }, [props.points, keys.join(',')]);
  return html`<figure class="chart">
    <figcaption>${props.label}</figcaption>
    <div ref=${box} role="img" aria-label=${`${props.label}: ${totals || 'nothing in this period'}`}></div>
  </figure>`;
}
