/*
 * infer/fit for categories, fanouts, timestamps and text (issue 21): categorical weights from the top values with
 * no literal held by fewer than k rows (property-tested), fanout families recovered and the empirical fanout
 * pooling rare counts, calendar patterns kept only beyond the threshold and corrected for the window's grid, the
 * yearly trend, PII by column-name tokens and value patterns, free text as patterns or lorem.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileDist, sampleDist, type DistName } from '../../../src/model/distributions.ts';
import { streamKey, uniform } from '../../../src/model/rng.ts';
import { detectPii, fitCategorical, fitFanout, fitText, fitTime, regularGrid } from '../../../src/infer/fit/index.ts';
import { pooledCounts } from '../../../src/infer/fit/fanout.ts';
import { nameTokens } from '../../../src/infer/fit/text.ts';

function draw(type: DistName, params: Record<string, number>, n: number, seed: number): number[] {
  const d = compileDist(type, params);
  const key = streamKey(seed, 'fit-columns', type);
  return Array.from({ length: n }, (_, i) => sampleDist(d, key, i, 0));
}

describe('fitCategorical', () => {
  it('weights of the top values, in order of count; values held by < k rows are never written', () => {
    const top = [{ value: 'b', count: 300 }, { value: 'a', count: 500 }, { value: 'c', count: 195 }, { value: 'rare', count: 4 }, { value: 'once', count: 1 }];
    const f = fitCategorical(top, 1000, 5)!;
    expect(f.generator).toEqual({ choice: { choices: ['a', 'b', 'c'], weights: [0.502513, 0.301508, 0.19598] } });
    expect(JSON.stringify(f)).not.toMatch(/rare|once/);
    expect(f.evidence).toMatchObject({ n: 1000, family: 'choice', score: 0.995 });
    expect(f.evidence.note).toContain('2 other values');
  });

  it('stops at the coverage (~99 %) even when later values are frequent enough', () => {
    const top = Array.from({ length: 20 }, (_, i) => ({ value: `v${i}`, count: i < 10 ? 99 : 1 + (i === 10 ? 9 : 0) }));
    const total = top.reduce((a, t) => a + t.count, 0);
    const f = fitCategorical(top, total, 20)!;
    expect((f.generator.choice as { choices: string[] }).choices).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 'v8', 'v9', 'v10']);
    const g = fitCategorical(top, total, 20, { coverage: 0.95 })!;
    expect((g.generator.choice as { choices: string[] }).choices.length).toBe(10);
  });

  it('is null when the values held by ≥ k rows cover < 90 % of the rows (free text, identifiers)', () => {
    const top = Array.from({ length: 50 }, (_, i) => ({ value: `id-${i}`, count: i < 5 ? 10 : 1 }));
    expect(fitCategorical(top, 95, 95)).toBeNull();
    expect(fitCategorical([], 0, 0)).toBeNull();
  });

  it('property: every literal is held by ≥ minCount rows, weights are shares summing to 1, in order of count', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ value: fc.oneof(fc.string({ maxLength: 6 }), fc.integer({ min: -50, max: 50 }), fc.boolean()), count: fc.integer({ min: 1, max: 400 }) }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 12 }),
        (raw, k) => {
          // Distinct values (as the profile hands them).
          const seen = new Set<string>();
          const top = raw.filter((t) => !seen.has(JSON.stringify(t.value)) && seen.add(JSON.stringify(t.value)));
          const total = top.reduce((a, t) => a + t.count, 0);
          const f = fitCategorical(top, total, top.length, { minCount: k });
          if (!f) return;
          const c = f.generator.choice as { choices: unknown[]; weights?: number[] };
          for (const v of c.choices) {
            const src = top.find((t) => t.value === v)!;
            expect(src.count).toBeGreaterThanOrEqual(k);
          }
          if (c.weights) {
            expect(c.weights.length).toBe(c.choices.length);
            expect(Math.abs(c.weights.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
            for (let i = 1; i < c.weights.length; i++) expect(c.weights[i]!).toBeLessThanOrEqual(c.weights[i - 1]!);
          }
        },
      ),
      { numRuns: 300, seed: 21 },
    );
  });
});

describe('fitFanout', () => {
  it.each([
    ['poisson', { lambda: 3 }, 'lambda', 3],
    ['negative_binomial', { mean: 4, dispersion_k: 1.5 }, 'mean', 4],
    ['geometric', { p: 0.25 }, 'mean', 3],
  ] as const)('%s: the family and its mean (within 4 SE), zeros included', (type, params, key, mean) => {
    const n = 8000;
    const counts = draw(type, params, n, 5);
    const f = fitFanout(counts);
    expect(f.fanout.distribution, JSON.stringify(f.evidence)).toBe(type);
    const sd = Math.sqrt(counts.reduce((a, x) => a + (x - mean) ** 2, 0) / n);
    expect(Math.abs((f.fanout[key] as number) - mean)).toBeLessThan((4 * sd) / Math.sqrt(n));
    if (type === 'negative_binomial') expect(Math.abs((f.fanout.k as number) - 1.5)).toBeLessThan(0.15);
    expect(f.evidence.note).toMatch(/without any/);
  });

  it('a family that does not keep the mean is not chosen: 100 parents with 0–2 children, mean 0.92', () => {
    const counts = [...new Array(33).fill(0), ...new Array(42).fill(1), ...new Array(25).fill(2)];
    const f = fitFanout(counts);
    const mean = f.fanout.distribution === 'categorical'
      ? (f.fanout.values as number[]).reduce((a, v, i) => a + v * (f.fanout.weights as number[])[i]!, 0)
      : (f.fanout.lambda ?? f.fanout.mean) as number;
    expect(f.fanout.distribution).not.toBe('uniform');
    expect(Math.abs(mean - 0.92) / 0.92).toBeLessThan(0.025);
  });

  it('fixed and uniform fanouts', () => {
    expect(fitFanout([2, 2, 2, 2]).fanout).toEqual({ distribution: 'fixed', value: 2 });
    const u = Array.from({ length: 6000 }, (_, i) => 1 + (i % 5));
    expect(fitFanout(u).fanout).toEqual({ distribution: 'uniform', min: 1, max: 5 });
  });

  it('an empirical categorical fanout: frequent counts kept, rare ones pooled into groups of ≥ k parents at their mean', () => {
    // A third without children, a third with 5, the rest spread thinly over 6..400.
    const counts = Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? 0 : i % 3 === 1 ? 5 : 6 + ((i * 37) % 395)));
    const f = fitFanout(counts);
    expect(f.fanout.distribution).toBe('categorical');
    const values = f.fanout.values as number[];
    const weights = f.fanout.weights as number[];
    expect(values.slice(0, 2)).toEqual([0, 5]);
    // Each written count stands for at least 5 parents.
    for (const w of weights) expect(w * 3000).toBeGreaterThanOrEqual(5 - 1e-6);
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    const fitted = values.reduce((a, v, i) => a + v * weights[i]!, 0);
    expect(Math.abs(fitted - mean) / mean).toBeLessThan(0.01);
  });

  it('pooledCounts: a short run before a frequent count joins it; a short run at the end joins the last group', () => {
    expect(pooledCounts(Float64Array.of(1, 2, 3, 9), Float64Array.of(2, 1, 10, 1), 5)).toEqual({ values: [3], weights: [14] });
    expect(pooledCounts(Float64Array.of(0, 1, 2, 3, 4), Float64Array.of(10, 3, 3, 1, 1), 5)).toEqual({ values: [0, 2], weights: [10, 8] });
  });
});

describe('fitTime', () => {
  const DAY = 86_400_000;
  const HOUR = 3_600_000;
  /** Timestamps on the minute grid of [start, start + days), hours drawn with weights, days uniform. */
  function times(n: number, startMs: number, days: number, hourWeights: number[] | null, seed: number): Float64Array {
    const key = streamKey(seed, 'fit-time');
    const cum: number[] = [];
    let c = 0;
    for (const w of hourWeights ?? new Array(24).fill(1)) cum.push((c += w));
    return Float64Array.from({ length: n }, (_, i) => {
      const day = Math.floor(uniform(key, i, 0) * days);
      const u = uniform(key, i, 1) * c;
      const hour = cum.findIndex((x) => u < x);
      const minute = Math.floor(uniform(key, i, 2) * 60);
      return startMs + day * DAY + hour * HOUR + minute * 60_000;
    });
  }

  it('keeps an hour pattern that differs from uniform, with its weights; leaves dow and month uniform', () => {
    const w = Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 20 ? 3 : 1));
    const f = fitTime(times(50_000, Date.UTC(2024, 0, 1), 366, w, 1), { start: '2024-01-01T00:00:00Z', end: '2024-12-31T23:59:00Z' });
    const g = f.generator.datetime_series as { freq: string; pattern: { dimension: string; weights: number[] } };
    expect(g.freq).toBe('T');
    expect(g.pattern.dimension).toBe('hour');
    // Weights scaled to a mean of 1: w / 2; each within 4 SE of its bucket's count (relative SE 1/√count).
    for (let h = 0; h < 24; h++) expect(Math.abs(g.pattern.weights[h]! - w[h]! / 2)).toBeLessThan((4 * (w[h]! / 2)) / Math.sqrt((50_000 * w[h]!) / 48));
    expect(f.evidence.note).toMatch(/dow: TVD [0-9.]+ ≤/);
    expect(f.evidence.note).toMatch(/month: TVD [0-9.]+ ≤/);
  });

  it('uniform data in a window of 10 days from a Monday: no dow pattern (the grid holds more Mondays than Sundays)', () => {
    const f = fitTime(times(20_000, Date.UTC(2024, 0, 1), 10, null, 2), { start: '2024-01-01T00:00:00Z', end: '2024-01-10T23:59:00Z' });
    expect((f.generator.datetime_series as Record<string, unknown>).pattern).toBeUndefined();
  });

  it('no pattern from noise: uniform timestamps, 10 seeds, 2 000 to 50 000 rows', () => {
    for (let seed = 20; seed < 30; seed++) {
      const n = [2000, 10_000, 50_000][seed % 3]!;
      const f = fitTime(times(n, Date.UTC(2023, 0, 1), 365, null, seed), { start: '2023-01-01T00:00:00Z', end: '2023-12-31T23:59:00Z' });
      expect((f.generator.datetime_series as Record<string, unknown>).pattern, `seed ${seed}: ${f.evidence.note}`).toBeUndefined();
    }
  });

  it('a monthly schedule (the 1st and the 15th of each month, 06:00) gets a day_of_month and an hour pattern', () => {
    const v = Float64Array.from({ length: 2400 }, (_, i) => Date.UTC(2024, i % 12, i % 2 ? 1 : 15, 6));
    const f = fitTime(v, { start: '2024-01-01T06:00:00Z', end: '2024-12-15T06:00:00Z' });
    const p = (f.generator.datetime_series as { pattern: { dimension: string; weights: number[] }[] }).pattern;
    const dom = p.find((x) => x.dimension === 'day_of_month')!;
    expect(dom.weights.map((w, d) => (w > 0 ? d + 1 : 0)).filter(Boolean)).toEqual([1, 15]);
    const hour = p.find((x) => x.dimension === 'hour')!;
    expect(hour.weights.map((w, h) => (w > 0 ? h : -1)).filter((h) => h >= 0)).toEqual([6]);
  });

  it('regularGrid: a complete grid of distinct, evenly spaced times (a panel hour column), in any order', () => {
    const hours = Float64Array.from({ length: 48 }, (_, i) => Date.UTC(2024, 0, 1) + ((i * 7) % 48) * HOUR);
    expect(regularGrid(hours)).toEqual({ startMs: Date.UTC(2024, 0, 1), stepMs: HOUR, count: 48 });
    const gap = Float64Array.from(hours);
    gap[3] = Date.UTC(2024, 0, 5);
    expect(regularGrid(gap)).toBeNull();
    const repeated = Float64Array.from({ length: 10 }, (_, i) => Date.UTC(2024, 0, 1) + Math.floor(i / 2) * HOUR);
    expect(regularGrid(repeated)).toBeNull();
    expect(regularGrid(Float64Array.of(1, 2))).toBeNull();
  });

  it('the grid: D for midnights, H for whole hours', () => {
    const days = Float64Array.from({ length: 100 }, (_, i) => Date.UTC(2024, 0, 1) + (i % 50) * DAY);
    expect((fitTime(days, { start: '2024-01-01T00:00:00Z', end: '2024-02-19T00:00:00Z' }).generator.datetime_series as { freq: string }).freq).toBe('D');
    const hours = Float64Array.from({ length: 100 }, (_, i) => Date.UTC(2024, 0, 1) + i * HOUR);
    expect((fitTime(hours, { start: '2024-01-01T00:00:00Z', end: '2024-01-05T03:00:00Z' }).generator.datetime_series as { freq: string }).freq).toBe('H');
  });

  it('a yearly trend is measured over a window of 1.5 years or more', () => {
    // Density ∝ 1.5^t over 3 years: u → t by the inverse CDF.
    const key = streamKey(3, 'trend');
    const b = Math.log(1.5);
    const T = 3;
    const start = Date.UTC(2021, 0, 1);
    const v = Float64Array.from({ length: 40_000 }, (_, i) => {
      const t = Math.log(1 + uniform(key, i, 0) * (Math.exp(b * T) - 1)) / b;
      return start + Math.floor((t * 365.25 * DAY) / 60_000) * 60_000;
    });
    const f = fitTime(v, { start: '2021-01-01T00:00:00Z', end: '2023-12-31T23:59:00Z' });
    const m = /trend: ([0-9.]+) % a year/.exec(f.evidence.note!);
    expect(m).not.toBeNull();
    expect(Math.abs(Number(m![1]) - 50)).toBeLessThan(3);
    expect(f.modifiers).toEqual([{ transform: 'trend', args: { type: 'exponential', growth_rate: expect.any(Number), origin: '2021-01-01T00:00:00Z' } }]);
    expect(Math.abs((f.modifiers![0]!.args as { growth_rate: number }).growth_rate - 0.5)).toBeLessThan(0.03);
    // No trend: uniform over the same window.
    const flat = Float64Array.from({ length: 40_000 }, (_, i) => start + Math.floor((uniform(key, i, 1) * T * 365.25 * DAY) / 60_000) * 60_000);
    expect(fitTime(flat, { start: '2021-01-01T00:00:00Z', end: '2023-12-31T23:59:00Z' }).modifiers).toBeUndefined();
  });
});

