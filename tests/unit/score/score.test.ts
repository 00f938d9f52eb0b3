import { describe, expect, it } from 'vitest';
import { type Detection, DetectionsError, parseDetections } from '../../../src/score/detections.ts';
import { scoreDetections } from '../../../src/score/score.ts';
import type { LabelEvent } from '../../../src/sinks/labels.ts';

const H = 3_600_000;
const T0 = Date.UTC(2025, 0, 1);
const iso = (ms: number) => new Date(ms).toISOString();

function event(id: string, table: string, entities: string[], family: string, difficulty: string, start: number, end: number): LabelEvent {
  return {
    event_id: id, scenario: id, campaign: null, family, difficulty, table, target_column: 'x', affected_columns: ['x', 'y'], entities, n_entities: entities.length,
    start: iso(start), end: iso(end), magnitude: 2, cells: 1, expected: 1, observed: 2, severity: 'critical', detectability: 5, measured_difficulty: difficulty === 'hard' ? 'hard' : 'easy', overlapping_events: [], time_column: 'ts', entity_column: entities.length ? 'k' : null,
  };
}

// E1: entity a, one day (tolerance 1 day); E2: entity b, 6 hours (tolerance 1 hour); E3: no entity, two days.
const E1 = event('e1', 't', ['a'], 'spike', 'easy', T0 + 9 * 24 * H, T0 + 10 * 24 * H);
const E2 = event('e2', 't', ['b'], 'drop', 'hard', T0 + (19 * 24 + 6) * H, T0 + (19 * 24 + 12) * H);
const E3 = event('e3', 'u', [], 'rate_drop', 'medium', T0 + 14 * 24 * H, T0 + 16 * 24 * H);
const EVENTS = [E1, E2, E3];

let line = 0;
const det = (table: string, entity: string | null, start: number, end = start, extra: Partial<Detection> = {}): Detection => ({ line: ++line, table, entity, start, end, column: null, family: null, score: null, ...extra });
const windowOf = (e: LabelEvent, shift = 0) => det(e.table, e.entities[0] ?? null, Date.parse(e.start) + shift, Date.parse(e.end) + shift);

describe('datagen score: synthetic detectors with known scores', () => {
  it('perfect: every event found at its start, every point covered, nothing else', () => {
    const r = scoreDetections(EVENTS, EVENTS.map((e) => windowOf(e)));
    expect(r.event).toEqual({ events: 3, found: 3, detections: 3, truePositives: 3, falsePositives: 0, precision: 1, recall: 1, f1: 1 });
    expect(r.timeToDetect).toEqual({ found: 3, meanHours: 0, medianHours: 0 });
    expect(r.point).toEqual({ truthPoints: 24 + 6 + 48, detectedPoints: 78, hits: 78, covered: 78, precision: 1, recall: 1, f1: 1 });
    expect(r.pointAdjusted).toEqual(r.point);
    expect(r.byFamily.spike.recall).toBe(1);
  });

  it('empty: nothing found, precision undefined (null), recall 0', () => {
    const r = scoreDetections(EVENTS, []);
    expect(r.event).toEqual({ events: 3, found: 0, detections: 0, truePositives: 0, falsePositives: 0, precision: null, recall: 0, f1: null });
    expect(r.point.recall).toBe(0);
    expect(r.timeToDetect).toEqual({ found: 0, meanHours: null, medianHours: null });
    expect(r.events.every((e) => !e.found && e.time_to_detect_hours === null)).toBe(true);
  });

  it('shifted by one period (1 hour later): events found one hour late; 75 of 78 points; point-adjusted recall 1', () => {
    const r = scoreDetections(EVENTS, EVENTS.map((e) => windowOf(e, H)));
    expect(r.event.recall).toBe(1);
    expect(r.event.precision).toBe(1);
    expect(r.timeToDetect).toEqual({ found: 3, meanHours: 1, medianHours: 1 });
    expect(r.point).toEqual({ truthPoints: 78, detectedPoints: 78, hits: 75, covered: 75, precision: 75 / 78, recall: 75 / 78, f1: 75 / 78 });
    expect(r.pointAdjusted).toEqual({ truthPoints: 78, detectedPoints: 81, hits: 78, covered: 78, precision: 78 / 81, recall: 1, f1: (2 * (78 / 81)) / (78 / 81 + 1) });
    // beyond the tolerance it is a miss: E2 (6 h, tolerance 1 h) shifted so that it starts 1 h after its end
    const late = scoreDetections([E2], [det('t', 'b', Date.parse(E2.end) + H)]);
    expect(late.event.found).toBe(0);
    const inTolerance = scoreDetections([E2], [det('t', 'b', Date.parse(E2.end) + H - 1)]);
    expect(inTolerance.event.found).toBe(1);
    expect(scoreDetections([E2], [det('t', 'b', Date.parse(E2.end) + H)], { toleranceMs: 2 * H }).event.found).toBe(1);
  });

  it('a detector firing every 4th hour on entity a all month: figures computed by hand', () => {
    const ds = Array.from({ length: 31 * 6 }, (_, k) => det('t', 'a', T0 + 4 * k * H));
    const r = scoreDetections(EVENTS, ds);
    // E1 ± 1 day = hours 192..263 of the month: 18 detections; the other 168 are false alarms
    expect(r.event).toEqual({ events: 3, found: 1, detections: 186, truePositives: 18, falsePositives: 168, precision: 18 / 186, recall: 1 / 3, f1: (2 * (18 / 186) * (1 / 3)) / (18 / 186 + 1 / 3) });
    // found at hour 192 = 24 h before E1 starts: time to detect 0
    expect(r.events.find((e) => e.event_id === 'e1')!.time_to_detect_hours).toBe(0);
    expect(r.byFamily.spike).toMatchObject({ events: 1, found: 1, truePositives: 18, falsePositives: 168, precision: 18 / 186, recall: 1 });
    expect(r.byFamily.drop).toMatchObject({ events: 1, found: 0, truePositives: 0, falsePositives: 168, precision: 0, recall: 0, f1: 0 });
    expect(r.byDifficulty.hard.recall).toBe(0);
    expect(r.byMeasuredDifficulty.easy).toMatchObject({ events: 2, found: 1, recall: 0.5 });
    // points: 6 of E1's 24 hours are flagged
    expect(r.point).toEqual({ truthPoints: 78, detectedPoints: 186, hits: 6, covered: 6, precision: 6 / 186, recall: 6 / 78, f1: (2 * (6 / 186) * (6 / 78)) / (6 / 186 + 6 / 78) });
    expect(r.pointAdjusted).toMatchObject({ detectedPoints: 204, hits: 24, covered: 24, precision: 24 / 204, recall: 24 / 78 });
    expect(r.falseAlarms).toHaveLength(100);
  });

  it('entity, column and family narrow a match; a detection without entity matches any entity', () => {
    const at = Date.parse(E1.start) + H;
    expect(scoreDetections([E1], [det('t', 'b', at)]).event.found).toBe(0);
    expect(scoreDetections([E1], [det('t', null, at)]).event.found).toBe(1);
    expect(scoreDetections([E1], [det('u', 'a', at)]).event.found).toBe(0);
    expect(scoreDetections([E1], [det('t', 'a', at, at, { column: 'y' })]).event.found).toBe(1);
    expect(scoreDetections([E1], [det('t', 'a', at, at, { column: 'z' })]).event.found).toBe(0);
    expect(scoreDetections([E1], [det('t', 'a', at, at, { family: 'drop' })]).event.found).toBe(0);
    // a false alarm that names a family counts against that family only
    const r = scoreDetections([E1, E2], [det('t', 'a', at), det('x', null, at, at, { family: 'drop' })]);
    expect(r.byFamily.spike).toMatchObject({ truePositives: 1, falsePositives: 0, precision: 1 });
    expect(r.byFamily.drop).toMatchObject({ truePositives: 0, falsePositives: 1, precision: 0 });
  });
});

