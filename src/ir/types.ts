/**
 * The plan IR: a frozen, canonical, JSON-serialisable description of what `run` executes
 * (DESIGN.md decision 1). Every program carries a `kind`; stages switch over it exhaustively.
 */
export const PLAN_VERSION = 1;

/** Name under which a row's inherited time (`TablePlan.inheritedTime`) is available to its programs. */
export const INHERITED_TIME = '__time__';

export type ColumnType = 'int' | 'float' | 'string' | 'bool' | 'datetime' | 'date' | 'decimal' | 'json' | ListType;
/** List columns (DuckDB LIST: DOUBLE[], BIGINT[], VARCHAR[]); their chunk values are `ColumnData.lists`. */
export type ListType = 'list<float>' | 'list<int>' | 'list<string>';
export function isListType(t: string): t is ListType {
  return t === 'list<float>' || t === 'list<int>' || t === 'list<string>';
}
export type Freq = 'T' | 'H' | 'D' | 'W' | 'M' | 'MS';
/** Calendar buckets of patterns: hour 0–23, dow 0 = Monday, month 1–12, day_of_month 1–31 (docs/behaviours/schedules.md). */
export type TimeDimension = 'hour' | 'dow' | 'month' | 'day_of_month';
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
  /** The spec's preset this plan was compiled with (`--preset`; absent without one): the manifest records it. */
  preset?: string;
  /** `anomaly_campaigns` expanded into concrete scenarios (src/plan/campaigns.ts); absent without campaigns. */
  campaigns?: CampaignPlan[];
}

/** A campaign and the scenario specs it expanded to (planned onto the tables like hand-written ones). */
export interface CampaignPlan {
  id: string;
  index: number;
  seed: number;
  /** One scenario spec per event: id, type, target, window {start, end}, params, difficulty, seed, selection. */
  events: Record<string, any>[];
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
  /** Scenarios that add rows after the table's own rows (cap_violation, data_quality duplicates); absent when none. */
  addRows?: RowScenarioProgram[];
  /**
   * Time flows down: a table without a datetime column whose modifiers (or whose children's) need a time reads
   * it from its primary parent's row — `column` of `parent` (the parent's own inherited time when it is
   * `__time__`). Available to the row's programs as `__time__`, never written. Absent when not needed.
   */
  inheritedTime?: { parent: string; column: string; source: { table: string; column: string } };
  /** When each row exists (birth/end columns), for tables whose rows have a lifetime; absent: the whole window. */
  lifetime?: LifetimePlan;
}

export type RowModel =
  | { kind: 'fixed'; count: number }
  /** `bySegment`: fanouts that replace `fanout` for the parents of some segments; absent when none. */
  | { kind: 'fanout'; parent: string; fanout: FanoutPlan; effects: EffectPlan[]; stream: number; segments: SegmentScale[]; vintage: VintagePlan | null; edges?: EdgePlan; bySegment?: SegmentFanout }
  | { kind: 'stages'; parent: string; stream: number; funnel: FunnelPlan }
  | { kind: 'grain'; parent: string; stream: number; grain: GrainPlan }
  | { kind: 'states'; parent: string; stream: number; machine: StateMachinePlan }
  | { kind: 'lifecycle'; parent: string; stream: number; lifecycle: LifecyclePlan }
  | { kind: 'adoption'; parent: string; stream: number; adoption: AdoptionPlan }
  | { kind: 'attribution'; parent: string; stream: number; attribution: AttributionPlan };

