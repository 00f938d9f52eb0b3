import type { Plan } from '../ir/types.ts';

/**
 * The plan without its scenarios (`datagen run --without-scenarios`): every other value is the same,
 * so diffing the two outputs shows exactly what the scenarios changed — the rows their labels name.
 */
export function withoutScenarios(plan: Plan): Plan {
  return {
    ...plan,
    tables: plan.tables.map(({ addRows: _added, ...t }) => ({
      ...t,
      columns: t.columns.map((c) => (c.modifiers.some((m) => m.kind === 'scenario') ? { ...c, modifiers: c.modifiers.filter((m) => m.kind !== 'scenario') } : c)),
    })),
  };
}
