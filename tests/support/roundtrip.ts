/**
 * The round trip of issue 21 (generate → infer → regenerate → compare) on the project's examples: what an example
 * spec says is true of its data (read from its compiled plan, so presets, `$param`s, `weights_kind`, scaled row
 * counts are resolved by datagen itself), what the inferred spec says (its compiled plan too), and the score of one
 * against the other. tests/integration/infer-roundtrip.test.ts asserts the issue's targets on these scores.
 *
 * A column or table whose truth v1 of infer cannot recover (docs/infer.md, "Limits": behaviours such as funnels or
 * state machines, composite keys, correlations beyond exact functions) is not dropped: it is listed with the reason
 * and left out of the ratio it would belong to, so a report shows exactly what was counted.
 */
import type { ColumnPlan, FanoutPlan, Plan, TablePlan } from '../../src/ir/types.ts';
import { distCdf, distPmf, isDiscrete } from '../../src/model/dist/cdf.ts';
import type { DistName } from '../../src/model/dist/types.ts';

/** A categorical column's declared weights are its truth only with at least this many rows (4 standard errors of a share ≤ 0.02). */
export const DECLARED_WEIGHTS_MIN_ROWS = 10_000;
/** A fanout's declared mean is its truth only when 4 standard errors of the parents' mean count are within this share of it. */
export const FANOUT_TOLERANCE = 0.05;

const NUMERIC_TYPES = new Set(['int', 'float', 'decimal']);
/** Generators of behaviours (funnels, state machines, lifecycles, adoption, attribution, schedules, panels, allocations). */
const BEHAVIOUR_KINDS = new Set(['stage', 'state', 'lifecycle', 'adoption', 'attribution', 'schedule', 'period', 'allocate']);

export interface KeyRef { table: string; column: string }
export interface ForeignKeyRef extends KeyRef { refTable: string; refColumn: string }

export interface NumericTruth extends KeyRef { family: string }
export interface CategoricalTruth extends KeyRef { weights: Record<string, number> }
/** A column left out of the numeric or categorical ratio, and why. */
export interface Excluded extends KeyRef { ratio: 'numeric' | 'categorical'; reason: string }
export interface FanoutTruth {
  table: string;
  parent: string;
  /** The declared mean (FanoutPlan.mean); null when the rows per parent are not a plain fanout. */
  declaredMean: number | null;
  /** Why the declared mean is not the mean of the data (lifetimes, behaviours, edges, segments, …); null: it is. */
  notPlain: string | null;
  /** Its sampling standard deviation per parent (for the declared-vs-observed decision), when known. */
  sd: number | null;
}

export interface Truth {
  primaryKeys: KeyRef[];
  foreignKeys: ForeignKeyRef[];
  numeric: NumericTruth[];
  categorical: CategoricalTruth[];
  excluded: Excluded[];
  fanouts: FanoutTruth[];
}

/** What a column's generator is, in short: a distribution's name, `empirical`, `choice`, `lookup`, a behaviour, … */
export function familyOf(c: ColumnPlan): string {
  const g = c.generator;
  return g.kind === 'distribution' ? g.dist : g.kind;
}

/** Weights of a choice by value (its cdf's differences), keyed by `valueKey`. */
export function choiceWeights(values: readonly unknown[], cdf: readonly number[]): Record<string, number> {
  const w: Record<string, number> = {};
  let prev = 0;
  values.forEach((v, i) => {
    const k = valueKey(v);
    w[k] = (w[k] ?? 0) + (cdf[i]! - prev);
    prev = cdf[i]!;
  });
  return w;
}

/** One spelling of a value whatever carried it (a spec literal, a DuckDB number or bigint, a boolean). */
export function valueKey(v: unknown): string {
  if (typeof v === 'bigint') return String(Number(v));
  if (typeof v === 'number') return String(v);
  if (v instanceof Date) return v.toISOString();
  return String(v);
}

