import { choice } from './generators/choice.ts';
import { datetimeSeries } from './generators/datetime-series.ts';
import { distribution } from './generators/distribution.ts';
import { empirical } from './generators/empirical.ts';
import { enumList } from './generators/enum-list.ts';
import { expression } from './generators/expression.ts';
import { faker } from './generators/faker.ts';
import { dirichlet } from './generators/dirichlet.ts';
import { sample } from './generators/sample.ts';
import { allocate } from './generators/allocate.ts';
import { vector } from './generators/vector.ts';
import { lookup } from './generators/lookup.ts';
import { sequence } from './generators/sequence.ts';
import { add } from './modifiers/add.ts';
import { anomaly } from './modifiers/anomaly.ts';
import { clamp } from './modifiers/clamp.ts';
import { effect } from './modifiers/effect.ts';
import { jitter } from './modifiers/jitter.ts';
import { mapValues } from './modifiers/map-values.ts';
import { multiply } from './modifiers/multiply.ts';
import { outliers } from './modifiers/outliers.ts';
import { seasonality } from './modifiers/seasonality.ts';
import { timeJitter } from './modifiers/time-jitter.ts';
import { trend } from './modifiers/trend.ts';
import type { GeneratorPlanner, ModifierPlanner } from './types.ts';

/** DSL generator name → planner. */
export const GENERATORS: ReadonlyMap<string, GeneratorPlanner<any>> = new Map(
  [sequence, choice, distribution, empirical, datetimeSeries, faker, lookup, expression, enumList, dirichlet, vector, sample, allocate].map((g) => [g.name, g]),
);

/** DSL modifier (`transform`) name → planner. */
export const MODIFIERS: ReadonlyMap<string, ModifierPlanner<any>> = new Map(
  [multiply, add, clamp, jitter, timeJitter, mapValues, seasonality, trend, effect, outliers, anomaly].map((m) => [m.name, m]),
);

/** Modifiers that the language defines but this version does not execute yet (reported, never ignored silently). */
export const PLANNED_MODIFIERS: string[] = [];
