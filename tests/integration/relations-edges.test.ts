/*
 * Edge tables (issue 14 §2, docs/behaviours/relations.md): a fact with `edges` over its node table. Exact promises
 * (no self-loops, unique pairs, source < target when undirected, source and target rows coherent with their
 * looked-up columns) hold exactly; homophily, reciprocity and degree match the declared values within binomial
 * tolerances; the graph is the same for any chunk size and worker count; bad options are diagnosed with pointers.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runPlan, type RunOptions } from '../../src/run/run.ts';
import { compile } from '../../src/plan/compile.ts';
import { validate } from '../../src/validate/validate.ts';
import { compileOrThrow, Db, EXAMPLES_DIR, readJson, tempFile } from '../support/run-spec.ts';

const opened: Db[] = [];
afterAll(() => opened.forEach((d) => d.close()));
let lastWorkers = 0;

async function open(doc: unknown, opts: RunOptions = {}): Promise<{ db: Db; file: string }> {
  const plan = compileOrThrow(doc);
  const out = tempFile(`${plan.slug}.duckdb`);
  lastWorkers = (await runPlan(plan, { ...opts, out })).workers;
  const db = await Db.open(out);
  opened.push(db);
  return { db, file: out };
}

const SOCIAL = readJson(new URL('social_graph.json', EXAMPLES_DIR));

/** The example without lifetimes: no joined_at, so no time coherence columns or inequalities either. */
function withoutJoined(doc: any): any {
  doc.nodes[0].columns = doc.nodes[0].columns.filter((c: { name: string }) => c.name !== 'joined_at');
  for (const n of doc.nodes.slice(1)) n.columns = n.columns.filter((c: { name: string }) => c.name !== 'both_joined');
  doc.constraints = {};
  return doc;
}

