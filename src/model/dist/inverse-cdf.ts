/**
 * Closed-form inverse-CDF samplers: one uniform (slot `slot`) per draw, X = F^-1(U).
 * U comes from rng.ts with 32-bit resolution in (0, 1), so every value is finite; events rarer than
 * about 2^-33 in either tail are not produced (e.g. |normal| <= 6.24 sd).
 * Each class repeats its own `fill` loop so that the call inside it stays monomorphic (and inlined).
 */
import { uniform } from '../rng.ts';
import { normalQuantile } from './normal-quantile.ts';
import type { Sampler } from './types.ts';

/** normal{mean, std}: mean + std·Φ^-1(U) (Acklam, relative error < 1.15e-9). */
export class NormalSampler implements Sampler {
  readonly type = 'normal';
  constructor(readonly mean: number, readonly std: number) {}
  sample(key: number, row: number, slot: number): number {
    return this.mean + this.std * normalQuantile(uniform(key, row, slot));
  }
  fill(out: Float64Array, key: number, start: number, n: number, slot: number): void {
    const { mean, std } = this;
    for (let i = 0; i < n; i++) out[i] = mean + std * normalQuantile(uniform(key, start + i, slot));
  }
}

/** lognormal{mean, sigma} (parameters of the underlying normal): exp(mean + sigma·Φ^-1(U)). */
export class LognormalSampler implements Sampler {
  readonly type = 'lognormal';
  constructor(readonly mu: number, readonly sigma: number) {}
  sample(key: number, row: number, slot: number): number {
    return Math.exp(this.mu + this.sigma * normalQuantile(uniform(key, row, slot)));
  }
  fill(out: Float64Array, key: number, start: number, n: number, slot: number): void {
    const { mu, sigma } = this;
    for (let i = 0; i < n; i++) out[i] = Math.exp(mu + sigma * normalQuantile(uniform(key, start + i, slot)));
  }
}

/** uniform{low, high}: low + (high - low)·U, never exactly low or high (unless low = high). */
export class UniformSampler implements Sampler {
  readonly type = 'uniform';
  readonly width: number;
  constructor(readonly low: number, high: number) {
    this.width = high - low;
  }
  sample(key: number, row: number, slot: number): number {
    return this.low + this.width * uniform(key, row, slot);
  }
  fill(out: Float64Array, key: number, start: number, n: number, slot: number): void {
    const { low, width } = this;
    for (let i = 0; i < n; i++) out[i] = low + width * uniform(key, start + i, slot);
  }
}

/** exponential{rate}: -ln(U)/rate. */
export class ExponentialSampler implements Sampler {
  readonly type = 'exponential';
  readonly scale: number;
  constructor(rate: number) {
    this.scale = 1 / rate;
  }
  sample(key: number, row: number, slot: number): number {
    return -Math.log(uniform(key, row, slot)) * this.scale;
  }
  fill(out: Float64Array, key: number, start: number, n: number, slot: number): void {
    for (let i = 0; i < n; i++) out[i] = this.sample(key, start + i, slot);
  }
}

/** pareto{alpha, scale}: scale·U^(-1/alpha), support [scale, ∞). */
export class ParetoSampler implements Sampler {
  readonly type = 'pareto';
  readonly negInvAlpha: number;
  constructor(alpha: number, readonly scale: number) {
    this.negInvAlpha = -1 / alpha;
  }
  sample(key: number, row: number, slot: number): number {
    return this.scale * Math.pow(uniform(key, row, slot), this.negInvAlpha);
  }
  fill(out: Float64Array, key: number, start: number, n: number, slot: number): void {
    for (let i = 0; i < n; i++) out[i] = this.sample(key, start + i, slot);
  }
}

/** weibull{shape, scale}: scale·(-ln U)^(1/shape). */
export class WeibullSampler implements Sampler {
  readonly type = 'weibull';
  readonly invShape: number;
  constructor(shape: number, readonly scale: number) {
    this.invShape = 1 / shape;
  }
  sample(key: number, row: number, slot: number): number {
    return this.scale * Math.pow(-Math.log(uniform(key, row, slot)), this.invShape);
  }
  fill(out: Float64Array, key: number, start: number, n: number, slot: number): void {
    for (let i = 0; i < n; i++) out[i] = this.sample(key, start + i, slot);
  }
}

/** triangular{low, mode, high}: the two-piece closed-form inverse CDF (low < high). */
export class TriangularSampler implements Sampler {
  readonly type = 'triangular';
  readonly split: number;
  readonly left: number;
  readonly right: number;
  constructor(readonly low: number, mode: number, readonly high: number) {
    const w = high - low;
    this.split = (mode - low) / w;
    this.left = w * (mode - low);
    this.right = w * (high - mode);
  }
  sample(key: number, row: number, slot: number): number {
    const u = uniform(key, row, slot);
    return u < this.split ? this.low + Math.sqrt(u * this.left) : this.high - Math.sqrt((1 - u) * this.right);
  }
  fill(out: Float64Array, key: number, start: number, n: number, slot: number): void {
    for (let i = 0; i < n; i++) out[i] = this.sample(key, start + i, slot);
  }
}

/**
 * geometric{p}: the number of FAILURES before the first success, support {0, 1, 2, ...}
 * (mean (1-p)/p; numpy's `geometric` counts trials instead, i.e. ours + 1). X = floor(ln U / ln(1-p)).
 */
export class GeometricSampler implements Sampler {
  readonly type = 'geometric';
  readonly invLogQ: number;
  constructor(p: number) {
    // p = 1: always 0 (-0 so that ln(U)·invLogQ is +0, never -0).
    this.invLogQ = p >= 1 ? -0 : 1 / Math.log1p(-p);
  }
  sample(key: number, row: number, slot: number): number {
    return Math.floor(Math.log(uniform(key, row, slot)) * this.invLogQ);
  }
  fill(out: Float64Array, key: number, start: number, n: number, slot: number): void {
    for (let i = 0; i < n; i++) out[i] = this.sample(key, start + i, slot);
  }
}
