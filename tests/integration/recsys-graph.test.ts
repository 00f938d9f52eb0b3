/*
 * examples/recsys_graph.json (issue 14 §5, the recommender-graph seed): users with a Dirichlet taste, places, visits
 * picked by a softmax of taste × popularity among the places of the user's city, ratings and dwell times that rise
 * with the pick's score, an undirected friendship graph with homophily on city + favourite category, and a time
 * split. Every expected figure is computed from the spec's own parameters (read from the file below) and the
 * generated users and places — never from engine code; statistical ones within 5 standard errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db, EXAMPLES_DIR, readJson } from '../support/run-spec.ts';
import { normalCdf } from '../support/stats.ts';
import { generateFile, notPassing, validateFile } from '../support/validate.ts';

const doc = readJson(new URL('recsys_graph.json', EXAMPLES_DIR));
const node = (id: string) => doc.nodes.find((x: any) => x.id === id);
const column = (id: string, name: string) => node(id).columns.find((c: any) => c.name === name);
const num = (s: string) => Number(s);

// The declared model, read from the file (a regex per expression: if the example changes form, these fail loudly).
const pick = column('interaction', 'place_id').generator.lookup;
const T: number = pick.temperature;
const [, BETA] = /^log\(candidate\.popularity\) \+ ([\d.]+) \* parent\.taste\[candidate\.category\]$/.exec(pick.score)!.map(num);
const [, R0, R1, RSD] = /^clamp\(round\(([\d.]+) \+ ([\d.]+) \* score \+ normal\(0, ([\d.]+)\)\), 1, 5\)$/.exec(column('interaction', 'rating').generator.expression.code)!.map(num);
const [, D0, D1, DSD] = /^round\(exp\(([\d.]+) \+ ([\d.]+) \* score \+ normal\(0, ([\d.]+)\)\)\)$/.exec(column('interaction', 'dwell_seconds').generator.expression.code)!.map(num);
const friendship = node('friendship');
const H: number = friendship.edges.homophily.probability;
const FANOUT = friendship.fanout as { mean: number; k: number };
const USERS: number = node('user').rows;

let db: Db;
let file: string;
beforeAll(async () => {
  file = await generateFile(doc);
  db = await Db.open(file);
}, 120_000);
afterAll(() => db?.close());

/** The favourite category: the 1-based position of the largest taste share (the hidden argmax column). */
const FAV = 'list_position(taste, list_max(taste))';

