/**
 * Issue 4's speed case: a SaaS onboarding funnel at 1 M accounts (segments + a 5-stage `stage_config`,
 * ~3.6 M rows in all) against the reference fact through datagen in the same run. Ratio = funnel rows/s ÷
 * reference-fact rows/s; the target is to stay within 2× (≥ 0.5).
 */
import { readSpec, runSpec } from './datagen.ts';
import type { BenchCase } from './types.ts';

const FUNNEL = new URL('../specs/saas-funnel.json', import.meta.url);
const REFERENCE = new URL('../specs/reference-fact.json', import.meta.url);

export const saasFunnel: BenchCase = {
  name: 'saas-funnel',
  title: 'SaaS funnel, 1 M accounts vs the reference fact',
  targetRatio: 0.5,
  ratioLabel: 'funnel rows/s ÷ reference-fact rows/s (datagen both)',
  variants: [
    {
      name: 'funnel',
      role: 'datagen',
      label: 'bench/specs/saas-funnel.json: 1 M accounts with tiers, 5-stage onboarding funnel',
      run: (out, ctx) => runSpec(readSpec(FUNNEL), ctx.size, out),
    },
    {
      name: 'reference-fact',
      role: 'baseline',
      label: 'bench/specs/reference-fact.json through datagen (1 M accounts, ~10 M transactions)',
      run: (out, ctx) => runSpec(readSpec(REFERENCE), ctx.size, out),
    },
  ],
};
