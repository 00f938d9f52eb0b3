/**
 * Vega-Lite specifications for the HTML report: expected vs observed (bars, lines, heatmaps) for behavioural
 * checks, histograms and top values for column profiles, and the table dependency graph. Pure data → spec
 * functions; the page renders them with vega-embed (bundled into the file).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { ChartData, ColumnProfile, ValidationReport } from '../types.ts';

const SERIES = { domain: ['expected', 'observed'], range: ['#9aa5b1', '#2563eb'] };
const WIDTH = 420;

function fmt(unit?: string): string {
  return unit === '%' ? '.1%' : '.4~g';
}

/** Expected vs observed for a behavioural check. */
export function checkChart(c: ChartData): TopLevelSpec {
  if (c.kind === 'bars') {
    const values = c.labels.flatMap((label, i) => [
      { label, i, series: 'expected', value: c.expected[i] ?? null },
      { label, i, series: 'observed', value: c.observed[i] ?? null },
    ]);
    return {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: c.title, width: Math.max(WIDTH, c.labels.length * 18), height: 180,
      data: { values },
      mark: { type: 'bar', tooltip: true },
      encoding: {
        x: { field: 'label', type: 'ordinal', sort: { field: 'i' }, title: null, axis: { labelAngle: c.labels.length > 12 ? -45 : 0 } },
        xOffset: { field: 'series' },
        y: { field: 'value', type: 'quantitative', title: c.unit ?? null, axis: { format: fmt(c.unit) } },
        color: { field: 'series', type: 'nominal', scale: SERIES, title: null },
      },
    };
  }
  if (c.kind === 'line') {
    const values = c.x.flatMap((x, i) => [
      { x, i, series: 'expected', value: c.expected[i] ?? null },
      { x, i, series: 'observed', value: c.observed[i] ?? null },
    ]);
    const numeric = c.x.every((x) => typeof x === 'number');
    return {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      title: c.title, width: WIDTH, height: 180,
      data: { values },
      mark: { type: 'line', point: true, tooltip: true },
      encoding: {
        x: numeric ? { field: 'x', type: 'quantitative', title: c.xLabel ?? null } : { field: 'x', type: 'ordinal', sort: { field: 'i' }, title: c.xLabel ?? null },
        y: { field: 'value', type: 'quantitative', title: c.unit ?? null, axis: { format: fmt(c.unit) }, scale: { zero: false } },
        color: { field: 'series', type: 'nominal', scale: SERIES, title: null },
        strokeDash: { field: 'series', type: 'nominal', scale: { domain: SERIES.domain, range: [[4, 3], [1, 0]] }, legend: null },
      },
    };
  }
  const cells = (m: number[][] | undefined, series: string) =>
    (m ?? []).flatMap((row, r) => row.map((value, k) => ({ row: c.rows[r], ri: r, col: c.cols[k], ci: k, series, value: Number.isFinite(value) ? value : null })));
  const values = [...cells(c.observed, 'observed'), ...(c.expected ? cells(c.expected, 'expected') : [])];
  const cellW = Math.max(8, Math.min(28, Math.floor(360 / Math.max(1, c.cols.length))));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: c.title,
    data: { values },
    facet: { column: { field: 'series', type: 'nominal', sort: ['observed', 'expected'], title: null } },
    spec: {
      width: cellW * c.cols.length, height: Math.max(8, Math.min(24, Math.floor(300 / Math.max(1, c.rows.length)))) * c.rows.length,
      mark: { type: 'rect', tooltip: true },
      encoding: {
        x: { field: 'col', type: 'ordinal', sort: { field: 'ci' }, title: null, axis: { labelOverlap: c.cols.length > 12 ? 'parity' : false, labelAngle: c.cols.length > 12 ? -90 : c.cols.some((l) => l.length * 6 > cellW) ? -45 : 0 } },
        y: { field: 'row', type: 'ordinal', sort: { field: 'ri' }, title: null },
        color: { field: 'value', type: 'quantitative', title: c.unit ?? null, scale: { scheme: 'blues' } },
      },
    },
  };
}

