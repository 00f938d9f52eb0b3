/**
 * Structural checks: every table present with its declared columns and types, row counts of fixed-size
 * tables, primary keys unique and not null, every foreign key (declared and implied by lookups/parents)
 * resolvable, non-nullable columns without nulls.
 */
import { sqlTypeText } from '../sinks/duckdb.ts';
import type { TablePlan } from '../ir/types.ts';
import { rowLabelKeys } from './labelled.ts';
import { relations } from './relations.ts';
import { examples, ident, keyExpr, n, one } from './sql.ts';
import type { CheckModule, CheckResult, ValidateContext } from './types.ts';

type Base = Omit<CheckResult, 'status' | 'expected' | 'observed' | 'tolerance' | 'examples' | 'message'>;

/** A count of offending rows: 0 passes, anything else fails. */
function countCheck(base: Base, bad: number, ex: unknown[], what: string, okText: string): CheckResult {
  return { ...base, status: bad === 0 ? 'pass' : 'fail', expected: 0, observed: bad, tolerance: 0, examples: bad ? ex : [],
    message: bad === 0 ? okText : `${bad.toLocaleString('en-US')} ${what}` };
}

/** Index of a table's node in the spec document (-1 when the document has none). */
export function nodeIndex(ctx: ValidateContext, table: string): number {
  return Array.isArray(ctx.doc?.nodes) ? ctx.doc.nodes.findIndex((x: { id?: unknown }) => x?.id === table) : -1;
}

/** JSON pointer of a table's node in the spec, optionally further in (`nodePath(ctx, t, 'fanout')` → `/nodes/2/fanout`); undefined without the node. */
export function nodePath(ctx: ValidateContext, table: string, ...rest: string[]): string | undefined {
  const i = nodeIndex(ctx, table);
  return i >= 0 ? ['', 'nodes', String(i), ...rest].join('/') : undefined;
}

/** A column of the spec document and its JSON pointer, or null. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function docColumn(ctx: ValidateContext, table: string, column: string): { path: string; col: any } | null {
  const i = nodeIndex(ctx, table);
  const cols = i >= 0 ? ctx.doc.nodes[i].columns : null;
  const j = Array.isArray(cols) ? cols.findIndex((c: { name?: unknown }) => c?.name === column) : -1;
  return j >= 0 ? { path: `/nodes/${i}/columns/${j}`, col: cols[j] } : null;
}

/** JSON pointer of the k-th modifier `transform` of a column (the plan keeps their order); the column's when not found, undefined without the column. */
export function modifierPath(ctx: ValidateContext, table: string, column: string, transform: string, k: number): string | undefined {
  const d = docColumn(ctx, table, column);
  if (!d) return undefined;
  const mods = Array.isArray(d.col.modifiers) ? d.col.modifiers : [];
  let seen = 0;
  for (let i = 0; i < mods.length; i++) if (mods[i]?.transform === transform && seen++ === k) return `${d.path}/modifiers/${i}`;
  return d.path;
}

const tablesAndColumns: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const t of ctx.plan.tables) {
    const base: Base = { check: 'table_schema', category: 'structural', table: t.id, hard: true, specPath: nodePath(ctx, t.id) };
    if (!ctx.present.has(t.id)) {
      out.push({ ...base, status: 'fail', expected: 'present', observed: 'missing', tolerance: null, examples: [], message: `table ${t.id} is missing from the file` });
      continue;
    }
    const actual = await ctx.db.describe(t.id);
    const expected = t.columns.map((c) => ({ name: c.name, type: sqlTypeText(c) }));
    const bad = expected.filter((e, i) => actual[i]?.name !== e.name || normType(actual[i]?.type) !== normType(e.type)).map((e) => e.name);
    if (actual.length !== expected.length) bad.push(...actual.slice(expected.length).map((a) => a.name));
    out.push({ ...base, status: bad.length ? 'fail' : 'pass', expected: expected.map((e) => `${e.name} ${short(e.type)}`), observed: actual.map((a) => `${a.name} ${short(a.type)}`),
      tolerance: 'same names, order and types', examples: bad.slice(0, 5),
      message: bad.length ? `columns or types differ from the spec: ${bad.slice(0, 5).join(', ')}` : `${t.columns.length} columns with their declared types` });
    out.push(...rowCount(ctx, t));
  }
  return out;
};

function normType(t: string | undefined): string {
  return (t ?? '').replace(/\s+/g, ' ').trim().toUpperCase();
}

function short(t: string): string {
  return t.startsWith('ENUM(') ? 'ENUM' : t;
}

/** Entities and vocabularies have exactly their planned number of rows (plus rows scenarios add, which are labelled). */
function rowCount(ctx: ValidateContext, t: TablePlan): CheckResult[] {
  if (t.rows.kind !== 'fixed' || t.addRows?.length) return [];
  const got = ctx.rows.get(t.id) ?? 0;
  return [{ check: 'row_count', category: 'structural', table: t.id, hard: true, specPath: nodePath(ctx, t.id), status: got === t.rows.count ? 'pass' : 'fail',
    expected: t.rows.count, observed: got, tolerance: 0, examples: [], message: got === t.rows.count ? `${got.toLocaleString('en-US')} rows as planned` : `${got} rows, the plan has ${t.rows.count}` }];
}

