/**
 * State machines (state_transition_model, DSL §5.4): the SQL both emits share and what the engine promises.
 * A relationship per parent row starts in the initial state at the parent's start and draws a move at the end
 * of every period: from state s it goes to j with P_c(s→j) (the declared leave probability × next-state
 * weight, the terminal moves × the parent segment's churn multiplier, exactly as src/model/states.ts), and
 * stays otherwise. Both emits are reduced to runs of one state (`ep`: entity, segment, state, periods d, closed
 * = left to `nxt` before the window end), from which the period-level transition matrix and the sojourn
 * hazards follow: a run of d periods that ends holds d − 1 stays and one move; a run still open at the window
 * end holds d − 1 stays (its last draw is not observed).
 */
import type { StateMachinePlan, TablePlan } from '../../ir/types.ts';
import { ident } from '../sql.ts';
import type { ValidateContext } from '../types.ts';
import { behaviourColumns, cleanEntity, entityColumn, fieldColumn, gatedParentRows, hasColumns, inList, parentRows, tsLit } from './machines-common.ts';

export interface Machine {
  t: TablePlan;
  m: StateMachinePlan;
  parent: string;
  /** The fact column with the parent key. */
  entity: string;
  state: string;
  index: string;
  /** periods: period_start; episodes: valid_from / valid_to. */
  period?: string;
  from?: string;
  to?: string;
  /** A behaviour time column is DATE (compare calendar days). */
  dateOnly: boolean;
  /** Segment column of the churn multipliers, when there are any and the parent has it. */
  seg: string | null;
  /** Churn multipliers declared but not readable from the file: terminal-hazard cells cannot be modelled. */
  segUnknown: boolean;
  /** The WITH clause defining p (parents), r (rows, clean entities) and ep (runs). */
  withSql: string;
}

export async function machineOf(ctx: ValidateContext, t: TablePlan): Promise<Machine | null> {
  if (t.rows.kind !== 'states' || !ctx.present.has(t.id)) return null;
  const { machine: m, parent } = t.rows;
  const entity = entityColumn(ctx, t, parent);
  const state = fieldColumn(t, 'state', 'state');
  const index = fieldColumn(t, 'state', 'index');
  const period = fieldColumn(t, 'state', 'period');
  const from = fieldColumn(t, 'state', 'from');
  const to = fieldColumn(t, 'state', 'to');
  if (!entity || !state || !index || (m.emit === 'periods' ? !period : !from || !to)) return null;
  if (!(await hasColumns(ctx, t.id, [entity, state.name, index.name, period?.name ?? null, from?.name ?? null, to?.name ?? null]))) return null;
  const segCol = m.churn?.column ?? null;
  const segOk = segCol !== null && (await hasColumns(ctx, parent, [segCol]));
  const startOk = m.startFrom === null || (await hasColumns(ctx, parent, [m.startFrom]));
  if (!startOk) return null;
  const dateOnly = [period, from, to].some((c) => c?.type === 'date');
  const x: Omit<Machine, 'withSql'> = {
    t, m, parent, entity, state: state.name, index: index.name, period: period?.name, from: from?.name, to: to?.name, dateOnly,
    seg: segOk ? segCol : null, segUnknown: m.churn !== null && !segOk,
  };
  return { ...x, withSql: withSql(ctx, x) };
}

/**
 * The mean Gregorian month in days, 365.2425 / 12 = 30.436875: a monthly state machine's period k starts
 * round(k × 30.436875) days after the relationship's start (docs/behaviours/state-machines.md).
 */
const MEAN_MONTH_DAYS = 365.2425 / 12;

/** Start of period k (SQL) of a relationship that started at t0 (months: mean Gregorian months in whole days). */
export function periodAt(unit: StateMachinePlan['periodUnit'], t0: string, k: string): string {
  switch (unit) {
    case 'day': return `(${t0} + to_days(CAST(${k} AS INTEGER)))`;
    case 'week': return `(${t0} + to_days(CAST(7 * (${k}) AS INTEGER)))`;
    case 'month': return `(${t0} + to_days(CAST(round((${k}) * CAST(${MEAN_MONTH_DAYS} AS DOUBLE)) AS INTEGER)))`;
    case 'year': return `(${t0} + to_months(CAST(12 * (${k}) AS INTEGER)))`;
  }
}

/** The period number (SQL) whose start is the instant x (exact for period starts, also when x is a DATE). */
export function periodOf(unit: StateMachinePlan['periodUnit'], t0: string, x: string): string {
  switch (unit) {
    case 'day': return `datediff('day', ${t0}::DATE, ${x}::DATE)`;
    case 'week': return `(datediff('day', ${t0}::DATE, ${x}::DATE) // 7)`;
    case 'month': return `CAST(round(datediff('day', ${t0}::DATE, ${x}::DATE) / CAST(${MEAN_MONTH_DAYS} AS DOUBLE)) AS BIGINT)`;
    case 'year': return `(datediff('month', ${t0}::DATE, ${x}::DATE) // 12)`;
  }
}

/** Number of periods (SQL) starting at or before the window end. */
function periodCount(m: StateMachinePlan, t0: string): string {
  const end = tsLit(m.endMs);
  const k = periodOf(m.periodUnit, t0, end);
  return `(${k} + CASE WHEN ${periodAt(m.periodUnit, t0, k)} <= ${end} THEN 1 ELSE 0 END)`;
}

/** Is the column value the instant (SQL)? Calendar days when the column is a DATE. */
export function sameInstant(x: Pick<Machine, 'dateOnly'>, col: string, instant: string): string {
  return x.dateOnly ? `(CAST(${col} AS DATE) IS NOT DISTINCT FROM CAST(${instant} AS DATE))` : `(${col}::TIMESTAMP IS NOT DISTINCT FROM ${instant})`;
}

