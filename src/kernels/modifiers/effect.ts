import { joinKey } from '../../model/column-data.ts';
import { EffectFunction } from '../../model/effects.ts';
import type { ModifierKernel } from '../types.ts';

/**
 * value (op) field of the matching effect rows: rows whose `on` keys equal the row's and whose window
 * [start_col, end_col] contains the row's timestamp; several matches → their mean; none → default.
 */
export const effect: ModifierKernel<'effect'> = (p, data, _col, ctx) => {
  const e = p.effect;
  const fn = ctx.memo(p, () => new EffectFunction(e, ctx.store, e.on.map((k) => k.remote)));
  const keys = e.on.map((k) => ctx.cols.get(k.local)!);
  const t = e.timeRef ? ctx.cols.get(e.timeRef)!.num! : null;
  const v = data.num!;
  for (let i = 0; i < v.length; i++) {
    const group = joinKey(keys, i);
    const m = fn.at(group, t ? t[i] : 0);
    v[i] = e.op === 'mul' ? v[i] * m : v[i] + m;
  }
  return data;
};
