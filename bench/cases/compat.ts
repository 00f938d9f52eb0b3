/**
 * Case 3 (issue 3): the earlier tool's largest specs at full size through datagen — ecomm.json (~750 k rows,
 * target < 1 s) and gov_scaled.json (~15 M rows, target < 15 s): rows, seconds, peak RSS.
 */
import { existsSync } from 'node:fs';
import { readSpec, runSpec } from './datagen.ts';
import type { BenchCase } from './types.ts';

/** ../shared/compat (the shared inputs) when present, else the copy in tests/fixtures/compat. */
function compatFile(name: string): URL {
  const shared = new URL(`../../../shared/compat/${name}`, import.meta.url);
  return existsSync(shared) ? shared : new URL(`../../tests/fixtures/compat/${name}`, import.meta.url);
}

function compatCase(name: string, file: string, title: string): BenchCase {
  return {
    name,
    title,
    variants: [
      {
        name: 'datagen',
        role: 'datagen',
        label: `${file} (compat) through compile + runPlan`,
        run: (out, ctx) => runSpec(readSpec(compatFile(file)), ctx.size, out),
      },
    ],
  };
}

export const compatEcomm = compatCase('compat-ecomm', 'ecomm.json', 'compat ecomm.json');
export const compatGov = compatCase('compat-gov', 'gov_scaled.json', 'compat gov_scaled.json');
