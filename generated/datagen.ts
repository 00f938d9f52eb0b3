/* eslint-disable */
/**
 * GENERATED FILE - DO NOT EDIT.
 * Produced by src/spec/gen-types.ts (json-schema-to-typescript) from the JSON Schemas in schemas/.
 * Change the schemas, then run `npm run gen:types`; tests/unit/spec/schema.test.ts fails on drift.
 */

/**
 * A datetime grid: T/min (minute), H/h (hour), D (day), W (week), M (month-end), MS (month-start).
 */
export type Freq = "T" | "min" | "H" | "h" | "D" | "W" | "M" | "MS";
/**
 * Column type: int, float, string, bool, datetime, date; extension decimal, json, list<…>.
 */
export type ColumnType =
  | "int"
  | "float"
  | "string"
  | "bool"
  | "datetime"
  | "date"
  | "decimal"
  | "json"
  | "list<int>"
  | "list<float>"
  | "list<string>"
  | "list<bool>"
  | "list<datetime>"
  | "list<date>"
  | "list<decimal>"
  | "list<json>";
/**
 * A single JSON value: string, number, boolean or null.
 */
export type Scalar = string | number | boolean | null;
/**
 * Name of a probability distribution.
 */
export type DistributionName =
  | "normal"
  | "lognormal"
  | "uniform"
  | "poisson"
  | "exponential"
  | "gamma"
  | "beta"
  | "negative_binomial"
  | "binomial"
  | "zipf"
  | "pareto"
  | "weibull"
  | "triangular"
  | "dirichlet"
  | "geometric";
/**
 * Calendar weights {dimension, weights}: 24 for hour, 7 for dow (0 = Monday), 12 for month, 31 for day_of_month.
 */
export type CalendarPattern =
  | {
      /**
       * Hour of day (0-23).
       */
      dimension: "hour";
      /**
       * 24 weights, hour 0 first.
       *
       * @minItems 24
       * @maxItems 24
       */
      weights: number[];
    }
  | {
      /**
       * Day of week, 0 = Monday.
       */
      dimension: "dow";
      /**
       * 7 weights, Monday first.
       *
       * @minItems 7
       * @maxItems 7
       */
      weights: number[];
    }
  | {
      /**
       * Month of year.
       */
      dimension: "month";
      /**
       * 12 weights, January first.
       *
       * @minItems 12
       * @maxItems 12
       */
      weights: number[];
    }
  | {
      /**
       * Day of the month (1–31; days a month lacks are absent).
       */
      dimension: "day_of_month";
      /**
       * 31 weights, day 1 first.
       *
       * @minItems 31
       * @maxItems 31
       */
      weights: number[];
    };
/**
 * A column modifier {transform, args}; transform selects the args schema.
 */
export type ColumnModifier =
  | {
      /**
       * Multiply by a factor.
       */
      transform: "multiply";
      args: MultiplyModifier;
    }
  | {
      /**
       * Add a value.
       */
      transform: "add";
      args: AddModifier;
    }
  | {
      /**
       * Bound values to [min, max].
       */
      transform: "clamp";
      args: ClampModifier;
    }
  | {
      /**
       * Gaussian noise, added or multiplicative.
       */
      transform: "jitter";
      args: JitterModifier;
    }
  | {
      /**
       * Gaussian shift of a timestamp.
       */
      transform: "time_jitter";
      args: TimeJitterModifier;
    }
  | {
      /**
       * Replace values through a mapping.
       */
      transform: "map_values";
      args: MapValuesModifier;
    }
  | {
      /**
       * Calendar weights: a multiplier on numbers, a sampling weight on timestamps.
       */
      transform: "seasonality";
      args: SeasonalityModifier;
    }
  | {
      /**
       * Growth multiplier by years elapsed.
       */
      transform: "trend";
      args: TrendModifier;
    }
  | {
      /**
       * Multiply/add a field of the matching effect-table row whose window contains the row's timestamp.
       */
      transform: "effect";
      args: EffectModifier;
    }
  | {
      /**
       * Labelled outliers: a share of rows spiked or dropped.
       */
      transform: "outliers";
      args: OutliersModifier;
    }
  | {
      /**
       * Extension: labelled dated level shifts, spikes and drops.
       */
      transform: "anomaly";
      args: AnomalyModifier;
    };
/**
 * Arguments of seasonality: on a numeric column ×weight of the row's timestamp bucket; on a datetime column a sampling weight.
 */
export type SeasonalityModifier =
  | {
      /**
       * Hour of day (0-23).
       */
      dimension: "hour";
      /**
       * 24 weights, hour 0 first.
       *
       * @minItems 24
       * @maxItems 24
       */
      weights: number[];
      /**
       * Extension: the datetime column whose bucket is used (default: the first earlier datetime column).
       */
      time_reference?: string;
    }
  | {
      /**
       * Day of week, 0 = Monday.
       */
      dimension: "dow";
      /**
       * 7 weights, Monday first.
       *
       * @minItems 7
       * @maxItems 7
       */
      weights: number[];
      /**
       * Extension: the datetime column whose bucket is used (default: the first earlier datetime column).
       */
      time_reference?: string;
    }
  | {
      /**
       * Month of year.
       */
      dimension: "month";
      /**
       * 12 weights, January first.
       *
       * @minItems 12
       * @maxItems 12
       */
      weights: number[];
      /**
       * Extension: the datetime column whose bucket is used (default: the first earlier datetime column).
       */
      time_reference?: string;
    };
/**
 * Arguments of trend: multiplier by years elapsed t: exponential (1+g)^t, linear 1+g·t, logarithmic 1+a·ln(1+b·t).
 */
export type TrendModifier = {
  [k: string]: unknown | undefined;
};
/**
 * A duration: a number of days, or a string like "30d", "12h", "2w", "3M" (units s, min, h, d, w, M, y).
 */
export type Duration = string | number;
/**
 * A table-level modifier {transform, args}; only effect, which scales the fanout.
 */
export type TableModifier = {
  /**
   * Scale the expected fanout by the matching effect row whose window contains the child's timestamp.
   */
  transform: "effect";
  args: EffectModifier;
};
/**
 * A calendar unit for ages and periods.
 */
export type TimeUnit = "day" | "week" | "month" | "year";
/**
 * Quality targets checked by `datagen validate` (null means none).
 */
export type Targets = {
  weekend_share?: WeekendShareTarget;
  mean_in_range?: MeanInRangeTarget;
  composite_effect?: CompositeEffectTarget;
} | null;
/**
 * A calendar bucket of a timestamp: hour (24 weights), dow (7, 0 = Monday), month (12) or day_of_month (31, day 1 first).
 */
export type TimeDimension = "hour" | "dow" | "month" | "day_of_month";

/**
 * A datagen document (DSL 1.x): one JSON document that describes a whole dataset.
 */
