import type { CheckModule } from './types.ts';

export const VALUE_CHECKS: { name: string; run: CheckModule }[] = [];
