/**
 * Golden diagnostics: every `tests/golden/diagnostics/<name>.json` is a small spec with exactly one
 * problem; `<name>.expected.txt` is exactly what `datagen compile <file> -q` writes to stderr.
 * Files named `<name>.strict.json` are compiled with --strict; `<name>.args` holds more options (e.g. `--preset x`).
 * Files a case includes live in `include/` (not cases themselves); diagnostics may point into them.
 *
 * The file name says which code the case pins: the longest diagnostic code (in kebab case) that the
 * stem starts with, e.g. `out-of-range-null-rate.json` → DG_OUT_OF_RANGE.
 *
 * Regenerate the expectations after an intended change with
 *   UPDATE_GOLDEN=1 npx vitest run --config tests/vitest.config.ts tests/golden/diagnostics.test.ts
 * and read the diff: every line must still point at the right place and say something useful.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { compile } from '../../src/plan/compile.ts';
import { PINNED as STUDIO_PINNED } from '../integration/studio-errors.pins.ts';
import { updateGolden } from '../support/golden.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REL_DIR = 'tests/golden/diagnostics';
const DIR = join(ROOT, REL_DIR);
const UPDATE = updateGolden();

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(argv: string[], cwd = ROOT): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (s: string) => void (stdout += s) },
    stderr: { write: (s: string) => void (stderr += s) },
    isTTY: false,
    cwd,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** Every code the compiler can emit: the quoted 'DG_…' literals in src/. */
function codesInSource(): string[] {
  const codes = new Set<string>();
  const files = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
  for (const f of files) {
    for (const m of readFileSync(join(ROOT, 'src', f), 'utf8').matchAll(/'(DG_[A-Z_]+)'/g)) codes.add(m[1]);
  }
  return [...codes].sort();
}

const kebab = (code: string) => code.replace(/^DG_/, '').toLowerCase().replace(/_/g, '-');

/** The code a golden file is named after: the longest code whose kebab name the stem starts with. */
function codeOfStem(stem: string, codes: readonly string[]): string | undefined {
  const base = stem.replace(/\.strict$/, '');
  return codes
    .filter((c) => base === kebab(c) || base.startsWith(kebab(c) + '-'))
    .sort((a, b) => b.length - a.length)[0];
}

const CODES = codesInSource();
const specs = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

/** Codes pinned by a test in this file rather than a golden file (registered as the tests are declared). */
const inCode = new Set<string>();
function itPins(code: string, name: string, fn: () => Promise<void> | void): void {
  inCode.add(code);
  it(`${code}: ${name}`, fn);
}

