/*
 * Preference-driven picks (docs/behaviours/relations.md, "Preference-driven picks"): each pick's distribution is the
 * declared softmax / weight over candidates, restricted by `on`, without repeats when `distinct`, and every lookup and
 * expression through the pick reads the same row; the same tables whatever the chunk size and worker count.
 */
import { describe, expect, it } from 'vitest';
import { col, compileDoc, entity, fact, idCol, spec } from '../support/harness.ts';
import { generate } from '../support/run-spec.ts';
import { corruptCopy, generateFile, notPassing, pick, validateFile } from '../support/validate.ts';

const CITIES = ['a', 'b', 'c'];

function doc(users: number, lookup: Record<string, unknown>, fanout: Record<string, unknown> = { distribution: 'poisson', lambda: 4 }) {
  return spec([
    entity('item', 300, [
      idCol('item_id'),
      col('category', 'int', { choice: { choices: [1, 2, 3, 4], weights: [1, 1, 1, 1] } }),
      col('city', 'string', { choice: { choices: CITIES } }),
      col('popularity', 'float', { distribution: { type: 'lognormal', params: { mean: 0, sigma: 1 } } }),
    ]),
    entity('user', users, [
      idCol('user_id'),
      col('city', 'string', { choice: { choices: CITIES } }),
      col('taste', 'list<float>', { dirichlet: { alpha: 0.5, k: 4 } }),
    ]),
    fact('interaction', ['user'], [
      idCol('interaction_id'),
      col('user_id', 'int', { lookup: { from: 'user.user_id' } }),
      col('user_city', 'string', { lookup: { from: 'user.city' } }),
      col('item_id', 'int', { lookup: { from: 'item.item_id', ...lookup } }),
      col('item_category', 'int', { lookup: { from: 'item.category', ...lookup } }),
      col('item_city', 'string', { lookup: { from: 'item.city', ...lookup } }),
      col('pop', 'float', { expression: { code: 'item.popularity' } }),
    ], { fanout }),
  ], { seed: 3 });
}