describe('detectPii', () => {
  it.each([
    ['email', ['ann.lee@example.com', 'bo@test.org'], 'email'],
    ['customerEmail', ['ann.lee@example.com'], 'email'],
    ['client_ip', ['10.0.0.1', '192.168.1.20'], 'ipv4'],
    ['phone', ['+1 (555) 123-4567', '555-987-6543'], 'phone_number'],
    ['first_name', ['Ann', 'Bo'], 'first_name'],
    ['surname', ['Lee', "O'Brien"], 'last_name'],
    ['full_name', ['Ann Lee', 'Bo Diddley'], 'name'],
    ['customer_name', ['Ann Lee', 'Bo Diddley'], 'name'],
    ['iban', ['DE89370400440532013000'], 'iban'],
    ['street_address', ['12 Main St', '4 Elm Road'], 'street_address'],
    ['zip', ['10115', '75001'], 'postcode'],
    ['username', ['jdoe42', 'ann_l'], 'user_name'],
  ])('%s → %s by its name', (name, values, method) => {
    const f = detectPii(name, values);
    expect(f?.generator).toEqual({ faker: { method } });
    expect(f!.evidence.note).toContain(name);
  });

  it('distinctive value patterns identify a column whatever its name', () => {
    expect(detectPii('c1', Array(30).fill(0).map((_, i) => `user${i}@mail.example.com`))?.generator).toEqual({ faker: { method: 'email' } });
    expect(detectPii('c2', Array(30).fill(0).map((_, i) => `10.1.${i}.7`))?.generator).toEqual({ faker: { method: 'ipv4' } });
    expect(detectPii('c3', ['4111 1111 1111 1111', '5500-0000-0000-0004', '340000000000009'])?.generator).toEqual({ faker: { method: 'credit_card_number' } });
    expect(detectPii('c4', ['GB82WEST12345698765432', 'DE89370400440532013000'])?.generator).toEqual({ faker: { method: 'iban' } });
  });

  it('a bare "name" is a person only when the values start with known first names', () => {
    expect(detectPii('name', ['John Smith', 'Mary Jones', 'Robert Brown', 'Linda Davis'])?.generator).toEqual({ faker: { method: 'name' } });
    expect(detectPii('name', ["Chicago O'Hare International", 'Newark Liberty Intl', 'Dallas Love Field', 'San Francisco International'])).toBeNull();
  });

  it('places: faker city / state / country when the values do not repeat like a category; else left to fitCategorical', () => {
    const cities = Array.from({ length: 60 }, (_, i) => `Springfield ${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}`);
    expect(detectPii('city', cities)?.generator).toEqual({ faker: { method: 'city' } });
    const repeated = Array.from({ length: 60 }, (_, i) => ['Paris', 'Berlin', 'Madrid'][i % 3]!);
    expect(detectPii('city', repeated)).toBeNull();
    expect(detectPii('state', Array.from({ length: 40 }, (_, i) => ['active', 'churned'][i % 2]!))).toBeNull();
  });

  it('no false alarms: product names, card-like numbers failing Luhn, a name column of codes', () => {
    expect(detectPii('product_name', ['Blue Widget', 'Red Gadget'])).toBeNull();
    expect(detectPii('airport_name', ['Chicago O Hare', 'Newark'])).toBeNull();
    expect(detectPii('c5', ['4111 1111 1111 1112', '1234 5678 9012 3456'])).toBeNull();
    expect(detectPii('status', ['active', 'churned'])).toBeNull();
    expect(detectPii('name', ['a1', 'b2', 'c3'])).toBeNull();
  });

  it('column-name tokens: snake, camel, kebab, digits', () => {
    expect(nameTokens('customerEmailAddress')).toEqual(['customer', 'email', 'address']);
    expect(nameTokens('IPAddress_v4')).toEqual(['ip', 'address', 'v4']);
    expect(nameTokens('first-name')).toEqual(['first', 'name']);
  });
});

