/**
 * The HTML report of `datagen validate --html`: one self-contained file (no network at view time) with the
 * verdict and score, the checks that failed or warned first (with their examples and charts), expected vs
 * observed charts of the behavioural checks, the dependency graph, and per table its row count and column
 * profiles. Charts are Vega-Lite specifications rendered in the page by vega-embed, whose builds are inlined.
 */
import { CATEGORIES, type CheckResult, type TableProfile, type ValidationReport } from '../types.ts';
import { verdictText } from '../format.ts';
import { chartLibraries } from './assets.ts';
import { checkChart, graphChart, profileChart } from './charts.ts';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: unknown): string {
  return String(s).replace(/[&<>"']/g, (c) => ESC[c]);
}

/** JSON that can sit inside a <script> element: `<` never appears raw, so neither `</script>` nor `<!--` can. */
export function scriptJson(x: unknown): string {
  return JSON.stringify(x).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function short(v: unknown, max = 240): string {
  const s = v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function where(c: CheckResult): string {
  return c.column ? `${c.table}.${c.column}` : c.table;
}

/** Collects chart specifications; each placeholder element names its index. */
class Charts {
  readonly specs: unknown[] = [];
  add(spec: unknown, label: string, cls = 'chart'): string {
    this.specs.push(spec);
    return `<div class="${cls}" data-chart="${this.specs.length - 1}" role="img" aria-label="${escapeHtml(label)}"></div>`;
  }
}

function badge(status: string): string {
  return `<span class="badge ${status}">${status}</span>`;
}

function checkRow(c: CheckResult): string {
  const tol = c.tolerance === null || c.tolerance === undefined ? '' : short(c.tolerance, 120);
  return `<tr class="${c.status}"><td>${badge(c.status)}${c.hard ? '' : ' <span class="soft">soft</span>'}</td><td><code>${escapeHtml(c.check)}</code></td><td>${escapeHtml(where(c))}</td>`
    + `<td>${escapeHtml(c.message)}${c.specPath ? `<div class="path">spec <code>${escapeHtml(c.specPath)}</code></div>` : ''}</td>`
    + `<td><code>${escapeHtml(short(c.expected))}</code></td><td><code>${escapeHtml(short(c.observed))}</code></td><td><code>${escapeHtml(tol)}</code></td>`
    + `<td>${c.examples.length ? c.examples.map((e) => `<code>${escapeHtml(short(e, 60))}</code>`).join(' ') : ''}</td></tr>`;
}

function checksTable(list: CheckResult[]): string {
  return `<table class="checks"><thead><tr><th>status</th><th>check</th><th>where</th><th>what</th><th>expected</th><th>observed</th><th>tolerance</th><th>examples</th></tr></thead><tbody>${list.map(checkRow).join('')}</tbody></table>`;
}

function chartCard(c: CheckResult, charts: Charts): string {
  if (!c.chart) return '';
  return `<figure class="card ${c.status}">${charts.add(checkChart(c.chart), `${c.check} ${where(c)}: expected vs observed`)}<figcaption>${badge(c.status)} <code>${escapeHtml(c.check)}</code> ${escapeHtml(where(c))} — ${escapeHtml(c.message)}</figcaption></figure>`;
}

function fmtNum(v: unknown): string {
  if (typeof v === 'number') return Number.isInteger(v) ? v.toLocaleString('en-US') : Number(v.toPrecision(5)).toString();
  return v === null || v === undefined ? '' : String(v);
}

function profileSection(p: TableProfile, charts: Charts): string {
  const rows = p.columns.map((c) => {
    const spec = profileChart(p.table, c);
    const nullShare = p.rows ? ` (${((100 * c.nulls) / p.rows).toFixed(1)} %)` : '';
    return `<tr><td><code>${escapeHtml(c.name)}</code></td><td>${escapeHtml(c.type)}</td><td>${fmtNum(c.nulls)}${c.nulls ? nullShare : ''}</td><td>${c.distinctApprox ? '≈' : ''}${fmtNum(c.distinct)}</td>`
      + `<td>${escapeHtml(fmtNum(c.min))}</td><td>${escapeHtml(fmtNum(c.max))}</td><td>${escapeHtml(fmtNum(c.mean))}</td>`
      + `<td>${spec ? charts.add(spec, `${p.table}.${c.name} distribution`, 'chart small') : ''}</td></tr>`;
  }).join('');
  return `<section class="table-profile" id="table-${escapeHtml(p.table)}"><h3>${escapeHtml(p.table)} <small>${p.rows.toLocaleString('en-US')} rows</small></h3>`
    + `<table class="profile"><thead><tr><th>column</th><th>type</th><th>nulls</th><th>distinct</th><th>min</th><th>max</th><th>mean</th><th>distribution</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}

/** The whole report as one HTML document. */
export function renderHtml(r: ValidationReport): string {
  const charts = new Charts();
  const problems = r.checks.filter((c) => c.status !== 'pass');
  const passed = r.checks.filter((c) => c.status === 'pass');
  const verdict = verdictText(r);
  const cats = CATEGORIES.map((k) => {
    const s = r.categories[k];
    return `<tr><td>${k}</td><td>${s.score === null ? '–' : s.score.toFixed(1)}</td><td>${s.checks}</td><td>${s.pass}</td><td>${s.warn}</td><td>${s.fail}</td></tr>`;
  }).join('');

  const problemCharts = problems.map((c) => chartCard(c, charts)).join('');
  const behaviourCharts = passed.filter((c) => c.chart).map((c) => chartCard(c, charts)).join('');
  const graph = charts.add(graphChart(r.tables), 'dependency graph of the tables');
  const tableRows = r.tables.map((t) => `<tr><td><a href="#table-${escapeHtml(t.table)}"><code>${escapeHtml(t.table)}</code></a></td><td>${escapeHtml(t.kind)}</td><td>${t.rows.toLocaleString('en-US')}</td><td>${t.dependsOn.map((d) => `<code>${escapeHtml(d)}</code>`).join(' ')}</td></tr>`).join('');
  const profiles = (r.profiles ?? []).map((p) => profileSection(p, charts)).join('');
  const libs = chartLibraries();

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>datagen validate — ${escapeHtml(r.name)}</title>
<style>${CSS}</style></head>
<body data-charts="${charts.specs.length}">
<header><h1>${escapeHtml(r.name)} <small>datagen validate</small></h1>
<div class="verdict ${r.ok ? 'pass' : 'fail'}"><span class="score">${r.score.toFixed(1)}</span><span>/ 100 — ${escapeHtml(verdict)}</span></div>
<p class="meta">spec <code>${escapeHtml(r.spec)}</code> · database <code>${escapeHtml(r.database)}</code> · seed ${r.seed} · scale ${r.scale} · ${r.softFailuresAllowed ? `soft failures allowed, threshold ${r.threshold}` : 'any failed check fails'} · ${r.checks.length} checks in ${r.seconds.toFixed(2)} s · datagen ${escapeHtml(r.datagenVersion)}</p></header>
<main>
<section id="summary"><h2>Score by category</h2><table class="cats"><thead><tr><th>category</th><th>score</th><th>checks</th><th>passed</th><th>warned</th><th>failed</th></tr></thead><tbody>${cats}</tbody></table>
<p class="note">Score = weighted mean over the categories that have checks (structural 0.3, value 0.2, behavioural 0.35, targets 0.15); a category scores 100 × (passed + ½ warned) / checks.</p></section>
<section id="problems"><h2>Failed and warned checks <small>${problems.length}</small></h2>${problems.length ? checksTable(problems) + (problemCharts ? `<div class="grid">${problemCharts}</div>` : '') : '<p>None: every check passed.</p>'}</section>
<section id="behaviour"><h2>Behaviour: expected vs observed</h2>${behaviourCharts ? `<div class="grid">${behaviourCharts}</div>` : '<p>No passing behavioural check has a chart.</p>'}</section>
<section id="graph"><h2>Dependency graph</h2>${graph}<table class="tables"><thead><tr><th>table</th><th>kind</th><th>rows</th><th>depends on</th></tr></thead><tbody>${tableRows}</tbody></table></section>
<section id="tables"><h2>Tables and column profiles</h2>${profiles || '<p>No profiles in this report.</p>'}</section>
<section id="passed"><details><summary>Passed checks (${passed.length})</summary>${checksTable(passed)}</details></section>
</main>
<script id="chart-specs" type="application/json">${scriptJson(charts.specs)}</script>
${libs.map((l) => `<script data-lib="${l.name}@${l.version}">${l.code}</script>`).join('\n')}
<script>${RENDER}</script>
</body></html>
`;
}

/** Renders every placeholder; marks each `data-rendered` or `data-error`, and the body `data-rendered` with the count. */
export const RENDER = `
(function () {
  var specs = JSON.parse(document.getElementById('chart-specs').textContent);
  var els = document.querySelectorAll('[data-chart]');
  var jobs = Array.prototype.map.call(els, function (el) {
    var spec = specs[Number(el.getAttribute('data-chart'))];
    return vegaEmbed(el, spec, { actions: false, renderer: 'svg' }).then(function () {
      el.setAttribute('data-rendered', '1');
    }, function (e) {
      el.setAttribute('data-error', String(e && e.message || e));
      el.textContent = 'chart failed: ' + (e && e.message || e);
      console.error(e);
    });
  });
  Promise.all(jobs).then(function () {
    document.body.setAttribute('data-rendered', String(document.querySelectorAll('[data-rendered="1"]').length));
  });
})();
`;

export const CSS = `
:root { font-family: system-ui, -apple-system, Segoe UI, Roboto, sans-serif; color: #1f2933; background: #f8fafc; }
body { margin: 0; }
header { background: #fff; border-bottom: 1px solid #e4e7eb; padding: 16px 28px; }
h1 { margin: 0 0 8px; font-size: 22px; } h1 small, h2 small, h3 small { color: #7b8794; font-weight: normal; }
h2 { font-size: 18px; margin: 28px 0 10px; } h3 { font-size: 15px; margin: 18px 0 6px; }
main { padding: 0 28px 40px; }
.verdict { display: inline-flex; gap: 10px; align-items: baseline; padding: 6px 14px; border-radius: 8px; font-weight: 600; }
.verdict .score { font-size: 28px; }
.verdict.pass { background: #e3f9e5; color: #05400a; } .verdict.fail { background: #ffe3e3; color: #610404; }
.meta, .note { color: #52606d; font-size: 13px; }
table { border-collapse: collapse; background: #fff; font-size: 13px; margin: 6px 0; }
th, td { border: 1px solid #e4e7eb; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f1f5f9; }
table.checks td:nth-child(5), table.checks td:nth-child(6), table.checks td:nth-child(7) { max-width: 220px; overflow-wrap: anywhere; }
tr.fail td:first-child { background: #ffe3e3; } tr.warn td:first-child { background: #fff3c4; }
.badge { display: inline-block; padding: 1px 7px; border-radius: 10px; font-size: 12px; font-weight: 600; }
.badge.pass { background: #e3f9e5; color: #05400a; } .badge.warn { background: #fff3c4; color: #513c06; } .badge.fail { background: #ffe3e3; color: #610404; }
.soft { color: #7b8794; font-size: 11px; }
.path { color: #7b8794; font-size: 11px; margin-top: 2px; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
.grid { display: flex; flex-wrap: wrap; gap: 14px; margin-top: 12px; }
figure.card { margin: 0; background: #fff; border: 1px solid #e4e7eb; border-radius: 8px; padding: 10px; max-width: 100%; overflow-x: auto; }
figure.card.fail { border-color: #f29b9b; } figure.card.warn { border-color: #f0c75e; }
figcaption { font-size: 12px; color: #3e4c59; max-width: 520px; margin-top: 4px; }
.chart.small { min-width: 200px; }
details summary { cursor: pointer; font-weight: 600; margin: 20px 0 8px; }
`;
