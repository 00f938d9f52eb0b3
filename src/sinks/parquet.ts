/**
 * Parquet output (`--format parquet`, with or without `--shard i/n`), written by DuckDB itself: rows are
 * appended (the same memcpy path as the DuckDB file output) into a table of an in-memory DuckDB database
 * that spills to disk past the memory limit, and every `partRows` rows the table is copied out with
 * `COPY … TO '…parquet' (FORMAT parquet)` and emptied.
 *
 * Layout: `<dir>/<table>/shard=<i>/part-<k>.parquet` (k = 00000, 00001, … in row order; at least one file per
 * table, empty when the shard has no rows), plus `<dir>/_labels/shard=<i>/` and `<dir>/_datagen_manifest/shard=<i>/`.
 * Atomic per shard: everything is written under `<dir>/.datagen-tmp-<i>-<pid>-<time>/` and each
 * `<table>/shard=<i>` folder replaces the old one by rename only once the whole shard succeeded; a failed run
 * removes the temporary folder and leaves an existing output as it was.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ColumnData } from '../model/column-data.ts';
import type { LabelRow } from '../engine/table.ts';
import type { EventRow } from '../scenarios/events.ts';
import type { TablePlan } from '../ir/types.ts';
import { DuckDBFileSink, type TableWriter, trackUnfinished } from './duckdb.ts';
import type { EncodedChunk } from './encode.ts';
import type { ManifestRow, Output } from './output-types.ts';
import { quoteIdent, quoteString } from './sql.ts';

export interface ParquetSinkOptions {
  shard: number;
  shards: number;
  memoryLimit?: string;
  /** Rows per part file (default: about 256 MB of estimated row bytes, 2^16 … 2^23 rows). */
  partRows?: number;
  /** The temporary folder inside `dir` (default ParquetSink.tempPath). */
  tmp?: string;
}

/** Rows staged before a part file is written: about 256 MB of estimated row bytes, between 2^16 and 2^23 rows. */
function partRowsFor(t: TablePlan): number {
  const rowBytes = t.estimatedRows > 0 ? Math.max(8, t.estimatedBytes / t.estimatedRows) : 64;
  return Math.max(1 << 16, Math.min(1 << 23, Math.floor((256 << 20) / rowBytes)));
}

export class ParquetSink implements Output {
  private constructor(private readonly staging: DuckDBFileSink, private readonly dir: string, private readonly tmp: string, private readonly opts: ParquetSinkOptions, private readonly untrack: () => void) {}

  /** The temporary folder a run writing shard `shard` into `dir` works in. */
  static tempPath(dir: string, shard: number): string {
    return join(dir, `.datagen-tmp-${shard}-${process.pid}-${Date.now()}`);
  }

  static async open(dir: string, opts: ParquetSinkOptions): Promise<ParquetSink> {
    mkdirSync(dir, { recursive: true });
    const tmp = opts.tmp ?? ParquetSink.tempPath(dir, opts.shard);
    const untrack = trackUnfinished(tmp);
    try {
      mkdirSync(join(tmp, '.spill'), { recursive: true });
      const staging = await DuckDBFileSink.memory(opts.memoryLimit ?? '1GB', join(tmp, '.spill'));
      return new ParquetSink(staging, dir, tmp, opts, untrack);
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      untrack();
      throw e;
    }
  }

  /** Where a table's files of this shard go (inside the temporary folder until commit). */
  private folder(table: string): string {
    return join(this.tmp, table, `shard=${this.opts.shard}`);
  }

  async createTable(t: TablePlan): Promise<ParquetTableWriter> {
    const folder = this.folder(t.id);
    mkdirSync(folder, { recursive: true });
    return new ParquetTableWriter(this.staging, t, folder, this.opts.partRows ?? partRowsFor(t), await this.staging.createTable(t));
  }

  async writeLabels(labels: LabelRow[], events: EventRow[] = []): Promise<void> {
    await this.staging.writeLabels(labels, events);
    await this.copyOut('_labels');
    await this.copyOut('_label_events');
  }

  async writeManifest(meta: Record<string, string | number>, rows: ManifestRow[]): Promise<void> {
    await this.staging.writeManifest(meta, rows);
    const c = this.staging;
    await c.run(`ALTER TABLE _datagen_manifest ADD COLUMN shard INTEGER DEFAULT ${this.opts.shard}`);
    await c.run(`ALTER TABLE _datagen_manifest ADD COLUMN shards INTEGER DEFAULT ${this.opts.shards}`);
    await this.copyOut('_datagen_manifest');
  }

  private async copyOut(table: string): Promise<void> {
    const folder = this.folder(table);
    mkdirSync(folder, { recursive: true });
    await this.staging.run(`COPY ${quoteIdent(table)} TO ${quoteString(join(folder, 'part-00000.parquet'))} (FORMAT parquet)`);
    await this.staging.run(`DROP TABLE ${quoteIdent(table)}`);
  }

  /** Move every `<table>/shard=<i>` folder into place (replacing the old one), then remove the temporary folder. */
  async commit(): Promise<void> {
    this.staging.abort(); // closes the in-memory database
    const shard = `shard=${this.opts.shard}`;
    const old = join(this.tmp, '.old');
    mkdirSync(old, { recursive: true });
    for (const table of readdirSync(this.tmp)) {
      if (table.startsWith('.')) continue;
      const target = join(this.dir, table, shard);
      mkdirSync(join(this.dir, table), { recursive: true });
      if (existsSync(target)) renameSync(target, join(old, table));
      renameSync(join(this.tmp, table, shard), target);
    }
    rmSync(this.tmp, { recursive: true, force: true });
    this.untrack();
  }

  abort(): void {
    try {
      this.staging.abort();
    } finally {
      rmSync(this.tmp, { recursive: true, force: true });
      this.untrack();
    }
  }
}

/** Appends into the staging table; writes a part file every `partRows` rows and at close. */
export class ParquetTableWriter {
  private part = 0;
  private staged = 0;

  constructor(private readonly staging: DuckDBFileSink, private readonly table: TablePlan, private readonly folder: string, private readonly partRows: number, private writer: TableWriter) {}

  append(columns: ColumnData[], n: number): void {
    this.writer.append(columns, n);
    this.staged += n;
  }

  appendEncoded(chunk: EncodedChunk): void {
    this.writer.appendEncoded(chunk);
    this.staged += chunk.n;
  }

  /** Write a part file when enough rows are staged. */
  async flushIfFull(): Promise<void> {
    if (this.staged >= this.partRows) await this.writePart(true);
  }

  async close(): Promise<void> {
    if (this.staged > 0 || this.part === 0) await this.writePart(false);
    else this.writer.close();
    await this.staging.run(`DROP TABLE ${quoteIdent(this.table.id)}`);
  }

  private async writePart(more: boolean): Promise<void> {
    this.writer.close();
    const c = this.staging;
    const file = join(this.folder, `part-${String(this.part++).padStart(5, '0')}.parquet`);
    await c.run(`COPY ${quoteIdent(this.table.id)} TO ${quoteString(file)} (FORMAT parquet)`);
    this.staged = 0;
    if (more) {
      await c.run(`DROP TABLE ${quoteIdent(this.table.id)}`);
      this.writer = await this.staging.createTable(this.table);
    }
  }
}
