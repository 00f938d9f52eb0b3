/**
 * Preference-driven picks (docs/behaviours/relations.md, "Preference-driven picks"; plan: src/plan/preference.ts).
 * Candidate j of the picked table weighs, for row i, exp(score(i, j) / T) — or max(0, score(i, j)) without a
 * temperature — times `weights_by`, among the rows matching the row's `on` keys. The score is split
 * (src/expr/separable.ts) into candidate-only terms, computed once per candidate, and row-dependent terms that read
 * only the candidate's *group* columns, computed once per (row, group): a row draws a group ∝ its mass × the row's
 * factor, then a candidate inside it by the candidate's own weight (a cumulative table). Exact, and O(groups) per
 * row. `distinct`: a parent's children draw one sequence without replacement (rejection against the parent's
 * earlier picks, an exact enumeration after many rejections), keyed by the parent, so any chunk split agrees.
 */
import { compileExpression, parseExpression, type ExprRef, type ParsedExpression, type RowEvaluator } from '../expr/expression.ts';
import { CANDIDATE, partExpression, splitScore } from '../expr/separable.ts';
import type { ExprNode } from '../expr/types.ts';
import type { KeyedPick, PreferencePlan } from '../ir/types.ts';
import { type ColumnData, joinKey } from '../model/column-data.ts';
import { uniform } from '../model/rng.ts';
import { pickIndex } from '../model/weighted-pick.ts';
import { type ChunkContext, tableKey } from './chunk.ts';

interface Group {
  rows: Int32Array;
  /** Cumulative within-group probabilities of `rows`. */
  cdf: Float64Array;
  /** log Σ weight (softmax) or Σ weight (plain weights) of the group's candidates. */
  mass: number;
  /** Index into `Index.tuples`: the group columns' values. */
  tuple: number;
}

interface Index {
  softmax: boolean;
  temperature: number;
  /** Groups by the candidates' `on` key (one entry '' without keys). */
  byKey: Map<string | number | null, Group[]>;
  /** Distinct values of the group columns (as bound into the mixed terms). */
  tuples: unknown[][];
  /** Group columns (in the order of `tuples`' values), the row-dependent terms, and (plain weights) the row-only factors. */
  group: string[];
  mixed: ParsedExpression | null;
  row: ParsedExpression | null;
}

const owners = new Map<string, object>();
const NO_KEY = '';
/** Consecutive rejections of already-picked rows before a distinct draw enumerates the remaining candidates. */
const MAX_REJECTIONS = 64;

