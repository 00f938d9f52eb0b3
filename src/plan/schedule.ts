/**
 * `schedule` on a fact (docs/behaviours/schedules.md): the fact's rows per parent are the occurrences of a
 * calendar — `every` N days/weeks from a per-row phase (`anchor`, `weekday`), or fixed `days_of_month` (−1 or
 * "last": the last day) with a `business_day` rule — with `jitter_days` and `skip_probability`, over the parent's
 * lifetime (or `from`/`to`). Planned as a fanout mode (FanoutPlan.distribution "schedule"); the `time_column`
 * (and `index_column`) of the fact receive the occurrence's time (and index).
 */
import { didYouMean } from '../diagnostics/suggest.ts';
import { streamKey } from '../model/rng.ts';
import { columnNames, error, findColumn, isNumber, type Json, type PlanContext, warning } from './context.ts';
import { resolveLifetime } from './lifetime.ts';
import type { ColumnPlan, FanoutPlan, SchedulePlan } from '../ir/types.ts';

const DAY = 86_400_000;
const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const BUSINESS = ['none', 'previous', 'next'];

/** `"week"`, `"2 weeks"`, `"14 days"`, `"day"` → days; undefined if not one of those. */
function everyDays(every: unknown): number | undefined {
  if (isNumber(every) && Number.isInteger(every) && every >= 1) return every;
  if (typeof every !== 'string') return undefined;
  const m = /^\s*(\d+)?\s*(day|days|week|weeks)\s*$/i.exec(every);
  if (!m) return undefined;
  const n = m[1] === undefined ? 1 : Number(m[1]);
  if (!(n >= 1)) return undefined;
  return /^week/i.test(m[2]) ? 7 * n : n;
}

