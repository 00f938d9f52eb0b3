/** Behavioural checks (machines): see docs/validate.md. */
import type { CheckModule } from '../types.ts';

export const MACHINE_CHECKS: { name: string; run: CheckModule }[] = [];
