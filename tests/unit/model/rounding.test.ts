/**
 * Pins roundHalfEven (src/model/rounding.ts), the cast of int columns that validate's value moments and clamp
 * bounds rely on, to banker's rounding as defined: the nearest integer, and on an exact tie the even one.
 */
import { describe, expect, it } from 'vitest';
import { roundHalfEven } from '../../../src/model/rounding.ts';

describe('roundHalfEven', () => {
  it.each([
    [0.5, 0], [1.5, 2], [2.5, 2], [3.5, 4], [-0.5, 0], [-1.5, -2], [-2.5, -2], [-3.5, -4],
    [2.4999999999999996, 2], [2.5000000000000004, 3], [-2.5000000000000004, -3], [0.49999999999999994, 0],
    [7, 7], [-7, -7], [1e15 + 0.5, 1e15], [1e15 + 1.5, 1e15 + 2], [2 ** 52 - 0.5, 2 ** 52], [2 ** 53, 2 ** 53],
  ])('%d → %d', (x, want) => {
    expect(roundHalfEven(x) + 0).toBe(want);
  });

  it('every tie k + ½ for k in −1000 … 1000 goes to the even neighbour; other values to the nearest', () => {
    for (let k = -1000; k <= 1000; k++) {
      expect(roundHalfEven(k + 0.5) + 0).toBe(k % 2 === 0 ? k : k + 1);
      expect(roundHalfEven(k + 0.25)).toBe(k);
      expect(roundHalfEven(k + 0.75)).toBe(k + 1);
    }
  });
});
