import { canonicalJson, sha256 } from '../plan/canonical.ts';
import type { Plan } from '../plan/types.ts';
import { DuckDBFileSink, type ManifestRow } from '../sinks/duckdb.ts';
import { Store } from './store.ts';
import { generateTable, type LabelRow } from './table.ts';

export const DEFAULT_CHUNK_ROWS = 65_536;

export interface RunOptions {
  /** Output DuckDB file; default `<slug>.duckdb` in the working directory. */
  out?: string;
  chunkRows?: number;
  memoryLimit?: string;
  onTableStart?: (table: string, estimatedRows: number) => void;
  onProgress?: (table: string, rows: number, total: number) => void;
  onTableDone?: (table: string, rows: number, seconds: number) => void;
}

export interface RunResult {
  file: string;
  tables: ManifestRow[];
  rows: number;
  seconds: number;
  labels: number;
}

/** Execute a plan into a DuckDB file, atomically (a failed run leaves any existing file untouched). */
export async function runPlan(plan: Plan, opts: RunOptions = {}): Promise<RunResult> {
  const file = opts.out ?? `${plan.slug}.duckdb`;
  const chunkRows = Math.max(1, Math.floor(opts.chunkRows ?? DEFAULT_CHUNK_ROWS));
  const t0 = performance.now();
  const sink = await DuckDBFileSink.open(file, opts.memoryLimit);
  try {
    const store = new Store();
    const memo = new Map<object, unknown>();
    const manifest: ManifestRow[] = [];
    const labels: LabelRow[] = [];
    for (const table of plan.tables) {
      const started = performance.now();
      opts.onTableStart?.(table.id, table.estimatedRows);
      const writer = await sink.createTable(table);
      const r = generateTable(plan, table, store, writer, memo, {
        chunkRows,
        onProgress: (rows, total) => opts.onProgress?.(table.id, rows, total),
      });
      writer.close();
      const seconds = (performance.now() - started) / 1000;
      manifest.push({ table: table.id, rows: r.rows, seconds });
      labels.push(...r.labels);
      opts.onTableDone?.(table.id, r.rows, seconds);
    }
    await sink.writeLabels(labels);
    await sink.writeManifest({ specHash: plan.specHash, seed: plan.seed, scale: plan.scale, datagenVersion: plan.datagenVersion, algorithmVersion: plan.algorithmVersion, planHash: sha256(canonicalJson(plan)) }, manifest);
    await sink.commit();
    return { file, tables: manifest, rows: manifest.reduce((a, m) => a + m.rows, 0), seconds: (performance.now() - t0) / 1000, labels: labels.length };
  } catch (e) {
    sink.abort();
    throw e;
  }
}