function withSql(ctx: ValidateContext, x: Omit<Machine, 'withSql'>): string {
  const { t, m } = x;
  const E = `f.${ident(x.entity)}`;
  const clean = cleanEntity(ctx, t, x.entity, behaviourColumns(t, 'state'), E);
  const times = m.emit === 'periods' ? `f.${ident(x.period!)} AS ps` : `f.${ident(x.from!)} AS vf, f.${ident(x.to!)} AS vt`;
  const rk = t.pk ? `CAST(f.${ident(t.pk)} AS VARCHAR)` : `CAST(f.rowid AS VARCHAR)`;
  const p = gatedParentRows(ctx, parentRows(ctx, x.parent, m.startFrom, x.seg, m.startMs, m.endFrom ?? null, m.endState), x.parent, m.gate);
  // stop: where the relationship may run to — the window end, or the parent's lifetime end when that comes first.
  const r = `SELECT ${E} AS e, CAST(f.${ident(x.state)} AS VARCHAR) AS s, f.${ident(x.index)} AS k, ${times}, p.t0, p.seg, p.t1, least(${tsLit(m.endMs)}, coalesce(p.t1, ${tsLit(m.endMs)})) AS stop, ${rk} AS rk FROM ${ident(t.id)} f LEFT JOIN p ON p.e = ${E} WHERE ${clean}`;
  const terminal = inList(m.states.filter((_, i) => m.terminal[i]));
  const ep = m.emit === 'periods'
    ? `g AS (SELECT e, seg, s, k, k - row_number() OVER (PARTITION BY e, s ORDER BY k) AS grp FROM r),
       ep0 AS (SELECT e, any_value(seg) AS seg, s, min(k) AS kf, max(k) + 1 AS kt FROM g GROUP BY e, s, grp),
       ep AS (SELECT e, seg, s, kt - kf AS d, lead(s) OVER (PARTITION BY e ORDER BY kf) AS nxt, s IN ${terminal} AS term FROM ep0)`
    : `ep0 AS (SELECT e, seg, s, vf, ${periodOf(m.periodUnit, 't0', 'vf')} AS kf, CASE WHEN vt IS NULL THEN ${periodCount(m, 't0')} ELSE ${periodOf(m.periodUnit, 't0', 'vt')} END AS kt FROM r),
       ep AS (SELECT e, seg, s, kt - kf AS d, lead(s) OVER (PARTITION BY e ORDER BY kf, vf) AS nxt, s IN ${terminal} AS term FROM ep0)`;
  return `WITH p AS ${p}, r AS (${r}), ${ep}`;
}

export interface Runs {
  seg: string | null;
  s: string;
  /** The state after the run (null: still open at the window end). */
  nxt: string | null;
  /** Periods in the run. */
  d: number;
  count: number;
}

const RUNS = new WeakMap<ValidateContext, Map<string, Promise<Runs[]>>>();

/** The runs of non-terminal states grouped by (segment, state, next state, length): one scan shared by the statistical checks. */
export function runs(ctx: ValidateContext, x: Machine): Promise<Runs[]> {
  let byTable = RUNS.get(ctx);
  if (!byTable) RUNS.set(ctx, (byTable = new Map()));
  let r = byTable.get(x.t.id);
  if (!r) {
    r = ctx.db.all(`${x.withSql} SELECT seg, s, nxt, d, count(*) AS c FROM ep WHERE NOT term GROUP BY ALL`).then((rows) => rows.map((q) => ({
      seg: q.seg === null || q.seg === undefined ? null : String(q.seg), s: String(q.s), nxt: q.nxt === null || q.nxt === undefined ? null : String(q.nxt), d: Number(q.d), count: Number(q.c),
    })));
    byTable.set(x.t.id, r);
  }
  return r;
}

/** Per segment multiplier c: the probability of each next state from s in one period (the engine's rule). */
export function moveProbabilities(m: StateMachinePlan, s: number, c: number): number[] {
  const out = m.states.map(() => 0);
  if (m.terminal[s]) return out;
  const q = m.leave[s];
  const w = m.next[s];
  const termShare = w.reduce((a, x, j) => a + (m.terminal[j] ? x : 0), 0);
  const pTerm = Math.min(1, q * termShare * c);
  const pOther = Math.min(1 - pTerm, q * (1 - termShare));
  w.forEach((x, j) => {
    if (x <= 0) return;
    out[j] += m.terminal[j] ? (termShare > 0 ? (pTerm * x) / termShare : 0) : termShare < 1 ? (pOther * x) / (1 - termShare) : 0;
  });
  out[s] += Math.max(0, 1 - pTerm - pOther);
  return out;
}

/** Can a relationship in s stay there for another period (for some segment)? */
export function canStay(m: StateMachinePlan, s: number): boolean {
  if (m.terminal[s]) return false;
  if (m.next[s][s] > 0 || m.leave[s] < 1) return true;
  const termShare = m.next[s].reduce((a, x, j) => a + (m.terminal[j] ? x : 0), 0);
  const low = m.churn ? Math.min(1, ...Object.values(m.churn.multipliers)) : 1;
  return termShare > 0 && low < 1;
}

/** Moves a relationship in s can make to another state. */
export function canMove(m: StateMachinePlan, s: number, j: number): boolean {
  return !m.terminal[s] && j !== s && m.leave[s] > 0 && m.next[s][j] > 0;
}

/** Does the terminal-hazard multiplier change the moves out of s? */
export function churnAffects(m: StateMachinePlan, s: number): boolean {
  return m.churn !== null && m.next[s].some((x, j) => x > 0 && m.terminal[j]);
}
