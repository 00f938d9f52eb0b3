import type { ModifierKernel } from '../types.ts';

/** value × the factor of the row's state (state_transition_model amount.state_multipliers; 1 when unlisted). */
export const stateValue: ModifierKernel<'state_value'> = (p, data, _col, ctx) => {
  const states = ctx.cols.get(p.column)!.str!;
  const v = data.num!;
  for (let i = 0; i < v.length; i++) {
    const f = states[i] === null ? undefined : p.multipliers[states[i]!];
    if (f !== undefined) v[i] *= f;
  }
  return data;
};
