import type { CheckModule } from './types.ts';

export const STRUCTURAL_CHECKS: { name: string; run: CheckModule }[] = [];
