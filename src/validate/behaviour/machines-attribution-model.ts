/**
 * What the file should show of an attribution chain, from the spec and the parents' lifetimes read from the
 * file (docs/behaviours/attribution.md) — not from the engine's model:
 * - a parent with birth b and end e has K journeys, K ~ the fanout × its segment multiplier × its exposure (the
 *   share of the time grid's pattern weight inside [b, e]); their ends are grid points inside it ∝ the weights;
 * - a journey has n touches (touchpoints_per_conversion), uniform in the window before its end; those before
 *   C = max(grid start, b) are censored (not written): a journey ending at E keeps each touch with probability
 *   q(E) = min(1, (E − C) / window), so its written count is Binomial(n, q(E)) and it converts with p(n);
 * - journeys are shortened (not censored) by the previous journey's end, so without `overlap` only a parent's
 *   first journey (the earliest end) can be censored: it ends at grid point i with P = G(S_i) − G(S_{i+1}),
 *   G the probability generating function of K and S_i the share of the lifetime's weight at points ≥ i.
 * The result, per segment: expected journeys, conversions and censored journeys by written touch count.
 */
import { calendarGrid, patternWeightAt } from '../calendar.ts';
import type { AttributionPlan } from '../../ir/types.ts';
import { countPmf, pmfMoments } from '../fanout-model.ts';
import { n } from '../sql.ts';
import type { ValidateContext } from '../types.ts';
import type { Attr } from './machines-attribution.ts';
import { segMultiplier } from './machines-common.ts';

/** p(convert | n touches, segment multiplier m) = min(1, base × multiplier^(min(n, saturation) − 1) × m). */
function pConvert(a: AttributionPlan, k: number, m: number): number {
  if (k <= 0) return 0;
  return Math.min(1, a.base * Math.pow(a.multiplier, Math.min(k, a.saturation ?? k) - 1) * m);
}

export interface SegmentModel {
  seg: string | null;
  parents: number;
  /** Σ over parents of E[K] and Var[K] (journeys per parent). */
  mean: number;
  variance: number;
  /** By written touch count m: expected journeys, conversions among them, and those censored (n > m). */
  journeys: number[];
  conversions: number[];
  censored: number[];
}

/** Grid points, pattern weights and touch pmfs above this are not modelled (the checks are skipped). */
const MAX_POINTS = 2_000_000;
const MAX_TOUCHES = 2_000;
/** Censoring fractions q are accumulated on this many bins (q = 1: uncensored). */
const BINS = 256;

export async function attributionModel(ctx: ValidateContext, x: Attr): Promise<SegmentModel[] | null> {
  const a = x.a;
  // A lifetime the file cannot tie to the rows (no entity or lifetime column) cannot be modelled.
  if ((a.lifetimeFrom || a.lifetimeTo) && !x.lifetime) return null;
  const touches = countPmf(a.touches);
  if (!touches || touches.length > MAX_TOUCHES) return null;
  const grid = calendarGrid(a.startMs, a.endMs, a.freq);
  if (grid.count > MAX_POINTS) return null;
  const prefix = new Float64Array(grid.count + 1);
  for (let i = 0; i < grid.count; i++) prefix[i + 1] = prefix[i] + patternWeightAt(grid.point(i), a.patterns);
  const total = prefix[grid.count];
  if (!(total > 0)) return null;
  const rows = await ctx.db.all(`${x.withSql} SELECT epoch_ms(t0) AS b, epoch_ms(t1) AS e, seg, count(*) AS c FROM p GROUP BY ALL`);
  const w = a.windowMs;
  // Per segment: parents, Σ E[K], Σ Var[K], and the expected journeys by censoring fraction (bin BINS: none).
  const segs = new Map<string | null, { parents: number; mean: number; variance: number; hist: Float64Array }>();
  for (const r of rows) {
    const c = n(r.c);
    const seg = r.seg === null ? null : String(r.seg);
    // The censoring point (a DATE column writes a touch's day: it must not be before the point).
    const C0 = r.b === null ? a.startMs : Math.max(a.startMs, n(r.b));
    const C = x.dateOnly ? Math.ceil(C0 / 86_400_000) * 86_400_000 : C0;
    const first = x.lifetime && r.b !== null ? grid.firstAfter(n(r.b), false) : 0;
    const stop = x.lifetime && r.e !== null ? Math.min(grid.count, grid.firstAfter(n(r.e), true)) : grid.count;
    const span = stop > first ? prefix[stop] - prefix[first] : 0;
    const exposure = x.lifetime ? span / total : 1;
    let s = segs.get(seg);
    if (!s) segs.set(seg, (s = { parents: 0, mean: 0, variance: 0, hist: new Float64Array(BINS + 1) }));
    s.parents += c;
    const m = segMultiplier(a.segments, seg) * exposure;
    if (!(m > 0) || !(span > 0)) continue;
    const K = countPmf(a.journeys, m);
    if (!K) return null;
    const km = pmfMoments(K);
    s.mean += c * km.mean;
    s.variance += c * km.variance;
    // Points whose journeys may lose touches: E < C + window.
    let censorable = 0;
    const pgf = (z: number) => {
      let g = 0;
      let zk = 1;
      for (let k = 0; k < K.length; k++, zk *= z) g += K[k] * zk;
      return g;
    };
    const dateOnly = x.dateOnly;
    for (let i = first; i < stop; i++) {
      const E = dateOnly ? Math.floor(grid.point(i) / 86_400_000) * 86_400_000 : grid.point(i);
      if (E >= C + w) break;
      const wi = prefix[i + 1] - prefix[i];
      if (!(wi > 0)) continue;
      const expected = a.overlap ? km.mean * (wi / span) : pgf((prefix[stop] - prefix[i]) / span) - pgf((prefix[stop] - prefix[i + 1]) / span);
      const q = Math.max(0, Math.min(1, (E - C) / w));
      s.hist[Math.min(BINS - 1, Math.floor(q * BINS))] += c * expected;
      censorable += c * expected;
    }
    s.hist[BINS] += c * km.mean - censorable;
  }
  const lnFact = new Float64Array(touches.length + 1);
  for (let k = 1; k <= touches.length; k++) lnFact[k] = lnFact[k - 1] + Math.log(k);
  const out: SegmentModel[] = [];
  for (const [seg, s] of segs) {
    const mc = segMultiplier(a.conversion, seg);
    const N = touches.length;
    const journeys = new Array<number>(N).fill(0);
    const conversions = new Array<number>(N).fill(0);
    const censored = new Array<number>(N).fill(0);
    for (let b = 0; b <= BINS; b++) {
      const h = s.hist[b];
      if (!(h > 0)) continue;
      const q = b === BINS ? 1 : (b + 0.5) / BINS;
      for (let k = 0; k < N; k++) {
        const pk = touches[k];
        if (!(pk > 0)) continue;
        const pc = pConvert(a, k, mc);
        // Binomial(k, q) over the written count m (in logs: no underflow for long journeys).
        for (let m = 0; m <= k; m++) {
          const binom = q === 1 ? (m === k ? 1 : 0) : Math.exp(lnFact[k] - lnFact[m] - lnFact[k - m] + m * Math.log(q) + (k - m) * Math.log1p(-q));
          const v = h * pk * binom;
          if (!(v > 0)) continue;
          journeys[m] += v;
          conversions[m] += v * pc;
          if (m < k) censored[m] += v;
        }
      }
    }
    out.push({ seg, parents: s.parents, mean: s.mean, variance: s.variance, journeys, conversions, censored });
  }
  return out;
}
