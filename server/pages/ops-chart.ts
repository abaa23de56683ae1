/**
 * Small line charts drawn by the server as inline SVG (no script, nothing fetched): a series of (time,
 * value) points over a fixed window, a line broken where samples are missing, the highest value and the
 * window's ends as labels. Every number is computed here; nothing the database holds reaches the markup
 * unescaped.
 */
import { html, type Html } from './layout';

export interface ChartPoint {
  readonly at: number;
  readonly value: number;
}

export interface ChartInput {
  /** Names the chart for screen readers and tests. */
  readonly title: string;
  readonly points: readonly ChartPoint[];
  readonly from: number;
  readonly to: number;
  /** How a value is written on the axis (the highest one). */
  readonly format: (value: number) => string;
  /** Samples further apart than this are not joined by the line. */
  readonly gapMs: number;
  /** The least the axis reaches, so that small values do not fill the chart (default 1). */
  readonly floor?: number;
}

const WIDTH = 480;
const HEIGHT = 140;
const LEFT = 52;
const RIGHT = 8;
const TOP = 10;
const BOTTOM = 22;

const hhmm = (at: number) => new Date(at).toISOString().slice(11, 16);

export function lineChart(input: ChartInput): Html {
  const plotWidth = WIDTH - LEFT - RIGHT;
  const plotHeight = HEIGHT - TOP - BOTTOM;
  const span = Math.max(1, input.to - input.from);
  const max = Math.max(input.floor ?? 1, ...input.points.map((point) => point.value));
  const x = (at: number) => (LEFT + ((at - input.from) / span) * plotWidth).toFixed(1);
  const y = (value: number) => (TOP + plotHeight - (value / max) * plotHeight).toFixed(1);

  const segments: ChartPoint[][] = [];
  for (const point of input.points) {
    const current = segments[segments.length - 1];
    const previous = current?.[current.length - 1];
    if (current && previous && point.at - previous.at <= input.gapMs) current.push(point);
    else segments.push([point]);
  }
  const lines = segments.map((segment) =>
    segment.length === 1
      ? html`<circle cx="${x(segment[0]!.at)}" cy="${y(segment[0]!.value)}" r="2" class="line-dot" />`
      : html`<polyline
          class="line"
          fill="none"
          points="${segment.map((point) => `${x(point.at)},${y(point.value)}`).join(' ')}"
        />`,
  );
  const last = input.points[input.points.length - 1];
  return html`<figure class="chart">
    <svg
      role="img"
      viewBox="0 0 ${WIDTH} ${HEIGHT}"
      width="${WIDTH}"
      height="${HEIGHT}"
      data-points="${input.points.length}"
      aria-label="${input.title}"
    >
      <title>${input.title}</title>
      <line
        class="axis"
        x1="${LEFT}"
        y1="${TOP + plotHeight}"
        x2="${WIDTH - RIGHT}"
        y2="${TOP + plotHeight}"
      />
      <line class="axis" x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${TOP + plotHeight}" />
      <text x="${LEFT - 4}" y="${TOP + 4}" text-anchor="end">${input.format(max)}</text>
      <text x="${LEFT - 4}" y="${TOP + plotHeight}" text-anchor="end">0</text>
      <text x="${LEFT}" y="${HEIGHT - 6}">${hhmm(input.from)}</text>
      <text x="${WIDTH - RIGHT}" y="${HEIGHT - 6}" text-anchor="end">${hhmm(input.to)} UTC</text>
      ${lines}
      ${
        input.points.length === 0
          ? html`<text x="${LEFT + plotWidth / 2}" y="${TOP + plotHeight / 2}" text-anchor="middle">
              no samples yet
            </text>`
          : null
      }
    </svg>
    <figcaption>
      ${input.title}${last ? `: ${input.format(last.value)} at ${hhmm(last.at)} UTC` : ''}
    </figcaption>
  </figure>`;
}
