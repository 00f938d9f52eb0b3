/**
 * The HTML report of `datagen compare --report`: one self-contained file like validate's (its chart libraries,
 * styles and chart renderer are reused): the overall score and the categories, the tables, then per table its
 * column shapes (source vs twin charts), column pairs, time patterns, keys and privacy figures.
 */
import type { TopLevelSpec } from 'vega-lite';
import { chartLibraries } from '../validate/report/assets.ts';
import { CSS, RENDER, scriptJson } from '../validate/report/html.ts';
import { CATEGORY_NAMES } from './format.ts';
import type { ColumnShape, CompareReport } from './types.ts';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => ESC[c]);
const pct = (x: number | null | undefined) => (x === null || x === undefined ? '–' : `${(100 * x).toFixed(1)} %`);
const fix = (x: number | null | undefined, d = 3) => (x === null || x === undefined ? '–' : x.toFixed(d));
const status = (x: number | null | undefined, good = 0.9) => (x === null || x === undefined ? '' : x >= good ? 'pass' : x >= good - 0.2 ? 'warn' : 'fail');

const SERIES = { domain: ['source', 'twin'], range: ['#9aa5b1', '#2563eb'] };

/** Source vs twin shares as grouped bars. */
function barsChart(title: string, labels: string[], source: number[], twin: number[]): TopLevelSpec {
  const values = labels.flatMap((label, i) => [{ label, i, series: 'source', share: source[i] ?? 0 }, { label, i, series: 'twin', share: twin[i] ?? 0 }]);
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title, width: Math.max(260, labels.length * 16), height: 120,
    data: { values },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: 'label', type: 'ordinal', sort: { field: 'i' }, title: null, axis: { labelAngle: labels.length > 8 ? -45 : 0, labelLimit: 90 } },
      xOffset: { field: 'series' },
      y: { field: 'share', type: 'quantitative', title: null, axis: { format: '.0%', tickCount: 3 } },
      color: { field: 'series', type: 'nominal', scale: SERIES, title: null },
    },
  };
}

class Charts {
  readonly specs: unknown[] = [];
  add(spec: unknown, label: string): string {
    this.specs.push(spec);
    return `<div class="chart" data-chart="${this.specs.length - 1}" role="img" aria-label="${esc(label)}"></div>`;
  }
}