export interface DatagenSpec {
  /**
   * URI of this JSON Schema, so editors can validate and complete the document.
   */
  $schema?: string;
  /**
   * DSL version: "1.0" (any 1.x is accepted).
   */
  version: string;
  metadata: Metadata;
  timeframe: Timeframe;
  /**
   * The tables of the dataset, one node per table; ids are unique.
   *
   * @minItems 1
   */
  nodes: Node[];
  constraints?: Constraints;
  targets?: Targets;
  /**
   * Explicit generation levels (lists of node ids); checked against the dependencies, never trusted blindly.
   */
  dag?: string[][];
  /**
   * Extension: default master seed (CLI --seed overrides; default 42), 0 to 2^53 − 1.
   */
  seed?: number;
  /**
   * Extension: anomaly scenarios injected after generation; each writes ground truth to _labels.
   */
  scenarios?: Scenario[];
  /**
   * Extension: anomaly campaigns, expanded at compile time into scenarios with drawn dates, durations, entities and magnitudes (docs/anomalies.md#campaigns).
   */
  anomaly_campaigns?: AnomalyCampaign[];
  /**
   * Extension: severity rules of the anomaly events (_label_events.severity) per family: three increasing thresholds of the relative change |observed − expected| / |expected| of the event's series — below the first low, then medium, high, and critical from the third. Default [0.1, 0.25, 0.5]; for rate_drop / rate_spike (a change of a ratio) [0.02, 0.05, 0.1] (docs/anomalies.md#detectability-severity-and-difficulty).
   */
  anomaly_severity?: {
    /**
     * @minItems 3
     * @maxItems 3
     */
    [k: string]: number[] | undefined;
  };
  /**
   * Named values (numbers, strings, arrays, objects) that {"$param": "name"} references anywhere in the spec take whole (docs/authoring.md); presets and --set params.<name>=… change them.
   */
  params?: {
    [k: string]: unknown | undefined;
  };
  /**
   * Named overlays selected with --preset NAME: a JSON Merge Patch over params and the spec with a description, or the name of a file holding one (relative to this file). `datagen presets spec.json` lists them.
   */
  presets?: {
    [k: string]: (Preset | string) | undefined;
  };
  /**
   * Other JSON files (partial specs: params, nodes, presets, …) merged into this one, relative to this file: nodes and scenarios are appended, objects merged key by key, other values replaced; this file's own values come last (docs/authoring.md).
   */
  include?: string[];
}
/**
 * Dataset metadata: {name, description?}; other keys are kept as free-form notes.
 */
export interface Metadata {
  /**
   * Dataset name (used for output file names and the manifest).
   */
  name: string;
  /**
   * Free-text description of the dataset.
   */
  description?: string;
  [k: string]: unknown | undefined;
}
/**
 * The dataset's time span {start, end} and default datetime grid freq.
 */
export interface Timeframe {
  /**
   * First instant of the timeframe (ISO-8601, trailing Z ok).
   */
  start: string;
  /**
   * Last instant of the timeframe (ISO-8601, trailing Z ok).
   */
  end: string;
  freq: Freq;
}
/**
 * One table: an entity (independent rows), a fact (rows per parent row) or a vocab (a fixed list).
 */
export interface Node {
  /**
   * Table name; unique among the nodes.
   */
  id: string;
  /**
   * entity (independent rows), fact (rows per parent row) or vocab (a fixed list from enum_list).
   */
  kind: "entity" | "fact" | "vocab";
  /**
   * Primary-key column; must be one of the columns; generated keys are unique by construction.
   */
  pk?: string;
  /**
   * Row count for entities and parentless facts (default 1000); the CLI can scale all counts.
   */
  rows?: number;
  /**
   * Facts: parent node ids; parents[0] drives fanout, the others are referenced by lookups.
   */
  parents?: string[];
  fanout?: Fanout;
  /**
   * The table's columns, generated in order; a column sees earlier columns and, through lookups, its parents'.
   *
   * @minItems 1
   */
  columns: Column[];
  /**
   * Table-level modifiers; an effect here scales the fanout.
   */
  modifiers?: TableModifier[];
  /**
   * Extension, on a fact whose parents[0] is the node table: an edge table (friendships, follows). Each node row draws fanout targets among the rows of the same table; lookups of parents[0] read the edge's source row, or its target row with "end": "target". See docs/behaviours/relations.md.
   */
  edges?: {
    /**
     * Targets drawn in proportion to this numeric column "<node>.<column>" (popularity); default uniform.
     */
    weights_by?: string;
    /**
     * Targets drawn in proportion to their own drawn degree + 1 (active nodes attract edges); not with weights_by.
     */
    preferential?: boolean;
    /**
     * The share of edges that join two nodes with equal values of column (of every column, for a list).
     */
    homophily?: {
      /**
       * A column of the node table (city), or several (nodes are alike when they agree on all of them).
       */
      column: string | string[];
      /**
       * The share of edges joining equal values (each draw is within the node's group with this probability).
       */
      probability: number;
    };
    /**
     * Directed edges: the share of edges whose reverse edge exists too (default 0).
     */
    reciprocity?: number;
    /**
     * Each pair is one row with source < target (default false).
     */
    undirected?: boolean;
    /**
     * Default false: no edge joins a node to itself (exact).
     */
    allow_self_loops?: boolean;
    /**
     * Default true: no pair appears twice (exact).
     */
    unique_pairs?: boolean;
  };
  segment_behavior?: SegmentBehavior;
  /**
   * Extension: when each row of this node exists. Children (facts, panels, funnels, state machines, lifecycles, adoption, attribution) happen only inside it. Default: the vintage created_at_column, else the node's first datetime/date column, else the whole window; false opts out. See docs/behaviours/lifetimes.md.
   */
  lifetime?:
    | false
    | {
        /**
         * The datetime/date column holding the row's birth.
         */
        from: string;
        /**
         * The row's end: a datetime/date column (null values: alive until the window ends), or {table, states}: the first time the row enters one of those states of a state machine or lifecycle over it.
         */
        to?:
          | (string | null)
          | {
              /**
               * A fact with a state_transition_model or lifecycle_model over this node.
               */
              table: string;
              /**
               * The states (or lifecycle stages) whose first entry ends the row.
               *
               * @minItems 1
               */
              states: string[];
            };
      };
  /**
   * Extension, on state machines and plain facts: the process starts for a parent only when that parent reached a stage of a funnel (stage_config), a state of a state machine (state_transition_model), a stage of a lifecycle (lifecycle_model) or its adoption (adoption_model) over the same parent — at the first time it did — and not at all for parents that never did. See docs/behaviours/lifetimes.md.
   */
  starts_after?: {
    /**
     * The funnel, state-machine, lifecycle or adoption fact over the same primary parent.
     */
    table: string;
    /**
     * The funnel stage, state or lifecycle stage whose first time starts the process.
     */
    stage?: string;
    /**
     * Synonym of stage (for a state machine); one of stage and state is required, except for an adoption table (its trigger is the adoption).
     */
    state?: string;
  };
  /**
   * Extension, on facts: rows happen at the parent's activity × the rate of the state the parent is in, in a state-machine table over the same parent (unlisted states: rate 1; before the relationship starts: 0). Counts follow the exposure (time in each state × rate); times fall only where the rate is positive. See docs/behaviours/lifetimes.md.
   */
  activity_by_state?: {
    /**
     * The fact with the state_transition_model or lifecycle_model over the same primary parent (its states or stage names are the keys of rates).
     */
    table: string;
    /**
     * Rate multiplier per state, e.g. {"active": 1, "frozen": 0.1, "cancelled": 0}.
     */
    rates: {
      [k: string]: number | undefined;
    };
  };
  vintage_behavior?: VintageBehavior;
  stage_config?: StageConfig;
  state_transition_model?: StateTransitionModel;
  lifecycle_model?: LifecycleModel;
  adoption_model?: AdoptionModel;
  attribution_chain?: AttributionChain;
  grain?: Grain;
  schedule?: Schedule;
}
/**
 * Children per primary-parent row: {distribution, lambda?, min?, max?, k?, value?, p?, mean?} or {distribution: categorical, values, weights?}.
 */