/** The row of `pick.table` each row of the chunk picks (−1: none). */
export function preferenceRows(pick: KeyedPick, ctx: ChunkContext): Float64Array {
  const p = pick.prefer!;
  const id = JSON.stringify([pick.table, pick.on, pick.weightsBy, p]);
  let owner = owners.get(id);
  if (!owner) owners.set(id, (owner = {}));
  const index = ctx.memo(owner, () => buildIndex(ctx, pick, p));
  const locals = pick.on.map((k) => ctx.cols.get(k.local)!);
  const n = ctx.n;
  const out = new Float64Array(n).fill(-1);
  // A score that reads no column of the row itself (only the candidate and parent.x) is the same for all of a
  // parent's children: its row-dependent part is computed once per parent of the chunk (`at[i]`), else per row.
  const perParent = p.columns.length === 0 && ctx.parentRow !== null;
  let at: Int32Array | null = null;
  let m = n;
  let bind = rowBinding(ctx, null);
  if (perParent) {
    at = new Int32Array(n);
    const firsts: number[] = [];
    for (let i = 0; i < n; i++) {
      if (i === 0 || ctx.parentRow![i] !== ctx.parentRow![i - 1]) firsts.push(ctx.parentRow![i]);
      at[i] = firsts.length - 1;
    }
    m = firsts.length;
    bind = rowBinding(ctx, Float64Array.from(firsts));
  }
  // The row-dependent part per distinct group tuple, for every row (or parent) of the chunk.
  const h = index.mixed ? index.tuples.map((t) => evaluate(index.mixed!, bindTuple(index.group, bind, t, m), m)) : null;
  const rowFactor = index.row ? evaluate(index.row, bind, m) : null;
  /** Cumulative group probabilities of the last row weighed. */
  let scratch = new Float64Array(64);
  /** Group weights of row i (into `scratch`, cumulative); false when the row can pick nothing. */
  const weigh = (groups: Group[], i: number): boolean => {
    if (rowFactor && !(rowFactor[i] > 0)) return false;
    if (scratch.length < groups.length) scratch = new Float64Array(2 * groups.length);
    const w = scratch;
    let max = -Infinity;
    for (let g = 0; g < groups.length; g++) {
      const x = h ? h[groups[g].tuple][i] : index.softmax ? 0 : 1;
      const a = index.softmax ? groups[g].mass + x / index.temperature : groups[g].mass * x;
      w[g] = Number.isFinite(a) && (index.softmax || a > 0) ? a : NaN;
      if (w[g] > max) max = w[g];
    }
    if (max === -Infinity) return false;
    let total = 0;
    for (let g = 0; g < groups.length; g++) {
      const e = Number.isNaN(w[g]) ? 0 : index.softmax ? Math.exp(w[g] - max) : w[g];
      total += e;
      w[g] = total;
    }
    if (!(total > 0)) return false;
    for (let g = 0; g < groups.length; g++) w[g] /= total;
    return true;
  };
  const draw = (groups: Group[], u1: number, u2: number): number => {
    const g = groups[pickIndex(scratch, u1, groups.length)]; // a prefix: no subarray view per row
    return g.rows[pickIndex(g.cdf, u2)];
  };
  if (!p.distinct) {
    let last: Group[] | undefined;
    let lastAt = -1;
    let ok = false;
    for (let i = 0; i < n; i++) {
      const groups = index.byKey.get(locals.length ? rowKey(locals, i) : NO_KEY);
      if (!groups) continue;
      const a = at ? at[i] : i;
      // Consecutive rows of one parent with the same candidates share the group weights.
      if (groups !== last || a !== lastAt) {
        ok = weigh(groups, a);
        last = groups;
        lastAt = a;
      }
      if (!ok) continue;
      const row = ctx.start + i;
      out[i] = draw(groups, uniform(pick.stream, row, 1), uniform(pick.stream, row, 2));
    }
    return out;
  }
  // distinct: one sequence per parent (the score and keys read only the parent: checked at compile time).
  const firstChild = ctx.memo(tableKey('preference-first-child', ctx.table.id), () => firstChildren(ctx));
  const key = (pick.stream ^ 0x5bd1e995) >>> 0;
  let parent = -1;
  let seq: number[] = [];
  let taken = new Set<number>();
  let attempt = 0;
  let exhausted = false;
  let groups: Group[] | undefined;
  for (let i = 0; i < n; i++) {
    const p0 = ctx.parentRow![i];
    if (p0 !== parent) {
      parent = p0;
      seq = [];
      taken = new Set();
      attempt = 0;
      groups = index.byKey.get(locals.length ? rowKey(locals, i) : NO_KEY);
      exhausted = !groups || !weigh(groups, at ? at[i] : i);
    }
    const k = ctx.start + i - firstChild[parent];
    while (!exhausted && seq.length <= k) {
      let r = -1;
      for (let rejected = 0; rejected < MAX_REJECTIONS && r < 0; rejected++, attempt++) {
        const c = draw(groups!, uniform(key, parent, 2 * attempt + 1), uniform(key, parent, 2 * attempt + 2));
        if (!taken.has(c)) r = c;
      }
      if (r < 0) r = drawRemaining(groups!, scratch, taken, uniform(key, parent, 2 * attempt++ + 1));
      if (r < 0) exhausted = true;
      else {
        seq.push(r);
        taken.add(r);
      }
    }
    out[i] = k < seq.length ? seq[k] : -1;
  }
  return out;
}

