import { describe, expect, it } from 'vitest';
import { GraphModel, type GraphParams } from '../../../src/model/graph.ts';

function params(over: Partial<GraphParams> & { n: number; degree?: number }): GraphParams {
  const degrees = over.degrees ?? new Int32Array(over.n).fill(over.degree ?? 5);
  return { stream: 11, weights: null, groups: null, homophily: 0, reciprocity: 0, undirected: false, allowSelfLoops: false, uniquePairs: true, ...over, degrees };
}

function allEdges(g: GraphModel, n: number): [number, number][] {
  const out: [number, number][] = [];
  const miscounted: number[] = [];
  for (let s = 0; s < n; s++) {
    const e = g.edges(s);
    if (e.source.length !== g.count(s)) miscounted.push(s);
    for (let k = 0; k < e.source.length; k++) out.push([e.source[k], e.target[k]]);
  }
  expect(miscounted).toEqual([]);
  return out;
}

function duplicates(edges: [number, number][]): number {
  const seen = new Set<string>();
  let d = 0;
  for (const [a, b] of edges) {
    const k = `${a},${b}`;
    if (seen.has(k)) d++;
    seen.add(k);
  }
  return d;
}

describe('GraphModel (edges drawn per source node)', () => {
  it('directed: no self-loops and no duplicate pairs, exactly, even when nodes want more targets than exist', () => {
    for (const n of [2, 5, 30]) {
      const g = new GraphModel(params({ n, degree: 40, reciprocity: 0.5 }));
      const edges = allEdges(g, n);
      expect(edges.filter(([a, b]) => a === b)).toEqual([]);
      expect(duplicates(edges)).toBe(0);
      for (let s = 0; s < n; s++) expect(g.drawn(s).length).toBe(n - 1); // every other node, once
    }
  });

  it('undirected: each pair once with source < target, also when both ends drew each other', () => {
    const n = 40;
    const g = new GraphModel(params({ n, degree: 15, undirected: true }));
    const edges = allEdges(g, n);
    expect(edges.every(([a, b]) => a < b)).toBe(true);
    expect(duplicates(edges)).toBe(0);
    // The pairs are exactly the union of the draws.
    const union = new Set<string>();
    for (let s = 0; s < n; s++) for (const t of g.drawn(s)) union.add(`${Math.min(s, t)},${Math.max(s, t)}`);
    expect(edges.length).toBe(union.size);
  });

  it('self-loops and duplicates when allowed', () => {
    const n = 3;
    const g = new GraphModel(params({ n, degree: 30, allowSelfLoops: true, uniquePairs: false }));
    const edges = allEdges(g, n);
    expect(edges.length).toBe(90);
    expect(edges.some(([a, b]) => a === b)).toBe(true);
    expect(duplicates(edges)).toBeGreaterThan(0);
  });

  it('is a pure function of (stream, node): the same draws whatever else is asked', () => {
    const a = new GraphModel(params({ n: 1000, degree: 4, reciprocity: 0.3 }));
    const b = new GraphModel(params({ n: 1000, degree: 4, reciprocity: 0.3 }));
    for (let s = 999; s >= 0; s -= 7) expect([...b.edges(s).target]).toEqual([...a.edges(s).target]);
    const c = new GraphModel(params({ n: 1000, degree: 4, reciprocity: 0.3, stream: 12 }));
    expect([...c.drawn(5)]).not.toEqual([...a.drawn(5)]);
  });

  it('reciprocity r is the share of directed edges whose reverse exists', () => {
    const n = 20_000;
    for (const r of [0.2, 0.6]) {
      const g = new GraphModel(params({ n, degree: 5, reciprocity: r }));
      const edges = allEdges(g, n);
      const set = new Set(edges.map(([a, b]) => a * n + b));
      const recip = edges.filter(([a, b]) => set.has(b * n + a)).length / edges.length;
      expect(Math.abs(recip - r)).toBeLessThan(0.01);
      expect(duplicates(edges)).toBe(0);
    }
  });

  it('homophily h is the share of edges joining equal groups (h, not h + chance)', () => {
    const n = 20_000;
    const groups = Int32Array.from({ length: n }, (_, i) => i % 4);
    for (const h of [0, 0.7]) {
      const g = new GraphModel(params({ n, degree: 6, groups, homophily: h, undirected: true }));
      const edges = allEdges(g, n);
      const same = edges.filter(([a, b]) => groups[a] === groups[b]).length / edges.length;
      expect(Math.abs(same - h)).toBeLessThan(0.01);
    }
  });

  it('homophily in a small group: the draws move to the other side instead of failing', () => {
    const n = 100;
    const groups = Int32Array.from({ length: n }, (_, i) => (i < 3 ? 1 : 0));
    const g = new GraphModel(params({ n, degree: 10, groups, homophily: 1 }));
    // Node 0's group has two other members: two draws inside, the other eight outside.
    const d = [...g.drawn(0)];
    expect(d.length).toBe(10);
    expect(d.filter((t) => groups[t] === 1).length).toBe(2);
  });

  it('targets follow the weights; weight 0 is never drawn', () => {
    const n = 50;
    const weights = Float64Array.from({ length: n }, (_, i) => (i === 0 ? 0 : i));
    // Many sources drawing one target each among the 50 weighted nodes: node count n + sources.
    const big = 20_050;
    const w = new Float64Array(big);
    w.set(weights);
    const deg = new Int32Array(big);
    deg.fill(1, n);
    const g = new GraphModel(params({ n: big, degrees: deg, weights: w }));
    const hits = new Float64Array(n);
    for (let s = n; s < big; s++) for (const t of g.drawn(s)) hits[t]++;
    expect(hits[0]).toBe(0);
    const total = hits.reduce((a, b) => a + b, 0);
    expect(total).toBe(big - n);
    const sumW = weights.reduce((a, b) => a + b, 0);
    let chi = 0;
    for (let i = 1; i < n; i++) {
      const e = (total * weights[i]) / sumW;
      chi += (hits[i] - e) ** 2 / e;
    }
    expect(chi).toBeLessThan(90); // 48 degrees of freedom: p ≈ 1e-4
  });
});
