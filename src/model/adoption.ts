/**
 * Adoption and diffusion (adoption_model, DSL §5.6): each parent row adopts at most once. Its adoption
 * time is an inverse-CDF draw of one keyed uniform: diffusion groups give a monotone cubic (PCHIP) CDF
 * through the milestones (time_to_adopt_days_g, cumulative pct up to g); Bass gives the closed form
 * F(t) = (1 − e^{−(p+q)t}) / (1 + (q/p) e^{−(p+q)t}) scaled by the market share. A uniform above the
 * adopting share, or a time after the window end, means never. Adopters then engage as a Poisson process
 * at their tier's events_per_week (× segment fanout multiplier) until the window end. Everything is a
 * keyed draw of (stream, parent ordinal, slot), so counting rows and filling a chunk agree.
 */
import type { AdoptionPlan } from '../ir/types.ts';
import { mix, uniform } from './rng.ts';
import type { Store } from './store.ts';
import { segmentMultipliers } from './segments.ts';

const DAY = 86_400_000;
const WEEK = 7 * DAY;
/** Engagement events per adopter at most. */
const MAX_EVENTS = 100_000;

/** The adoption-time distribution: share adopted by `days` after launch, and its inverse. */
export class AdoptionCurve {
  /** Knots (days, cumulative share) and PCHIP slopes, for diffusion groups. */
  private readonly x: number[] = [0];
  private readonly y: number[] = [0];
  private readonly d: number[] = [];
  /** Share of the population that ever adopts (Σ pct, or the Bass market share). */
  readonly share: number;

  constructor(readonly c: AdoptionPlan['curve'], parents: number, scale = 1) {
    if (c.kind === 'bass') {
      this.share = c.marketSize === null || parents === 0 ? 1 : Math.min(1, (c.marketSize * scale) / parents);
      return;
    }
    for (const g of c.groups) {
      this.x.push(g.days);
      this.y.push(this.y[this.y.length - 1] + g.share);
    }
    this.share = this.y[this.y.length - 1];
    this.d = pchipSlopes(this.x, this.y);
  }

  /** Share of the population adopted `days` after launch. */
  cdf(days: number): number {
    const c = this.c;
    if (days <= 0) return 0;
    if (c.kind === 'bass') {
      const t = (days * DAY) / c.unitMs;
      const e = Math.exp(-(c.p + c.q) * t);
      return (this.share * (1 - e)) / (1 + (c.q / c.p) * e);
    }
    const n = this.x.length - 1;
    if (days >= this.x[n]) return this.share;
    let k = 0;
    while (this.x[k + 1] < days) k++;
    return this.hermite(k, days);
  }

  /** Days after launch at which a uniform u adopts (u < share), with the group index; NaN when never. */
  inverse(u: number): { days: number; group: number } {
    const c = this.c;
    if (!(u < this.share)) return { days: NaN, group: -1 };
    if (c.kind === 'bass') {
      const f = u / this.share;
      const t = Math.log((1 + (f * c.q) / c.p) / (1 - f)) / (c.p + c.q);
      return { days: (t * c.unitMs) / DAY, group: -1 };
    }
    let k = 0;
    while (this.y[k + 1] <= u) k++;
    // The cubic is monotone on [x_k, x_k+1]: bisection to well under a second.
    let lo = this.x[k];
    let hi = this.x[k + 1];
    for (let i = 0; i < 48 && hi - lo > 1e-7; i++) {
      const mid = (lo + hi) / 2;
      if (this.hermite(k, mid) <= u) lo = mid;
      else hi = mid;
    }
    return { days: (lo + hi) / 2, group: k };
  }

  private hermite(k: number, t: number): number {
    const h = this.x[k + 1] - this.x[k];
    const s = (t - this.x[k]) / h;
    const s2 = s * s;
    const s3 = s2 * s;
    return (2 * s3 - 3 * s2 + 1) * this.y[k] + (s3 - 2 * s2 + s) * h * this.d[k] + (-2 * s3 + 3 * s2) * this.y[k + 1] + (s3 - s2) * h * this.d[k + 1];
  }
}