export interface Fanout {
  /**
   * Count distribution: poisson, uniform, negative_binomial, geometric, fixed or categorical (each of values with its weight).
   */
  distribution: "poisson" | "uniform" | "negative_binomial" | "geometric" | "fixed" | "categorical";
  /**
   * Categorical: the possible counts, e.g. [2, 3, 4].
   *
   * @minItems 1
   */
  values?: number[];
  /**
   * Categorical: one weight per value (shares summing to 1, or relative weights); default equal.
   *
   * @minItems 1
   */
  weights?: number[];
  /**
   * Mean count (poisson; also the mean for negative_binomial).
   */
  lambda?: number;
  /**
   * Lower bound of the final count (uniform: lowest value).
   */
  min?: number;
  /**
   * Upper bound of the final count (uniform: highest value).
   */
  max?: number;
  /**
   * Dispersion of negative_binomial (smaller is more spread).
   */
  k?: number;
  /**
   * The count of fixed.
   */
  value?: number;
  /**
   * Success probability of geometric.
   */
  p?: number;
  /**
   * Mean count (alternative to lambda for negative_binomial and geometric).
   */
  mean?: number;
}
/**
 * One column: {name, type, nullable?, null_rate?, generator, modifiers?, constraints?}.
 */
export interface Column {
  /**
   * Column name; unique within the table.
   */
  name: string;
  type: ColumnType;
  /**
   * Whether the column may hold nulls (default false).
   */
  nullable?: boolean;
  /**
   * Extension: share of rows set to null (needs nullable: true).
   */
  null_rate?: number;
  /**
   * Extension: a helper column — computed, and read by later columns (expressions, lookups, conditions) and other tables, but not written to the output (docs/authoring.md#hidden-columns). Never the pk.
   */
  hidden?: boolean;
  generator: Generator;
  /**
   * Modifiers applied in order, after the generator, before the type cast.
   */
  modifiers?: ColumnModifier[];
  constraints?: ColumnConstraints;
}
/**
 * Exactly one generator key: sequence, choice, distribution, empirical, datetime_series, faker, lookup, expression or enum_list; for list columns dirichlet, vector or sample.
 */
export interface Generator {
  sequence?: SequenceGenerator;
  choice?: ChoiceGenerator;
  distribution?: DistributionGenerator;
  empirical?: EmpiricalGenerator;
  datetime_series?: DatetimeSeriesGenerator;
  faker?: FakerGenerator;
  lookup?: LookupGenerator;
  expression?: ExpressionGenerator;
  enum_list?: EnumListGenerator;
  dirichlet?: DirichletGenerator;
  vector?: VectorGenerator;
  sample?: SampleGenerator;
  allocate?: AllocateGenerator;
}
/**
 * Arithmetic sequence start, start + step, …; the usual primary key.
 */
export interface SequenceGenerator {
  /**
   * First value (default 1).
   */
  start?: number;
  /**
   * Difference between consecutive values (default 1; never 0).
   */
  step?: number;
  /**
   * Extension: a datetime/date column of the row; the values then grow with that time across the whole table (time-derived keys: start + step × (time bucket × 2^b + row ordinal)), identical under any chunking, workers or shards. Not consecutive.
   */
  order_by?: string;
}
/**
 * Categorical draw with replacement: choices or choices_ref, weighted by weights or weights_kind (default uniform).
 */
export interface ChoiceGenerator {
  /**
   * The values to draw from.
   *
   * @minItems 1
   */
  choices?: Scalar[];
  /**
   * Draw from another table's column "t.c" instead of a literal list.
   */
  choices_ref?: string;
  /**
   * One non-negative weight per choice; normalised internally.
   *
   * @minItems 1
   */
  weights?: number[];
  /**
   * Generated weights: uniform, zipf@α (e.g. zipf@1.5) or head_tail@{h,α} (head share h, tail exponent α).
   */
  weights_kind?: string;
}
/**
 * A draw from a named distribution {type, params, clamp?}; parameter names per distribution are checked semantically.
 */
export interface DistributionGenerator {
  type: DistributionName;
  /**
   * Parameters by name, e.g. normal {mean, std}, lognormal {mean, sigma}, uniform {low, high}, poisson {lambda}; a string names an earlier column (binomial n); a list is dirichlet alpha.
   */
  params: {
    /**
     * A number, an earlier column's name, or a list of numbers.
     */
    [k: string]: (number | string | number[]) | undefined;
  };
  /**
   * [min, max] bounds applied to each draw; either may be null.
   *
   * @minItems 2
   * @maxItems 2
   */
  clamp?: (number | null)[];
}
/**
 * Extension: a draw from an empirical distribution given by its quantiles {quantiles, probs?}: the quantile function is linear between the points (probs[i], quantiles[i]), so a repeated value is an atom. What `datagen infer` writes when no distribution family fits.
 */
export interface EmpiricalGenerator {
  /**
   * Non-decreasing values of the quantile function at probs (default: evenly spaced from 0 to 1, e.g. 101 values are the percentiles 0, 1, …, 100).
   *
   * @minItems 2
   * @maxItems 10000
   */
  quantiles: number[];
  /**
   * Non-decreasing probabilities, one per quantile, from 0 to 1 (the first is 0, the last 1); two equal probabilities make a jump: no value between their quantiles.
   *
   * @minItems 2
   * @maxItems 10000
   */
  probs?: number[];
}
/**
 * Timestamps on a grid {within, freq, pattern?}; patterns and seasonality modifiers weight the draw.
 */
export interface DatetimeSeriesGenerator {
  /**
   * "timeframe" (the document's timeframe, the default) or an explicit {start, end} window.
   */
  within?: "timeframe" | TimeWindow;
  freq?: Freq;
  /**
   * Calendar weights {dimension: hour|dow|month|day_of_month, weights} for the draw (dow 0 = Monday), or a list of them (their weights multiply).
   */
  pattern?: CalendarPattern | CalendarPattern[];
}
/**
 * An explicit window {start, end}.
 */
export interface TimeWindow {
  /**
   * First instant of the window.
   */
  start: string;
  /**
   * Last instant of the window.
   */
  end: string;
}
/**
 * Realistic strings via @faker-js/faker; the earlier tool's Python Faker method names (name, email, company, address, phone_number, first_name, last_name, uuid4, bothify, user_agent, license_plate, word) work.
 */
export interface FakerGenerator {
  /**
   * Faker method, e.g. name, email, company, address, phone_number, uuid4, bothify, user_agent.
   */
  method: string;
  /**
   * An earlier column holding a country code or locale for each row.
   */
  locale_from?: string;
  /**
   * Extension: one fixed locale for all rows, e.g. en_US (used by earlier specs).
   */
  locale?: string;
  /**
   * Extension: arguments of the method, e.g. {"text": "??-####"} for bothify.
   */
  args?: {
    [k: string]: unknown | undefined;
  };
}
/**
 * A value from another table: the primary parent's own value (the FK), a random row of another parent/table, or the row matching on.
 */
