/*
 * Every error code of `datagen studio`'s HTTP API (src/studio/, docs/studio.md), provoked the way a user or a hostile
 * page would, with its exact status, message and hint (golden-style: a changed message is noticed). The codes and
 * the test pinning each are listed in studio-errors.pins.ts; tests/golden/diagnostics.test.ts counts them as pinned.
 *
 * Codes that need a fault rather than a request: DG_STUDIO_INTERNAL (the generated file is removed from the
 * studio's work folder under it, then downloaded), DG_STUDIO_JOB_FAILED (the generation's job process is killed
 * with SIGKILL while it runs). DG_STUDIO_BUSY and DG_STUDIO_CANCELLED come from requests alone: a generate while a
 * 2-million-row generation runs (its job process is still starting when the second request arrives), then Stop.
 * DG_STUDIO_WRITE_FAILED: a save into a read-only folder, by a `datagen studio` process running as "nobody" when
 * the tests run as root (root may write anywhere).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { type Studio, startStudio } from '../../src/studio/server.ts';
import { PINNED, type StudioCode } from './studio-errors.pins.ts';

const QUICKSTART = fileURLToPath(new URL('../../examples/quickstart.json', import.meta.url));
const BIN = fileURLToPath(new URL('../../src/cli/bin.js', import.meta.url));
const original = readFileSync(QUICKSTART, 'utf8');
const small = original.replace('"rows": 20000', '"rows": 200');
const big = original.replace('"rows": 20000', '"rows": 2000000');
const broken = original.replace('"distribution": "poisson"', '"distribution": "poison"');
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const dir = realpathSync(mkdtempSync(join(tmpdir(), 'datagen-studio-errors-')));
const folder = join(dir, 'specs');
const outside = join(dir, 'outside');
const work = join(dir, 'work');

let studio: Studio;
beforeAll(async () => {
  mkdirSync(folder);
  mkdirSync(outside);
  mkdirSync(work);
  copyFileSync(QUICKSTART, join(folder, 'quickstart.json'));
  writeFileSync(join(folder, 'notes.txt'), 'not a spec\n');
  writeFileSync(join(outside, 'secret.json'), '{"secret": true}');
  symlinkSync(join(outside, 'secret.json'), join(folder, 'link.json'));
  // The studio's work folder (where generations go) inside this test's folder, so a test can reach into it.
  const before = process.env.TMPDIR;
  process.env.TMPDIR = work;
  try {
    studio = await startStudio({ spec: join(folder, 'quickstart.json'), port: 0 });
  } finally {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
  }
});
afterAll(async () => {
  await studio?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Answer { status: number; body: string; json(): any }

/** An HTTP request with exactly these headers (fetch would not let a test set Host); a string body is sent as is. */
function send(method: string, path: string, headers: Record<string, string> = {}, body?: unknown, port = studio.port): Promise<Answer> {
  const data = body === undefined ? undefined : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: false, headers: { Host: `127.0.0.1:${port}`, ...(data ? { 'Content-Type': 'application/json', 'Content-Length': String(data.length) } : {}), ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const b = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, body: b, json: () => JSON.parse(b) });
      });
    });
    req.on('error', reject);
    // The studio may answer before it has read the body (413): the rest of the upload then fails with EPIPE, after
    // the answer, on a socket the request no longer watches.
    req.on('socket', (sock) => sock.on('error', () => undefined));
    req.end(data);
  });
}
/** The page's own requests: same Origin. */
const own = (port = studio.port) => ({ Origin: `http://127.0.0.1:${port}` });
const post = (path: string, body: unknown) => send('POST', path, own(), body);

/** The answer is exactly `{error: {code, message, hint}}` with this status (a RegExp message for the OS's own words). */
function expectError(r: Answer, status: number, code: StudioCode | `DG_${string}`, message: string | RegExp, hint: string): void {
  expect(r.status, r.body).toBe(status);
  const body = r.json();
  expect(Object.keys(body)).toEqual(['error']);
  expect(Object.keys(body.error)).toEqual(['code', 'message', 'hint']);
  if (typeof message === 'string') expect(body.error).toEqual({ code, message, hint });
  else {
    expect(body.error.message).toMatch(message);
    expect({ ...body.error, message: '' }).toEqual({ code, message: '', hint });
  }
}

