/**
 * Gamma family. Marsaglia & Tsang (2000): for shape a >= 1, d = a - 1/3, c = 1/sqrt(9d), draw a
 * normal z (inverse CDF, one slot) and u (one slot), v = (1 + cz)^3, accept d·v when
 * u < 1 - 0.0331 z^4 (squeeze) or ln u < z²/2 + d(1 - v + ln v); acceptance >= 0.95. For a < 1 the
 * boost G(a) = G(a+1)·U^(1/a) spends one slot first. Beta is Ga/(Ga+Gb) (computed in log space so
 * tiny shapes do not underflow to 0/0); negative_binomial{mean,k} is Poisson(Gamma(k, mean/k));
 * Dirichlet normalises independent gammas. Components of a composite draw consume slots
 * sequentially (`cursor.next`). If a rejection loop exhausts its slots (probability < 1e-150) it
 * returns d + 1/3, the mean of the gamma it was sampling. z is an inverse-CDF normal of a 32-bit
 * uniform (|z| <= 6.24), so the proposal lacks a tail of mass ~1e-9: negligible, and documented.
 */
import { uniform } from '../rng.ts';
import { normalQuantile } from './normal-quantile.ts';
import { poissonDraw } from './poisson.ts';
import { cursor, DIST_SLOT_SPAN, type Sampler } from './types.ts';

/** Marsaglia–Tsang constants [d, c] for the shape actually sampled (a, or a+1 when a < 1). */
function mtConstants(shape: number): [number, number] {
  const d = (shape < 1 ? shape + 1 : shape) - 1 / 3;
  return [d, 1 / Math.sqrt(9 * d)];
}

/** Standard gamma with shape d + 1/3 >= 1 over slots [slot, end); sets cursor.next. */
function mtGamma(d: number, c: number, key: number, row: number, slot: number, end: number): number {
  for (let s = slot; s + 2 <= end; s += 2) {
    const z = normalQuantile(uniform(key, row, s));
    let v = 1 + c * z;
    if (v <= 0) continue;
    v = v * v * v;
    const u = uniform(key, row, s + 1);
    const z2 = z * z;
    if (u < 1 - 0.0331 * z2 * z2 || Math.log(u) < 0.5 * z2 + d * (1 - v + Math.log(v))) {
      cursor.next = s + 2;
      return d * v;
    }
  }
  cursor.next = end;
  return d + 1 / 3;
}

/** ln of a standard gamma(shape) variate (finite even for tiny shapes); sets cursor.next. */
function logStdGamma(shape: number, d: number, c: number, key: number, row: number, slot: number, end: number): number {
  if (shape >= 1) return Math.log(mtGamma(d, c, key, row, slot, end));
  if (slot >= end) return Math.log(mtGamma(d, c, key, row, end, end));
  const boost = Math.log(uniform(key, row, slot)) / shape;
  return Math.log(mtGamma(d, c, key, row, slot + 1, end)) + boost;
}

/** A standard gamma(shape) variate over slots [slot, end); sets cursor.next. */
function stdGamma(shape: number, d: number, c: number, key: number, row: number, slot: number, end: number): number {
  if (shape >= 1) return mtGamma(d, c, key, row, slot, end);
  if (slot >= end) return mtGamma(d, c, key, row, end, end);
  const u = uniform(key, row, slot);
  return mtGamma(d, c, key, row, slot + 1, end) * Math.pow(u, 1 / shape);
}

/** gamma{shape, scale}. */
export class GammaSampler implements Sampler {
  readonly type = 'gamma';
  readonly d: number;
  readonly c: number;
  constructor(readonly shape: number, readonly scale: number) {
    [this.d, this.c] = mtConstants(shape);
  }
  sample(key: number, row: number, slot: number): number {
    return this.scale * stdGamma(this.shape, this.d, this.c, key, row, slot, slot + DIST_SLOT_SPAN);
  }
  fill(out: Float64Array, key: number, start: number, n: number, slot: number): void {
    for (let i = 0; i < n; i++) out[i] = this.sample(key, start + i, slot);
  }
}

