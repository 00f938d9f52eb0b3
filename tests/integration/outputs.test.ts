/*
 * What `-o` (run, compile, labels) and `validate --report/--html` may replace (src/cli/output-target.ts,
 * docs/security.md "Outputs"): only what datagen wrote, never a device, FIFO, socket, symlink or the command's
 * own input; refusals come before anything is written and leave the target exactly as it was.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, runCli } from '../support/cli.ts';
import { checkOutputTarget } from '../../src/cli/output-target.ts';
import { COMPAT_DIR } from '../support/run-spec.ts';
import { noPositiveWeightsSpec } from '../support/specs.ts';

type Result = CliResult;
let cwd: string;

const cli = (...argv: string[]): Promise<Result> => runCli(cwd, ...argv);

const STACK = /^\s+at .+[:(]/m;
const p = (name: string) => join(cwd, name);
/** Everything that identifies a file: type, inode, size, content (for regular files). */
function fingerprint(name: string): string {
  const st = lstatSync(p(name));
  const kind = st.isSymbolicLink() ? `link->${readlinkSync(p(name))}` : st.isFIFO() ? 'fifo' : st.isSocket() ? 'socket' : st.isCharacterDevice() ? `chr ${st.rdev}` : st.isDirectory() ? `dir ${readdirSync(p(name)).sort().join(',')}` : `file ${readFileSync(p(name)).toString('base64')}`;
  return `${st.ino} ${st.mode} ${kind}`;
}
/** The refusal: exit 1, one `error: CODE: -o "…": …(hint: …)` line, nothing generated (no table summary), no stack. */
function expectRefused(r: Result, code: string, option = '-o') {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stderr).toMatch(new RegExp(`^error: ${code}: ${option} ".*": .+ \\(hint: .+\\)$`, 'm'));
  expect(r.stderr).not.toMatch(STACK);
  expect(r.stdout).not.toMatch(/rows in|plan written|quality score/);
}
/** No temporary file of datagen anywhere in the folder. */
function noTemps(dir = cwd) {
  expect(readdirSync(dir).filter((f) => /\.tmp-\d+-\d+$|^\.datagen-tmp-/.test(f))).toEqual([]);
}

