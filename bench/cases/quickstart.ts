/** The original bench case: examples/quickstart.json scaled to ~10 M events (`--rows` to change). */
import { readSpec, runSpec, scaleForRows } from './datagen.ts';
import type { BenchCase } from './types.ts';

const SPEC = new URL('../../examples/quickstart.json', import.meta.url);
const EVENTS = 10_000_000;

export const quickstart: BenchCase = {
  name: 'quickstart',
  title: 'quickstart (scaled)',
  variants: [
    {
      name: 'datagen',
      role: 'datagen',
      label: 'examples/quickstart.json scaled to ~10 M events through compile + runPlan',
      run: (out, ctx) => {
        const doc = readSpec(SPEC);
        return runSpec(doc, scaleForRows(doc, 'events', ctx.rows ?? EVENTS * ctx.size), out);
      },
    },
  ],
};