/** A 20-bin histogram (numeric or datetime) or the top values of a column. */
export function profileChart(table: string, p: ColumnProfile): TopLevelSpec | null {
  if (p.histogram?.length) {
    const temporal = typeof p.histogram[0].from === 'string';
    return {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 260, height: 90,
      data: { values: p.histogram },
      mark: { type: 'bar', tooltip: true, color: '#2563eb' },
      encoding: {
        x: { field: 'from', type: temporal ? 'temporal' : 'quantitative', title: null, axis: { tickCount: 4 } },
        x2: { field: 'to' },
        y: { field: 'count', type: 'quantitative', title: null, axis: { tickCount: 3 }, scale: { zero: true } },
        y2: { datum: 0 },
      },
      description: `${table}.${p.name} histogram`,
    };
  }
  if (p.top?.length) {
    return {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 200, height: { step: 12 },
      data: { values: p.top },
      mark: { type: 'bar', tooltip: true, color: '#0f766e' },
      encoding: {
        y: { field: 'value', type: 'nominal', sort: '-x', title: null, axis: { labelLimit: 140 } },
        x: { field: 'count', type: 'quantitative', title: null, axis: { tickCount: 3 } },
      },
      description: `${table}.${p.name} top values`,
    };
  }
  return null;
}

/**
 * The dependency graph: tables laid out by level (x) and order within the level (y), an edge from each table to
 * the tables it depends on; node colour by kind, label with the row count.
 */
export function graphChart(tables: ValidationReport['tables']): TopLevelSpec {
  const byLevel = new Map<number, number>();
  const pos = new Map<string, { x: number; y: number }>();
  for (const t of tables) {
    const y = byLevel.get(t.level) ?? 0;
    byLevel.set(t.level, y + 1);
    pos.set(t.table, { x: t.level, y });
  }
  const nodes = tables.map((t) => ({ ...pos.get(t.table)!, table: t.table, kind: t.kind, rows: t.rows, label: `${t.table} (${t.rows.toLocaleString('en-US')})` }));
  const edges = tables.flatMap((t) => t.dependsOn.filter((d) => pos.has(d)).map((d) => ({ x: pos.get(d)!.x, y: pos.get(d)!.y, x2: pos.get(t.table)!.x, y2: pos.get(t.table)!.y, from: d, to: t.table })));
  const levels = Math.max(1, byLevel.size);
  const tallest = Math.max(1, ...byLevel.values());
  const xScale = { domain: [-0.3, levels - 0.3] };
  const yScale = { domain: [tallest - 0.5, -0.5] };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Tables and what they depend on (left to right)',
    width: Math.max(300, levels * 190), height: Math.max(80, tallest * 46),
    layer: [
      {
        data: { values: edges },
        mark: { type: 'rule', color: '#9aa5b1', strokeWidth: 1.5 },
        encoding: {
          x: { field: 'x', type: 'quantitative', scale: xScale, axis: null }, y: { field: 'y', type: 'quantitative', scale: yScale, axis: null },
          x2: { field: 'x2' }, y2: { field: 'y2' },
        },
      },
      {
        data: { values: nodes },
        mark: { type: 'point', filled: true, size: 160, tooltip: true },
        encoding: {
          x: { field: 'x', type: 'quantitative', scale: xScale, axis: null }, y: { field: 'y', type: 'quantitative', scale: yScale, axis: null },
          color: { field: 'kind', type: 'nominal', title: 'kind' },
        },
      },
      {
        data: { values: nodes },
        mark: { type: 'text', align: 'left', dx: 10, fontSize: 11 },
        encoding: {
          x: { field: 'x', type: 'quantitative', scale: xScale, axis: null }, y: { field: 'y', type: 'quantitative', scale: yScale, axis: null },
          text: { field: 'label' },
        },
      },
    ],
    config: { view: { stroke: null } },
  };
}