/** An exact draw among the candidates not taken (group probability × within-group probability), −1 when none is left. */
function drawRemaining(groups: Group[], cum: Float64Array, taken: Set<number>, u: number): number {
  const rows: number[] = [];
  const w: number[] = [];
  let total = 0;
  for (let g = 0; g < groups.length; g++) {
    const pg = cum[g] - (g ? cum[g - 1] : 0);
    if (!(pg > 0)) continue;
    const { rows: rs, cdf } = groups[g];
    for (let j = 0; j < rs.length; j++) {
      if (taken.has(rs[j])) continue;
      const pj = pg * (cdf[j] - (j ? cdf[j - 1] : 0));
      if (!(pj > 0)) continue;
      rows.push(rs[j]);
      w.push((total += pj));
    }
  }
  if (!(total > 0)) return -1;
  const t = u * total;
  for (let j = 0; j < w.length; j++) if (t <= w[j]) return rows[j];
  return rows[rows.length - 1];
}

/** Ordinal of each parent's first child (prefix sums of the layout's per-parent counts). */
function firstChildren(ctx: ChunkContext): Float64Array {
  const layout = ctx.memo(tableKey('layout', ctx.table.id), () => null as unknown as { counts: Int32Array | null });
  const counts = layout?.counts;
  if (!counts) throw new Error(`internal: a distinct pick in "${ctx.table.id}" without per-parent counts`);
  const out = new Float64Array(counts.length + 1);
  for (let p = 0; p < counts.length; p++) out[p + 1] = out[p] + counts[p];
  return out;
}

function rowKey(keys: ColumnData[], i: number): string | number | null {
  return keys.length === 1 ? keys[0].key(i) : joinKey(keys, i);
}

/**
 * What the score's references read for the chunk's rows — own columns, the parent's (gathered) — or, given `parents`,
 * for those parent rows (parent.x only); candidate refs unbound.
 */
function rowBinding(ctx: ChunkContext, parents: Float64Array | null): (ref: ExprRef) => ArrayLike<unknown> {
  const parent = ctx.table.rows.kind !== 'fixed' ? ctx.table.rows.parent : null;
  const cache = new Map<string, ArrayLike<unknown>>();
  return (ref) => {
    if (ref.kind === 'column') return ctx.cols.get(ref.column)!.values();
    if (ref.table === CANDIDATE) return [];
    const k = `${ref.table}.${ref.column}`;
    let v = cache.get(k);
    if (!v) cache.set(k, (v = ctx.store.column(parent!, ref.column).gather(parents ?? ctx.parentRow!, parents ? parents.length : ctx.n).values()));
    return v;
  };
}

/** The binding with every candidate reference read as one tuple's value (the group's). */
function bindTuple(group: string[], bind: (ref: ExprRef) => ArrayLike<unknown>, tuple: unknown[], n: number): (ref: ExprRef) => ArrayLike<unknown> {
  return (ref) => (ref.kind === 'table' && ref.table === CANDIDATE ? new Array(n).fill(tuple[group.indexOf(ref.column)]) : bind(ref));
}

/** An expression part over n rows as numbers (NaN for null or non-numbers). */
function evaluate(part: ParsedExpression, bind: (ref: ExprRef) => ArrayLike<unknown>, n: number): Float64Array {
  const fn: RowEvaluator = compileExpression(part, bind as (ref: ExprRef) => ArrayLike<number | string | boolean | null>);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = fn(i);
    out[i] = typeof v === 'number' ? v : typeof v === 'boolean' ? (v ? 1 : 0) : NaN;
  }
  return out;
}

/** Combine parts with + (softmax scores) or × (plain weights) into one expression; null when there are none. */
function combine(expr: ParsedExpression, parts: ExprNode[], softmax: boolean): ParsedExpression | null {
  if (parts.length === 0) return null;
  const ast = parts.reduce((a, b) => ({ k: 'arith', op: softmax ? '+' : '*', a, b }));
  return partExpression(expr, ast);
}

