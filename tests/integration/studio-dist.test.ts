/*
 * `datagen studio` as built by `npm run build` (src/build.mjs): the page is the bundle in dist/studio/ (not built at
 * run time: esbuild is a dev dependency) and previews run in dist/studio/child.js, which imports dist/index.js. The
 * build runs in a temporary copy of the sources (the checkout's dist/ is left alone), with the checkout's
 * node_modules; the built command is started as a user starts it and answers a preview.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'datagen-studio-dist-'));
const copy = join(work, 'datagen');
const specs = join(work, 'specs');
let proc: ChildProcess | undefined;

beforeAll(() => {
  mkdirSync(copy);
  for (const f of ['src', 'schemas', 'generated', 'package.json', 'tsconfig.json']) cpSync(join(ROOT, f), join(copy, f), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(copy, 'node_modules'));
  execFileSync(process.execPath, ['src/build.mjs', '--js-only'], { cwd: copy, stdio: ['ignore', 'pipe', 'pipe'] });
  mkdirSync(specs);
  cpSync(new URL('../../examples/quickstart.json', import.meta.url), join(specs, 'quickstart.json'));
});
afterAll(() => {
  proc?.kill('SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

describe('the built studio (dist/studio/)', () => {
  it('the build writes the page bundle and the job process', () => {
    expect(statSync(join(copy, 'dist/studio/studio.js')).size).toBeGreaterThan(500_000);
    expect(readFileSync(join(copy, 'dist/studio/studio.css'), 'utf8')).toContain('.table-preview');
    expect(existsSync(join(copy, 'dist/studio/child.js'))).toBe(true);
    // The job process imports the library by the URL it is given: no second copy of it.
    expect(statSync(join(copy, 'dist/studio/child.js')).size).toBeLessThan(20_000);
  });

  it('`dist/bin.js studio` serves the built page and answers a preview from its built job process', async () => {
    const p = spawn(process.execPath, [join(copy, 'dist/bin.js'), 'studio', 'quickstart.json', '--port', '0'], { cwd: specs, stdio: ['ignore', 'pipe', 'pipe'] });
    proc = p;
    let out = '';
    let err = '';
    p.stderr!.on('data', (d) => (err += d));
    const url = await new Promise<string>((resolve, reject) => {
      p.stdout!.on('data', (d) => {
        out += d;
        const m = /datagen studio: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
        if (m) resolve(m[1]);
      });
      p.on('exit', (code) => reject(new Error(`exited ${code}: ${out}${err}`)));
    });
    const js = await fetch(`${url}assets/studio.js`);
    expect(js.status).toBe(200);
    expect(await js.text()).toBe(readFileSync(join(copy, 'dist/studio/studio.js'), 'utf8'));
    const text = readFileSync(join(specs, 'quickstart.json'), 'utf8');
    const r = await (await fetch(`${url}api/preview`, { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: url.slice(0, -1) }, body: JSON.stringify({ text, path: 'quickstart.json' }) })).json();
    expect(r.ok, JSON.stringify(r).slice(0, 300)).toBe(true);
    expect(r.tables.map((t: { table: string }) => t.table)).toEqual(['users', 'events']);
    expect(r.tables[0].firstRows.length).toBe(20);
    const exited = new Promise((resolve) => p.on('exit', resolve));
    p.kill('SIGINT');
    await exited;
    expect(err).not.toMatch(/Error|at .*\.js:\d+/);
  });
});
