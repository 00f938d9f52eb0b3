/** The behavioural check modules, derived from the plan (each one skips tables it does not apply to). */
import type { CheckModule } from '../types.ts';

export const BEHAVIOUR_CHECKS: { name: string; run: CheckModule }[] = [
];