function buildIndex(ctx: ChunkContext, pick: KeyedPick, p: PreferencePlan): Index {
  const parsed = parseExpression(p.score);
  if (!parsed.ok) throw new Error(`internal: preference score no longer parses: ${p.score}`);
  const expr = parsed.expr;
  const softmax = p.temperature !== null;
  const T = p.temperature ?? 1;
  const parts = splitScore(expr, softmax ? 'sum' : 'product');
  const rows = ctx.store.table(pick.table).rows;
  // Candidate weights (log weights for softmax) from the candidate-only terms and weights_by.
  const candidate = combine(expr, parts.candidate, softmax);
  const cand = candidate ? evaluate(candidate, (ref) => (ref.kind === 'table' && ref.table === CANDIDATE ? ctx.store.column(pick.table, ref.column).values() : []), rows) : null;
  const wb = pick.weightsBy ? ctx.store.column(pick.table, pick.weightsBy).num! : null;
  const weight = new Float64Array(rows);
  for (let j = 0; j < rows; j++) {
    const c = cand ? cand[j] : softmax ? 0 : 1;
    const b = wb ? wb[j] : 1;
    weight[j] = softmax ? (b > 0 && Number.isFinite(b) ? c / T + Math.log(b) : NaN) : c * b;
    if (!(softmax ? Number.isFinite(weight[j]) : weight[j] > 0 && Number.isFinite(weight[j]))) weight[j] = NaN;
  }
  // Groups: candidates with equal `on` keys and equal group-column values.
  const keyCols = pick.on.map((k) => ctx.store.column(pick.table, k.remote));
  const groupCols = parts.group.map((c) => ctx.store.column(pick.table, c));
  const groupVals = groupCols.map((c) => c.values());
  const tupleIds = new Map<string, number>();
  const tuples: unknown[][] = [];
  const members = new Map<string, { key: string | number | null; tuple: number; rows: number[] }>();
  for (let j = 0; j < rows; j++) {
    if (Number.isNaN(weight[j])) continue;
    const tk = groupCols.length ? joinKey(groupCols, j) : '';
    let t = tupleIds.get(tk);
    if (t === undefined) {
      tupleIds.set(tk, (t = tuples.length));
      tuples.push(groupVals.map((v) => v[j]));
    }
    const key = keyCols.length ? rowKey(keyCols, j) : NO_KEY;
    const mk = `${typeof key}\u0001${String(key)}\u0002${t}`;
    let m = members.get(mk);
    if (!m) members.set(mk, (m = { key, tuple: t, rows: [] }));
    m.rows.push(j);
  }
  const byKey = new Map<string | number | null, Group[]>();
  for (const m of members.values()) {
    let max = -Infinity;
    for (const r of m.rows) max = Math.max(max, weight[r]);
    const cdf = new Float64Array(m.rows.length);
    let acc = 0;
    // Softmax: exp(log weight − max); plain weights scaled by the largest (sums of huge weights stay finite).
    m.rows.forEach((r, k) => (cdf[k] = acc += softmax ? Math.exp(weight[r] - max) : weight[r] / max));
    for (let k = 0; k < cdf.length; k++) cdf[k] /= acc;
    cdf[cdf.length - 1] = 1;
    const group: Group = { rows: Int32Array.from(m.rows), cdf, mass: softmax ? max + Math.log(acc) : max * acc, tuple: m.tuple };
    let list = byKey.get(m.key);
    if (!list) byKey.set(m.key, (list = []));
    list.push(group);
  }
  // Softmax: terms reading only the row shift every candidate alike and change nothing.
  return { softmax, temperature: T, byKey, tuples, group: parts.group, mixed: combine(expr, parts.mixed, softmax), row: softmax ? null : combine(expr, parts.row, false) };
}