/** beta{a, b} = Ga / (Ga + Gb) = 1 / (1 + exp(ln Gb - ln Ga)). */
export class BetaSampler implements Sampler {
  readonly type = 'beta';
  readonly ka: [number, number];
  readonly kb: [number, number];
  constructor(readonly a: number, readonly b: number) {
    this.ka = mtConstants(a);
    this.kb = mtConstants(b);
  }
  sample(key: number, row: number, slot: number): number {
    const end = slot + DIST_SLOT_SPAN;
    const la = logStdGamma(this.a, this.ka[0], this.ka[1], key, row, slot, end);
    const lb = logStdGamma(this.b, this.kb[0], this.kb[1], key, row, cursor.next, end);
    return 1 / (1 + Math.exp(lb - la));
  }
  fill(out: Float64Array, key: number, start: number, n: number, slot: number): void {
    for (let i = 0; i < n; i++) out[i] = this.sample(key, start + i, slot);
  }
}

/** One negative_binomial(mean, k) draw with a per-row mean over slots [slot, slot + span): the sampler's own draw. */
export function negativeBinomialDraw(mean: number, k: number, key: number, row: number, slot: number): number {
  if (!(mean > 0)) return mean === 0 ? 0 : NaN;
  let c = nbConstants.get(k);
  if (!c) nbConstants.set(k, (c = mtConstants(k)));
  const end = slot + DIST_SLOT_SPAN;
  const lambda = (mean / k) * stdGamma(k, c[0], c[1], key, row, slot, end);
  return poissonDraw(lambda, key, row, cursor.next, end);
}

const nbConstants = new Map<number, [number, number]>();

/** negative_binomial{mean, dispersion_k}: Poisson(Gamma(k, mean/k)); variance mean + mean²/k. */
export class NegativeBinomialSampler implements Sampler {
  readonly type = 'negative_binomial';
  readonly theta: number;
  readonly d: number;
  readonly c: number;
  constructor(readonly mean: number, readonly k: number) {
    this.theta = mean / k;
    [this.d, this.c] = mtConstants(k);
  }
  sample(key: number, row: number, slot: number): number {
    if (this.mean === 0) return 0;
    const end = slot + DIST_SLOT_SPAN;
    const lambda = this.theta * stdGamma(this.k, this.d, this.c, key, row, slot, end);
    return poissonDraw(lambda, key, row, cursor.next, end);
  }
  fill(out: Float64Array, key: number, start: number, n: number, slot: number): void {
    for (let i = 0; i < n; i++) out[i] = this.sample(key, start + i, slot);
  }
}

/** Slots used by one Dirichlet draw of k components: [slotBase, slotBase + dirichletSlotSpan(k)). */
export function dirichletSlotSpan(k: number): number {
  return Math.max(DIST_SLOT_SPAN, 8 * k);
}

/**
 * dirichlet{alpha[]}: out[j] = G_j / Σ G, G_j ~ Gamma(alpha[j]) drawn in order over consecutive
 * slots, normalised in log space. Writes alpha.length entries of `out`; they sum to 1.
 */
export function sampleDirichlet(alpha: readonly number[], key: number, row: number, slotBase: number, out: Float64Array): void {
  const k = alpha.length;
  const end = slotBase + dirichletSlotSpan(k);
  let slot = slotBase;
  let max = -Infinity;
  for (let j = 0; j < k; j++) {
    const a = alpha[j]!;
    const d = (a < 1 ? a + 1 : a) - 1 / 3;
    const lg = logStdGamma(a, d, 1 / Math.sqrt(9 * d), key, row, slot, end);
    slot = cursor.next;
    out[j] = lg;
    if (lg > max) max = lg;
  }
  let sum = 0;
  for (let j = 0; j < k; j++) sum += out[j] = Math.exp(out[j]! - max);
  for (let j = 0; j < k; j++) out[j] = out[j]! / sum;
}
