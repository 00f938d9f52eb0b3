/**
 * choice_weights: the shares of a `choice` column's stored values against its weights, through the value
 * modifiers that act value by value and the type cast; labelled cells are left out (a slack of their share).
 */
import { roundHalfEven } from '../../model/rounding.ts';
import type { ColumnPlan, ModifierProgram, Scalar } from '../../ir/types.ts';
import { isLabelled } from '../labelled.ts';
import { ident, n } from '../sql.ts';
import { pct, round, zText } from '../stats.ts';
import { docColumn, nodeIndex, nodePath } from '../structural.ts';
import type { CheckModule, CheckResult, ValidateContext } from '../types.ts';
import { judgeCounts } from './distributions-stats.ts';
import { DAY_MS } from './label-checks-model.ts';
import { guarded, keptSql, MIN_ROWS, present } from './distributions-common.ts';

type Key = string | number;

/**
 * Expected share of every stored value of a `choice` column: the weights (cdf differences, the last choice
 * takes the rest as pickIndex does), through the column's value modifiers that act value by value
 * (map_values, multiply, add, clamp) and the type cast; null values leave (they are judged by null_rate).
 * Null when another modifier changes values (labelled modifiers are left to the label exclusion).
 */
function choiceExpectation(c: ColumnPlan): Map<Key, number> | null {
  const g = c.generator;
  if (g.kind !== 'choice') return null;
  const w = g.cdf.map((x, i) => (i === g.cdf.length - 1 ? 1 - (i > 0 ? g.cdf[i - 1] : 0) : x - (i > 0 ? g.cdf[i - 1] : 0)));
  const numeric = g.values.every((v) => typeof v !== 'string');
  let values: (Scalar | number)[] = g.values.map((v) => (numeric ? (v === null ? NaN : Number(v)) : v === null ? null : String(v)));
  for (const m of c.modifiers) {
    if (isLabelled(m)) continue;
    const next = valueModifier(m, values, numeric, c.type);
    if (!next) return null;
    values = next;
  }
  const out = new Map<Key, number>();
  values.forEach((v, i) => {
    const k = castKey(v, c.type);
    if (k !== null && w[i] > 0) out.set(k, (out.get(k) ?? 0) + w[i]);
  });
  return out;
}

function valueModifier(m: ModifierProgram, values: (Scalar | number)[], numeric: boolean, type: string): (Scalar | number)[] | null {
  switch (m.kind) {
    case 'map_values': {
      const map = new Map(Object.entries(m.mapping));
      if (!numeric) return values.map((v) => (v !== null && map.has(String(v)) ? (map.get(String(v)) === null ? null : String(map.get(String(v)))) : v));
      if (type === 'string') return null;
      const bool = type === 'bool';
      return values.map((v) => {
        const x = Number(v);
        if (Number.isNaN(x)) return v;
        const k = bool ? (x ? 'true' : 'false') : String(x);
        if (!map.has(k)) return v;
        const y = map.get(k)!;
        return y === null ? NaN : typeof y === 'string' && bool ? (/^true$/i.test(y) ? 1 : 0) : Number(y);
      });
    }
    case 'multiply':
      return numeric ? values.map((v) => Number(v) * m.factor) : null;
    case 'add':
      return numeric ? values.map((v) => Number(v) + m.value) : null;
    case 'clamp': {
      if (!numeric) return null;
      const a = m.min ?? -Infinity;
      const b = m.max ?? Infinity;
      return values.map((v) => {
        const x = Number(v);
        return x < a ? a : x > b ? b : x;
      });
    }
    default:
      return null;
  }
}

/** The stored value (as the SQL key of choiceKeySql reads it back), after the engine's cast; null for a null. */
function castKey(v: Scalar | number, type: string): Key | null {
  if (v === null) return null;
  if (type === 'string' || type === 'json') return typeof v === 'string' ? v : Number.isNaN(Number(v)) ? null : String(v);
  let x = typeof v === 'number' ? v : typeof v === 'boolean' ? (v ? 1 : 0) : Number(v);
  if (Number.isNaN(x)) return null;
  switch (type) {
    case 'int':
      return Math.abs(x) < 9.2e18 ? (x === Math.floor(x) ? x : roundHalfEven(x)) : null;
    case 'float':
      return Number.isFinite(x) ? x : null;
    case 'decimal':
      return Math.abs(x) < 1e14 ? roundHalfEven(x * 10_000) / 10_000 : null;
    case 'bool':
      return x !== 0 ? 1 : 0;
    case 'datetime':
      return Math.abs(x) <= 8.64e15 ? Math.round(x) : null;
    case 'date':
      x = Math.floor(x / DAY_MS) * DAY_MS;
      return Math.abs(x) <= 8.64e15 ? x : null;
    default:
      return null;
  }
}

