/**
 * fitNumeric: a numeric column's generator. Every family that can produce the sample's support is fitted by
 * maximum likelihood; candidates are ranked by BIC and the best one whose KS distance to the sample is within
 * the effect-size threshold is chosen. Without one, a column with few distinct values becomes a `choice` and
 * any other an `empirical` quantile generator. See docs/infer-fitting.md.
 */
import {
  type FamilyFit, type Sample, fitBeta, fitBinomial, fitExponential, fitGamma, fitGeometric, fitLognormal,
  fitNegativeBinomial, fitNormal, fitPareto, fitPoisson, fitTriangular, fitUniform, fitWeibull, fitZipf, isCount, logLik, modelCdf, prepare,
  refineDiscretized, censoredLogLik, type Clamp, fitClamped,
} from './families.ts';
import { bic, ksContinuous, ksDiscrete, moments, quantileSorted, sig } from './stats.ts';
import type { ColumnFit } from './types.ts';
import { empiricalCdf } from '../../model/empirical.ts';
import { fitCategorical } from './categorical.ts';

/** KS effect size a fitted family may differ from the sample by (the column-shape score 1 − KS ≥ 0.95). */
export const KS_ACCEPT = 0.05;

/**
 * The acceptance threshold for a sample of n: KS_ACCEPT, raised to the 5 % critical value 1.36/√n of a
 * sample that small (below ~740 values a correct family's own sampling noise exceeds KS_ACCEPT).
 */
export function ksThreshold(n: number): number {
  return Math.max(KS_ACCEPT, 1.36 / Math.sqrt(n));
}

/**
 * BIC difference below which a count family is preferred to a continuous one on integer data (10: "very strong"
 * evidence on the Kass–Raftery scale is needed to prefer a rounded continuous family to a count model).
 */
const COUNT_PREFERENCE = 10;

/** A column with at most this many distinct values falls back to `choice` rather than `empirical`. */
const CHOICE_MAX_DISTINCT = 32;

interface Scored {
  fit: FamilyFit;
  bic: number;
  ks: number;
  clamp?: Clamp;
}

/** A bound is considered when at least this share of the rows (and minCount rows) sit exactly on the sample's end. */
const CLAMP_ATOM = 0.002;

/**
 * Clamped candidates: when many rows sit exactly on the sample's minimum (maximum) — what `clamp` makes — every
 * family is refitted with that end (or both) as clamp bounds, by the likelihood of a clamped draw (censoredLogLik). BIC
 * counts each bound as a parameter; the bound is a value ≥ minCount rows hold, so it may be written.
 */
function clampedCandidates(scored: Scored[], s: Sample, integer: boolean, minCount: number): Scored[] {
  const n = s.m.n;
  const last = s.values.length - 1;
  const atom = (c: number) => c >= Math.max(minCount, CLAMP_ATOM * n);
  const lo = atom(s.counts[0]!) ? s.values[0]! : null;
  const hi = atom(s.counts[last]!) ? s.values[last]! : null;
  if (lo === null && hi === null) return [];
  // Both ends when both are atoms (a bound that is not needed costs its ln n in BIC and changes nothing else).
  const bounds: Clamp[] = [{ lo, hi }];
  const best = scored.filter((c) => c.fit.family !== 'uniform');
  // The optimiser runs on a systematic subsample of the sorted values (at most CLAMP_FIT_N); BIC and KS on all.
  const sub = n > CLAMP_FIT_N ? subsample(s, CLAMP_FIT_N) : s;
  const out: Scored[] = [];
  for (const b of best) {
    for (const c of bounds) {
      const fit = fitClamped(b.fit, sub, integer, c);
      if (!fit) continue;
      const base = modelCdf(fit, integer);
      const cdf = (x: number) => (c.lo !== null && x < c.lo ? 0 : c.hi !== null && x >= c.hi ? 1 : base(x));
      const d = integer || isCount(fit) ? ksDiscrete(s.sorted, cdf) : ksContinuous(s.sorted, cdf);
      const value = bic(censoredLogLik(fit, s, integer, c), fit.k, n);
      if (Number.isFinite(value) && Number.isFinite(d)) out.push({ fit, bic: value, ks: d, clamp: c });
    }
  }
  return out;
}

