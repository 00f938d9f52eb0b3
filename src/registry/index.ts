import { choice } from './generators/choice.ts';
import { datetimeSeries } from './generators/datetime-series.ts';
import { distribution } from './generators/distribution.ts';
import { enumList } from './generators/enum-list.ts';
import { expression } from './generators/expression.ts';
import { faker } from './generators/faker.ts';
import { lookup } from './generators/lookup.ts';
import { sequence } from './generators/sequence.ts';
import { notBefore } from './behaviours/not-before.ts';
import { lifecycle } from './behaviours/lifecycle.ts';
import { period } from './behaviours/period.ts';
import { adoption } from './behaviours/adoption.ts';
import { attribution } from './behaviours/attribution.ts';
import { segmentValue } from './behaviours/segment-value.ts';
import { state } from './behaviours/state.ts';
import { stateValue } from './behaviours/state-value.ts';
import { stage } from './behaviours/stage.ts';
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
import type { GeneratorEntry, GenKind, ModifierEntry, ModKind } from './types.ts';

/** DSL generator name → entry. */
export const GENERATORS: ReadonlyMap<string, GeneratorEntry<any>> = new Map(
  [sequence, choice, distribution, datetimeSeries, faker, lookup, expression, enumList].map((g) => [g.name, g]),
);

/** DSL modifier (`transform`) name → entry. */
export const MODIFIERS: ReadonlyMap<string, ModifierEntry<any>> = new Map(
  [multiply, add, clamp, jitter, timeJitter, mapValues, seasonality, trend, effect, outliers, anomaly].map((m) => [m.name, m]),
);

/** Modifiers that the language defines but this version does not execute yet (reported, never ignored silently). */
export const PLANNED_MODIFIERS: string[] = [];

const byGenKind = new Map<string, GeneratorEntry<any>>([...GENERATORS.values()].map((g) => [g.kind, g]));
byGenKind.set('choice_ref', choice);
// Behaviour programs: planned from behaviour blocks (src/plan/behaviours.ts), never named in a spec.
byGenKind.set('stage', stage);
byGenKind.set('period', period);
byGenKind.set('state', state);
byGenKind.set('adoption', adoption);
byGenKind.set('attribution', attribution);
byGenKind.set('lifecycle', lifecycle);
const byModKind = new Map<string, ModifierEntry<any>>([...MODIFIERS.values(), segmentValue, vintageValue, notBefore, stateValue].map((m) => [m.kind, m]));

export function generatorFor(kind: GenKind): GeneratorEntry<any> {
  return byGenKind.get(kind)!;
}

export function modifierFor(kind: ModKind): ModifierEntry<any> {
  return byModKind.get(kind)!;
}