/** Adoption per parent row (adoption_model): at most one adoption time, then engagement events. */
export interface AdoptionPlan {
  /** Diffusion groups: members of group g adopt between the previous group's milestone and days_g (a monotone cubic through the milestones); or the Bass CDF. */
  curve:
    | { kind: 'groups'; groups: { name: string; share: number; days: number }[] }
    | { kind: 'bass'; p: number; q: number; unitMs: number; marketSize: number | null };
  /** Diffusion clock origin and the window end (adoptions after it do not happen). */
  launchMs: number;
  endMs: number;
  /**
   * The parent's lifetime (src/plan/lifetime.ts): a row's clock starts at max(launch, its birth) and it neither
   * adopts nor engages after its end. Absent: every row from the launch to the window end.
   */
  birth?: string;
  end?: string;
  /** `lifetime.to: {table, states}`: the parent's end is when it first enters one of `states` (indexes) of that state machine or lifecycle. */
  endState?: EndState;
  /** Engagement tiers of adopters (shares sum ≤ 1; the rest has no engagement). */
  tiers: { name: string; share: number; perWeek: number }[];
  /** Segment fanout multipliers of the parent scale events_per_week. */
  segments: SegmentScale | null;
  dateOnly: boolean;
}

/** Journeys of touchpoints per parent row (attribution_chain), written as touchpoints or as conversions. */
export interface AttributionPlan {
  emit: 'touchpoints' | 'conversions';
  /** Journeys per parent (the fact's fanout) and touches per journey. */
  journeys: FanoutPlan;
  touches: FanoutPlan;
  types: string[];
  /** Cumulative touchpoint-type weights; the first touch and the last touch (of journeys with ≥ 2) may have their own. */
  cdf: number[];
  firstCdf: number[] | null;
  lastCdf: number[] | null;
  windowMs: number;
  base: number;
  multiplier: number;
  /** Touch count after which more touches no longer raise the probability (null: never). */
  saturation: number | null;
  /** Grid of the journey end (the conversion time of a converting journey). */
  startMs: number;
  endMs: number;
  freq: Freq;
  patterns: PatternPlan[];
  dateOnly: boolean;
  /** Segment fanout multipliers (journeys per parent) and transition multipliers (conversion probability). */
  segments: SegmentScale | null;
  conversion: SegmentScale | null;
  /** The parent's lifetime (src/plan/lifetime.ts): birth and end columns (null: the window's start / end). */
  lifetimeFrom?: string | null;
  lifetimeTo?: string | null;
  /** `lifetime.to: {table, states}`: the parent's end is when it first enters one of `states` (indexes) of that state machine or lifecycle. */
  endState?: EndState;
  /** A parent's journeys may overlap in time (`attribution_chain.overlap`; default false: each starts after the previous one ended). */
  overlap?: boolean;
}

/** Lifecycle stages per parent row (lifecycle_model): stage intervals, or the events emitted during them. */
export interface LifecyclePlan {
  emit: 'stages' | 'events';
  stages: LifecycleStagePlan[];
  /** Period of churn_probability_per_period, in ms (calendar-free: day, week, 30.4375 days, 365.25 days). */
  periodMs: number;
  startFrom: string | null;
  startMs: number;
  endMs: number;
  /** The parent's lifetime end column (`lifetime.to`): the lifecycle stops there (its last visit ends then, no event after it). */
  endFrom?: string;
  /** `lifetime.to: {table, states}`: the parent's end is when it first enters one of `states` (indexes) of that state machine or lifecycle. */
  endState?: EndState;
}

export interface LifecycleStagePlan {
  name: string;
  /** Duration in ms (a distribution × unit), or null: until churn or the window end. */
  duration: { dist: string; params: Record<string, number | string>; clamp: [number | null, number | null]; unitMs: number } | null;
  eventTypes: string[];
  /** Events per week while in the stage. */
  eventsPerWeek: number;
  exitProbability: number;
  /** Indexes into stages of the next stages (chosen uniformly); -1 marks an exit that ends the lifecycle. */
  next: number[];
  churnPerPeriod: number;
}

