import { describe, expect, it } from 'vitest';
import { Hierarchy } from '../../../src/model/hierarchy.ts';

function childCounts(h: Hierarchy, n: number): Int32Array {
  const c = new Int32Array(n);
  for (let i = 0; i < n; i++) if (h.parentOf(i) >= 0) c[h.parentOf(i)]++;
  return c;
}

describe('Hierarchy (pure tree over earlier rows)', () => {
  it('points only at earlier rows; row 0 and the first `roots` rows are roots', () => {
    const h = new Hierarchy({ stream: 7, roots: 3, concentration: 0.5, maxDepth: null });
    for (let i = 0; i < 3; i++) expect(h.parentOf(i)).toBe(-1);
    const bad: number[] = [];
    for (let i = 3; i < 20_000; i++) {
      const p = h.parentOf(i);
      if (!(p >= 0 && p < i && h.depthOf(i) === h.depthOf(p) + 1)) bad.push(i);
    }
    expect(bad).toEqual([]);
  });

  it('is the same whatever order or range the rows are asked in (chunks, workers, shards)', () => {
    const params = { stream: 99, rootShare: 0.02, concentration: 0.6, maxDepth: 5 };
    const whole = new Hierarchy(params);
    whole.ensure(50_000);
    const late = new Hierarchy(params);
    // A shard that starts at row 40,000 asks for its rows first.
    const tail = Array.from({ length: 10_000 }, (_, k) => late.parentOf(40_000 + k));
    expect(tail).toEqual(Array.from({ length: 10_000 }, (_, k) => whole.parentOf(40_000 + k)));
    for (let i = 0; i < 50_000; i += 997) expect(late.depthOf(i)).toBe(whole.depthOf(i));
    const other = new Hierarchy({ ...params, stream: 100 });
    let same = 0;
    for (let i = 1000; i < 2000; i++) if (other.parentOf(i) === whole.parentOf(i)) same++;
    expect(same).toBeLessThan(100); // another seed gives another tree
  });

  it('concentration 0: children per row are geometric (leaf share 1/2, one child 1/4), depth of row i ≈ H_i', () => {
    const n = 200_000;
    const h = new Hierarchy({ stream: 1, roots: 1, concentration: 0, maxDepth: null });
    const c = childCounts(h, n);
    const share = (k: number) => c.filter((x) => x === k).length / n;
    expect(share(0)).toBeCloseTo(0.5, 2);
    expect(share(1)).toBeCloseTo(0.25, 2);
    expect(share(2)).toBeCloseTo(0.125, 2);
    // Random recursive tree: E[depth of row i] = H_i, so the mean over rows is (1/n) Σ_{i<n} H_i. The mean depth
    // of one tree has a spread of about 0.65 whatever n (its rows share their early ancestors): average 40 trees.
    const m = 20_000;
    let expected = 0;
    let hi = 0;
    for (let i = 1; i < m; i++) expected += hi += 1 / i;
    expected /= m;
    let mean = 0;
    for (let t = 0; t < 40; t++) {
      const tree = new Hierarchy({ stream: 1000 + t, roots: 1, concentration: 0, maxDepth: null });
      for (let i = 0; i < m; i++) mean += tree.depthOf(i);
    }
    mean /= 40 * m;
    expect(Math.abs(mean - expected)).toBeLessThan(0.35);
  });

  it('concentration r: leaf share 1/(2 − r) and a heavy tail of children', () => {
    const n = 200_000;
    for (const r of [0.5, 0.8]) {
      const h = new Hierarchy({ stream: 5, roots: 1, concentration: r, maxDepth: null });
      const c = childCounts(h, n);
      const leaves = c.filter((x) => x === 0).length / n;
      expect(Math.abs(leaves - 1 / (2 - r))).toBeLessThan(0.01);
      // n_1 = n_0 (1 − r) / (2 + r − 1) = n_0 (1 − r)/(1 + ... ): recurrence n_k = n_{k−1} A_{k−1} / (1 + A_k), A_k = 1 − r + r k.
      const a = (k: number) => 1 - r + r * k;
      const n1 = (1 / (2 - r)) * a(0) / (1 + a(1));
      expect(Math.abs(c.filter((x) => x === 1).length / n - n1)).toBeLessThan(0.01);
    }
    const flat = childCounts(new Hierarchy({ stream: 5, roots: 1, concentration: 0, maxDepth: null }), n);
    const skew = childCounts(new Hierarchy({ stream: 5, roots: 1, concentration: 0.8, maxDepth: null }), n);
    expect(skew.reduce((a, b) => Math.max(a, b), 0)).toBeGreaterThan(20 * flat.reduce((a, b) => Math.max(a, b), 0));
  });

  it('max_depth bounds every row and is reached; root_share gives that share of roots', () => {
    const n = 100_000;
    const h = new Hierarchy({ stream: 3, rootShare: 0.01, concentration: 0.3, maxDepth: 4 });
    let deepest = 0;
    let roots = 0;
    const bad: number[] = [];
    for (let i = 0; i < n; i++) {
      deepest = Math.max(deepest, h.depthOf(i));
      if (h.parentOf(i) < 0) roots++;
      const path = h.pathOf(i);
      if (!(path.length === h.depthOf(i) + 1 && path[path.length - 1] === i && h.parentOf(path[0]) === -1 && path[0] === h.rootOf(i))) bad.push(i);
    }
    expect(bad).toEqual([]);
    expect(deepest).toBe(4);
    // Binomial(n − 1, 0.01): sd ≈ 31.
    expect(Math.abs(roots - (1 + 0.01 * (n - 1)))).toBeLessThan(5 * 31);
    const flat = new Hierarchy({ stream: 3, roots: 1, concentration: 0, maxDepth: 1 });
    for (let i = 1; i < 1000; i++) expect(flat.parentOf(i)).toBe(0);
    const none = new Hierarchy({ stream: 3, roots: 1, concentration: 0, maxDepth: 0 });
    for (let i = 0; i < 100; i++) expect(none.parentOf(i)).toBe(-1);
  });

  it('refuses parameters outside their range', () => {
    expect(() => new Hierarchy({ stream: 1, concentration: 1, maxDepth: null })).toThrow(/concentration/);
    expect(() => new Hierarchy({ stream: 1, concentration: 0, maxDepth: -1 })).toThrow(/max_depth/);
    expect(() => new Hierarchy({ stream: 1, rootShare: 2, concentration: 0, maxDepth: null })).toThrow(/root_share/);
  });
});