/** Standard deviation of the children per parent of a fanout, when it has a closed form. */
function fanoutSd(f: FanoutPlan): number | null {
  switch (f.distribution) {
    case 'poisson': return Math.sqrt(f.mean);
    case 'negative_binomial': return f.k ? Math.sqrt(f.mean + (f.mean * f.mean) / f.k) : null;
    case 'geometric': return Math.sqrt(f.mean * (1 + f.mean));
    case 'fixed': return 0;
    case 'uniform': return f.min !== null && f.max !== null ? Math.sqrt(((f.max - f.min + 1) ** 2 - 1) / 12) : null;
    case 'categorical': {
      if (!f.values || !f.cdf) return null;
      let prev = 0;
      let m2 = 0;
      f.values.forEach((v, i) => { m2 += v * v * (f.cdf![i]! - prev); prev = f.cdf![i]!; });
      return Math.sqrt(Math.max(0, m2 - f.mean * f.mean));
    }
    default: return null;
  }
}

/** Why a fact's rows per parent are not its declared fanout (null: they are). */
function notPlainFanout(t: TablePlan, plan: Plan): string | null {
  const r = t.rows;
  if (r.kind !== 'fanout') return `a ${r.kind} behaviour makes its rows (v1 infers no behaviours: the rows per parent are fitted as a fanout)`;
  const why: string[] = [];
  if (r.fanout.distribution === 'schedule') why.push('a schedule makes its rows');
  if (r.edges) why.push('an edge table (its rows are edges between two node rows, counted per source end)');
  if (r.vintage) why.push(`the parent's lifetime or vintage scales each parent's count by its exposure`);
  if (r.effects.length) why.push('effects scale the counts');
  if (r.segments.length || r.bySegment) why.push('segment multipliers or per-segment fanouts');
  const a = r as unknown as { fanoutCurves?: unknown[]; activity?: unknown; gate?: unknown; endAt?: unknown; endState?: unknown };
  if (a.fanoutCurves?.length) why.push('fanout curves');
  if (a.activity) why.push('activity by state');
  if (a.gate) why.push('a starts_after gate');
  if (a.endAt || a.endState) why.push(`the parent's lifetime end cuts the rows`);
  const parent = plan.tables.find((p) => p.id === r.parent);
  if (parent?.lifetime && parent.lifetime.rule !== 'off' && parent.lifetime.rule !== 'window' && !r.vintage) why.push(`the parent has a lifetime (${parent.lifetime.rule})`);
  return why.length ? why.join('; ') : null;
}

/**
 * The truth of an example, from its compiled plan: keys (each table's written pk; a column that holds another
 * table's pk — a lookup of it, directly or through a copied key, a `choices_ref` of it, a tree's parent), the
 * declared family of every numeric column drawn from a distribution, the declared weights of every categorical
 * `choice`, and the declared fanout of every fact — with each column left out of a ratio and why.
 */