export interface LookupGenerator {
  /**
   * Source column "t.c".
   */
  from: string;
  /**
   * Pick the source row matching these keys {this_column: other_column}.
   */
  on?: {
    /**
     * Column of the source table.
     */
    [k: string]: string | undefined;
  };
  /**
   * Extension: pick source rows in proportion to this column "t.c" (popularity); with on, among the matching rows.
   */
  weights_by?: string;
  /**
   * Extension: a preference-driven pick. Candidate row j of the looked-up table weighs exp(score / temperature), or max(0, score) without a temperature (times weights_by), among the rows matching on; the score reads the candidate as candidate.x, the row's own columns and parent.x. See docs/behaviours/relations.md.
   */
  score?: string;
  /**
   * Extension, with score: softmax temperature (> 0); small values concentrate the picks on the best-scored candidates.
   */
  temperature?: number;
  /**
   * Extension, with score: the children of one primary parent never pick the same row twice (draws without replacement).
   */
  distinct?: boolean;
  /**
   * Extension, on a lookup from the node's own table (a row's parent is an earlier row of it): the shape of the tree. roots (the first N rows are roots, default 1) or root_share (each row is a root with this probability); concentration in [0, 1) (0: children per row geometric; towards 1: a few rows get most children; default 0.5); max_depth (roots have depth 0). See docs/behaviours/relations.md.
   */
  hierarchy?: {
    /**
     * The first N rows are the roots.
     */
    roots?: number;
    /**
     * Each row after the first is a root with this probability.
     */
    root_share?: number;
    /**
     * Probability of attaching to the picked earlier row's parent instead of the row: a few rows collect many children.
     */
    concentration?: number;
    /**
     * No row is deeper (roots have depth 0).
     */
    max_depth?: number;
  };
  /**
   * Extension, on a lookup from the node's own table: what the column holds — parent (the parent row's key, null for roots; default), depth (0 for roots), path (keys from the root down to the row, "1/4/17") or root (the root's key).
   */
  derive?: "parent" | "depth" | "path" | "root";
  /**
   * Extension, in an edge table (a fact with edges): read the edge's source row (default) or its target row of the node table.
   */
  end?: "source" | "target";
  /**
   * Extension: read the state the row's parent is in at this datetime column of the row, from a state machine (from: "<table>.state") or lifecycle ("<table>.stage_name") over the same parent; null outside its relationship.
   */
  at?: string;
}
/**
 * Arithmetic/logic over earlier columns and parent columns (parent.col), parsed once; no access outside the row.
 */
export interface ExpressionGenerator {
  /**
   * The expression: + - * / ^ %, comparisons, and/or/not, if(c,a,b), c ? a : b, min max abs round floor ceil sqrt exp log clamp, hour dow month year, days_between.
   */
  code: string;
}
/**
 * Vocab nodes: the rows are exactly these values, in order.
 */
export interface EnumListGenerator {
  /**
   * The vocabulary; one row per value.
   *
   * @minItems 1
   */
  values: Scalar[];
}
/**
 * Extension: a list<float> of k shares that sum to 1 (component j has mean alpha_j / Σ alpha): alpha as a list, or one alpha with k (symmetric).
 */
export interface DirichletGenerator {
  /**
   * Concentrations: one per component (a list of numbers > 0), or one number > 0 for every component (then k is required). Small alpha: peaked shares (one favourite); large: even shares.
   */
  alpha: number | number[];
  /**
   * Number of components of a symmetric Dirichlet (alpha a number).
   */
  k?: number;
}
/**
 * Extension: a fixed-length list<float> or list<int> of independent draws of one distribution {type, params, clamp?, length}.
 */
export interface VectorGenerator {
  type: DistributionName;
  /**
   * Parameters by name, numbers only (as in the distribution generator).
   */
  params: {
    [k: string]: number | undefined;
  };
  /**
   * [min, max] bounds applied to each component; either may be null.
   *
   * @minItems 2
   * @maxItems 2
   */
  clamp?: (number | null)[];
  /**
   * Number of components per row.
   */
  length: number;
}
/**
 * Extension: k distinct choices per row (a list: tags), drawn one after another with probability ∝ weight among the choices not drawn yet.
 */
export interface SampleGenerator {
  /**
   * The distinct values to sample from (strings for list<string>, numbers for list<int>/list<float>).
   *
   * @minItems 1
   * @maxItems 10000
   */
  choices: (string | number)[];
  /**
   * One non-negative weight per choice (default: all equal); relative.
   *
   * @minItems 1
   */
  weights?: number[];
  /**
   * How many distinct choices each row gets: a number, or {min, max} (each length equally likely).
   */
  k:
    | number
    | {
        /**
         * Fewest choices in a row.
         */
        min: number;
        /**
         * Most choices in a row.
         */
        max: number;
      };
}
/**
 * Extension, on a fact with parents: among the rows a parent has in one period, exactly k are chosen with probability ∝ weights_by — a flag (bool/int 1 or 0), or with value that column's value on the chosen rows and null elsewhere (docs/behaviours/allocation.md).
 */
export interface AllocateGenerator {
  /**
   * The group: the parent's rows in one hour, day, week (Monday) or month of time_column, or all of them (parent, the default).
   */
  per?: "hour" | "day" | "week" | "month" | "parent";
  /**
   * The rows' datetime/date column (needed unless per is parent).
   */
  time_column?: string;
  /**
   * Rows chosen per group (default 1); a smaller group has all its rows chosen.
   */
  k?: number;
  /**
   * A numeric column of the row: chosen ∝ its value (≤ 0 or null: never); default equal.
   */
  weights_by?: string;
  /**
   * A column whose value the chosen rows take (the others: null); without it the column is a 1/0 flag.
   */
  value?: string;
}
/**
 * Arguments of multiply: value × factor.
 */
export interface MultiplyModifier {
  /**
   * Multiplier.
   */
  factor: number;
}
/**
 * Arguments of add: value + value.
 */
export interface AddModifier {
  /**
   * Amount added.
   */
  value: number;
}
/**
 * Arguments of clamp: bound values to [min, max]; either bound may be null or absent.
 */
export interface ClampModifier {
  /**
   * Lower bound (null: none).
   */
  min?: number | null;
  /**
   * Upper bound (null: none).
   */
  max?: number | null;
}
/**
 * Arguments of jitter: Gaussian noise, added (value + ε) or multiplicative (value × (1 + ε)).
 */
export interface JitterModifier {
  /**
   * Standard deviation of ε.
   */
  std: number;
  /**
   * add (default) or mul.
   */
  mode?: "add" | "mul";
}
/**
 * Arguments of time_jitter: Gaussian shift of a timestamp.
 */
export interface TimeJitterModifier {
  /**
   * Standard deviation of the shift, in minutes.
   */
  std_minutes: number;
}
/**
 * Arguments of map_values: replace values found in mapping; others are kept.
 */
export interface MapValuesModifier {
  /**
   * Replacements {old: new}; keys are the values' text form.
   */
  mapping: {
    [k: string]: Scalar;
  };
}
/**
 * Arguments of effect: multiply/add the field of the matching effect-table row whose window contains the row's timestamp (a join, generated first).
 */
export interface EffectModifier {
  /**
   * The effect table (node id); a dependency, generated first.
   */
  effect_table: string;
  /**
   * Join keys {local column: effect-table column}; {} matches every effect row.
   */
  on?: {
    /**
     * Column of the effect table.
     */
    [k: string]: string | undefined;
  };
  window: EffectWindow;
  map: EffectMap;
  /**
   * Extension: the datetime column of the row tested against the window (default: the first earlier datetime column, else the first later one).
   */
  time_reference?: string;
}
/**
 * The effect row's validity window {start_col, end_col}.
 */
export interface EffectWindow {
  /**
   * Effect-table column where the window starts.
   */
  start_col: string;
  /**
   * Effect-table column where the window ends (null: open-ended).
   */
  end_col: string;
}
/**
 * How the effect applies {field, op=mul|add, default}.
 */
export interface EffectMap {
  /**
   * Effect-table column holding the multiplier or addend.
   */
  field: string;
  /**
   * mul (default) or add.
   */
  op?: "mul" | "add";
  /**
   * Value used where no effect row matches (default 1 for mul, 0 for add).
   */
  default?: number;
}
/**
 * Arguments of outliers: a rate share of rows scaled by ×(1+m) (spike) or ÷(1+m) (drop); labelled in _labels.
 */
export interface OutliersModifier {
  /**
   * Share of rows affected.
   */
  rate: number;
  /**
   * spike (default) or drop.
   */
  mode?: "spike" | "drop";
  magnitude_dist?: DistributionGenerator;
}
/**
 * Extension, arguments of anomaly: dated level shifts, spikes and drops; labelled in _labels.
 */
