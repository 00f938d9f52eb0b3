/*
 * The bench's equivalence rule (bench/lib.ts equivalenceErrors): a variant whose file differs from datagen's beyond
 * a check's tolerance fails its case, so a ratio is never reported between two variants that produced other data.
 */
import { describe, expect, it } from 'vitest';
import type { Check } from '../../../bench/cases/types.ts';
import { equivalenceErrors, type VariantChecks } from '../../../bench/lib.ts';
import { referenceFact } from '../../../bench/cases/reference-fact.ts';
import { usersEvents } from '../../../bench/cases/users-events.ts';
import { workers } from '../../../bench/cases/workers.ts';

const checks: Record<string, Check> = {
  rows: { sql: 'SELECT 1', same: 'exact' },
  mean: { sql: 'SELECT 1', same: { abs: 0.01 } },
  total: { sql: 'SELECT 1', same: { rel: 0.01 } },
  note: { sql: 'SELECT 1', same: 'show' },
};
const datagen: VariantChecks = { variant: 'datagen', role: 'datagen', checks: { rows: 100, mean: 3.2, total: 1000, note: 1 } };

describe('bench equivalence', () => {
  it('accepts a baseline within every tolerance (show checks are not compared)', () => {
    const baseline: VariantChecks = { variant: 'sql', role: 'baseline', checks: { rows: 100, mean: 3.209, total: 1009, note: 99 } };
    expect(equivalenceErrors({ checks }, [datagen, baseline])).toEqual(new Map());
  });

  it('fails a baseline with another count, a statistic out of tolerance, or a missing value', () => {
    const errors = equivalenceErrors({ checks }, [
      datagen,
      { variant: 'count', role: 'baseline', checks: { rows: 101, mean: 3.2, total: 1000, note: 1 } },
      { variant: 'abs', role: 'extra', checks: { rows: 100, mean: 3.22, total: 1000, note: 1 } },
      { variant: 'rel', role: 'extra', checks: { rows: 100, mean: 3.2, total: 1011, note: 1 } },
      { variant: 'null', role: 'extra', checks: { rows: null, mean: 3.2, total: 1000, note: 1 } },
      { variant: 'none', role: 'extra' },
      { variant: 'crashed', role: 'extra', error: 'exit code 1' },
    ]);
    expect([...errors.keys()]).toEqual(['count', 'abs', 'rel', 'null', 'none']);
    expect(errors.get('count')).toMatch(/^NOT EQUIVALENT to datagen: rows 101 vs datagen 100 \(must be equal\)$/);
    expect(errors.get('abs')).toMatch(/mean 3\.22 vs datagen 3\.2 \(tolerance ±0\.01\)/);
    expect(errors.get('rel')).toMatch(/total 1011 vs datagen 1000 \(tolerance ±1%\)/);
  });

  it('the comparison cases assert their keys and counts exactly', () => {
    const exact = (c: Record<string, Check> | undefined) => Object.entries(c ?? {}).filter(([, v]) => v.same === 'exact').map(([k]) => k);
    expect(exact(referenceFact.checks)).toEqual(expect.arrayContaining(['accounts', 'key_max_minus_count', 'fk_outside', 'first_day', 'last_day']));
    expect(exact(usersEvents.checks)).toEqual(expect.arrayContaining(['users', 'fk_outside']));
    expect(exact(workers.checks)).toEqual(expect.arrayContaining(['transactions', 'key_max_minus_count', 'checksum']));
    expect(usersEvents.variants.map((v) => v.name)).toEqual(['datagen', 'workers-1', 'faker-loop', 'faker-chunks']);
  });
});
