/**
 * A categorical count (`fanout: {"distribution": "categorical", "values": [2, 3, 4], "weights": [...]}`): the
 * value whose cumulative probability first exceeds the keyed uniform of slot `slot`, × the behaviour factor m and
 * then stochastically rounded with slot `slot + 1` (exactly the value when m is 1). No min/max: the values are
 * the counts.
 */
import type { FanoutPlan } from '../ir/types.ts';
import { uniform } from './rng.ts';

export function categoricalCount(f: FanoutPlan, key: number, row: number, slot: number, m = 1): number {
  const cdf = f.cdf!;
  const u = uniform(key, row, slot);
  let i = 0;
  while (i < cdf.length - 1 && u >= cdf[i]) i++;
  const v = f.values![i];
  if (m === 1) return v;
  const x = v * m;
  const fl = Math.floor(x);
  return fl + (uniform(key, row, slot + 1) < x - fl ? 1 : 0);
}

/** P(count = k) of a categorical count with factor m, as `categoricalCount` draws it (k → probability). */
export function categoricalMass(f: FanoutPlan, m = 1): Map<number, number> {
  const out = new Map<number, number>();
  const add = (k: number, p: number) => {
    if (p > 0) out.set(k, (out.get(k) ?? 0) + p);
  };
  f.values!.forEach((v, i) => {
    const p = f.cdf![i] - (i ? f.cdf![i - 1] : 0);
    const x = v * m;
    const fl = Math.floor(x);
    add(fl, p * (1 - (x - fl)));
    add(fl + 1, p * (x - fl));
  });
  return out;
}
