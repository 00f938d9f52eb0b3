/**
 * Schedules (docs/behaviours/schedules.md): a scheduled fact's rows against its calendar.
 *  - schedule_calendar (hard): every row on the calendar — the hour of day; for `every`, the weekday (without
 *    jitter) and the gap between a parent's consecutive rows a whole number of periods (± 2 × jitter_days); for
 *    days_of_month, the date one of the month days after the business-day rule (± jitter_days).
 *  - schedule_skips (soft, without jitter): between a parent's first and last rows, the share of calendar
 *    occurrences that have a row, against 1 − skip_probability (binomial SE; exact when nothing is skipped).
 * Expected values come from the plan's SchedulePlan; a parent is found through the fact's plain lookup of its key.
 */
import type { SchedulePlan, TablePlan } from '../../ir/types.ts';
import { calendarDays } from '../../model/schedule.ts';
import { ident, n } from '../sql.ts';
import { judge, pct, round, zText } from '../stats.ts';
import { nodePath } from '../structural.ts';
import type { CheckModule, CheckResult, ValidateContext } from '../types.ts';

const DAY = 86_400_000;
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

interface Scheduled { t: TablePlan; s: SchedulePlan; fk: string; time: string; specPath: string | undefined }

function scheduled(ctx: ValidateContext): Scheduled[] {
  const out: Scheduled[] = [];
  for (const t of ctx.plan.tables) {
    if (t.rows.kind !== 'fanout' || !t.rows.fanout.schedule || !ctx.present.has(t.id)) continue;
    const parent = ctx.table(t.rows.parent);
    const fk = t.columns.find((c) => c.generator.kind === 'lookup' && c.generator.via === 'parent' && c.generator.table === parent?.id && c.generator.column === parent?.pk && c.modifiers.length === 0 && c.nullRate === 0);
    const s = t.rows.fanout.schedule;
    if (!fk || !t.columns.some((c) => c.name === s.timeColumn) || t.addRows?.length) continue;
    out.push({ t, s, fk: fk.name, time: `epoch_ms(CAST(${ident(s.timeColumn)} AS TIMESTAMP))`, specPath: nodePath(ctx, t.id, 'schedule') });
  }
  return out;
}

/** Dates (epoch ms of UTC midnights) a days_of_month row may fall on: the calendar ± jitter. */
function allowedDays(ctx: ValidateContext, s: SchedulePlan): number[] {
  const base = calendarDays(s, ctx.plan.timeframe.startMs - 40 * DAY, ctx.plan.timeframe.endMs + 40 * DAY);
  const out = new Set<number>();
  for (const d of base) for (let j = -s.jitterDays; j <= s.jitterDays; j++) out.add(d + j * DAY);
  return [...out].sort((a, b) => a - b);
}