export interface AnomalyModifier {
  /**
   * Days (or instants) whose rows are multiplied by spike_multiplier.
   */
  spike_dates?: string[];
  /**
   * Multiplier on spike_dates.
   */
  spike_multiplier?: number;
  /**
   * Days (or instants) whose rows are multiplied by drop_multiplier.
   */
  drop_dates?: string[];
  /**
   * Multiplier on drop_dates.
   */
  drop_multiplier?: number;
  /**
   * Anomaly windows [{start, end | duration, multiplier, kind, scope?}].
   */
  windows?: AnomalyWindow[];
  /**
   * The datetime column that places a row in time (default: the first earlier datetime column).
   */
  time_reference?: string;
}
/**
 * One anomaly window {start, end | duration, multiplier, kind, scope?}.
 */
export interface AnomalyWindow {
  /**
   * First instant of the window.
   */
  start: string;
  /**
   * Last instant of the window.
   */
  end?: string;
  duration?: Duration;
  /**
   * Multiplier applied inside the window.
   */
  multiplier: number;
  /**
   * Label kind: spike, drop or level_shift (default: spike if multiplier > 1, else drop).
   */
  kind?: "spike" | "drop" | "level_shift";
  /**
   * Restrict to rows whose columns have these values {column: value | [values]}.
   */
  scope?: {
    /**
     * The value, or list of values, that selects a row.
     */
    [k: string]: (string | number | boolean | null | Scalar[]) | undefined;
  };
}
/**
 * Column-level constraints checked by `datagen validate`.
 */
export interface ColumnConstraints {
  /**
   * Values are unique within the table.
   */
  unique?: boolean;
  /**
   * Smallest allowed value (number, or ISO instant for timestamps).
   */
  min?: number | string;
  /**
   * Largest allowed value (number, or ISO instant for timestamps).
   */
  max?: number | string;
  /**
   * Regular expression every non-null value must fully match.
   */
  regex?: string;
  /**
   * The allowed values.
   */
  values?: Scalar[];
}
/**
 * On an entity: how its segment scales its children (through any parent); {segment_column, behaviors, applies_to_columns} and/or {segment_column, segments{base_probability}}.
 */
export interface SegmentBehavior {
  /**
   * The entity's column holding the segment.
   */
  segment_column: string;
  /**
   * Per segment value, the multipliers applied to its children.
   */
  behaviors?: {
    [k: string]: SegmentEffects | undefined;
  };
  /**
   * Per segment value, its base_probability; then defines the segment column's distribution.
   */
  segments?: {
    [k: string]: SegmentShare | undefined;
  };
  /**
   * Child columns scaled by value_multiplier.
   */
  applies_to_columns?: string[];
}
/**
 * Multipliers for one segment's children.
 */
export interface SegmentEffects {
  /**
   * Scales the expected number of children per parent.
   */
  fanout_multiplier?: number;
  /**
   * Scales the child values listed in applies_to_columns.
   */
  value_multiplier?: number;
  /**
   * Scales how fast activity decays with age (vintage curves).
   */
  decay_rate?: number;
  /**
   * Scales stage-funnel transition rates.
   */
  transition_multiplier?: number;
  /**
   * Scales state-transition churn hazards.
   */
  churn_multiplier?: number;
  /**
   * Per child table (a fact whose parents[0] is the entity, or a table picking its rows): this segment's effect on that table only, instead of fanout_multiplier for every child.
   */
  tables?: {
    [k: string]: ChildSegmentEffects | undefined;
  };
}
/**
 * One segment's effect on one child table.
 */
export interface ChildSegmentEffects {
  /**
   * Scales the expected number of this table's children per parent of the segment (replaces the segment's fanout_multiplier here).
   */
  fanout_multiplier?: number;
  fanout?: Fanout;
}
/**
 * A segment's share of the entities.
 */
export interface SegmentShare {
  /**
   * Share of entities in this segment (normalised internally).
   */
  base_probability: number;
}
/**
 * On an entity: how its age (time since creation) scales its children's activity and values.
 */
export interface VintageBehavior {
  /**
   * The entity's datetime column when it was created; no child happens before it.
   */
  created_at_column: string;
  /**
   * Named age curves, each applied to the fanout, all values, or listed child columns.
   */
  age_based_multipliers: {
    [k: string]: AgeMultiplier | undefined;
  };
}
/**
 * An age curve {curve, time_unit, applies_to}.
 */
export interface AgeMultiplier {
  /**
   * Multiplier per age bucket [age 0, age 1, …] (the last value holds after), or a parametric {curve_type, params{a,b}}.
   *
   * @minItems 1
   */
  curve:
    | number[]
    | {
        /**
         * logarithmic 1+a·ln(1+b·age), exponential a·e^(b·age), or linear a+b·age.
         */
        curve_type: "logarithmic" | "exponential" | "linear";
        params: CurveParams;
      };
  time_unit?: TimeUnit;
  /**
   * "fanout" (children per parent), "all" (every numeric child value), a child column, or a list of child columns.
   *
   * @minItems 1
   */
  applies_to: string | string[];
  /**
   * Free-text note; ignored (written by earlier specs).
   */
  comment?: string;
}
/**
 * Curve parameters {a, b}.
 */
export interface CurveParams {
  /**
   * Parameter a of the curve.
   */
  a: number;
  /**
   * Parameter b of the curve.
   */
  b: number;
}
/**
 * On a fact: a stage funnel, one row per reached stage; stage 0 always, each next stage with p = min(1, rate × multiplier); timestamps strictly increase.
 */
export interface StageConfig {
  /**
   * The stages in order.
   *
   * @minItems 1
   */
  stages: Stage[];
  /**
   * Per segment of the parent (its segment_behavior column), a multiplier on the transition rates.
   */
  segment_variation?: {
    [k: string]: StageSegmentVariation | undefined;
  };
}
/**
 * One stage {stage_name, transition_rate, delay?}.
 */
export interface Stage {
  /**
   * Name written to the stage row.
   */
  stage_name: string;
  /**
   * Probability of reaching this stage from the previous one (ignored for stage 0).
   */
  transition_rate: number;
  /**
   * Time from the previous stage: a fixed duration or a duration distribution.
   */
  delay?: Duration | DurationDistribution;
}
/**
 * A random duration {distribution, params, clamp?, unit}.
 */
export interface DurationDistribution {
  distribution: DistributionName;
  /**
   * Parameters by name, as for the distribution generator.
   */
  params: {
    [k: string]: (number | number[]) | undefined;
  };
  /**
   * [min, max] bounds of the duration; either may be null.
   *
   * @minItems 2
   * @maxItems 2
   */
  clamp?: (number | null)[];
  /**
   * Unit of the drawn number: minute, hour, day (default), week or month.
   */
  unit?: "minute" | "hour" | "day" | "week" | "month";
}
/**
 * One segment's funnel variation.
 */
export interface StageSegmentVariation {
  /**
   * Multiplier on every transition rate.
   */
  transition_multiplier: number;
}
/**
 * On a fact: a recurring relationship moving between states per period; rows are state episodes (entity, state, valid_from, valid_to) or periods.
 */
export interface StateTransitionModel {
  /**
   * State every relationship starts in; one of states.
   */
  initial_state: string;
  /**
   * The states: each either leaves with transition_prob_per_period to next_states, or is terminal.
   */
  states: {
    [k: string]: TransitionState | undefined;
  };
  period_unit?: TimeUnit;
  /**
   * Per segment of the parent, a multiplier on the hazard of moving to a terminal state.
   */
  segment_variation?: {
    [k: string]: ChurnSegmentVariation | undefined;
  };
  /**
   * Rows written: episodes (one per state episode, default) or periods (one per period with its state).
   */
  emit?: "episodes" | "periods";
  amount?: StateAmount;
}
/**
 * A state: {transition_prob_per_period, next_states} or {terminal: true}.
 */
