/*
 * The npm package as a user gets it: `npm pack` (which builds dist/ through `prepare`), then `npm install <tarball>
 * --omit=dev` into a new project, which then
 *   - imports the library from plain Node (JavaScript, no TypeScript loader) and compiles + runs a spec with it;
 *   - type-checks a TypeScript consumer (`tsc --noEmit`, NodeNext) against the package's declarations;
 *   - runs the `datagen` command (`--version`, `compile`, `run`).
 * The library run starts generation workers and the output thread, from their built files (dist/*.js).
 * The installed package must not contain TypeScript sources or write into its own folder at run time.
 *
 * Needs the npm registry for the package's dependencies (the same ones the checkout has installed; npm's cache
 * usually serves them). Takes ~1–2 min: pack (build: esbuild + tsc), install, and a tsc of the consumer.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../src/version.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SPEC = fileURLToPath(new URL('../fixtures/compat/simple_users_events.json', import.meta.url));
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

let work: string;
let app: string;
let pkgDir: string;

function sh(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env }, maxBuffer: 64 << 20 });
}

/** Every file under `dir` (relative paths). */
function files(dir: string, prefix = ''): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f), `${prefix}${f}/`) : [`${prefix}${f}`]));
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'datagen-pkg-'));
  // npm pack runs `prepare` (the build) and prints the tarball's name last.
  const packed = sh('npm', ['pack', '--pack-destination', work, '--silent'], ROOT, { npm_config_update_notifier: 'false' }).trim().split('\n').pop()!;
  app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
  sh('npm', ['install', join(work, packed), '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], app, { npm_config_update_notifier: 'false' });
  pkgDir = join(app, 'node_modules', 'datagen');
});

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('the packed npm package, installed without dev dependencies', () => {
  it('holds the built JavaScript, declarations, schemas and docs, and no TypeScript sources', () => {
    const all = files(pkgDir);
    expect(all).toContain('dist/index.js');
    expect(all).toContain('dist/bin.js');
    expect(all).toContain('dist/worker-main.js');
    expect(all).toContain('dist/output-worker.js');
    expect(all).toContain('dist/types/src/index.d.ts');
    expect(all).toContain('schemas/datagen.schema.json');
    expect(all).toContain('generated/datagen-authoring.schema.json'); // editors' schema (docs/authoring.md)
    expect(all).toContain('README.md');
    expect(all.filter((f) => /\.(ts|mts|cts)$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
    expect(all.some((f) => f.startsWith('src/') || f.startsWith('tests/') || f.startsWith('bench/'))).toBe(false);
    // development tools are not installed with it
    for (const dev of ['tsx', 'esbuild', 'typescript', 'vitest']) expect(existsSync(join(app, 'node_modules', dev)), dev).toBe(false);
  });

  it('imports from plain Node (JavaScript) and compiles + runs a spec, threads started from their built files', () => {
    const script = `
      import { compile, run, loadSpec, isPlan, VERSION, queryFile } from 'datagen';
      const spec = loadSpec(${JSON.stringify(SPEC)});
      const { plan, diagnostics } = compile(spec.doc, { seed: 3, scale: 0.2 });
      if (!plan || !isPlan(plan)) throw new Error('no plan: ' + JSON.stringify(diagnostics));
      const digest = 'SELECT (SELECT count(*) FROM "user") AS users, (SELECT sum(hash(u)) FROM "user" u) AS hu, (SELECT sum(hash(e)) FROM event e) AS he';
      const one = await run(plan, { out: 'one.duckdb', workers: 1 });
      // two generation workers and the output thread, even for this small plan
      const threads = await run(plan, { out: 'threads.duckdb', workers: 3, workerMinRows: 0, workerTaskRows: 500, chunkRows: 500, outputThread: true });
      const a = (await queryFile('one.duckdb', digest)).rows[0].map(String);
      const b = (await queryFile('threads.duckdb', digest)).rows[0].map(String);
      console.log(JSON.stringify({ version: VERSION, rows: one.rows, threadRows: threads.rows, workers: threads.workers, outputThread: threads.outputThread, tables: one.tables.map((t) => t.table), a, b }));
    `;
    writeFileSync(join(app, 'lib.mjs'), script);
    const out = JSON.parse(sh(process.execPath, ['lib.mjs'], app).trim().split('\n').pop()!);
    expect(out.version).toBe(VERSION);
    expect(out.tables).toEqual(['user', 'event']);
    expect(Number(out.a[0])).toBeGreaterThan(0);
    expect(out.rows).toBeGreaterThan(Number(out.a[0]));
    expect(out.workers).toBe(2);
    expect(out.outputThread).toBe(true);
    expect(out.threadRows).toBe(out.rows);
    expect(out.b).toEqual(out.a);
  });

  it('type-checks a TypeScript consumer against its declarations (run overloads: a plan or a spec)', () => {
    writeFileSync(join(app, 'consumer.ts'), `
      import { compile, run, type Plan, type Spec, type RunResult, SpecError, formatDiagnostics } from 'datagen';
      const spec: Spec = { version: '1.0', metadata: { name: 'T' }, timeframe: { start: '2024-01-01', end: '2024-01-31', freq: 'D' }, nodes: [] } as unknown as Spec;
      const r = compile(spec, { seed: 1 });
      if (r.plan) {
        const plan: Plan = r.plan;
        const a: Promise<RunResult> = run(plan, { out: 'a.duckdb', workers: 1 });
        void a;
      }
      const b: Promise<RunResult> = run(spec, { out: 'b.duckdb', seed: 2 });
      void b;
      void SpecError;
      void formatDiagnostics;
    `);
    // a wrong call must fail: run() of a number is neither a plan nor a spec
    writeFileSync(join(app, 'wrong.ts'), `import { run } from 'datagen';\nvoid run(42);\n`);
    const tsconfig = (file: string) => JSON.stringify({
      compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', target: 'ES2022', strict: true, noEmit: true, skipLibCheck: false, types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')] },
      files: [file],
    });
    writeFileSync(join(app, 'tsconfig.json'), tsconfig('consumer.ts'));
    writeFileSync(join(app, 'tsconfig.wrong.json'), tsconfig('wrong.ts'));
    expect(() => sh(process.execPath, [TSC, '-p', 'tsconfig.json'], app)).not.toThrow();
    let wrong = '';
    try {
      sh(process.execPath, [TSC, '-p', 'tsconfig.wrong.json'], app);
    } catch (e) {
      wrong = String((e as { stdout?: string }).stdout);
    }
    expect(wrong).toMatch(/wrong\.ts.*No overload matches this call/s);
  });

  it('runs the datagen command: --version, compile, and a run with the output thread', () => {
    const bin = join(app, 'node_modules', '.bin', 'datagen');
    expect(sh(bin, ['--version'], app).trim()).toBe(VERSION);
    expect(sh(bin, ['compile', SPEC, '--scale', '0.05', '-q'], app)).toBe('');
    // a spec with errors: the same diagnostics as from the sources (the package validates with a precompiled validator)
    const bad = fileURLToPath(new URL('../golden/diagnostics/unknown-generator.json', import.meta.url));
    const stderr = (args: string[]) => {
      try {
        execFileSync(process.execPath, args, { cwd: app, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (e) {
        return String((e as { stderr?: string }).stderr);
      }
      return 'exit 0';
    };
    const built = stderr([join(pkgDir, 'dist', 'bin.js'), 'compile', bad]);
    expect(built).toMatch(/DG_/);
    expect(built).toBe(stderr([join(ROOT, 'src', 'cli', 'bin.js'), 'compile', bad]));
    const out = sh(bin, ['run', SPEC, '-q', '-o', 'cli.duckdb'], app);
    expect(out).toMatch(/2 tables, [\d,]+ rows in .* → cli\.duckdb/);
    expect(existsSync(join(app, 'cli.duckdb'))).toBe(true);
    // nothing written into the installed package at run time (the old CLI bundled itself into node_modules/.cache)
    expect(existsSync(join(app, 'node_modules', '.cache'))).toBe(false);
    expect(files(pkgDir).filter((f) => !f.startsWith('dist/') && !f.startsWith('schemas/') && !f.startsWith('examples/') && !f.startsWith('docs/'))).toEqual(['LICENSE', 'README.md', 'generated/datagen-authoring.schema.json', 'package.json'].filter((f) => existsSync(join(pkgDir, f))));
    expect(readFileSync(join(pkgDir, 'dist', 'bin.js'), 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
  });
});
