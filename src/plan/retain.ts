import type { EffectPlan, TablePlan } from './types.ts';

/** For each table, the columns other tables read from it during a run. */
export function computeRetain(tables: TablePlan[]): void {
  const need = new Map<string, Set<string>>(tables.map((t) => [t.id, new Set<string>()]));
  const add = (table: string, ...cols: (string | null)[]) => {
    for (const c of cols) if (c) need.get(table)?.add(c);
  };
  const addEffect = (e: EffectPlan) => add(e.table, ...e.on.map((k) => k.remote), e.startCol, e.endCol, e.field);
  for (const t of tables) {
    if (t.rows.kind === 'fanout') {
      for (const e of t.rows.effects) {
        addEffect(e);
        add(t.rows.parent, ...e.on.map((k) => k.local));
      }
    }
    for (const p of t.picks) if (p.weightsBy) add(p.table, p.weightsBy);
    for (const c of t.columns) {
      const g = c.generator;
      if (g.kind === 'lookup') add(g.table, g.column, ...g.on.map((k) => k.remote));
      if (g.kind === 'choice_ref') add(g.table, g.column);
      if (g.kind === 'expression') for (const r of g.refs) if (r.table) add(r.table, r.column);
      if (g.kind === 'datetime') g.effects.forEach(addEffect);
      for (const m of c.modifiers) if (m.kind === 'effect') addEffect(m.effect);
    }
  }
  for (const t of tables) t.retain = t.columns.map((c) => c.name).filter((c) => need.get(t.id)!.has(c));
}