const CLAMP_FIT_N = 4000;

/** Every (n/m)-th value of the sorted sample, from the middle of each stretch: the same shape, m values. */
function subsample(s: Sample, m: number): Sample {
  const n = s.m.n;
  const v = Float64Array.from({ length: m }, (_, i) => s.sorted[Math.min(n - 1, Math.floor(((i + 0.5) * n) / m))]!);
  return prepare(v, moments(v));
}

function clampNote(s: Sample, c: Clamp): string {
  const last = s.values.length - 1;
  const parts: string[] = [];
  if (c.lo !== null) parts.push(`${sig((100 * s.counts[0]!) / s.m.n, 3)} % of rows at the minimum`);
  if (c.hi !== null) parts.push(`${sig((100 * s.counts[last]!) / s.m.n, 3)} % at the maximum`);
  return parts.join(', ');
}

export interface NumericOptions {
  integer: boolean;
  /** Literal values (choice fallback) need at least this many occurrences (default 5). */
  minCount?: number;
}

export function fitNumeric(values: Float64Array, o: NumericOptions): ColumnFit {
  const finite = values.filter((x) => Number.isFinite(x));
  const n = finite.length;
  if (n === 0) {
    return { generator: { distribution: { type: 'normal', params: { mean: 0, std: 0 } } }, evidence: { n: 0, family: 'normal', note: 'no values: a constant 0' } };
  }
  const sorted = finite.sort();
  // Integer data: whole values, whatever the column's type says (an int column always; a float column holding only
  // whole numbers too — the spec should then declare it int, or continuous draws would carry fractions).
  const integer = sorted.every((x) => Number.isInteger(x));
  const m = moments(sorted);
  const s = prepare(sorted, m);
  if (m.min === m.max) return constant(s, o.minCount ?? 5);

  const candidates = familyFits(s, integer);
  const scored: Scored[] = candidates
    .map((fit) => ({ fit, bic: bic(logLik(fit, s, integer), fit.k, n), ks: ks(fit, s, integer) }))
    .filter((c) => Number.isFinite(c.bic) && Number.isFinite(c.ks));
  scored.push(...clampedCandidates(scored, s, integer, o.minCount ?? 5));
  scored.sort((a, b) => a.bic - b.bic);
  const limit = ksThreshold(n);
  let chosen = scored.find((c) => c.ks <= limit);
  // On integer data a count family as good as the best continuous one (BIC within COUNT_PREFERENCE) is preferred.
  if (chosen && integer && !isCount(chosen.fit)) {
    const count = scored.find((c) => isCount(c.fit) && c.ks <= limit && c.bic - chosen!.bic <= COUNT_PREFERENCE);
    if (count) chosen = count;
  }
  if (chosen) {
    const other = scored.find((c) => c.fit.family !== chosen!.fit.family);
    return {
      generator: { distribution: { type: chosen.fit.family, params: round(chosen.fit.params, Math.sqrt(m.variance)), ...(chosen.clamp ? { clamp: [chosen.clamp.lo, chosen.clamp.hi] } : {}) } },
      evidence: {
        n, family: chosen.fit.family, bic: sig(chosen.bic), ks: sig(chosen.ks, 4), score: sig(1 - chosen.ks, 4),
        ...(other ? { runnerUp: { family: other.fit.family, bic: sig(other.bic), ks: sig(other.ks, 4) } } : {}),
        ...(chosen.clamp ? { note: `clamped to [${chosen.clamp.lo ?? '−∞'}, ${chosen.clamp.hi ?? '∞'}]: ${clampNote(s, chosen.clamp)}` } : {}),
      },
    };
  }
  const best = scored[0];
  const why = best ? `no family within KS ${sig(limit, 3)} (best by BIC: ${best.fit.family}, KS ${sig(best.ks, 3)})` : 'no family fits the support';
  const runnerUp = best ? { runnerUp: { family: best.fit.family, bic: sig(best.bic), ks: sig(best.ks, 4) } } : {};
  if (s.values.length <= CHOICE_MAX_DISTINCT) {
    const top = Array.from(s.values, (value, i) => ({ value, count: s.counts[i]! })).sort((a, b) => b.count - a.count || a.value - b.value);
    const cat = fitCategorical(top, n, top.length, { minCount: o.minCount ?? 5 });
    if (cat) return { generator: cat.generator, evidence: { ...cat.evidence, ...runnerUp, note: `${why}: ${cat.evidence.note}` } };
  }
  const emp = empirical(s, integer, o.minCount ?? 5);
  return { generator: { empirical: emp.spec }, evidence: { n, family: 'empirical', ks: sig(emp.ks, 4), score: sig(1 - emp.ks, 4), ...runnerUp, note: `${why}: empirical quantiles` } };
}

