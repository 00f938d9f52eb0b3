import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile, type CompileOptions } from '../../src/plan/compile.ts';
import { runPlan, type RunOptions } from '../../src/run/run.ts';
import type { Plan } from '../../src/ir/types.ts';
import { main } from '../../src/cli/main.ts';

/**
 * The earlier tool's specs, as copied into the repository (tests/fixtures/compat/README.md). Tests read inputs from
 * tests/fixtures only, never from outside the checkout: a new version of these specs is copied in and committed.
 */
export const COMPAT_DIR = new URL('../fixtures/compat/', import.meta.url);
export const EXAMPLES_DIR = new URL('../../examples/', import.meta.url);

export function readJson(url: URL): any {
  return JSON.parse(readFileSync(url, 'utf8'));
}

export function tempFile(name: string): string {
  return join(mkdtempSync(join(tmpdir(), 'datagen-test-')), name);
}

/** Compile a spec document; throws with the formatted diagnostics when it has errors. */
export function compileOrThrow(doc: unknown, opts: CompileOptions = {}): Plan {
  const r = compile(doc, opts);
  if (!r.plan) throw new Error(r.diagnostics.map((d) => `${d.path} ${d.code}: ${d.message}`).join('\n'));
  return r.plan;
}

/** A generated database opened read-only for SQL checks. */
export class Db {
  private constructor(private readonly instance: DuckDBInstance, private readonly conn: Awaited<ReturnType<DuckDBInstance['connect']>>, readonly file: string) {}

  static async open(file: string): Promise<Db> {
    const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
    return new Db(instance, await instance.connect(), file);
  }

  async rows(sql: string): Promise<Record<string, any>[]> {
    const r = await this.conn.runAndReadAll(sql);
    // BIGINT/HUGEINT results come back as bigint; tests compare numbers.
    return (r.getRowObjectsJS() as Record<string, any>[]).map((row) => {
      for (const k of Object.keys(row)) if (typeof row[k] === 'bigint') row[k] = Number(row[k]);
      return row;
    });
  }

  async value(sql: string): Promise<any> {
    const r = await this.rows(sql);
    const first = r[0];
    return first ? Object.values(first)[0] : undefined;
  }

  /** Order-sensitive checksum of a whole table's contents. */
  async checksum(table: string): Promise<string> {
    const v = await this.value(`SELECT md5(string_agg(md5(t::VARCHAR), '' ORDER BY rn)) FROM (SELECT row_number() OVER () AS rn, * FROM "${table}") t`);
    return String(v);
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

/** Compile + run a spec document into a fresh temp file and open it. */
export async function generate(doc: unknown, opts: CompileOptions & RunOptions = {}): Promise<{ plan: Plan; db: Db }> {
  const plan = compileOrThrow(doc, opts);
  const out = opts.out ?? tempFile(`${plan.slug}.duckdb`);
  await runPlan(plan, { ...opts, out });
  return { plan, db: await Db.open(out) };
}

/**
 * A spec run twice through the CLI in a temporary folder — `with.duckdb` and `without.duckdb`
 * (`--without-scenarios`) — both attached read-only to one in-memory connection as `w` and `b`.
 */
export class ScenarioPair {
  private constructor(readonly cwd: string, private readonly instance: DuckDBInstance, private readonly conn: DuckDBConnection) {}

  static async run(doc: unknown, prefix: string): Promise<ScenarioPair> {
    const cwd = mkdtempSync(join(tmpdir(), prefix));
    writeFileSync(join(cwd, 'spec.json'), JSON.stringify(doc));
    const quiet = { write: () => undefined };
    for (const args of [['-o', 'with.duckdb'], ['-o', 'without.duckdb', '--without-scenarios']]) {
      const code = await main(['run', 'spec.json', '-q', ...args], { stdout: quiet, stderr: quiet, isTTY: false, cwd });
      if (code !== 0) throw new Error(`datagen run ${args.join(' ')} exited ${code}`);
    }
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    await conn.run(`ATTACH '${join(cwd, 'with.duckdb')}' AS w (READ_ONLY); ATTACH '${join(cwd, 'without.duckdb')}' AS b (READ_ONLY)`);
    return new ScenarioPair(cwd, instance, conn);
  }

  /** The CLI in the pair's folder, output discarded; its exit code. */
  cli(...argv: string[]): Promise<number> {
    const quiet = { write: () => undefined };
    return main(argv, { stdout: quiet, stderr: quiet, isTTY: false, cwd: this.cwd });
  }

  /** Rows as objects (BIGINT as number). */
  async rows(sql: string): Promise<Record<string, any>[]> {
    const r = await this.conn.runAndReadAll(sql);
    return (r.getRowObjectsJS() as Record<string, any>[]).map((o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
  }

  /** The first value of the first row. */
  async one(sql: string): Promise<any> {
    return Object.values((await this.rows(sql))[0])[0];
  }

  run(sql: string): Promise<unknown> {
    return this.conn.run(sql);
  }

  close(): void {
    this.conn.closeSync();
    this.instance.closeSync();
  }
}
