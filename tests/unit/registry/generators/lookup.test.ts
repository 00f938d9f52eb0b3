import { describe, expect, it } from 'vitest';
import { chiSquare, col, compileDoc, counts, entity, expectShares, expectWithin, fact, idCol, runDoc, spec, vocab } from '../../../support/harness.ts';

// Structural properties (FK equals the parent's key, shared picks, `on` matches) are checked on
// every row; pick frequencies within 5 binomial standard errors per row value plus a chi-square at
// upper-tail z = 5 (harness.ts). About 20 000 child rows per check.
const N = 20_000;

const customers = entity('customers', 2000, [
  idCol('cid', 1000),
  col('segment', 'string', { choice: { choices: ['A', 'B', 'C'], weights: [5, 3, 2] } }),
  col('score', 'float', { distribution: { type: 'normal', params: { mean: 50, std: 10 } } }),
]);
const products = entity('products', 40, [
  idCol('pid', 100),
  col('price', 'float', { distribution: { type: 'uniform', params: { low: 1, high: 100 } } }),
  col('category', 'string', { choice: { choices: ['x', 'y', 'z', 'w'] } }),
  col('popularity', 'float', { sequence: { start: 1 } }),
]);

function byKey<T>(keys: ArrayLike<number>, values: ArrayLike<T>): Map<number, T> {
  const m = new Map<number, T>();
  for (let i = 0; i < keys.length; i++) m.set(keys[i], values[i]);
  return m;
}

describe('lookup: primary parent (the FK)', () => {
  const doc = spec([
    customers,
    products,
    fact('orders', ['customers', 'products'], [
      idCol('oid'),
      col('cid', 'int', { lookup: { from: 'customers.cid' } }),
      col('segment', 'string', { lookup: { from: 'customers.segment' } }),
      col('pid', 'int', { lookup: { from: 'products.pid' } }),
      col('price', 'float', { lookup: { from: 'products.price' } }),
      col('category', 'string', { lookup: { from: 'products.category' } }),
    ], { fanout: { distribution: 'poisson', lambda: 10 } }),
  ]);
  const r = runDoc(doc);
  const c = r.table('customers');
  const o = r.table('orders');

  it('every child carries its parent\'s key and the parent\'s other columns; children are grouped by parent', () => {
    const seg = byKey(c.num('cid'), c.str('segment'));
    const [cid, segment] = [o.num('cid'), o.str('segment')];
    for (let i = 0; i < o.rows; i++) {
      if (!seg.has(cid[i])) expect.fail(`row ${i}: cid ${cid[i]} is not a customer`);
      if (segment[i] !== seg.get(cid[i])) expect.fail(`row ${i}: segment ${segment[i]} is not customer ${cid[i]}'s`);
      if (i > 0 && cid[i] < cid[i - 1]) expect.fail(`row ${i}: children not in parent order`);
    }
    // Poisson(10) children per parent: total ~ Poisson(20 000), SE √20 000
    expectWithin(o.rows, 2000 * 10, Math.sqrt(2000 * 10), 'children');
  });

  it('a non-primary table: one row picked per child row, shared by every lookup from that table', () => {
    const p = r.table('products');
    const price = byKey(p.num('pid'), p.num('price'));
    const cat = byKey(p.num('pid'), p.str('category'));
    const [pid, pr, ca] = [o.num('pid'), o.num('price'), o.str('category')];
    for (let i = 0; i < o.rows; i++) {
      if (pr[i] !== price.get(pid[i]) || ca[i] !== cat.get(pid[i])) expect.fail(`row ${i}: product ${pid[i]} has price ${price.get(pid[i])} / ${cat.get(pid[i])}, row has ${pr[i]} / ${ca[i]}`);
    }
    // uniform picks: every product 1/40
    const cnt = counts(pid);
    const ids = Array.from(p.num('pid'));
    const chi = chiSquare(ids.map((id) => cnt.get(id) ?? 0), ids.map(() => 1 / 40));
    expect(chi.stat, `uniform picks chi-square (df ${chi.df})`).toBeLessThan(chi.critical);
  });
});

describe('lookup: weights_by', () => {
  it('rows are picked ∝ the weights_by column; other lookups from the table share the weighted pick', () => {
    const doc = spec([
      products,
      entity('sales', N, [
        idCol('sid'),
        col('pid', 'int', { lookup: { from: 'products.pid', weights_by: 'products.popularity' } }),
        col('price', 'float', { lookup: { from: 'products.price' } }),
      ]),
    ]);
    const r = runDoc(doc);
    const p = r.table('products');
    const s = r.table('sales');
    const pop = Array.from(p.num('popularity'));
    const total = pop.reduce((a, b) => a + b, 0);
    expectShares(s.num('pid'), new Map(Array.from(p.num('pid'), (id, i) => [id, pop[i] / total])), 'weights_by');
    const price = byKey(p.num('pid'), p.num('price'));
    s.num('pid').forEach((id, i) => {
      if (s.num('price')[i] !== price.get(id)) expect.fail(`row ${i}: price not from product ${id}`);
    });
  });

  it('rows with zero or null weight are never picked', () => {
    const doc = spec([
      vocab('items', [idCol('iid'), col('w', 'float', { enum_list: { values: [0, 1, null, 3, -2] } }, [], { nullable: true })]),
      entity('t', N, [idCol(), col('iid', 'int', { lookup: { from: 'items.iid', weights_by: 'items.w' } })]),
    ]);
    expectShares(runDoc(doc).table('t').num('iid'), new Map([[2, 0.25], [4, 0.75]]), 'weights 0/null/negative');
  });

  it('weights_by from another table is DG_BAD_REFERENCE', () => {
    const r = compileDoc(spec([products, customers, entity('t', 10, [idCol(), col('pid', 'int', { lookup: { from: 'products.pid', weights_by: 'customers.score' } })])]));
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['DG_BAD_REFERENCE']);
  });
});