/** Follow GET /api/generate/events until the generation ends (or `onStatus` returns true); the last status. */
async function generationEnd(onStatus: (s: any) => boolean | Promise<boolean> = () => false): Promise<any> {
  const events = await fetch(`${studio.url}api/generate/events`);
  const reader = events.body!.getReader();
  let text = '';
  let last: any = null;
  let seen = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += new TextDecoder().decode(value);
    const statuses = text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => JSON.parse(l.slice(6)));
    for (const s of statuses.slice(seen)) {
      last = s;
      if (await onStatus(s)) {
        await reader.cancel();
        return s;
      }
    }
    seen = statuses.length;
  }
  return last;
}

/** This process's job processes (the studio is started in it; src/studio/child.ts). */
function jobProcesses(): number[] {
  const pids: number[] = [];
  for (const p of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('studio/child.ts')) pids.push(Number(p));
    } catch {
      // ended meanwhile
    }
  }
  return pids;
}

const declared = new Set<string>();
function itPins(code: StudioCode, fn: () => Promise<void>): void {
  declared.add(code);
  it(`${code}: ${PINNED[code]}`, fn);
}

describe('studio API errors', () => {
  itPins('DG_STUDIO_REFUSED', async () => {
    const p = studio.port;
    const hint = `open the studio at http://127.0.0.1:${p}/`;
    // A DNS-rebinding page: its requests carry its own host name.
    expectError(await send('GET', '/api/state', { Host: `evil.example:${p}` }), 403, 'DG_STUDIO_REFUSED', `Host "evil.example:${p}" is not the studio's (127.0.0.1:${p})`, hint);
    // A cross-site POST from another page.
    expectError(await send('POST', '/api/compile', { Origin: 'http://evil.example' }, { text: original }), 403, 'DG_STUDIO_REFUSED', `Origin "http://evil.example" is not the studio's (http://127.0.0.1:${p})`, hint);
    expectError(await send('GET', '/api/file?path=quickstart.json', { 'Sec-Fetch-Site': 'cross-site' }), 403, 'DG_STUDIO_REFUSED', 'a cross-site request (Sec-Fetch-Site) is not from the studio\'s page', hint);
    expectError(await send('PUT', '/api/file', {}, { path: 'quickstart.json', text: '{}', base: null, force: true }), 403, 'DG_STUDIO_REFUSED', 'PUT requests come from the studio\'s page (an Origin header is required)', hint);
    expect(readFileSync(join(folder, 'quickstart.json'), 'utf8')).toBe(original);
  });

  itPins('DG_STUDIO_BAD_REQUEST', async () => {
    expectError(await post('/api/compile', '{"text": '), 400, 'DG_STUDIO_BAD_REQUEST', 'the request body is not JSON', '');
    expectError(await send('PUT', '/api/file', own(), 'path=quickstart.json&text=x'), 400, 'DG_STUDIO_BAD_REQUEST', 'the request body is not JSON', '');
    // JSON that is not an object (null, a number, an array) is refused the same way, not an internal error.
    for (const body of [null, 3, ['x']]) expectError(await post('/api/compile', body), 400, 'DG_STUDIO_BAD_REQUEST', 'the request body is not a JSON object', '');
    expectError(await post('/api/sql', null), 400, 'DG_STUDIO_BAD_REQUEST', 'the request body is not a JSON object', '');
    expect(readFileSync(join(folder, 'quickstart.json'), 'utf8')).toBe(original);
  });

  itPins('DG_STUDIO_TOO_LARGE', async () => {
    // The limit is the largest editable file (5 MB) plus 64 KB for the rest of the request.
    expectError(await post('/api/compile', { text: 'x'.repeat(6 * 1048576) }), 413, 'DG_STUDIO_TOO_LARGE', 'the request is too large', '');
    writeFileSync(join(folder, 'big.json'), `[${'0,'.repeat(3 * 1048576)}0]`);
    try {
      expectError(await send('GET', '/api/file?path=big.json'), 403, 'DG_STUDIO_TOO_LARGE', '"big.json" is 6.0 MB: the studio edits files of at most 5 MB', 'edit it in a text editor');
    } finally {
      rmSync(join(folder, 'big.json'));
    }
  });

  itPins('DG_STUDIO_PATH_REFUSED', async () => {
    const hint = 'open files of the spec\'s folder only';
    expectError(await send('GET', `/api/file?path=${encodeURIComponent('../outside/secret.json')}`), 403, 'DG_STUDIO_PATH_REFUSED', '"../outside/secret.json" is outside the spec\'s folder', hint);
    expectError(await send('GET', `/api/file?path=${encodeURIComponent(join(outside, 'secret.json'))}`), 403, 'DG_STUDIO_PATH_REFUSED', `${JSON.stringify(join(outside, 'secret.json'))} is outside the spec's folder`, hint);
    expectError(await send('GET', '/api/file?path=link.json'), 403, 'DG_STUDIO_PATH_REFUSED', '"link.json" leads outside the spec\'s folder (a symbolic link)', hint);
    expectError(await send('GET', '/api/file?path=notes.txt'), 403, 'DG_STUDIO_PATH_REFUSED', '"notes.txt" is not a .json file: the studio opens and saves specs only', hint);
    expectError(await send('GET', '/api/file?path='), 400, 'DG_STUDIO_PATH_REFUSED', 'a file path is required', hint);
    expectError(await send('PUT', '/api/file', own(), { path: '../outside/new.json', text: '{}', base: null }), 403, 'DG_STUDIO_PATH_REFUSED', '"../outside/new.json" is outside the spec\'s folder', hint);
    expectError(await send('PUT', '/api/file', own(), { path: 'link.json', text: '{}', base: null, force: true }), 403, 'DG_STUDIO_PATH_REFUSED', '"link.json" leads outside the spec\'s folder (a symbolic link)', hint);
    expect(existsSync(join(outside, 'new.json'))).toBe(false);
    expect(readFileSync(join(outside, 'secret.json'), 'utf8')).toBe('{"secret": true}');
  });

  itPins('DG_STUDIO_NOT_FOUND', async () => {
    expectError(await send('GET', '/api/file?path=missing.json'), 404, 'DG_STUDIO_NOT_FOUND', '"missing.json" does not exist', 'pick a file from the list');
    expectError(await send('PUT', '/api/file', own(), { path: 'nope/new.json', text: '{}', base: null }), 404, 'DG_STUDIO_NOT_FOUND', 'the folder of "nope/new.json" does not exist', 'save into an existing folder');
    expect(existsSync(join(folder, 'nope'))).toBe(false);
    // An unknown download once something was generated: in the test of DG_STUDIO_INTERNAL below.
  });

  itPins('DG_STUDIO_CHANGED', async () => {
    const file = join(folder, 'draft.json');
    const created = await send('PUT', '/api/file', own(), { path: 'draft.json', text: '{"a": 1}\n', base: null });
    expect(created.status).toBe(200);
    const hint = 'reload it, or save again to overwrite';
    // Changed by another editor since the page opened it.
    writeFileSync(file, '{"a": 2}\n');
    expectError(await send('PUT', '/api/file', own(), { path: 'draft.json', text: '{"a": 3}\n', base: created.json().hash }), 409, 'DG_STUDIO_CHANGED', '"draft.json" changed on disk since it was opened', hint);
    expect(readFileSync(file, 'utf8')).toBe('{"a": 2}\n');
    // A "new file" save over a file that exists.
    expectError(await send('PUT', '/api/file', own(), { path: 'draft.json', text: '{}', base: null }), 409, 'DG_STUDIO_CHANGED', '"draft.json" changed on disk since it was opened', hint);
    // Removed since it was opened.
    unlinkSync(file);
    expectError(await send('PUT', '/api/file', own(), { path: 'draft.json', text: '{"a": 3}\n', base: created.json().hash }), 409, 'DG_STUDIO_CHANGED', '"draft.json" was removed since it was opened', hint);
    expect(existsSync(file)).toBe(false);
  });

  itPins('DG_STUDIO_SPEC_ERRORS', async () => {
    expectError(await post('/api/generate', { text: broken }), 422, 'DG_STUDIO_SPEC_ERRORS', 'the spec has errors', 'fix the underlined problems first');
    expectError(await post('/api/generate', { text: '{"version": ' }), 422, 'DG_STUDIO_SPEC_ERRORS', 'the spec has errors', 'fix the underlined problems first');
    expect((await send('GET', '/api/state')).json().generated).toBe(false);
  });

  itPins('DG_STUDIO_NOTHING_GENERATED', async () => {
    expectError(await send('GET', '/api/report.html'), 404, 'DG_STUDIO_NOTHING_GENERATED', 'nothing was generated yet', 'press Generate');
    for (const name of ['generated.duckdb', 'parquet.zip', 'labels.csv', 'anything']) {
      expectError(await send('GET', `/api/download/${name}`), 404, 'DG_STUDIO_NOTHING_GENERATED', 'nothing was generated yet', 'press Generate first');
    }
    expectError(await post('/api/sql', { sql: 'SELECT 1' }), 404, 'DG_STUDIO_NOTHING_GENERATED', 'nothing was generated yet', 'press Generate first');
  });

  itPins('DG_STUDIO_SQL', async () => {
    for (const sql of ['', '  ;  ', undefined]) expectError(await post('/api/sql', { sql }), 400, 'DG_STUDIO_SQL', 'the query is empty', 'e.g. SELECT count(*) FROM <table>');
  });

  itPins('DG_STUDIO_INTERNAL', async () => {
    // A small generation first: then an unknown download is NOT_FOUND and failing SQL is an answer (200), not a failure.
    expect((await post('/api/generate', { text: small })).json()).toEqual({ started: true });
    const end = await generationEnd();
    expect(end.state, JSON.stringify(end.error)).toBe('done');
    expectError(await send('GET', '/api/download/secrets.txt'), 404, 'DG_STUDIO_NOT_FOUND', 'no download named "secrets.txt"', 'generated.duckdb, parquet.zip, labels.jsonl or labels.csv');
    const failing = await post('/api/sql', { sql: "SELECT error('boom')" });
    expect(failing.status).toBe(200);
    expect(failing.json()).toEqual({ error: { code: 'DG_QUERY_FAILED', message: 'Invalid Input Error: boom', hint: 'check the SQL (DuckDB dialect; tables are the spec\'s node ids)' } });
    expect((await post('/api/sql', { sql: 'SELECT count(*) AS n FROM users' })).json().rows).toEqual([[200]]);
    // The fault: the generated file vanishes from the studio's work folder (TMPDIR was this test's `work`).
    const [studioWork] = readdirSync(work).filter((f) => f.startsWith('datagen-studio-') && existsSync(join(work, f, 'run-1')));
    const db = join(work, studioWork, 'run-1', 'generated.duckdb');
    expect(existsSync(db)).toBe(true);
    unlinkSync(db);
    expectError(await send('GET', '/api/download/generated.duckdb'), 500, 'DG_STUDIO_INTERNAL', `ENOENT: no such file or directory, stat '${db}'`, 'see the terminal that runs the studio');
  });

  itPins('DG_STUDIO_BUSY', async () => {
    expect((await post('/api/generate', { text: big })).json()).toEqual({ started: true });
    // Answered at once, while the first one's job process is still starting (2 million rows take seconds more).
    expectError(await post('/api/generate', { text: small }), 409, 'DG_STUDIO_BUSY', 'a generation is running', 'wait for it to finish');
    expect((await send('GET', '/api/state')).json().generated).toBe(false);
  });

  itPins('DG_STUDIO_CANCELLED', async () => {
    // The generation of the test above (still running) is stopped.
    expect((await post('/api/generate/cancel', {})).json()).toEqual({ cancelled: true });
    const end = await generationEnd();
    expect(end.state).toBe('failed');
    expect(end.error).toEqual({ code: 'DG_STUDIO_CANCELLED', message: 'the generation was stopped; nothing was kept', hint: 'press Generate to start again' });
    expectError(await send('GET', '/api/download/generated.duckdb'), 404, 'DG_STUDIO_NOTHING_GENERATED', 'nothing was generated yet', 'press Generate first');
    expect((await post('/api/generate/cancel', {})).json()).toEqual({ cancelled: false });
  });

  itPins('DG_STUDIO_JOB_FAILED', async () => {
    const before = new Set(jobProcesses());
    expect((await post('/api/generate', { text: big })).json()).toEqual({ started: true });
    const started = jobProcesses().filter((p) => !before.has(p));
    expect(started).toHaveLength(1);
    // Killed once a table is under way (not by the studio: the job failed, it was not cancelled).
    const end = await generationEnd((s) => {
      if (s.state === 'running' && Object.keys(s.progress).length > 0 && started.length) process.kill(started.pop()!, 'SIGKILL');
      return false;
    });
    expect(started).toEqual([]);
    expect(end.state).toBe('failed');
    expect(end.error).toEqual({ code: 'DG_STUDIO_JOB_FAILED', message: 'the job process ended (SIGKILL)', hint: 'try again; see the terminal that runs the studio' });
    expectError(await send('GET', '/api/download/generated.duckdb'), 404, 'DG_STUDIO_NOTHING_GENERATED', 'nothing was generated yet', 'press Generate first');
  });

  itPins('DG_STUDIO_PORT', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as { port: number }).port;
    try {
      const hint = 'start the studio with another --port (or --port 0 for any free one)';
      // Its work folder goes to a temporary directory of its own (TMPDIR), which must stay empty.
      const workTmp = join(dir, 'tmp-port');
      mkdirSync(workTmp);
      const saved = process.env.TMPDIR;
      process.env.TMPDIR = workTmp;
      const e = await startStudio({ spec: join(folder, 'quickstart.json'), port }).then(() => null, (x) => x).finally(() => {
        if (saved === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = saved;
      });
      expect(readdirSync(workTmp), 'a studio that could not start leaves no work folder').toEqual([]);
      expect({ code: e?.code, status: e?.status, message: e?.message, hint: e?.hint }).toEqual({ code: 'DG_STUDIO_PORT', status: 409, message: `port ${port} on 127.0.0.1 is in use`, hint });
      // What `datagen studio --port <taken>` prints.
      let stdout = '';
      let stderr = '';
      const code = await main(['studio', 'quickstart.json', '--port', String(port)], { stdout: { write: (s: string) => void (stdout += s) }, stderr: { write: (s: string) => void (stderr += s) }, isTTY: false, cwd: folder } as never);
      expect({ code, stdout, stderr }).toEqual({ code: 1, stdout: '', stderr: `error: DG_STUDIO_PORT: port ${port} on 127.0.0.1 is in use (hint: ${hint})\n` });
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });

  itPins('DG_STUDIO_WRITE_FAILED', async () => {
    // A folder nobody may write to; root may write anywhere, so then the studio runs as "nobody" (uid 65534).
    const ro = join(dir, 'readonly');
    const tmp = join(dir, 'tmp-ro');
    mkdirSync(ro);
    mkdirSync(tmp);
    copyFileSync(QUICKSTART, join(ro, 'quickstart.json'));
    chmodSync(dir, 0o755);
    chmodSync(ro, 0o555);
    const asRoot = process.getuid?.() === 0;
    if (asRoot) chownSync(tmp, 65534, 65534);
    let p: ChildProcess | null = null;
    try {
      p = spawn(process.execPath, [BIN, 'studio', 'quickstart.json', '--port', '0'], { cwd: ro, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TMPDIR: tmp }, ...(asRoot ? { uid: 65534, gid: 65534 } : {}) });
      const child = p;
      let out = '';
      const port = await new Promise<number>((resolve, reject) => {
        child.stdout!.on('data', (d) => {
          out += d;
          const m = /datagen studio: http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
          if (m) resolve(Number(m[1]));
        });
        child.stderr!.on('data', (d) => (out += d));
        child.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      const opened = await send('GET', '/api/file?path=quickstart.json', {}, undefined, port);
      expect(opened.status).toBe(200);
      const saved = await send('PUT', '/api/file', own(port), { path: 'quickstart.json', text: small, base: opened.json().hash }, port);
      expectError(saved, 500, 'DG_STUDIO_WRITE_FAILED',
        new RegExp(`^saving "quickstart\\.json" failed: EACCES: permission denied, open '${esc(ro)}/\\.quickstart\\.json\\.studio-\\d+-\\d+\\.tmp'; the file is left as it was$`),
        'free some space or check the folder\'s permissions');
      expect(readFileSync(join(ro, 'quickstart.json'), 'utf8')).toBe(original);
      expect(readdirSync(ro)).toEqual(['quickstart.json']);
    } finally {
      if (p && p.exitCode === null) {
        const exited = new Promise((r) => p!.on('exit', r));
        p.kill('SIGINT');
        await exited;
      }
      chmodSync(ro, 0o755);
    }
  });

  it('pins every code of studio-errors.pins.ts with a test here', () => {
    expect([...declared].sort()).toEqual(Object.keys(PINNED).sort());
  });
});
