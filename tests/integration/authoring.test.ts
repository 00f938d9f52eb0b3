/**
 * Spec authoring end to end (docs/authoring.md): a spec with params, an include and presets (one inline, one in a
 * file) run from the CLI with --preset and --set, checked in the DuckDB file; the library gives the same tables;
 * validate finds the preset in the manifest.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, loadSpec, run, validate } from '../../src/index.ts';
import { listPresets } from '../../src/spec/presets.ts';
import { runCli } from '../support/cli.ts';
import { Db } from '../support/run-spec.ts';

const FIX = fileURLToPath(new URL('../fixtures/authoring', import.meta.url));
let cwd = '';
const cli = (...argv: string[]) => runCli(cwd, ...argv);
const opened: Db[] = [];
async function open(file: string): Promise<Db> {
  const db = await Db.open(join(cwd, file));
  opened.push(db);
  return db;
}

beforeAll(() => {
  cwd = mkdtempSync(join(tmpdir(), 'datagen-authoring-'));
  cpSync(FIX, cwd, { recursive: true });
});
afterAll(() => {
  for (const db of opened) db.close();
  rmSync(cwd, { recursive: true, force: true });
});

describe('authoring from the CLI', () => {
  it('datagen presets lists the presets (inline and from files) with their descriptions', async () => {
    const r = await cli('presets', 'shop.json');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('small  A tenth of the customers, for quick checks\nbusy   Three times the orders per customer\n');
    const none = await cli('presets', 'v1-shapes.json');
    expect(none).toMatchObject({ code: 0, stdout: 'v1-shapes.json has no presets (add them under "presets": docs/authoring.md)\n' });
    const missing = await cli('presets', 'nope.json');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^nope\.json \/  DG_FILE: file not found: nope\.json/);
  });

  it('run --preset busy --set params.n_customers=300: the preset\'s and the override\'s values, the included vocab, the manifest', async () => {
    const r = await cli('run', 'shop.json', '--preset', 'busy', '--set', 'params.n_customers=300', '-o', 'busy.duckdb', '-q');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const db = await open('busy.duckdb');
    expect(Number(await db.value('SELECT count(*) FROM customers'))).toBe(300);
    // Poisson(9) orders per customer: the sum of 300 has sd √2700 ≈ 52; 5 sd either side.
    const orders = Number(await db.value('SELECT count(*) FROM orders'));
    expect(Math.abs(orders - 2700)).toBeLessThan(5 * Math.sqrt(2700));
    expect((await db.rows('SELECT merchant FROM merchants ORDER BY 1')).map((x) => x.merchant)).toEqual(['Acme', 'Globex', 'Initech', 'Umbrella']);
    expect(Number(await db.value("SELECT count(*) FROM orders WHERE merchant NOT IN ('Acme', 'Globex', 'Initech', 'Umbrella')"))).toBe(0);
    expect((await db.rows('SELECT DISTINCT preset FROM _datagen_manifest')).map((x) => x.preset)).toEqual(['busy']);
    // The countries' shares come from params: 0.5 / 0.3 / 0.2 of 300 (5 binomial sd).
    for (const [c, p] of [['US', 0.5], ['DE', 0.3], ['FR', 0.2]] as const) {
      const n = Number(await db.value(`SELECT count(*) FROM customers WHERE country = '${c}'`));
      expect(Math.abs(n - 300 * p)).toBeLessThan(5 * Math.sqrt(300 * p * (1 - p)));
    }
  });

  it('validate reads the preset from the manifest (or --preset); --set the same overrides', async () => {
    const ok = await cli('validate', 'shop.json', 'busy.duckdb', '--set', 'params.n_customers=300', '-q');
    expect(ok.stdout).toMatch(/score 100\.0 \/ 100 — valid/);
    expect(ok.code).toBe(0);
    // Without the override the spec describes 400 customers: the row count check fails.
    const wrong = await cli('validate', 'shop.json', 'busy.duckdb', '-q');
    expect(wrong.code).toBe(1);
  });

  it('without a preset the manifest\'s preset is NULL and the plan header names none; compile prints the preset', async () => {
    const r = await cli('compile', 'shop.json', '--preset', 'small');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^plan: Authoring shop {2}\(seed 42, scale 1, preset small, spec sha256:/);
    expect(r.stdout).toMatch(/customers {2}\[entity, level 0, pk customer_id\] {2}40 rows/);
    expect((await cli('run', 'shop.json', '-o', 'plain.duckdb', '-q')).code).toBe(0);
    expect(await (await open('plain.duckdb')).value('SELECT DISTINCT preset FROM _datagen_manifest')).toBeNull();
  });

  it('problems: an unknown preset, an undefined parameter in --set, --preset with a saved plan', async () => {
    const unknown = await cli('compile', 'shop.json', '--preset', 'bussy', '-q');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^shop\.json:\d+:\d+ \/presets {2}DG_UNKNOWN_PRESET: --preset "bussy": the spec has no such preset \(presets: "small", "busy"\) \(hint: did you mean "busy"\?\)\n/);
    const set = await cli('run', 'shop.json', '--set', 'params.n_customer=5', '-q', '-o', 'x.duckdb');
    expect(set.code).toBe(1);
    expect(set.stderr).toContain('DG_UNDEFINED_PARAM: --set params.n_customer=5: parameter "n_customer" is not defined in "params" (hint: did you mean "n_customers"?)');
    expect((await cli('compile', 'shop.json', '-o', 'plan.json', '-q')).code).toBe(0);
    const plan = await cli('run', 'plan.json', '--preset', 'small', '-o', 'y.duckdb', '-q');
    expect(plan.code).toBe(1);
    expect(plan.stderr).toBe('error: DG_BAD_OPTION: plan.json is a compiled plan: --preset and --set apply to a spec (hint: pass the spec, or compile it with them: datagen compile spec.json --preset NAME -o plan.json)\n');
    expect((await cli('run', 'shop.json', '--set', 'nope', '-q')).code).toBe(2); // usage: no "="
  });
});

describe('earlier shapes run unmodified', () => {
  it('inline faker arguments, "curve": "logarithmic", lognormal median/mean_value, no constraints: generated and valid', async () => {
    const r = await cli('run', 'v1-shapes.json', '-o', 'v1.duckdb', '-q', '--strict');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const db = await open('v1.duckdb');
    expect(Number(await db.value("SELECT count(*) FROM devices WHERE NOT regexp_full_match(serial, 'DEV-[0-9]{4}-[A-Za-z]{4}')"))).toBe(0);
    expect(Number(await db.value('SELECT count(DISTINCT serial) FROM devices'))).toBeGreaterThan(290);
    // median 250, σ 0.5 over 300 rows: the sample median's log is within 5 × 1.2533·σ/√n of ln 250.
    const median = Number(await db.value('SELECT median(price) FROM devices'));
    expect(Math.abs(Math.log(median) - Math.log(250))).toBeLessThan((5 * 1.2533 * 0.5) / Math.sqrt(300));
    // mean_value 40, σ 0.6: sd 40·√(e^0.36 − 1) ≈ 26.3; the mean of 300 within 5 standard errors.
    const mean = Number(await db.value('SELECT avg(cost) FROM devices'));
    expect(Math.abs(mean - 40)).toBeLessThan((5 * 40 * Math.sqrt(Math.exp(0.36) - 1)) / Math.sqrt(300));
    const v = await cli('validate', 'v1-shapes.json', 'v1.duckdb', '-q');
    expect(v.stdout).toMatch(/score 100\.0 \/ 100 — valid/);
  });
});

describe('authoring from the library', () => {
  it('loadSpec merges includes and preset files; compile/run/validate take preset and set; tables equal the CLI\'s', async () => {
    const spec = loadSpec(join(cwd, 'shop.json'));
    expect(listPresets(spec.doc).map((p) => p.name)).toEqual(['small', 'busy']);
    const { plan, diagnostics } = compile(spec.doc, { preset: 'busy', set: { 'params.n_customers': 300 } });
    expect(diagnostics).toEqual([]);
    expect(plan!.preset).toBe('busy');
    await run(plan!, { out: join(cwd, 'lib.duckdb'), workers: 1 });
    const [lib, cliDb] = [await open('lib.duckdb'), await open('busy.duckdb')];
    for (const t of ['customers', 'orders', 'merchants']) expect(await lib.checksum(t)).toBe(await cliDb.checksum(t));
    const report = await validate(spec.doc, join(cwd, 'lib.duckdb'), { set: ['params.n_customers=300'] });
    expect(report.ok).toBe(true);
    expect(report.checks.find((c) => c.check === 'manifest_matches_spec')!.status).toBe('pass');
  });
});
