/** What every fitter returns: the spec's generator (and modifiers) for a column, and the evidence for the choice. */

export interface FitEvidence {
  /** Sample size the fit used. */
  n: number;
  /** The chosen family: a distribution name, `empirical`, `choice`, `faker:<method>`, `pattern`, `datetime_series`, … */
  family: string;
  /** 1 − KS distance of the chosen model to the sample (1 = identical distribution functions). */
  score?: number;
  bic?: number;
  /** KS distance sup |F_n − F| of the chosen model to the sample. */
  ks?: number;
  /** The best candidate of another family by BIC (accepted or not). */
  runnerUp?: { family: string; bic?: number; ks?: number };
  /** Why, in words (e.g. "no family within KS 0.05: empirical quantiles"). */
  note?: string;
}

export interface ColumnFit {
  /** The spec's generator object, e.g. {distribution: {type, params}} | {empirical: {...}} | {choice: {...}} | {faker: {...}}. */
  generator: Record<string, unknown>;
  modifiers?: Record<string, unknown>[];
  evidence: FitEvidence;
}