function familyFits(s: Sample, integer: boolean): FamilyFit[] {
  // Integer data with zeros: the positive families start from the values with 0 read as ¼ (a rounded draw below
  // ½), then the exact likelihood of the rounded values (refineDiscretized) takes over.
  const pos = integer && s.m.min === 0 ? prepare(s.sorted.map((x) => (x === 0 ? 0.25 : x)), moments(s.sorted.map((x) => (x === 0 ? 0.25 : x)))) : s;
  const continuous: (FamilyFit | null)[] = [fitNormal(s), fitExponential(s), fitLognormal(pos), fitGamma(pos), fitWeibull(pos), fitPareto(pos)];
  if (!integer) continuous.push(fitBeta(s), fitTriangular(s));
  const ok = (f: FamilyFit | null): f is FamilyFit => f !== null && Object.values(f.params).every(Number.isFinite);
  const out: FamilyFit[] = [...[fitUniform(s, integer)].filter(ok)];
  for (const f of continuous.filter(ok)) out.push(integer && refineWorthIt(s) ? refineDiscretized(f, s) : f);
  if (integer && s.m.min >= 0) out.push(...[fitPoisson(s), fitGeometric(s), fitNegativeBinomial(s), fitBinomial(s), ...fitZipf(s)].filter(ok));
  return out;
}

/**
 * Rounding matters when the values are small (a tenth of them below 20) and the exact likelihood stays cheap
 * (at most 2 000 distinct values); elsewhere the continuous estimate is as good.
 */
function refineWorthIt(s: Sample): boolean {
  return s.values.length <= 2000 && quantileSorted(s.sorted, 0.1) < 20;
}

function ks(fit: FamilyFit, s: Sample, integer: boolean): number {
  const cdf = modelCdf(fit, integer);
  return integer || isCount(fit) ? ksDiscrete(s.sorted, cdf) : ksContinuous(s.sorted, cdf);
}

/**
 * Parameters with 6 significant digits, or more when 6 would move one by more than a millionth of the data's spread
 * (a uniform's ends near 10^15, a normal's mean of 1000.0001 with a tiny std).
 */
function round(p: Record<string, number>, spread: number): Record<string, number> {
  const out: Record<string, number> = {};
  const tol = 1e-6 * (spread > 0 ? spread : 1);
  for (const [k, v] of Object.entries(p)) out[k] = roundWithin(v, tol);
  return out;
}

/** v with the fewest significant digits (at least 6) that keep it within tol. */
function roundWithin(v: number, tol: number): number {
  if (Number.isInteger(v)) return v;
  let d = 6;
  while (d < 17 && Math.abs(sig(v, d) - v) > tol) d++;
  return sig(v, d);
}

/** A column holding one value: a literal only when at least minCount rows hold it, else a normal around it. */
function constant(s: Sample, minCount: number): ColumnFit {
  const v = s.m.min;
  const n = s.m.n;
  if (n >= minCount) return { generator: { choice: { choices: [v] } }, evidence: { n, family: 'choice', ks: 0, score: 1, note: 'a single value' } };
  return { generator: { distribution: { type: 'uniform', params: { low: 0, high: 0 } } }, evidence: { n, family: 'uniform', note: `a single value held by fewer than ${minCount} rows: not copied (0)` } };
}

