/**
 * Issue 14 §3: preference-driven picks at scale — 1 M users (city, Dirichlet taste over 20 categories) × 100 k items
 * (category, city, lognormal popularity), ~10 M interactions, each picking an item of the user's city ∝
 * exp(log popularity + 4 · taste[category]) (src/engine/preference-pick.ts: O(categories) per row, not O(items)).
 * Target: ≥ 1 M interaction rows/s, peak RSS ≤ 1 GB.
 */
import { readSpec, runSpec } from './datagen.ts';
import type { BenchCase } from './types.ts';

const SPEC = new URL('../specs/preference-picks.json', import.meta.url);

export const preferencePicks: BenchCase = {
  name: 'preference-picks',
  title: 'preference-driven picks: 1 M users × 100 k items, ~10 M interactions',
  variants: [
    {
      name: 'datagen',
      role: 'datagen',
      label: 'bench/specs/preference-picks.json through compile + runPlan (softmax score, on city, 20 category groups)',
      run: (out, ctx) => runSpec(readSpec(SPEC), ctx.size, out),
    },
  ],
};
