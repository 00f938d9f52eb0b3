import { describe, expect, it } from 'vitest';
import { col, compileDoc, DAY, entity, expectWithin, fact, idCol, runColumns, runDoc, spec } from '../../../support/harness.ts';

// Expressions are deterministic functions of the row, so values are checked exactly against the
// same formula computed here; shares of derived booleans/strings are additionally checked against
// their probability within 5 binomial standard errors (n = 20 000).
const N = 20_000;

const base = [
  col('a', 'float', { distribution: { type: 'normal', params: { mean: 0, std: 1 } } }),
  col('b', 'int', { distribution: { type: 'poisson', params: { lambda: 3 } } }),
];

function poissonCdf(k: number, lambda: number): number {
  let p = Math.exp(-lambda);
  let s = p;
  for (let i = 1; i <= k; i++) s += (p *= lambda / i);
  return s;
}

function eachRow(n: number, check: (i: number) => string | null): void {
  for (let i = 0; i < n; i++) {
    const bad = check(i);
    if (bad) expect.fail(`row ${i}: ${bad}`);
  }
}

describe('expression: values', () => {
  it('arithmetic, powers, floored modulo, functions and conditionals over columns of the row', () => {
    const t = runColumns(N, [
      ...base,
      col('lin', 'float', { expression: { code: 'a * 2 + b - 1' } }),
      col('pow', 'float', { expression: { code: 'a ^ 2 + pow(b, 2)' } }),
      col('mod', 'int', { expression: { code: '(b - 5) % 3' } }),
      col('fns', 'float', { expression: { code: 'max(a, 0) + min(b, 2) + abs(a) + floor(a) + ceil(a) + sqrt(b) + exp(a) + clamp(a, -1, 1)' } }),
      col('cond', 'float', { expression: { code: 'if(b > 3, a, -a) + (a > 0 ? 10 : 20)' } }),
      col('rnd', 'float', { expression: { code: 'round(a * 10)' } }),
    ]);
    const [a, b] = [t.num('a'), t.num('b')];
    const close = (x: number, y: number) => Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y));
    eachRow(N, (i) => {
      const A = a[i];
      const B = b[i];
      if (!close(t.num('lin')[i], A * 2 + B - 1)) return `lin ${t.num('lin')[i]}`;
      if (!close(t.num('pow')[i], A * A + B * B)) return `pow ${t.num('pow')[i]}`;
      if (t.num('mod')[i] !== ((((B - 5) % 3) + 3) % 3)) return `mod ${t.num('mod')[i]} for b=${B}`;
      const fns = Math.max(A, 0) + Math.min(B, 2) + Math.abs(A) + Math.floor(A) + Math.ceil(A) + Math.sqrt(B) + Math.exp(A) + Math.min(1, Math.max(-1, A));
      if (!close(t.num('fns')[i], fns)) return `fns ${t.num('fns')[i]} vs ${fns}`;
      if (!close(t.num('cond')[i], (B > 3 ? A : -A) + (A > 0 ? 10 : 20))) return `cond ${t.num('cond')[i]}`;
      // round half away from zero
      const r = Math.sign(A * 10) * Math.round(Math.abs(A * 10));
      if (t.num('rnd')[i] !== r) return `round ${t.num('rnd')[i]} vs ${r}`;
      return null;
    });
  });

  it('division by zero gives null, and null propagates through arithmetic', () => {
    const t = runColumns(N, [...base, col('q', 'float', { expression: { code: 'a / (b - 2)' } }, [], { nullable: true }), col('q2', 'float', { expression: { code: 'q + 1' } })]);
    const [a, b, q, q2] = [t.num('a'), t.num('b'), t.num('q'), t.num('q2')];
    let nulls = 0;
    eachRow(N, (i) => {
      if (b[i] === 2) {
        nulls++;
        return Number.isNaN(q[i]) && Number.isNaN(q2[i]) ? null : `b=2 gave ${q[i]}, ${q2[i]}`;
      }
      return Math.abs(q[i] - a[i] / (b[i] - 2)) < 1e-12 && Math.abs(q2[i] - q[i] - 1) < 1e-9 ? null : `q ${q[i]}`;
    });
    // P(b = 2) for Poisson(3) = 4.5 e^-3 = 0.224
    const p = 4.5 * Math.exp(-3);
    expectWithin(nulls / N, p, Math.sqrt((p * (1 - p)) / N), 'null share');
  });

  it('string results and string comparisons', () => {
    const t = runColumns(N, [
      ...base,
      col('size', 'string', { expression: { code: 'b > 3 ? "big" : "small"' } }),
      col('is_big', 'bool', { expression: { code: 'size == "big"' } }),
      col('label', 'string', { expression: { code: 'if(a > 0, "pos", "neg")' } }),
    ]);
    const [b, size, isBig] = [t.num('b'), t.str('size'), t.num('is_big')];
    eachRow(N, (i) => (size[i] === (b[i] > 3 ? 'big' : 'small') && isBig[i] === (b[i] > 3 ? 1 : 0) ? null : `${b[i]} ${size[i]} ${isBig[i]}`));
    const p = 1 - poissonCdf(3, 3);
    expectWithin(size.filter((s) => s === 'big').length / N, p, Math.sqrt((p * (1 - p)) / N), 'P(b > 3)');
    const pos = t.str('label').filter((s) => s === 'pos').length / N;
    expectWithin(pos, 0.5, Math.sqrt(0.25 / N), 'P(a > 0)');
  });

  it('a boolean column stores the truth of the expression (and / or / not)', () => {
    const t = runColumns(N, [...base, col('flag', 'bool', { expression: { code: 'a > 0 and (b >= 2 or not (a > 1))' } })]);
    const [a, b, flag] = [t.num('a'), t.num('b'), t.num('flag')];
    eachRow(N, (i) => (flag[i] === (a[i] > 0 && (b[i] >= 2 || !(a[i] > 1)) ? 1 : 0) ? null : `flag ${flag[i]}`));
    // P = P(0 < a ≤ 1) + P(a > 1) P(b ≥ 2) = 0.341345 + 0.158655 (1 − 4 e^-3)
    const p = 0.3413447 + 0.1586553 * (1 - 4 * Math.exp(-3));
    expectWithin(t.num('flag').reduce((s, x) => s + x, 0) / N, p, Math.sqrt((p * (1 - p)) / N), 'share true');
  });

  it('timestamps are epoch ms; date parts are UTC with dow 0 = Monday; days_between(a, b) = (b − a) in days', () => {
    const t = runColumns(N, [
      col('ts', 'datetime', { datetime_series: { freq: 'H' } }),
      col('next', 'datetime', { expression: { code: 'ts + 86400000' } }),
      col('parts', 'int', { expression: { code: 'year(ts) * 100000000 + month(ts) * 1000000 + day(ts) * 10000 + hour(ts) * 100 + dow(ts)' } }),
      col('gap', 'float', { expression: { code: 'days_between(ts, next)' } }),
    ]);
    const [ts, next, parts, gap] = [t.num('ts'), t.num('next'), t.num('parts'), t.num('gap')];
    eachRow(N, (i) => {
      const d = new Date(ts[i]);
      const want = d.getUTCFullYear() * 1e8 + (d.getUTCMonth() + 1) * 1e6 + d.getUTCDate() * 1e4 + d.getUTCHours() * 100 + ((d.getUTCDay() + 6) % 7);
      if (parts[i] !== want) return `parts ${parts[i]} vs ${want}`;
      if (next[i] !== ts[i] + DAY || gap[i] !== 1) return `next ${next[i]} gap ${gap[i]}`;
      return null;
    });
  });
});

