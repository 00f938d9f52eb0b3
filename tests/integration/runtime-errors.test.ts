import { describe, expect, it } from 'vitest';
import { generate } from '../support/run-spec.ts';
import { noPositiveWeightsSpec } from '../support/specs.ts';

/* Problems that only the data can show are run errors with a clear message, never silently skewed data. */
describe('run errors', () => {
  it('weights_by with no positive weight refuses to pick instead of sending every row to the last one', async () => {
    const spec = noPositiveWeightsSpec(50);
    await expect(generate(spec)).rejects.toThrow(/weights_by "shop.w" has no positive value/);
  });
});
