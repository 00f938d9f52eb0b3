/**
 * Behavioural checks of the behaviour II row kinds: state machines, lifecycles, adoption and attribution.
 * Each check derives its expectation from the compiled plan (see docs/validate.md, "Machines") and skips a
 * table it cannot judge soundly. The checks live in machines-*.ts.
 */
import { activityByState, activityStateZero, gateOrder, stateAt } from './machines-activity.ts';
import type { CheckModule } from '../types.ts';
import { adoptionCurve, adoptionEngagement, adoptionGroups, adoptionOnce } from './machines-adoption.ts';
import { attributionConversion, attributionTouches, attributionTypes } from './machines-attribution-stats.ts';
import { attributionWindow } from './machines-attribution.ts';
import { lifecycleDuration, lifecycleEvents, lifecycleTransitions } from './machines-lifecycle-stats.ts';
import { lifecycleOrder } from './machines-lifecycle.ts';
import { stateSojourn, stateTransitions, stateValid } from './machines-states-checks.ts';

export const MACHINE_CHECKS: { name: string; run: CheckModule }[] = [
  { name: 'state_valid', run: stateValid },
  { name: 'state_transitions', run: stateTransitions },
  { name: 'state_sojourn', run: stateSojourn },
  { name: 'lifecycle_order', run: lifecycleOrder },
  { name: 'lifecycle_transitions', run: lifecycleTransitions },
  { name: 'lifecycle_duration', run: lifecycleDuration },
  { name: 'lifecycle_events', run: lifecycleEvents },
  { name: 'gate_order', run: gateOrder },
  { name: 'state_at', run: stateAt },
  { name: 'activity_state_zero', run: activityStateZero },
  { name: 'activity_by_state', run: activityByState },
  { name: 'adoption_once', run: adoptionOnce },
  { name: 'adoption_curve', run: adoptionCurve },
  { name: 'adoption_engagement', run: adoptionEngagement },
  { name: 'adoption_groups', run: adoptionGroups },
  { name: 'attribution_window', run: attributionWindow },
  { name: 'attribution_conversion', run: attributionConversion },
  { name: 'attribution_touches', run: attributionTouches },
  { name: 'attribution_types', run: attributionTypes },
];
