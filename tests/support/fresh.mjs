#!/usr/bin/env node
/**
 * `npm run test:fresh`: the README's promise, checked as a new user meets it (issue 20). Plain Node, no
 * dependencies, so it runs before anything is installed.
 *
 *   1. `git clone` this repository's current HEAD commit into a new temporary folder (uncommitted changes are
 *      not part of it: commit first);
 *   2. run there, exactly as README.md writes them (read from its first ```sh block), the two commands
 *        npm ci && npx datagen run examples/quickstart.json -o quickstart.duckdb
 *        npm ci && npm test
 *      with the system browser hidden (DATAGEN_TEST_NPM_BROWSER=1, CHROMIUM_PATH unset: the browser tests use
 *      the Chromium inside the @sparticuz/chromium dev dependency) and a temporary folder of its own (TMPDIR), so
 *      that browser is unpacked from scratch as on a fresh machine;
 *   3. pass when both exit 0 and the first left a DuckDB file; the folder is removed afterwards (--keep keeps it).
 *
 *   npm run test:fresh                                                  # the whole suite (~5 min on 2 cores)
 *   npm run test:fresh -- tests/integration/validate-report.test.ts    # narrowed: these args go after `npm test --`
 *
 * What it cannot hide: the npm cache (~/.npm) that `npm ci` reads, and the Node.js and git on PATH.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const argv = process.argv.slice(2);
const keep = argv.includes('--keep');
const testArgs = argv.filter((a) => a !== '--keep');

const git = (...args) => execFileSync('git', ['-C', ROOT, ...args], { encoding: 'utf8' }).trim();

/** The two `npm ci && …` commands of README.md's first sh block, as written. */
function readmeCommands(readme) {
  const block = /```sh\n([\s\S]*?)```/.exec(readme);
  const commands = (block?.[1] ?? '').split('\n').map((l) => l.trim()).filter((l) => l.startsWith('npm ci &&'));
  if (commands.length !== 2 || commands.filter((c) => c.endsWith('npm test')).length !== 1) {
    throw new Error(`README.md's first sh block should hold the two \`npm ci && …\` commands (run, test); found: ${JSON.stringify(commands)}`);
  }
  return commands;
}

function run(command, cwd, env) {
  return new Promise((res) => {
    const child = spawn('bash', ['-c', command], { cwd, env, stdio: 'inherit' });
    child.on('exit', (code, signal) => res(signal ? `signal ${signal}` : code));
  });
}

const seconds = (t) => `${((performance.now() - t) / 1000).toFixed(1)} s`;

async function main() {
  const t0 = performance.now();
  const head = git('rev-parse', 'HEAD');
  const dirty = git('status', '--porcelain', '--untracked-files=no');
  if (dirty) console.log(`test:fresh: uncommitted changes in ${ROOT} are not part of the clone (HEAD ${head.slice(0, 12)} is)`);

  const base = mkdtempSync(join(tmpdir(), 'datagen-fresh-'));
  const repo = join(base, 'datagen');
  const tmp = join(base, 'tmp');
  mkdirSync(tmp);
  let ok = false;
  try {
    execFileSync('git', ['clone', '--quiet', '--no-hardlinks', ROOT, repo], { stdio: 'inherit' });
    execFileSync('git', ['-C', repo, 'checkout', '--quiet', '--detach', head], { stdio: 'inherit' });
    const readme = readmeCommands(readFileSync(join(repo, 'README.md'), 'utf8'));
    const generate = readme.find((c) => !c.endsWith('npm test'));
    const test = readme.find((c) => c.endsWith('npm test'));
    const env = { ...process.env, DATAGEN_TEST_NPM_BROWSER: '1', TMPDIR: tmp };
    delete env.CHROMIUM_PATH;
    // Settings an `npm run` parent passes to its children would leak into the clone's npm: keep the user's own only.
    for (const k of Object.keys(env)) if (k.startsWith('npm_')) delete env[k];

    const commands = [generate, testArgs.length ? `${test} -- ${testArgs.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ')}` : test];
    console.log(`test:fresh: clone of ${head.slice(0, 12)} in ${repo}; system browser hidden (DATAGEN_TEST_NPM_BROWSER=1), TMPDIR=${tmp}`);
    if (testArgs.length) console.log(`test:fresh: NARROWED test command (arguments given): ${commands[1]}`);
    const results = [];
    for (const command of commands) {
      console.log(`\n$ ${command}`);
      const t = performance.now();
      const code = await run(command, repo, env);
      results.push({ command, code, time: seconds(t) });
      if (code !== 0) break;
    }
    const db = join(repo, 'quickstart.duckdb');
    const dbOk = existsSync(db) && statSync(db).size > 0;
    console.log('\ntest:fresh summary');
    for (const r of results) console.log(`  ${r.code === 0 ? 'ok  ' : 'FAIL'} ${r.time.padStart(8)}  ${r.command}${r.code === 0 ? '' : ` (exit ${r.code})`}`);
    if (results[0]?.code === 0) console.log(`  ${dbOk ? 'ok  ' : 'FAIL'}            quickstart.duckdb ${dbOk ? `written (${statSync(db).size.toLocaleString('en-US')} bytes)` : 'missing'}`);
    ok = results.length === 2 && results.every((r) => r.code === 0) && dbOk;
    console.log(`  ${ok ? 'PASS' : 'FAIL'} in ${seconds(t0)}${testArgs.length ? ' (narrowed test command)' : ''}`);
  } finally {
    if (keep || !ok) console.log(`test:fresh: ${keep ? 'kept' : 'left for inspection'}: ${base}`);
    else rmSync(base, { recursive: true, force: true });
  }
  process.exitCode = ok ? 0 : 1;
}

main().catch((e) => {
  console.error(`test:fresh: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
