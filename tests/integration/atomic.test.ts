/*
 * Atomic output (DESIGN.md decision 5): a run writes to a temporary file next to the output and
 * renames it on success; a failed run leaves any earlier output byte-identical and no temporary
 * files behind. Failures are injected through the progress callbacks of the library `runPlan`.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPlan, type RunOptions } from '../../src/run/run.ts';
import type { Plan } from '../../src/ir/types.ts';
import { COMPAT_DIR, compileOrThrow, Db, readJson, tempFile } from '../support/run-spec.ts';

const SPEC = readJson(new URL('simple_users_events.json', COMPAT_DIR));

const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
/** Everything in the output's directory except the output itself (temp files, WALs...). */
const leftovers = (file: string) => readdirSync(dirname(file)).filter((f) => f !== basename(file));

async function manifestSeed(file: string): Promise<number> {
  const db = await Db.open(file);
  try {
    return Number(await db.value('SELECT DISTINCT seed FROM _datagen_manifest'));
  } finally {
    db.close();
  }
}

class Boom extends Error {}

/** Run options whose callbacks throw once the second table of the plan is under way. */
function failOnSecondTable(plan: Plan, where: 'start' | 'progress'): RunOptions {
  const second = plan.tables[1].id;
  return where === 'start'
    ? { onTableStart: (t) => { if (t === second) throw new Boom(`injected failure at the start of ${t}`); } }
    : { onProgress: (t) => { if (t === second) throw new Boom(`injected failure while writing ${t}`); } };
}

describe('atomic output', () => {
  for (const [where, outputThread] of [['start', false], ['progress', false], ['start', true], ['progress', true]] as const) {
    it(`a run failing at the ${where} of the second table leaves the existing file byte-identical and no temp files${outputThread ? ' (output thread)' : ''}`, async () => {
      const out = tempFile('out.duckdb');
      await runPlan(compileOrThrow(SPEC, { seed: 1 }), { out });
      const before = sha(out);
      expect(leftovers(out)).toEqual([]);

      const plan = compileOrThrow(SPEC, { seed: 2 });
      // small chunks so the failure happens with the second table's appender open and rows written
      await expect(runPlan(plan, { out, chunkRows: 100, outputThread, ...failOnSecondTable(plan, where) })).rejects.toBeInstanceOf(Boom);

      expect(sha(out)).toBe(before);
      expect(leftovers(out)).toEqual([]);
      expect(await manifestSeed(out)).toBe(1);
    });
  }

  it('a failed run with no earlier output creates nothing', async () => {
    const out = tempFile('fresh.duckdb');
    const plan = compileOrThrow(SPEC);
    await expect(runPlan(plan, { out, ...failOnSecondTable(plan, 'progress') })).rejects.toBeInstanceOf(Boom);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dirname(out))).toEqual([]);
  });

  it('a successful run replaces the existing file (after a failed attempt too) and leaves nothing else', async () => {
    const out = tempFile('out.duckdb');
    await runPlan(compileOrThrow(SPEC, { seed: 1 }), { out });
    const first = sha(out);

    const plan2 = compileOrThrow(SPEC, { seed: 2 });
    await expect(runPlan(plan2, { out, ...failOnSecondTable(plan2, 'progress') })).rejects.toBeInstanceOf(Boom);
    await runPlan(plan2, { out });
    expect(sha(out)).not.toBe(first);
    expect(await manifestSeed(out)).toBe(2);
    expect(leftovers(out)).toEqual([]);
  });

  it('an existing file that is not a DuckDB database is replaced on success and untouched on failure', async () => {
    const out = tempFile('notes.duckdb');
    writeFileSync(out, 'not a database\n');
    const plan = compileOrThrow(SPEC);
    await expect(runPlan(plan, { out, ...failOnSecondTable(plan, 'start') })).rejects.toBeInstanceOf(Boom);
    expect(readFileSync(out, 'utf8')).toBe('not a database\n');
    expect(leftovers(out)).toEqual([]);
    await runPlan(plan, { out });
    expect(await manifestSeed(out)).toBe(42);
    expect(leftovers(out)).toEqual([]);
  });

  it('the run writes to a temporary file beside the output while it works', async () => {
    const out = tempFile('watch.duckdb');
    const seen: string[][] = [];
    const plan = compileOrThrow(SPEC);
    await runPlan(plan, { out, onTableStart: () => void seen.push(readdirSync(dirname(out))) });
    // Looked at once per table: while running, the output name does not exist yet; only `<out>.tmp-*` (and its WAL) do.
    expect(seen).toHaveLength(plan.tables.length);
    for (const files of seen) {
      expect(files).not.toContain(basename(out));
      expect(files.some((f) => f.startsWith(`${basename(out)}.tmp-`))).toBe(true);
    }
    // Afterwards only the output is left, and it is the finished database (its manifest is written last).
    expect(readdirSync(dirname(out))).toEqual([basename(out)]);
    expect(await manifestSeed(out)).toBe(42);
    const db = await Db.open(out);
    try {
      for (const t of plan.tables) expect(Number(await db.value(`SELECT count(*) FROM "${t.id}"`)), t.id).toBeGreaterThan(0);
    } finally {
      db.close();
    }
  });
});

describe('an interrupted CLI run (SIGINT)', () => {
  it('stops, removes its temporary file and leaves the earlier output byte-identical', async () => {
    const { spawn } = await import('node:child_process');
    const out = tempFile('interrupted.duckdb');
    await runPlan(compileOrThrow(SPEC, { seed: 7 }), { out }); // an earlier datagen output under the same name
    const before = sha(out);
    const bin = new URL('../../src/cli/bin.js', import.meta.url).pathname;
    const spec = new URL('gov_scaled.json', COMPAT_DIR).pathname;
    const child = spawn(process.execPath, [bin, 'run', spec, '-o', out, '-q'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<string>((res) => child.on('exit', (code, signal) => res(`${code}/${signal}`)));
    // Wait until the run has really started writing (its temporary file exists), then interrupt it. No clock: the
    // wait ends when the file appears or the child exits (a run that ends before writing fails the test).
    const dir = dirname(out);
    let ended = false;
    void exited.then(() => (ended = true));
    while (!readdirSync(dir).some((f) => f.startsWith(`${basename(out)}.tmp-`)) && !ended) await new Promise((r) => setTimeout(r, 50));
    expect(ended, `the run ended before it created its temporary file: ${stderr}`).toBe(false);
    child.kill('SIGINT');
    expect(await exited).not.toBe('0/null'); // it did not run to completion
    expect(readdirSync(dir)).toEqual([basename(out)]);
    expect(sha(out)).toBe(before);
    expect(await manifestSeed(out)).toBe(7);
  });
});
