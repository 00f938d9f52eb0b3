/*
 * `datagen infer` on real data no one here wrote (issue 21's target): vega-datasets' 3 M flights of 2001 and the
 * airports they fly between. The keys (origin and destination → airports.iata, and nothing else), the distance as
 * an exact function of the route, a spec that compiles unedited, and a twin that keeps the foreign keys, the exact
 * function and the hour-of-day / weekday patterns.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { compile, run } from '../../src/index.ts';
import type { InferEvidence } from '../../src/infer/infer.ts';

const DATA = resolve('node_modules/vega-datasets/data');
let dir: string;
let spec: Record<string, unknown>;
let evidence: InferEvidence;
let cliOut = '';

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (s: string) => void (stdout += s) }, stderr: { write: (s: string) => void (stderr += s) }, isTTY: false, cwd: dir });
  return { code, stdout, stderr };
}

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const inst = await DuckDBInstance.create(':memory:');
  const conn = await inst.connect();
  try {
    return (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  } finally {
    conn.closeSync();
    inst.closeSync();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'datagen-infer-flights-'));
  mkdirSync(join(dir, 'data'));
  copyFileSync(join(DATA, 'flights-3m.parquet'), join(dir, 'data', 'flights.parquet'));
  copyFileSync(join(DATA, 'airports.csv'), join(dir, 'data', 'airports.csv'));
  const r = await cli('infer', 'data', '-o', 'spec.json', '--report', 'infer.html', '--evidence', 'evidence.json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  cliOut = r.stdout;
  spec = JSON.parse(readFileSync(join(dir, 'spec.json'), 'utf8'));
  evidence = JSON.parse(readFileSync(join(dir, 'evidence.json'), 'utf8'));
});
afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

describe('datagen infer on flights + airports', () => {
  it('finds airports.iata as the primary key and origin, destination as foreign keys to it, and no other foreign key', () => {
    expect(evidence.keys.primaryKeys.map((k) => `${k.table}.${k.column}`)).toEqual(['airports.iata']);
    expect(evidence.keys.foreignKeys.map((f) => `${f.table}.${f.column}->${f.refTable}.${f.refColumn}`)).toEqual(['flights.origin->airports.iata', 'flights.destination->airports.iata']);
    for (const f of evidence.keys.foreignKeys) {
      expect(f.declared).toBe(false);
      expect(f.evidence.coverage).toBe(1);
    }
    expect((spec.constraints as { foreign_keys: unknown[] }).foreign_keys).toEqual([
      { from: 'flights.origin', to: 'airports.iata' }, { from: 'flights.destination', to: 'airports.iata' },
    ]);
    expect(cliOut).toContain('foreign key flights.origin → airports.iata');
  });

  it('finds the distance as an exact function of the route and emits it as a lookup table of routes', () => {
    const fd = evidence.dependencies.filter((d) => d.table === 'flights');
    expect(fd.map((d) => ({ x: d.determinants, y: d.dependents, via: d.via }))).toEqual([{ x: ['origin', 'destination'], y: ['distance'], via: 'table' }]);
    const lt = evidence.lookupTables[0];
    expect(lt.id).toBe('flights_origin_destination');
    expect(lt.combinations).toBeGreaterThan(3000);
    expect(lt.keptRows / lt.rows).toBeGreaterThan(0.999); // routes flown fewer than 5 times are left out
    const flights = (spec.nodes as { id: string; columns: { name: string; generator: Record<string, unknown> }[] }[]).find((n) => n.id === 'flights')!;
    expect(flights.columns.find((c) => c.name === 'distance')!.generator).toEqual({ lookup: { from: 'flights_origin_destination.distance', weights_by: 'flights_origin_destination.weight' } });
  });

  it('writes a spec that compiles unedited, in dependency order, and a self-contained report', () => {
    expect(evidence.specDiagnostics).toEqual([]);
    const r = compile(spec);
    expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect((spec.nodes as { id: string }[]).map((n) => n.id)).toEqual(['flights_origin_destination', 'airports', 'flights']);
    const html = readFileSync(join(dir, 'infer.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<title>datagen infer');
    expect(html).not.toMatch(/<script|<link|src="http/);
    expect(html).toContain('flights_origin_destination');
    // an airport's name is no person's name (airports is no table of people)
    const airports = (spec.nodes as { id: string; columns: { name: string; generator: { faker?: { method: string } } }[] }[]).find((n) => n.id === 'airports')!;
    expect(airports.columns.find((c) => c.name === 'name')!.generator.faker?.method).not.toBe('name');
    // no source airport code is written into the spec: keys are renumbered
    expect(JSON.stringify(spec)).not.toMatch(/"(ATL|ORD|LAX|DFW)"/);
  });

  it('the twin keeps the foreign keys, the exact function and the hour-of-day and weekday patterns', async () => {
    const twin = join(dir, 'twin.duckdb');
    await run(spec as never, { out: twin });
    const src = `read_parquet('${join(dir, 'data', 'flights.parquet')}')`;
    const [fk] = await query(`ATTACH '${twin}' AS t (READ_ONLY);
      SELECT count(*) FILTER (WHERE o.iata IS NULL) AS bad_origin, count(*) FILTER (WHERE d.iata IS NULL) AS bad_dest, count(*) AS n,
        count(DISTINCT (f.origin, f.destination)) AS routes, count(DISTINCT (f.origin, f.destination, f.distance)) AS route_distances
      FROM t.flights f LEFT JOIN t.airports o ON o.iata = f.origin LEFT JOIN t.airports d ON d.iata = f.destination`);
    expect(Number(fk.n)).toBe(3_000_000);
    expect(Number(fk.bad_origin)).toBe(0);
    expect(Number(fk.bad_dest)).toBe(0);
    expect(Number(fk.routes)).toBe(Number(fk.route_distances));
    for (const part of ['hour', 'isodow']) {
      const [d] = await query(`ATTACH '${twin}' AS t (READ_ONLY);
        WITH s AS (SELECT date_part('${part}', date) AS b, count(*) / sum(count(*)) OVER () AS p FROM ${src} GROUP BY 1),
             w AS (SELECT date_part('${part}', date) AS b, count(*) / sum(count(*)) OVER () AS p FROM t.flights GROUP BY 1)
        SELECT 0.5 * sum(abs(coalesce(s.p, 0) - coalesce(w.p, 0))) AS tvd FROM s FULL JOIN w ON s.b = w.b`);
      expect(Number(d.tvd), part).toBeLessThanOrEqual(0.05);
    }
  });
});
