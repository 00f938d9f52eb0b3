/**
 * The layer rule of docs/architecture.md, checked by `npm run lint:layers` (and .ci/run): a module imports only
 * from its own layer or the layers below it, and nothing imports in a circle. Type-only imports count too.
 * Lowest first; a layer is a folder of src/.
 */
const LAYERS = [
  ['ir', '^src/ir/'],
  ['base', '^src/(paths|version)\\.ts$'],
  ['model', '^src/model/'],
  ['diagnostics', '^src/diagnostics/'],
  ['expr', '^src/expr/'],
  ['spec', '^src/spec/'],
  ['resolve', '^src/resolve/'],
  ['plan', '^src/plan/'],
  ['engine', '^src/engine/'],
  ['kernels', '^src/kernels/'],
  ['scenarios', '^src/scenarios/'],
  ['sinks', '^src/sinks/'],
  ['run', '^src/run/'],
  ['validate', '^src/validate/'],
  ['score', '^src/score/'],
  ['infer', '^src/infer/'],
  ['compare', '^src/compare/'],
  ['api', '^src/index\\.ts$'],
  ['studio', '^src/studio/'],
  ['cli', '^src/cli/'],
];

const forbidden = [
  { name: 'no-circular', severity: 'error', comment: 'modules that import each other (directly or through others)', from: {}, to: { circular: true } },
  {
    name: 'no-unknown-folder',
    severity: 'error',
    comment: 'every module of src/ belongs to a layer: add a new folder to LAYERS in .ci/dependency-cruiser.cjs and to docs/architecture.md',
    from: { path: '^src/', pathNot: [...LAYERS.map(([, p]) => p), '^src/build\\.mjs$'] },
    to: {},
  },
];
LAYERS.forEach(([name, path], i) => {
  const above = LAYERS.slice(i + 1).map(([, p]) => p);
  if (above.length) forbidden.push({ name: `${name}-imports-upward`, severity: 'error', comment: `${name} may import only from its own layer and those below it (docs/architecture.md)`, from: { path }, to: { path: above } });
});

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.mjs', '.cjs', '.d.ts'] },
  },
};