/** A type for the table: an ENUM by its size, not its values. */
const typeName = (t: string) => (/^ENUM\(/.test(t) ? `ENUM (${t.split("', '").length} values)` : t);

function shapeRow(s: ColumnShape): string {
  const cls = s.status === 'missing' ? 'fail' : s.status === 'skipped' ? '' : status(s.score);
  return `<tr class="${cls}"><td><code>${esc(s.column)}</code></td><td>${esc(s.kind)}</td><td>${s.metric === 'ks' ? '1 − KS' : s.metric === 'tvd' ? '1 − TVD' : ''}</td>`
    + `<td>${s.status === 'skipped' ? '' : pct(s.score)}</td><td>${pct(s.sourceNullShare)} / ${pct(s.twinNullShare)}</td><td>${esc(typeName(s.sourceType))}${s.twinType && s.twinType !== s.sourceType ? ` / ${esc(typeName(s.twinType))}` : ''}</td><td>${esc(s.note ?? '')}</td></tr>`;
}

const WORDS = ['hour', 'weekday', 'month'] as const;
const TIME_LABELS = { hour: Array.from({ length: 24 }, (_, i) => String(i)), weekday: ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'], month: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] };

/** The whole report as one HTML document. */
export function renderCompareHtml(r: CompareReport): string {
  const charts = new Charts();
  const cats = Object.entries(CATEGORY_NAMES).map(([k, name]) => {
    const v = r.categories[k as keyof typeof CATEGORY_NAMES];
    return `<tr class="${status(v)}"><td>${name}</td><td>${pct(v)}</td></tr>`;
  }).join('') + (r.correlatedPairTrends.pairs
    ? `<tr class="${status(r.correlatedPairTrends.score)}"><td>… the ${r.correlatedPairTrends.pairs} pairs correlated in the source <small>(not in overall)</small></td><td>${pct(r.correlatedPairTrends.score)}</td></tr>` : '');
  const tables = r.tables.map((t) => `<tr class="${t.status === 'missing' ? 'fail' : ''}"><td><a href="#t-${esc(t.table)}"><code>${esc(t.table)}</code></a></td><td>${t.status}</td>`
    + `<td>${t.sourceRows?.toLocaleString('en-US') ?? '–'}</td><td>${t.twinRows?.toLocaleString('en-US') ?? '–'}</td>`
    + `<td>${t.missingColumns.map((c) => `<code>${esc(c)}</code>`).join(' ')}</td><td>${t.extraColumns.map((c) => `<code>${esc(c)}</code>`).join(' ')}</td>`
    + `<td>${t.pairSample ? `${t.pairSample.source.toLocaleString('en-US')} / ${t.pairSample.twin.toLocaleString('en-US')} rows` : 'every row'}</td></tr>`).join('');
  const keys = r.foreignKeys.map((fk) => {
    const c = r.cardinality.find((x) => x.table === fk.table && x.column === fk.column);
    const i = r.integrity.find((x) => x.table === fk.table && x.column === fk.column);
    return `<tr class="${status(Math.min(c?.score ?? 1, i?.score ?? 1))}"><td><code>${esc(fk.table)}.${esc(fk.column)}</code> → <code>${esc(fk.refTable)}.${esc(fk.refColumn)}</code></td><td>${fk.origin}</td>`
      + `<td>${pct(c?.score)}</td><td>${fix(c?.sourceMean, 2)} / ${fix(c?.twinMean, 2)}</td><td>${pct(c?.sourceZeroShare)} / ${pct(c?.twinZeroShare)}</td>`
      + `<td>${pct(i?.score)} <small>(${(i?.twinFound ?? 0).toLocaleString('en-US')} of ${(i?.twinValues ?? 0).toLocaleString('en-US')})</small></td><td>${pct(i?.sourceShare)}</td><td>${esc([c?.note, i?.note].filter(Boolean).join('; '))}</td></tr>`;
  }).join('');

  const perTable = r.tables.filter((t) => t.status !== 'extra').map((t) => {
    const shapes = r.columnShapes.filter((s) => s.table === t.table);
    const cards = shapes.filter((s) => s.chart).map((s) => `<figure class="card ${status(s.score)}">${charts.add(barsChart(`${s.column}: ${pct(s.score)}`, s.chart!.labels, s.chart!.source, s.chart!.twin), `${t.table}.${s.column} source vs twin`)}</figure>`).join('');
    const pairs = r.columnPairs.filter((p) => p.table === t.table).sort((a, b) => (a.score ?? 2) - (b.score ?? 2));
    const pairRows = pairs.map((p) => `<tr class="${status(p.score)}"><td><code>${esc(p.columns[0])}</code> × <code>${esc(p.columns[1])}</code></td><td>${p.metric}</td><td>${pct(p.score)}</td><td>${fix(p.source)}</td><td>${fix(p.twin)}</td><td>${p.correlatedInSource ? 'yes' : ''}</td><td>${esc(p.note ?? '')}</td></tr>`).join('');
    const times = r.timePatterns.filter((p) => p.table === t.table).map((p) => {
      const figs = WORDS.filter((w) => p.shares[w]).map((w) => `<figure class="card ${status(p[w] === null ? null : 1 - p[w]!, 0.95)}">${charts.add(barsChart(`${p.column} by ${w}: distance ${fix(p[w])}`, TIME_LABELS[w], p.shares[w]!.source, p.shares[w]!.twin), `${t.table}.${p.column} by ${w}`)}</figure>`).join('');
      return `<h4><code>${esc(p.column)}</code></h4><div class="grid">${figs}</div>`;
    }).join('');
    const pv = r.privacy.find((p) => p.table === t.table);
    const privacy = pv ? `<p>${pv.identicalRows.toLocaleString('en-US')} of ${pv.twinRows.toLocaleString('en-US')} twin rows (${pct(pv.identicalShare)}) equal a source row on ${pv.columns.map((c) => `<code>${esc(c)}</code>`).join(', ')}.`
      + (pv.dcr ? ` Distance to the closest source record (${pv.dcr.twinSample.toLocaleString('en-US')} twin rows against ${pv.dcr.sourceSample.toLocaleString('en-US')} source rows): median ${fix(pv.dcr.median)}, 5th percentile ${fix(pv.dcr.p05)}, ${pct(pv.dcr.zeroShare)} at distance 0; source rows to each other: median ${fix(pv.dcr.baselineMedian)}.` : '') + '</p>' : '';
    return `<section class="table-profile" id="t-${esc(t.table)}"><h3>${esc(t.table)} <small>${t.status}</small></h3>`
      + `<table class="profile"><thead><tr><th>column</th><th>kind</th><th>metric</th><th>score</th><th>nulls source / twin</th><th>type</th><th>note</th></tr></thead><tbody>${shapes.map(shapeRow).join('')}</tbody></table>`
      + (cards ? `<div class="grid">${cards}</div>` : '')
      + (pairRows ? `<details><summary>Column pairs (${pairs.length}, worst first)</summary><table><thead><tr><th>pair</th><th>metric</th><th>score</th><th>source</th><th>twin</th><th>correlated in source</th><th>note</th></tr></thead><tbody>${pairRows}</tbody></table></details>` : '')
      + (times ? `<h4>Time patterns</h4>${times}` : '')
      + (privacy ? `<h4>Privacy</h4>${privacy}` : '')
      + '</section>';
  }).join('');
  const libs = chartLibraries();
  const ok = r.threshold === null ? (r.overall ?? 0) >= 0.8 : r.ok;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>datagen compare — ${esc(r.twin)}</title>
<style>${CSS}
h4 { font-size: 14px; margin: 14px 0 4px; }
</style></head>
<body data-charts="${charts.specs.length}">
<header><h1>${esc(r.twin)} <small>datagen compare</small></h1>
<div class="verdict ${ok ? 'pass' : 'fail'}"><span class="score">${pct(r.overall)}</span><span>overall${r.threshold === null ? '' : ` — threshold ${pct(r.threshold)}: ${r.ok ? 'pass' : 'fail'}`}</span></div>
<p class="meta">source <code>${esc(r.source)}</code> · twin <code>${esc(r.twin)}</code> · computed in ${r.seconds.toFixed(1)} s · datagen ${esc(r.datagenCompare)}</p></header>
<main>
<section id="summary"><h2>Scores</h2><table class="cats"><thead><tr><th>category</th><th>score</th></tr></thead><tbody>${cats}</tbody></table>
<p class="note">Overall = the mean of the categories that have a score (docs/compare.md). Column shapes: 1 − KS for numbers and times, 1 − total variation distance for categories. Column-pair trends: 1 − |Δ correlation| / 2, or 1 − TVD of the joint shares. Cardinality: 1 − KS of children per parent. Referential integrity: share of child values found in the parent. Time patterns: 1 − the mean TVD of the hour, weekday and month shares.</p></section>
<section id="tables"><h2>Tables</h2><table><thead><tr><th>table</th><th>status</th><th>source rows</th><th>twin rows</th><th>missing columns</th><th>extra columns</th><th>pair trends read</th></tr></thead><tbody>${tables}</tbody></table></section>
<section id="keys"><h2>Keys</h2>${keys ? `<table><thead><tr><th>foreign key</th><th>from</th><th>cardinality</th><th>children per parent source / twin</th><th>childless parents source / twin</th><th>integrity</th><th>source integrity</th><th>note</th></tr></thead><tbody>${keys}</tbody></table>` : '<p>No foreign key known: give <code>--spec</code> (the inferred spec) to score cardinality and referential integrity.</p>'}</section>
<section id="columns"><h2>Per table</h2>${perTable}</section>
</main>
<script id="chart-specs" type="application/json">${scriptJson(charts.specs)}</script>
${libs.map((l) => `<script data-lib="${l.name}@${l.version}">${l.code}</script>`).join('\n')}
<script>${RENDER}</script>
</body></html>
`;
}
