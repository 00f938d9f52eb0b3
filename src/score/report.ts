/**
 * The HTML report of `datagen score --html` (docs/anomalies.md#the-html-report): one self-contained file (no
 * network at view time, the chart libraries inlined as in validate's report) with the figures of the JSON report —
 * event level overall, per family, difficulty and measured difficulty, point level and point-adjusted, time to
 * detect — every event in a table, and each event drawn on its series with the window and the detections
 * (Vega-Lite). The JSON report itself is embedded (`<script id="score-report">`): the page's figures are its
 * figures.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { LabelEvent } from '../sinks/labels.ts';
import { chartLibraries } from '../validate/report/assets.ts';
import { CSS, escapeHtml, RENDER, scriptJson } from '../validate/report/html.ts';
import type { Detection } from './detections.ts';
import type { Figures, PointFigures, ScoreReport } from './score.ts';
import { type EventSeries, seriesRange } from './series.ts';

/** Events drawn at most (every event is listed; a chart each for the first ones, by table and start). */
export const MAX_EVENT_CHARTS = 200;

export interface ScorePage {
  report: ScoreReport;
  /** Every event of the file (scored or not), by table, start and id. */
  events: LabelEvent[];
  detections: Detection[];
  /** The detections that find each scored event. */
  matches: Map<string, Detection[]>;
  series: Map<string, EventSeries>;
  database: string;
  detectionsFile: string;
  datagenVersion: string;
}

const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);
const iso = (ms: number) => new Date(ms).toISOString().replace(':00.000Z', 'Z').replace('.000Z', 'Z');
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

function figuresRow(name: string, f: Figures): string {
  return `<tr><td>${escapeHtml(name)}</td><td>${f.events}</td><td>${f.found}</td><td>${pct(f.recall)}</td><td>${f.detections}</td><td>${f.truePositives}</td><td>${f.falsePositives}</td><td>${pct(f.precision)}</td><td>${pct(f.f1)}</td></tr>`;
}

function figuresTable(rows: [string, Figures][]): string {
  return `<table class="figures"><thead><tr><th></th><th>events</th><th>found</th><th>recall</th><th>detections</th><th>on an event</th><th>false alarms</th><th>precision</th><th>F1</th></tr></thead><tbody>${rows.map(([k, f]) => figuresRow(k, f)).join('')}</tbody></table>`;
}

function pointRow(name: string, f: PointFigures): string {
  return `<tr><td>${escapeHtml(name)}</td><td>${f.truthPoints}</td><td>${f.covered}</td><td>${pct(f.recall)}</td><td>${f.detectedPoints}</td><td>${f.hits}</td><td>${pct(f.precision)}</td><td>${pct(f.f1)}</td></tr>`;
}

/** Recall and precision per group (family, difficulty, measured difficulty) as grouped bars. */
function groupsChart(r: ScoreReport): TopLevelSpec {
  const values: { group: string; i: number; measure: string; value: number | null }[] = [];
  const add = (prefix: string, g: Record<string, Figures>) => Object.entries(g).forEach(([k, f]) => {
    const group = `${prefix}${k}`;
    values.push({ group, i: values.length, measure: 'recall', value: f.recall }, { group, i: values.length + 1, measure: 'precision', value: f.precision });
  });
  add('', r.byFamily);
  add('difficulty ', r.byDifficulty);
  add('measured ', r.byMeasuredDifficulty);
  return {
    $schema: SCHEMA, title: 'Recall and precision by family and difficulty', width: Math.max(320, (values.length / 2) * 46), height: 180,
    data: { values },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: 'group', type: 'nominal', sort: { field: 'i' }, title: null, axis: { labelAngle: -30 } },
      xOffset: { field: 'measure' },
      y: { field: 'value', type: 'quantitative', title: null, scale: { domain: [0, 1] }, axis: { format: '.0%' } },
      color: { field: 'measure', type: 'nominal', scale: { domain: ['recall', 'precision'], range: ['#2563eb', '#0f766e'] }, title: null },
    },
  };
}