/** A recurring relationship per parent row moving between states once per period (state_transition_model). */
export interface StateMachinePlan {
  emit: 'episodes' | 'periods';
  states: string[];
  initial: number;
  /** Per state: probability of leaving it in one period (0 for terminal states). */
  leave: number[];
  /** Per state: next-state weights over `states`, normalised (all 0 for terminal states). */
  next: number[][];
  terminal: boolean[];
  periodUnit: 'day' | 'week' | 'month' | 'year';
  /** Parent column the relationship starts at, or null (the window start). */
  startFrom: string | null;
  startMs: number;
  endMs: number;
  /** Segment churn multipliers on the hazard of moving to a terminal state. */
  churn: SegmentScale | null;
  /** `starts_after`: the relationship starts at a funnel stage of the parent instead (none without it). */
  gate?: GatePlan;
  /** The parent's lifetime end column (`lifetime.to`): the relationship stops there (its last episode ends then). */
  endFrom?: string;
  /** `lifetime.to: {table, states}`: the parent's end is when it first enters one of `states` (indexes) of that state machine or lifecycle. */
  endState?: EndState;
}

/** Panel facts (`grain`): one row per parent (or one series) per active period. */
/** A trend's factor over years since its origin: exponential (1+g)^t, linear 1+g·t, logarithmic 1+a·ln(1+b·t). */
export interface TrendShape {
  type: 'exponential' | 'linear' | 'logarithmic';
  growthRate: number;
  a: number;
  b: number;
  originMs: number;
}

export interface GrainPlan {
  every: 'hour' | 'day' | 'week' | 'month';
  /** Window: periods whose start lies in [floor_period(startMs), endMs]. */
  startMs: number;
  endMs: number;
  /** null: a complete panel (every period of the lifetime); else the base probability that a period has a row. */
  activeProbability: number | null;
  /** Calendar weights of the period column (normalised to mean 1 over the periods) scale the active probability. */
  patterns: PatternPlan[];
  /** Parent column a parent's periods start from (its lifetime), or null (the whole window). */
  lifetimeFrom: string | null;
  /** Parent column whose value is the last instant of its lifetime (its period is the last; null value = to the window end). */
  lifetimeTo?: string;
  /** `lifetime.to: {table, states}`: the parent's end is when it first enters one of `states` (indexes) of that state machine or lifecycle. */
  endState?: EndState;
  /** grain.trend: a factor of the period start (years since origin) that scales the active probability with the calendar weights. */
  trend?: TrendShape;
  /** Segment fanout multipliers and vintage activity curves of the parent scale the active probability. */
  segments: SegmentScale[];
  vintage: VintagePlan | null;
  stream: number;
}

/** Per-segment multipliers read from a column of a linked entity (segment_behavior). */
export interface SegmentScale { table: string; column: string; multipliers: Record<string, number> }

/** Age curves of the primary parent (vintage_behavior): step functions over whole age units. */
export interface VintagePlan {
  table: string;
  createdAt: string;
  /** Curves applied to the expected child count (their product). */
  fanoutCurves: CurvePlan[];
  /** The child datetime column placed in [created_at, end] with density ∝ curve(age) × its own weights. */
  timeColumn: string | null;
  /** Segment decay_rate: divides every curve's time unit (2 = ages twice as fast). */
  decay: SegmentScale | null;
  /** The parent's lifetime end column (`lifetime.to`): children fall at or before it (null values: open). */
  endAt?: string;
  /**
   * Activity that depends on state (`activity_by_state`): the child's intensity × `rates[state]` of the parent's
   * state in the state-machine table `table` at each instant (0 before the relationship starts).
   */
  activity?: { table: string; rates: number[] };
  /** `starts_after`: children only from the time the parent reached a funnel stage (none if it never did). */
  gate?: GatePlan;
  /** `lifetime.to: {table, states}`: the parent's end is when it first enters one of `states` (indexes) there. */
  endState?: EndState;
}

/**
 * Processes that gate each other (`starts_after`): a parent's relationship starts when it reached stage
 * `stage` (index) of the funnel table `table` over the same parent, at that stage's time; not at all when it
 * never reached it.
 */
export interface GatePlan { table: string; stage: number; stageName: string }

/** A lifetime's end taken from a state machine or lifecycle over the parent: the first entry into one of `states` (indexes) of `table`. */
export interface EndState { table: string; states: number[] }

