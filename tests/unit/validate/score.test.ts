import { describe, expect, it } from 'vitest';
import { verdictText } from '../../../src/validate/format.ts';
import { score } from '../../../src/validate/score.ts';
import { judge, judgeShares, shareSE, zText } from '../../../src/validate/stats.ts';
import type { Category, CheckResult, CheckStatus, ValidationReport } from '../../../src/validate/types.ts';

function check(category: Category, status: CheckStatus, hard = true): CheckResult {
  return { check: 'x', category, table: 't', status, hard, expected: 0, observed: 0, tolerance: 0, examples: [], message: '' };
}

describe('quality score', () => {
  it('leaves out categories without checks instead of counting them as perfect', () => {
    const s = score([check('structural', 'pass'), check('structural', 'fail')]);
    expect(s.categories.structural.score).toBe(50);
    expect(s.categories.targets.score).toBeNull();
    expect(s.score).toBe(50);
    expect(s.hardFailures).toBe(1);
  });

  it('weights categories 0.3 / 0.2 / 0.35 / 0.15 and counts a warning as half', () => {
    const s = score([check('structural', 'pass'), check('value', 'warn'), check('behavioural', 'pass'), check('targets', 'fail', false)]);
    expect(s.categories.value.score).toBe(50);
    expect(s.score).toBeCloseTo(0.3 * 100 + 0.2 * 50 + 0.35 * 100, 1);
    expect(s.hardFailures).toBe(0);
  });
});

describe('judgements from sample size', () => {
  it('passes within 4 SE, warns to 6 SE, fails beyond', () => {
    expect(judge(0.5 + 3.9 * 0.01, 0.5, 0.01).status).toBe('pass');
    expect(judge(0.5 + 5 * 0.01, 0.5, 0.01).status).toBe('warn');
    expect(judge(0.5 + 7 * 0.01, 0.5, 0.01).status).toBe('fail');
    expect(judge(NaN, 0.5, 0.01).status).toBe('fail');
  });

  it('shares: a pattern shifted by one bucket fails, a sample of the right one passes', () => {
    const w = [1, 1.1, 1.1, 1.05, 1, 0.6, 0.5];
    const total = w.reduce((a, b) => a + b, 0);
    const n = 100_000;
    const exact = w.map((x) => Math.round((x / total) * n));
    expect(judgeShares(exact, w).status).toBe('pass');
    const shifted = [exact[6], ...exact.slice(0, 6)];
    expect(judgeShares(shifted, w).status).toBe('fail');
    expect(shareSE(0.5, 100)).toBeCloseTo(0.05, 10);
  });
});

describe('verdict', () => {
  /** As validate() judges: soft failures fail the file unless allowed; then the score decides. */
  const report = (checks: CheckResult[], softFailuresAllowed = true, threshold = 80): ValidationReport => {
    const s = score(checks);
    const ok = s.hardFailures === 0 && (softFailuresAllowed ? s.score >= threshold : s.softFailures === 0);
    return { ...s, checks, threshold, softFailuresAllowed, ok } as ValidationReport;
  };
  it('names hard failures, a score below the threshold, and soft failures of a valid file', () => {
    expect(verdictText(report([check('structural', 'fail')]))).toBe('invalid: 1 hard check(s) failed');
    expect(verdictText(report([check('behavioural', 'fail', false)]))).toBe('invalid: score below the threshold 80');
    expect(verdictText(report([...Array(9).fill(check('behavioural', 'pass', false)), check('behavioural', 'fail', false)]))).toMatch(/^valid, but 1 soft check\(s\) failed/);
    expect(verdictText(report([check('structural', 'pass')]))).toBe('valid');
  });
  it('by default a failed soft check makes the file invalid; a warning never does', () => {
    const soft = [...Array(9).fill(check('behavioural', 'pass', false)), check('behavioural', 'fail', false)];
    expect(score(soft).softFailures).toBe(1);
    expect(verdictText(report(soft, false))).toBe('invalid: 1 soft check(s) failed (--allow-soft-failures judges them by the score instead)');
    expect(report([check('behavioural', 'warn', false), check('behavioural', 'warn', false)], false).ok).toBe(true);
  });
});

describe('z in messages', () => {
  it('a z too far out for a number reads as a tail probability, never "z Infinity"', () => {
    expect(zText(Infinity)).toBe('tail probability < 1e-300: impossible under the model');
    expect(zText(-Infinity)).not.toMatch(/Infinity/);
    expect(zText(1.23456)).toBe('z 1.23');
    expect(zText(-7)).toBe('z -7, tail probability 1.3e-12');
  });
});