/** One event on its series: the series, the window shaded, the detections as rules (windows as bands). */
function eventChart(e: LabelEvent, s: EventSeries | undefined, nearby: { d: Detection; kind: string }[]): TopLevelSpec {
  const range = s ?? { ...seriesRange(e), points: [], column: e.target_column, entityColumn: null };
  const x = { field: 't', type: 'temporal' as const, title: null, scale: { domain: [iso(range.from), iso(range.to)] } };
  const kinds = { domain: ['finds this event', 'finds another event', 'false alarm'], range: ['#15803d', '#7c3aed', '#ea580c'] };
  const dets = nearby.map(({ d, kind }) => ({ t: iso(d.start), t2: iso(d.end), kind, line: d.line, entity: d.entity ?? 'any', score: d.score }));
  const layer: unknown[] = [
    { data: { values: [{ t: e.start, t2: e.end }] }, mark: { type: 'rect', color: '#fecaca', opacity: 0.6 }, encoding: { x, x2: { field: 't2' } } },
  ];
  if (range.points.length) {
    layer.push({
      data: { values: range.points.map((p) => ({ t: iso(p.t), value: p.value })) },
      mark: { type: 'line', point: { size: 14 }, tooltip: true, color: '#1f2933' },
      encoding: { x, y: { field: 'value', type: 'quantitative', title: range.column ? `Σ ${range.column} per ${range.bucket}` : `rows per ${range.bucket}`, scale: { zero: false } } },
    });
  }
  if (dets.length) {
    layer.push({ data: { values: dets.filter((d) => d.t2 !== d.t) }, mark: { type: 'rect', opacity: 0.25 }, encoding: { x, x2: { field: 't2' }, color: { field: 'kind', type: 'nominal', scale: kinds, title: 'detection' } } });
    layer.push({ data: { values: dets }, mark: { type: 'rule', strokeWidth: 2, tooltip: true }, encoding: { x, color: { field: 'kind', type: 'nominal', scale: kinds, title: 'detection' } } });
  }
  return { $schema: SCHEMA, width: 560, height: 150, layer } as TopLevelSpec;
}

/** Charts collected for the page; each placeholder names its index. */
class Charts {
  readonly specs: unknown[] = [];
  add(spec: unknown, label: string): string {
    this.specs.push(spec);
    return `<div class="chart" data-chart="${this.specs.length - 1}" role="img" aria-label="${escapeHtml(label)}"></div>`;
  }
}

function entitiesText(e: LabelEvent): string {
  if (!e.entities.length) return 'all rows';
  const shown = e.entities.slice(0, 3).join(', ');
  return e.entities.length > 3 ? `${shown} … (${e.entities.length})` : shown;
}

