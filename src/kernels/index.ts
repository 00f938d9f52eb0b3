import { choice } from './generators/choice.ts';
import { dirichlet } from './generators/dirichlet.ts';
import { sample } from './generators/sample.ts';
import { vector } from './generators/vector.ts';
import { datetimeSeries } from './generators/datetime-series.ts';
import { distribution } from './generators/distribution.ts';
import { empirical } from './generators/empirical.ts';
import { enumList } from './generators/enum-list.ts';
import { expression } from './generators/expression.ts';
import { faker } from './generators/faker.ts';
import { lookup } from './generators/lookup.ts';
import { sequence } from './generators/sequence.ts';
import { adoption } from './behaviours/adoption.ts';
import { attribution } from './behaviours/attribution.ts';
import { lifecycle } from './behaviours/lifecycle.ts';
import { notBefore } from './behaviours/not-before.ts';
import { period } from './behaviours/period.ts';
import { schedule } from './behaviours/schedule.ts';
import { allocate } from './generators/allocate.ts';
import { segmentValue } from './behaviours/segment-value.ts';
import { stage } from './behaviours/stage.ts';
import { state } from './behaviours/state.ts';
import { stateValue } from './behaviours/state-value.ts';
import { vintageValue } from './behaviours/vintage-value.ts';
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
import type { GeneratorKernel, GenKind, ModifierKernel, ModKind } from './types.ts';

/**
 * Program kind → the function that fills a chunk. Every generator kind has one: the DSL generators, `choice_ref`
 * (a choice drawn from another table's column) and the behaviour programs, which the planner gives to the
 * columns of behaviour tables (src/plan/behaviours.ts) and no spec names.
 */
const GENERATOR_KERNELS: { [K in GenKind]: GeneratorKernel<K> } = {
  sequence,
  choice,
  choice_ref: choice,
  distribution,
  empirical,
  datetime: datetimeSeries,
  faker,
  lookup,
  expression,
  enum_list: enumList,
  dirichlet,
  vector,
  sample,
  stage,
  period,
  schedule,
  allocate,
  state,
  lifecycle,
  adoption,
  attribution,
};

/** Modifier kind → kernel: the DSL modifiers and the behaviours' value modifiers. Scenarios run on their own (src/scenarios). */
const MODIFIER_KERNELS: { [K in Exclude<ModKind, 'scenario'>]: ModifierKernel<K> } = {
  multiply,
  add,
  clamp,
  jitter,
  time_jitter: timeJitter,
  map_values: mapValues,
  seasonality,
  trend,
  effect,
  outliers,
  anomaly,
  segment_value: segmentValue,
  vintage_value: vintageValue,
  not_before: notBefore,
  state_value: stateValue,
};

export function generatorKernel<K extends GenKind>(kind: K): GeneratorKernel<K> {
  return GENERATOR_KERNELS[kind] as GeneratorKernel<K>;
}

export function modifierKernel<K extends Exclude<ModKind, 'scenario'>>(kind: K): ModifierKernel<K> {
  return MODIFIER_KERNELS[kind] as ModifierKernel<K>;
}