describe('edge tables (graphs)', () => {
  it('social_graph: exact structure, and homophily / reciprocity as declared', async () => {
    const { db } = await open(SOCIAL);
    const f = (await db.rows(`SELECT count(*) AS n, count(*) FILTER (WHERE user_a >= user_b) AS unordered,
      count(*) - count(DISTINCT (user_a, user_b)) AS dups, avg(same_city::INT) AS same FROM friendship`))[0];
    expect(f.unordered).toBe(0);
    expect(f.dups).toBe(0);
    expect(Math.abs(f.same - 0.7)).toBeLessThan(4 * Math.sqrt((0.7 * 0.3) / f.n) + 0.005);
    // source.city / target.city in an expression read the same rows as the end lookups.
    expect(await db.value('SELECT count(*) FROM friendship WHERE same_city <> (city_a = city_b)')).toBe(0);
    // Times after both ends joined (the hidden max(source.joined_at, target.joined_at) and an enforced inequality).
    expect(await db.value('SELECT count(*) FROM friendship x JOIN "user" a ON a.user_id = x.user_a JOIN "user" b ON b.user_id = x.user_b WHERE x.since < a.joined_at::DATE OR x.since < b.joined_at::DATE')).toBe(0);
    expect(await db.value('SELECT count(*) FROM follow x JOIN "user" a ON a.user_id = x.follower_id JOIN "user" b ON b.user_id = x.followee_id WHERE x.followed_at < a.joined_at OR x.followed_at < b.joined_at')).toBe(0);
    // The looked-up columns of each end belong to that end's row.
    expect(await db.value('SELECT count(*) FROM friendship x JOIN "user" a ON a.user_id = x.user_a JOIN "user" b ON b.user_id = x.user_b WHERE a.city <> x.city_a OR b.city <> x.city_b')).toBe(0);
    const g = (await db.rows(`SELECT count(*) AS n, count(*) FILTER (WHERE follower_id = followee_id) AS loops,
      count(*) - count(DISTINCT (follower_id, followee_id)) AS dups FROM follow`))[0];
    expect([g.loops, g.dups]).toEqual([0, 0]);
    const recip = (await db.value('SELECT count(*) FROM follow a SEMI JOIN follow b ON b.follower_id = a.followee_id AND b.followee_id = a.follower_id')) / g.n;
    // Declared 0.25; pairs both ends drew on their own add a little (popular users are drawn often).
    expect(Math.abs(recip - 0.25)).toBeLessThan(4 * Math.sqrt((0.25 * 0.75) / g.n) + 0.01);
    // weights_by popularity: the most popular tenth of users receive far more follows than the least popular tenth.
    const ratio = await db.value(`WITH d AS (SELECT u.user_id, ntile(10) OVER (ORDER BY u.popularity) AS decile, count(f.followee_id) AS k
      FROM "user" u LEFT JOIN follow f ON f.followee_id = u.user_id GROUP BY u.user_id, u.popularity)
      SELECT avg(k) FILTER (WHERE decile = 10) / avg(k) FILTER (WHERE decile = 1) FROM d`);
    expect(ratio).toBeGreaterThan(20);
  });

  it("targets follow the nodes' activity: a node alive a shorter time receives fewer edges, as it draws fewer", async () => {
    const { db } = await open(SOCIAL);
    // follow draws ∝ popularity × activity (exposure since joined_at); popularity does not depend on joined_at, so
    // per quarter of joining dates the mean in-degree over the mean out-degree stays about the same.
    const rows = await db.rows(`WITH o AS (SELECT follower_id AS u, count(*) AS k FROM follow GROUP BY 1), i AS (SELECT followee_id AS u, count(*) AS k FROM follow GROUP BY 1),
      q AS (SELECT user_id, ntile(4) OVER (ORDER BY joined_at, user_id) AS q FROM "user")
      SELECT q, sum(coalesce(i.k, 0)) / sum(coalesce(o.k, 0)) AS ratio, avg(coalesce(o.k, 0)) AS out_mean FROM q LEFT JOIN o ON o.u = q.user_id LEFT JOIN i ON i.u = q.user_id GROUP BY 1 ORDER BY 1`);
    expect(rows[0].out_mean).toBeGreaterThan(3 * rows[3].out_mean); // late joiners draw fewer
    for (const r of rows.slice(1, 3)) expect(Math.abs(r.ratio / rows[0].ratio - 1)).toBeLessThan(0.12);
  });

  it('validate scores the example 100 with its relation checks', async () => {
    const { file } = await open(SOCIAL);
    const report = await validate(SOCIAL, file);
    const checks = report.checks.filter((c) => c.check.startsWith('edge_'));
    expect(checks.map((c) => `${c.table}:${c.check}`).sort()).toEqual([
      'follow:edge_degree', 'follow:edge_reciprocity', 'follow:edge_self_loops', 'follow:edge_unique_pairs',
      'friendship:edge_degree', 'friendship:edge_homophily', 'friendship:edge_orientation', 'friendship:edge_self_loops', 'friendship:edge_unique_pairs',
    ]); // edge_degree under the users' lifetimes (they join over the year): mean × their mean exposure
    expect(checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(report.score).toBe(100);
  });

  it('homophily on several columns: the share of edges whose ends agree on all of them', async () => {
    const doc = structuredClone(SOCIAL);
    doc.nodes[0].rows = 4000;
    doc.nodes[1].edges.homophily = { column: ['city', 'favourite_category'], probability: 0.5 };
    const { db, file } = await open(doc);
    const r = (await db.rows(`SELECT count(*) AS n, avg((a.city = b.city AND a.favourite_category = b.favourite_category)::INT) AS same
      FROM friendship x JOIN "user" a ON a.user_id = x.user_a JOIN "user" b ON b.user_id = x.user_b`))[0];
    expect(Math.abs(r.same - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / r.n) + 0.01);
    const check = (await validate(doc, file)).checks.find((c) => c.check === 'edge_homophily');
    expect(check).toMatchObject({ status: 'pass', column: 'city, favourite_category', expected: 0.5 });
  });

  it('preferential: targets are drawn ∝ their own drawn degree + 1, so active nodes are also followed more', async () => {
    const doc = structuredClone(SOCIAL);
    doc.nodes[0].rows = 5000;
    withoutJoined(doc);
    doc.nodes = [doc.nodes[0], doc.nodes[2]];
    doc.nodes[1].edges = { preferential: true };
    const { db } = await open(doc);
    // Out-degree = the drawn degree (directed, no reciprocity); in-degree ∝ out-degree + 1 in expectation.
    const r = (await db.rows(`WITH o AS (SELECT u.user_id, count(f.follower_id) AS out_deg FROM "user" u LEFT JOIN follow f ON f.follower_id = u.user_id GROUP BY 1),
      i AS (SELECT u.user_id, count(f.followee_id) AS in_deg FROM "user" u LEFT JOIN follow f ON f.followee_id = u.user_id GROUP BY 1)
      SELECT sum(in_deg) AS edges, sum(in_deg) FILTER (WHERE out_deg = 0) AS in_idle, count(*) FILTER (WHERE out_deg = 0) AS idle,
             sum(in_deg) FILTER (WHERE out_deg >= 10) AS in_busy, sum(out_deg + 1) FILTER (WHERE out_deg >= 10) AS w_busy, sum(out_deg + 1) AS w
      FROM o JOIN i USING (user_id)`))[0];
    // Expected in-degree shares: idle nodes weigh 1 each, busy nodes out_deg + 1.
    const share = (x: number) => x / r.edges;
    expect(Math.abs(share(r.in_idle) - r.idle / r.w)).toBeLessThan(0.02);
    expect(Math.abs(share(r.in_busy) - r.w_busy / r.w)).toBeLessThan(0.03);
  });

  it('degree: without lifetimes, edges per node = fanout mean × (1 + ρ), ρ = r / (2 − r)', async () => {
    const doc = structuredClone(SOCIAL);
    withoutJoined(doc);
    doc.nodes[0].rows = 5000;
    const { db } = await open(doc);
    const per = (await db.value('SELECT count(*) FROM follow')) / 5000;
    const expected = 6 * (1 + 0.25 / 1.75);
    expect(Math.abs(per - expected)).toBeLessThan(4 * Math.sqrt(6 * 7 / 5000) * 1.2 + 0.1);
  });

  it('is the same graph for any chunk size and worker count', async () => {
    const digest = async (opts: RunOptions) => {
      const { db } = await open(SOCIAL, opts);
      const a = await db.value("SELECT md5(string_agg(concat_ws(',', user_a, user_b, since), ';' ORDER BY rowid)) FROM friendship");
      const b = await db.value("SELECT md5(string_agg(concat_ws(',', follower_id, followee_id, followed_at), ';' ORDER BY rowid)) FROM follow");
      return `${a}/${b}`;
    };
    const base = await digest({ workers: 1 });
    expect(await digest({ workers: 1, chunkRows: 999 })).toBe(base);
    expect(await digest({ workers: 3, chunkRows: 2000, workerTaskRows: 10_000, workerMinRows: 1 })).toBe(base);
    expect(lastWorkers).toBeGreaterThan(1);
  });

  it('diagnoses bad edge options with pointers', () => {
    const errors = (mutate: (d: any) => void) => {
      const d = structuredClone(SOCIAL);
      mutate(d);
      return compile(d).diagnostics.filter((x) => x.severity === 'error').map((x) => [x.code, x.path]);
    };
    expect(errors((d) => (d.nodes[1].edges.reciprocity = 0.3))).toEqual([['DG_BAD_PARAM', '/nodes/1/edges/reciprocity']]);
    expect(errors((d) => (d.nodes[1].edges.homophily.column = 'town'))).toEqual([['DG_UNKNOWN_COLUMN', '/nodes/1/edges/homophily/column']]);
    expect(errors((d) => (d.nodes[2].edges.preferential = true))).toEqual([['DG_BAD_PARAM', '/nodes/2/edges/preferential']]);
    expect(errors((d) => d.nodes[1].columns.push({ name: 'x', type: 'string', generator: { expression: { code: 'user.city' } } }))).toEqual([['DG_AMBIGUOUS_PICK', '/nodes/1/columns/7/generator']]);
    expect(errors((d) => delete d.nodes[1].edges)).toContainEqual(['DG_BAD_PARAM', '/nodes/1/columns/1/generator/lookup/end']);
  });
});