export function planTruth(plan: Plan): Truth {
  const table = (id: string) => plan.tables.find((t) => t.id === id);
  const column = (t: TablePlan, name: string) => t.columns.find((c) => c.name === name);
  const memo = new Map<string, KeyRef | null>();
  /** The (table, pk) a column's values are keys of, or null. */
  const keyTarget = (t: TablePlan, c: ColumnPlan, depth = 0): KeyRef | null => {
    const id = `${t.id}.${c.name}`;
    if (memo.has(id)) return memo.get(id)!;
    let out: KeyRef | null = null;
    const g = c.generator;
    if (t.pk === c.name) out = { table: t.id, column: c.name };
    else if (depth < 10 && g.kind === 'lookup' && g.via !== 'at' && (g.via !== 'self' || g.hierarchy?.derive === 'parent' || g.hierarchy?.derive === 'root')) {
      const rt = table(g.table);
      const rc = rt && column(rt, g.column);
      out = rt && rc ? keyTarget(rt, rc, depth + 1) : null;
    } else if (g.kind === 'choice_ref') {
      const rt = table(g.table);
      out = rt?.pk === g.column ? { table: rt.id, column: g.column } : null;
    }
    memo.set(id, out);
    return out;
  };

  const truth: Truth = { primaryKeys: [], foreignKeys: [], numeric: [], categorical: [], excluded: [], fanouts: [] };
  for (const t of plan.tables) {
    if (t.pk && column(t, t.pk) && !column(t, t.pk)!.hidden) truth.primaryKeys.push({ table: t.id, column: t.pk });
    if (t.rows.kind !== 'fixed') {
      const f = t.rows.kind === 'fanout' ? t.rows.fanout : null;
      truth.fanouts.push({ table: t.id, parent: t.rows.parent, declaredMean: f ? f.mean : null, notPlain: notPlainFanout(t, plan), sd: f ? fanoutSd(f) : null });
    }
    for (const c of t.columns) {
      if (c.hidden) continue;
      const at = { table: t.id, column: c.name };
      const target = keyTarget(t, c);
      if (target) {
        if (!(target.table === t.id && target.column === c.name)) truth.foreignKeys.push({ ...at, refTable: target.table, refColumn: target.column });
        continue;
      }
      const g = c.generator;
      const mods = c.modifiers.map((m) => m.kind).filter((k) => k !== 'clamp');
      const numeric = NUMERIC_TYPES.has(c.type);
      const ratio = g.kind === 'choice' ? 'categorical' : numeric ? 'numeric' : c.type === 'string' || c.type === 'bool' ? 'categorical' : null;
      if (!ratio) continue; // times, lists, JSON: not part of the family or weight targets (compare scores times)
      const exclude = (reason: string) => truth.excluded.push({ ...at, ratio, reason });
      if (BEHAVIOUR_KINDS.has(g.kind)) exclude(`made by a behaviour (${g.kind}): v1 infers no behaviours`);
      else if (g.kind === 'expression') exclude(`an expression of other columns (\`${g.code.length > 60 ? `${g.code.slice(0, 57)}...` : g.code}\`): a correlation, not a distribution (v1 infers exact functions only)`);
      else if (g.kind === 'lookup') exclude(`a lookup of ${g.table}.${g.column}${g.via === 'at' ? ' at the row\'s time (a state machine\'s state)' : g.via === 'self' ? ` (a tree's ${g.hierarchy?.derive})` : ''}: a function of a key, not a distribution`);
      else if (g.kind === 'enum_list') exclude('the listed values of a vocabulary table (one row each), not a distribution');
      else if (g.kind === 'sequence') exclude('a sequence that is not a key');
      else if (g.kind === 'faker') exclude(`faker ${g.method}: free text or PII, no family or weights`);
      else if (mods.length) exclude(`its modifiers (${[...new Set(mods)].join(', ')}) tie it to time, events or other rows: a correlation beyond exact functions`);
      else if (g.kind === 'distribution' && g.exprs && Object.keys(g.exprs).length) exclude(`its parameters read other columns (${Object.entries(g.exprs).map(([k, e]) => `${k} = ${e.code}`).join(', ')}): a correlation beyond exact functions`);
      else if (g.kind === 'choice') truth.categorical.push({ ...at, weights: choiceWeights(g.values, g.cdf) });
      else if (g.kind === 'distribution' || g.kind === 'empirical') truth.numeric.push({ ...at, family: familyOf(c) });
      else exclude(`generator ${g.kind}: no declared family or weights`);
    }
  }
  return truth;
}

// ---------------------------------------------------------------------------------------------------------------

/** What the source (the generated example) holds, measured with SQL by the test. */
export interface Observed {
  /** Rows per table. */
  rows: Record<string, number>;
  /** Non-null values and their shares, per `table.column` of each categorical truth. */
  shares: Record<string, { n: number; shares: Record<string, number> }>;
}

export interface InferredKeys { unique: string[]; foreignKeys: { from: string; to: string }[] }

/** The keys an inferred spec declares (its `constraints.unique` and `constraints.foreign_keys`). */
export function inferredKeys(spec: Record<string, unknown>): InferredKeys {
  const c = (spec.constraints ?? {}) as { unique?: string[]; foreign_keys?: { from: string; to: string }[] };
  return { unique: c.unique ?? [], foreignKeys: c.foreign_keys ?? [] };
}

export interface NumericScore extends NumericTruth { got: string; right: boolean }
export interface CategoricalScore extends KeyRef {
  /** Declared weights, or the source's shares when the source has too few rows for a 0.02 check against them. */
  truthFrom: 'declared' | 'source';
  why?: string;
  got: string;
  /** max over values |inferred weight − truth weight| (a value missing on one side counts its whole weight). */
  error: number | null;
  /** The same against the source's shares (infer's own accuracy, sampling aside). */
  errorVsSource: number | null;
}
export interface FanoutScore {
  table: string;
  parent: string;
  truthFrom: 'declared' | 'source';
  why?: string;
  truth: number;
  got: number | null;
  gotFrom: string;
  error: number | null;
}

export interface RoundTripScore {
  numeric: NumericScore[];
  rightFamilyShare: number | null;
  categorical: CategoricalScore[];
  maxCategoricalError: number | null;
  fanouts: FanoutScore[];
  maxFanoutError: number | null;
  missingPrimaryKeys: string[];
  missingForeignKeys: string[];
  /** Keys the inferred spec declares that the example does not (reported, not a target). */
  extraForeignKeys: string[];
  excluded: Excluded[];
}

/**
 * P(X = k) of a discrete distribution (clamped: the mass beyond a bound is on the bound) at each of the integer
 * `values` (the truth's); the rest of its mass is on values the truth does not have.
 */
function discreteWeights(dist: DistName, params: Record<string, number | string>, clamp: [number | null, number | null], values: string[]): Record<string, number> {
  const [lo, hi] = clamp;
  const out: Record<string, number> = {};
  for (const v of values) {
    const k = Number(v);
    if (!Number.isInteger(k) || (lo !== null && k < lo) || (hi !== null && k > hi)) continue;
    let w = distPmf(dist, params, k);
    if (lo !== null && k === lo) w = distCdf(dist, params, k);
    if (hi !== null && k === hi) w = 1 - distCdf(dist, params, k - 1);
    out[v] = w;
  }
  return out;
}

/**
 * The weights an inferred column draws its values with: a choice's, a discrete distribution's probabilities, or — a column drawn with others from an
 * inferred lookup table (`lookup` picked ∝ the table's weight column) — the summed weights of the table's rows
 * per value. Null for other generators.
 */
export function inferredWeights(plan: Plan, table: string, c: ColumnPlan, values: string[] = []): Record<string, number> | null {
  const g = c.generator;
  if (g.kind === 'choice') return choiceWeights(g.values, g.cdf);
  if (g.kind === 'distribution' && isDiscrete(g.dist as DistName) && !g.exprs) return discreteWeights(g.dist as DistName, g.params, g.clamp, values);
  if (g.kind !== 'lookup') return null;
  const weightsBy = g.pick ? g.pick.weightsBy : plan.tables.find((x) => x.id === table)?.picks.find((p) => p.table === g.table)?.weightsBy;
  if (!weightsBy) return null;
  const t = plan.tables.find((x) => x.id === g.table);
  const vals = t?.columns.find((x) => x.name === g.column)?.generator;
  const wts = t?.columns.find((x) => x.name === weightsBy)?.generator;
  if (vals?.kind !== 'enum_list' || wts?.kind !== 'enum_list') return null;
  const total = wts.values.reduce<number>((a, w) => a + Number(w), 0);
  const out: Record<string, number> = {};
  vals.values.forEach((v, i) => { out[valueKey(v)] = (out[valueKey(v)] ?? 0) + Number(wts.values[i]) / total; });
  return out;
}

function maxAbsDiff(a: Record<string, number>, b: Record<string, number>): number {
  let m = 0;
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) m = Math.max(m, Math.abs((a[k] ?? 0) - (b[k] ?? 0)));
  return m;
}

/**
 * Score an inferred spec (compiled: `inferred`; as written: `inferredSpec`) against an example's truth and what its
 * data holds. `sourceFanoutMean(table, parent)` is the source's rows of `table` per row of `parent`.
 */
export function scoreRoundTrip(truth: Truth, inferred: Plan, inferredSpec: Record<string, unknown>, observed: Observed, sourceFanoutMean: (table: string, parent: string) => number): RoundTripScore {
  const col = (t: string, c: string) => inferred.tables.find((x) => x.id === t)?.columns.find((x) => x.name === c);
  const numeric = truth.numeric.map((n) => {
    const c = col(n.table, n.column);
    const got = c ? familyOf(c) : 'missing';
    return { ...n, got, right: got === n.family };
  });

  const categorical = truth.categorical.map((ct): CategoricalScore => {
    const at = `${ct.table}.${ct.column}`;
    const obs = observed.shares[at];
    const c = col(ct.table, ct.column);
    const got = c ? familyOf(c) : 'missing';
    const weights = c ? inferredWeights(inferred, ct.table, c, Object.keys(ct.weights)) : null;
    const declared = !!obs && obs.n >= DECLARED_WEIGHTS_MIN_ROWS;
    const truthWeights = declared || !obs ? ct.weights : obs.shares;
    return {
      table: ct.table, column: ct.column, truthFrom: declared || !obs ? 'declared' : 'source',
      ...(declared || !obs ? {} : { why: `${obs.n} rows (< ${DECLARED_WEIGHTS_MIN_ROWS}): a share's sampling error is too large for a 0.02 check against the declared weights` }),
      got,
      error: weights ? maxAbsDiff(weights, truthWeights) : null,
      errorVsSource: weights && obs ? maxAbsDiff(weights, obs.shares) : null,
    };
  });

  const fanouts = truth.fanouts.map((f): FanoutScore => {
    const t = inferred.tables.find((x) => x.id === f.table);
    const parents = observed.rows[f.parent] ?? 0;
    // The declared mean is the truth when the rows per parent are a plain fanout and the parents are enough for a
    // 5 % check (4 standard errors of their mean count within 5 % of it); else the source's own mean.
    const se = f.sd !== null && parents > 0 ? f.sd / Math.sqrt(parents) : Infinity;
    const declared = f.notPlain === null && f.declaredMean !== null && f.declaredMean > 0 && 4 * se <= FANOUT_TOLERANCE * f.declaredMean;
    const truthMean = declared ? f.declaredMean! : sourceFanoutMean(f.table, f.parent);
    const why = declared ? undefined : f.notPlain ?? `${parents} ${f.parent} rows: 4 standard errors of the mean count exceed 5 % of it`;
    // The inferred mean: its fanout's, when the inferred table is a fanout of the same parent; else (another
    // parent was chosen as the primary one, this one's key drawn by a lookup) its expected rows per parent row.
    const r = t?.rows;
    const p = inferred.tables.find((x) => x.id === f.parent);
    const same = r?.kind === 'fanout' && r.parent === f.parent;
    const got = same ? r.fanout.mean : t && p && p.estimatedRows > 0 ? t.estimatedRows / p.estimatedRows : null;
    const gotFrom = !t ? 'missing' : same ? `fanout ${r.fanout.distribution}` : r?.kind === 'fanout' ? `rows per ${f.parent} (a fanout of ${r.parent})` : `rows per ${f.parent} (${t.rows.kind} rows)`;
    return {
      table: f.table, parent: f.parent, truthFrom: declared ? 'declared' : 'source', ...(why ? { why } : {}), truth: truthMean,
      got, gotFrom,
      error: got === null ? null : truthMean === 0 ? Math.abs(got) : Math.abs(got - truthMean) / truthMean,
    };
  });

  const keys = inferredKeys(inferredSpec);
  const unique = new Set(keys.unique);
  const fks = new Set(keys.foreignKeys.map((f) => `${f.from}->${f.to}`));
  const truthFks = new Set(truth.foreignKeys.map((f) => `${f.table}.${f.column}->${f.refTable}.${f.refColumn}`));
  const counted = numeric.length;
  const errs = categorical.map((c) => c.error ?? Infinity);
  const ferrs = fanouts.map((f) => f.error ?? Infinity);
  return {
    numeric,
    rightFamilyShare: counted ? numeric.filter((n) => n.right).length / counted : null,
    categorical,
    maxCategoricalError: errs.length ? Math.max(...errs) : null,
    fanouts,
    maxFanoutError: ferrs.length ? Math.max(...ferrs) : null,
    missingPrimaryKeys: truth.primaryKeys.map((k) => `${k.table}.${k.column}`).filter((k) => !unique.has(k)),
    missingForeignKeys: [...truthFks].filter((k) => !fks.has(k)),
    extraForeignKeys: [...fks].filter((k) => !truthFks.has(k)),
    excluded: truth.excluded,
  };
}
