/*
 * `datagen validate` end to end (issue 7): every example validates with exit 0 (structural, value, behavioural
 * and target checks derived from its spec); corrupted copies fail with the right check and exit 1; files run
 * with --without-scenarios validate against the same spec; reports are written; bad input is refused clearly.
 */
import { readdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { EXAMPLES_DIR, readJson } from '../support/run-spec.ts';
import { corruptCopy, generateFile, notPassing, pick, validateFile } from '../support/validate.ts';

interface Result { code: number; stdout: string; stderr: string }

const cwd = mkdtempSync(join(tmpdir(), 'datagen-validate-'));

async function cli(...argv: string[]): Promise<Result> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { stdout: { write: (s: string) => out.push(s) }, stderr: { write: (s: string) => err.push(s) }, isTTY: false, cwd });
  return { code, stdout: out.join(''), stderr: err.join('') };
}

const examples = readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.json')).sort();

describe('every example validates', () => {
  it.each(examples)('%s: exit 0, no failed or warned check', async (file) => {
    const spec = new URL(file, EXAMPLES_DIR);
    const db = await generateFile(readJson(spec), { name: file.replace('.json', '.duckdb') });
    const report = join(cwd, `${file}.report.json`);
    const r = await cli('validate', spec.pathname, db, '--report', report);
    const json = JSON.parse(readFileSync(report, 'utf8'));
    expect(notPassing(json.checks), r.stdout).toBe('');
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(json.ok).toBe(true);
    expect(json.score).toBe(100);
    expect(r.stdout).toMatch(/quality score 100\.0 \/ 100 — valid \(/);
  });
});

describe('corrupted copies fail with the right check', () => {
  const doc = readJson(new URL('quickstart.json', EXAMPLES_DIR));
  // email declared not nullable (the default is nullable), so not_null has something to check.
  doc.nodes[0].columns[2].nullable = false;
  const specFile = join(cwd, 'quickstart-strict.json');
  writeFileSync(specFile, JSON.stringify(doc));
  let file: string;
  beforeAll(async () => {
    file = await generateFile(doc, { scale: 0.05 });
  });

  const cases: [string, string[], string, string, string?][] = [
    ['a deleted parent row', ['DELETE FROM users WHERE user_id IN (SELECT user_id FROM events LIMIT 1)'], 'foreign_key', 'events', 'user_id'],
    ['a duplicated key', ['INSERT INTO events SELECT * FROM events LIMIT 3'], 'pk_unique', 'events', 'event_id'],
    ['a null key', ['UPDATE users SET user_id = NULL WHERE user_id = 5'], 'pk_not_null', 'users', 'user_id'],
    ['a value out of its declared range', ['UPDATE users SET age = 120 WHERE user_id % 50 = 0'], 'range', 'users', 'age'],
    ['a value outside the enum', ["UPDATE events SET event_type = 'purchase' WHERE FALSE", "ALTER TABLE events ALTER event_type TYPE VARCHAR", "UPDATE events SET event_type = 'refund' WHERE event_id % 97 = 0"], 'enum', 'events', 'event_type'],
    ['a changed column type', ['ALTER TABLE users ALTER age TYPE DOUBLE'], 'table_schema', 'users'],
    ['a missing row of an entity', ['DELETE FROM users WHERE user_id = 1'], 'row_count', 'users'],
    ['a null in a non-nullable column', ['UPDATE users SET email = NULL WHERE user_id = 7'], 'not_null', 'users', 'email'],
  ];

  it.each(cases)('%s → %s fails and validate exits 1', async (_what, sql, check, table, column) => {
    const bad = await corruptCopy(file, sql);
    const report = await validateFile(doc, bad);
    const hits = pick(report.checks, check, table, column);
    expect(hits.length, notPassing(report.checks)).toBeGreaterThan(0);
    expect(hits.some((c) => c.status === 'fail'), JSON.stringify(hits)).toBe(true);
    expect(report.ok).toBe(false);
    const r = await cli('validate', specFile, bad);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`FAIL ${check}`);
  });

  it('names up to five offending keys', async () => {
    const bad = await corruptCopy(file, ['DELETE FROM users WHERE user_id <= 10']);
    const fk = pick((await validateFile(doc, bad)).checks, 'foreign_key', 'events', 'user_id')[0];
    expect(fk.examples.length).toBeGreaterThan(0);
    expect(fk.examples.length).toBeLessThanOrEqual(5);
    for (const k of fk.examples) expect(Number(k)).toBeLessThanOrEqual(10);
  });

  it('the clean file passes the same checks', async () => {
    const report = await validateFile(doc, file);
    expect(notPassing(report.checks)).toBe('');
    for (const c of ['foreign_key', 'pk_unique', 'range', 'enum', 'table_schema', 'row_count', 'not_null']) expect(pick(report.checks, c).length, c).toBeGreaterThan(0);
  });

  it('a missed target lowers the score; --threshold decides', async () => {
    const bad = await corruptCopy(file, ['UPDATE events SET occurred_at = occurred_at - INTERVAL 2 DAY WHERE isodow(occurred_at) >= 6 AND event_id % 2 = 0 AND occurred_at - INTERVAL 2 DAY >= (SELECT u.signed_up_at FROM users u WHERE u.user_id = events.user_id)']);
    const report = await validateFile(doc, bad);
    const ws = pick(report.checks, 'weekend_share')[0];
    expect(ws.status).not.toBe('pass');
    expect(report.categories.targets.score).toBeLessThan(100);
    const strict = await cli('validate', specFile, bad, '--threshold', '100');
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/\(threshold 100\) — INVALID: score below the threshold 100/);
  });

  it('a failed soft check fails the file (exit 1) unless --allow-soft-failures or a --threshold judges it by the score (warnings alone: tests/unit/validate/score.test.ts)', async () => {
    const bad = await corruptCopy(file, ['UPDATE events SET occurred_at = occurred_at - INTERVAL 2 DAY WHERE isodow(occurred_at) >= 6 AND occurred_at - INTERVAL 2 DAY >= (SELECT u.signed_up_at FROM users u WHERE u.user_id = events.user_id)']);
    const report = await validateFile(doc, bad);
    const failed = report.checks.filter((c) => c.status === 'fail');
    expect(failed.map((c) => c.check)).toContain('weekend_share');
    expect(failed.every((c) => !c.hard)).toBe(true);
    const byDefault = await cli('validate', specFile, bad);
    expect(byDefault.code).toBe(1);
    expect(byDefault.stdout).toContain(`— INVALID: ${failed.length} soft check(s) failed (--allow-soft-failures judges them by the score instead)`);
    const allowed = await cli('validate', specFile, bad, '--allow-soft-failures');
    expect(allowed.code, allowed.stdout).toBe(0);
    expect(allowed.stdout).toContain(`(threshold 80) — valid, but ${failed.length} soft check(s) failed (allowed`);
    expect((await cli('validate', specFile, bad, '--threshold', '50')).code).toBe(0);
    expect((await cli('validate', specFile, bad, '--allow-soft-failures', '--threshold', '99')).code).toBe(1);
  });

  it('a tiny sample with no weekend row only warns: the SE is taken at the target edge, not at the observed 0 %', async () => {
    const tiny = await corruptCopy(file, ['DELETE FROM events WHERE event_id > 30', 'DELETE FROM events WHERE isodow(occurred_at) >= 6']);
    const ws = pick((await validateFile({ ...doc, targets: { weekend_share: { table: 'events', timestamp: 'occurred_at', min: 0.05, max: 0.4 } } }, tiny)).checks, 'weekend_share')[0];
    expect(ws.observed).toBe(0);
    expect(ws.status).toBe('warn');
  });
});

