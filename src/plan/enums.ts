import type { ColumnPlan, TablePlan } from '../ir/types.ts';

/** Largest dictionary stored as a DuckDB ENUM (2-byte codes); larger ones stay VARCHAR. */
const MAX_ENUM_VALUES = 65_535;

/**
 * Categorical string columns become DuckDB ENUMs: a choice or enum_list of strings (through any
 * map_values), and lookups of such a column. The dictionary is known at compile time, so rows are
 * written as 1- or 2-byte codes. Tables are visited in dependency order so lookups see their source.
 */
export function assignEnums(tables: TablePlan[]): void {
  const byTable = new Map(tables.map((t) => [t.id, t]));
  for (const t of tables) {
    for (const c of t.columns) {
      const values = enumValuesOf(c, byTable);
      if (!values || values.length === 0 || values.length > MAX_ENUM_VALUES) continue;
      c.enumValues = values;
      c.sqlType = 'ENUM';
    }
  }
}

function enumValuesOf(c: ColumnPlan, tables: Map<string, TablePlan>): string[] | null {
  if (c.type !== 'string') return null;
  const g = c.generator;
  let values: string[] | null = null;
  if ((g.kind === 'choice' || g.kind === 'enum_list') && g.values.every((v) => typeof v === 'string' || v === null)) {
    values = g.values.filter((v): v is string => v !== null);
  } else if (g.kind === 'lookup') {
    values = tables.get(g.table)?.columns.find((x) => x.name === g.column)?.enumValues ?? null;
  }
  if (!values) return null;
  for (const m of c.modifiers) {
    if (m.kind !== 'map_values') return null;
    const out: string[] = [];
    for (const v of values) {
      const mapped = Object.hasOwn(m.mapping, v) ? m.mapping[v] : v;
      if (mapped !== null) out.push(String(mapped));
    }
    values = out;
  }
  return [...new Set(values)];
}
