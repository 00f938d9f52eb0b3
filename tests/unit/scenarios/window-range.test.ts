/** Fuzzer finding F11: a scenario window whose duration ends past year 9999 compiled, then run failed ("Invalid time value"). */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/plan/compile.ts';

const doc = () => JSON.parse(readFileSync(new URL('../../../examples/usage_costs.json', import.meta.url), 'utf8'));

describe('scenario window durations', () => {
  it('a duration that ends after the year 9999 is DG_OUT_OF_RANGE at the duration', () => {
    for (const duration of [1e8, 1e9, 8.64e15, 4e41]) {
      const d = doc();
      d.scenarios[2].window.duration = duration;
      const diag = compile(d).diagnostics.find((x) => x.severity === 'error');
      expect(diag?.code, String(duration)).toBe('DG_OUT_OF_RANGE');
      expect(diag?.path).toBe('/scenarios/2/window/duration');
    }
  });

  it('an ordinary duration still compiles', () => {
    const d = doc();
    d.scenarios[2].window.duration = 30;
    expect(compile(d).diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
  });
});