describe('files and inputs', () => {
  it('a file generated --without-scenarios validates against the same spec', async () => {
    const spec = new URL('funnel_metrics.json', EXAMPLES_DIR).pathname;
    expect((await cli('run', spec, '-o', 'plain.duckdb', '--without-scenarios', '-q')).code).toBe(0);
    const r = await cli('validate', spec, 'plain.duckdb', '-v');
    expect(r.stdout).toMatch(/ok {3}manifest_matches_spec .*without its scenarios/);
    expect(r.code, r.stdout).toBe(0);
  });

  it('a spec edited after the run is reported (soft)', async () => {
    const doc = readJson(new URL('quickstart.json', EXAMPLES_DIR));
    const file = await generateFile(doc, { scale: 0.02 });
    doc.nodes[0].columns[4].generator.distribution.params.mean = 40;
    const report = await validateFile(doc, file);
    expect(pick(report.checks, 'manifest_matches_spec')[0].status).toBe('warn');
  });

  it('refuses a missing database, a broken spec and a bad threshold', async () => {
    const spec = new URL('quickstart.json', EXAMPLES_DIR).pathname;
    const missing = await cli('validate', spec, 'nope.duckdb');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: DG_DB_MISSING: database file "nope\.duckdb" does not exist \(hint: generate it with: datagen run/);
    writeFileSync(join(cwd, 'broken.json'), '{"version": "1.0", "metadata": {"name": "x"}, "timeframe": {"start": "2024-01-01", "end": "2024-02-01", "freq": "D"}, "nodes": [{"id": "t", "kind": "entity", "rows": 5, "pk": "id", "columns": [{"name": "id", "type": "int", "generator": {"sequense": {}}}]}], "constraints": {}}');
    writeFileSync(join(cwd, 'empty.duckdb'), '');
    const broken = await cli('validate', 'broken.json', 'empty.duckdb');
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/broken\.json:\d+:\d+ \/nodes\/0\/columns\/0\/generator/);
    expect((await cli('validate', spec, 'x.duckdb', '--threshold', '101')).code).toBe(2);
  });
});
