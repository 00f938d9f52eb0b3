/**
 * The scoring side of the infer round trip (tests/support/roundtrip.ts), on small specs whose truth is known by
 * construction: what counts as a key, a family, a weight or a fanout, what is left out and why, and how an inferred
 * spec that gets some of it wrong is scored.
 */
import { describe, expect, it } from 'vitest';
import { compileOrThrow } from '../support/run-spec.ts';
import { choiceWeights, inferredWeights, planTruth, scoreRoundTrip, valueKey, type Observed } from '../support/roundtrip.ts';

const base = { version: '1.0', metadata: { name: 't' }, timeframe: { start: '2025-01-01T00:00:00Z', end: '2025-03-31T23:59:59Z', freq: 'D' }, seed: 1 };

/** An example-like spec: an entity (a tree, a choice, a normal, an expression, a trended value) and its fact. */
function exampleSpec(o: { lifetime?: boolean; fanoutLambda?: number } = {}) {
  return {
    ...base,
    nodes: [
      { id: 'users', kind: 'entity', pk: 'user_id', rows: 1000, ...(o.lifetime ? {} : { lifetime: false }), columns: [
        { name: 'user_id', type: 'int', generator: { sequence: { start: 1 } } },
        { name: 'manager_id', type: 'int', nullable: true, generator: { lookup: { from: 'users.user_id', hierarchy: { roots: 1, concentration: 0.3, max_depth: 4 } } } },
        { name: 'country', type: 'string', generator: { choice: { choices: ['US', 'DE', 'FR'], weights: [0.5, 0.3, 0.2] } } },
        { name: 'age', type: 'float', generator: { distribution: { type: 'normal', params: { mean: 40, std: 10 } } } },
        { name: 'score', type: 'float', generator: { expression: { code: 'age * 2' } } },
        { name: 'spend', type: 'float', generator: { distribution: { type: 'gamma', params: { shape: 2, scale: 10 } } },
          modifiers: [{ transform: 'trend', args: { type: 'linear', growth_rate: 0.5 } }] },
        { name: 'signed_up_at', type: 'datetime', generator: { datetime_series: { within: 'timeframe', freq: 'D' } } },
      ] },
      { id: 'orders', kind: 'fact', parents: ['users'], pk: 'order_id', fanout: { distribution: 'poisson', lambda: o.fanoutLambda ?? 20 }, columns: [
        { name: 'order_id', type: 'int', generator: { sequence: { start: 1 } } },
        { name: 'user_id', type: 'int', generator: { lookup: { from: 'users.user_id' } } },
        { name: 'approver_id', type: 'int', nullable: true, generator: { lookup: { from: 'users.manager_id' } } },
        { name: 'user_country', type: 'string', generator: { lookup: { from: 'users.country' } } },
        { name: 'amount', type: 'float', generator: { distribution: { type: 'lognormal', params: { mean: 3, sigma: 0.5 } } } },
        { name: 'ordered_at', type: 'datetime', generator: { datetime_series: { within: 'timeframe', freq: 'H' } } },
      ] },
    ],
  };
}

describe('planTruth', () => {
  const truth = planTruth(compileOrThrow(exampleSpec()));

  it('keys: written primary keys; lookups of a pk, also through a copied key and a tree parent', () => {
    expect(truth.primaryKeys).toEqual([{ table: 'users', column: 'user_id' }, { table: 'orders', column: 'order_id' }]);
    const fks = truth.foreignKeys.map((f) => `${f.table}.${f.column}->${f.refTable}.${f.refColumn}`);
    expect(fks.sort()).toEqual(['orders.approver_id->users.user_id', 'orders.user_id->users.user_id', 'users.manager_id->users.user_id']);
  });

  it('families of plain distributions, weights of choices; the rest left out with a reason', () => {
    expect(truth.numeric).toEqual([{ table: 'users', column: 'age', family: 'normal' }, { table: 'orders', column: 'amount', family: 'lognormal' }]);
    expect(truth.categorical).toHaveLength(1);
    const w = truth.categorical[0]!.weights;
    expect(Object.keys(w)).toEqual(['US', 'DE', 'FR']);
    expect(w.US).toBeCloseTo(0.5, 12);
    expect(w.DE).toBeCloseTo(0.3, 12);
    expect(w.FR).toBeCloseTo(0.2, 12);
    const out = Object.fromEntries(truth.excluded.map((e) => [`${e.table}.${e.column}`, e]));
    expect(Object.keys(out).sort()).toEqual(['orders.user_country', 'users.score', 'users.spend']);
    expect(out['users.score']).toMatchObject({ ratio: 'numeric', reason: expect.stringMatching(/expression .*age \* 2.*correlation/) });
    expect(out['users.spend']).toMatchObject({ ratio: 'numeric', reason: expect.stringMatching(/modifiers \(trend\)/) });
    expect(out['orders.user_country']).toMatchObject({ ratio: 'categorical', reason: expect.stringMatching(/lookup of users\.country/) });
  });

  it('a plain fanout keeps its declared mean; a parent with a lifetime makes it the data\'s', () => {
    expect(truth.fanouts).toEqual([{ table: 'orders', parent: 'users', declaredMean: 20, notPlain: null, sd: Math.sqrt(20) }]);
    const withLifetime = planTruth(compileOrThrow(exampleSpec({ lifetime: true })));
    expect(withLifetime.fanouts[0]!.notPlain).toMatch(/lifetime/);
  });
});

