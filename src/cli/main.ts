import { Command, CommanderError, Option } from 'commander';
import { existsSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { SpecError } from '../diagnostics/diagnostic.ts';
import { formatDiagnostic } from '../diagnostics/format.ts';
import { canonicalJson } from '../plan/canonical.ts';
import { printPlan } from '../plan/print.ts';
import { formatEvents, formatLabels, readEvents, readLabels } from '../sinks/labels.ts';
import { withoutScenarios } from '../scenarios/strip.ts';
import { VERSION } from '../version.ts';
import { DEFAULT_TABLE_LIMIT, writeResult } from './format-result.ts';
import { type Io, processIo, UserError } from './io.ts';
import { collectSetting, parseMemoryLimit, parsePositiveInt, parseScale, parseSeed, parseShard, parseThreshold, PRESET_HELP, SET_HELP } from './options.ts';
import { checkOutputTarget, type OutputKind } from './output-target.ts';
import { onInterrupt } from './signals.ts';
import { Progress } from './progress.ts';
import { parsePort } from '../studio/options.ts';

import { installSignalHandlers as install } from './signals.ts';

// Start-up (issue 17 §2): what a command needs is imported when it runs, so `--version` and `--help` load none of
// it: spec compilation (ajv, faker-js) through load.ts, the engine and DuckDB's bindings (run/run.ts,
// sinks/temp.ts → sinks/duckdb.ts), @duckdb/node-api (sinks/read.ts), the validator and its report (validate.ts).
let duckdbSinks: typeof import('../sinks/duckdb.ts') | undefined;
let reader: typeof import('../sinks/read.ts') | undefined;
const loadReader = async () => (reader ??= await import('../sinks/read.ts'));

/** For bin.js: the temporary outputs of this module graph's runs (an interrupt removes them; none before a command
 *  loaded the DuckDB output module, which registers them). */
export const removeUnfinishedOutputs = (): void => duckdbSinks?.removeUnfinishedOutputs();
/** For bin.js: signals and stdout errors end the process cleanly (src/cli/signals.ts), in this module graph. */
export const installSignalHandlers = (): void => install(removeUnfinishedOutputs);

/**
 * Write a small output (plan, labels, report) atomically after checking what it may replace
 * (output-target.ts); a failed write names the option and leaves an existing file as it was.
 */
async function writeOutput(io: Io, given: string, data: string, t: { option: string; kind: OutputKind; force?: boolean; inputs: string[] }): Promise<void> {
  const { writeOutputFile } = await import('./write-output.ts');
  writeOutputFile(checkOutputTarget(given, io.cwd, t), data, `${t.option} ${JSON.stringify(given)}`);
}

/**
 * DuckDB's errors a user can act on, as datagen's: out of memory (DuckDB's advice to SET threads or memory_limit is
 * not something a user of datagen can do) and a write that failed (full disk, quota, file size limit).
 */
/**
 * DG_TOO_MANY_ROWS found while generating (one parent row drawing more children than a parent can have, a
 * parent table too big for its facts) names the table; the CLI adds where it is in the input: the node of the
 * spec (`/nodes/<i>/fanout` for a per-parent count, `/nodes/<i>` else) or the table of a plan file.
 */
function tooManyRowsAt(e: unknown, input: string, cwd: string): unknown {
  if (!(e instanceof Error) || e.name !== 'TooManyRowsError') return e;
  const err = e as Error & { table: string; hint: string; perParent?: boolean };
  let where: string | null = null;
  try {
    const doc = JSON.parse(readFileSync(resolve(cwd, input), 'utf8')) as { nodes?: { id?: unknown }[]; tables?: { id?: unknown }[] };
    const nodes = Array.isArray(doc.nodes) ? doc.nodes.findIndex((n) => n?.id === err.table) : -1;
    const tables = Array.isArray(doc.tables) ? doc.tables.findIndex((t) => t?.id === err.table) : -1;
    where = nodes >= 0 ? `/nodes/${nodes}${err.perParent ? '/fanout' : ''}` : tables >= 0 ? `/tables/${tables}` : null;
  } catch {
    // a spec in JSON with comments, or included files: the table's name says where
  }
  const text = e.message.replace(/^DG_TOO_MANY_ROWS: /, '').replace(/ \(hint: [^)]*\)$/, '');
  return new UserError(where ? `at ${where}: ${text}` : text, 'DG_TOO_MANY_ROWS', err.hint);
}