describe('fitText', () => {
  it('values of one shape → bothify with that shape; a character all values share stays only with ≥ 5 values', () => {
    const codes = Array.from({ length: 40 }, (_, i) => `DEV-${String(1000 + i * 137).padStart(4, '0')}-${String.fromCharCode(65 + (i % 26))}${String.fromCharCode(66 + (i % 20))}`);
    const f = fitText(codes);
    expect(f.generator).toEqual({ faker: { method: 'bothify', args: { text: 'DEV-####-??', letters: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' } } });
    const few = fitText(['AB-12', 'AC-34', 'AD-56']);
    expect((few.generator.faker as { args: { text: string } }).args.text).toBe('??-##');
  });

  it('a shape holding characters bothify reads as digits (% ! @) becomes the same pattern as a regular expression', () => {
    const f = fitText(Array.from({ length: 30 }, (_, i) => `R${i % 10}%-${String.fromCharCode(65 + (i % 26))}`));
    expect(f.generator).toEqual({ faker: { method: 'helpers.fromRegExp', args: { _: ['R[0-9]{1}%-[A-Z]{1}'] } } });
  });

  it('codes of varying length → a regular expression over their characters; sentences → lorem', () => {
    const f = fitText(['A1B2', 'XY99Z3', 'QQ1', 'ZZZ9ZZ9Z']);
    expect(f.generator).toEqual({ faker: { method: 'helpers.fromRegExp', args: { _: ['[A-Z0-9]{3,8}'] } } });
    const s = fitText(['the quick brown fox jumps', 'over the lazy dog today', 'and then runs far away now']);
    expect(s.generator).toEqual({ faker: { method: 'sentence', args: { nb_words: 5 } } });
    expect(fitText(['hello', 'world', 'again']).generator).toEqual({ faker: { method: 'word' } });
  });

  it('never writes a source value', () => {
    const secret = ['zebra-unique-1', 'quokka-unique-2', 'narwhal-unique-3'];
    expect(JSON.stringify(fitText(secret))).not.toMatch(/zebra|quokka|narwhal/);
  });
});