describe('scoreRoundTrip', () => {
  const truthPlan = compileOrThrow(exampleSpec());
  const truth = planTruth(truthPlan);
  const observed = (n: number, shares: Record<string, number>): Observed => ({ rows: { users: 1000, orders: 20_500 }, shares: { 'users.country': { n, shares } } });

  /** What an infer might emit: the example with some parts replaced. */
  function inferredSpec(change: (s: any) => void) {
    const s: any = exampleSpec({ fanoutLambda: 22 });
    s.constraints = { unique: ['users.user_id', 'orders.order_id'], foreign_keys: [{ from: 'orders.user_id', to: 'users.user_id' }, { from: 'orders.approver_id', to: 'users.user_id' }] };
    change(s);
    return s;
  }

  it('counts a wrong family, a weight error, a fanout error and a missing key', () => {
    const spec = inferredSpec((s) => {
      s.nodes[0].columns[3].generator = { distribution: { type: 'uniform', params: { min: 10, max: 70 } } };
      s.nodes[0].columns[2].generator = { choice: { choices: ['US', 'DE', 'FR'], weights: [0.53, 0.27, 0.2] } };
    });
    const score = scoreRoundTrip(truth, compileOrThrow(spec), spec, observed(20_000, { US: 0.52, DE: 0.28, FR: 0.2 }), () => 20.5);
    expect(score.numeric.map((n) => [n.column, n.got, n.right])).toEqual([['age', 'uniform', false], ['amount', 'lognormal', true]]);
    expect(score.rightFamilyShare).toBe(0.5);
    // 20,000 rows: the declared weights are the truth (0.5 / 0.3 / 0.2), the source's shares a second figure.
    expect(score.categorical[0]).toMatchObject({ truthFrom: 'declared', got: 'choice' });
    expect(score.categorical[0]!.error).toBeCloseTo(0.03, 12);
    expect(score.categorical[0]!.errorVsSource).toBeCloseTo(0.01, 12);
    // 1,000 parents of Poisson(20): 4 SE = 0.57 < 5 % of 20, so the declared mean is the truth; 22 is 10 % off.
    expect(score.fanouts).toEqual([expect.objectContaining({ truthFrom: 'declared', truth: 20, got: 22, error: expect.closeTo(0.1, 12) })]);
    expect(score.missingPrimaryKeys).toEqual([]);
    expect(score.missingForeignKeys).toEqual(['users.manager_id->users.user_id']);
    expect(score.extraForeignKeys).toEqual([]);
  });

  it('few rows: the source\'s shares are the truth, and it says why', () => {
    const spec = inferredSpec((s) => { s.nodes[0].columns[2].generator = { choice: { choices: ['US', 'DE', 'FR'], weights: [0.56, 0.24, 0.2] } }; });
    const score = scoreRoundTrip(truth, compileOrThrow(spec), spec, observed(1000, { US: 0.56, DE: 0.24, FR: 0.2 }), () => 20.5);
    expect(score.categorical[0]).toMatchObject({ truthFrom: 'source', why: expect.stringMatching(/1000 rows/) });
    expect(score.categorical[0]!.error).toBeCloseTo(0, 6);
  });

  it('a parent of too few rows for a 5 % check: the fanout truth is the source\'s mean', () => {
    const small = compileOrThrow({ ...exampleSpec(), nodes: exampleSpec().nodes.map((n: any) => (n.id === 'users' ? { ...n, rows: 20 } : n)) });
    const t = planTruth(small);
    const spec = inferredSpec(() => {});
    const score = scoreRoundTrip(t, compileOrThrow(spec), spec, { rows: { users: 20, orders: 430 }, shares: {} }, () => 21.5);
    expect(score.fanouts[0]).toMatchObject({ truthFrom: 'source', truth: 21.5, got: 22, why: expect.stringMatching(/20 users rows/) });
    expect(score.fanouts[0]!.error).toBeCloseTo(0.5 / 21.5, 12);
  });

  it('a missing column or a non-choice generator is scored as a miss, not skipped', () => {
    const spec = inferredSpec((s) => {
      s.nodes[0].columns = s.nodes[0].columns.filter((c: any) => c.name !== 'age' && c.name !== 'score');
      s.nodes[0].columns.find((c: any) => c.name === 'country').generator = { faker: { method: 'country' } };
    });
    const score = scoreRoundTrip(truth, compileOrThrow(spec), spec, observed(20_000, { US: 0.5, DE: 0.3, FR: 0.2 }), () => 20.5);
    expect(score.numeric[0]).toMatchObject({ column: 'age', got: 'missing', right: false });
    expect(score.categorical[0]).toMatchObject({ got: 'faker', error: null });
    expect(score.maxCategoricalError).toBe(Infinity);
  });
});

