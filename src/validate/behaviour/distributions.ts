/** Behavioural checks (distributions): see docs/validate.md. */
import type { CheckModule } from '../types.ts';

export const DISTRIBUTION_CHECKS: { name: string; run: CheckModule }[] = [];
