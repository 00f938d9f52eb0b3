/** `datagen score <db> <detections>`: a detector's detections against the file's `_label_events` (docs/anomalies.md#scoring-a-detector). */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDuration } from '../plan/time.ts';
import { DetectionsError, parseDetections } from '../score/detections.ts';
import { type Figures, matchesByEvent, type PointFigures, type ScoreReport, scoreDetections } from '../score/score.ts';
import { readEvents } from '../sinks/labels.ts';
import { writeOutputFile } from './write-output.ts';
import { type Io, UserError } from './io.ts';
import { checkOutputTarget } from './output-target.ts';
import { VERSION } from '../version.ts';
import { describeErrno } from './signals.ts';

export interface ScoreFlags {
  level: 'event' | 'point';
  tolerance?: string;
  period?: string;
  report?: string;
  html?: string;
  force?: boolean;
}

function duration(option: string, given: string | undefined, zero: boolean): number | undefined {
  if (given === undefined) return undefined;
  const ms = parseDuration(given);
  if (ms === undefined || ms < 0 || (!zero && ms === 0)) throw new UserError(`${option} ${JSON.stringify(given)} is not a ${zero ? '' : 'positive '}duration`, 'DG_BAD_OPTION', `e.g. ${option} ${zero ? '0h' : '1h'} (m, h, d, w)`);
  return ms;
}

export async function scoreCommand(dbFile: string, detectionsFile: string, o: ScoreFlags, io: Io): Promise<number> {
  const toleranceMs = duration('--tolerance', o.tolerance, true);
  const periodMs = duration('--period', o.period, false);
  const out = o.report === undefined ? null : checkOutputTarget(o.report, io.cwd, { option: '--report', kind: 'score-json', force: o.force, inputs: [dbFile, detectionsFile] });
  const html = o.html === undefined ? null : checkOutputTarget(o.html, io.cwd, { option: '--html', kind: 'score-html', force: o.force, inputs: [dbFile, detectionsFile] });
  if (out && html && out === html) throw new UserError(`--report and --html name the same file ${JSON.stringify(o.report)}`, 'DG_OUTPUT_IS_INPUT', 'give each report its own file');
  const db = resolve(io.cwd, dbFile);
  if (!existsSync(db)) throw new UserError(`database file "${dbFile}" does not exist`, 'DG_DB_MISSING', 'generate it with: datagen run <spec.json> -o <db.duckdb>');
  let text: string;
  try {
    text = readFileSync(resolve(io.cwd, detectionsFile), 'utf8');
  } catch (e) {
    throw new UserError(`detections file "${detectionsFile}" cannot be read: ${describeErrno(e as NodeJS.ErrnoException)}`, 'DG_BAD_DETECTIONS', 'CSV with a header row or JSON Lines: table, entity, timestamp (or start, end), column, family, score');
  }
  let detections;
  try {
    detections = parseDetections(text, detectionsFile);
  } catch (e) {
    if (e instanceof DetectionsError) throw new UserError(e.message, 'DG_BAD_DETECTIONS', e.hint);
    throw e;
  }
  let events;
  try {
    events = await readEvents(db);
  } catch (e) {
    // a file that is no DuckDB database, or a damaged one, keeps its own code (src/sinks/read.ts)
    if ((e as { code?: unknown }).code !== undefined) throw e;
    throw new UserError((e as Error).message, 'DG_DB_MISSING', 'datagen run writes _label_events: run the spec again into a new file');
  }
  const report = scoreDetections(events, detections, { toleranceMs, periodMs });
  io.stdout.write(formatScore(report, o.level));
  const outputs: [string, string, () => string][] = [];
  if (out) outputs.push([out, `--report ${JSON.stringify(o.report)}`, () => JSON.stringify(report, null, 2) + '\n']);
  if (html) {
    // each event's series, read from the file (docs/anomalies.md#the-html-report)
    const [{ eventSeries }, { MAX_EVENT_CHARTS, renderScoreHtml }] = await Promise.all([import('../score/series.ts'), import('../score/report.ts')]);
    const series = await eventSeries(db, events, MAX_EVENT_CHARTS);
    const page = { report, events, detections, matches: matchesByEvent(events, detections, { toleranceMs }), series, database: dbFile, detectionsFile, datagenVersion: VERSION };
    outputs.push([html, `--html ${JSON.stringify(o.html)}`, () => renderScoreHtml(page)]);
  }
  for (const [path, name, text] of outputs) writeOutputFile(path, text(), name);
  return 0;
}

const pct = (x: number | null) => (x === null ? '   —  ' : `${(x * 100).toFixed(1).padStart(5)}%`);

function row(name: string, f: Figures): string {
  return `  ${name.padEnd(18)} ${String(f.found).padStart(4)}/${String(f.events).padEnd(4)} recall ${pct(f.recall)}  precision ${pct(f.precision)}  F1 ${pct(f.f1)}`;
}

function pointRow(name: string, f: PointFigures): string {
  return `  ${name.padEnd(18)} ${String(f.covered).padStart(5)}/${String(f.truthPoints).padEnd(5)} points  recall ${pct(f.recall)}  precision ${pct(f.precision)} (${f.hits}/${f.detectedPoints})  F1 ${pct(f.f1)}`;
}

/** The summary `datagen score` prints: the level asked for first, then the other. */
export function formatScore(r: ScoreReport, level: 'event' | 'point'): string {
  const ev = [
    `event level (tolerance: ${r.tolerance}): ${r.event.detections} detections, ${r.event.truePositives} on an event, ${r.event.falsePositives} false alarms`,
    row('all events', r.event),
    ...Object.entries(r.byFamily).map(([k, f]) => row(k, f)),
    ...Object.entries(r.byDifficulty).map(([k, f]) => row(`difficulty ${k}`, f)),
    ...Object.entries(r.byMeasuredDifficulty).map(([k, f]) => row(`measured ${k}`, f)),
    `  time to detect: ${r.timeToDetect.found ? `mean ${r.timeToDetect.meanHours!.toFixed(1)} h, median ${r.timeToDetect.medianHours!.toFixed(1)} h over ${r.timeToDetect.found} found events` : 'no event found'}`,
  ];
  const pt = [`point level (${r.periodHours} h points):`, pointRow('points', r.point), pointRow('point-adjusted', r.pointAdjusted)];
  return [...(level === 'event' ? [ev, pt] : [pt, ev]).map((b) => b.join('\n')), ''].join('\n\n').replace(/\n\n$/, '\n');
}
