/**
 * Lifecycles (lifecycle_model, DSL §5.5): the columns of a stages or events fact, the SQL they share and the
 * hard check lifecycle_order. A lifecycle per parent row enters stages[0] at the parent's start; a stage with a
 * duration lasts a draw of it, then moves (exit_probability) to one of its next stages (uniformly; a name that is
 * no stage ends it) or ends; a stage without one lasts until it churns (a whole number of periods) or the window
 * ends. Events of a stage happen inside its interval. See src/model/lifecycle.ts.
 */
import type { LifecyclePlan, TablePlan } from '../../ir/types.ts';
import { ident, lit, num } from '../sql.ts';
import type { CheckResult, ValidateContext } from '../types.ts';
import { behaviourColumns, cleanEntity, entityColumn, fieldColumn, hasColumns, inList, parentRows, type Rule, type RulePart, ruleCheck, tsLit } from './machines-common.ts';
import { nodePath } from '../structural.ts';

const SEP = '\u001f';
const DAY = 86_400_000;
/** A lifecycle has at most 1,000 stage visits (docs/behaviours/lifecycles.md): one that reaches them may stop there. */
const MAX_VISITS = 1000;

export interface Life {
  ctx: ValidateContext;
  t: TablePlan;
  l: LifecyclePlan;
  parent: string;
  entity: string;
  stage: string;
  index: string;
  /** stages: started_at / ended_at; events: event_type / event_at. */
  start?: string;
  end?: string;
  type?: string;
  at?: string;
  dateOnly: boolean;
  /** Text of the SQL condition "the entity e of this table is clean" (no scenario touched its rows). */
  clean: (e: string) => string;
  /** WITH clause defining p (parents) and r (rows of clean entities). */
  withSql: string;
  /** The stages fact of the same lifecycles (same parent and model), when this is an events fact. */
  sibling?: Life;
}

function lifeOf(ctx: ValidateContext, t: TablePlan): Omit<Life, 'withSql' | 'sibling'> | null {
  if (t.rows.kind !== 'lifecycle' || !ctx.present.has(t.id)) return null;
  const { lifecycle: l, parent } = t.rows;
  const entity = entityColumn(ctx, t, parent);
  const f = (x: string) => fieldColumn(t, 'lifecycle', x);
  const stage = f('stage');
  const index = f('index');
  const start = f('start');
  const end = f('end');
  const type = f('event_type');
  const at = f('event_at');
  if (!entity || !stage || !index || (l.emit === 'stages' ? !start || !end : !type || !at)) return null;
  const cols = behaviourColumns(t, 'lifecycle');
  return {
    ctx, t, l, parent, entity, stage: stage.name, index: index.name, start: start?.name, end: end?.name, type: type?.name, at: at?.name,
    dateOnly: [start, end, at].some((c) => c?.type === 'date'), clean: (e) => cleanEntity(ctx, t, entity, cols, e),
  };
}

export async function lifecycles(ctx: ValidateContext): Promise<Life[]> {
  const base = ctx.plan.tables.map((t) => lifeOf(ctx, t)).filter((x): x is NonNullable<typeof x> => x !== null);
  const out: Life[] = [];
  for (const x of base) {
    const cols = [x.entity, x.stage, x.index, x.start ?? null, x.end ?? null, x.type ?? null, x.at ?? null];
    if (!(await hasColumns(ctx, x.t.id, cols)) || (x.l.startFrom && !(await hasColumns(ctx, x.parent, [x.l.startFrom])))) continue;
    out.push({ ...x, withSql: withSql(ctx, x) });
  }
  for (const x of out) {
    const stream = x.t.rows.kind === 'lifecycle' ? x.t.rows.stream : -1;
    if (x.l.emit === 'events') x.sibling = out.find((y) => y.l.emit === 'stages' && y.parent === x.parent && y.t.rows.kind === 'lifecycle' && y.t.rows.stream === stream);
  }
  return out;
}

