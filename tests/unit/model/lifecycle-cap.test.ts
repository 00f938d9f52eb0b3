/**
 * The lifecycle visit cap that validate's lifecycle_order relies on (docs/behaviours/lifecycles.md: "at most 1,000
 * stage visits per lifecycle"; validate keeps its own constant): a stage that always moves back to itself makes
 * exactly 1,000 contiguous visits, then the lifecycle stops, even with window left.
 */
import { describe, expect, it } from 'vitest';
import { LifecycleModel, MAX_VISITS } from '../../../src/model/lifecycle.ts';
import type { LifecyclePlan } from '../../../src/ir/types.ts';
import type { Store } from '../../../src/model/store.ts';

const DAY = 86_400_000;

describe('lifecycle visit cap', () => {
  it('a one-day stage looping on itself stops after 1,000 visits (window of 3,000 days)', () => {
    const start = Date.UTC(2020, 0, 1);
    const plan: LifecyclePlan = {
      emit: 'stages', periodMs: 7 * DAY, startFrom: null, startMs: start, endMs: start + 3000 * DAY,
      stages: [{ name: 'loop', duration: { dist: 'exponential', params: { rate: 1 }, clamp: [1, 1], unitMs: DAY }, eventTypes: [], eventsPerWeek: 0, exitProbability: 1, next: [0], churnPerPeriod: 0 }],
    };
    const model = new LifecycleModel(plan, 'parent', 1234, null as unknown as Store);
    for (const p of [0, 1, 77]) {
      const v = model.visits(p);
      expect(v.length).toBe(1000);
      v.forEach((x, i) => expect([x.stage, x.start, x.end]).toEqual([0, start + i * DAY, start + (i + 1) * DAY]));
    }
    expect(MAX_VISITS).toBe(1000);
  });
});
