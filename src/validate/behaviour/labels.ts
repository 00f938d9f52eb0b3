/** Behavioural checks (labels): see docs/validate.md. */
import type { CheckModule } from '../types.ts';

export const LABEL_CHECKS: { name: string; run: CheckModule }[] = [];
