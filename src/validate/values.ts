/**
 * Value checks: the spec's `constraints` (ranges, inequalities, full-match patterns, enums incl. enum_ref,
 * unique columns), clamps of generators and modifiers, and the declared null_rate. Cells an anomaly changed on
 * purpose (labelled in `_labels`) are left out: their promise is checked by the label checks.
 */
import type { ColumnPlan, TablePlan } from '../ir/types.ts';
import { isLabelled, notLabelled } from './labelled.ts';
import { relations, split } from './relations.ts';
import { examples, ident, keyExpr, lit, n, num, one } from './sql.ts';
import { judge, round, shareSE } from './stats.ts';
import { nodePath } from './structural.ts';
import type { CheckModule, CheckResult, ValidateContext } from './types.ts';

interface Target { t: TablePlan; c: ColumnPlan }

function target(ctx: ValidateContext, ref: unknown): Target | null {
  const r = split(ref);
  const t = r && ctx.table(r.table);
  const c = t?.columns.find((x) => x.name === r!.column);
  return t && c && ctx.present.has(t.id) ? { t, c } : null;
}

/** Rows of `x` (alias-free) where `bad` holds, unlabelled: count and ≤ 5 example keys. */
async function offending(ctx: ValidateContext, x: Target, bad: string): Promise<{ count: number; ex: unknown[] }> {
  const where = `(${bad}) AND ${notLabelled(ctx, x.t.id, keyExpr(ctx, x.t.id), x.c.name)}`;
  const count = n((await one(ctx, `SELECT count(*) AS c FROM ${ident(x.t.id)} WHERE ${where}`)).c);
  return { count, ex: count ? await examples(ctx, `SELECT ${keyExpr(ctx, x.t.id)} FROM ${ident(x.t.id)} WHERE ${where}`) : [] };
}

/**
 * A per-value condition over the target column (`bad` gets the value's SQL). On a list column the constraint holds
 * for every item (docs/behaviours/relations.md, "Lists and vectors"): a row breaks it when any item does.
 */
function perItem(x: Target, bad: (value: string) => string): string {
  if (!x.c.type.startsWith('list<')) return bad(ident(x.c.name));
  return `EXISTS (SELECT 1 FROM (SELECT unnest(${ident(x.c.name)}) AS item) WHERE ${bad('item')})`;
}

function rowsCheck(check: string, x: Target, specPath: string, count: number, ex: unknown[], rule: string, hard = true): CheckResult {
  return { check, category: 'value', table: x.t.id, column: x.c.name, hard, specPath, status: count === 0 ? 'pass' : 'fail', expected: rule, observed: count === 0 ? rule : `${count} rows violate it`,
    tolerance: 0, examples: ex, message: count === 0 ? `every ${x.t.id}.${x.c.name}: ${rule}` : `${count.toLocaleString('en-US')} rows of ${x.t.id} break ${x.c.name}: ${rule}` };
}

function list(ctx: ValidateContext, key: string): { v: Record<string, unknown>; path: string }[] {
  const l = ctx.doc?.constraints?.[key];
  return Array.isArray(l) ? l.map((v, i) => ({ v, path: `/constraints/${key}/${i}` })) : [];
}

/** A bound as SQL: numbers as they are (int columns rounded outward: values are rounded after clamping), ISO strings as timestamps. */
function bound(x: Target, v: unknown, side: 'min' | 'max'): string | null {
  if (typeof v === 'number') return num(x.c.type === 'int' || x.c.type === 'list<int>' ? (side === 'min' ? Math.floor(v) : Math.ceil(v)) : v);
  if (typeof v === 'string' && (x.c.type === 'datetime' || x.c.type === 'date')) return `${lit(v)}::TIMESTAMP`;
  return null;
}

/** Decimal columns hold 4 decimals: a clamped value may round past its bound by half a unit of the last place. */
function slackOf(c: ColumnPlan): number {
  return c.type === 'decimal' ? 5e-5 : c.type === 'float' ? 1e-9 : 0;
}

const ranges: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const { v, path } of list(ctx, 'ranges')) {
    const x = target(ctx, v.attr);
    if (!x) continue;
    out.push(await rangeCheck(ctx, 'range', x, v.min, v.max, path));
  }
  return out;
};

