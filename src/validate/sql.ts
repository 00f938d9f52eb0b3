/** SQL text helpers for checks: identifiers and literals always go through the sink's quoting helpers. */
import { quoteIdent, quoteString } from '../sinks/sql.ts';
import type { ValidateContext } from './types.ts';

export const ident = quoteIdent;
export const lit = quoteString;

/**
 * A number as SQL text (finite): integers as integer literals, anything else as a DOUBLE literal (`dbl`). A plain
 * decimal literal would be a DECIMAL in DuckDB: slow in arithmetic, and products of them grow scales it refuses.
 */
export function num(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`not a finite number: ${x}`);
  return Number.isInteger(x) ? String(x) : dbl(x);
}

/** A number as a DOUBLE literal, integers too (exponent form of the shortest text that reads back as x: `1.25e0`, `3e-7`). */
export function dbl(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`not a finite number: ${x}`);
  const s = String(x);
  return /e/i.test(s) ? s : `${s}e0`;
}

/** First row of a query (empty object when none). */
export async function one(ctx: ValidateContext, sql: string): Promise<Record<string, unknown>> {
  return (await ctx.db.all(sql))[0] ?? {};
}

/** A numeric result column as a JS number (null → NaN). */
export function n(v: unknown): number {
  if (v === null || v === undefined) return NaN;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return v.getTime();
  return Number(v);
}

/** Up to five example values of a query's first column (as printed text). */
export async function examples(ctx: ValidateContext, sql: string): Promise<unknown[]> {
  const rows = await ctx.db.all(`${sql} LIMIT 5`);
  return rows.map((r) => {
    const v = Object.values(r)[0];
    return v instanceof Date ? v.toISOString() : v;
  });
}

/** The SQL expression of a table's row key as text (its pk, else the row number), for examples and label joins. */
export function keyExpr(ctx: ValidateContext, table: string): string {
  const pk = ctx.table(table)?.pk;
  return pk ? `CAST(${ident(pk)} AS VARCHAR)` : `CAST(rowid AS VARCHAR)`;
}
