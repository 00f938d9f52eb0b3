/**
 * allocation_count (hard; docs/behaviours/allocation.md): in every group of an `allocate` column — a parent's rows
 * in one hour/day/week/month of the time column, or all its rows — exactly min(k, eligible rows) are chosen (a flag
 * of 1 / true, or a non-null value), where a row is eligible when its weight is > 0 and its time not null. Expected
 * values come from the plan; groups are found through the fact's plain lookup of its parent's key.
 */
import { ident, n } from '../sql.ts';
import { nodePath } from '../structural.ts';
import type { CheckModule, CheckResult } from '../types.ts';

const TRUNC: Record<string, string> = { hour: 'hour', day: 'day', week: 'week', month: 'month' };

const allocationCount: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const t of ctx.plan.tables) {
    if (t.rows.kind === 'fixed' || !ctx.present.has(t.id) || t.addRows?.length) continue;
    const parent = ctx.table(t.rows.parent);
    const fk = t.columns.find((c) => c.generator.kind === 'lookup' && c.generator.via === 'parent' && c.generator.table === parent?.id && c.generator.column === parent?.pk && c.modifiers.length === 0 && c.nullRate === 0);
    if (!fk) continue;
    t.columns.forEach((c, ci) => {
      if (c.generator.kind !== 'allocate' || c.modifiers.length || c.nullRate > 0) return;
      const g = c.generator;
      if ([g.time, g.weightsBy, g.value].some((x) => x && !t.columns.some((y) => y.name === x))) return; // a hidden input: not in the file
      out.push({ check: 'allocation_count', category: 'behavioural', table: t.id, column: c.name, hard: true, status: 'pass', expected: 0, observed: 0, tolerance: 0, examples: [], message: '', specPath: `${nodePath(ctx, t.id, 'columns', String(ci), 'generator', 'allocate')}` });
    });
  }
  for (const r of out) {
    const t = ctx.table(r.table)!;
    const c = t.columns.find((x) => x.name === r.column)!;
    const g = c.generator as Extract<typeof c.generator, { kind: 'allocate' }>;
    const fk = t.columns.find((x) => x.generator.kind === 'lookup' && x.generator.via === 'parent' && x.modifiers.length === 0)!.name;
    const group = [ident(fk), ...(g.per !== 'parent' && g.time ? [`date_trunc('${TRUNC[g.per]}', CAST(${ident(g.time)} AS TIMESTAMP))`] : [])];
    const eligible = [g.weightsBy ? `coalesce(${ident(g.weightsBy)}::DOUBLE, 0) > 0` : 'true', g.time ? `${ident(g.time)} IS NOT NULL` : 'true'].join(' AND ');
    const chosen = g.value ? `${ident(c.name)} IS NOT NULL` : `coalesce(${ident(c.name)}::DOUBLE, 0) <> 0`;
    // With `value`, a chosen row whose value is itself null reads as not chosen: such groups are not judged.
    const nullValues = g.value ? ` AND count(*) FILTER (WHERE ${ident(g.value)} IS NULL AND ${eligible}) = 0` : '';
    const rows = await ctx.db.all(`SELECT count(*) AS groups, count(*) FILTER (WHERE chosen <> least(${g.k}, eligible) OR wrong > 0) AS bad, list(key) FILTER (WHERE chosen <> least(${g.k}, eligible) OR wrong > 0) AS ex FROM (
      SELECT concat_ws(' ', ${group.map((x) => `${x}::VARCHAR`).join(', ')}) AS key, count(*) FILTER (WHERE ${chosen}) AS chosen, count(*) FILTER (WHERE ${eligible}) AS eligible, count(*) FILTER (WHERE ${chosen} AND NOT (${eligible})) AS wrong
      FROM ${ident(t.id)} GROUP BY ${group.join(', ')} HAVING true${nullValues})`);
    const groups = n(rows[0].groups);
    const bad = n(rows[0].bad);
    r.status = bad === 0 ? 'pass' : 'fail';
    r.observed = bad;
    r.examples = Array.isArray(rows[0].ex) ? (rows[0].ex as unknown[]).slice(0, 5).map(String) : [];
    const what = `${g.k} per ${fk}${g.per !== 'parent' ? ` and ${g.per} of ${g.time}` : ''}${g.weightsBy ? ` (rows with ${g.weightsBy} > 0)` : ''}`;
    r.message = bad === 0 ? `all ${groups} groups have exactly min(${what}, their rows) chosen` : `${bad} of ${groups} groups do not have exactly min(${what}, their rows) chosen`;
  }
  return out;
};

export const ALLOCATION_CHECKS: { name: string; run: CheckModule }[] = [{ name: 'allocation_count', run: allocationCount }];