export function planSchedule(ctx: PlanContext, node: Json, path: string, parent: string, columns: ColumnPlan[]): FanoutPlan | undefined {
  const s = node.schedule;
  if (!s || typeof s !== 'object' || Array.isArray(s)) return error(ctx, 'DG_BAD_SCHEDULE', path, 'schedule must be an object', 'e.g. {"every": "2 weeks", "weekday": "friday", "time_column": "paid_at"}');
  if (node.fanout !== undefined) warning(ctx, 'DG_IGNORED_OPTION', path.replace(/\/schedule$/, '/fanout'), `"${node.id}" has a schedule: its rows are the schedule's occurrences, so fanout has no effect`, 'remove fanout (skip_probability thins the occurrences)');
  if (Array.isArray(node.modifiers) && node.modifiers.length) warning(ctx, 'DG_IGNORED_OPTION', path.replace(/\/schedule$/, '/modifiers'), `"${node.id}" has a schedule: table-level effects do not scale a calendar`, 'remove the table-level modifiers (column modifiers still apply to the other columns)');
  const pnode = ctx.nodes.get(parent)?.node;
  if (!pnode) return undefined; // DG_UNKNOWN_TABLE at parents already
  const hasEvery = s.every !== undefined;
  const hasDays = s.days_of_month !== undefined;
  if (hasEvery === hasDays) return error(ctx, 'DG_BAD_SCHEDULE', path, hasEvery ? 'a schedule has "every" or "days_of_month", not both' : 'a schedule needs "every" (e.g. "2 weeks") or "days_of_month" (e.g. [1, 15])', 'every: rows every N days or weeks from a per-row phase; days_of_month: rows on fixed days of each month');
  // The parent's datetime/date columns it reads.
  const parentTime = (key: string, name: unknown): string | null | undefined => {
    if (name === undefined || name === null) return null;
    const c = typeof name === 'string' ? findColumn(pnode, name) : undefined;
    if (!c || (c.type !== 'datetime' && c.type !== 'date')) {
      return error(ctx, c ? 'DG_TYPE_MISMATCH' : 'DG_UNKNOWN_COLUMN', `${path}/${key}`, c ? `${key} "${name}" of "${parent}" is ${c.type}; it must be a datetime or date` : `${key} ${JSON.stringify(name)} is not a column of "${parent}"`, didYouMean(String(name), columnNames(pnode).filter((n) => ['datetime', 'date'].includes(findColumn(pnode, n)?.type))));
    }
    return String(name);
  };
  const life = resolveLifetime(ctx, pnode);
  const from = parentTime('from', s.from === undefined ? life.from : s.from);
  const to = parentTime('to', s.to === undefined ? life.to : s.to);
  const anchor = parentTime('anchor', s.anchor);
  if (from === undefined || to === undefined || anchor === undefined) return undefined;
  let every = 0;
  let weekday: number | null = null;
  let days: number[] = [];
  if (hasEvery) {
    const d = everyDays(s.every);
    if (d === undefined) return error(ctx, 'DG_BAD_SCHEDULE', `${path}/every`, `every ${JSON.stringify(s.every)} is not a period of whole days or weeks`, 'e.g. "week", "2 weeks", "14 days" or a number of days');
    every = d;
    if (s.weekday !== undefined) {
      const w = WEEKDAYS.indexOf(String(s.weekday).toLowerCase());
      if (w < 0) return error(ctx, 'DG_BAD_SCHEDULE', `${path}/weekday`, `weekday ${JSON.stringify(s.weekday)} is not a day of the week`, didYouMean(String(s.weekday).toLowerCase(), WEEKDAYS));
      if (every % 7 !== 0) return error(ctx, 'DG_BAD_SCHEDULE', `${path}/weekday`, `every ${every} days is not a whole number of weeks, so the rows cannot all fall on a ${WEEKDAYS[w]}`, 'use "week", "2 weeks", …, or drop weekday');
      weekday = w;
    }
    if (s.business_day !== undefined) warning(ctx, 'DG_IGNORED_OPTION', `${path}/business_day`, 'business_day applies to days_of_month; an "every" schedule keeps its rhythm', 'use weekday to put the rows on a working day');
  } else {
    const raw = s.days_of_month;
    const ok = Array.isArray(raw) && raw.length > 0 && raw.every((d) => d === 'last' || (Number.isInteger(d) && ((d >= 1 && d <= 31) || (d <= -1 && d >= -28))));
    if (!ok) return error(ctx, 'DG_BAD_SCHEDULE', `${path}/days_of_month`, `days_of_month ${JSON.stringify(raw)} must list days 1–31, "last" or −1…−28 (counted from the month's end)`, 'e.g. [1, 15] or ["last"]');
    days = [...new Set((raw as (number | string)[]).map((d) => (d === 'last' ? -1 : Number(d))))].sort((a, b) => (a < 0 ? 100 + a : a) - (b < 0 ? 100 + b : b));
    if (s.anchor !== undefined) warning(ctx, 'DG_IGNORED_OPTION', `${path}/anchor`, 'anchor sets the phase of an "every" schedule; days_of_month fixes the days', 'remove anchor');
  }
  const business = s.business_day ?? 'none';
  if (!BUSINESS.includes(business)) return error(ctx, 'DG_BAD_SCHEDULE', `${path}/business_day`, `business_day ${JSON.stringify(business)} is not one of ${BUSINESS.join(', ')}`, '"previous" moves a Saturday or Sunday to the Friday before (the last business day), "next" to the Monday after');
  const hour = s.hour ?? 0;
  if (!isNumber(hour) || hour < 0 || hour >= 24) return error(ctx, 'DG_OUT_OF_RANGE', `${path}/hour`, `hour ${JSON.stringify(s.hour)} is not in [0, 24)`, 'the time of day of every row, e.g. 9 or 9.5');
  const jitter = s.jitter_days ?? 0;
  if (!Number.isInteger(jitter) || jitter < 0 || (every > 0 && 2 * jitter >= every)) return error(ctx, 'DG_OUT_OF_RANGE', `${path}/jitter_days`, `jitter_days ${JSON.stringify(s.jitter_days)} must be a whole number of days ≥ 0${every > 0 ? `, less than half the period (${every} days)` : ''}`, 'rows move by a uniform whole number of days in [−jitter_days, jitter_days]');
  const skip = s.skip_probability ?? 0;
  if (!isNumber(skip) || skip < 0 || skip >= 1) return error(ctx, 'DG_OUT_OF_RANGE', `${path}/skip_probability`, `skip_probability ${JSON.stringify(s.skip_probability)} is not in [0, 1)`, 'the share of occurrences without a row, e.g. 0.05');
  // The fact's columns that receive the occurrence.
  const timeName = s.time_column ?? columns.find((c) => c.type === 'datetime' || c.type === 'date')?.name;
  const timeCol = columns.find((c) => c.name === timeName);
  if (!timeCol || (timeCol.type !== 'datetime' && timeCol.type !== 'date')) {
    return error(ctx, timeCol ? 'DG_TYPE_MISMATCH' : 'DG_UNKNOWN_COLUMN', `${path}/time_column`, timeName === undefined ? `"${node.id}" has no datetime or date column to receive the schedule's times` : timeCol ? `time_column "${timeName}" is ${timeCol.type}; it must be a datetime or date` : `time_column ${JSON.stringify(timeName)} is not a column of "${node.id}"`, timeName === undefined ? 'add a datetime column and name it in "time_column"' : didYouMean(String(timeName), columns.filter((c) => c.type === 'datetime' || c.type === 'date').map((c) => c.name)));
  }
  let indexCol: ColumnPlan | undefined;
  if (s.index_column !== undefined) {
    indexCol = columns.find((c) => c.name === s.index_column);
    if (!indexCol || indexCol.type !== 'int') return error(ctx, indexCol ? 'DG_TYPE_MISMATCH' : 'DG_UNKNOWN_COLUMN', `${path}/index_column`, indexCol ? `index_column "${s.index_column}" is ${indexCol.type}; it must be int` : `index_column ${JSON.stringify(s.index_column)} is not a column of "${node.id}"`, didYouMean(String(s.index_column), columns.filter((c) => c.type === 'int').map((c) => c.name)));
  }
  for (const [col, field] of [[timeCol, 'time'], [indexCol, 'index']] as const) {
    if (!col) continue;
    if (col.modifiers.length) warning(ctx, 'DG_IGNORED_OPTION', `${path}/${field}_column`, `"${col.name}" receives the schedule's occurrence ${field}; its modifiers are not applied`, 'remove them (jitter_days moves the rows)');
    col.generator = { kind: 'schedule', field };
    col.modifiers = [];
    col.nullRate = 0;
  }
  const { startMs, endMs } = ctx.timeframe;
  const plan: SchedulePlan = {
    kind: hasEvery ? 'interval' : 'days_of_month', everyDays: every, weekday, anchor, days, business, hourMs: hour * 3_600_000, jitterDays: jitter, skip,
    from, to, startMs, endMs, stream: streamKey(ctx.seed, String(node.id), '__schedule'), timeColumn: timeCol.name, indexColumn: indexCol?.name ?? null,
  };
  // Expected rows per parent over the whole window (a lifetime shortens it: the estimate is an upper bound).
  const span = (endMs - startMs) / DAY;
  const mean = (hasEvery ? span / every : (span / 30.44) * days.length) * (1 - skip);
  return { distribution: 'schedule', mean, k: null, min: null, max: null, schedule: plan };
}
