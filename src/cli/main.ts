import { Command, CommanderError, Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SpecError } from '../diagnostics/diagnostic.ts';
import { formatDiagnostic } from '../diagnostics/format.ts';
import { defaultOutput, runPlan } from '../engine/run.ts';
import { canonicalJson } from '../plan/canonical.ts';
import { printPlan } from '../plan/print.ts';
import { queryFile } from '../sinks/read.ts';
import { formatLabels, readLabels } from '../sinks/labels.ts';
import { withoutScenarios } from '../scenarios/strip.ts';
import { VERSION } from '../version.ts';
import { validateCommand } from './validate.ts';
import { formatResult } from './format-result.ts';
import { type Io, processIo, UserError } from './io.ts';
import { loadPlan } from './load.ts';
import { parsePositiveInt, parseScale, parseSeed, parseShard, parseThreshold } from './options.ts';
import { Progress } from './progress.ts';

/** Run the CLI with `argv` (without node and script); resolves to the exit code (0 ok, 1 failure, 2 usage). */
/** For bin.js: the temporary outputs of this module graph's runs (an interrupt removes them). */
export { removeUnfinishedOutputs } from '../sinks/duckdb.ts';

export async function main(argv: string[], io: Io = processIo()): Promise<number> {
  let code = 0;
  const program = new Command('datagen')
    .description('Declarative dataset compiler: one JSON spec in, realistic deterministic tables in DuckDB out.')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  program.command('compile').description('validate a spec, resolve its dependency graph and print (or save) the plan')
    .argument('<spec>', 'spec JSON file')
    .option('-o, --out <plan.json>', 'write the plan JSON here')
    .option('--seed <n>', 'master seed (overrides the spec)', parseSeed)
    .option('--scale <f>', 'multiply every entity/parentless row count (0.001 … 1000)', parseScale)
    .option('--strict', 'treat warnings (unknown keys, unsupported blocks) as errors')
    .option('-q, --quiet', 'print only diagnostics')
    .action((spec: string, o) => {
      const plan = loadPlan(spec, { seed: o.seed, scale: o.scale, strict: o.strict }, io);
      if (!plan) return void (code = 1);
      if (!o.quiet) io.stdout.write(printPlan(plan) + '\n');
      if (o.out) {
        writeFileSync(resolve(io.cwd, o.out), canonicalJson(plan, 2) + '\n');
        if (!o.quiet) io.stdout.write(`plan written to ${o.out}\n`);
      }
    });

  program.command('run').description('execute a spec or a compiled plan into a DuckDB file (or Parquet files, optionally one shard)')
    .argument('<input>', 'spec JSON file or plan JSON file (from `datagen compile -o`)')
    .option('-o, --out <file.duckdb|dir>', 'output DuckDB file (default: <metadata.name as a slug>.duckdb), or the folder of --format parquet (default: <slug>-parquet)')
    .option('--seed <n>', 'master seed (overrides the spec)', parseSeed)
    .option('--scale <f>', 'multiply every entity/parentless row count (0.001 … 1000)', parseScale)
    .option('--strict', 'treat warnings as errors')
    .option('--chunk-rows <n>', 'rows generated per chunk (output is identical for any value)', parsePositiveInt)
    .option('--memory-limit <size>', "DuckDB memory_limit, e.g. '1GB' (default: 128MB for a DuckDB file, 1GB for Parquet staging)")
    .option('--max-rows <n>', 'refuse to start when the plan estimates more rows than this', parsePositiveInt)
    .option('--without-scenarios', 'leave out the top-level scenarios (every other value is identical: diff against a normal run)')
    .addOption(new Option('--format <format>', 'output: one DuckDB file, or Parquet files in a folder (<table>/shard=<i>/part-*.parquet)').choices(['duckdb', 'parquet']).default('duckdb'))
    .option('--shard <i/n>', 'generate only shard i of n (0-based; Parquet only): entity rows by ordinal range, children with their parents', parseShard)
    .option('--workers <n>', 'threads (default: the number of cores): 1 = the main thread only; 2 = the main thread generates, an output thread writes; N > 2 = N − 1 generation threads and the output thread', parsePositiveInt)
    .option('-q, --quiet', 'no progress bars')
    .action(async (input: string, o) => {
      const loaded = loadPlan(input, { seed: o.seed, scale: o.scale, strict: o.strict, fromPlanAllowed: true }, io);
      if (!loaded) return void (code = 1);
      const plan = o.withoutScenarios ? withoutScenarios(loaded) : loaded;
      const estimate = plan.tables.reduce((a, t) => a + t.estimatedRows, 0);
      if (o.maxRows !== undefined && estimate > o.maxRows) {
        throw new UserError(`the plan estimates ${estimate.toLocaleString('en-US')} rows, more than --max-rows ${o.maxRows.toLocaleString('en-US')}; nothing was generated (lower --scale or raise --max-rows)`);
      }
      if (o.shard && o.shard.count > 1 && o.format !== 'parquet') throw new UserError('--shard writes Parquet: add --format parquet (a DuckDB file cannot be split and merged)');
      const outName = o.out ?? defaultOutput(plan, o.format);
      const out = resolve(io.cwd, outName);
      const progress = new Progress(io, Boolean(o.quiet));
      try {
        const r = await runPlan(plan, {
          out, chunkRows: o.chunkRows, memoryLimit: o.memoryLimit, format: o.format, shard: o.shard, workers: o.workers,
          onTableStart: (t, est) => progress.start(t, est),
          onProgress: (_t, rows, total) => progress.update(rows, total),
        });
        progress.stop();
        const width = Math.max(...r.tables.map((t) => t.table.length));
        for (const t of r.tables) io.stdout.write(`  ${t.table.padEnd(width)}  ${t.rows.toLocaleString('en-US').padStart(12)} rows  ${t.seconds.toFixed(2)} s\n`);
        const where = r.format === 'parquet' ? `${outName} (Parquet, shard ${r.shard.index}/${r.shard.count})` : outName;
        io.stdout.write(`${r.tables.length} tables, ${r.rows.toLocaleString('en-US')} rows in ${r.seconds.toFixed(2)} s → ${where}\n`);
        for (const u of plan.unsupported) io.stderr.write(`note: ${u.what} at ${u.path} is not supported yet and had no effect\n`);
      } finally {
        progress.stop();
      }
    });

  program.command('query').description('run SQL on a generated DuckDB file and print the result')
    .argument('<db>', 'DuckDB file').argument('<sql>', 'SQL query')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['table', 'csv', 'json']).default('table'))
    .action(async (db: string, sql: string, o) => {
      const r = await queryFile(resolve(io.cwd, db), sql);
      io.stdout.write(formatResult(r.columns, r.rows, o.format, r.types));
    });

  program.command('labels').description('export the ground-truth labels (_labels) of a generated DuckDB file')
    .argument('<db>', 'DuckDB file written by `datagen run`')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['jsonl', 'csv']).default('jsonl'))
    .option('-o, --out <file>', 'write to this file instead of stdout')
    .action(async (db: string, o) => {
      const text = formatLabels(await readLabels(resolve(io.cwd, db)), o.format);
      if (o.out) writeFileSync(resolve(io.cwd, o.out), text);
      else io.stdout.write(text);
    });

  program.command('validate').description('check a generated DuckDB file against every promise of its spec (structure, values, behaviour, targets) and score it')
    .argument('<spec>', 'the spec JSON file the database was generated from').argument('<db>', 'DuckDB file written by `datagen run`')
    .option('--report <file.json>', 'write every check result as JSON')
    .option('--html <file.html>', 'write a self-contained visual report (charts of expected vs observed)')
    .option('--threshold <score>', 'minimum quality score (0-100) for exit code 0', parseThreshold, 80)
    .option('-v, --verbose', 'list passing checks too')
    .option('-q, --quiet', 'print only the verdict line')
    .action(async (spec: string, db: string, o) => {
      code = await validateCommand(spec, db, o, io);
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
  const msg = e instanceof Error ? e.message : String(e);
  io.stderr.write(`error: ${msg}\n`);
  if (!(e instanceof UserError) && process.env.DATAGEN_DEBUG && e instanceof Error) io.stderr.write(`${e.stack}\n`);
  return 1;
}
