/** The behavioural check modules, derived from the plan (each one skips tables it does not apply to). */
import type { CheckModule } from '../types.ts';
import { COHORT_CHECKS } from './cohorts.ts';
import { DISTRIBUTION_CHECKS } from './distributions.ts';
import { LABEL_CHECKS } from './label-checks.ts';
import { MACHINE_CHECKS } from './machines.ts';
import { SCHEDULE_CHECKS } from './schedules.ts';
import { ALLOCATION_CHECKS } from './allocation.ts';
import { DRAW_CHECKS } from './draws.ts';

export const BEHAVIOUR_CHECKS: { name: string; run: CheckModule }[] = [...DISTRIBUTION_CHECKS, ...COHORT_CHECKS, ...MACHINE_CHECKS, ...SCHEDULE_CHECKS, ...ALLOCATION_CHECKS, ...DRAW_CHECKS, ...LABEL_CHECKS];
