/**
 * Fitting for `datagen infer`: pure functions over samples (no DuckDB) that turn a column's values into a spec
 * generator with evidence. The method, thresholds and families are documented in docs/infer-fitting.md.
 */
export type { ColumnFit, FitEvidence } from './types.ts';
export { fitNumeric, KS_ACCEPT, ksThreshold } from './numeric.ts';
export { fitCategorical } from './categorical.ts';
export { fitFanout } from './fanout.ts';
export { fitTime, regularGrid } from './time.ts';
export { detectPii, fitText } from './text.ts';
