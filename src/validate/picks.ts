/**
 * One pick, one row (docs/language.md): the lookups of a row that go through the same pick of another table —
 * the same table, `on` keys and `weights_by`, or the table's plain pick — describe one row of it. Checked from the
 * data alone: every child row's looked-up values (and its `on` keys) occur together in some row of the picked table.
 */
import { sqlTypeText } from '../sinks/duckdb.ts';
import type { ColumnPlan, TablePlan } from '../ir/types.ts';
import { docColumn } from './structural.ts';
import { examples, ident, n, one } from './sql.ts';
import type { CheckModule, CheckResult } from './types.ts';

interface Group { table: string; on: { local: string; remote: string }[]; columns: { local: ColumnPlan; remote: ColumnPlan }[] }

/** The plan's lookup columns of `t`, grouped by the pick they go through (unmodified ones only: a modifier changes the value). */
function groups(t: TablePlan, tables: Map<string, TablePlan>): Group[] {
  const out = new Map<string, Group>();
  for (const c of t.columns) {
    const g = c.generator;
    if (g.kind !== 'lookup' || g.via === 'parent' || g.via === 'at' || g.via === 'self' || c.modifiers.length) continue;
    const other = tables.get(g.table);
    const remote = other?.columns.find((x) => x.name === g.column);
    if (!other || !remote) continue;
    // A hidden key (not in the file) cannot be compared.
    if (g.on.some((k) => !t.columns.some((x) => x.name === k.local) || !other.columns.some((x) => x.name === k.remote))) continue;
    const weights = g.via === 'on' ? (g.pick?.weightsBy ?? null) : null;
    const key = JSON.stringify([g.table, g.via, [...g.on].sort((a, b) => (a.local < b.local ? -1 : 1)), weights, g.pick?.prefer ?? null]);
    let group = out.get(key);
    if (!group) out.set(key, (group = { table: g.table, on: g.on, columns: [] }));
    group.columns.push({ local: c, remote });
  }
  // A plain pick with one lookup promises nothing beyond its foreign key; a keyed one promises key and value together.
  return [...out.values()].filter((g) => g.columns.length + g.on.length >= 2);
}

function same(a: ColumnPlan, b: ColumnPlan): boolean {
  return sqlTypeText(a) === sqlTypeText(b) || (a.sqlType === b.sqlType && a.sqlType !== 'ENUM');
}

function eq(c: ColumnPlan, p: ColumnPlan, op: string): string {
  return same(c, p) ? `c.${ident(c.name)} ${op} p.${ident(p.name)}` : `CAST(c.${ident(c.name)} AS VARCHAR) ${op} CAST(p.${ident(p.name)} AS VARCHAR)`;
}

export const pickConsistency: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  const tables = new Map(ctx.plan.tables.map((t) => [t.id, t]));
  for (const t of ctx.plan.tables) {
    if (!ctx.present.has(t.id)) continue;
    for (const g of groups(t, tables)) {
      if (!ctx.present.has(g.table)) continue;
      const other = tables.get(g.table)!;
      const keys = g.on.map((k) => eq(t.columns.find((c) => c.name === k.local)!, other.columns.find((c) => c.name === k.remote)!, '='));
      const values = g.columns.map((x) => eq(x.local, x.remote, 'IS NOT DISTINCT FROM'));
      const matched = g.columns.map((x) => `c.${ident(x.local.name)} IS NOT NULL`).join(' OR ');
      const from = `FROM ${ident(t.id)} c ANTI JOIN ${ident(g.table)} p ON ${[...keys, ...values].join(' AND ')} WHERE ${matched}`;
      const bad = n((await one(ctx, `SELECT count(*) AS c ${from}`)).c);
      const names = g.columns.map((x) => x.local.name);
      const via = g.on.length ? ` on ${g.on.map((k) => `${k.local}=${k.remote}`).join(', ')}` : '';
      out.push({
        check: 'pick_consistency', category: 'structural', table: t.id, column: names.join(', '), hard: true,
        specPath: docColumn(ctx, t.id, names[0])?.path,
        status: bad === 0 ? 'pass' : 'fail', expected: 0, observed: bad, tolerance: 0,
        examples: bad ? await examples(ctx, `SELECT CAST(c.${t.pk ? ident(t.pk) : 'rowid'} AS VARCHAR) AS k ${from} ORDER BY 1`) : [],
        message: bad === 0
          ? `${names.join(', ')} (and the keys${via || ' of the pick'}) always come from one row of ${g.table}`
          : `${bad.toLocaleString('en-US')} rows whose ${names.join(', ')}${via ? ` and keys${via}` : ''} occur in no single row of ${g.table}`,
      });
    }
  }
  return out;
};