function withSql(ctx: ValidateContext, x: Omit<Life, 'withSql' | 'sibling'>): string {
  const E = `f.${ident(x.entity)}`;
  const times = x.l.emit === 'stages' ? `f.${ident(x.start!)}::TIMESTAMP AS sa, f.${ident(x.end!)}::TIMESTAMP AS ea` : `CAST(f.${ident(x.type!)} AS VARCHAR) AS et, f.${ident(x.at!)}::TIMESTAMP AS eat`;
  const p = parentRows(ctx, x.parent, x.l.startFrom, null, x.l.startMs, x.l.endFrom ?? null, x.l.endState);
  return `WITH p AS ${p}, r AS (SELECT ${E} AS e, CAST(f.${ident(x.stage)} AS VARCHAR) AS st, f.${ident(x.index)} AS k, ${times}, p.t0, p.t1 FROM ${ident(x.t.id)} f LEFT JOIN p ON p.e = ${E} WHERE ${x.clean(E)})`;
}

/** Declared moves between stages: from a stage with a duration to each of its next stages. */
function movePairs(l: LifecyclePlan): string[] {
  const out: string[] = [];
  l.stages.forEach((s) => {
    if (s.duration) for (const j of s.next) if (j >= 0) out.push(`${s.name}${SEP}${l.stages[j].name}`);
  });
  return out;
}

function same(x: Life, a: string, b: string): string {
  return x.dateOnly ? `(CAST(${a} AS DATE) IS NOT DISTINCT FROM CAST(${b} AS DATE))` : `(${a} IS NOT DISTINCT FROM ${b})`;
}

const msOf = (e: string) => `epoch_ms(${e})`;

function stageRules(x: Life): Rule[] {
  const { l } = x;
  const end = tsLit(l.endMs);
  const churnOnly = l.stages.filter((s) => !s.duration && s.churnPerPeriod > 0).map((s) => s.name);
  const forever = l.stages.filter((s) => !s.duration && !(s.churnPerPeriod > 0)).map((s) => s.name);
  const mustGoOn = l.stages.filter((s) => s.duration && s.exitProbability >= 1 && s.next.length > 0 && s.next.every((j) => j >= 0)).map((s) => s.name);
  const slack = x.dateOnly ? DAY : 1000;
  // The visit cut by the parent's lifetime end (lifetime.to) ends there, whatever its duration, churn or next stages.
  const running = l.endFrom || l.endState ? ` AND NOT ${same(x, 'ea', 't1')}` : '';
  const clamps = l.stages.filter((s) => s.duration && (s.duration.clamp[0] !== null || s.duration.clamp[1] !== null)).map((s) => {
    const d = s.duration!;
    const lo = d.clamp[0] !== null ? `${msOf('ea')} - ${msOf('sa')} < ${num(d.clamp[0] * d.unitMs - slack)}` : 'FALSE';
    const hi = d.clamp[1] !== null ? `${msOf('ea')} - ${msOf('sa')} > ${num(Math.max(1000, d.clamp[1] * d.unitMs) + slack)}` : 'FALSE';
    return `(st = ${lit(s.name)} AND (${lo} OR ${hi}))`;
  });
  return [
    { what: `rows with a stage that is not declared (${l.stages.map((s) => s.name).join(', ')})`, bad: `st IS NULL OR st NOT IN ${inList(l.stages.map((s) => s.name))}` },
    { what: `rows whose ${x.index} is not the visit number (a gap or a repeated visit)`, bad: `k IS DISTINCT FROM rn` },
    { what: `lifecycles that do not start in ${l.stages[0].name}`, bad: `rn = 0 AND st IS DISTINCT FROM ${lit(l.stages[0].name)}` },
    { what: `lifecycles whose first ${x.start} is not the parent's start`, bad: `rn = 0 AND NOT ${same(x, 'sa', 't0')}` },
    { what: 'moves to a stage that is not among the next_stages of a stage with a duration', bad: `prev IS NOT NULL AND (prev || ${lit(SEP)} || st) NOT IN ${inList(movePairs(l))}` },
    { what: `visits whose ${x.start} is not the previous visit's ${x.end}`, bad: `rn > 0 AND NOT ${same(x, 'sa', 'prev_end')}` },
    { what: `visits that end before they start (or in the same second)`, bad: x.dateOnly ? `ea < sa` : `${msOf('ea')} < ${msOf('sa')} + 1000` },
    { what: `visits without ${x.end} that are not the last one (only the visit running at the timeframe end is open)`, bad: `ea IS NULL AND rn < cnt - 1` },
    { what: 'visits starting or ending after the timeframe end', bad: `sa > ${end} OR ea > ${end}` },
    // A parent whose lifetime ends (lifetime.to) ends its lifecycle then: its last visit ends at that instant.
    { what: "visits starting after the parent's lifetime end, or still open after it", bad: l.endFrom || l.endState ? `sa > t1 OR ea > t1 OR (ea IS NULL AND t1 < ${end})` : 'FALSE' },
    { what: 'churned stage visits that do not last a whole number of periods', bad: churnOnly.length && !x.dateOnly ? `st IN ${inList(churnOnly)} AND ea IS NOT NULL AND (${msOf('ea')} - ${msOf('sa')}) % ${num(l.periodMs)} <> 0${running}` : 'FALSE' },
    { what: 'visits of a stage without duration or churn that end before the timeframe end', bad: forever.length ? `st IN ${inList(forever)} AND ea IS NOT NULL${running}` : 'FALSE' },
    { what: 'lifecycles that end after a stage whose exit_probability is 1 and whose next stages all exist', bad: mustGoOn.length ? `rn = cnt - 1 AND ea IS NOT NULL AND st IN ${inList(mustGoOn)} AND cnt < ${num(MAX_VISITS)}${running}` : 'FALSE' },
    { what: 'visits outside the clamp of their stage duration', bad: clamps.length ? `ea IS NOT NULL AND (${clamps.join(' OR ')})${running}` : 'FALSE' },
  ];
}

