import type { Plan } from '../ir/types.ts';

/** Whether a parsed JSON document is a compiled plan (`datagen compile -o`) rather than a spec. */
export function isPlan(x: unknown): x is Plan {
  return typeof x === 'object' && x !== null && 'planVersion' in x && 'tables' in x;
}
