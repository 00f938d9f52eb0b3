/*
 * validate's relation checks (src/validate/relations-checks.ts) fail when the data breaks the promise: a cycle in a
 * hierarchy, a repeated pair or a self-loop in an edge table (hard), and a homophily, reciprocity or branching
 * other than the spec declares (soft). Expected values come from the spec, so a file generated with other
 * options is caught.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { copyFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runPlan } from '../../src/run/run.ts';
import { validate } from '../../src/validate/validate.ts';
import type { CheckResult } from '../../src/validate/types.ts';
import { compileOrThrow, EXAMPLES_DIR, readJson, tempFile } from '../support/run-spec.ts';

async function generate(doc: unknown): Promise<string> {
  const plan = compileOrThrow(doc);
  const out = tempFile(`${plan.slug}.duckdb`);
  await runPlan(plan, { out, workers: 1 });
  return out;
}

async function tamper(file: string, sql: string[]): Promise<string> {
  const copy = tempFile('tampered.duckdb');
  copyFileSync(file, copy);
  const db = await DuckDBInstance.create(copy);
  const conn = await db.connect();
  for (const s of sql) await conn.run(s);
  conn.closeSync();
  db.closeSync();
  return copy;
}

const byName = (checks: CheckResult[], name: string, table?: string) => checks.find((c) => c.check === name && (!table || c.table === table));

describe('validate: relation checks catch broken promises', () => {
  it('a cycle in the org chart fails hierarchy_acyclic (hard) with examples', async () => {
    const doc = readJson(new URL('org_chart.json', EXAMPLES_DIR));
    doc.nodes[0].rows = 800;
    const file = await generate(doc);
    const ok = await validate(doc, file);
    expect(byName(ok.checks, 'hierarchy_acyclic')?.status).toBe('pass');
    // 2 and 3 report to each other: they and everyone under them no longer reach the root.
    const bad = await validate(doc, await tamper(file, ['UPDATE employee SET manager_id = 3 WHERE employee_id = 2', 'UPDATE employee SET manager_id = 2 WHERE employee_id = 3']));
    const c = byName(bad.checks, 'hierarchy_acyclic')!;
    expect(c.status).toBe('fail');
    expect(c.hard).toBe(true);
    expect(c.observed).toBeGreaterThanOrEqual(2);
    expect(c.examples.slice(0, 2)).toEqual(['2', '3']); // the first keys that never reach the root
  });

  it('a repeated pair and a self-loop fail edge_unique_pairs and edge_self_loops (hard)', async () => {
    const doc = readJson(new URL('social_graph.json', EXAMPLES_DIR));
    doc.nodes[0].rows = 2000;
    const file = await generate(doc);
    const bad = await validate(doc, await tamper(file, [
      'INSERT INTO follow SELECT * FROM follow LIMIT 1',
      'UPDATE friendship SET user_b = user_a WHERE rowid = 0',
    ]));
    expect(byName(bad.checks, 'edge_unique_pairs', 'follow')).toMatchObject({ status: 'fail', observed: 1, hard: true });
    expect(byName(bad.checks, 'edge_self_loops', 'friendship')).toMatchObject({ status: 'fail', observed: 1, hard: true });
    expect(byName(bad.checks, 'edge_orientation', 'friendship')).toMatchObject({ status: 'fail', observed: 1 });
  });

  it('edge_degree under a node lifetime: mean × each node\'s exposure, read from the file (births over the year: ~½)', async () => {
    // social_graph's users join uniformly over the year (their first datetime column is their lifetime's birth): a
    // user draws edges only while it exists, so ~half the declared mean. A file whose users all exist all year
    // (lifetime: false) has twice the edges and fails against the spec.
    const doc = readJson(new URL('social_graph.json', EXAMPLES_DIR));
    doc.nodes[0].rows = 5000;
    const report = await validate(doc, await generate(doc));
    const c = byName(report.checks, 'edge_degree', 'friendship')!;
    expect(c.status).toBe('pass');
    expect(c.expected as number).toBeGreaterThan(4 * 0.47);
    expect(c.expected as number).toBeLessThan(4 * 0.53);
    expect(c.message).toContain('mean exposure');
    const always = structuredClone(doc);
    always.nodes[0].lifetime = false;
    const bad = await validate(doc, await generate(always));
    expect(byName(bad.checks, 'edge_degree', 'friendship')).toMatchObject({ status: 'warn', hard: false });
    expect(byName(bad.checks, 'edge_degree', 'friendship')!.observed as number).toBeGreaterThan(3.5);
  });

  it('homophily, reciprocity and branching other than declared are soft failures', async () => {
    const doc = readJson(new URL('social_graph.json', EXAMPLES_DIR));
    doc.nodes[0].rows = 5000;
    const gen = structuredClone(doc);
    gen.nodes[1].edges.homophily.probability = 0.3;
    gen.nodes[2].edges.reciprocity = 0.6;
    const report = await validate(doc, await generate(gen));
    expect(byName(report.checks, 'edge_homophily')).toMatchObject({ status: 'warn', hard: false, expected: 0.7 });
    expect(byName(report.checks, 'edge_reciprocity')).toMatchObject({ status: 'warn', hard: false, expected: 0.25 });
    const org = readJson(new URL('org_chart.json', EXAMPLES_DIR));
    delete org.nodes[0].columns[2].generator.lookup.hierarchy.max_depth;
    const flat = structuredClone(org);
    flat.nodes[0].columns[2].generator.lookup.hierarchy.concentration = 0;
    org.nodes[0].columns[2].generator.lookup.hierarchy.concentration = 0.8;
    const h = await validate(org, await generate(flat));
    // Leaves: 1/2 generated, 1/(2 − 0.8) = 0.83 declared.
    expect(byName(h.checks, 'hierarchy_branching')).toMatchObject({ status: 'warn', expected: 0.8333 });
    expect(byName(h.checks, 'hierarchy_depth')?.status).toBe('warn');
  });
});