/**
 * An events fact is checked per visit (entity, stage_index) from one aggregate of its rows, so a table of
 * millions of events needs no sort: one stage per visit and event types of that stage, stages[0] first,
 * declared moves between consecutive visits, visits in time order (the last event of a visit not after the
 * first of the next), events between the parent's start and the timeframe end.
 */
function eventParts(x: Life): RulePart[] {
  const { l } = x;
  const end = tsLit(l.endMs);
  const names = inList(l.stages.map((s) => s.name));
  const typePairs = l.stages.flatMap((s) => s.eventTypes.map((e) => `${s.name}${SEP}${e}`));
  const E = ident(x.entity);
  const st = `CAST(${ident(x.stage)} AS VARCHAR)`;
  const et = `CAST(${ident(x.type!)} AS VARCHAR)`;
  const at = `${ident(x.at!)}::TIMESTAMP`;
  const v0 = `SELECT ${E} AS e, ${ident(x.index)} AS k, min(${st}) AS st, max(${st}) AS st2, count(*) FILTER (WHERE ${st} IS NULL) AS no_st, min(${at}) AS lo, max(${at}) AS hi,
      count(*) FILTER (WHERE ${et} IS NULL OR (${st} || ${lit(SEP)} || ${et}) NOT IN ${inList(typePairs)}) AS bad_type
    FROM ${ident(x.t.id)} GROUP BY ALL`;
  const withSql = `WITH p AS ${parentRows(x.ctx, x.parent, x.l.startFrom, null, x.l.startMs, x.l.endFrom ?? null, x.l.endState)},
    v0 AS (SELECT v0.*, p.t0, p.t1 FROM (${v0}) v0 LEFT JOIN p USING (e) WHERE ${x.clean('v0.e')}),
    v AS (SELECT *, lag(k) OVER w1 AS prev_k, lag(st) OVER w1 AS prev, lag(hi) OVER w1 AS prev_hi FROM v0 WINDOW w1 AS (PARTITION BY e ORDER BY k))`;
  const ex = `${lit(`${x.entity} `)} || CAST(e AS VARCHAR) || ${lit(`, ${x.index} `)} || CAST(k AS VARCHAR)`;
  const parts: RulePart[] = [{ withSql, from: 'v', example: ex, rules: [
    { what: 'visits with events of a stage that is not declared', bad: `no_st > 0 OR st NOT IN ${names} OR st2 NOT IN ${names}` },
    { what: 'visits with events of more than one stage', bad: 'st <> st2' },
    { what: `visits with events whose ${x.type} is not one of their stage's event_types`, bad: 'bad_type > 0' },
    { what: `lifecycles whose visit 0 is not ${l.stages[0].name}`, bad: `k = 0 AND st IS DISTINCT FROM ${lit(l.stages[0].name)}` },
    { what: 'consecutive visits with a move the lifecycle does not declare', bad: `prev_k = k - 1 AND (prev || ${lit(SEP)} || st) NOT IN ${inList(movePairs(l))}` },
    { what: 'visits with an event earlier than an event of an earlier visit (visits follow each other in time)', bad: 'lo < prev_hi' },
    { what: "visits with events before the parent's start or after the timeframe end", bad: `lo < t0 OR hi > ${end}` },
    { what: "visits with events after the parent's lifetime end", bad: x.l.endFrom || x.l.endState ? 'hi > t1' : 'FALSE' },
  ] }];
  if (x.sibling) parts.push(siblingPart(x, x.sibling, withSql));
  return parts;
}

