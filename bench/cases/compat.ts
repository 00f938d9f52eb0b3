/**
 * Case 3 (issue 3): the earlier tool's largest specs at full size through datagen — ecomm.json (~750 k rows,
 * target < 1 s) and gov_scaled.json (~15 M rows, target < 15 s): rows, seconds, peak RSS.
 */
import { readSpec, runSpec } from './datagen.ts';
import type { BenchCase } from './types.ts';

/** The earlier tool's spec, from the repository's copies (tests/fixtures/compat): no input from outside it. */
function compatFile(name: string): URL {
  return new URL(`../../tests/fixtures/compat/${name}`, import.meta.url);
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