/** Probabilities of the empirical generator's quantiles: percentiles, with finer steps in both tails. */
function gridProbs(n: number): number[] {
  const probs: number[] = [0];
  if (n >= 2000) probs.push(0.001, 0.002, 0.005);
  for (let i = 1; i < 100; i++) probs.push(i / 100);
  if (n >= 2000) probs.push(0.995, 0.998, 0.999);
  probs.push(1);
  return probs;
}

/** An atom gets its own quantile points when at least this share of the rows (and minCount rows) hold its value. */
const ATOM_SHARE = 0.002;

/**
 * The empirical quantile generator of a sample: its quantile function at the percentiles (finer in the tails),
 * interpolated linearly by the generator. Continuous data: type-7 sample quantiles, the ends being midpoints of
 * the two smallest (largest) values, so no single extreme value is copied. Integer data: quantiles of
 * x + U(−½, ½), whose CDF is linear between half-integers, so that rounding the draw into the int column gives
 * back each integer's share. A value held by at least minCount rows and ATOM_SHARE of them (an atom) also gets
 * the probabilities where its mass starts and ends as points — v (v ∓ ½ for integers) there — so its share is
 * exact instead of smeared over the neighbouring percentile.
 */
function empirical(s: Sample, integer: boolean, minCount: number): { spec: { quantiles: number[]; probs?: number[] }; ks: number } {
  const n = s.m.n;
  const cum: number[] = [];
  let c = 0;
  for (let i = 0; i < s.values.length; i++) cum.push((c += s.counts[i]!) / n);
  // Fixed points (probability, value) of the atoms; where one atom ends as the next starts, two points share a
  // probability (a jump of the quantile function: no value between them).
  const fixed: [number, number][] = [];
  for (let i = 0; i < s.values.length; i++) {
    if (s.counts[i]! < Math.max(minCount, ATOM_SHARE * n)) continue;
    const v = s.values[i]!;
    fixed.push([sig(i === 0 ? 0 : cum[i - 1]!, 10), integer ? v - 0.5 : v], [sig(cum[i]!, 10), integer ? v + 0.5 : v]);
  }
  const fixedP = new Set(fixed.map(([p]) => p));
  const lo = n >= 2 ? (s.sorted[0]! + s.sorted[1]!) / 2 : s.sorted[0]!;
  const hi = n >= 2 ? (s.sorted[n - 1]! + s.sorted[n - 2]!) / 2 : s.sorted[n - 1]!;
  const at = (p: number) => {
    if (integer) {
      // Within value v's unit interval [v − ½, v + ½] the CDF rises from the previous cumulative share to cum[i].
      let i = 0;
      while (i < cum.length - 1 && cum[i]! < p) i++;
      const prev = i === 0 ? 0 : cum[i - 1]!;
      const t = cum[i]! > prev ? (p - prev) / (cum[i]! - prev) : 0;
      return s.values[i]! - 0.5 + Math.min(1, Math.max(0, t));
    }
    return p === 0 ? lo : p === 1 ? hi : quantileSorted(s.sorted, p);
  };
  const points: [number, number][] = [...gridProbs(n).filter((p) => ![...fixedP].some((f) => Math.abs(f - p) < 1e-9)).map((p): [number, number] => [p, at(p)]), ...fixed];
  points.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const kept = points.filter((pt, i) => i === 0 || pt[0] !== points[i - 1]![0] || pt[1] !== points[i - 1]![1]);
  const probs = kept.map(([p]) => p);
  let q = kept.map(([, v]) => v);
  const tol = 1e-7 * Math.max(s.m.max - s.m.min, 1e-300);
  q = q.map((x) => roundWithin(x, tol));
  for (let i = 1; i < q.length; i++) if (q[i]! < q[i - 1]!) q[i] = q[i - 1]!;
  const evenly = probs.length > 2 && probs.every((p, i) => Math.abs(p - i / (probs.length - 1)) < 1e-12);
  const cdf = (x: number) => empiricalCdf(q, probs, x);
  const d = integer ? ksDiscrete(s.sorted, (k) => cdf(k + 0.5)) : ksContinuous(s.sorted, cdf);
  return { spec: evenly ? { quantiles: q } : { quantiles: q, probs }, ks: d };
}