describe('golden diagnostics', () => {
  it('finds the diagnostic codes and the golden files', () => {
    expect(CODES.length).toBeGreaterThan(20);
    expect(specs.length).toBeGreaterThan(CODES.length);
  });

  for (const file of specs) {
    const stem = file.replace(/\.json$/, '');
    const strict = stem.endsWith('.strict');
    const rel = `${REL_DIR}/${file}`;
    const expectedPath = join(DIR, `${stem}.expected.txt`);

    it(`${file}${strict ? ' (--strict)' : ''}`, async () => {
      const argsFile = join(DIR, `${stem}.args`);
      const extra = existsSync(argsFile) ? readFileSync(argsFile, 'utf8').trim().split(/\s+/) : [];
      const r = await cli(['compile', rel, '-q', ...(strict ? ['--strict'] : []), ...extra]);
      if (UPDATE) writeFileSync(expectedPath, r.stderr);
      expect(existsSync(expectedPath), `${stem}.expected.txt is missing (run with UPDATE_GOLDEN=1)`).toBe(true);
      const expected = readFileSync(expectedPath, 'utf8');
      expect(r.stderr).toBe(expected);
      expect(r.stdout).toBe('');

      // The expected output itself: one well-formed line per diagnostic, a hint on each, a summary.
      const lines = expected.trimEnd().split('\n');
      const summary = /^(\d+) error\(s\), (\d+) warning\(s\)$/.exec(lines.at(-1) ?? '');
      expect(summary, 'last line is the error/warning summary').not.toBeNull();
      const diagLines = lines.slice(0, -1);
      expect(diagLines.length).toBeGreaterThan(0);
      const shape = new RegExp(`^(${rel.replace(/[.]/g, '\\.')}|${REL_DIR}/include/[\\w.-]+):\\d+:\\d+ /\\S*  (warning )?DG_[A-Z_]+: .+ \\(hint: .+\\)$`);
      for (const line of diagLines) expect(line).toMatch(shape);
      expect(expected).not.toMatch(/^\s+at /m); // no stack traces
      const warnings = diagLines.filter((l) => /  warning DG_/.test(l)).length;
      expect([Number(summary![1]), Number(summary![2])]).toEqual([diagLines.length - warnings, warnings]);
      expect(r.code).toBe(Number(summary![1]) > 0 ? 1 : 0);

      const code = codeOfStem(stem, CODES);
      expect(code, `${file} is not named after a diagnostic code`).toBeDefined();
      expect(expected).toMatch(new RegExp(`  (warning )?${code}: `));
    });
  }

  it('has no expected output without a spec', () => {
    const orphans = readdirSync(DIR)
      .filter((f) => f.endsWith('.expected.txt'))
      .filter((f) => !specs.includes(f.replace(/\.expected\.txt$/, '.json')));
    expect(orphans).toEqual([]);
  });

  itPins('DG_FILE', 'a missing spec file', async () => {
    const r = await cli(['compile', `${REL_DIR}/does-not-exist.json`, '-q']);
    expect(r.code).toBe(1);
    const [line, summary, rest] = r.stderr.split('\n');
    expect(line).toMatch(new RegExp(`^${REL_DIR}/does-not-exist\\.json /  DG_FILE: file not found: .*does-not-exist\\.json \\(hint: check the path\\)$`));
    expect(summary).toBe('1 error(s), 0 warning(s)');
    expect(rest).toBe('');
  });

  itPins('DG_FILE', 'a directory instead of a spec file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'datagen-golden-'));
    const r = await cli(['compile', dir, '-q']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ \/  DG_FILE: .* is a directory, not a spec file \(hint: check the path\)\n1 error\(s\), 0 warning\(s\)\n$/);
  });

  // Unknown node/column keys are warnings (unknown-key*.json); --strict makes them errors.
  // Pinned here rather than as a golden file because the strict message still says "(ignored)".
  itPins('DG_UNKNOWN_KEY', 'unknown column key under --strict is an error', async () => {
    const r = await cli(['compile', `${REL_DIR}/unknown-key.json`, '-q', '--strict']);
    expect(r.code).toBe(1);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^${REL_DIR}/unknown-key\\.json:19:99 /nodes/0/columns/3/nullabel  DG_UNKNOWN_KEY: unknown key "nullabel".* \\(hint: did you mean "nullable"\\?\\)$`));
    expect(lines[1]).toBe('1 error(s), 0 warning(s)');
  });

  // Any transform other than "effect" also fails the schema's oneOf, so the CLI output currently has
  // an extra DG_SCHEMA line; only the semantic diagnostic is pinned until that is fixed.
  itPins('DG_BAD_TABLE_MODIFIER', 'a column modifier at table level', () => {
    const doc = JSON.parse(readFileSync(join(DIR, 'unknown-table-effect-table-level.json'), 'utf8'));
    doc.nodes[2].modifiers = [{ transform: 'multiply', args: { factor: 2 } }];
    const r = compile(doc);
    expect(r.plan).toBeNull();
    expect(r.diagnostics).toContainEqual({
      code: 'DG_BAD_TABLE_MODIFIER',
      severity: 'error',
      path: '/nodes/2/modifiers/0/transform',
      message: 'table-level modifiers must be "effect" (it scales fanout), got "multiply"',
      hint: 'move column modifiers into the column',
    });
  });

  // Codes of the CLI and the runtime, not of a spec (src/cli/output-target.ts, src/cli/main.ts, src/sinks/read.ts,
  // src/plan/estimate.ts): the whole stderr is `error: DG_…: <message> (hint: …)`, exit 1, nothing written.
  // The same cases at length: tests/integration/outputs.test.ts, query.test.ts, big-fanout.test.ts.
  describe('CLI and runtime codes', () => {
    let tmp = '';
    const at = (name: string) => join(tmp, name);
    const run = (...argv: string[]) => cli(argv, tmp);
    const BIN = join(ROOT, 'src/cli/bin.js');
    const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    /** Exactly one line `error: <code>: <message> (hint: <hint>)` (a RegExp message for DuckDB's own words), exit 1. */
    function expectError(r: { code: number | null; stdout: string; stderr: string }, code: string, message: string | RegExp, hint: string): void {
      expect(r.code, r.stderr).toBe(1);
      if (typeof message === 'string') expect(r.stderr).toBe(`error: ${code}: ${message} (hint: ${hint})\n`);
      else expect(r.stderr).toMatch(new RegExp(`^error: ${code}: ${message.source} \\(hint: ${esc(hint)}\\)\\n$`));
      expect(r.stdout).not.toMatch(/rows in|plan written/);
    }

    beforeAll(async () => {
      tmp = realpathSync(mkdtempSync(join(tmpdir(), 'datagen-golden-cli-')));
      copyFileSync(join(ROOT, 'tests/fixtures/compat/simple_users_events.json'), at('spec.json'));
      writeFileSync(at('notes.md'), '# notes that must survive\n');
      expect((await run('run', 'spec.json', '--scale', '0.05', '-o', 'db.duckdb', '-q')).code).toBe(0);
    });
    afterAll(() => rmSync(tmp, { recursive: true, force: true }));

    itPins('DG_OUTPUT_PATH_EMPTY', 'compile -o ""', async () => {
      expectError(await run('compile', 'spec.json', '-o', ''), 'DG_OUTPUT_PATH_EMPTY', '-o "": the output path is empty', 'give a file name, e.g. -o plan.json');
    });

    itPins('DG_OUTPUT_PATH_INVALID', 'a NUL character in the output path', async () => {
      expectError(await run('compile', 'spec.json', '-o', 'a\0.json'), 'DG_OUTPUT_PATH_INVALID', '-o "a\\u0000.json": the output path contains a NUL character', 'use a plain file name');
    });

    itPins('DG_OUTPUT_PATH_TOO_LONG', 'a file name longer than 225 bytes', async () => {
      const name = `${'x'.repeat(300)}.duckdb`;
      expectError(await run('run', 'spec.json', '-o', name), 'DG_OUTPUT_PATH_TOO_LONG', `-o "${name}": a name in the path is 307 bytes long, more than 225`,
        'file names are at most 225 bytes (datagen adds a temporary suffix to the 255 the file system allows); choose a shorter name');
    });

    itPins('DG_OUTPUT_IS_DIRECTORY', 'a folder (or a trailing slash) where a file goes', async () => {
      mkdirSync(at('adir'));
      expectError(await run('compile', 'spec.json', '-o', 'adir'), 'DG_OUTPUT_IS_DIRECTORY', '-o "adir": is a folder, but this output is a file (a datagen plan)', 'give a file name, e.g. -o adir/plan.json');
      expectError(await run('compile', 'spec.json', '-o', 'adir/'), 'DG_OUTPUT_IS_DIRECTORY', '-o "adir/": the output path ends with a slash, but this output is a file', 'give a file name, e.g. -o plan.json');
    });

    itPins('DG_OUTPUT_DIR_MISSING', 'an output in a folder that does not exist', async () => {
      expectError(await run('compile', 'spec.json', '-o', 'nope/plan.json'), 'DG_OUTPUT_DIR_MISSING', '-o "nope/plan.json": the folder "nope" does not exist', 'create it first (mkdir -p nope) or write somewhere else');
      expect(existsSync(at('nope'))).toBe(false);
    });

    itPins('DG_OUTPUT_DIR_NOT_WRITABLE', 'an output in a read-only folder', async () => {
      const dir = realpathSync(mkdtempSync(join(tmpdir(), 'datagen-golden-ro-')));
      chmodSync(dir, 0o555);
      try {
        const want = ['DG_OUTPUT_DIR_NOT_WRITABLE', `-o "plan.json": the folder "${dir}" is not writable`, 'write somewhere you may create files'] as const;
        if (process.getuid?.() === 0) {
          // root may write anywhere: the real entry point as "nobody" (the check runs before the spec is read).
          const r = spawnSync(process.execPath, [BIN, 'compile', 'spec.json', '-o', 'plan.json', '-q'], { cwd: dir, uid: 65534, gid: 65534, encoding: 'utf8' });
          expectError({ code: r.status, stdout: r.stdout, stderr: r.stderr }, ...want);
        } else {
          expectError(await cli(['compile', 'spec.json', '-o', 'plan.json'], dir), ...want);
        }
        expect(readdirSync(dir)).toEqual([]);
      } finally {
        chmodSync(dir, 0o755);
        rmSync(dir, { recursive: true, force: true });
      }
    });

    itPins('DG_OUTPUT_IS_INPUT', 'compile -o the spec itself, even with --force', async () => {
      const before = readFileSync(at('spec.json'));
      expectError(await run('compile', 'spec.json', '-o', 'spec.json', '--force'), 'DG_OUTPUT_IS_INPUT', '-o "spec.json": is "spec.json", which this command reads; it is left as it is', 'write the output to another file');
      expect(readFileSync(at('spec.json')).equals(before)).toBe(true);
    });

    itPins('DG_OUTPUT_SYMLINK', 'a symbolic link, even with --force', async () => {
      symlinkSync('db.duckdb', at('link.duckdb'));
      expectError(await run('run', 'spec.json', '-o', 'link.duckdb', '--force'), 'DG_OUTPUT_SYMLINK', '-o "link.duckdb": is a symbolic link; datagen neither follows it nor replaces it',
        'give the path of the real file (or folder), or remove the link');
    });

    itPins('DG_OUTPUT_SPECIAL_FILE', 'a FIFO, even with --force', async () => {
      execFileSync('mkfifo', [at('fifo')]);
      expectError(await run('compile', 'spec.json', '-o', 'fifo', '--force'), 'DG_OUTPUT_SPECIAL_FILE', '-o "fifo": is a FIFO (named pipe); datagen writes only regular files', 'give the name of a regular file');
      expect(statSync(at('fifo')).isFIFO()).toBe(true);
    });

    itPins('DG_OUTPUT_NOT_A_DIRECTORY', 'a file where the Parquet folder goes', async () => {
      expectError(await run('run', 'spec.json', '--format', 'parquet', '-o', 'notes.md'), 'DG_OUTPUT_NOT_A_DIRECTORY', '-o "notes.md": is an existing file, but --format parquet writes a folder', 'choose another name for the Parquet folder');
    });

    itPins('DG_OUTPUT_NOT_OURS', 'a file (or folder) datagen did not write', async () => {
      expectError(await run('compile', 'spec.json', '-o', 'notes.md'), 'DG_OUTPUT_NOT_OURS', '-o "notes.md": is an existing file that is not a datagen plan; datagen leaves it as it is', 'choose another name, or pass --force to replace it');
      expect(readFileSync(at('notes.md'), 'utf8')).toBe('# notes that must survive\n');
      mkdirSync(at('photos'));
      writeFileSync(at('photos/cat.jpg'), 'meow');
      expectError(await run('run', 'spec.json', '--format', 'parquet', '-o', 'photos'), 'DG_OUTPUT_NOT_OURS', '-o "photos": is a folder that datagen did not write (it has files but no _datagen_manifest/)',
        'choose a new or empty folder, or pass --force to write the Parquet tables into it');
      expect(readdirSync(at('photos'))).toEqual(['cat.jpg']);
    });

    itPins('DG_OUTPUT_WRITE_FAILED', 'a write that fails (file size limit: EFBIG)', () => {
      // ulimit -f 1: at most 1 block per file; node ignores SIGXFSZ, so the write fails with EFBIG.
      const r = spawnSync('sh', ['-c', `ulimit -f 1 && exec "${process.execPath}" "${BIN}" compile spec.json -o plan.json -q`], { cwd: tmp, encoding: 'utf8' });
      expectError({ code: r.status, stdout: r.stdout, stderr: r.stderr }, 'DG_OUTPUT_WRITE_FAILED', '-o "plan.json": writing failed: file too large (EFBIG); an existing file is left as it was', 'free some space or write somewhere else');
      expect(readdirSync(tmp).filter((f) => f.startsWith('plan.json'))).toEqual([]);
    });

    itPins('DG_OUT_OF_MEMORY', 'the output runs out of --memory-limit', async () => {
      copyFileSync(join(ROOT, 'tests/fixtures/compat/gov_scaled.json'), at('gov.json'));
      const r = await run('run', 'gov.json', '--memory-limit', '16MB', '--format', 'parquet', '--workers', '1', '-o', 'oom-pq', '-q');
      expectError(r, 'DG_OUT_OF_MEMORY', /the output ran out of DuckDB's memory limit \(16MB, from --memory-limit\): [^\n]+; nothing was written/, 'raise --memory-limit (e.g. --memory-limit 1GB); an existing output is left as it was');
      expect(existsSync(at('oom-pq'))).toBe(false);
    });

    itPins('DG_PARQUET_SHARD_COUNT', 'an unsharded run into the folder of a 2-shard run', async () => {
      expect((await run('run', 'spec.json', '--scale', '0.05', '--format', 'parquet', '--shard', '0/2', '-o', 'pq', '-q')).code).toBe(0);
      expectError(await run('run', 'spec.json', '--scale', '0.05', '--format', 'parquet', '-o', 'pq', '-q'), 'DG_PARQUET_SHARD_COUNT',
        '-o "pq": the folder holds shards of a 2-shard run; this run writes an unsharded output, and mixing shard counts would leave rows twice or missing', 'write into a new folder, or run with --shard i/2');
    });

    itPins('DG_BAD_OPTION', '--shard without --format parquet', async () => {
      expectError(await run('run', 'spec.json', '--shard', '0/2', '-o', 'sharded.duckdb'), 'DG_BAD_OPTION', '--shard writes Parquet: a DuckDB file cannot be split and merged', 'add --format parquet (or drop --shard)');
      expect(existsSync(at('sharded.duckdb'))).toBe(false);
    });

    itPins('DG_TOO_MANY_ROWS', 'run --max-rows below the estimate', async () => {
      expectError(await run('run', 'spec.json', '-o', 'big.duckdb', '--max-rows', '5000'), 'DG_TOO_MANY_ROWS',
        'at /nodes/1: the plan estimates 9,000 rows, more than --max-rows 5,000; nothing was generated (table "event" estimates 8,000 of them)', 'lower --scale or the table\'s rows/fanout, or raise --max-rows 9000');
      expect(existsSync(at('big.duckdb'))).toBe(false);
    });

    itPins('DG_COMPARE_NO_TABLES', 'compare with a twin that has none of the source\'s tables', async () => {
      writeFileSync(at('other.csv'), 'a,b\n1,2\n');
      expectError(await run('compare', 'db.duckdb', 'other.csv'), 'DG_COMPARE_NO_TABLES', 'the twin "other.csv" has none of the source\'s tables (event, user)',
        'compare a twin with the source it imitates: tables are matched by name');
    });

    itPins('DG_COMPARE_SPEC', 'compare --spec with JSON that is not a spec', async () => {
      writeFileSync(at('not-spec.json'), '{"version": "1.0"}\n');
      expectError(await run('compare', 'db.duckdb', 'db.duckdb', '--spec', 'not-spec.json'), 'DG_COMPARE_SPEC', '--spec "not-spec.json" is not a datagen spec: it has no "nodes" list',
        'give the spec `datagen infer` wrote (or the one the twin was generated from)');
    });

    // the codes of a source that cannot be read (src/infer/source.ts), as `compare` reports them for its source or twin
    itPins('DG_SOURCE_MISSING', 'compare with a source that does not exist', async () => {
      expectError(await run('compare', 'nope.duckdb', 'db.duckdb'), 'DG_SOURCE_MISSING', 'source "nope.duckdb" does not exist', 'give a DuckDB file, a Parquet/CSV file or folder, or a postgresql:// URL');
    });

    itPins('DG_SOURCE_EMPTY', 'compare with a twin folder without data files', async () => {
      mkdirSync(at('no-data'));
      expectError(await run('compare', 'db.duckdb', 'no-data'), 'DG_SOURCE_EMPTY', 'twin "no-data" has no tables', 'give a DuckDB file with tables, or a folder holding .parquet/.csv files');
    });

    itPins('DG_SOURCE_FORMAT', 'compare with a source that is neither DuckDB nor Parquet/CSV', async () => {
      expectError(await run('compare', 'notes.md', 'db.duckdb'), 'DG_SOURCE_FORMAT', 'source "notes.md" is neither a DuckDB file nor a .parquet/.csv/.tsv file', 'give a DuckDB file, a Parquet/CSV file or a folder of them');
    });

    itPins('DG_SOURCE_UNREADABLE', 'compare with a .parquet file that is not Parquet', async () => {
      writeFileSync(at('broken.parquet'), 'not parquet\n');
      expectError(await run('compare', 'broken.parquet', 'db.duckdb'), 'DG_SOURCE_UNREADABLE', /cannot read source "broken\.parquet": .+/, 'check that the file is a readable DuckDB, Parquet or CSV file');
    });

    itPins('DG_SOURCE_TABLE', 'compare --tables naming a table the source lacks', async () => {
      expectError(await run('compare', 'db.duckdb', 'db.duckdb', '--tables', 'nope'), 'DG_SOURCE_TABLE', '--tables names "nope", which the source does not have', 'the source\'s tables: event, user');
    });

    itPins('DG_SOURCE_UNREACHABLE', 'compare with a PostgreSQL URL where no server listens (its password masked)', async () => {
      expectError(await run('compare', 'postgresql://u:secret@127.0.0.1:1/db', 'db.duckdb'), 'DG_SOURCE_UNREACHABLE', /cannot connect to PostgreSQL at postgresql:\/\/u:\*\*\*@127\.0\.0\.1:1\/db: .+/,
        'check that the server runs, and the host, port, database, user and password of the URL');
    });

    itPins('DG_DB_MISSING', 'query and validate a database that does not exist', async () => {
      expectError(await run('query', 'nope.duckdb', 'SELECT 1'), 'DG_DB_MISSING', `database file "${at('nope.duckdb')}" does not exist`, 'check the path (datagen run writes <name>.duckdb, or the file given with -o)');
      expectError(await run('validate', 'spec.json', 'nope.duckdb'), 'DG_DB_MISSING', 'database file "nope.duckdb" does not exist', 'generate it with: datagen run spec.json -o nope.duckdb');
    });

    itPins('DG_DB_NOT_DUCKDB', 'query a file that is not DuckDB', async () => {
      expectError(await run('query', 'spec.json', 'SELECT 1'), 'DG_DB_NOT_DUCKDB', `"${at('spec.json')}" is not a DuckDB database`, 'give the DuckDB file written by datagen run (Parquet folders are read with DuckDB itself)');
    });

    itPins('DG_DB_DAMAGED', 'query a truncated database', async () => {
      copyFileSync(at('db.duckdb'), at('cut.duckdb'));
      truncateSync(at('cut.duckdb'), 8192);
      expectError(await run('query', 'cut.duckdb', 'SELECT count(*) FROM event'), 'DG_DB_DAMAGED', new RegExp(`"${esc(at('cut.duckdb'))}" is damaged \\(truncated or corrupt\\): [^\\n]+`),
        'generate it again with datagen run (an interrupted run never leaves a partial file: this one was cut or changed afterwards)');
    });

    itPins('DG_QUERY_FAILED', 'SQL that fails', async () => {
      expectError(await run('query', 'db.duckdb', "SELECT error('boom')"), 'DG_QUERY_FAILED', 'Invalid Input Error: boom', 'check the SQL (DuckDB dialect; tables are the spec\'s node ids)');
    });

    itPins('DG_BAD_DETECTIONS', 'score a detections file with a time that is no instant', async () => {
      writeFileSync(at('detections.csv'), 'table,timestamp\nevent,soon\n');
      expectError(await run('score', 'db.duckdb', 'detections.csv'), 'DG_BAD_DETECTIONS', 'detections.csv line 2: timestamp "soon" is not an ISO-8601 instant or epoch milliseconds', 'e.g. "2025-03-05T10:00:00Z"');
    });

    itPins('DG_QUERY_REFUSED', 'SQL that reads another file or writes', async () => {
      writeFileSync(at('secret.txt'), 'top secret\n');
      expectError(await run('query', 'db.duckdb', "SELECT * FROM read_text('secret.txt')"), 'DG_QUERY_REFUSED', 'the sandbox refused the SQL: Cannot access file "secret.txt" - file system operations are disabled by configuration',
        'datagen query reads only the database file: no other files (COPY … TO, EXPORT DATABASE, read_text, read_csv, ATTACH), no extensions (INSTALL, LOAD), no settings; open the file with DuckDB itself for that');
      expectError(await run('query', 'db.duckdb', 'CREATE TABLE t (a INT)'), 'DG_QUERY_REFUSED', 'the database is opened read-only: Cannot execute statement of type "CREATE" on database "db" which is attached in read-only mode!',
        'datagen query opens the database read-only: SELECT, DESCRIBE, SUMMARIZE, EXPLAIN … work; to change data, copy the file and use DuckDB itself');
    });
  });

  /**
   * The studio's codes (answered by its HTTP API, not printed by `datagen compile`) are pinned in
   * tests/integration/studio-errors.test.ts: listed in studio-errors.pins.ts, and counted only when that file
   * declares `itPins('<code>'` and names the code in an expect…(…) call.
   */
  const studioTests = readFileSync(join(ROOT, 'tests/integration/studio-errors.test.ts'), 'utf8');
  const inStudioTests = new Set(Object.keys(STUDIO_PINNED).filter((c) =>
    studioTests.includes(`itPins('${c}'`) && new RegExp(`\\bexpect\\w*\\([^;]*'${c}'`).test(studioTests)));

  it('every diagnostic code has a golden file or a test here', () => {
    const golden = new Set(specs.map((f) => codeOfStem(f.replace(/\.json$/, ''), CODES)));
    const uncovered = CODES.filter((c) => !golden.has(c) && !inCode.has(c) && !inStudioTests.has(c));
    expect(uncovered, `add tests/golden/diagnostics/${uncovered.map(kebab).join('.json, ')}.json`).toEqual([]);
  });
});
