/**
 * Scoring a detector against `_label_events` (issue 18 §4; docs/anomalies.md#scoring-a-detector). Pure: events
 * and detections in, figures out. Events that changed nothing (`cells` 0, e.g. a spike of a column that is 0 in its
 * window) are not scored.
 *
 * Event level. A detection matches an event when it names the event's table; its entity (when it names one and
 * the event has entities) is one of the event's; its column (if any) is one the event affects; its family (if
 * any) is the event's; and its time meets the event's window widened by the tolerance on both sides — a point t
 * with start − tol ≤ t < end + tol, a window [s, e) with s < end + tol and e > start − tol. The tolerance is
 * `toleranceMs`, by default the event's bucket: 1 hour for a window shorter than a day, else 1 day. An event is
 * found when a detection matches it; a detection is a true positive when it matches an event, else a false alarm.
 * precision = true-positive detections / detections, recall = found events / events, F1 their harmonic mean.
 * Per family / difficulty / measured difficulty: recall over the group's events; precision = detections
 * matching the group's events / (those + the false alarms), where a false alarm that names a family counts only
 * against that family. Time to detect: for a found event, the earliest matching detection's start minus the
 * event's start (0 when it starts before), in hours.
 *
 * Point level. Time is cut into periods (`periodMs`, default 1 hour); a point is (table, entity, period). The
 * truth points are each event's periods × its entities (one point without entity when it has none); a
 * detection covers its periods for its entity (any entity of the table when it names none). precision = the
 * detection's points that are truth points / its points; recall = truth points covered / truth points.
 * Point-adjusted (Xu et al., 2018): an event with one covered point counts as wholly covered — its points join
 * the detections' points before precision and recall are computed.
 */
import type { LabelEvent } from '../sinks/labels.ts';
import type { Detection } from './detections.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface ScoreOptions {
  /** Event level: how far outside its window a detection still finds an event (default: the event's bucket). */
  toleranceMs?: number;
  /** Point level: the length of a point (default 1 hour). */
  periodMs?: number;
}