async function rangeCheck(ctx: ValidateContext, check: string, x: Target, min: unknown, max: unknown, path: string): Promise<CheckResult> {
  const lo = bound(x, min, 'min');
  const hi = bound(x, max, 'max');
  const s = slackOf(x.c);
  const parts = (v: string) => {
    const col = x.c.type === 'date' ? `CAST(${v} AS TIMESTAMP)` : v;
    return [lo !== null ? `${col} < ${lo} - ${s}` : null, hi !== null ? `${col} > ${hi} + ${s}` : null].filter(Boolean).join(' OR ');
  };
  const rule = [min != null ? `≥ ${min}` : '', max != null ? `≤ ${max}` : ''].filter(Boolean).join(' and ');
  if (lo === null && hi === null) return rowsCheck(check, x, path, 0, [], 'no bound');
  const { count, ex } = await offending(ctx, x, perItem(x, parts));
  return rowsCheck(check, x, path, count, ex, rule);
}

/** The last clamp of a numeric column (generator clamp or clamp modifier) when only labelled modifiers come after it. */
const clamps: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const t of ctx.plan.tables) {
    if (!ctx.present.has(t.id)) continue;
    for (const c of t.columns) {
      if (!['int', 'float', 'decimal'].includes(c.type)) continue;
      const last = [...c.modifiers.keys()].reverse().find((i) => !isLabelled(c.modifiers[i]));
      const m = last === undefined ? null : c.modifiers[last];
      let lohi: [number | null, number | null] | null = null;
      if (m?.kind === 'clamp') lohi = [m.min, m.max];
      else if (m === null && c.generator.kind === 'distribution') lohi = c.generator.clamp;
      if (!lohi || (lohi[0] === null && lohi[1] === null)) continue;
      const r = await rangeCheck(ctx, 'clamp', { t, c }, lohi[0], lohi[1], nodePath(ctx, t.id) ?? '');
      out.push(r);
    }
  }
  return out;
};

const OPS: Record<string, string> = { '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

/** `left op right` per row: in one table, or across a key that links the two tables (a lookup or declared FK). */
const inequalities: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const { v, path } of list(ctx, 'inequalities')) {
    const l = target(ctx, v.left);
    const r = target(ctx, v.right);
    const op = OPS[String(v.op)];
    if (!l || !r || !op) continue;
    const rule = `${v.left} ${op} ${v.right}`;
    if (l.t.id === r.t.id) {
      const { count, ex } = await offending(ctx, l, `NOT (${ident(l.c.name)} ${op} ${ident(r.c.name)})`);
      out.push(rowsCheck('inequality', l, path, count, ex, rule));
      continue;
    }
    const link = relations(ctx.plan, ctx.doc).find((x) => x.from.table === l.t.id && x.to.table === r.t.id && x.to.column === r.t.pk)
      ?? relations(ctx.plan, ctx.doc).find((x) => x.from.table === r.t.id && x.to.table === l.t.id && x.to.column === l.t.pk);
    if (!link) {
      out.push({ check: 'inequality', category: 'value', table: l.t.id, column: l.c.name, hard: false, specPath: path, status: 'warn', expected: rule, observed: 'not checkable', tolerance: null, examples: [],
        message: `${rule} links two tables without a key between them (no lookup or foreign key from one to the other's primary key): not checked` });
      continue;
    }
    const [a, b] = link.from.table === l.t.id ? ['a', 'b'] : ['b', 'a'];
    const from = `${ident(l.t.id)} a JOIN ${ident(r.t.id)} b ON ${a}.${ident(link.from.column)} = ${b}.${ident(link.to.column)}`;
    const bad = `NOT (a.${ident(l.c.name)} ${op} b.${ident(r.c.name)})`;
    const count = n((await one(ctx, `SELECT count(*) AS c FROM ${from} WHERE ${bad}`)).c);
    const ex = count ? await examples(ctx, `SELECT ${l.t.pk ? `CAST(a.${ident(l.t.pk)} AS VARCHAR)` : 'NULL'} FROM ${from} WHERE ${bad}`) : [];
    out.push(rowsCheck('inequality', l, path, count, ex, rule));
  }
  return out;
};

const patterns: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const { v, path } of list(ctx, 'pattern')) {
    const x = target(ctx, v.attr);
    if (!x || typeof v.regex !== 'string') continue;
    try {
      const re = lit(v.regex);
      const { count, ex } = await offending(ctx, x, perItem(x, (c) => `${c} IS NOT NULL AND NOT regexp_full_match(CAST(${c} AS VARCHAR), ${re})`));
      out.push(rowsCheck('pattern', x, path, count, ex, `matches /${v.regex}/ in full`));
    } catch (e) {
      out.push({ check: 'pattern', category: 'value', table: x.t.id, column: x.c.name, hard: false, specPath: `${path}/regex`, status: 'warn', expected: v.regex, observed: 'not checkable', tolerance: null, examples: [],
        message: `DuckDB (RE2) cannot run the pattern /${v.regex}/: ${(e as Error).message.split('\n')[0]}` });
    }
  }
  return out;
};