/** When the rows of a table exist (src/plan/lifetime.ts): birth and end columns, and the rule that chose them. */
export interface LifetimePlan {
  from: string | null;
  to: string | null;
  /** The end taken from a state machine or lifecycle over this node: the first time a row enters one of `states`. */
  toState?: { table: string; states: string[] };
  rule: 'explicit' | 'vintage' | 'first_datetime' | 'window' | 'off';
}

export type CurvePlan =
  | { kind: 'array'; values: number[]; unitMs: number }
  | { kind: 'logarithmic' | 'exponential' | 'linear'; a: number; b: number; unitMs: number };

export interface FunnelPlan {
  stages: { name: string; rate: number; delay: DelayPlan }[];
  /** Transition multipliers by the primary parent's segment. */
  segments: SegmentScale | null;
  /** Parent column the first stage happens at, or null (drawn on the time column's grid). */
  startFrom: string | null;
  timeColumn: string;
  /** Window of the time column: stage 0 is drawn on its grid when there is no startFrom; later stages past endMs are censored. */
  startMs: number;
  endMs: number;
  freq: Freq;
  patterns: PatternPlan[];
  /** Stage times are whole days (a date column): each stage at least one day after the previous one. */
  dateOnly: boolean;
}

export type DelayPlan =
  | { kind: 'fixed'; ms: number }
  | { kind: 'dist'; dist: string; params: Record<string, number | string>; clamp: [number | null, number | null]; unitMs: number };

/**
 * A tree over a table's own rows (docs/behaviours/relations.md): row i's parent is an earlier row (src/model/hierarchy.ts).
 * `key`: the looked-up column is a plain sequence, so row r's key is start + step × r; null: the key column is
 * evaluated at the rows it needs (an entity's key that reads no other column, e.g. faker uuid4).
 */
export interface HierarchyPlan {
  stream: number;
  roots: number | null;
  rootShare: number | null;
  concentration: number;
  maxDepth: number | null;
  key: { start: number; step: number } | null;
  /** What the column holds: the parent's key (null for roots), the row's depth (roots 0), its path of keys from the root ("1/4/17"), or its root's key. */
  derive: 'parent' | 'depth' | 'path' | 'root';
  /** One tree per primary-parent row (`on` the parent's key: replies within a post): rows point at earlier rows of the same parent. */
  withinParent?: boolean;
}

/** An edge table (a fact with `edges`): rows are edges between rows of its primary parent (src/model/graph.ts). */
export interface EdgePlan {
  stream: number;
  /** Target weights: a numeric column of the node table, 'degree' (the targets' own drawn degree + 1), or null (uniform). */
  weightsBy: string | null;
  preferential: boolean;
  /** Nodes are in one group when they have equal values of every column. */
  homophily: { columns: string[]; probability: number } | null;
  reciprocity: number;
  undirected: boolean;
  allowSelfLoops: boolean;
  uniquePairs: boolean;
}

export interface FanoutPlan {
  distribution: 'poisson' | 'uniform' | 'negative_binomial' | 'geometric' | 'fixed' | 'categorical' | 'schedule';
  mean: number;
  k: number | null;
  min: number | null;
  max: number | null;
  /** categorical: the counts and their cumulative probabilities (absent for the other distributions). */
  values?: number[];
  cdf?: number[];
  /** schedule: the parent's rows are the occurrences of a calendar (`schedule` on the fact; docs/behaviours/schedules.md). */
  schedule?: SchedulePlan;
}

/**
 * Rows on a regular schedule per parent row: every `everyDays` days from a per-row phase (the parent's `anchor`
 * column, else a keyed draw, snapped to `weekday`), or on fixed `days` of each month (−1: the last day) rolled off
 * weekends by `business`; at `hourMs` into the day; each occurrence skipped with probability `skip` and shifted by
 * a uniform whole number of days in [−jitterDays, jitterDays]; kept inside [from, to] of the parent (columns, else
 * the window). Draws are keyed (stream, parent ordinal, slot from the occurrence's calendar index).
 */
