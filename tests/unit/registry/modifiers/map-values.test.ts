import { describe, expect, it } from 'vitest';
import { col, expectShares, withAndWithout } from '../../../support/harness.ts';

// map_values is deterministic: every row is checked against the unmodified run (same seed); the
// shares of the mapped values then equal the shares of their keys (checked within 5 binomial SE
// against the choice weights, n = 20 000).
const N = 20_000;

describe('map_values', () => {
  it('string values: keys are replaced, other values stay; null maps to null', () => {
    const { mod, base } = withAndWithout(N, [col('s', 'string', { choice: { choices: ['A', 'B', 'C', 'D'], weights: [4, 3, 2, 1] } }, [['map_values', { mapping: { A: 'Active', B: 'Blocked', D: null } }]], { nullable: true })], 's');
    const [m, b] = [mod.str('s'), base.str('s')];
    const want: Record<string, string | null> = { A: 'Active', B: 'Blocked', C: 'C', D: null };
    for (let i = 0; i < N; i++) if (m[i] !== want[b[i]!]) expect.fail(`row ${i}: ${b[i]} → ${m[i]}`);
    expectShares(m, new Map<string | null, number>([['Active', 0.4], ['Blocked', 0.3], ['C', 0.2], [null, 0.1]]), 'mapped shares');
  });

  it('numbers match by their printed form; numeric mappings stay numeric', () => {
    const { mod, base } = withAndWithout(N, [
      col('k', 'int', { choice: { choices: [1, 2, 3] } }, [['map_values', { mapping: { '1': 10, '3': -1 } }]]),
    ], 'k');
    const [m, b] = [mod.num('k'), base.num('k')];
    for (let i = 0; i < N; i++) if (m[i] !== ({ 1: 10, 2: 2, 3: -1 } as Record<number, number>)[b[i]]) expect.fail(`row ${i}: ${b[i]} → ${m[i]}`);
  });

  it('numbers mapped to labels on a string column', () => {
    const { mod, base } = withAndWithout(N, [col('s', 'string', { distribution: { type: 'poisson', params: { lambda: 1 } } }, [['map_values', { mapping: { '0': 'none', '1': 'one' } }]])], 's');
    const [m, b] = [mod.str('s'), base.str('s')];
    for (let i = 0; i < N; i++) {
      const want = b[i] === '0' ? 'none' : b[i] === '1' ? 'one' : b[i];
      if (m[i] !== want) expect.fail(`row ${i}: ${b[i]} → ${m[i]}`);
    }
  });

  // The printed form of a bool value is true/false (DuckDB, the CLI, JSON), but internally it is 1/0,
  // so the key "true" never matches: map_values on a bool column silently does nothing.
  it('bool values match the keys "true" / "false"', () => {
    const { mod, base } = withAndWithout(N, [col('b', 'bool', { choice: { choices: [true, false] } }, [['map_values', { mapping: { true: false } }]])], 'b');
    const [m, b] = [mod.num('b'), base.num('b')];
    let wrong = 0;
    for (let i = 0; i < N; i++) if (m[i] !== 0) wrong++;
    expect(b.some((v) => v === 1)).toBe(true);
    expect(wrong, 'rows still true after mapping true → false').toBe(0);
  });
});
