/**
 * Helpers for validate tests: generate a spec into a temp file once, make corrupted copies of it (a copy of
 * the file changed by SQL), and run the checks of `datagen validate` on either.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { copyFileSync } from 'node:fs';
import { compileOrThrow, tempFile } from './run-spec.ts';
import { runPlan } from '../../src/run/run.ts';
import { openContext } from '../../src/validate/context.ts';
import { validate, type ValidateOptions } from '../../src/validate/validate.ts';
import type { CheckModule, CheckResult, ValidationReport } from '../../src/validate/types.ts';

/** Generate `doc` (optionally scaled) into a fresh temp DuckDB file; returns its path. */
export async function generateFile(doc: unknown, o: { scale?: number; seed?: number; name?: string } = {}): Promise<string> {
  const plan = compileOrThrow(doc, { scale: o.scale, seed: o.seed });
  const out = tempFile(o.name ?? `${plan.slug}.duckdb`);
  await runPlan(plan, { out, workers: 1 });
  return out;
}

/** A copy of `file` with `sql` statements applied (read-write), e.g. a deleted parent row or a duplicated key. */
export async function corruptCopy(file: string, sql: string[]): Promise<string> {
  const out = tempFile('corrupt.duckdb');
  copyFileSync(file, out);
  const instance = await DuckDBInstance.create(out);
  const conn = await instance.connect();
  try {
    for (const s of sql) await conn.run(s);
    await conn.run('CHECKPOINT');
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  return out;
}

/** Run one check module (or several) against a file. */
export async function runChecks(doc: unknown, file: string, modules: { name: string; run: CheckModule }[]): Promise<CheckResult[]> {
  const { ctx } = await openContext(doc, file);
  try {
    const out: CheckResult[] = [];
    for (const m of modules) out.push(...(await m.run(ctx)));
    return out;
  } finally {
    ctx.db.close();
  }
}

/** The whole of `datagen validate` on a file. */
export function validateFile(doc: unknown, file: string, o: ValidateOptions = {}): Promise<ValidationReport> {
  return validate(doc, file, o);
}

/** Checks of one name (and optionally table/column). */
export function pick(checks: CheckResult[], check: string, table?: string, column?: string): CheckResult[] {
  return checks.filter((c) => c.check === check && (table === undefined || c.table === table) && (column === undefined || c.column === column));
}

/** A readable list of the checks that did not pass (for assertion messages). */
export function notPassing(checks: CheckResult[]): string {
  return checks.filter((c) => c.status !== 'pass').map((c) => `${c.status} ${c.check} ${c.table}${c.column ? '.' + c.column : ''}: ${c.message}`).join('\n');
}