export interface TransitionState {
  /**
   * Probability of leaving the state in one period.
   */
  transition_prob_per_period?: number;
  /**
   * Where a leaving relationship goes {state: weight}; normalised internally.
   */
  next_states?: {
    [k: string]: number | undefined;
  };
  /**
   * The state is final (e.g. churned).
   */
  terminal?: boolean;
}
/**
 * One segment's churn variation.
 */
export interface ChurnSegmentVariation {
  /**
   * Multiplier on the churn hazard.
   */
  churn_multiplier: number;
}
/**
 * An optional amount per row (e.g. revenue per period), scaled per state.
 */
export interface StateAmount {
  /**
   * Column receiving the amount (default amount).
   */
  column?: string;
  distribution: DistributionGenerator;
  /**
   * Multiplier on the amount per state {state: factor} (default 1).
   */
  state_multipliers?: {
    [k: string]: number | undefined;
  };
}
/**
 * On a fact: lifecycle stages with duration distributions, events during each stage, exits and terminal churn per period.
 */
export interface LifecycleModel {
  /**
   * The lifecycle stages; the first is the entry stage.
   *
   * @minItems 1
   */
  stages: LifecycleStage[];
  period_unit?: TimeUnit;
  /**
   * Rows written: stages (one per stage interval: stage_name, stage_index, started_at, ended_at; default) or events (one per event: event_type, event_at, stage_name, stage_index). Two facts with the same model over the same parent describe the same lifecycles.
   */
  emit?: "stages" | "events";
}
/**
 * One stage {stage_name, duration?, events_during_stage?, exit_probability?, next_stages?, churn_probability_per_period?}.
 */
export interface LifecycleStage {
  /**
   * Stage name.
   */
  stage_name: string;
  duration?: DurationDistribution;
  events_during_stage?: StageEvents;
  /**
   * Probability of leaving the stage at its end for one of next_stages (otherwise the lifecycle ends).
   */
  exit_probability?: number;
  /**
   * Stages (or exits) reachable from this one, chosen uniformly.
   *
   * @minItems 1
   */
  next_stages?: string[];
  /**
   * Terminal stage: probability of churning in each period.
   */
  churn_probability_per_period?: number;
}
/**
 * Events emitted while in the stage {event_types, frequency}.
 */
export interface StageEvents {
  /**
   * Event types drawn uniformly for each event.
   *
   * @minItems 1
   */
  event_types: string[];
  /**
   * Event rate: high, medium, low, or a number of events per week.
   */
  frequency?: ("high" | "medium" | "low") | number;
}
/**
 * On a fact: adoption over time by diffusion groups (innovators … laggards) or the Bass model, with engagement tiers; the cumulative curve is S-shaped.
 */
export interface AdoptionModel {
  /**
   * s_curve (diffusion groups, default) or bass.
   */
  curve_type?: "s_curve" | "bass";
  /**
   * Diffusion groups {innovators, early_adopters, early_majority, late_majority, laggards, …}: {pct, time_to_adopt_days}.
   */
  innovation_diffusion?: {
    [k: string]: DiffusionGroup | undefined;
  };
  bass?: BassModel;
  /**
   * Engagement tiers after adoption {tier: {pct, events_per_week}}.
   */
  engagement_frequency?: {
    [k: string]: EngagementTier | undefined;
  };
  /**
   * Extension: when diffusion starts (ISO-8601 instant; default the start of the time column's window, else the timeframe start).
   */
  launch_at?: string;
}
/**
 * One diffusion group.
 */
export interface DiffusionGroup {
  /**
   * Share of the population in this group (default for innovators 0.025, early_adopters 0.135, early_majority 0.34, late_majority 0.34, laggards 0.16); the rest of the population (1 − Σ pct) never adopts.
   */
  pct?: number;
  /**
   * Milestone: days from the launch by which this group and every earlier one have adopted (members adopt between the previous group's milestone and this one).
   */
  time_to_adopt_days: number;
}
/**
 * Bass diffusion {p, q, market_size}.
 */
export interface BassModel {
  /**
   * Coefficient of innovation (per time_unit), > 0.
   */
  p: number;
  /**
   * Coefficient of imitation (per time_unit).
   */
  q: number;
  /**
   * Potential adopters among the parent rows (default: all of them); scaled by --scale like the rows.
   */
  market_size?: number;
  /**
   * Extension: the time unit of p and q (default day).
   */
  time_unit?: "day" | "week" | "month" | "year";
}
/**
 * One engagement tier.
 */
export interface EngagementTier {
  /**
   * Share of adopters in this tier.
   */
  pct: number;
  /**
   * Mean events per week of a member.
   */
  events_per_week: number;
}
/**
 * On a fact: touchpoints per conversion inside an attribution window; conversion probability rises with touches.
 */
export interface AttributionChain {
  /**
   * Touchpoint types drawn for each touch.
   *
   * @minItems 1
   */
  touchpoint_types: string[];
  /**
   * Extension: one non-negative weight per touchpoint type (default equal weights).
   *
   * @minItems 1
   */
  touchpoint_weights?: number[];
  /**
   * Extension: weights of the types for the first touch of a journey (default touchpoint_weights).
   *
   * @minItems 1
   */
  first_touch_weights?: number[];
  /**
   * Extension: weights of the types for the last touch of a journey with at least two touches (default touchpoint_weights).
   *
   * @minItems 1
   */
  last_touch_weights?: number[];
  touchpoints_per_conversion: Fanout;
  /**
   * All touches of a conversion lie within this many days before it (touches before the observation window or the parent's birth are not written).
   */
  attribution_window_days: number;
  conversion_probability: ConversionProbability;
  /**
   * Extension: a parent's journeys may overlap in time. Default false: journeys are ordered by their ends and each one's touches fall after the previous journey's end.
   */
  overlap?: boolean;
  /**
   * Extension: rows are the touchpoints (default) or the converting journeys; two facts with the same model over the same parent describe the same journeys.
   */
  emit?: "touchpoints" | "conversions";
}
/**
 * p(convert | n touches) = min(1, base × multiplier_per_touch^(min(n, saturation_at) − 1)).
 */
export interface ConversionProbability {
  /**
   * Conversion probability after one touch.
   */
  base: number;
  /**
   * Factor per additional touch (default 1).
   */
  multiplier_per_touch?: number;
  /**
   * Touch count after which more touches no longer help (default: never).
   */
  saturation_at?: number;
}
/**
 * Extension, on a fact: one row per parent per period (panel data), optionally only for active periods.
 */
