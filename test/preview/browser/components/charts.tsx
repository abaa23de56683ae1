/**
 * BarChart and LineChart as plain SVG: the data, axes, series (`groupFieldByColor`), stacking, title and
 * legend the extension asked for, drawn simply. Not HubSpot's charting library; enough to see the numbers.
 */
import { cx, hs, type BaseProps } from './shared';

type Row = Record<string, string | number>;
interface Axis {
  field: string;
  fieldType: 'datetime' | 'linear' | 'category';
  label?: string;
}
interface ChartProps extends BaseProps {
  data: Row[] | { data: Row[]; options?: unknown };
  axes: {
    x: Axis;
    y: Axis;
    options?: { groupFieldByColor?: string; stacking?: boolean; colors?: Record<string, string> };
  };
  options?: {
    title?: string;
    showLegend?: boolean;
    showDataLabels?: boolean;
    colorList?: string[];
    colors?: string[];
  };
}

const PALETTE: Record<string, string> = {
  orange: '#ff7a59',
  aqua: '#00bda5',
  purple: '#6a78d1',
  yellow: '#f5c26b',
  pink: '#ea90b1',
  blue: '#00a4bd',
  green: '#00bd8f',
  darkOrange: '#d9633f',
  darkAqua: '#00a38d',
  darkPurple: '#4f5ab3',
  darkYellow: '#d9a23f',
  darkPink: '#c9628b',
  darkBlue: '#0081a0',
  darkGreen: '#009474',
};
const DEFAULT_ORDER = ['orange', 'aqua', 'purple', 'yellow', 'pink', 'blue', 'green'];

interface Series {
  name: string;
  color: string;
  values: number[];
}

function prepare(props: ChartProps): { categories: string[]; series: Series[] } {
  const rows = Array.isArray(props.data) ? props.data : (props.data?.data ?? []);
  const { x, y } = props.axes;
  const group = props.axes.options?.groupFieldByColor;
  const categories = [...new Set(rows.map((row) => String(row[x.field] ?? '')))];
  const names = group ? [...new Set(rows.map((row) => String(row[group] ?? '')))] : [y.label ?? y.field];
  const order = props.options?.colorList ?? props.options?.colors ?? DEFAULT_ORDER;
  const series = names.map((name, index) => {
    const colorName = props.axes.options?.colors?.[name] ?? order[index % order.length] ?? 'orange';
    const values = categories.map((category) =>
      rows
        .filter(
          (row) => String(row[x.field] ?? '') === category && (!group || String(row[group] ?? '') === name),
        )
        .reduce((sum, row) => sum + (Number(row[y.field]) || 0), 0),
    );
    return { name, color: PALETTE[colorName] ?? colorName, values };
  });
  return { categories, series };
}

const WIDTH = 560;
const HEIGHT = 240;
const MARGIN = { top: 12, right: 12, bottom: 40, left: 48 };

function Chart(props: ChartProps & { kind: 'bar' | 'line' }) {
  const { categories, series } = prepare(props);
  const stacked = props.kind === 'bar' && props.axes.options?.stacking === true;
  const totals = categories.map((_, index) =>
    stacked
      ? series.reduce((sum, item) => sum + Math.max(0, item.values[index] ?? 0), 0)
      : Math.max(0, ...series.map((item) => item.values[index] ?? 0)),
  );
  const max = Math.max(1, ...totals);
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const band = plotWidth / Math.max(1, categories.length);
  const yOf = (value: number) => MARGIN.top + plotHeight - (value / max) * plotHeight;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((share) => Math.round(max * share * 100) / 100);
  return (
    <figure {...hs(props.kind === 'bar' ? 'BarChart' : 'LineChart', props)} className="pv-chart">
      {props.options?.title && <figcaption className="pv-chart__title">{props.options.title}</figcaption>}
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={props.options?.title ?? 'Chart'}>
        {ticks.map((tick) => (
          <g key={tick}>
            <line
              className="pv-chart__grid"
              x1={MARGIN.left}
              x2={WIDTH - MARGIN.right}
              y1={yOf(tick)}
              y2={yOf(tick)}
            />
            <text className="pv-chart__tick" x={MARGIN.left - 6} y={yOf(tick) + 4} textAnchor="end">
              {tick}
            </text>
          </g>
        ))}
        {categories.map((category, index) => (
          <text
            key={category}
            className="pv-chart__tick"
            x={MARGIN.left + band * index + band / 2}
            y={HEIGHT - MARGIN.bottom + 16}
            textAnchor="middle"
          >
            {category}
          </text>
        ))}
        {props.kind === 'bar'
          ? categories.map((category, index) => {
              let stackTop = 0;
              const width = stacked ? band * 0.6 : (band * 0.7) / series.length;
              return series.map((item, position) => {
                const value = item.values[index] ?? 0;
                const x =
                  MARGIN.left +
                  band * index +
                  band * (stacked ? 0.2 : 0.15) +
                  (stacked ? 0 : width * position);
                const top = stacked ? yOf(stackTop + value) : yOf(value);
                const bottom = stacked ? yOf(stackTop) : yOf(0);
                stackTop += stacked ? value : 0;
                return (
                  <g key={`${category}-${item.name}`}>
                    <rect x={x} y={top} width={width} height={Math.max(0, bottom - top)} fill={item.color}>
                      <title>{`${item.name} · ${category}: ${value}`}</title>
                    </rect>
                    {props.options?.showDataLabels && (
                      <text className="pv-chart__tick" x={x + width / 2} y={top - 4} textAnchor="middle">
                        {value}
                      </text>
                    )}
                  </g>
                );
              });
            })
          : series.map((item) => (
              <polyline
                key={item.name}
                fill="none"
                stroke={item.color}
                strokeWidth={2}
                points={item.values
                  .map((value, index) => `${MARGIN.left + band * index + band / 2},${yOf(value)}`)
                  .join(' ')}
              />
            ))}
        <text className="pv-chart__axis" x={MARGIN.left + plotWidth / 2} y={HEIGHT - 4} textAnchor="middle">
          {props.axes.x.label ?? props.axes.x.field}
        </text>
      </svg>
      {(props.options?.showLegend ?? series.length > 1) && (
        <ul className={cx('pv-chart__legend')}>
          {series.map((item) => (
            <li key={item.name}>
              <span className="pv-chart__swatch" style={{ background: item.color }} />
              {item.name}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}

export function BarChart(props: ChartProps) {
  return <Chart {...props} kind="bar" />;
}

export function LineChart(props: ChartProps) {
  return <Chart {...props} kind="line" />;
}