export interface SchedulePlan {
  kind: 'interval' | 'days_of_month';
  everyDays: number;
  weekday: number | null;
  anchor: string | null;
  days: number[];
  business: 'none' | 'previous' | 'next';
  hourMs: number;
  jitterDays: number;
  skip: number;
  from: string | null;
  to: string | null;
  startMs: number;
  endMs: number;
  stream: number;
  /** The child columns that receive the occurrence's time and its index (0, 1, … per parent). */
  timeColumn: string;
  indexColumn: string | null;
}

/**
 * A fanout per segment of the primary parent (`behaviors.<segment>.tables.<child>.fanout`): parents whose segment
 * (`column` of `table`) has an entry draw their children from it, the others from the table's own fanout.
 */
export interface SegmentFanout { table: string; column: string; fanouts: Record<string, FanoutPlan> }

export interface PickPlan { table: string; weightsBy: string | null; stream: number; segments: SegmentScale | null }

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
  /** A helper column: computed and readable by later columns and tables, never written (absent when written). */
  hidden?: true;
}

/** A faker argument read from a column of the row (`"$col"`): top-level `key` of args, or position `index` of `args._`. */
export interface FakerArgRef {
  key: string;
  index: number | null;
  column: string;
  /** The referenced column's type (how its values are handed to faker: text, number, boolean or Date). */
  type: string;
}

export type GeneratorProgram =
  | { kind: 'sequence'; start: number; step: number; orderBy?: string }
  | { kind: 'choice'; values: Scalar[]; cdf: number[] }
  | { kind: 'choice_ref'; table: string; column: string }
  | { kind: 'distribution'; dist: string; params: Record<string, number | string>; clamp: [number | null, number | null]; exprs?: Record<string, RowParam> }
  /** A draw from an empirical distribution: the quantile function linear between (probs[i], quantiles[i]); probs run from 0 to 1. */
  | { kind: 'empirical'; quantiles: number[]; probs: number[] }
  /** `trends`: trend modifiers on the column, folded in as sampling weights (each grid point × max(0, factor at t)). */
  | { kind: 'datetime'; startMs: number; endMs: number; freq: Freq; patterns: PatternPlan[]; effects: EffectPlan[]; after: AfterPlan | null; vintage: VintagePlan | null; trends?: TrendShape[] }
  | { kind: 'faker'; method: string; locale: string | null; localeFrom: string | null; args: Record<string, unknown>; refs?: FakerArgRef[] }
  /** `pick` (via 'on'): the keyed pick this lookup shares with every lookup of the row with the same keys and weights. */
  /** `at` (via 'at'): the state of the parent in a state machine or lifecycle over it at this row's time column. */
  /** `hierarchy` (via 'self'): the row's parent in its own table (an earlier row) and what to read of it (`derive`). */
  /** via 'source' / 'target': an end of the edge of an edge table (`RowModel.edges`). */
  | { kind: 'lookup'; table: string; column: string; via: 'parent' | 'pick' | 'on' | 'at' | 'self' | 'source' | 'target'; on: KeyPair[]; pick?: KeyedPick; at?: string; hierarchy?: HierarchyPlan }
  /** `rand`: the stream key of each random call site (rand, bernoulli, normal) in call-site order; absent when none. */
  | { kind: 'expression'; code: string; refs: ColumnRef[]; rand?: number[] }
  | { kind: 'enum_list'; values: Scalar[] }
  /** List columns (docs/behaviours/relations.md, "Lists and vectors"): a Dirichlet vector of alpha.length components. */
  | { kind: 'dirichlet'; alpha: number[] }
  /** `length` independent draws of one distribution (a fixed-length vector). */
  | { kind: 'vector'; dist: string; params: Record<string, number | string>; clamp: [number | null, number | null]; length: number }
  /** Between `min` and `max` distinct values, drawn successively ∝ `weights` among those not yet drawn. */
  | { kind: 'sample'; values: Scalar[]; weights: number[]; min: number; max: number }
  | { kind: 'stage'; field: 'name' | 'index' | 'time' }
  /** The period start of a panel row; `grain` is set for parentless panels (rows = active periods of one series). */
  | { kind: 'period'; grain: GrainPlan | null }
  /**
   * Allocation among siblings: among a parent's rows in one `per` period of `time` (or all its rows), exactly k are
   * chosen ∝ `weightsBy` — a 1/0 flag, or `value`'s value on the chosen rows and null elsewhere. `stream` is keyed
   * by the table and (per, time, k, weightsBy), so allocations alike choose the same rows whatever their columns.
   */
  | { kind: 'allocate'; per: 'hour' | 'day' | 'week' | 'month' | 'parent'; time: string | null; k: number; weightsBy: string | null; value: string | null; stream: number }
  /** A scheduled row's occurrence time or its index among its parent's occurrences (SchedulePlan). */
  | { kind: 'schedule'; field: 'time' | 'index' }
  /** A state-machine row's state, its episode bounds (valid_from, valid_to), its index, or its period start. */
  | { kind: 'state'; field: 'state' | 'from' | 'to' | 'index' | 'period' }
  /** A lifecycle row's stage name / index / start / end, or an event's type / time. */
  | { kind: 'lifecycle'; field: 'stage' | 'index' | 'start' | 'end' | 'event_type' | 'event_at' }
  /** An adoption fact row's event type (adoption / engagement), time, diffusion group or engagement tier. */
  | { kind: 'adoption'; field: 'type' | 'time' | 'group' | 'tier' }
  /** An attribution row's journey id, touch index, touchpoint type, time, converted flag, conversion time or touch count. */
  | { kind: 'attribution'; field: 'journey' | 'index' | 'type' | 'time' | 'converted' | 'converted_at' | 'touches' };