export interface Grain {
  /**
   * Period: hour, day, week or month.
   */
  every: "hour" | "day" | "week" | "month";
  /**
   * Probability that a period is active and gets a row. Without it the panel is complete (every period of the lifetime); with it, the probability is scaled by the period column's calendar pattern weights (normalised to mean 1) and by the parent's segment fanout multiplier and vintage activity curves.
   */
  active_probability?: number;
  /**
   * Extension: a datetime/date column of the primary parent from which its periods start. Default: the birth of the parent's lifetime (docs/behaviours/lifetimes.md: its lifetime.from, vintage created_at_column or first datetime column); null: the whole timeframe.
   */
  lifetime_from?: string | null;
  /**
   * Extension: a trend of the period start ({type: exponential|linear|logarithmic, growth_rate per year, origin?, params?}, as the trend modifier) that scales the active probability with the calendar weights.
   */
  trend?: {
    /**
     * Shape of the factor over years t since origin: exponential (1+g)^t (default), linear 1+g·t, logarithmic 1+a·ln(1+b·t).
     */
    type?: "exponential" | "linear" | "logarithmic";
    /**
     * g: growth per year (0.2 = +20% a year).
     */
    growth_rate: number;
    /**
     * Instant where the factor is 1 (default: timeframe.start).
     */
    origin?: string;
    /**
     * Logarithmic shape: a (default growth_rate) and b (default 1).
     */
    params?: {
      /**
       * Scale of the logarithm.
       */
      a?: number;
      /**
       * Rate inside the logarithm.
       */
      b?: number;
    };
  };
  /**
   * Extension: a datetime/date column of the primary parent at which its lifetime ends (e.g. churned_at): the period containing it is the parent's last; a null value runs to the window end. Default: the end of the parent's lifetime (lifetime.to); null: no end.
   */
  lifetime_to?: string | null;
}
/**
 * On a fact with parents: its rows per parent row are the occurrences of a calendar — every N days/weeks from a per-row phase, or fixed days of each month — with jitter and skips (docs/behaviours/schedules.md).
 */
export interface Schedule {
  /**
   * A row every this many days: "day", "week", "2 weeks", "14 days" or a number of days. Not with days_of_month.
   */
  every?: string | number;
  /**
   * With every (a whole number of weeks): the day of the week of every row.
   */
  weekday?: "monday" | "tuesday" | "wednesday" | "thursday" | "friday" | "saturday" | "sunday";
  /**
   * With every: a datetime/date column of the parent whose day sets the row's phase (e.g. a first pay date); default a keyed day of the first period.
   */
  anchor?: string;
  /**
   * Rows on these days of each month: 1–31 (past the month's end: its last day), "last" or −1…−28 counted from the end. Not with every.
   *
   * @minItems 1
   */
  days_of_month?: (number | "last")[];
  /**
   * With days_of_month: a Saturday or Sunday moves to the Friday before (previous: the last business day) or the Monday after (next); default none.
   */
  business_day?: "none" | "previous" | "next";
  /**
   * Time of day of every row, in hours (default 0).
   */
  hour?: number;
  /**
   * Each row moves by a uniform whole number of days in [−jitter_days, jitter_days] (default 0).
   */
  jitter_days?: number;
  /**
   * Share of occurrences without a row (default 0).
   */
  skip_probability?: number;
  /**
   * A datetime/date column of the parent where its rows start (default: its lifetime start, else the window start).
   */
  from?: string;
  /**
   * A datetime/date column of the parent where its rows end (default: its lifetime end, else the window end).
   */
  to?: string;
  /**
   * The fact's datetime/date column that receives the occurrence time (default: its first one).
   */
  time_column?: string;
  /**
   * An int column of the fact that receives the occurrence's index among its parent's rows (0, 1, …).
   */
  index_column?: string;
}
/**
 * Constraints checked by `datagen validate` (may be {} or absent); PK/FK/unique hold by construction.
 */
export interface Constraints {
  /**
   * Columns ("t.c") whose values are unique.
   */
  unique?: string[];
  /**
   * Foreign keys {from: "t.c", to: "t.c"}: every non-null from value exists in to.
   */
  foreign_keys?: ForeignKey[];
  /**
   * Value ranges {attr: "t.c", min?, max?}.
   */
  ranges?: RangeConstraint[];
  /**
   * Row-wise comparisons {left, op, right}; between two timestamps of one row they are enforced at generation.
   */
  inequalities?: InequalityConstraint[];
  /**
   * Regular expressions {attr, regex} that every non-null value must fully match.
   */
  pattern?: PatternConstraint[];
  /**
   * Allowed value sets {attr, values? | enum_ref?}.
   */
  enum?: EnumConstraint[];
}
/**
 * A foreign key {from, to}.
 */
export interface ForeignKey {
  /**
   * Referencing column "t.c".
   */
  from: string;
  /**
   * Referenced column "t.c".
   */
  to: string;
}
/**
 * A value range {attr, min?, max?}.
 */
export interface RangeConstraint {
  /**
   * Constrained column "t.c".
   */
  attr: string;
  /**
   * Smallest allowed value (number, or ISO instant for timestamps).
   */
  min?: number | string;
  /**
   * Largest allowed value (number, or ISO instant for timestamps).
   */
  max?: number | string;
}
/**
 * A row-wise comparison {left, op, right}.
 */
export interface InequalityConstraint {
  /**
   * Left column "t.c".
   */
  left: string;
  /**
   * Comparison operator.
   */
  op: "<" | "<=" | ">" | ">=" | "==" | "!=";
  /**
   * Right column "t.c" (same table).
   */
  right: string;
}
/**
 * A full-match regular expression {attr, regex}.
 */
export interface PatternConstraint {
  /**
   * Constrained column "t.c".
   */
  attr: string;
  /**
   * Regular expression (full match).
   */
  regex: string;
}
/**
 * An allowed value set {attr, values | enum_ref}.
 */
export interface EnumConstraint {
  /**
   * Constrained column "t.c".
   */
  attr: string;
  /**
   * The allowed values.
   */
  values?: Scalar[];
  /**
   * A column "t.c" (usually of a vocab) holding the allowed values.
   */
  enum_ref?: string;
}
/**
 * Share of a table's rows whose timestamp falls on Saturday/Sunday lies in [min, max].
 */
export interface WeekendShareTarget {
  /**
   * Table (node id).
   */
  table: string;
  /**
   * Datetime column of that table.
   */
  timestamp: string;
  /**
   * Lowest acceptable weekend share.
   */
  min: number;
  /**
   * Highest acceptable weekend share.
   */
  max: number;
}
/**
 * The mean of a column lies in [min, max].
 */
export interface MeanInRangeTarget {
  /**
   * Table (node id).
   */
  table: string;
  /**
   * Numeric column of that table.
   */
  column: string;
  /**
   * Lowest acceptable mean.
   */
  min: number;
  /**
   * Highest acceptable mean.
   */
  max: number;
}
/**
 * A metric follows the product of its configured influences within a tolerance.
 */
export interface CompositeEffectTarget {
  /**
   * Table (node id).
   */
  table: string;
  /**
   * What is measured, e.g. occurrence_rate (row counts) or a column name.
   */
  metric: string;
  /**
   * The influences whose combined effect is expected.
   */
  influences: Influence[];
  tolerance: Tolerance;
}
/**
 * One expected influence on a composite_effect metric.
 */
export interface Influence {
  /**
   * Kind of influence.
   */
  kind: "seasonality" | "trend" | "effect" | "outliers" | "anomaly" | "segment" | "vintage";
  dimension?: TimeDimension;
  /**
   * seasonality: weights per bucket.
   *
   * @minItems 1
   */
  weights?: number[];
  /**
   * effect: the effect table.
   */
  table?: string;
  /**
   * effect: join keys {local column: effect column}.
   */
  on?: {
    [k: string]: string | undefined;
  };
  /**
   * effect: the effect table's multiplier column.
   */
  field?: string;
  /**
   * effect: value used where no effect row matches.
   */
  default?: number;
  /**
   * effect: mul or add.
   */
  op?: "mul" | "add";
  /**
   * outliers: share of affected rows.
   */
  rate?: number;
  /**
   * outliers: spike or drop.
   */
  mode?: "spike" | "drop";
  /**
   * trend: exponential, linear or logarithmic.
   */
  type?: "exponential" | "linear" | "logarithmic";
  /**
   * trend: growth per year.
   */
  growth_rate?: number;
  /**
   * Datetime column the influence is keyed on.
   */
  time_reference?: string;
  /**
   * Column the influence applies to (default: the metric).
   */
  column?: string;
}
/**
 * Allowed deviation {mae, mape} (mape as a fraction).
 */