const primaryKeys: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const t of ctx.plan.tables) {
    if (!t.pk || !ctx.present.has(t.id)) continue;
    const T = ident(t.id);
    const pk = ident(t.pk);
    const base: Base = { check: 'pk_unique', category: 'structural', table: t.id, column: t.pk, hard: true, specPath: nodePath(ctx, t.id) };
    // Keys a data_quality scenario duplicated on purpose are labelled; every other key occurs once.
    const dupSql = `SELECT k FROM (SELECT CAST(${pk} AS VARCHAR) AS k, count(*) AS c FROM ${T} WHERE ${pk} IS NOT NULL GROUP BY 1 HAVING c > 1) WHERE k NOT IN ${rowLabelKeys(ctx, t.id)}`;
    const dups = n((await one(ctx, `SELECT count(*) AS c FROM (${dupSql})`)).c);
    out.push(countCheck(base, dups, dups ? await examples(ctx, `${dupSql} ORDER BY k`) : [], `duplicated ${t.pk} values (not labelled as scenario duplicates)`, `every ${t.pk} is unique`));
    const nulls = n((await one(ctx, `SELECT count(*) AS c FROM ${T} WHERE ${pk} IS NULL`)).c);
    out.push(countCheck({ ...base, check: 'pk_not_null' }, nulls, [], `rows without a ${t.pk}`, `no row without a ${t.pk}`));
  }
  return out;
};

const foreignKeys: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const r of relations(ctx.plan, ctx.doc)) {
    if (!ctx.present.has(r.from.table) || !ctx.present.has(r.to.table)) continue;
    const fromT = ctx.plan.tables.find((t) => t.id === r.from.table);
    const toT = ctx.plan.tables.find((t) => t.id === r.to.table);
    const fc = fromT?.columns.find((c) => c.name === r.from.column);
    const tc = toT?.columns.find((c) => c.name === r.to.column);
    if (!fc || !tc) continue;
    const same = sqlTypeText(fc) === sqlTypeText(tc) || (fc.sqlType === tc.sqlType && fc.sqlType !== 'ENUM');
    const a = same ? `c.${ident(fc.name)}` : `CAST(c.${ident(fc.name)} AS VARCHAR)`;
    const b = same ? `p.${ident(tc.name)}` : `CAST(p.${ident(tc.name)} AS VARCHAR)`;
    const orphans = `SELECT DISTINCT CAST(c.${ident(fc.name)} AS VARCHAR) AS v FROM ${ident(r.from.table)} c ANTI JOIN ${ident(r.to.table)} p ON ${a} = ${b} WHERE c.${ident(fc.name)} IS NOT NULL`;
    const bad = n((await one(ctx, `SELECT count(*) AS c FROM ${ident(r.from.table)} c ANTI JOIN ${ident(r.to.table)} p ON ${a} = ${b} WHERE c.${ident(fc.name)} IS NOT NULL`)).c);
    const base: Base = { check: 'foreign_key', category: 'structural', table: r.from.table, column: r.from.column, hard: true, specPath: r.specPath ?? nodePath(ctx, r.from.table) };
    out.push(countCheck(base, bad, bad ? await examples(ctx, `${orphans} ORDER BY v`) : [], `rows whose ${r.from.column} has no ${r.to.table}.${r.to.column} (${r.source})`,
      `every ${r.from.table}.${r.from.column} exists in ${r.to.table}.${r.to.column} (${r.source})`));
  }
  return out;
};

/**
 * Columns that are not declared nullable have no nulls — except where nulls are part of a behaviour's meaning
 * (an open state episode's valid_to, a journey's converted_at, a lifecycle stage still running) or a lookup
 * `on` keys that may have no match, which the plan marks by the generator kind.
 */
const notNull: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const t of ctx.plan.tables) {
    if (!ctx.present.has(t.id)) continue;
    const cols = t.columns.filter((c) => !c.nullable && c.nullRate === 0 && c.name !== t.pk && !nullByDesign(c.generator));
    if (!cols.length) continue;
    const row = await one(ctx, `SELECT ${cols.map((c, i) => `count(*) FILTER (WHERE ${ident(c.name)} IS NULL) AS n${i}`).join(', ')} FROM ${ident(t.id)}`);
    for (const [i, c] of cols.entries()) {
      const bad = n(row[`n${i}`]);
      const ex = bad ? await examples(ctx, `SELECT ${keyExpr(ctx, t.id)} FROM ${ident(t.id)} WHERE ${ident(c.name)} IS NULL`) : [];
      out.push(countCheck({ check: 'not_null', category: 'structural', table: t.id, column: c.name, hard: true, specPath: nodePath(ctx, t.id) }, bad, ex, `nulls in ${c.name}, which is not nullable`, `no nulls in ${c.name}`));
    }
  }
  return out;
};

function nullByDesign(g: TablePlan['columns'][number]['generator']): boolean {
  switch (g.kind) {
    case 'state': return g.field === 'to';
    case 'lifecycle': return g.field === 'end';
    case 'attribution': return g.field === 'converted_at';
    case 'lookup': return g.via === 'on' || g.via === 'at';
    case 'adoption': return g.field === 'group' || g.field === 'tier';
    default: return false;
  }
}

export const STRUCTURAL_CHECKS: { name: string; run: CheckModule }[] = [
  { name: 'tables', run: tablesAndColumns },
  { name: 'primary_keys', run: primaryKeys },
  { name: 'foreign_keys', run: foreignKeys },
  { name: 'not_null', run: notNull },
];
