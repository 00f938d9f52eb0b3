import type { CheckModule } from './types.ts';

export const TARGET_CHECKS: { name: string; run: CheckModule }[] = [];