export interface Tolerance {
  /**
   * Largest acceptable mean absolute error.
   */
  mae?: number;
  /**
   * Largest acceptable mean absolute percentage error, as a fraction (0.2 = 20%).
   */
  mape?: number;
}
/**
 * Extension: an anomaly scenario compiled onto its target column; every value it changes is labelled in _labels (docs/anomalies.md).
 */
export interface Scenario {
  /**
   * Scenario id; unique; written to _labels.scenario.
   */
  id: string;
  /**
   * Anomaly family: spike, drop, level_shift, cost_spike, volume_spike, rate_drop, rate_spike, funnel_break, mix_shift, data_quality, cap_violation. The seed tool's names (rate_drop_from_median, absolute_spike_in_event_count, hourly_traffic_mix_shift, instrumentation_data_quality_issue, ...) are accepted as aliases.
   */
  type: string;
  /**
   * The numeric column that is changed, "table.column"; for scenarios that add rows (cap_violation, data_quality with mode duplicate) the table, written "table" or "table.column".
   */
  target: string;
  selection?: ScenarioSelection;
  window?: ScenarioWindow;
  params?: ScenarioParams;
  /**
   * Seed of the scenario's own draws (selection); default the run's seed.
   */
  seed?: number;
  /**
   * How hard the anomaly is to detect: easy ×1.5, medium ×1 (default), hard ×0.6 of the magnitude's deviation from no change.
   */
  difficulty?: "easy" | "medium" | "hard";
  /**
   * Text of each label's description; {placeholders}: id, type, table, column, row, entity, start, end, expected, observed, delta, magnitude, severity, difficulty and the params.
   */
  description_template?: string;
}
/**
 * Which entities or rows are affected: {random_k: k}, {share: f} or {where: "expression"} (or the long form {strategy, k | fraction | where}); default all.
 */
export interface ScenarioSelection {
  /**
   * Exactly k entities (rows of the primary parent; for a parentless table, k rows inside the window).
   */
  random_k?: number;
  /**
   * Each entity (or row) independently with this probability.
   */
  share?: number;
  /**
   * An expression over the target row's columns; rows where it is true.
   */
  where?: string;
  /**
   * Long form: all, random_k, share (alias random_fraction) or where.
   */
  strategy?: "all" | "random_k" | "share" | "random_fraction" | "where";
  /**
   * Long form of random_k.
   */
  k?: number;
  /**
   * Long form of share.
   */
  fraction?: number;
  /**
   * The entity table: the target's primary parent (default) or the target table itself.
   */
  table?: string;
  /**
   * With random_k or share: select values of this column of the target row instead (k distinct values, or each value with probability share), e.g. an account id two levels up; labels name the value as entity_key.
   */
  key?: string;
}
/**
 * When the anomaly is active, [start, end): a date-only end includes that day; default the whole timeframe (a level_shift without end runs to the timeframe's end).
 */
export interface ScenarioWindow {
  /**
   * First instant of the anomaly.
   */
  start: string;
  /**
   * End of the anomaly (a date includes that whole day; a date-time is the first instant after it).
   */
  end?: string;
  duration?: Duration;
}
/**
 * Type-specific parameters (multiplier, denominator, k, factor, shift, boost_hours, reduce_hours, mode, excess, share, cap, exceed_by, period, time_reference); unknown names are errors.
 */
export interface ScenarioParams {
  [k: string]: unknown | undefined;
}
/**
 * Extension: a campaign of anomalies drawn at compile time from keyed draws (its seed) into concrete scenarios — dates, durations, targets, families, magnitudes, difficulty and the seed of their entity draws; `datagen compile` prints the expansion and the plan holds it (docs/anomalies.md#campaigns).
 */
export interface AnomalyCampaign {
  /**
   * Campaign id; its events are the scenarios <id>_01, <id>_02, … (written to _labels.scenario and _label_events).
   */
  id: string;
  /**
   * Anomaly families drawn from (scenario types: spike, drop, level_shift, cost_spike, volume_spike, rate_drop, rate_spike, funnel_break, mix_shift, data_quality, or their aliases), or "mixed": spike, drop and level_shift on any numeric column, plus rate_drop, rate_spike and funnel_break on a funnel step (a binomial of a count column). Each event draws one family among those its target supports.
   *
   * @minItems 1
   */
  families: string[];
  /**
   * Numeric columns "table.column" the events change; each event draws one.
   *
   * @minItems 1
   */
  targets: string[];
  /**
   * Number of events (1 to 1000); or give density.
   */
  count?: number;
  /**
   * Events per day (table_day) or week (table_week) of the window, per target table; rounded, at least 1.
   */
  density?: {
    /**
     * table_day (default) or table_week.
     */
    per?: "table_day" | "table_week";
    /**
     * Events per period and target table.
     */
    rate: number;
  };
  /**
   * Where events may lie, [start, end) (a date-only end includes that day); default the timeframe.
   */
  window?: {
    /**
     * An ISO-8601 date or date-time (trailing Z or offset allowed).
     */
    start?: string;
    /**
     * An ISO-8601 date or date-time (trailing Z or offset allowed).
     */
    end?: string;
  };
  /**
   * Length of each event: a duration (default "1d") or a range {min, max} drawn in whole days (whole hours when a bound is not whole days). Events start on a day (hour) boundary.
   */
  duration?:
    | Duration
    | {
        min: Duration;
        max: Duration;
      };
  min_gap?: Duration;
  /**
   * Weights of the difficulty drawn per event (default all medium), e.g. {easy: 0.3, medium: 0.5, hard: 0.2}; difficulty scales the drawn magnitude's deviation as for scenarios (easy ×1.5, hard ×0.6).
   */
  difficulty?: {
    easy?: number;
    medium?: number;
    hard?: number;
  };
  /**
   * Entities per event (random_k on the target's primary parent); default 1 on a table with a primary parent, else every row in the window. Shorthand for selection {random_k: n}.
   */
  entities?: number;
  selection?: ScenarioSelection;
  /**
   * Seed of the campaign's draws; default the run's seed.
   */
  seed?: number;
  /**
   * Description of the events' labels (as a scenario's description_template).
   */
  description_template?: string;
}
/**
 * A named overlay: a JSON Merge Patch (RFC 7396) over the spec (objects merge, null removes, arrays are replaced), usually over its params.
 */
export interface Preset {
  /**
   * One line that `datagen presets` lists.
   */
  description?: string;
  /**
   * New values of declared parameters.
   */
  params?: {
    [k: string]: unknown | undefined;
  };
  /**
   * Replaces version.
   */
  version?: string;
  /**
   * Merged into metadata.
   */
  metadata?: {};
  /**
   * Merged into timeframe.
   */
  timeframe?: {};
  /**
   * Replaces the nodes (a merge patch replaces arrays whole: prefer params).
   */
  nodes?: unknown[];
  /**
   * Merged into constraints.
   */
  constraints?: {};
  /**
   * Merged into targets (null removes them).
   */
  targets?: {} | null;
  /**
   * Replaces dag (null removes it).
   */
  dag?: unknown[] | null;
  /**
   * Replaces seed (null removes it).
   */
  seed?: number | null;
  /**
   * Replaces the scenarios (null removes them).
   */
  scenarios?: unknown[] | null;
  /**
   * Replaces the anomaly campaigns (null removes them).
   */
  anomaly_campaigns?: unknown[] | null;
  /**
   * Merged into anomaly_severity (null removes it).
   */
  anomaly_severity?: {} | null;
}
