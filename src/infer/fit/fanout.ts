/**
 * fitFanout: the children-per-parent distribution of a fact (zeros included: parents without children count).
 * Candidates fixed, poisson, negative_binomial, geometric and uniform are fitted by maximum likelihood and ranked
 * by BIC; the best within the KS threshold whose mean is within 2.5 % of the sample's is chosen, else an empirical `categorical` fanout whose values are
 * counts held by at least `minCount` parents — rarer counts are pooled with their neighbours into groups of at
 * least `minCount` parents, written as the group's mean count (rounded), so the mean is kept and no rare count
 * is copied.
 */
import { fitGeometric, fitNegativeBinomial, fitPoisson, isCount, logLik, modelCdf, prepare, type FamilyFit } from './families.ts';
import { ksThreshold } from './numeric.ts';
import { bic, ksDiscrete, moments, sig } from './stats.ts';
import type { FitEvidence } from './types.ts';

/** A fanout family is accepted only if its mean is within this share of the sample's mean (the round trip's 5 % target, halved). */
const MEAN_TOLERANCE = 0.025;

export interface FanoutFit {
  fanout: Record<string, unknown>;
  evidence: FitEvidence;
}

export function fitFanout(childrenPerParent: Int32Array | number[], o: { minCount?: number } = {}): FanoutFit {
  const minCount = Math.max(1, o.minCount ?? 5);
  const sorted = Float64Array.from(childrenPerParent).filter((x) => Number.isFinite(x) && x >= 0).sort();
  const n = sorted.length;
  if (n === 0) return { fanout: { distribution: 'fixed', value: 1 }, evidence: { n: 0, family: 'fixed', note: 'no parents: one child each' } };
  const m = moments(sorted);
  if (m.min === m.max) {
    return { fanout: { distribution: 'fixed', value: m.min }, evidence: { n, family: 'fixed', ks: 0, score: 1, note: `every parent has ${m.min} children` } };
  }
  const s = prepare(sorted, m);
  type Cand = { family: string; spec: Record<string, unknown>; bic: number; ks: number; mean: number };
  const cands: Cand[] = [];
  const add = (fit: FamilyFit | null, spec: (p: Record<string, number>) => Record<string, unknown>) => {
    if (!fit) return;
    const ll = logLik(fit, s, true);
    const cdf = modelCdf(fit, true);
    if (!isCount(fit)) return;
    cands.push({ family: fit.family, spec: spec(fit.params), bic: bic(ll, fit.k, n), ks: ksDiscrete(sorted, cdf), mean: m.mean });
  };
  add(fitPoisson(s), (p) => ({ distribution: 'poisson', lambda: sig(p.lambda!) }));
  add(fitNegativeBinomial(s), (p) => ({ distribution: 'negative_binomial', mean: sig(p.mean!), k: sig(p.dispersion_k!) }));
  add(fitGeometric(s), (p) => ({ distribution: 'geometric', mean: sig((1 - p.p!) / p.p!) }));
  // Discrete uniform on [min, max].
  {
    const width = m.max - m.min + 1;
    const ll = -n * Math.log(width);
    const cdf = (k: number) => (k < m.min ? 0 : k >= m.max ? 1 : (Math.floor(k) - m.min + 1) / width);
    cands.push({ family: 'uniform', spec: { distribution: 'uniform', min: m.min, max: m.max }, bic: bic(ll, 2, n), ks: ksDiscrete(sorted, cdf), mean: (m.min + m.max) / 2 });
  }
  cands.sort((a, b) => a.bic - b.bic);
  const limit = ksThreshold(n);
  // A family must also keep the mean (the maximum-likelihood count families do; uniform's is fixed by its ends).
  const keepsMean = (c: Cand) => Math.abs(c.mean - m.mean) <= MEAN_TOLERANCE * Math.max(m.mean, 1e-9);
  const chosen = cands.find((c) => c.ks <= limit && Number.isFinite(c.bic) && keepsMean(c));
  if (chosen) {
    const other = cands.find((c) => c !== chosen);
    return {
      fanout: chosen.spec,
      evidence: {
        n, family: chosen.family, bic: sig(chosen.bic), ks: sig(chosen.ks, 4), score: sig(1 - chosen.ks, 4),
        ...(other ? { runnerUp: { family: other.family, bic: sig(other.bic), ks: sig(other.ks, 4) } } : {}),
        note: `mean ${sig(m.mean, 4)} children per parent, ${sig((100 * s.counts[0]! * +(s.values[0] === 0)) / n, 3)} % without any`,
      },
    };
  }
  const best = cands[0]!;
  const { values, weights } = pooledCounts(s.values, s.counts, minCount);
  const total = weights.reduce((a, b) => a + b, 0);
  const cum: number[] = [];
  let c = 0;
  for (const w of weights) cum.push((c += w) / total);
  const cdf = (k: number) => {
    let p = 0;
    for (let i = 0; i < values.length && values[i]! <= k; i++) p = cum[i]!;
    return p;
  };
  const d = ksDiscrete(sorted, cdf);
  return {
    fanout: { distribution: 'categorical', values, weights: weights.map((w) => sig(w / total, 6)) },
    evidence: {
      n, family: 'categorical', ks: sig(d, 4), score: sig(1 - d, 4),
      runnerUp: { family: best.family, bic: sig(best.bic), ks: sig(best.ks, 4) },
      note: `no count family within KS ${sig(limit, 3)} (best by BIC: ${best.family}, KS ${sig(best.ks, 3)}): the counts' own shares`,
    },
  };
}

/**
 * Counts held by at least minCount parents stay as they are; runs of rarer neighbouring counts are pooled into
 * groups of at least minCount parents, each written as its mean count rounded. A run still short when a frequent
 * count follows joins that count; a short run at the end joins the last group.
 */
export function pooledCounts(vals: Float64Array, counts: Float64Array, minCount: number): { values: number[]; weights: number[] } {
  const groups: { sum: number; count: number }[] = [];
  let open: { sum: number; count: number } | null = null;
  for (let i = 0; i < vals.length; i++) {
    const v = vals[i]!, c = counts[i]!;
    if (c >= minCount) {
      // A pending short run of rare counts joins this frequent count (whose value stays).
      groups.push({ sum: v * (c + (open?.count ?? 0)), count: c + (open?.count ?? 0) });
      open = null;
      continue;
    }
    open ??= { sum: 0, count: 0 };
    open.sum += v * c;
    open.count += c;
    if (open.count >= minCount) {
      groups.push(open);
      open = null;
    }
  }
  if (open) {
    const last = groups[groups.length - 1];
    if (last) {
      last.sum += open.sum;
      last.count += open.count;
    } else groups.push(open);
  }
  // Pooling can round two groups to one value: merge them.
  const byValue = new Map<number, number>();
  for (const g of groups) {
    const v = Math.round(g.sum / g.count);
    byValue.set(v, (byValue.get(v) ?? 0) + g.count);
  }
  const values = [...byValue.keys()].sort((a, b) => a - b);
  return { values, weights: values.map((v) => byValue.get(v)!) };
}