function choiceKeySql(c: ColumnPlan): string | null {
  const q = ident(c.name);
  switch (c.type) {
    case 'string':
    case 'json':
      return `CAST(${q} AS VARCHAR)`;
    case 'int':
    case 'float':
    case 'decimal':
      return `CAST(${q} AS DOUBLE)`;
    case 'bool':
      return `CAST(${q} AS INTEGER)`;
    case 'datetime':
    case 'date':
      return `epoch_ms(${q}::TIMESTAMP)::DOUBLE`;
    default:
      return null;
  }
}

function sameKey(a: Key, b: Key): boolean {
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  return a === b || Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

function keyLabel(k: Key, type: string): string {
  if (typeof k === 'number' && (type === 'datetime' || type === 'date')) return new Date(k).toISOString().slice(0, type === 'date' ? 10 : 19);
  if (typeof k === 'number' && type === 'bool') return k ? 'true' : 'false';
  return String(k);
}

/** The choice generator of a column, or the segment_behavior.segments that define a segment column. */
function choicePath(ctx: ValidateContext, table: string, column: string): string | undefined {
  const d = docColumn(ctx, table, column);
  if (d?.col.generator?.choice !== undefined) return `${d.path}/generator/choice`;
  const i = nodeIndex(ctx, table);
  if (i < 0) return undefined;
  const sb = ctx.doc.nodes[i].segment_behavior;
  if (sb?.segment_column === column && sb.segments !== undefined) return nodePath(ctx, table, 'segment_behavior', 'segments');
  return d?.path ?? nodePath(ctx, table);
}

export const choiceWeights: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const t of present(ctx)) {
    for (const c of t.columns) await guarded(out, 'choice_weights', t.id, c.name, async () => {
      if (c.generator.kind !== 'choice') return;
      const expected = choiceExpectation(c);
      const keySql = choiceKeySql(c);
      if (!expected || !keySql || expected.size === 0) return;
      const q = ident(c.name);
      const kept = keptSql(ctx, t, c.name);
      // One scan: kept rows per value (the 500 most frequent), with the totals of all and of kept non-null rows.
      const rows = await ctx.db.all(`SELECT * FROM (SELECT v, c, sum(c) OVER () AS kept, sum(a) OVER () AS total FROM (SELECT ${keySql} AS v, count(*) FILTER (WHERE ${kept}) AS c, count(*) AS a FROM ${ident(t.id)} WHERE ${q} IS NOT NULL GROUP BY 1)) WHERE c > 0 ORDER BY c DESC, v LIMIT 500`);
      const total = n(rows[0]?.total);
      const keptRows = n(rows[0]?.kept);
      if (!(keptRows >= MIN_ROWS)) return;
      const keys = [...expected.keys()];
      const counts = new Array(keys.length).fill(0);
      const unexpected: { v: Key; c: number }[] = [];
      let matched = 0;
      for (const r of rows) {
        const v: Key = typeof r.v === 'string' ? r.v : n(r.v);
        const i = keys.findIndex((k) => sameKey(k, v));
        if (i >= 0) (counts[i] += n(r.c)), (matched += n(r.c));
        else unexpected.push({ v, c: n(r.c) });
      }
      const other = keptRows - matched;
      const shares = keys.map((k) => expected.get(k)!);
      const labels = keys.map((k) => keyLabel(k, c.type));
      if (other > 0) {
        counts.push(other);
        shares.push(0);
        labels.push('(other values)');
      }
      // Leaving out labelled cells can move a share by at most their fraction of the rows.
      const slack = total > 0 ? (total - keptRows) / total : 0;
      const j = judgeCounts(counts, shares, slack);
      const expShares = shares.map((s) => s / shares.reduce((a, b) => a + b, 0));
      const worstLabel = labels[j.worstBucket] ?? '';
      out.push({
        check: 'choice_weights', category: 'behavioural', table: t.id, column: c.name, hard: false,
        specPath: choicePath(ctx, t.id, c.name), status: j.status,
        expected: Object.fromEntries(labels.map((l, i) => [l, round(expShares[i])])),
        observed: Object.fromEntries(labels.map((l, i) => [l, round(j.observed[i])])),
        tolerance: round(j.tolerance), examples: unexpected.slice(0, 5).map((u) => keyLabel(u.v, c.type)),
        message: other > 0
          ? `${other} of ${keptRows} ${c.name} values are none of the choices (e.g. ${unexpected.slice(0, 3).map((u) => JSON.stringify(keyLabel(u.v, c.type))).join(', ')})`
          : `shares of ${c.name} over ${keptRows} rows against the choice weights: largest deviation ${pct(j.maxDeviation)} at ${JSON.stringify(worstLabel)} (${zText(j.z)})`,
        chart: { kind: 'bars', title: `${t.id}.${c.name}: share per value`, labels, expected: expShares.map((x) => round(x)), observed: j.observed.map((x) => round(x)), unit: 'share' },
      });
    });
  }
  return out;
};