/** A distribution parameter given per row: an expression over earlier columns of the row (and its parents). */
export interface RowParam { code: string; refs: ColumnRef[] }

/**
 * A column an expression reads: of the row itself (table null), of the primary parent's row, of the table's plain
 * pick, or — `pick` set — of the row that the row's keyed lookups from that table picked.
 */
/** `end`: in an edge table, `source.col` / `target.col` read that end's row of the node table (`table`). */
export interface ColumnRef { table: string | null; column: string; pick?: KeyedPick; end?: 'source' | 'target' }

/** A row of `table` matched on `on` (local = remote), uniform among the matches or ∝ `weightsBy`; drawn from `stream`. */
export interface KeyedPick { table: string; on: KeyPair[]; weightsBy: string | null; stream: number; prefer?: PreferencePlan }

/**
 * A preference-driven pick (docs/behaviours/relations.md, "Preference-driven picks"): candidate row j of the picked
 * table, given the row, weighs exp(score / temperature) (softmax) or, without a temperature, max(0, score) — times
 * `weightsBy` when given — among the rows matching `on`. `distinct`: the children of one primary parent never pick
 * the same row twice (successive draws without replacement).
 */
export interface PreferencePlan {
  /** The score expression: `candidate.x` reads the candidate's column x; other references read the row. */
  score: string;
  temperature: number | null;
  distinct: boolean;
  /** Candidate columns the score reads, and those its row-dependent terms read (candidates grouped by their values). */
  candidate: string[];
  group: string[];
  /** The row's own columns and its primary parent's (`parent.x`) the score reads. */
  columns: string[];
  parent: string[];
}

