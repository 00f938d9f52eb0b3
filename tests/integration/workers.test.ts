/*
 * Workers (issue 3): `--workers N` is the number of threads. With N > 2, N − 1 worker threads generate (table,
 * row range) tasks and the main thread consumes the results in task order; with 2, the main thread generates and
 * the output thread appends. Table contents, row order and labels are identical for 1, 2 and 3 threads and chunk
 * sizes 1 k / 64 k / default. Retained columns reach the workers as SharedArrayBuffers
 * (numbers) or copies (strings). A failing task fails the run with its message and leaves no file behind.
 */
import { existsSync, readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runPlan, type RunOptions } from '../../src/run/run.ts';
import { quoteIdent as q } from '../../src/sinks/sql.ts';
import { COMPAT_DIR, compileOrThrow, Db, EXAMPLES_DIR, readJson, tempFile } from '../support/run-spec.ts';
import { noPositiveWeightsSpec } from '../support/specs.ts';

const opened: Db[] = [];
afterAll(() => opened.forEach((d) => d.close()));

/** Order-sensitive digest (insertion order = rowid) of every node table and _labels. */
async function digestsAt(doc: unknown, opts: RunOptions, scale = 1): Promise<{ digests: Record<string, string>; workers: number; outputThread: boolean }> {
  const plan = compileOrThrow(doc, { scale });
  const out = tempFile(`${plan.slug}.duckdb`);
  const r = await runPlan(plan, { ...opts, out });
  const db = await Db.open(out);
  opened.push(db);
  const result: Record<string, string> = {};
  for (const t of [...plan.tables.map((t) => t.id), '_labels']) {
    const cols = (await db.rows(`SELECT column_name FROM information_schema.columns WHERE table_name = '${t}' ORDER BY ordinal_position`)).map((r) => r.column_name as string);
    result[t] = String(await db.value(`SELECT md5(string_agg(md5(CAST(ROW(${cols.map(q).join(', ')}) AS VARCHAR)), '' ORDER BY rowid)) || ':' || count(*) FROM ${q(t)}`));
  }
  return { digests: result, workers: r.workers, outputThread: r.outputThread };
}

/**
 * Each input runs five times, so the heavier ones are scaled down (row counts only: every generator, model and
 * label path still runs) to stay a few seconds on an idle 2-core machine. Each keeps many 1 k-row tasks; catalog_sales
 * stays full size (~90 k sales rows) so that the default chunk size also splits a table into several chunks.
 */
const INPUTS: [string, unknown, number][] = [
  ['test_patterns (every v1 generator and modifier, labels)', readJson(new URL('test_patterns.json', COMPAT_DIR)), 1],
  ['catalog_sales (vocab, choices_ref, lookups on keys, weights_by shared by lookups)', readJson(new URL('catalog_sales.json', EXAMPLES_DIR)), 1],
  ['shop_promotions at scale 0.5 (effect tables, outliers)', readJson(new URL('shop_promotions.json', EXAMPLES_DIR)), 0.5],
  ['marketing_attribution at scale 0.25 (behaviour row models)', readJson(new URL('marketing_attribution.json', EXAMPLES_DIR)), 0.25],
];

describe('workers: identical output for 1 vs 2 workers and any chunk size', () => {
  for (const [name, doc, scale] of INPUTS) {
    it(name, async () => {
      const digests = (opts: RunOptions) => digestsAt(doc, opts, scale);
      const base = await digests({ workers: 1 });
      if (name.startsWith('catalog_sales')) expect(Number(base.digests.sales.split(':')[1]), 'sales spans several default chunks').toBeGreaterThan(65_536);
      expect(base.workers).toBe(0);
      expect(base.outputThread).toBe(false);
      for (const chunkRows of [1000, undefined]) { // undefined: the default, 65,536 (64 k)
        // Many small tasks (1 or 3 chunks each) so results really come back out of order.
        const r = await digests({ workers: 3, workerMinRows: 0, chunkRows, workerTaskRows: chunkRows === 1000 ? 3000 : undefined });
        expect(r.workers, `chunkRows ${chunkRows}`).toBe(2);
        expect(r.outputThread, 'the generation workers feed the output thread').toBe(true);
        expect(r.digests, `2 workers, chunkRows ${chunkRows}`).toEqual(base.digests);
      }
      // Generation on the main thread, DuckDB appending on the output thread.
      const threaded = await digests({ workers: 2, outputThread: true, chunkRows: 1000 });
      expect(threaded.workers).toBe(0);
      expect(threaded.outputThread).toBe(true);
      expect(threaded.digests, 'output thread').toEqual(base.digests);
      const oneChunk = await digests({ workers: 1, chunkRows: 1000 });
      expect(oneChunk.digests).toEqual(base.digests);
    });
  }

  it('small tables stay on the main thread unless told otherwise (workerMinRows)', async () => {
    const doc = readJson(new URL('simple_users_events.json', COMPAT_DIR));
    const r = await digestsAt(doc, { workers: 2 });
    expect(r.workers).toBe(0);
    expect(r.outputThread, 'a small plan writes on the main thread').toBe(false);
  });
});

describe('workers: errors', () => {
  it('an error inside a worker fails the run with its message and leaves no output', async () => {
    const spec = noPositiveWeightsSpec(5000);
    const out = tempFile('w.duckdb');
    await expect(runPlan(compileOrThrow(spec), { out, workers: 3, workerMinRows: 0, chunkRows: 1000 })).rejects.toThrow(/weights_by "shop.w"/);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dirname(out))).toEqual([]);
  });

  for (const outputThread of [false, true]) {
    it(`an output that cannot be opened fails the run with the file system's message (output thread: ${outputThread})`, async () => {
      const out = `${tempFile('gone')}/missing/w.duckdb`;
      const plan = compileOrThrow(readJson(new URL('simple_users_events.json', COMPAT_DIR)));
      await expect(runPlan(plan, { out, workers: 2, outputThread })).rejects.toThrow(/ENOENT|no such file/);
      expect(existsSync(dirname(out))).toBe(false);
    });
  }
});
