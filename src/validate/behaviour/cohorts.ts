/** Behavioural checks (cohorts): segments, vintage cohort curves, stage funnels and panels — see docs/validate.md. */
import type { CheckModule } from '../types.ts';
import { FUNNEL_CHECKS } from './cohorts-funnels.ts';
import { PANEL_CHECKS } from './cohorts-panels.ts';
import { SEGMENT_CHECKS } from './cohorts-segments.ts';
import { VALUE_CHECKS_COHORT } from './cohorts-values.ts';
import { VINTAGE_CHECKS } from './cohorts-vintage.ts';

export const COHORT_CHECKS: { name: string; run: CheckModule }[] = [...SEGMENT_CHECKS, ...VALUE_CHECKS_COHORT, ...VINTAGE_CHECKS, ...FUNNEL_CHECKS, ...PANEL_CHECKS];
