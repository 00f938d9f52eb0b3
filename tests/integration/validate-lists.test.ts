/*
 * `datagen validate` on list columns (src/validate/lists.ts): a generated file passes every list check and scores
 * 100; files changed by SQL fail the hard checks exactly, and a Dirichlet or tag distribution that is not the
 * declared one fails the soft ones.
 */
import { describe, expect, it } from 'vitest';
import { col, entity, idCol, spec } from '../support/harness.ts';
import { corruptCopy, generateFile, notPassing, pick, validateFile } from '../support/validate.ts';

const doc = spec([
  entity('user', 4000, [
    idCol('user_id'),
    col('taste', 'list<float>', { dirichlet: { alpha: [3, 1, 1, 0.5, 0.5] } }),
    col('tags', 'list<string>', { sample: { choices: ['a', 'b', 'c', 'd', 'e'], weights: [5, 3, 2, 1, 1], k: { min: 1, max: 3 } } }, [], { nullable: true, null_rate: 0.05 }),
    col('embedding', 'list<float>', { vector: { type: 'gamma', params: { shape: 2, scale: 1.5 }, length: 6 } }),
    col('counts', 'list<int>', { vector: { type: 'poisson', params: { lambda: 2 }, length: 3 } }),
  ]),
], { seed: 5 });

describe('validate list columns', () => {
  let file = '';
  it('a generated file passes every list check (score 100)', async () => {
    file = await generateFile(doc);
    const r = await validateFile(doc, file);
    expect(notPassing(r.checks)).toBe('');
    expect(r.score).toBe(100);
    const names = new Set(r.checks.map((c) => c.check));
    for (const c of ['list_length', 'dirichlet_simplex', 'dirichlet_mean', 'sample_distinct', 'sample_values', 'sample_inclusion', 'vector_mean']) expect(names.has(c), c).toBe(true);
    expect(pick(r.checks, 'dirichlet_mean', 'user', 'taste')[0].specPath).toBe('/nodes/0/columns/1');
  }, 60_000);

  it.each([
    ['a share set to 0.5 in 3 rows', ['UPDATE "user" SET taste = [0.5, 0.2, 0.1, 0.1, 0.05] WHERE user_id <= 3'], 'dirichlet_simplex', 'taste', 3],
    ['a share dropped', ['UPDATE "user" SET taste = taste[1:4] WHERE user_id = 10'], 'list_length', 'taste', 1],
    ['a tag repeated', [`UPDATE "user" SET tags = ['a', 'a'] WHERE user_id IN (1, 2)`], 'sample_distinct', 'tags', 2],
    ['an undeclared tag', [`UPDATE "user" SET tags = ['zzz'] WHERE user_id = 7`], 'sample_values', 'tags', 1],
    ['four tags', [`UPDATE "user" SET tags = ['a', 'b', 'c', 'd'] WHERE user_id = 8`], 'list_length', 'tags', 1],
  ])('%s fails %s exactly', async (_what, sql, check, column, count) => {
    const bad = await corruptCopy(file, sql);
    const r = pick((await validateFile(doc, bad)).checks, check, 'user', column)[0];
    expect(r.status).toBe('fail');
    expect(r.hard).toBe(true);
    expect(r.observed).toBe(count);
  }, 60_000);

  it('shares or tags drawn from another distribution fail the soft checks', async () => {
    // Every taste reversed (α read backwards), every tag list's first tag replaced by the rarest.
    const bad = await corruptCopy(file, ['UPDATE "user" SET taste = list_reverse(taste)', `UPDATE "user" SET tags = list_concat(['e'], list_filter(tags, lambda t: t <> 'e'))[1:len(tags)] WHERE tags IS NOT NULL`]);
    const r = (await validateFile(doc, bad)).checks;
    expect(pick(r, 'dirichlet_mean', 'user', 'taste')[0].status).toBe('fail');
    expect(pick(r, 'dirichlet_simplex', 'user', 'taste')[0].status).toBe('pass');
    expect(pick(r, 'sample_inclusion', 'user', 'tags')[0].status).toBe('fail');
    expect(pick(r, 'sample_distinct', 'user', 'tags')[0].status).toBe('pass');
    const shifted = await corruptCopy(file, ['UPDATE "user" SET embedding = list_transform(embedding, lambda x: x + 0.3)']);
    expect(pick((await validateFile(doc, shifted)).checks, 'vector_mean', 'user', 'embedding')[0].status).toBe('fail');
  }, 60_000);
});
