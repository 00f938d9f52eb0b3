/**
 * label_events (hard): `_label_events` (docs/anomalies.md#event-labels-_label_events) agrees with the plan and with
 * `_labels`: one event per scenario (hand-written or drawn by a campaign) with its family, table, target, window and
 * campaign; every scenario label names its event and a column the event affects; a column event's `cells` and
 * `entities` are its target's cell labels and their entity keys, a row event's `cells` its row labels (for events
 * that overlap no other: an event is measured alone, and stacked changes of one cell may round differently); the measured
 * difficulty is the band of the detectability. Files written before events existed have no `_label_events`: skipped.
 */
import { n } from '../sql.ts';
import type { CheckModule, CheckResult } from '../types.ts';
import { state } from './label-checks-common.ts';

export const labelEvents: CheckModule = async (ctx) => {
  if (!ctx.hasLabels || !ctx.present.has('_label_events')) return [];
  interface Planned { id: string; family: string; table: string; target: string | null; start: number; end: number; campaign: string | null; path: string }
  const planned = state(ctx).decisions.flatMap((d): Planned[] => {
    if (d.what === 'scenario') return [{ id: d.p.id, family: d.p.type, table: d.t.id, target: d.c.name, start: d.p.startMs, end: d.p.endMs, campaign: d.p.campaign ?? null, path: d.path }];
    if (d.what === 'rows') return [{ id: d.r.id, family: d.r.type, table: d.t.id, target: null, start: d.r.startMs, end: d.r.endMs, campaign: d.r.campaign ?? null, path: d.path }];
    return [];
  });
  if (!planned.length) return [];
  const base = { check: 'label_events', category: 'behavioural' as const, table: '_label_events', hard: true, tolerance: 0 };
  const events = await ctx.db.all(`SELECT event_id, family, "table", target_column, epoch_ms("start") AS s, epoch_ms("end") AS e, campaign, cells, detectability, measured_difficulty FROM _label_events`);
  const byId = new Map(events.map((e) => [String(e.event_id), e]));
  const problems: string[] = [];
  for (const p of planned) {
    const e = byId.get(p.id);
    if (!e) problems.push(`scenario "${p.id}" has no event`);
    else if (e.family !== p.family || e.table !== p.table || (e.target_column ?? null) !== p.target || n(e.s) !== p.start || n(e.e) !== p.end || (e.campaign ?? null) !== p.campaign) problems.push(`event "${p.id}" does not describe its scenario (family, table, target, window or campaign)`);
  }
  const ids = new Set(planned.map((p) => p.id));
  for (const e of events) if (!ids.has(String(e.event_id))) problems.push(`event "${e.event_id}" is no scenario of the spec`);
  for (const e of events) {
    const z = e.detectability === null ? null : Number(e.detectability);
    const band = z === null ? null : z >= 6 ? 'easy' : z >= 3 ? 'medium' : 'hard';
    if ((e.measured_difficulty ?? null) !== band) problems.push(`event "${e.event_id}": measured difficulty ${e.measured_difficulty} is not the band of detectability ${z}`);
  }
  // Labels ↔ events.
  const orphans = await ctx.db.all(`SELECT label_id FROM _labels l WHERE scenario IS NOT NULL AND (event_id IS DISTINCT FROM scenario OR NOT EXISTS (SELECT 1 FROM _label_events e WHERE e.event_id = l.event_id)
    OR ("column" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM _label_events e WHERE e.event_id = l.event_id AND list_contains(e.affected_columns, l."column")))) ORDER BY label_id LIMIT 5`);
  if (orphans.length) problems.push(`labels whose event is missing or does not affect their column (label_id ${orphans.map((r) => r.label_id).join(', ')})`);
  const counts = await ctx.db.all(`WITH l AS (
      SELECT l.event_id, count(*) AS k, list_sort(list_distinct(list(l.entity_key) FILTER (WHERE l.entity_key IS NOT NULL))) AS ents
      FROM _labels l JOIN _label_events e ON e.event_id = l.event_id
      WHERE (e.target_column IS NOT NULL AND l.level = 'cell' AND l."column" = e.target_column) OR (e.target_column IS NULL AND l.level = 'row')
      GROUP BY 1)
    SELECT e.event_id, e.cells, coalesce(l.k, 0) AS k, e.target_column IS NULL OR list_sort(e.entities) = coalesce(l.ents, []) AS same_entities
    FROM _label_events e LEFT JOIN l USING (event_id) WHERE len(e.overlapping_events) = 0 AND (e.cells <> coalesce(l.k, 0) OR NOT (e.target_column IS NULL OR list_sort(e.entities) = coalesce(l.ents, [])))
    ORDER BY 1 LIMIT 5`);
  for (const c of counts) problems.push(`event "${c.event_id}": ${n(c.cells)} cells but ${n(c.k)} target labels${c.same_entities ? '' : ', and other entities than its labels'}`);
  const result: CheckResult = {
    ...base, status: problems.length ? 'fail' : 'pass', expected: `one event per scenario (${planned.length}), agreeing with _labels`, observed: problems.length ? problems.slice(0, 5) : `${events.length} events`,
    examples: problems.slice(0, 5), specPath: planned[0].path,
    message: problems.length ? `_label_events disagrees: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? ` (+${problems.length - 3} more)` : ''}` : `${events.length} events, one per scenario, agreeing with their labels (cells and entities)`,
  };
  return [result];
};