const calendar: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const { t, s, fk, time, specPath } of scheduled(ctx)) {
    const rules: string[] = [];
    const bad: string[] = [];
    const isDate = t.columns.find((c) => c.name === s.timeColumn)?.type === 'date';
    if (!isDate) {
      bad.push(`(t % ${DAY} + ${DAY}) % ${DAY} <> ${s.hourMs}`);
      rules.push(`at ${round(s.hourMs / 3_600_000)} h`);
    }
    let from = `(SELECT ${ident(fk)}, ${time} AS t FROM ${ident(t.id)})`;
    if (s.kind === 'interval') {
      const p = s.everyDays * DAY;
      if (s.weekday !== null && s.jitterDays === 0) {
        bad.push(`((floor(t / ${DAY})::BIGINT + 3) % 7 + 7) % 7 <> ${s.weekday}`);
        rules.push(`on ${WEEKDAYS[s.weekday]}s`);
      }
      // Gap to the parent's previous row: a whole number of periods, ± twice the jitter.
      from = `(SELECT *, t - lag(t) OVER (PARTITION BY ${ident(fk)} ORDER BY t) AS gap FROM ${from})`;
      const slack = 2 * s.jitterDays * DAY;
      bad.push(`(gap IS NOT NULL AND least((gap % ${p} + ${p}) % ${p}, ${p} - (gap % ${p} + ${p}) % ${p}) > ${slack})`);
      rules.push(`${s.everyDays} days apart${s.jitterDays ? ` (± ${2 * s.jitterDays} days)` : ''}`);
    } else {
      const days = allowedDays(ctx, s);
      bad.push(`floor(t / ${DAY})::BIGINT * ${DAY} NOT IN (${days.join(', ')})`);
      rules.push(`on days ${s.days.map((d) => (d === -1 ? 'last' : d < 0 ? `last${d + 1}` : String(d))).join(', ')} of the month${s.business !== 'none' ? ` (weekends to the ${s.business === 'previous' ? 'Friday before' : 'Monday after'})` : ''}${s.jitterDays ? ` ± ${s.jitterDays} days` : ''}`);
    }
    const sql = `SELECT count(*) AS rows, count(*) FILTER (WHERE ${bad.map((b) => `(${b})`).join(' OR ')}) AS off, list(make_timestamp((t * 1000)::BIGINT)::VARCHAR ORDER BY t) FILTER (WHERE ${bad.map((b) => `(${b})`).join(' OR ')}) AS ex FROM ${from}`;
    const r = (await ctx.db.all(sql))[0];
    const rows = n(r.rows);
    const off = n(r.off);
    const ex = Array.isArray(r.ex) ? (r.ex as unknown[]).slice(0, 5).map(String) : [];
    out.push({
      check: 'schedule_calendar', category: 'behavioural', table: t.id, column: s.timeColumn, hard: true, specPath,
      status: off === 0 ? 'pass' : 'fail', expected: 0, observed: off, tolerance: 0, examples: ex,
      message: off === 0 ? `all ${rows} rows ${rules.join(', ')}` : `${off} of ${rows} rows are off the schedule (${rules.join(', ')})`,
    });
  }
  return out;
};

const skips: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const { t, s, fk, time, specPath } of scheduled(ctx)) {
    if (s.jitterDays > 0) continue;
    const per = `SELECT ${ident(fk)} AS k, count(*) AS c, min(${time}) AS a, max(${time}) AS b FROM ${ident(t.id)} GROUP BY 1 HAVING count(*) >= 2`;
    let slots: string;
    if (s.kind === 'interval') {
      slots = `SELECT k, c, round((b - a) / ${s.everyDays * DAY}) + 1 AS slots FROM (${per})`;
    } else {
      const days = allowedDays(ctx, s);
      slots = `SELECT k, c, count(d.v) AS slots FROM (${per}) p JOIN (SELECT unnest([${days.join(', ')}]::BIGINT[]) AS v) d ON d.v BETWEEN floor(p.a / ${DAY}) * ${DAY} AND floor(p.b / ${DAY}) * ${DAY} GROUP BY k, c`;
    }
    // A parent's first and last rows exist by construction: the interior occurrences are the trials.
    const r = (await ctx.db.all(`SELECT coalesce(sum(c - 2), 0) AS kept, coalesce(sum(slots - 2), 0) AS trials, count(*) AS parents FROM (${slots}) WHERE slots > 2`))[0];
    const trials = n(r.trials);
    if (trials < 100) continue;
    const kept = n(r.kept);
    const share = kept / trials;
    const expected = 1 - s.skip;
    const se = Math.sqrt((expected * (1 - expected)) / trials);
    const j = judge(share, expected, se);
    out.push({
      check: 'schedule_skips', category: 'behavioural', table: t.id, column: s.timeColumn, hard: false, specPath, status: j.status,
      expected: round(expected), observed: round(share), tolerance: round(j.tolerance), examples: [],
      message: `${pct(share)} of the ${trials} calendar occurrences between each ${t.rows.kind === 'fanout' ? t.rows.parent : 'parent'} row's first and last rows have a row (${n(r.parents)} parents); skip_probability ${s.skip} gives ${pct(expected)} (${zText(j.z)})`,
    });
  }
  return out;
};

export const SCHEDULE_CHECKS: { name: string; run: CheckModule }[] = [
  { name: 'schedule_calendar', run: calendar },
  { name: 'schedule_skips', run: skips },
];
