import { assertNever, type ColumnPlan, type ColumnRef, type GeneratorProgram, type ModifierProgram } from '../ir/types.ts';

/** Same-row columns and other tables a generator program reads. */
function generatorDeps(g: GeneratorProgram): { columns: string[]; tables: string[] } {
  switch (g.kind) {
    case 'sequence':
      return { columns: g.orderBy ? [g.orderBy] : [], tables: [] };
    case 'choice':
    case 'empirical':
    case 'enum_list':
    case 'dirichlet':
    case 'vector':
    case 'sample':
    case 'stage':
    case 'period':
    case 'schedule':
    case 'adoption':
    case 'attribution':
    case 'state':
    case 'lifecycle':
      return { columns: [], tables: [] };
    case 'choice_ref':
      return { columns: [], tables: [g.table] };
    case 'allocate':
      return { columns: [g.time, g.weightsBy, g.value].filter((c): c is string => c !== null), tables: [] };
    case 'distribution':
      return { columns: Object.values(g.exprs ?? {}).flatMap((e) => refColumns(e.refs)), tables: Object.values(g.exprs ?? {}).flatMap((e) => e.refs.flatMap((r) => (r.table ? [r.table] : []))) };
    case 'datetime':
      return { columns: g.after ? [g.after.column] : [], tables: [...g.effects.map((e) => e.table), ...(g.vintage ? [g.vintage.table] : [])] };
    case 'faker':
      return { columns: [...(g.localeFrom ? [g.localeFrom] : []), ...(g.refs ?? []).map((r) => r.column)], tables: [] };
    case 'lookup':
      return { columns: [...g.on.map((k) => k.local), ...(g.at ? [g.at] : []), ...(g.pick?.prefer?.columns ?? [])], tables: [g.table] };
    case 'expression':
      return { columns: refColumns(g.refs), tables: g.refs.flatMap((r) => (r.table ? [r.table] : [])) };
    default:
      return assertNever(g);
  }
}

/** Columns of the row that references read: their own, and the keys of the keyed picks they go through. */
function refColumns(refs: ColumnRef[]): string[] {
  return refs.flatMap((r) => (r.table === null ? [r.column] : r.pick ? [...r.pick.on.map((k) => k.local), ...(r.pick.prefer?.columns ?? [])] : []));
}

function modifierDeps(m: ModifierProgram): { columns: string[]; tables: string[] } {
  switch (m.kind) {
    case 'multiply':
    case 'add':
    case 'clamp':
    case 'jitter':
    case 'time_jitter':
    case 'map_values':
    case 'outliers':
      return { columns: [], tables: [] };
    case 'seasonality':
    case 'trend':
      return { columns: [m.timeRef], tables: [] };
    case 'segment_value':
      return { columns: [], tables: [m.scale.table] };
    case 'state_value':
      return { columns: [m.column], tables: [] };
    case 'not_before':
      return { columns: [], tables: [m.table] };
    case 'vintage_value':
      return { columns: [m.timeRef], tables: [m.table] };
    case 'effect':
      return { columns: [...m.effect.on.map((k) => k.local), ...(m.effect.timeRef ? [m.effect.timeRef] : [])], tables: [m.effect.table] };
    case 'anomaly':
      return { columns: [m.timeRef, ...m.windows.flatMap((w) => w.scope.map((s) => s.column))], tables: [] };
    case 'scenario':
      return { columns: [m.timeRef, ...(m.denominator ? [m.denominator] : []), ...(m.capColumn ? [m.capColumn] : []), ...(m.selection.kind === 'where' ? m.selection.columns : []), ...((m.selection.kind === 'random_k' || m.selection.kind === 'share') && m.selection.key ? [m.selection.key] : [])], tables: [] };
    default:
      return assertNever(m);
  }
}

export function columnDeps(c: ColumnPlan, pk: string | null): { columns: string[]; tables: string[] } {
  const parts = [generatorDeps(c.generator), ...c.modifiers.map(modifierDeps)];
  const columns = new Set(parts.flatMap((p) => p.columns));
  if (pk && c.modifiers.some((m) => m.kind === 'outliers' || m.kind === 'anomaly' || m.kind === 'scenario')) columns.add(pk);
  columns.delete(c.name);
  return { columns: [...columns], tables: [...new Set(parts.flatMap((p) => p.tables))] };
}