const enums: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const { v, path } of list(ctx, 'enum')) {
    const x = target(ctx, v.attr);
    if (!x) continue;
    let col = (c: string) => `CAST(${c} AS VARCHAR)`;
    let allowed: string;
    let rule: string;
    const ref = v.enum_ref !== undefined ? target(ctx, v.enum_ref) : null;
    if (ref) {
      allowed = `SELECT CAST(${ident(ref.c.name)} AS VARCHAR) FROM ${ident(ref.t.id)}`;
      rule = `one of ${v.enum_ref}`;
    } else if (Array.isArray(v.values)) {
      // Numbers against a numeric column compare as numbers (1 = 1.0); everything else as text.
      const numeric = ['int', 'float', 'decimal', 'list<int>', 'list<float>'].includes(x.c.type) && v.values.every((z) => typeof z === 'number');
      const vals = v.values.map((z) => (numeric ? num(z as number) : lit(String(z))));
      allowed = vals.length ? `VALUES ${vals.map((z) => `(${z})`).join(', ')}` : `SELECT NULL::VARCHAR WHERE FALSE`;
      if (numeric) col = (c: string) => c;
      rule = `one of ${v.values.slice(0, 8).map((z) => JSON.stringify(z)).join(', ')}${v.values.length > 8 ? ', …' : ''}`;
    } else continue;
    const { count, ex } = await offending(ctx, x, perItem(x, (c) => `${c} IS NOT NULL AND ${col(c)} NOT IN (${allowed})`));
    out.push(rowsCheck('enum', x, path, count, ex, rule));
  }
  return out;
};

/** constraints.unique on columns other than the primary key (pk_unique covers that). */
const uniques: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const { v, path } of list(ctx, 'unique').map((e) => ({ v: { attr: e.v as unknown }, path: e.path }))) {
    const x = target(ctx, v.attr);
    if (!x || x.t.pk === x.c.name) continue;
    const dup = `SELECT CAST(${ident(x.c.name)} AS VARCHAR) AS k FROM ${ident(x.t.id)} WHERE ${ident(x.c.name)} IS NOT NULL GROUP BY 1 HAVING count(*) > 1`;
    const count = n((await one(ctx, `SELECT count(*) AS c FROM (${dup})`)).c);
    out.push(rowsCheck('unique', x, path, count, count ? await examples(ctx, `${dup} ORDER BY 1`) : [], 'unique'));
  }
  return out;
};

/** A declared null_rate: the share of nulls is a keyed Bernoulli draw per row (binomial SE), without the cells scenarios nulled or added. */
const nullRates: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const t of ctx.plan.tables) {
    const cols = t.columns.filter((c) => c.nullRate > 0);
    const rows = ctx.rows.get(t.id) ?? 0;
    if (!cols.length || rows < 30) continue;
    // Cells a scenario nulled on purpose (a label whose observed is null) and rows it added (row labels) are
    // left out of both counts; cells other labels changed keep their nullness and stay in.
    const clean = (c: ColumnPlan) => (ctx.hasLabels
      ? `${keyExpr(ctx, t.id)} NOT IN (SELECT row_key FROM _labels WHERE "table" = ${lit(t.id)} AND row_key IS NOT NULL AND (level = 'row' OR ("column" = ${lit(c.name)} AND observed IS NULL AND expected IS NOT NULL)))`
      : 'TRUE');
    const r = await one(ctx, `SELECT ${cols.map((c, i) => `count(*) FILTER (WHERE ${ident(c.name)} IS NULL AND ${clean(c)}) AS n${i}, count(*) FILTER (WHERE ${clean(c)}) AS r${i}`).join(', ')} FROM ${ident(t.id)}`);
    for (const [i, c] of cols.entries()) {
      const total = n(r[`r${i}`]);
      if (total < 30) continue;
      const share = n(r[`n${i}`]) / total;
      const j = judge(share, c.nullRate, shareSE(c.nullRate, total), 0.002);
      out.push({ check: 'null_rate', category: 'value', table: t.id, column: c.name, hard: false, specPath: nodePath(ctx, t.id), status: j.status, expected: c.nullRate, observed: round(share),
        tolerance: round(j.tolerance), examples: [], message: `${(share * 100).toFixed(2)} % nulls, null_rate ${(c.nullRate * 100).toFixed(2)} % (±${(j.tolerance * 100).toFixed(2)} points)` });
    }
  }
  return out;
};

export const VALUE_CHECKS: { name: string; run: CheckModule }[] = [
  { name: 'ranges', run: ranges },
  { name: 'clamps', run: clamps },
  { name: 'inequalities', run: inequalities },
  { name: 'patterns', run: patterns },
  { name: 'enums', run: enums },
  { name: 'uniques', run: uniques },
  { name: 'null_rates', run: nullRates },
];