beforeAll(async () => {
  cwd = mkdtempSync(join(tmpdir(), 'datagen-outputs-'));
  copyFileSync(new URL('simple_users_events.json', COMPAT_DIR), p('spec.json'));
  writeFileSync(p('README.md'), '# notes that must survive\n');
  expect((await cli('run', 'spec.json', '--scale', '0.05', '-o', 'db.duckdb', '-q')).code).toBe(0);
  expect((await cli('compile', 'spec.json', '--scale', '0.05', '-o', 'plan.json', '-q')).code).toBe(0);
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('run -o', () => {
  it('refuses an existing file that is not a DuckDB database (a README); --force replaces it', async () => {
    const before = fingerprint('README.md');
    expectRefused(await cli('run', 'spec.json', '--scale', '0.05', '-o', 'README.md'), 'DG_OUTPUT_NOT_OURS');
    expect(fingerprint('README.md')).toBe(before);
    noTemps();
    writeFileSync(p('notes.txt'), 'x');
    expect((await cli('run', 'spec.json', '--scale', '0.05', '-o', 'notes.txt', '-q', '--force')).code).toBe(0);
    expect(readFileSync(p('notes.txt')).toString('latin1', 8, 12)).toBe('DUCK');
  });

  it('replaces an existing DuckDB database (recognised by "DUCK" at byte 8) and an empty file', async () => {
    expect((await cli('run', 'spec.json', '--scale', '0.05', '--seed', '3', '-o', 'db.duckdb', '-q')).code).toBe(0);
    writeFileSync(p('empty.duckdb'), '');
    expect((await cli('run', 'spec.json', '--scale', '0.05', '-o', 'empty.duckdb', '-q')).code).toBe(0);
    expect(readFileSync(p('empty.duckdb')).toString('latin1', 8, 12)).toBe('DUCK');
  });

  it('never replaces the spec or plan it reads, not even with --force, nor a hard link to it', async () => {
    for (const args of [['spec.json', '-o', 'spec.json'], ['spec.json', '-o', 'spec.json', '--force'], ['plan.json', '-o', 'plan.json'], ['plan.json', '-o', './plan.json', '--force']]) {
      const [input] = args;
      const before = fingerprint(input);
      expectRefused(await cli('run', ...args), 'DG_OUTPUT_IS_INPUT');
      expect(fingerprint(input)).toBe(before);
    }
    linkSync(p('spec.json'), p('spec-link.json'));
    expectRefused(await cli('run', 'spec.json', '-o', 'spec-link.json', '--force'), 'DG_OUTPUT_IS_INPUT');
    noTemps();
  });

  it('refuses a FIFO without opening it (it stays a FIFO, nothing blocks), even with --force', async () => {
    execFileSync('mkfifo', [p('pipe')]);
    const before = fingerprint('pipe');
    for (const force of [[], ['--force']]) {
      const r = await cli('run', 'spec.json', '-o', 'pipe', ...force);
      expectRefused(r, 'DG_OUTPUT_SPECIAL_FILE');
      expect(r.stderr).toContain('FIFO');
    }
    expect(fingerprint('pipe')).toBe(before);
    noTemps();
  });

  it('refuses a Unix socket, even with --force', async () => {
    const server = createServer();
    await new Promise<void>((res) => server.listen(p('sock'), () => res()));
    try {
      const before = fingerprint('sock');
      expectRefused(await cli('run', 'spec.json', '-o', 'sock', '--force'), 'DG_OUTPUT_SPECIAL_FILE');
      expectRefused(await cli('labels', 'db.duckdb', '-o', 'sock', '--force'), 'DG_OUTPUT_SPECIAL_FILE');
      expect(fingerprint('sock')).toBe(before);
      expect(lstatSync(p('sock')).isSocket()).toBe(true);
    } finally {
      server.close();
    }
  });

  it('refuses a symbolic link (to a DuckDB file or anywhere): neither the link nor its target changes', async () => {
    copyFileSync(p('db.duckdb'), p('target.duckdb'));
    symlinkSync('target.duckdb', p('link.duckdb'));
    symlinkSync('missing.duckdb', p('dangling.duckdb'));
    const link = fingerprint('link.duckdb');
    const target = fingerprint('target.duckdb');
    for (const name of ['link.duckdb', 'dangling.duckdb']) expectRefused(await cli('run', 'spec.json', '-o', name, '--force'), 'DG_OUTPUT_SYMLINK');
    expect(fingerprint('link.duckdb')).toBe(link);
    expect(fingerprint('target.duckdb')).toBe(target);
    expect(existsSync(p('missing.duckdb'))).toBe(false);
  });

  it('refuses a folder for a DuckDB file, a missing folder, an empty name and a too-long name, with a code and the option', async () => {
    mkdirSync(p('adir'));
    expectRefused(await cli('run', 'spec.json', '-o', 'adir'), 'DG_OUTPUT_IS_DIRECTORY');
    expectRefused(await cli('run', 'spec.json', '-o', 'adir/'), 'DG_OUTPUT_IS_DIRECTORY');
    expect(readdirSync(p('adir'))).toEqual([]);
    const missing = await cli('run', 'spec.json', '-o', 'no/such/dir/out.duckdb');
    expectRefused(missing, 'DG_OUTPUT_DIR_MISSING');
    expect(missing.stderr).toContain('mkdir -p no/such/dir');
    expect(existsSync(p('no'))).toBe(false);
    expectRefused(await cli('run', 'spec.json', '-o', ''), 'DG_OUTPUT_PATH_EMPTY');
    expectRefused(await cli('run', 'spec.json', '-o', `${'x'.repeat(300)}.duckdb`), 'DG_OUTPUT_PATH_TOO_LONG');
    expectRefused(await cli('run', 'spec.json', '-o', `${'y'.repeat(240)}.duckdb`), 'DG_OUTPUT_PATH_TOO_LONG');
    for (const r of [missing]) expect(r.stderr).not.toMatch(/ENOENT|EISDIR|ENAMETOOLONG/);
    noTemps();
  });

  it('refuses a device node (a copy of /dev/null made with mknod when running as root); /dev/null itself is refused by the check, which only looks', async () => {
    // The check itself writes nothing: it is safe to ask it about the real /dev/null.
    expect(() => checkOutputTarget('/dev/null', cwd, { option: '-o', kind: 'duckdb', force: true })).toThrow(/DG_OUTPUT_SPECIAL_FILE|device/);
    if (process.getuid?.() !== 0) return; // mknod needs root
    execFileSync('mknod', [p('devnull'), 'c', '1', '3']);
    const before = fingerprint('devnull');
    expectRefused(await cli('run', 'spec.json', '-o', 'devnull', '--force'), 'DG_OUTPUT_SPECIAL_FILE');
    expectRefused(await cli('compile', 'spec.json', '-o', 'devnull', '--force'), 'DG_OUTPUT_SPECIAL_FILE');
    expect(fingerprint('devnull')).toBe(before);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    noTemps();
  });
});

describe('run --format parquet -o', () => {
  it('refuses a folder datagen did not write and a file; writes into a new, an empty or its own folder', async () => {
    mkdirSync(p('photos'));
    writeFileSync(p('photos/cat.jpg'), 'meow');
    expectRefused(await cli('run', 'spec.json', '--scale', '0.05', '--format', 'parquet', '-o', 'photos'), 'DG_OUTPUT_NOT_OURS');
    expect(readdirSync(p('photos'))).toEqual(['cat.jpg']);
    expectRefused(await cli('run', 'spec.json', '--scale', '0.05', '--format', 'parquet', '-o', 'README.md'), 'DG_OUTPUT_NOT_A_DIRECTORY');
    mkdirSync(p('empty-pq'));
    expect((await cli('run', 'spec.json', '--scale', '0.05', '--format', 'parquet', '-o', 'empty-pq', '-q')).code).toBe(0);
    expect((await cli('run', 'spec.json', '--scale', '0.05', '--format', 'parquet', '-o', 'empty-pq', '-q')).code).toBe(0);
    expect(readdirSync(p('empty-pq')).sort()).toEqual(['_datagen_manifest', '_label_events', '_labels', 'event', 'user']);
  });

  it('refuses to mix shard counts in one folder (the manifest knows n)', async () => {
    expect((await cli('run', 'spec.json', '--scale', '0.05', '--format', 'parquet', '--shard', '0/2', '-o', 'sharded', '-q')).code).toBe(0);
    expect((await cli('run', 'spec.json', '--scale', '0.05', '--format', 'parquet', '--shard', '1/2', '-o', 'sharded', '-q')).code).toBe(0);
    const before = fingerprint('sharded');
    for (const shard of [['--shard', '0/3'], ['--shard', '2/4'], []]) {
      const r = await cli('run', 'spec.json', '--scale', '0.05', '--format', 'parquet', ...shard, '-o', 'sharded');
      expectRefused(r, 'DG_PARQUET_SHARD_COUNT');
      expect(r.stderr).toContain('2-shard run');
    }
    expect(fingerprint('sharded')).toBe(before);
    expect(readdirSync(p('sharded/user')).sort()).toEqual(['shard=0', 'shard=1']);
  });

  it('a failed run leaves no folder behind when it created it', async () => {
    writeFileSync(p('bad.json'), JSON.stringify(noPositiveWeightsSpec(50)));
    const r = await cli('run', 'bad.json', '--format', 'parquet', '-o', 'failed-pq', '-q');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no positive value/);
    expect(existsSync(p('failed-pq'))).toBe(false);
  });
});

describe('write failures', () => {
  it('a run that cannot write (file size limit: DuckDB sees EFBIG) is DG_OUTPUT_WRITE_FAILED; the earlier output stays byte-identical', () => {
    copyFileSync(p('db.duckdb'), p('keep.duckdb'));
    const before = fingerprint('keep.duckdb');
    const bin = new URL('../../src/cli/bin.js', import.meta.url).pathname;
    const r = spawnSync('sh', ['-c', `ulimit -f 1000 && exec node "${bin}" run spec.json --scale 5 -o keep.duckdb -q`], { cwd, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^error: DG_OUTPUT_WRITE_FAILED: -o "keep.duckdb": writing failed: file too large; nothing was written .*\(hint: /m);
    expect(r.stderr).not.toMatch(STACK);
    expect(fingerprint('keep.duckdb')).toBe(before);
    noTemps();
  });
});

describe('memory', () => {
  it("DuckDB running out of --memory-limit is DG_OUT_OF_MEMORY with a hint, not DuckDB's SET threads advice; nothing is left", async () => {
    copyFileSync(new URL('gov_scaled.json', COMPAT_DIR), p('gov.json'));
    const r = await cli('run', 'gov.json', '--memory-limit', '16MB', '--format', 'parquet', '--workers', '1', '-o', 'oom-pq', '-q');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: DG_OUT_OF_MEMORY: the output ran out of DuckDB's memory limit \(16MB, from --memory-limit\): .*nothing was written \(hint: raise --memory-limit/);
    expect(r.stderr).not.toMatch(/SET threads|SET memory_limit/);
    expect(existsSync(p('oom-pq'))).toBe(false);
  });
});

describe('compile -o, labels -o, validate --report/--html', () => {
  it('compile -o replaces a plan, refuses other files and the spec itself', async () => {
    expect((await cli('compile', 'spec.json', '--seed', '5', '-o', 'plan.json', '-q')).code).toBe(0);
    expect(JSON.parse(readFileSync(p('plan.json'), 'utf8')).seed).toBe(5);
    const readme = fingerprint('README.md');
    expectRefused(await cli('compile', 'spec.json', '-o', 'README.md'), 'DG_OUTPUT_NOT_OURS');
    expect(fingerprint('README.md')).toBe(readme);
    const spec = fingerprint('spec.json');
    expectRefused(await cli('compile', 'spec.json', '-o', 'spec.json', '--force'), 'DG_OUTPUT_IS_INPUT');
    expect(fingerprint('spec.json')).toBe(spec);
    expectRefused(await cli('compile', 'spec.json', '-o', 'db.duckdb'), 'DG_OUTPUT_NOT_OURS');
    noTemps();
  });

  it('labels -o replaces a labels export (JSON Lines or CSV), refuses other files and the database it reads', async () => {
    expect((await cli('labels', 'db.duckdb', '-o', 'labels.jsonl')).code).toBe(0);
    expect((await cli('labels', 'db.duckdb', '-o', 'labels.jsonl')).code).toBe(0);
    expect((await cli('labels', 'db.duckdb', '-f', 'csv', '-o', 'labels.csv')).code).toBe(0);
    expect((await cli('labels', 'db.duckdb', '-f', 'csv', '-o', 'labels.csv')).code).toBe(0);
    expectRefused(await cli('labels', 'db.duckdb', '-o', 'README.md'), 'DG_OUTPUT_NOT_OURS');
    const db = fingerprint('db.duckdb');
    expectRefused(await cli('labels', 'db.duckdb', '-o', 'db.duckdb', '--force'), 'DG_OUTPUT_IS_INPUT');
    expect(fingerprint('db.duckdb')).toBe(db);
    noTemps();
  });

  it('validate --report/--html are checked before anything runs', async () => {
    const readme = fingerprint('README.md');
    expectRefused(await cli('validate', 'spec.json', 'db.duckdb', '--report', 'README.md'), 'DG_OUTPUT_NOT_OURS', '--report');
    expectRefused(await cli('validate', 'spec.json', 'db.duckdb', '--html', 'README.md'), 'DG_OUTPUT_NOT_OURS', '--html');
    expectRefused(await cli('validate', 'spec.json', 'db.duckdb', '--report', 'spec.json', '--force'), 'DG_OUTPUT_IS_INPUT', '--report');
    expect(fingerprint('README.md')).toBe(readme);
    // Its own reports are replaced.
    for (let i = 0; i < 2; i++) {
      const r = await cli('validate', 'spec.json', 'db.duckdb', '--allow-soft-failures', '--report', 'report.json', '--html', 'report.html', '-q');
      expect(r.stderr).toBe('');
    }
    expect(JSON.parse(readFileSync(p('report.json'), 'utf8')).checks.length).toBeGreaterThan(0);
    noTemps();
  });

  it('a write that fails (file size limit: EFBIG) names the option, exits 1 and leaves the old file and no temporary file', () => {
    const plan = readFileSync(p('plan.json'));
    expect(plan.length).toBeGreaterThan(2048);
    // ulimit -f 1: at most 1 KB per file; node ignores SIGXFSZ, so the write fails with EFBIG.
    const bin = new URL('../../src/cli/bin.js', import.meta.url).pathname;
    const r = spawnSync('sh', ['-c', `ulimit -f 1 && exec node "${bin}" compile spec.json --seed 11 -o plan.json -q`], { cwd, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^error: DG_OUTPUT_WRITE_FAILED: -o "plan.json": writing failed: file too large \(EFBIG\).*\(hint: /m);
    expect(r.stderr).not.toMatch(STACK);
    expect(readFileSync(p('plan.json')).equals(plan)).toBe(true);
    noTemps();
  });
});
