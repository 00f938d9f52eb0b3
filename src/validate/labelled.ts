/** SQL fragments about labelled rows, so checks of "clean" promises leave out what an anomaly changed on purpose. */
import type { ModifierProgram } from '../ir/types.ts';
import { lit } from './sql.ts';
import type { ValidateContext } from './types.ts';

/**
 * The modifiers that inject anomalies and label every value they change (docs/anomalies.md): the `outliers` and
 * `anomaly` column modifiers and the scenarios planned onto a column. Their changes are left out of the clean
 * promises and checked by the label checks.
 */
export function isLabelled(m: Pick<ModifierProgram, 'kind'>): boolean {
  return m.kind === 'outliers' || m.kind === 'anomaly' || m.kind === 'scenario';
}

/**
 * A condition on a row of `table` (its key expression `key`) that is true when no label names the row
 * (any level; a column label only when `column` is given or is null in the label).
 */
export function notLabelled(ctx: ValidateContext, table: string, key: string, column?: string): string {
  if (!ctx.hasLabels) return 'TRUE';
  const col = column === undefined ? '' : ` AND ("column" IS NULL OR "column" = ${lit(column)})`;
  return `${key} NOT IN (SELECT row_key FROM _labels WHERE "table" = ${lit(table)} AND row_key IS NOT NULL${col})`;
}

/**
 * Keys of the rows of `table` that row-level labels name (rows scenarios added or duplicated), optionally only
 * those whose label meets `cond` (SQL on `_labels`), as a subquery for `key IN …` (empty without labels).
 */
export function rowLabelKeys(ctx: ValidateContext, table: string, cond?: string): string {
  if (!ctx.hasLabels) return '(SELECT NULL::VARCHAR WHERE FALSE)';
  return `(SELECT row_key FROM _labels WHERE "table" = ${lit(table)} AND level = 'row' AND row_key IS NOT NULL${cond ? ` AND ${cond}` : ''})`;
}

/** A condition on a row key `key` of `table`: not a row a cap_violation scenario added (with a key of its own). */
export function notAddedRow(ctx: ValidateContext, table: string, key: string): string {
  return ctx.hasLabels ? `${key} NOT IN ${rowLabelKeys(ctx, table, `kind = 'cap_violation'`)}` : 'TRUE';
}

