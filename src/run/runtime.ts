/**
 * The engine's runtime for this process (src/engine/runtime.ts): the kernels (src/kernels) and the scenarios' hooks.
 * Imported for its effect by the run (run.ts) and by each generation worker (workers/worker-main.ts), the two
 * places that generate chunks; the engine itself imports neither the kernels nor the scenarios.
 */
import { installRuntime } from '../engine/runtime.ts';
import { generatorKernel, modifierKernel } from '../kernels/index.ts';
import { executeScenario } from '../scenarios/execute.ts';
import { reusableColumns } from '../scenarios/history.ts';

installRuntime({
  generate: (p, col, ctx) => generatorKernel(p.kind)(p, col, ctx),
  modify: (p, data, col, ctx) => (p.kind === 'scenario' ? executeScenario(p, data, col, ctx) : modifierKernel(p.kind)(p, data, col, ctx)),
  reusableColumns,
});
