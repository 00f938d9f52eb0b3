/**
 * Preference-driven picks (docs/behaviours/relations.md, "Preference-driven picks"): with `distinct`, no parent's
 * children pick the same candidate twice — checked on the parent's key and the looked-up candidate key (hard, exact).
 */
import type { TablePlan } from '../ir/types.ts';
import { docColumn } from './structural.ts';
import { examples, ident, n, one } from './sql.ts';
import type { CheckModule, CheckResult } from './types.ts';

export const preferenceChecks: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const t of ctx.plan.tables) {
    if (!ctx.present.has(t.id) || !('parent' in t.rows)) continue;
    const parentTable = ctx.table(t.rows.parent);
    // The row's parent key: an unmodified lookup of the parent's primary key.
    const parentKey = t.columns.find((c) => c.generator.kind === 'lookup' && c.generator.via === 'parent' && c.generator.column === parentTable?.pk && !c.modifiers.length);
    if (!parentKey) continue;
    const seen = new Set<string>();
    for (const c of distinctPicks(t, (table) => ctx.table(table)?.pk ?? null)) {
      const g = c.generator as Extract<typeof c.generator, { kind: 'lookup' }>;
      const id = JSON.stringify(g.pick);
      if (seen.has(id)) continue;
      seen.add(id);
      const from = `FROM (SELECT ${ident(parentKey.name)} AS p, ${ident(c.name)} AS v, count(*) AS k FROM ${ident(t.id)} WHERE ${ident(c.name)} IS NOT NULL GROUP BY ALL HAVING count(*) > 1)`;
      const bad = n((await one(ctx, `SELECT count(*) AS c ${from}`)).c);
      out.push({
        check: 'pick_distinct', category: 'structural', table: t.id, column: c.name, hard: true, specPath: docColumn(ctx, t.id, c.name)?.path,
        status: bad === 0 ? 'pass' : 'fail', expected: 0, observed: bad, tolerance: 0,
        examples: bad ? await examples(ctx, `SELECT CAST(p AS VARCHAR) || ' → ' || CAST(v AS VARCHAR) ${from} ORDER BY 1`) : [],
        message: bad === 0 ? `no ${t.rows.parent} picks the same ${g.table} row twice (${c.name})` : `${bad.toLocaleString('en-US')} (${t.rows.parent}, ${c.name}) pairs occur more than once although the pick is distinct`,
      });
    }
  }
  return out;
};

/** Unmodified lookups through a distinct preference pick, the candidate table's key first (it identifies the row). */
function distinctPicks(t: TablePlan, pkOf: (table: string) => string | null) {
  const cols = t.columns.filter((c) => c.generator.kind === 'lookup' && c.generator.pick?.prefer?.distinct && !c.modifiers.length);
  const isKey = (c: (typeof cols)[number]): boolean => {
    const g = c.generator as Extract<typeof c.generator, { kind: 'lookup' }>;
    return g.column === pkOf(g.table);
  };
  return cols.sort((a, b) => Number(isKey(b)) - Number(isKey(a)));
}