/** Fritsch–Carlson (PCHIP) slopes: the cubic through the knots is monotone between them. */
function pchipSlopes(x: number[], y: number[]): number[] {
  const n = x.length;
  const h = x.slice(1).map((v, i) => v - x[i]);
  const delta = h.map((hi, i) => (y[i + 1] - y[i]) / hi);
  if (n === 2) return [delta[0], delta[0]];
  const d = new Array<number>(n).fill(0);
  for (let k = 1; k < n - 1; k++) {
    if (delta[k - 1] * delta[k] <= 0) continue;
    const w1 = 2 * h[k] + h[k - 1];
    const w2 = h[k] + 2 * h[k - 1];
    d[k] = (w1 + w2) / (w1 / delta[k - 1] + w2 / delta[k]);
  }
  const end = (h0: number, h1: number, d0: number, d1: number) => {
    const v = ((2 * h0 + h1) * d0 - h0 * d1) / (h0 + h1);
    if (Math.sign(v) !== Math.sign(d0)) return 0;
    if (Math.sign(d0) !== Math.sign(d1) && Math.abs(v) > Math.abs(3 * d0)) return 3 * d0;
    return v;
  };
  d[0] = end(h[0], h[1], delta[0], delta[1]);
  d[n - 1] = end(h[n - 2], h[n - 3], delta[n - 2], delta[n - 3]);
  return d;
}

export interface Adopter {
  /** Adoption time (epoch ms), NaN for never. */
  at: number;
  /** Diffusion group index (groups), or 0 innovator / 1 imitator (Bass); -1 for never. */
  group: number;
  /** Engagement tier index, -1 for none. */
  tier: number;
  /** Number of engagement events written to the model's `events` buffer. */
  events: number;
}

export class AdoptionModel {
  readonly curve: AdoptionCurve;
  private readonly mult: Float64Array | null;
  private readonly eventKey: number;
  private readonly tierCum: number[];
  /** Engagement times of the last simulated parent. */
  events = new Float64Array(64);
  /** The parents' births and ends (their lifetime), when the plan names them. */
  private readonly births: Float64Array | null;
  private readonly endAt: ((p: number) => number) | null;

  /** `endOf`: the parent's lifetime end from states (src/model/state-timeline.ts stateEndOf), instead of an end column. */
  constructor(readonly a: AdoptionPlan, parent: string, readonly stream: number, store: Store, scale: number, endOf?: (p: number) => number) {
    this.curve = new AdoptionCurve(a.curve, store.table(parent).rows, scale);
    this.mult = a.segments ? segmentMultipliers(store, a.segments) : null;
    this.eventKey = mix(stream, 0, 0xad0b7);
    let acc = 0;
    this.tierCum = a.tiers.map((t) => (acc += t.share));
    this.births = a.birth ? store.column(parent, a.birth).num! : null;
    const ends = a.end ? store.column(parent, a.end).num! : null;
    this.endAt = endOf ?? (ends ? (p) => ends[p] : null);
  }

  /** Parent row p: its adoption, group, tier and engagement times (in `events`). */
  simulate(p: number): Adopter {
    const a = this.a;
    const inv = this.curve.inverse(uniform(this.stream, p, 0));
    if (Number.isNaN(inv.days)) return { at: NaN, group: -1, tier: -1, events: 0 };
    // The row's own clock: from the launch, or from its birth when it is born later; it stops at its end.
    const birth = this.births ? this.births[p] : NaN;
    const start = birth > a.launchMs ? birth : a.launchMs;
    const died = this.endAt ? this.endAt(p) : NaN;
    const endMs = died < a.endMs ? died : a.endMs;
    let at = start + Math.round((inv.days * DAY) / 1000) * 1000;
    if (a.dateOnly) at = Math.floor(at / DAY) * DAY;
    if (at > endMs) return { at: NaN, group: -1, tier: -1, events: 0 };
    let group = inv.group;
    if (a.curve.kind === 'bass') {
      // Innovator when the adoption came from the p term of the hazard p + q·F(t).
      const f = this.curve.cdf(inv.days) / this.curve.share;
      group = uniform(this.stream, p, 1) < a.curve.p / (a.curve.p + a.curve.q * f) ? 0 : 1;
    }
    const u = uniform(this.stream, p, 2);
    let tier = -1;
    for (let k = 0; k < this.tierCum.length; k++) {
      if (u < this.tierCum[k]) {
        tier = k;
        break;
      }
    }
    let n = 0;
    const rate = tier >= 0 ? (a.tiers[tier].perWeek * (this.mult ? this.mult[p] : 1)) / WEEK : 0;
    if (rate > 0) {
      let t = at;
      for (let e = 0; e < MAX_EVENTS; e++) {
        t += -Math.log(uniform(this.eventKey, p, e)) / rate;
        if (t > endMs) break;
        if (n === this.events.length) {
          const grown = new Float64Array(n * 2);
          grown.set(this.events);
          this.events = grown;
        }
        this.events[n++] = a.dateOnly ? Math.floor(t / DAY) * DAY : Math.max(at, Math.floor(t / 1000) * 1000);
      }
    }
    return { at, group, tier, events: n };
  }

  /** Rows of parent p: the adoption row and its engagement events (0 when it never adopts). */
  rows(p: number): number {
    const s = this.simulate(p);
    return Number.isNaN(s.at) ? 0 : 1 + s.events;
  }
}
