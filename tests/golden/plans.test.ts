import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/plan/canonical.ts';
import { validatePlan } from '../../src/plan/plan-schema.ts';
import { updateGolden } from '../support/golden.ts';
import { compileOrThrow, EXAMPLES_DIR, readJson } from '../support/run-spec.ts';

/**
 * Golden plans: every example's compiled plan is pinned. Update only on purpose:
 *   UPDATE_GOLDEN=1 npm test -- tests/golden/plans.test.ts
 */
const GOLDEN = new URL('./plans/', import.meta.url);
const UPDATE = updateGolden();
const examples = readdirSync(EXAMPLES_DIR).filter((f) => f.endsWith('.json')).sort();

describe('golden plans of the examples', () => {
  it('has at least three examples', () => expect(examples.length).toBeGreaterThanOrEqual(3));

  for (const file of examples) {
    it(file, () => {
      const plan = compileOrThrow(readJson(new URL(file, EXAMPLES_DIR)));
      expect(validatePlan(plan)).toEqual([]);
      const text = canonicalJson(plan, 2) + '\n';
      const golden = new URL(file.replace(/\.json$/, '.plan.json'), GOLDEN);
      if (UPDATE) writeFileSync(golden, text);
      expect(existsSync(golden), `missing golden plan for ${file}: run with UPDATE_GOLDEN=1`).toBe(true);
      expect(text).toBe(readFileSync(golden, 'utf8'));
    });
  }

  it('plans are pure: compiling twice gives the same bytes', () => {
    const doc = readJson(new URL(examples[0], EXAMPLES_DIR));
    expect(canonicalJson(compileOrThrow(doc))).toBe(canonicalJson(compileOrThrow(doc)));
  });
});