export interface Figures {
  events: number;
  found: number;
  detections: number;
  truePositives: number;
  falsePositives: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

export interface PointFigures {
  truthPoints: number;
  detectedPoints: number;
  hits: number;
  covered: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

interface EventScore {
  event_id: string;
  family: string;
  difficulty: string;
  measured_difficulty: string | null;
  found: boolean;
  detections: number;
  /** Hours from the event's start to the first matching detection (0 when it starts before); null when not found. */
  time_to_detect_hours: number | null;
}

export interface ScoreReport {
  datagenScore: 1;
  tolerance: string;
  periodHours: number;
  event: Figures;
  byFamily: Record<string, Figures>;
  byDifficulty: Record<string, Figures>;
  byMeasuredDifficulty: Record<string, Figures>;
  timeToDetect: { found: number; meanHours: number | null; medianHours: number | null };
  point: PointFigures;
  pointAdjusted: PointFigures;
  events: EventScore[];
  /** Detections that match no event (their line numbers), the first 100. */
  falseAlarms: number[];
}

interface Ev {
  e: LabelEvent;
  start: number;
  end: number;
  tol: number;
}

const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
const f1 = (p: number | null, r: number | null) => (p === null || r === null ? null : p + r > 0 ? (2 * p * r) / (p + r) : 0);

function matches(d: Detection, ev: Ev): boolean {
  const e = ev.e;
  if (d.table !== e.table) return false;
  if (d.entity !== null && e.entities.length > 0 && !e.entities.includes(d.entity)) return false;
  if (d.column !== null && !e.affected_columns.includes(d.column) && e.target_column !== d.column) return false;
  if (d.family !== null && d.family !== e.family) return false;
  const [lo, hi] = [ev.start - ev.tol, ev.end + ev.tol];
  return d.end === d.start ? d.start >= lo && d.start < hi : d.start < hi && d.end > lo;
}

/** The scored events (an event that changed nothing, e.g. a spike of zeros, cannot be detected) with their tolerance. */
function scored(events: LabelEvent[], opts: ScoreOptions): Ev[] {
  return events.filter((e) => e.cells > 0).map((e) => {
    const [start, end] = [Date.parse(e.start), Date.parse(e.end)];
    return { e, start, end, tol: opts.toleranceMs ?? (end - start < DAY_MS ? HOUR_MS : DAY_MS) };
  });
}

/** The detections that find each scored event (by event id), as the event level counts them. */
export function matchesByEvent(events: LabelEvent[], detections: Detection[], opts: ScoreOptions = {}): Map<string, Detection[]> {
  return new Map(scored(events, opts).map((ev) => [ev.e.event_id, detections.filter((d) => matches(d, ev))]));
}

/** Score `detections` against `events` at event and point level. */
export function scoreDetections(events: LabelEvent[], detections: Detection[], opts: ScoreOptions = {}): ScoreReport {
  const evs = scored(events, opts);
  // Which events each detection matches.
  const hits = detections.map((d) => evs.filter((ev) => matches(d, ev)));
  const matchedBy = new Map<Ev, Detection[]>(evs.map((ev) => [ev, []]));
  hits.forEach((list, i) => list.forEach((ev) => matchedBy.get(ev)!.push(detections[i])));
  const falseAlarms = detections.filter((_, i) => hits[i].length === 0);
  const figures = (group: Ev[], alarms: Detection[]): Figures => {
    const set = new Set(group);
    const found = group.filter((ev) => matchedBy.get(ev)!.length > 0).length;
    const tp = hits.filter((list) => list.some((ev) => set.has(ev))).length;
    const fp = alarms.length;
    const precision = ratio(tp, tp + fp);
    const recall = ratio(found, group.length);
    return { events: group.length, found, detections: tp + fp, truePositives: tp, falsePositives: fp, precision, recall, f1: f1(precision, recall) };
  };
  const groupBy = (key: (ev: Ev) => string | null, familyAlarms: boolean) => {
    const out: Record<string, Figures> = {};
    const keys = [...new Set(evs.map(key).filter((k): k is string => k !== null))].sort();
    for (const k of keys) out[k] = figures(evs.filter((ev) => key(ev) === k), familyAlarms ? falseAlarms.filter((d) => d.family === null || d.family === k) : falseAlarms);
    return out;
  };
  const perEvent: EventScore[] = evs.map((ev) => {
    const ds = matchedBy.get(ev)!;
    const first = ds.length ? Math.min(...ds.map((d) => d.start)) : null;
    return {
      event_id: ev.e.event_id, family: ev.e.family, difficulty: ev.e.difficulty, measured_difficulty: ev.e.measured_difficulty, found: ds.length > 0, detections: ds.length,
      time_to_detect_hours: first === null ? null : Math.max(0, first - ev.start) / HOUR_MS,
    };
  });
  const ttd = perEvent.map((p) => p.time_to_detect_hours).filter((x): x is number => x !== null).sort((a, b) => a - b);
  const mid = ttd.length >> 1;
  const period = opts.periodMs ?? HOUR_MS;
  const point = pointFigures(evs, detections, period);
  return {
    datagenScore: 1,
    tolerance: opts.toleranceMs === undefined ? 'the event\'s bucket (1 hour for a window under a day, else 1 day)' : `${opts.toleranceMs / HOUR_MS} hours`,
    periodHours: period / HOUR_MS,
    event: figures(evs, falseAlarms),
    byFamily: groupBy((ev) => ev.e.family, true),
    byDifficulty: groupBy((ev) => ev.e.difficulty, false),
    byMeasuredDifficulty: groupBy((ev) => ev.e.measured_difficulty, false),
    timeToDetect: { found: ttd.length, meanHours: ttd.length ? ttd.reduce((a, b) => a + b, 0) / ttd.length : null, medianHours: ttd.length ? (ttd.length % 2 ? ttd[mid] : (ttd[mid - 1] + ttd[mid]) / 2) : null },
    point: point.plain,
    pointAdjusted: point.adjusted,
    events: perEvent,
    falseAlarms: falseAlarms.slice(0, 100).map((d) => d.line),
  };
}

function periods(start: number, end: number, period: number): number[] {
  const first = Math.floor(start / period);
  const last = end > start ? Math.ceil(end / period) - 1 : first;
  const out: number[] = [];
  for (let b = first; b <= last; b++) out.push(b);
  return out;
}

function pointFigures(evs: Ev[], detections: Detection[], period: number): { plain: PointFigures; adjusted: PointFigures } {
  const key = (t: string, e: string, b: number) => `${t}\u0001${e}\u0001${b}`;
  const truth = new Map<string, Ev[]>();
  /** (table, period) pairs with a truth point: what a detection without entity hits. */
  const anyEntity = new Set<string>();
  const pointsOf = new Map<Ev, string[]>();
  for (const ev of evs) {
    const keys: string[] = [];
    for (const ent of ev.e.entities.length ? ev.e.entities : ['']) {
      for (const b of periods(ev.start, ev.end, period)) {
        const k = key(ev.e.table, ent, b);
        keys.push(k);
        (truth.get(k) ?? truth.set(k, []).get(k)!).push(ev);
        anyEntity.add(key(ev.e.table, '*', b));
      }
    }
    pointsOf.set(ev, keys);
  }
  const detected = new Set<string>();
  for (const d of detections) for (const b of periods(d.start, d.end, period)) detected.add(key(d.table, d.entity ?? '*', b));
  const isTrue = (k: string) => truth.has(k) || anyEntity.has(k);
  const coveredBy = (set: Set<string>) => {
    const out = new Set<string>();
    for (const k of truth.keys()) {
      const [t, , b] = k.split('\u0001');
      if (set.has(k) || set.has(key(t, '*', Number(b)))) out.add(k);
    }
    return out;
  };
  const figures = (set: Set<string>): PointFigures => {
    const hits = [...set].filter(isTrue).length;
    const covered = coveredBy(set).size;
    const precision = ratio(hits, set.size);
    const recall = ratio(covered, truth.size);
    return { truthPoints: truth.size, detectedPoints: set.size, hits, covered, precision, recall, f1: f1(precision, recall) };
  };
  const plain = figures(detected);
  const covered = coveredBy(detected);
  const adjusted = new Set(detected);
  // a point already covered (by a detection without entity, too) is not added twice
  for (const keys of pointsOf.values()) if (keys.some((k) => covered.has(k))) for (const k of keys) if (!covered.has(k)) adjusted.add(k);
  return { plain, adjusted: figures(adjusted) };
}