describe('preference-driven picks', () => {
  it('softmax over taste × category and popularity, restricted to the user\'s city: the exact distribution', async () => {
    const T = 0.5;
    const lookup = { score: '2 * parent.taste[candidate.category] + log(candidate.popularity)', temperature: T, on: { user_city: 'city' } };
    const { db } = await generate(doc(4000, lookup));
    try {
      // The same row for every lookup and the expression through the pick; the city matches.
      expect(await db.value(`SELECT count(*) FROM interaction i JOIN item t USING (item_id) WHERE i.item_category <> t.category OR i.item_city <> t.city OR i.pop <> t.popularity OR i.user_city <> t.city`)).toBe(0);
      // Exact distribution: per interaction, the probability of the picked item's category under the declared model,
      // summed over interactions = the expected count of each category; compared with the observed counts.
      const rows = await db.rows(`
        WITH w AS (SELECT u.user_id, t.category, sum(exp((2 * u.taste[t.category] + ln(t.popularity)) / ${T})) AS m
                   FROM "user" u JOIN item t ON t.city = u.city GROUP BY ALL),
             p AS (SELECT user_id, category, m / sum(m) OVER (PARTITION BY user_id) AS prob FROM w)
        SELECT p.category AS c, sum(p.prob) AS expected, count(*) FILTER (WHERE i.item_category = p.category) AS observed
        FROM interaction i JOIN p USING (user_id) GROUP BY 1 ORDER BY 1`);
      for (const r of rows) expect(Math.abs(r.observed - r.expected), `category ${r.c}`).toBeLessThan(5 * Math.sqrt(r.expected));
      // Within a category, items ∝ popularity^(1/T): the share of the most popular item of each (city, category).
      const top = await db.rows(`
        WITH g AS (SELECT city, category, item_id, popularity ^ ${1 / T} AS w, row_number() OVER (PARTITION BY city, category ORDER BY popularity DESC) AS rk FROM item),
             s AS (SELECT city, category, max(w) FILTER (WHERE rk = 1) / sum(w) AS share, max(item_id) FILTER (WHERE rk = 1) AS top FROM g GROUP BY ALL)
        SELECT sum(s.share) AS expected, count(*) FILTER (WHERE i.item_id = s.top) AS observed
        FROM interaction i JOIN s ON s.city = i.item_city AND s.category = i.item_category`);
      expect(Math.abs(top[0].observed - top[0].expected)).toBeLessThan(5 * Math.sqrt(top[0].expected));
    } finally {
      db.close();
    }
  }, 60_000);

  it('plain weights without a temperature; distinct: a user never picks an item twice, each draw ∝ weight among the rest', async () => {
    const lookup = { score: 'candidate.popularity * (1 + parent.taste[candidate.category])', distinct: true };
    const { db } = await generate(doc(3000, lookup, { distribution: 'fixed', value: 5 }));
    try {
      expect(await db.value(`SELECT count(*) - count(DISTINCT (user_id, item_id)) FROM interaction`)).toBe(0);
      expect(await db.value(`SELECT count(*) FROM interaction WHERE item_id IS NULL`)).toBe(0);
      // The first pick of each user follows w_j / Σ w exactly: expected vs observed share of the top category pick.
      const r = await db.rows(`
        WITH f AS (SELECT * FROM interaction QUALIFY row_number() OVER (PARTITION BY user_id ORDER BY interaction_id) = 1),
             w AS (SELECT u.user_id, t.category, sum(t.popularity * (1 + u.taste[t.category])) AS m FROM "user" u, item t GROUP BY ALL),
             p AS (SELECT user_id, category, m / sum(m) OVER (PARTITION BY user_id) AS prob FROM w)
        SELECT p.category AS c, sum(p.prob) AS expected, count(*) FILTER (WHERE f.item_category = p.category) AS observed
        FROM f JOIN p USING (user_id) GROUP BY 1 ORDER BY 1`);
      for (const x of r) expect(Math.abs(x.observed - x.expected), `category ${x.c}`).toBeLessThan(5 * Math.sqrt(x.expected));
    } finally {
      db.close();
    }
  }, 60_000);

  it('is the same whatever the chunk size and worker count', async () => {
    for (const lookup of [
      { score: '2 * parent.taste[candidate.category] + log(candidate.popularity)', temperature: 0.7, on: { user_city: 'city' } },
      { score: 'candidate.popularity * (1 + parent.taste[candidate.category])', distinct: true },
    ]) {
      const d = doc(2500, lookup);
      const a = await generate(d, { workers: 1 });
      const b = await generate(d, { workers: 3, workerMinRows: 100, chunkRows: 333 });
      try {
        expect(await b.db.checksum('interaction')).toBe(await a.db.checksum('interaction'));
      } finally {
        a.db.close();
        b.db.close();
      }
    }
  }, 120_000);

  it('refuses scores that cannot be computed or drawn exactly, with pointers', () => {
    const errs = (lookup: Record<string, unknown>) => compileDoc(doc(10, lookup)).diagnostics.filter((x) => x.severity === 'error').map((x) => `${x.code} ${x.path} ${x.message}`);
    expect(errs({ score: 'candidate.nope' })[0]).toMatch(/^DG_UNKNOWN_COLUMN \/nodes\/2\/columns\/3\/generator\/lookup\/score .*no column "nope"/);
    expect(errs({ score: 'parent.taste[1]' })[0]).toMatch(/^DG_BAD_PARAM .*reads no candidate column/);
    expect(errs({ score: 'candidate.popularity', temperature: 0 })[0]).toMatch(/^DG_OUT_OF_RANGE \/nodes\/2\/columns\/3\/generator\/lookup\/temperature/);
    expect(errs({ score: 'candidate.popularity + rand()' })[0]).toMatch(/^DG_BAD_EXPRESSION .*random/);
    expect(errs({ score: 'candidate.popularity + item.category' })[0]).toMatch(/^DG_NOT_SUPPORTED/);
    expect(errs({ score: 'candidate.popularity * len(user_city)' })[0]).toMatch(/^DG_BAD_EXPRESSION .*needs a list/);
    expect(errs({ score: 'candidate.popularity', distinct: true, on: { interaction_id: 'item_id' } })[0]).toMatch(/^DG_NOT_SUPPORTED \/nodes\/2\/columns\/3\/generator\/lookup\/distinct .*"interaction_id"/);
    expect(errs({ temperature: 1 })[0]).toMatch(/^DG_BAD_PARAM .*needs "score"/);
  });

  it('validate: a distinct pick passes pick_distinct and pick_consistency; a repeated pick fails pick_distinct', async () => {
    const d = doc(800, { score: 'candidate.popularity * (1 + parent.taste[candidate.category])', distinct: true }, { distribution: 'fixed', value: 4 });
    const file = await generateFile(d);
    const r = await validateFile(d, file);
    expect(notPassing(r.checks.filter((c) => c.hard))).toBe('');
    expect(pick(r.checks, 'pick_distinct', 'interaction', 'item_id')[0].status).toBe('pass');
    expect(pick(r.checks, 'pick_consistency', 'interaction')[0].status).toBe('pass');
    const soft = pick(r.checks, 'pick_preference', 'interaction', 'item_id')[0];
    expect(soft.status, soft.message).toBe('pass');
    expect(soft.message).toContain('first pick of each parent');
    // Interaction 2 (the same user as interaction 1: 4 per user) gets interaction 1's item.
    const bad = await corruptCopy(file, [`UPDATE interaction SET item_id = (SELECT item_id FROM interaction WHERE interaction_id = 1) WHERE interaction_id = 2`]);
    const c = pick((await validateFile(d, bad)).checks, 'pick_distinct', 'interaction', 'item_id')[0];
    expect(c.status).toBe('fail');
    expect(c.observed).toBe(1);
  }, 60_000);

  it('validate: pick_preference recomputes the declared model in SQL; it passes on the file and fails when the picks follow another model', async () => {
    const lookup = { score: '2 * parent.taste[candidate.category] + log(candidate.popularity)', temperature: 0.5, on: { user_city: 'city' } };
    const d = doc(3000, lookup);
    const file = await generateFile(d);
    const r = await validateFile(d, file);
    const c = pick(r.checks, 'pick_preference', 'interaction', 'item_id')[0];
    expect(c?.status, c?.message).toBe('pass');
    expect(r.score).toBe(100);
    // Picks redrawn uniformly among the items of the user's city: the category shares no longer follow the taste.
    const bad = await corruptCopy(file, [`UPDATE interaction SET item_id = (SELECT t.item_id FROM item t WHERE t.city = interaction.user_city ORDER BY hash(t.item_id, interaction.interaction_id) LIMIT 1)`]);
    const c2 = pick((await validateFile(d, bad)).checks, 'pick_preference', 'interaction', 'item_id')[0];
    expect(c2.status).toBe('fail');
  }, 120_000);
});