export interface PatternPlan { dimension: TimeDimension; weights: number[] }
export interface KeyPair { local: string; remote: string }
/** `column` must stay after (strict) or not before the named column of the same row. */
interface AfterPlan { column: string; strict: boolean }

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
  | ({ kind: 'trend'; timeRef: string } & TrendShape)
  | { kind: 'effect'; effect: EffectPlan }
  | { kind: 'segment_value'; scale: SegmentScale }
  /** value × a factor per state of the row (state_transition_model amount.state_multipliers). */
  | { kind: 'state_value'; column: string; multipliers: Record<string, number> }
  /** A vintage child's time never precedes its parent's creation, whatever its modifiers (the day after, for dates). */
  /** A child time moved into its parent's lifetime after the column's modifiers: up to `column`, down to `end` when set. */
  | { kind: 'not_before'; table: string; column: string; end?: string }
  | { kind: 'vintage_value'; table: string; createdAt: string; timeRef: string; curves: CurvePlan[]; decay: SegmentScale | null }
  | { kind: 'outliers'; rate: number; mode: 'spike' | 'drop'; dist: string; params: Record<string, number | string>; clamp: [number | null, number | null]; stream: number }
  | { kind: 'anomaly'; windows: AnomalyWindowPlan[]; timeRef: string }
  | ScenarioProgram;

/** One dated window of an `anomaly` modifier: rows whose time is in [startMs, endMs) (and in scope) × multiplier. */
export interface AnomalyWindowPlan {
  startMs: number;
  endMs: number;
  multiplier: number;
  kind: 'spike' | 'drop' | 'level_shift';
  /** Rows whose column values are among these (printed keys: numbers, strings; bools as 0/1). */
  scope: { column: string; values: (string | number | null)[] }[];
}

/** What every top-level scenario has: its id, keyed draws, window, time reference, selection and description. */
export interface ScenarioCommon {
  id: string;
  /** Scenario index in the spec (for paths) and the keyed stream of its own draws. */
  index: number;
  stream: number;
  startMs: number;
  endMs: number;
  timeRef: string;
  selection: ScenarioSelection;
  difficulty: 'easy' | 'medium' | 'hard';
  description: string;
  /** The campaign that drew this scenario (anomaly_campaigns), absent for a hand-written one. */
  campaign?: string;
  /** Thresholds of its event's severity (relative change: low < [0], medium < [1], high < [2], critical) from `anomaly_severity`; absent: the family's default. */
  severity?: [number, number, number];
}

/**
 * A top-level scenario compiled onto its target column: it runs after the column's own modifiers (so
 * columns computed from the target see the changed value) and labels every value it changes.
 */
export interface ScenarioProgram extends ScenarioCommon {
  kind: 'scenario';
  type: ScenarioType;
  /** The type's parameters after defaults and difficulty scaling. */
  params: Record<string, number | string | number[]>;
  /** A second count column the type reads (rate_* / funnel_break / data_quality: the denominator). */
  denominator: string | null;
  /** Upper bound of the target per row (a binomial step never exceeds its n), or null. */
  capColumn: string | null;
  /** rate_*: description of the per-day window labels. */
  windowDescription?: string;
}

/**
 * A top-level scenario that adds rows to a table (written after its own rows, labelled one label per added
 * row): `cap_violation` copies rows of an entity's period with new keys until the period has more rows than
 * the cap; `data_quality` with mode `duplicate` writes selected rows a second time, key included.
 */
export interface RowScenarioProgram extends ScenarioCommon {
  type: 'cap_violation' | 'data_quality';
  /** cap_violation: rows per entity and period allowed (null: the most the table has without scenarios). */
  cap: number | null;
  /** cap_violation: rows beyond max(cap, rows in the period) after the scenario. */
  exceedBy: number;
  period: 'hour' | 'day' | 'week' | 'month';
  /** data_quality duplicate: probability that a selected row is written twice. */
  share: number;
}

export type ScenarioType = 'spike' | 'drop' | 'level_shift' | 'cost_spike' | 'volume_spike' | 'rate_drop' | 'rate_spike' | 'funnel_break' | 'mix_shift' | 'data_quality';

export type ScenarioSelection =
  | { kind: 'all' }
  | { kind: 'random_k'; k: number; table: string | null; key: string | null }
  | { kind: 'share'; share: number; table: string | null; key: string | null }
  | { kind: 'where'; code: string; columns: string[] };

export function assertNever(x: never): never {
  throw new Error(`unhandled kind: ${JSON.stringify(x)}`);
}
