/**
 * Pins AdoptionCurve (src/model/adoption.ts), which validate's adoption_curve and adoption_groups checks use as
 * the declared curve, to values computed independently: the Bass CDF F(t) = (1 − e^{−(p+q)t}) / (1 + (q/p)
 * e^{−(p+q)t}) in 40-digit mpmath for Bass's classic p = 0.03, q = 0.38; the diffusion-group curve against
 * scipy.interpolate.PchipInterpolator (Fritsch–Carlson monotone cubic, the same end-slope rule) through the
 * milestones, and a three-knot case worked by hand.
 */
import { describe, expect, it } from 'vitest';
import { AdoptionCurve } from '../../../src/model/adoption.ts';

const DAY = 86_400_000;

describe('Bass: the closed form × the market share', () => {
  const bass = { kind: 'bass' as const, p: 0.03, q: 0.38, unitMs: DAY, marketSize: null };

  it.each([
    [1, 0.03575816425644163],
    [5, 0.3311986424913735],
    [10, 0.8128032212213462],
    [20, 0.9962594145024162],
  ])('F(%d) = %d (mpmath)', (t, f) => {
    expect(new AdoptionCurve(bass, 1000).cdf(t)).toBeCloseTo(f, 14);
    // a market of 250 among 1000 parents: a quarter adopts, on the same curve; units of weeks stretch time
    expect(new AdoptionCurve({ ...bass, marketSize: 250 }, 1000).cdf(t)).toBeCloseTo(f / 4, 14);
    expect(new AdoptionCurve({ ...bass, unitMs: 7 * DAY }, 1000).cdf(7 * t)).toBeCloseTo(f, 14);
  });

  it('the median adopter: F(t) = 1/2 at t = ln((1 + q/(2p)) / (1/2)) / (p + q) = 6.550188646951589', () => {
    const c = new AdoptionCurve(bass, 1000);
    expect(c.inverse(0.5).days).toBeCloseTo(6.550188646951589, 12);
    expect(c.cdf(0)).toBe(0);
  });
});

describe('diffusion groups: the monotone cubic (PCHIP) through the milestones', () => {
  const groups = [
    { name: 'innovators', share: 0.025, days: 7 }, { name: 'early_adopters', share: 0.135, days: 30 }, { name: 'early_majority', share: 0.34, days: 90 },
    { name: 'late_majority', share: 0.34, days: 180 }, { name: 'laggards', share: 0.16, days: 365 },
  ];

  it.each([
    [1, 0.0030935654217400968],
    [3.5, 0.011431284068938065],
    [15, 0.06662804720987023],
    [60, 0.3389013501072271],
    [120, 0.6392953216886286],
    [250, 0.9324227964595948],
    [364, 0.9999941819883365],
  ])('F(%d) = %d (scipy PchipInterpolator)', (d, f) => {
    expect(new AdoptionCurve({ kind: 'groups', groups }, 1000).cdf(d)).toBeCloseTo(f, 13);
  });

  it('by hand: knots (0, 0), (10, 0.3), (40, 0.4)', () => {
    // Secants δ = 0.03, 1/300. Interior slope (weighted harmonic mean, w1 = 2·30 + 10, w2 = 30 + 2·10):
    // d1 = 120 / (70/0.03 + 50·300) = 9/1300. End slopes ((2h0 + h1)δ0 − h0δ1)/(h0 + h1): d0 = (50·0.03 − 10/300)/40
    // = 11/300; d2 = (70/300 − 30·0.03)/40 < 0, against δ1's sign, so 0. Hermite cubic on [0, 10] at s = 1/2:
    // y = (1/2)·0.3 + (1/8)·10·d0 − (1/8)·10·d1 = 0.15 + (11/240) − (9/1040) = 0.18717948717948718 (= 73/390).
    const c = new AdoptionCurve({ kind: 'groups', groups: [{ name: 'a', share: 0.3, days: 10 }, { name: 'b', share: 0.1, days: 40 }] }, 10);
    expect(c.cdf(5)).toBeCloseTo(73 / 390, 14);
    expect(c.cdf(20)).toBeCloseTo(0.3566951566951567, 14);
    expect(c.cdf(30)).toBeCloseTo(0.3894586894586894, 14);
    expect(c.cdf(40)).toBeCloseTo(0.4, 14);
    expect(c.cdf(400)).toBeCloseTo(0.4, 14);
    expect(c.share).toBeCloseTo(0.4, 14);
    // one group: a straight line to its milestone
    expect(new AdoptionCurve({ kind: 'groups', groups: [{ name: 'a', share: 0.6, days: 20 }] }, 10).cdf(5)).toBeCloseTo(0.15, 14);
  });
});
