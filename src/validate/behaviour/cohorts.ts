/** Behavioural checks (cohorts): see docs/validate.md. */
import type { CheckModule } from '../types.ts';

export const COHORT_CHECKS: { name: string; run: CheckModule }[] = [];
