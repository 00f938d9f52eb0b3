import { describe, expect, it } from 'vitest';
import { timePart } from '../../../../src/model/time-grid.ts';
import { col, entity, errorCodes, expectWithin, idCol, mean, runColumns, spec } from '../../../support/harness.ts';

// Numeric columns are multiplied by the RAW weight of the bucket of their time reference. Checked
// exactly on a constant column, and statistically on N(100, 10): the ratio of bucket means
// m_k / m_0 must equal w_k / w_0. With m_k = 100 w_k and sd 10 w_k the delta-method SE of the ratio is
// (w_k/w_0) · 0.1 · √(1/n_k + 1/n_0); tolerance 5 SE. n = 30 000 rows.
const N = 30_000;
const dowW = [1, 1.1, 1.2, 1.3, 2, 0.6, 0.4];
const hourW = Array.from({ length: 24 }, (_, h) => 1 + Math.sin((h / 24) * 2 * Math.PI) * 0.5);
const monthW = [0.5, 0.6, 0.8, 1, 1.2, 1.5, 1.8, 1.7, 1.3, 1, 0.8, 2.5];
const W = { dow: dowW, hour: hourW, month: monthW } as const;
const noisy = { distribution: { type: 'normal', params: { mean: 100, std: 10 } } };
const constant = { choice: { choices: [100] } };

describe('seasonality on a numeric column', () => {
  for (const dim of ['hour', 'dow', 'month'] as const) {
    it(`${dim}: value × raw weight of its bucket; bucket-mean ratios equal weight ratios`, () => {
      const t = runColumns(N, [
        col('ts', 'datetime', { datetime_series: { freq: 'H' } }),
        col('c', 'float', constant, [['seasonality', { dimension: dim, weights: W[dim] }]]),
        col('v', 'float', noisy, [['seasonality', { dimension: dim, weights: W[dim] }]]),
      ]);
      const [ts, c, v] = [t.num('ts'), t.num('c'), t.num('v')];
      const off = dim === 'month' ? 1 : 0;
      const bucket = (x: number) => (dim === 'hour' ? new Date(x).getUTCHours() : dim === 'dow' ? (new Date(x).getUTCDay() + 6) % 7 : new Date(x).getUTCMonth());
      const groups = new Map<number, number[]>();
      for (let i = 0; i < N; i++) {
        const k = bucket(ts[i]);
        expect(timePart(ts[i], dim) - off).toBe(k);
        if (Math.abs(c[i] - 100 * W[dim][k]) > 1e-9) expect.fail(`row ${i}: ${c[i]} vs 100 × ${W[dim][k]}`);
        if (!groups.has(k)) groups.set(k, []);
        groups.get(k)!.push(v[i]);
      }
      const m0 = mean(groups.get(0)!);
      const n0 = groups.get(0)!.length;
      for (const [k, xs] of groups) {
        const r = W[dim][k] / W[dim][0];
        expectWithin(mean(xs) / m0, r, r * 0.1 * Math.sqrt(1 / xs.length + 1 / n0), `${dim} bucket ${k} ratio`);
      }
    });
  }

  it('weights are raw, not normalised: all weights 2 doubles every value', () => {
    const t = runColumns(10_000, [col('ts', 'datetime', { datetime_series: {} }), col('c', 'float', constant, [['seasonality', { dimension: 'dow', weights: [2, 2, 2, 2, 2, 2, 2] }]])]);
    expect(new Set(t.num('c'))).toEqual(new Set([200]));
  });

  it('time reference: explicit time_reference, else the first earlier datetime column, else the first later one', () => {
    const w = [1, 2, 3, 4, 5, 6, 7];
    const t = runColumns(10_000, [
      col('before', 'float', constant, [['seasonality', { dimension: 'dow', weights: w }]]),
      col('t1', 'datetime', { datetime_series: { freq: 'D' } }),
      col('after', 'float', constant, [['seasonality', { dimension: 'dow', weights: w }]]),
      col('t2', 'datetime', { datetime_series: { freq: 'D' } }),
      col('explicit', 'float', constant, [['seasonality', { dimension: 'dow', weights: w, time_reference: 't2' }]]),
    ]);
    const [t1, t2] = [t.num('t1'), t.num('t2')];
    let differ = 0;
    for (let i = 0; i < t.rows; i++) {
      const w1 = 100 * w[timePart(t1[i], 'dow')];
      const w2 = 100 * w[timePart(t2[i], 'dow')];
      if (t.num('before')[i] !== w1 || t.num('after')[i] !== w1 || t.num('explicit')[i] !== w2) expect.fail(`row ${i}`);
      if (w1 !== w2) differ++;
    }
    expect(differ).toBeGreaterThan(t.rows / 2);
  });

  it('a null timestamp leaves the value unchanged', () => {
    const t = runColumns(10_000, [col('ts', 'datetime', { datetime_series: {} }, [], { null_rate: 0.3 }), col('c', 'float', constant, [['seasonality', { dimension: 'hour', weights: new Array(24).fill(3) }]])]);
    const [ts, c] = [t.num('ts'), t.num('c')];
    for (let i = 0; i < t.rows; i++) if (c[i] !== (Number.isNaN(ts[i]) ? 100 : 300)) expect.fail(`row ${i}: ${c[i]}`);
  });

  it('no datetime column, a bad time_reference or a wrong number of weights are compile errors', () => {
    const doc = (cols: unknown[]) => spec([entity('t', 10, [idCol(), ...cols])]);
    expect(errorCodes(doc([col('c', 'float', constant, [['seasonality', { dimension: 'dow', weights: dowW }]])]))).toEqual(['DG_NO_TIME_REFERENCE']);
    expect(errorCodes(doc([col('ts', 'datetime', { datetime_series: {} }), col('c', 'float', constant, [['seasonality', { dimension: 'dow', weights: dowW, time_reference: 'c' }]])]))).toEqual(['DG_BAD_TIME_REFERENCE']);
    expect(errorCodes(doc([col('ts', 'datetime', { datetime_series: {} }), col('c', 'float', constant, [['seasonality', { dimension: 'dow', weights: [1, 2] }]])])).length).toBeGreaterThan(0);
  });
});