/** The whole report as one HTML document. */
export function renderScoreHtml(p: ScorePage): string {
  const r = p.report;
  const charts = new Charts();
  const scoredIds = new Map(r.events.map((s) => [s.event_id, s]));
  const matched = new Set([...p.matches.values()].flat());
  const falseAlarm = new Set(p.detections.filter((d) => !matched.has(d)).map((d) => d.line));
  const groups = charts.add(groupsChart(r), 'recall and precision by family and difficulty');
  const rows = p.events.map((e) => {
    const s = scoredIds.get(e.event_id);
    const found = s ? (s.found ? '<span class="badge pass">found</span>' : '<span class="badge fail">missed</span>') : '<span class="soft">not scored: changed nothing</span>';
    return `<tr id="row-${escapeHtml(e.event_id)}"><td><a href="#event-${escapeHtml(e.event_id)}"><code>${escapeHtml(e.event_id)}</code></a></td><td>${escapeHtml(e.table)}${e.target_column ? `.${escapeHtml(e.target_column)}` : ''}</td><td>${escapeHtml(e.family)}</td><td>${escapeHtml(e.difficulty)}</td><td>${escapeHtml(e.measured_difficulty ?? '—')}</td><td>${e.detectability ?? '—'}</td>`
      + `<td>${escapeHtml(iso(Date.parse(e.start)))} – ${escapeHtml(iso(Date.parse(e.end)))}</td><td>${escapeHtml(entitiesText(e))}</td><td>${found}</td><td>${s ? s.detections : ''}</td><td>${s?.time_to_detect_hours === null || s === undefined ? '' : `${Number(s.time_to_detect_hours.toFixed(2))} h`}</td></tr>`;
  }).join('');
  const cards = p.events.slice(0, MAX_EVENT_CHARTS).map((e) => {
    const s = scoredIds.get(e.event_id);
    const series = p.series.get(e.event_id);
    const { from, to } = series ?? seriesRange(e);
    const mine = new Set(p.matches.get(e.event_id) ?? []);
    const nearby = p.detections.filter((d) => d.table === e.table && d.start < to && d.end >= from && (d.entity === null || e.entities.length === 0 || e.entities.includes(d.entity)))
      .map((d) => ({ d, kind: mine.has(d) ? 'finds this event' : falseAlarm.has(d.line) ? 'false alarm' : 'finds another event' }));
    const status = s ? (s.found ? `found by ${s.detections} detection${s.detections === 1 ? '' : 's'}${s.time_to_detect_hours ? `, ${Number(s.time_to_detect_hours.toFixed(2))} h after its start` : ''}` : 'missed') : 'not scored (it changed nothing)';
    const what = series ? `${series.column ? `Σ ${series.column}` : 'rows'} per ${series.bucket}${series.entityColumn ? ` of ${series.entityColumn} ${entitiesText(e)}` : ''}` : 'no series (the file does not say which column holds the time)';
    return `<figure class="card ${s?.found ? 'pass' : s ? 'fail' : ''}" id="event-${escapeHtml(e.event_id)}">${charts.add(eventChart(e, series, nearby), `event ${e.event_id} on its series with the detections`)}`
      + `<figcaption><code>${escapeHtml(e.event_id)}</code> ${escapeHtml(e.family)} on ${escapeHtml(e.table)}${e.target_column ? `.${escapeHtml(e.target_column)}` : ''} — ${escapeHtml(e.difficulty)}, measured ${escapeHtml(e.measured_difficulty ?? '—')} (z ${e.detectability ?? '—'}), severity ${escapeHtml(e.severity)}, magnitude ${e.magnitude}; ${escapeHtml(status)}. ${escapeHtml(what)}.</figcaption></figure>`;
  }).join('');
  const more = p.events.length > MAX_EVENT_CHARTS ? `<p class="note">The first ${MAX_EVENT_CHARTS} of ${p.events.length} events are drawn; the table above lists them all.</p>` : '';
  const ttd = r.timeToDetect;
  const libs = chartLibraries();
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>datagen score — ${escapeHtml(p.detectionsFile)} on ${escapeHtml(p.database)}</title>
<style>${CSS}</style></head>
<body data-charts="${charts.specs.length}">
<header><h1>${escapeHtml(p.detectionsFile)} <small>datagen score</small></h1>
<div class="verdict ${r.event.recall !== null && r.event.recall >= 0.5 ? 'pass' : 'fail'}"><span class="score">${pct(r.event.f1)}</span><span>event-level F1 — recall ${pct(r.event.recall)}, precision ${pct(r.event.precision)}</span></div>
<p class="meta">database <code>${escapeHtml(p.database)}</code> · detections <code>${escapeHtml(p.detectionsFile)}</code> · ${p.events.length} events (${r.event.events} scored) · ${p.detections.length} detections · tolerance: ${escapeHtml(r.tolerance)} · ${r.periodHours} h points · datagen ${escapeHtml(p.datagenVersion)}</p></header>
<main>
<section id="event-level"><h2>Event level</h2>
${figuresTable([['all events', r.event], ...Object.entries(r.byFamily), ...Object.entries(r.byDifficulty).map(([k, f]) => [`difficulty ${k}`, f] as [string, Figures]), ...Object.entries(r.byMeasuredDifficulty).map(([k, f]) => [`measured ${k}`, f] as [string, Figures])])}
<p class="note">An event is found when a detection names its table (and, if given, one of its entities, a column it affects, its family) and meets its window widened by the tolerance. Per family and difficulty: recall over the group's events; precision over the detections on its events and the false alarms (a false alarm naming a family counts only against that family).</p>
<p>Time to detect: ${ttd.found ? `mean ${Number(ttd.meanHours!.toFixed(2))} h, median ${Number(ttd.medianHours!.toFixed(2))} h over ${ttd.found} found events` : 'no event found'}.</p>
${groups}</section>
<section id="point-level"><h2>Point level <small>${r.periodHours} h points</small></h2>
<table class="figures"><thead><tr><th></th><th>truth points</th><th>covered</th><th>recall</th><th>detected points</th><th>on a truth point</th><th>precision</th><th>F1</th></tr></thead><tbody>${pointRow('points', r.point)}${pointRow('point-adjusted', r.pointAdjusted)}</tbody></table>
<p class="note">A point is (table, entity, period). Point-adjusted: an event with one covered point counts as wholly covered.</p></section>
<section id="events"><h2>Events <small>${p.events.length}</small></h2>
<table class="events"><thead><tr><th>event</th><th>target</th><th>family</th><th>difficulty</th><th>measured</th><th>z</th><th>window</th><th>entities</th><th>result</th><th>detections</th><th>time to detect</th></tr></thead><tbody>${rows}</tbody></table>
${r.falseAlarms.length ? `<p>False alarms (detection lines${r.event.falsePositives > r.falseAlarms.length ? `, the first ${r.falseAlarms.length} of ${r.event.falsePositives}` : ''}): ${r.falseAlarms.join(', ')}</p>` : '<p>No false alarm.</p>'}</section>
<section id="series"><h2>Each event on its series</h2><p class="note">The window is shaded; a detection is a rule at its start (a band over a window): green when it finds this event, violet when it finds another, orange a false alarm.</p><div class="grid">${cards}</div>${more}</section>
</main>
<script id="score-report" type="application/json">${scriptJson(r)}</script>
<script id="chart-specs" type="application/json">${scriptJson(charts.specs)}</script>
${libs.map((l) => `<script data-lib="${l.name}@${l.version}">${l.code}</script>`).join('\n')}
<script>${RENDER}</script>
</body></html>
`;
}