describe('lookup: on', () => {
  const courses = vocab('courses', [
    col('course_id', 'int', { enum_list: { values: [1, 2, 3, 4, 5] } }),
    col('title', 'string', { enum_list: { values: ['Algebra', 'Biology', 'Chemistry', 'Drama', 'Economics'] } }),
  ], { pk: 'course_id' });
  const titles = ['Algebra', 'Biology', 'Chemistry', 'Drama', 'Economics'];

  function check(t: { num(c: string): Float64Array; str(c: string): (string | null)[] }, key: string, column: string) {
    const [k, title] = [t.num(key), t.str(column)];
    let nulls = 0;
    for (let i = 0; i < k.length; i++) {
      const want = k[i] >= 1 && k[i] <= 5 ? titles[k[i] - 1] : null;
      if (title[i] !== want) expect.fail(`row ${i}: key ${k[i]} → ${title[i]}, expected ${want}`);
      if (want === null) nulls++;
    }
    // 1 of 6 keys has no match: null share 1/6 ± 5 SE
    expectWithin(nulls / k.length, 1 / 6, Math.sqrt((1 / 6) * (5 / 6) / k.length), 'no-match share');
  }

  it('{this_col: other_col}: the matching row; no match → null', () => {
    const doc = spec([courses, entity('enrol', N, [idCol(), col('course_id', 'int', { choice: { choices: [1, 2, 3, 4, 5, 99] } }), col('title', 'string', { lookup: { from: 'courses.title', on: { course_id: 'course_id' } } }, [], { nullable: true })])]);
    check(runDoc(doc).table('enrol'), 'course_id', 'title');
  });

  it('the earlier tool\'s {this_key, other_key?} form: same name, explicit other_key, or the other table\'s pk', () => {
    const doc = spec([
      courses,
      entity('enrol', N, [
        idCol(),
        col('course_id', 'int', { choice: { choices: [1, 2, 3, 4, 5, 99] } }),
        col('code', 'int', { choice: { choices: [1, 2, 3, 4, 5, 0] } }),
        col('t1', 'string', { lookup: { from: 'courses.title', on: { this_key: 'course_id' } } }, [], { nullable: true }),
        col('t2', 'string', { lookup: { from: 'courses.title', on: { this_key: 'code', other_key: 'course_id' } } }, [], { nullable: true }),
        col('t3', 'string', { lookup: { from: 'courses.title', on: { this_key: 'code' } } }, [], { nullable: true }),
      ]),
    ]);
    const r = compileDoc(doc);
    const e = r.diagnostics.filter((d) => d.severity === 'error');
    if (e.length) {
      // The schema's `on` only allows string values matching an identifier: {this_key: "course_id"} passes,
      // but report clearly if a form is rejected.
      expect.fail(e.map((d) => `${d.path} ${d.code} ${d.message}`).join('\n'));
    }
    const t = runDoc(doc).table('enrol');
    check(t, 'course_id', 't1');
    check(t, 'code', 't2');
    check(t, 'code', 't3'); // "code" is not a column of courses → its pk course_id
  });

  it('several matching rows → a keyed random one of them, uniformly', () => {
    const doc = spec([
      vocab('prices', [col('k', 'string', { enum_list: { values: ['a', 'a', 'a', 'b'] } }), col('v', 'int', { enum_list: { values: [1, 2, 3, 4] } })], { pk: undefined }),
      entity('t', N, [idCol(), col('k', 'string', { choice: { choices: ['a', 'b'], weights: [3, 1] } }), col('v', 'int', { lookup: { from: 'prices.v', on: { k: 'k' } } })]),
    ]);
    const t = runDoc(doc).table('t');
    const [k, v] = [t.str('k'), t.num('v')];
    const vs: number[] = [];
    for (let i = 0; i < N; i++) {
      if (k[i] === 'b' && v[i] !== 4) expect.fail(`row ${i}: b → ${v[i]}`);
      if (k[i] === 'a') vs.push(v[i]);
    }
    expectShares(vs, new Map([[1, 1 / 3], [2, 1 / 3], [3, 1 / 3]]), 'among matches');
  });

  it('several keys must all match', () => {
    const doc = spec([
      vocab('grid', [
        col('x', 'int', { enum_list: { values: [0, 0, 1, 1] } }),
        col('y', 'string', { enum_list: { values: ['p', 'q', 'p', 'q'] } }),
        col('v', 'string', { enum_list: { values: ['0p', '0q', '1p', '1q'] } }),
      ], { pk: undefined }),
      entity('t', N, [idCol(), col('x', 'int', { choice: { choices: [0, 1, 2] } }), col('y', 'string', { choice: { choices: ['p', 'q'] } }), col('v', 'string', { lookup: { from: 'grid.v', on: { x: 'x', y: 'y' } } }, [], { nullable: true })]),
    ]);
    const t = runDoc(doc).table('t');
    const [x, y, v] = [t.num('x'), t.str('y'), t.str('v')];
    for (let i = 0; i < N; i++) {
      const want = x[i] === 2 ? null : `${x[i]}${y[i]}`;
      if (v[i] !== want) expect.fail(`row ${i}: ${x[i]},${y[i]} → ${v[i]}`);
    }
  });
});