describe('weights', () => {
  it('choice weights are the differences of its cdf; values keyed one way whatever carried them', () => {
    expect(choiceWeights([1, 2, 1], [0.25, 0.5, 1])).toEqual({ 1: 0.75, 2: 0.25 });
    expect([valueKey(2n), valueKey(2), valueKey(0.1), valueKey(true), valueKey('x')]).toEqual(['2', '2', '0.1', 'true', 'x']);
  });

  it('a discrete distribution in place of a choice: its probabilities at the truth\'s values (a clamp\'s mass on its bound)', () => {
    const spec = { ...base, nodes: [{ id: 'place', kind: 'entity', pk: 'id', rows: 10, lifetime: false, columns: [
      { name: 'id', type: 'int', generator: { sequence: { start: 1 } } },
      { name: 'category', type: 'int', generator: { choice: { choices: [1, 2, 3, 4], weights_kind: 'zipf@0.5' } } },
      { name: 'zipf', type: 'int', generator: { distribution: { type: 'zipf', params: { s: 0.5, n: 4 } } } },
      { name: 'items', type: 'int', generator: { distribution: { type: 'poisson', params: { lambda: 2 }, clamp: [1, 3] } } },
    ] }] };
    const plan = compileOrThrow(spec);
    const cols = plan.tables[0]!.columns;
    const truth = planTruth(plan).categorical[0]!;
    const zipf = inferredWeights(plan, 'place', cols.find((c) => c.name === 'zipf')!, Object.keys(truth.weights))!;
    for (const k of ['1', '2', '3', '4']) expect(zipf[k]).toBeCloseTo(truth.weights[k]!, 12);
    const e2 = Math.exp(-2);
    const items = inferredWeights(plan, 'place', cols.find((c) => c.name === 'items')!, ['0', '1', '2', '3', '4'])!;
    expect(Object.keys(items).sort()).toEqual(['1', '2', '3']);
    expect(items['1']).toBeCloseTo(e2 * (1 + 2), 12); // P(0) + P(1) on the lower bound
    expect(items['2']).toBeCloseTo(e2 * 2, 12);
    expect(items['3']).toBeCloseTo(1 - e2 * (1 + 2 + 2), 12); // P(≥ 3) on the upper bound
  });

  it('a column drawn from a lookup table ∝ its weight column: the summed weights per value', () => {
    const spec = {
      ...base,
      nodes: [
        { id: 'combo', kind: 'vocab', columns: [
          { name: 'plan', type: 'string', generator: { enum_list: { values: ['free', 'pro', 'free'] } } },
          { name: 'fee', type: 'float', generator: { enum_list: { values: [0, 10, 0] } } },
          { name: 'weight', type: 'int', generator: { enum_list: { values: [30, 50, 20] } } },
        ] },
        { id: 'account', kind: 'entity', pk: 'id', rows: 10, lifetime: false, columns: [
          { name: 'id', type: 'int', generator: { sequence: { start: 1 } } },
          { name: 'plan', type: 'string', generator: { lookup: { from: 'combo.plan', weights_by: 'combo.weight' } } },
          { name: 'fee', type: 'float', generator: { lookup: { from: 'combo.fee', weights_by: 'combo.weight' } } },
        ] },
      ],
    };
    const plan = compileOrThrow(spec);
    const account = plan.tables.find((t) => t.id === 'account')!;
    expect(inferredWeights(plan, 'account', account.columns.find((c) => c.name === 'plan')!)).toEqual({ free: 0.5, pro: 0.5 });
    expect(inferredWeights(plan, 'account', account.columns.find((c) => c.name === 'id')!)).toBeNull();
  });
});
