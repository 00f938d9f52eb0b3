/**
 * The plan IR: a frozen, canonical, JSON-serialisable description of what `run` executes
 * (DESIGN.md decision 1). Every program carries a `kind`; stages switch over it exhaustively.
 */
export const PLAN_VERSION = 1;

export type ColumnType = 'int' | 'float' | 'string' | 'bool' | 'datetime' | 'date' | 'decimal' | 'json';
export type Freq = 'T' | 'H' | 'D' | 'W' | 'M' | 'MS';
export type TimeDimension = 'hour' | 'dow' | 'month';
export type Scalar = string | number | boolean | null;

export interface Plan {
  planVersion: number;
  datagenVersion: string;
  algorithmVersion: number;
  name: string;
  slug: string;
  specHash: string;
  seed: number;
  scale: number;
  timeframe: { start: string; end: string; startMs: number; endMs: number; freq: Freq };
  levels: string[][];
  tables: TablePlan[];
  /** Behaviour blocks that are present in the spec but not executed by this version. */
  unsupported: { path: string; what: string }[];
}

export interface TablePlan {
  id: string;
  kind: 'entity' | 'fact' | 'vocab';
  pk: string | null;
  level: number;
  dependsOn: string[];
  rows: RowModel;
  estimatedRows: number;
  estimatedBytes: number;
  columns: ColumnPlan[];
  /** Evaluation order of the columns (dependencies first, declared order otherwise). */
  evalOrder: string[];
  /** Non-primary tables whose rows are picked once per row and shared by all lookups from them. */
  picks: PickPlan[];
  /** Columns other tables read from this one (kept in memory during the run). */
  retain: string[];
}

export type RowModel =
  | { kind: 'fixed'; count: number }
  | { kind: 'fanout'; parent: string; fanout: FanoutPlan; effects: EffectPlan[]; stream: number };

export interface FanoutPlan {
  distribution: 'poisson' | 'uniform' | 'negative_binomial' | 'geometric' | 'fixed';
  mean: number;
  k: number | null;
  min: number | null;
  max: number | null;
}

export interface PickPlan { table: string; weightsBy: string | null; stream: number }

export interface ColumnPlan {
  name: string;
  type: ColumnType;
  sqlType: string;
  nullable: boolean;
  nullRate: number;
  stream: number;
  /** Dictionary of a categorical string column stored as a DuckDB ENUM (sqlType 'ENUM'), else null. */
  enumValues: string[] | null;
  generator: GeneratorProgram;
  modifiers: ModifierProgram[];
}

export type GeneratorProgram =
  | { kind: 'sequence'; start: number; step: number }
  | { kind: 'choice'; values: Scalar[]; cdf: number[] }
  | { kind: 'choice_ref'; table: string; column: string }
  | { kind: 'distribution'; dist: string; params: Record<string, number | string>; clamp: [number | null, number | null] }
  | { kind: 'datetime'; startMs: number; endMs: number; freq: Freq; patterns: PatternPlan[]; effects: EffectPlan[]; after: AfterPlan | null }
  | { kind: 'faker'; method: string; locale: string | null; localeFrom: string | null; args: Record<string, unknown> }
  | { kind: 'lookup'; table: string; column: string; via: 'parent' | 'pick' | 'on'; on: KeyPair[] }
  | { kind: 'expression'; code: string; refs: { table: string | null; column: string }[] }
  | { kind: 'enum_list'; values: Scalar[] };

export interface PatternPlan { dimension: TimeDimension; weights: number[] }
export interface KeyPair { local: string; remote: string }
/** `column` must stay after (strict) or not before the named column of the same row. */
export interface AfterPlan { column: string; strict: boolean }

export interface EffectPlan {
  table: string;
  on: KeyPair[];
  startCol: string | null;
  endCol: string | null;
  field: string | null;
  op: 'mul' | 'add';
  default: number;
  timeRef: string | null;
}

export type ModifierProgram =
  | { kind: 'multiply'; factor: number }
  | { kind: 'add'; value: number }
  | { kind: 'clamp'; min: number | null; max: number | null }
  | { kind: 'jitter'; std: number; mode: 'add' | 'mul'; stream: number }
  | { kind: 'time_jitter'; stdMinutes: number; stream: number }
  | { kind: 'map_values'; mapping: Record<string, Scalar> }
  | { kind: 'seasonality'; dimension: TimeDimension; weights: number[]; timeRef: string }
  | { kind: 'trend'; type: 'exponential' | 'linear' | 'logarithmic'; growthRate: number; a: number; b: number; originMs: number; timeRef: string }
  | { kind: 'effect'; effect: EffectPlan }
  | { kind: 'outliers'; rate: number; mode: 'spike' | 'drop'; dist: string; params: Record<string, number | string>; clamp: [number | null, number | null]; stream: number };

export function assertNever(x: never): never {
  throw new Error(`unhandled kind: ${JSON.stringify(x)}`);
}