function runFailure(e: unknown, outName: string, limit: string | undefined, format: string): unknown {
  const msg = e instanceof Error ? e.message : '';
  const io = /(No space left on device|Disk quota exceeded|File too large|Read-only file system)/i.exec(msg);
  if (io) {
    return new UserError(`-o ${JSON.stringify(outName)}: writing failed: ${io[1].toLowerCase()}; nothing was written and an existing output is left as it was`, 'DG_OUTPUT_WRITE_FAILED',
      'free some space (the run needs about the output\'s size again beside it while it works), or write somewhere else');
  }
  if (!/Out of Memory Error/.test(msg)) return e;
  const detail = msg.split('\n')[0].replace(/^Out of Memory Error: /, '');
  return new UserError(`the output ran out of DuckDB's memory limit (${limit ?? (format === 'parquet' ? '1GB' : '128MB')}${limit ? ', from --memory-limit' : ', the default'}): ${detail}; nothing was written`, 'DG_OUT_OF_MEMORY',
    'raise --memory-limit (e.g. --memory-limit 1GB); an existing output is left as it was');
}

/** Run the CLI with `argv` (without node and script); resolves to the exit code (0 ok, 1 failure, 2 usage). */

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  let code = 0;
  const program = new Command('datagen')
    .description('Declarative dataset compiler: one JSON spec in, realistic deterministic tables in DuckDB out.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .hook('preAction', async () => void (duckdbSinks ??= await import('../sinks/duckdb.ts')));

  program.command('compile').description('validate a spec, resolve its dependency graph and print (or save) the plan')
    .argument('<spec>', 'spec JSON file')
    .option('-o, --out <plan.json>', 'write the plan JSON here')
    .option('--seed <n>', 'master seed (overrides the spec)', parseSeed)
    .option('--scale <f>', 'multiply every entity/parentless row count (0.001 … 1000)', parseScale)
    .option('--strict', 'treat warnings (unknown keys, unsupported blocks, shares not summing to 1) as errors')
    .option('--preset <name>', PRESET_HELP)
    .option('--set <path=value>', SET_HELP, collectSetting)
    .option('--force', 'replace an existing -o file that is not a datagen plan')
    .option('-q, --quiet', 'print only diagnostics')
    .action(async (spec: string, o) => {
      const { loadPlan } = await import('./load.ts');
      // The output is checked first: a refusal comes before any work and leaves everything as it was.
      if (o.out !== undefined) checkOutputTarget(o.out, io.cwd, { option: '-o', kind: 'plan', force: o.force, inputs: [spec] });
      const plan = loadPlan(spec, { seed: o.seed, scale: o.scale, strict: o.strict, preset: o.preset, set: o.set }, io);
      if (!plan) return void (code = 1);
      if (!o.quiet) io.stdout.write(printPlan(plan) + '\n');
      if (o.out !== undefined) {
        await writeOutput(io, o.out, canonicalJson(plan, 2) + '\n', { option: '-o', kind: 'plan', force: o.force, inputs: [spec] });
        if (!o.quiet) io.stdout.write(`plan written to ${o.out}\n`);
      }
    });

  program.command('run').description('execute a spec or a compiled plan into a DuckDB file (or Parquet files, optionally one shard)')
    .argument('<input>', 'spec JSON file or plan JSON file (from `datagen compile -o`)')
    .option('-o, --out <file.duckdb|dir>', 'output DuckDB file (default: <metadata.name as a slug>.duckdb), or the folder of --format parquet (default: <slug>-parquet)')
    .option('--seed <n>', 'master seed (overrides the spec)', parseSeed)
    .option('--scale <f>', 'multiply every entity/parentless row count (0.001 … 1000)', parseScale)
    .option('--strict', 'treat warnings as errors')
    .option('--preset <name>', PRESET_HELP)
    .option('--set <path=value>', SET_HELP, collectSetting)
    .option('--chunk-rows <n>', 'rows generated per chunk (output is identical for any value)', parsePositiveInt)
    .option('--memory-limit <size>', "DuckDB memory_limit, e.g. '1GB' (default: 128MB for a DuckDB file, 1GB for Parquet staging)", parseMemoryLimit)
    .option('--max-rows <n>', 'refuse to start when the plan estimates more rows than this (default: 2,000,000,000, or what the free disk holds at 1 byte per row)', parsePositiveInt)
    .option('--without-scenarios', 'leave out the top-level scenarios (every other value is identical: diff against a normal run)')
    .addOption(new Option('--format <format>', 'output: one DuckDB file, or Parquet files in a folder (<table>/shard=<i>/part-*.parquet)').choices(['duckdb', 'parquet']).default('duckdb'))
    .option('--shard <i/n>', 'generate only shard i of n (0-based; Parquet only): entity rows by ordinal range, children with their parents', parseShard)
    .option('--workers <n>', 'threads (default: the number of cores): 1 = the main thread only; 2 = the main thread generates, an output thread writes; N > 2 = N − 1 generation threads and the output thread', parsePositiveInt)
    .option('--force', 'replace an existing -o file that is not a DuckDB database, or write Parquet into a folder datagen did not write')
    .option('-q, --quiet', 'no progress bars')
    .action(async (input: string, o) => {
      const [{ loadPlan }, { defaultOutput, runPlan }, { removeStaleTemps }] = await Promise.all([import('./load.ts'), import('../run/run.ts'), import('../sinks/temp.ts')]);
      if (o.out !== undefined) checkOutputTarget(o.out, io.cwd, { option: '-o', kind: o.format, force: o.force, inputs: [input] });
      const profile = (what: string) => process.env.DATAGEN_PROFILE && process.stderr.write(`[profile] ${what} at ${performance.now().toFixed(0)} ms since start\n`);
      profile('modules loaded');
      const loaded = loadPlan(input, { seed: o.seed, scale: o.scale, strict: o.strict, preset: o.preset, set: o.set, fromPlanAllowed: true }, io);
      profile('plan compiled');
      if (!loaded) return void (code = 1);
      const plan = o.withoutScenarios ? withoutScenarios(loaded) : loaded;
      if (o.shard && o.shard.count > 1 && o.format !== 'parquet') throw new UserError('--shard writes Parquet: a DuckDB file cannot be split and merged', 'DG_BAD_OPTION', 'add --format parquet (or drop --shard)');
      const outName = o.out ?? defaultOutput(plan, o.format);
      const out = checkOutputTarget(outName, io.cwd, { option: '-o', kind: o.format, force: o.force, inputs: [input] });
      if (o.format === 'parquet' && existsSync(out)) {
        const counts = await (await loadReader()).parquetShardCounts(out);
        const n = o.shard?.count ?? 1;
        const other = counts.filter((c) => c !== n);
        if (other.length) {
          throw new UserError(`-o ${JSON.stringify(outName)}: the folder holds shards of a ${other[0]}-shard run; this run writes ${n === 1 ? 'an unsharded output' : `shard ${o.shard.index}/${n}`}, and mixing shard counts would leave rows twice or missing`, 'DG_PARQUET_SHARD_COUNT', `write into a new folder, or run with --shard i/${other[0]}`);
        }
      }
      removeStaleTemps(out);
      // A Parquet folder this run creates is removed again when the run fails or is interrupted (when still empty).
      const created = o.format === 'parquet' && !existsSync(out);
      const removeCreated = () => {
        if (created) {
          try {
            if (readdirSync(out).length === 0) rmdirSync(out);
          } catch {
            // not there, or not empty: leave it
          }
        }
      };
      const unregister = onInterrupt(removeCreated);
      const progress = new Progress(io, Boolean(o.quiet));
      try {
        const r = await runPlan(plan, {
          out, chunkRows: o.chunkRows, memoryLimit: o.memoryLimit, format: o.format, shard: o.shard, workers: o.workers, maxRows: o.maxRows,
          onTableStart: (t, est) => progress.start(t, est),
          onProgress: (_t, rows, total) => progress.update(rows, total),
        });
        progress.stop();
        const width = Math.max(...r.tables.map((t) => t.table.length));
        for (const t of r.tables) io.stdout.write(`  ${t.table.padEnd(width)}  ${t.rows.toLocaleString('en-US').padStart(12)} rows  ${t.seconds.toFixed(2)} s\n`);
        const where = r.format === 'parquet' ? `${outName} (Parquet, shard ${r.shard.index}/${r.shard.count})` : outName;
        io.stdout.write(`${r.tables.length} tables, ${r.rows.toLocaleString('en-US')} rows in ${r.seconds.toFixed(2)} s → ${where}\n`);
        for (const u of plan.unsupported) io.stderr.write(`note: ${u.what} at ${u.path} is not supported yet and had no effect\n`);
      } catch (e) {
        removeCreated();
        throw runFailure(tooManyRowsAt(e, input, io.cwd), outName, o.memoryLimit, o.format);
      } finally {
        unregister();
        progress.stop();
      }
    });

  program.command('query').description('run SQL on a generated DuckDB file (read-only; the SQL sees only that file: docs/security.md) and print the result')
    .argument('<db>', 'DuckDB file').argument('<sql>', 'SQL query')
    .addOption(new Option('-f, --format <format>', 'output format (csv and json stream every row; table shows the first --limit rows)').choices(['table', 'csv', 'json']).default('table'))
    .option('--limit <n>', `rows the table format shows (it says how many it left out)`, parsePositiveInt, DEFAULT_TABLE_LIMIT)
    .action(async (db: string, sql: string, o) => {
      const q = await (await loadReader()).streamQuery(resolve(io.cwd, db), sql);
      try {
        await writeResult(q, o.format, io.stdout, o.limit);
      } finally {
        q.close();
      }
    });

  program.command('labels').description('export the ground truth of a generated DuckDB file: one line per changed value (_labels) or per anomaly event (_label_events)')
    .argument('<db>', 'DuckDB file written by `datagen run`')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['jsonl', 'csv']).default('jsonl'))
    .addOption(new Option('--level <level>', 'cell: every label (_labels); event: one line per anomaly event (_label_events)').choices(['cell', 'event']).default('cell'))
    .option('-o, --out <file>', 'write to this file instead of stdout')
    .option('--force', 'replace an existing -o file that is not a labels export')
    .action(async (db: string, o) => {
      const target = { option: '-o', kind: 'labels' as const, force: o.force, inputs: [db] };
      if (o.out !== undefined) checkOutputTarget(o.out, io.cwd, target);
      const text = o.level === 'event' ? formatEvents(await readEvents(resolve(io.cwd, db)), o.format) : formatLabels(await readLabels(resolve(io.cwd, db)), o.format);
      if (o.out !== undefined) await writeOutput(io, o.out, text, target);
      else io.stdout.write(text);
    });

  program.command('score').description('score an anomaly detector: its detections (CSV or JSON Lines) against the file\'s anomaly events (_label_events)')
    .argument('<db>', 'DuckDB file written by `datagen run`').argument('<detections>', 'CSV (header row) or JSON Lines: table, entity, timestamp or start/end, column, family, score')
    .addOption(new Option('--level <level>', 'the figures printed first: event (events found, false alarms) or point (entity × period points)').choices(['event', 'point']).default('event'))
    .option('--tolerance <duration>', 'event level: how far outside its window a detection still finds an event (default: 1 h for windows under a day, else 1 d)')
    .option('--period <duration>', 'point level: the length of a point (default 1h)')
    .option('--report <file.json>', 'write every figure (per family, difficulty and event) as JSON')
    .option('--html <file.html>', 'write a self-contained visual report: the figures, every event, each event on its series with the detections')
    .option('--force', 'replace existing --report/--html files that are not datagen score reports')
    .action(async (db: string, detections: string, o) => {
      code = await (await import('./score.ts')).scoreCommand(db, detections, o, io);
    });

  program.command('validate').description('check a generated DuckDB file against every promise of its spec (structure, values, behaviour, targets) and score it')
    .argument('<spec>', 'the spec JSON file the database was generated from').argument('<db>', 'DuckDB file written by `datagen run`')
    .option('--report <file.json>', 'write every check result as JSON')
    .option('--html <file.html>', 'write a self-contained visual report (charts of expected vs observed)')
    .option('--threshold <score>', 'judge soft failures by the quality score: exit 0 when no hard check failed and the score (0-100) is at least this', parseThreshold)
    .option('--allow-soft-failures', 'soft checks that fail only lower the score: exit 0 when no hard check failed and the score is at least --threshold (default 80)')
    .option('--preset <name>', 'the preset the database was generated with (datagen run --preset)')
    .option('--set <path=value>', 'the overrides the database was generated with (datagen run --set), repeatable', collectSetting)
    .option('--strict', 'treat the spec\'s warnings as errors')
    .option('--force', 'replace existing --report/--html files that are not datagen reports')
    .option('-v, --verbose', 'list passing checks too')
    .option('-q, --quiet', 'print only the verdict line')
    .action(async (spec: string, db: string, o) => {
      code = await (await import('./validate.ts')).validateCommand(spec, db, o, io);
    });

  program.command('infer').description('infer an editable, deterministic spec from existing data: keys, fanouts, fitted columns, exact dependencies (docs/infer.md)')
    .argument('<source>', 'a DuckDB file, a Parquet/CSV file or folder, or a postgresql:// URL')
    .option('-o, --out <spec.json>', 'write the spec here (default: standard output)')
    .option('--tables <a,b>', 'infer only these tables')
    .option('--sample <n>', 'rows sampled per table for the fits (default 50000)', parsePositiveInt)
    .option('--min-count <k>', 'a literal value (category, lookup row, fanout count) is written only if at least k rows hold it (default 5)', parsePositiveInt)
    .option('--report <file.html>', 'write a self-contained HTML report of the evidence')
    .option('--evidence <file.json>', 'write the evidence for every choice as JSON')
    .option('--force', 'replace existing output files that datagen infer did not write')
    .option('-v, --verbose', 'print each step with its time (to standard error)')
    .option('-q, --quiet', 'print nothing but warnings and errors')
    .action(async (source: string, o) => {
      code = await (await import('./infer.ts')).inferCommand(source, o, io);
    });

  program.command('compare').description('score a twin against its source: column shapes, column-pair trends, cardinality, referential integrity, time patterns, privacy (docs/compare.md)')
    .argument('<source>', 'the real data: a DuckDB file, a Parquet/CSV file or folder, or a postgresql:// URL').argument('<twin>', 'the twin (e.g. the DuckDB file of `datagen run`), read the same way')
    .option('--tables <a,b>', 'compare only these tables of the source')
    .option('--spec <spec.json>', 'foreign keys (cardinality, integrity) from this spec too: the inferred one or the twin\'s (always: the source\'s declared keys and those datagen finds)')
    .option('--report <file.html>', 'write a self-contained HTML report (source vs twin charts)')
    .option('--json <file.json>', 'write every score as JSON')
    .option('--threshold <score>', 'exit 1 when the overall score (0 to 1) is below this')
    .option('--force', 'replace existing --report/--json files that are not datagen compare reports')
    .option('-v, --verbose', 'list every column, pair and key, not only those below 0.9')
    .option('-q, --quiet', 'print only the overall line')
    .action(async (source: string, twin: string, o) => {
      code = await (await import('./compare.ts')).compareCommand(source, twin, o, io);
    });

  program.command('presets').description('list the presets of a spec (its "presets", with their descriptions) for --preset')
    .argument('<spec>', 'spec JSON file')
    .action(async (spec: string) => {
      code = (await import('./presets.ts')).presetsCommand(spec, io);
    });

  program.command('studio').description('a local web app (127.0.0.1) to edit a spec with live diagnostics, see its table graph and a live preview, generate, validate and query (docs/studio.md)')
    .argument('[spec]', 'spec JSON file to open (its folder is the one the studio reads and writes; default: the current folder)')
    .option('--port <n>', 'port on 127.0.0.1 (0: any free port)', parsePort, 4700)
    .option('--open', 'open the page in the default browser')
    .action(async (spec: string | undefined, o) => {
      code = await (await import('../studio/command.ts')).studioCommand(spec, o, io, { onInterrupt, userError: (m, c, h) => new UserError(m, c, h) });
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    return handleError(e, io);
  }
  return code;
}

function handleError(e: unknown, io: Io): number {
  if (e instanceof CommanderError) {
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
    return 2;
  }
  if (e instanceof SpecError) {
    for (const d of e.diagnostics) io.stderr.write(formatDiagnostic(d, e.file) + '\n');
    return 1;
  }
  if (e instanceof UserError) {
    io.stderr.write(`error: ${e.text()}\n`);
    return 1;
  }
  // A ReadError (sinks/read.ts, loaded on demand by query, labels and validate: not necessarily through `reader`).
  if (e instanceof Error && e.name === 'ReadError' && typeof (e as { code?: unknown }).code === 'string') {
    const r = e as Error & { code: string; hint: string };
    io.stderr.write(`error: ${r.code}: ${r.message} (hint: ${r.hint})\n`);
    return 1;
  }
  const msg = e instanceof Error ? e.message : String(e);
  io.stderr.write(`error: ${msg}\n`);
  if (process.env.DATAGEN_DEBUG && e instanceof Error) io.stderr.write(`${e.stack}\n`);
  return 1;
}