describe('detections files', () => {
  it('CSV (quoted fields) and JSON Lines; points and windows; ISO or epoch ms', () => {
    const csv = 'table,entity,timestamp,start,end,family\n"t","a, b",2025-01-10T01:00:00Z,,,spike\nt,,,2025-01-10,2025-01-11,\n';
    const d = parseDetections(csv);
    expect(d).toEqual([
      { line: 2, table: 't', entity: 'a, b', start: Date.UTC(2025, 0, 10, 1), end: Date.UTC(2025, 0, 10, 1), column: null, family: 'spike', score: null },
      { line: 3, table: 't', entity: null, start: Date.UTC(2025, 0, 10), end: Date.UTC(2025, 0, 11), column: null, family: null, score: null },
    ]);
    const jsonl = `{"table":"t","entity_key":"7","ts":${Date.UTC(2025, 0, 3)},"score":4.5}\n\n{"table":"u","start":"2025-01-02","end":"2025-01-03","column":"x"}\n`;
    expect(parseDetections(jsonl).map((x) => [x.line, x.entity, x.start, x.score, x.column])).toEqual([[1, '7', Date.UTC(2025, 0, 3), 4.5, null], [3, null, Date.UTC(2025, 0, 2), null, 'x']]);
  });

  it('bad files name the line and the field', () => {
    const bad = (text: string, re: RegExp) => {
      expect(() => parseDetections(text, 'd.csv')).toThrow(DetectionsError);
      expect(() => parseDetections(text, 'd.csv')).toThrow(re);
    };
    bad('entity,timestamp\na,2025-01-01\n', /no "table" column/);
    bad('table,timestamp\nt,yesterday\n', /line 2: timestamp "yesterday"/);
    bad('table,timestamp\nt\n', /line 2 has 1 fields/);
    bad('{"table":"t"}\n', /line 1: no time/);
    bad('{"table":"t","timestamp":"2025-01-01","when":1}\n', /unknown field "when"/);
    bad('{"table":"t","start":"2025-01-02","end":"2025-01-01"}\n', /ends before it starts/);
    bad('{"table":"t",\n', /line 1 is not JSON/);
    bad('table,timestamp\n"t,2025-01-01\n', /not closed/);
  });
});

describe('events that changed nothing', () => {
  it('are not scored (nobody can find them)', () => {
    const none = { ...event('e0', 't', ['a'], 'spike', 'easy', T0, T0 + 24 * H), cells: 0 };
    const r = scoreDetections([E1, none], [windowOf(E1)]);
    expect(r.event).toMatchObject({ events: 1, found: 1, recall: 1 });
    expect(r.events.map((e) => e.event_id)).toEqual(['e1']);
  });
});