/** lifecycle_order: stages in declared order, contiguous in time, events inside their stage's interval. */
export async function lifecycleOrder(ctx: ValidateContext): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const x of await lifecycles(ctx)) {
    const end = tsLit(x.l.endMs);
    const ex = `${lit(`${x.entity} `)} || CAST(e AS VARCHAR) || ${lit(`, ${x.index} `)} || CAST(k AS VARCHAR)`;
    const parts: RulePart[] = [];
    if (x.l.emit === 'stages') {
      const w = `${x.withSql}, w AS (SELECT *, lag(st) OVER w1 AS prev, lag(ea) OVER w1 AS prev_end, row_number() OVER w1 - 1 AS rn, count(*) OVER (PARTITION BY e) AS cnt FROM r WINDOW w1 AS (PARTITION BY e ORDER BY k, sa))`;
      parts.push({ withSql: w, from: 'w', example: ex, rules: stageRules(x) });
      const missing = `(SELECT * FROM p WHERE t0 <= ${end} AND e NOT IN (SELECT ${ident(x.entity)} FROM ${ident(x.t.id)} WHERE ${ident(x.entity)} IS NOT NULL)) q`;
      parts.push({ withSql: x.withSql, from: missing, example: `${lit(`${x.entity} `)} || CAST(e AS VARCHAR)`, rules: [{ what: `${x.parent} rows that start before the timeframe end but have no stage`, bad: 'TRUE' }] });
    } else {
      parts.push(...eventParts(x));
    }
    out.push(await ruleCheck(ctx, { check: 'lifecycle_order', category: 'behavioural', table: x.t.id, column: x.stage, hard: true, specPath: nodePath(ctx, x.t.id, 'lifecycle_model', 'stages') }, parts,
      x.l.emit === 'stages' ? `every lifecycle starts in ${x.l.stages[0].name} at its parent's start and moves through declared stages, each visit starting when the previous one ends`
        : `events follow their lifecycle's visits in order and have their stage's event types${x.sibling ? `, inside the visit's interval in ${x.sibling.t.id}` : ''}`));
  }
  return out;
}

/** Visits with events against the visits of the stages fact of the same lifecycles: same stage, events inside [started_at, ended_at). */
function siblingPart(x: Life, s: Life, withSql: string): RulePart {
  const se = ident(s.entity);
  const sv = `(SELECT ${se} AS e, ${ident(s.index)} AS k, CAST(${ident(s.stage)} AS VARCHAR) AS st, ${ident(s.start!)}::TIMESTAMP AS sa, ${ident(s.end!)}::TIMESTAMP AS ea FROM ${ident(s.t.id)} WHERE ${s.clean(se)})`;
  const end = tsLit(x.l.endMs);
  const inside = x.dateOnly || s.dateOnly ? `CAST(v.lo AS DATE) >= CAST(sv.sa AS DATE) AND CAST(v.hi AS DATE) <= CAST(coalesce(sv.ea, ${end}) AS DATE)` : `v.lo >= sv.sa AND v.hi < coalesce(sv.ea, ${end} + INTERVAL 1 SECOND)`;
  const j = `(SELECT v.e, v.k, v.st AS est, sv.st AS vst, sv.e IS NOT NULL AS found, ${inside} AS inside FROM v LEFT JOIN ${sv} sv ON sv.e = v.e AND sv.k = v.k WHERE ${s.clean('v.e')}) j`;
  return {
    withSql, from: j, example: `${lit(`${x.entity} `)} || CAST(e AS VARCHAR) || ${lit(`, ${x.index} `)} || CAST(k AS VARCHAR)`,
    rules: [
      { what: `visits with events that are not in ${s.t.id}`, bad: 'NOT found' },
      { what: `visits whose events' stage differs from the visit's in ${s.t.id}`, bad: 'found AND est IS DISTINCT FROM vst' },
      { what: `visits with events outside the visit's interval in ${s.t.id}`, bad: 'found AND NOT inside' },
    ],
  };
}