describe('expression: references to other tables', () => {
  const doc = spec([
    entity('customers', 2000, [idCol('cid'), col('tier', 'int', { choice: { choices: [1, 2, 3] } }), col('credit', 'float', { distribution: { type: 'uniform', params: { low: 100, high: 200 } } })]),
    entity('products', 50, [idCol('pid'), col('price', 'float', { distribution: { type: 'lognormal', params: { mean: 3, sigma: 0.5 } } })]),
    fact('orders', ['customers', 'products'], [
      idCol('oid'),
      col('cid', 'int', { lookup: { from: 'customers.cid' } }),
      col('pid', 'int', { lookup: { from: 'products.pid' } }),
      col('qty', 'int', { distribution: { type: 'poisson', params: { lambda: 2 } } }),
      col('total', 'float', { expression: { code: 'products.price * qty' } }),
      col('limit_left', 'float', { expression: { code: 'parent.credit - total' } }),
      col('tier_name', 'string', { expression: { code: 'parent.tier == 1 ? "gold" : "other"' } }),
    ], { fanout: { distribution: 'poisson', lambda: 10 } }),
  ]);

  it('parent.col reads the primary parent row; <table>.col reads the row picked for that table (the same one lookups use)', () => {
    const r = runDoc(doc);
    const c = r.table('customers');
    const p = r.table('products');
    const o = r.table('orders');
    expect(o.rows).toBeGreaterThan(N - 1000);
    const credit = new Map<number, number>();
    const tier = new Map<number, number>();
    c.num('cid').forEach((id, i) => (credit.set(id, c.num('credit')[i]), tier.set(id, c.num('tier')[i])));
    const price = new Map<number, number>();
    p.num('pid').forEach((id, i) => price.set(id, p.num('price')[i]));
    const [cid, pid, qty, total, left, tierName] = [o.num('cid'), o.num('pid'), o.num('qty'), o.num('total'), o.num('limit_left'), o.str('tier_name')];
    eachRow(o.rows, (i) => {
      const tot = price.get(pid[i])! * qty[i];
      if (Math.abs(total[i] - tot) > 1e-9 * Math.max(1, tot)) return `total ${total[i]} vs ${tot} (pid ${pid[i]})`;
      if (Math.abs(left[i] - (credit.get(cid[i])! - tot)) > 1e-9 * 1000) return `limit_left ${left[i]}`;
      if (tierName[i] !== (tier.get(cid[i]) === 1 ? 'gold' : 'other')) return `tier ${tierName[i]}`;
      return null;
    });
  });

  it('unknown columns and parent references without a parent are compile errors', () => {
    const errors = (code: string) => compileDoc(spec([entity('t', 10, [idCol(), col('x', 'float', { expression: { code } })])])).diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);
    expect(errors('nope + 1')).toEqual(['DG_UNKNOWN_COLUMN']);
    expect(errors('x + 1')).toEqual(['DG_UNKNOWN_COLUMN']);
    expect(errors('parent.id')).toEqual(['DG_NO_PARENT']);
  });

  it('a string result in a numeric or bool column is DG_TYPE_MISMATCH at compile (it would be all NULL); in a string column it is fine', () => {
    const diags = (type: string, code: string) => compileDoc(spec([entity('t', 10, [idCol(), col('s', 'string', { enum_list: { values: ['a'] } }), col('x', type, { expression: { code } })])])).diagnostics.filter((d) => d.severity === 'error');
    for (const type of ['int', 'float', 'bool', 'datetime']) {
      const d = diags(type, 'if(id > 3, "big", "small")');
      expect(d.map((x) => x.code), type).toEqual(['DG_TYPE_MISMATCH']);
      expect(d[0].path).toBe('/nodes/0/columns/2/generator/expression/code');
    }
    expect(diags('string', 'if(id > 3, "big", "small")')).toEqual([]);
    expect(diags('bool', 's == "a"')).toEqual([]);
  });
});