describe('examples/recsys_graph.json', () => {
  it('reads its model as expected', () => {
    expect(friendship.edges).toMatchObject({ undirected: true, homophily: { column: ['city', 'favourite_category'] } });
    expect(column('user', 'favourite_category').generator.expression.code).toBe('argmax(taste)');
    expect([T, BETA, R0, R1, RSD, D0, D1, DSD].every(Number.isFinite)).toBe(true);
  });

  it('visits: the place of the user\'s city, picked row = looked-up row, score = log popularity + β·taste[category] exactly', async () => {
    expect(await db.value(`SELECT count(*) FROM interaction`)).toBeGreaterThan(90_000);
    const bad = await db.value(`
      SELECT count(*) FROM interaction i JOIN place p USING (place_id) JOIN "user" u USING (user_id)
      WHERE p.city <> u.city OR i.city <> u.city OR i.category <> p.category
         OR abs(i.affinity - u.taste[p.category]) > 1e-12 OR abs(i.score - (ln(p.popularity) + ${BETA} * u.taste[p.category])) > 1e-9`);
    expect(bad).toBe(0);
  });

  it('visits follow the softmax of taste × popularity: the share in each user\'s top-taste category vs the model', async () => {
    // Each visit's probability of being in the user's favourite category under the declared model: the softmax mass of
    // that category among the places of the user's city (0 when the city has no such place). Summed = expected count.
    const r = (await db.rows(`
      WITH w AS (SELECT u.user_id, p.category, sum(exp((ln(p.popularity) + ${BETA} * u.taste[p.category]) / ${T})) AS m,
                        sum(p.popularity ^ (1 / ${T})) AS m0
                 FROM "user" u JOIN place p ON p.city = u.city GROUP BY ALL),
           prob AS (SELECT user_id, category, m / sum(m) OVER (PARTITION BY user_id) AS p,
                           m0 / sum(m0) OVER (PARTITION BY user_id) AS p0 FROM w),
           fav AS (SELECT user_id, ${FAV} AS fav FROM "user")
      SELECT count(*) AS n, sum(coalesce(prob.p, 0)) AS expected, sum(coalesce(prob.p * (1 - prob.p), 0)) AS var,
             sum(coalesce(prob.p0, 0)) AS without_taste, count(*) FILTER (WHERE i.category = fav.fav) AS observed
      FROM interaction i JOIN fav USING (user_id) LEFT JOIN prob ON prob.user_id = i.user_id AND prob.category = fav.fav`))[0];
    expect(Math.abs(r.observed - r.expected)).toBeLessThan(5 * Math.sqrt(r.var));
    // The taste matters: popularity alone would put far fewer visits in the favourite category.
    expect(r.observed / r.n).toBeGreaterThan(2.5 * (r.without_taste / r.n));
  });

  it('ratings rise with the score: mean rating per score quintile = E[clamp(round(a + b·score + N(0, σ)), 1, 5)]', async () => {
    const rows = await db.rows(`SELECT score, rating, ntile(5) OVER (ORDER BY score) AS q FROM interaction`);
    const expectedRating = (s: number) => {
      const mu = R0 + R1 * s;
      const cdf = (x: number) => normalCdf((x - mu) / RSD);
      // P(k) for k = 1..5 after rounding and clamping; round() is half away from zero, ties have probability 0.
      let e = 1 * cdf(1.5) + 5 * (1 - cdf(4.5));
      for (let k = 2; k <= 4; k++) e += k * (cdf(k + 0.5) - cdf(k - 0.5));
      return e;
    };
    const means: number[] = [];
    for (let q = 1; q <= 5; q++) {
      const xs = rows.filter((x) => x.q === q);
      const obs = xs.reduce((a, x) => a + x.rating, 0) / xs.length;
      const exp = xs.reduce((a, x) => a + expectedRating(x.score), 0) / xs.length;
      // Var(rating | score) ≤ σ² + 1/12 (rounding); the clamp only shrinks it.
      const se = Math.sqrt((RSD * RSD + 1 / 12) / xs.length);
      expect(Math.abs(obs - exp), `quintile ${q}: ${obs} vs ${exp}`).toBeLessThan(5 * se);
      means.push(obs);
    }
    for (let q = 1; q < 5; q++) expect(means[q]).toBeGreaterThan(means[q - 1]);
    // Every rating is an integer 1..5.
    expect(await db.value(`SELECT count(*) FROM interaction WHERE rating NOT BETWEEN 1 AND 5`)).toBe(0);
  });

  it('engagement rises with the score: ln(dwell) = a + b·score + N(0, σ) (slope and intercept by least squares)', async () => {
    // Whole seconds: rounding moves ln(dwell) by less than 0.5 / dwell (dwell is mostly ≫ 10 s here), about symmetrically;
    // a 0.01 allowance on top of 5 standard errors of the least-squares fit covers it.
    const r = (await db.rows(`SELECT regr_slope(ln(dwell_seconds), score) AS b, regr_intercept(ln(dwell_seconds), score) AS a,
                                     count(*) AS n, var_pop(score) AS vs, avg(score) AS ms FROM interaction`))[0];
    const seB = DSD / Math.sqrt(r.n * r.vs);
    const seA = DSD * Math.sqrt(1 / r.n + (r.ms * r.ms) / (r.n * r.vs));
    expect(Math.abs(r.b - D1)).toBeLessThan(5 * seB + 0.01);
    expect(Math.abs(r.a - D0)).toBeLessThan(5 * seA + 0.01);
  });

  it('friendships: no self-loops, no repeated pair, each pair once with user_a < user_b — exactly', async () => {
    const r = (await db.rows(`SELECT count(*) FILTER (WHERE user_a = user_b) AS loops,
                                     count(*) - count(DISTINCT (least(user_a, user_b), greatest(user_a, user_b))) AS repeats,
                                     count(*) FILTER (WHERE user_a >= user_b) AS unordered FROM friendship`))[0];
    expect(r).toEqual({ loops: 0, repeats: 0, unordered: 0 });
  });

  it('degree distribution: mean degree = 2 × the fanout mean, less the pairs both ends drew', async () => {
    const edges = await db.value(`SELECT count(*) FROM friendship`);
    const mean = (2 * edges) / USERS;
    // Each user draws NB(mean μ, k) partners; an edge counts for both ends. A pair both ends drew is one edge: about
    // h²μ²/2 such pairs per (city, favourite) group (draws within the group) plus (1 − h)²μ²/2 overall.
    const mu = FANOUT.mean;
    const groups = await db.value(`SELECT count(*) FROM (SELECT DISTINCT city, ${FAV} FROM "user")`);
    const both = (groups * H * H * mu * mu) / 2 + ((1 - H) ** 2 * mu * mu) / 2;
    const expected = 2 * mu - (4 * both) / USERS;
    const se = 2 * Math.sqrt((mu + (mu * mu) / FANOUT.k) / USERS);
    expect(Math.abs(mean - expected), `mean degree ${mean}, ${expected} expected`).toBeLessThan(5 * se);
    // The degree distribution: a user's own NB draws plus the draws that picked it (≈ Poisson(μ)): variance ≈ μ + μ²/k + μ.
    const r = (await db.rows(`WITH d AS (SELECT u.user_id, count(f.u) AS degree FROM "user" u LEFT JOIN
                                (SELECT user_a AS u FROM friendship UNION ALL SELECT user_b FROM friendship) f ON f.u = u.user_id GROUP BY 1)
                              SELECT var_pop(degree) AS v, count(*) FILTER (WHERE degree = 0) AS isolated FROM d`))[0];
    const v = mu + (mu * mu) / FANOUT.k + mu;
    expect(r.v / v).toBeGreaterThan(0.85);
    expect(r.v / v).toBeLessThan(1.15);
  });

  it('homophily: the share of friendships joining the same city and favourite category = h; same city alone by the groups\' sizes', async () => {
    const r = (await db.rows(`
      WITH u AS (SELECT user_id, city, ${FAV} AS fav FROM "user"),
           sizes AS (SELECT city, fav, count(*) AS g, sum(count(*)) OVER (PARTITION BY city) AS c FROM u GROUP BY city, fav)
      SELECT count(*) AS n,
             avg((a.city = b.city AND a.fav = b.fav)::INT) AS alike,
             avg((a.city = b.city)::INT) AS same_city,
             (SELECT avg((s.c - s.g) / (${USERS} - s.g)) FROM u JOIN sizes s USING (city, fav)) AS other_same_city,
             count(*) FILTER (WHERE f.same_city <> (a.city = b.city)) AS bad_flag
      FROM friendship f JOIN u a ON a.user_id = f.user_a JOIN u b ON b.user_id = f.user_b`))[0];
    const se = Math.sqrt((H * (1 - H)) / r.n);
    expect(Math.abs(r.alike - H), `alike share ${r.alike}`).toBeLessThan(5 * se);
    // A draw outside the group is uniform among the other users: same city with probability (c − g)/(N − g) for a
    // drawer of group size g in a city of c users (drawers are uniform over users: fanout does not depend on them).
    const sameCity = H + (1 - H) * r.other_same_city;
    expect(Math.abs(r.same_city - sameCity), `same-city share ${r.same_city}, ${sameCity} expected`).toBeLessThan(5 * Math.sqrt((sameCity * (1 - sameCity)) / r.n));
    expect(r.bad_flag).toBe(0);
  });

  it('the split column is the time split: train before October, validation October–November, test December; shares by the hours of each', async () => {
    expect(await db.value(`SELECT count(*) FROM interaction WHERE split IS DISTINCT FROM
      (CASE WHEN interacted_at < TIMESTAMP '2025-10-01' THEN 'train' WHEN interacted_at < TIMESTAMP '2025-12-01' THEN 'validation' ELSE 'test' END)`)).toBe(0);
    // The hour pattern is the same every day and every user is alive all year (joined before it), so each part holds
    // its share of the window's days.
    const day = 86_400_000;
    const start = Date.parse(doc.timeframe.start);
    const end = Date.parse(doc.timeframe.end) + 1000;
    const days = { train: (Date.UTC(2025, 9, 1) - start) / day, validation: (Date.UTC(2025, 11, 1) - Date.UTC(2025, 9, 1)) / day, test: (end - Date.UTC(2025, 11, 1)) / day };
    const total = (end - start) / day;
    expect(await db.value(`SELECT count(*) FROM interaction i JOIN "user" u USING (user_id) WHERE i.interacted_at < u.joined_at`)).toBe(0);
    const rows = await db.rows(`SELECT split, count(*) AS c, sum(count(*)) OVER () AS n FROM interaction GROUP BY 1`);
    expect(rows.length).toBe(3);
    for (const r of rows) {
      const p = days[r.split as keyof typeof days] / total;
      expect(Math.abs(r.c / r.n - p), r.split).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / r.n));
    }
  });

  it('datagen validate scores it 100', async () => {
    const report = await validateFile(doc, file);
    expect(notPassing(report.checks)).toBe('');
    expect(report.score).toBe(100);
    expect(report.checks.some((c) => c.check === 'pick_preference' && c.table === 'interaction' && c.status === 'pass')).toBe(true);
  }, 120_000);
});
