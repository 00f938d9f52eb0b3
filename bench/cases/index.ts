/** Every bench case, in the order `npm run bench` runs them. */
import { compatEcomm, compatGov } from './compat.ts';
import { quickstart } from './quickstart.ts';
import { referenceFact } from './reference-fact.ts';
import type { BenchCase } from './types.ts';
import { usersEvents } from './users-events.ts';

export const CASES: BenchCase[] = [referenceFact, usersEvents, compatEcomm, compatGov, quickstart];

export function findCase(name: string): BenchCase | undefined {
  return CASES.find((c) => c.name === name);
}
