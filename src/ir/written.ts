/**
 * What a table writes: its columns except the hidden helper columns (`"hidden": true`, docs/authoring.md), which
 * are generated, read by later columns and tables, and never written. Every output path (the main thread, the
 * workers, the output thread, rows added by scenarios) goes through these, so a plan without hidden columns is
 * written exactly as before.
 */
import type { ColumnPlan, TablePlan } from './types.ts';

/** The table as the outputs see it: `table` itself when nothing is hidden, else a copy without the hidden columns. */
export function writtenTable(table: TablePlan): TablePlan {
  return table.columns.some((c) => c.hidden) ? { ...table, columns: table.columns.filter((c) => !c.hidden) } : table;
}

/** The columns a table writes, in order. */
export function writtenColumns(table: TablePlan): ColumnPlan[] {
  return table.columns.some((c) => c.hidden) ? table.columns.filter((c) => !c.hidden) : table.columns;
}

/** `values` (one per column of `table`, in `table.columns` order) restricted to the written columns. */
export function writtenValues<T>(table: TablePlan, values: T[]): T[] {
  return table.columns.some((c) => c.hidden) ? values.filter((_, i) => !table.columns[i].hidden) : values;
}
