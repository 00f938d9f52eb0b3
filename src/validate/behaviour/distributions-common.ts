/**
 * Shared by the distribution checks (distributions-*.ts): the tables to judge, a guard that turns a failed query
 * into a failed result of its check, and the label exclusion of a cell.
 */
import type { TablePlan } from '../../ir/types.ts';
import { notLabelled } from '../labelled.ts';
import { keyExpr } from '../sql.ts';
import type { CheckResult, ValidateContext } from '../types.ts';

/** Fewest rows for a share check (and for a whole trend / seasonality curve). */
export const MIN_ROWS = 30;

export function present(ctx: ValidateContext): TablePlan[] {
  return ctx.plan.tables.filter((t) => ctx.present.has(t.id));
}

/**
 * Run one table's or column's checks; a query that fails (a file whose tables differ from the spec: the
 * structural checks say how) becomes a failed result of that check instead of hiding the others.
 */
export async function guarded(out: CheckResult[], check: string, table: string, column: string | undefined, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (e) {
    const msg = e instanceof Error ? e.message.split('\n')[0] : String(e);
    out.push({ check, category: 'behavioural', table, column, status: 'fail', hard: false, expected: 'the check to run', observed: msg, tolerance: null, examples: [], message: `${check} could not be computed: ${msg}` });
  }
}

/** SQL condition: the row's cell of `column` is not labelled (the label exclusion). */
export function keptSql(ctx: ValidateContext, t: TablePlan, column: string): string {
  return notLabelled(ctx, t.id, keyExpr(ctx, t.id), column);
}
