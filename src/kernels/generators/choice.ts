import { ColumnData } from '../../model/column-data.ts';
import { uniform } from '../../model/rng.ts';
import { pickIndex } from '../../model/weighted-pick.ts';
import type { ChunkContext } from '../../engine/chunk.ts';
import type { ColumnPlan } from '../../ir/types.ts';
import type { Gen } from '../types.ts';

/** Categorical draw with replacement from `choices` (weights / weights_kind) or from another table's column (`choice_ref`). */
export function choice(p: Gen<'choice'> | Gen<'choice_ref'>, col: ColumnPlan, ctx: ChunkContext): ColumnData {
  if (p.kind === 'choice_ref') {
    const source = ctx.store.column(p.table, p.column);
    const rows = ctx.store.table(p.table).rows;
    const picked = new Float64Array(ctx.n);
    for (let i = 0; i < ctx.n; i++) picked[i] = Math.floor(uniform(col.stream, ctx.start + i, 0) * rows);
    return source.gather(picked);
  }
  const numeric = p.values.every((v) => typeof v !== 'string');
  if (!numeric) {
    // Strings as codes into the list (the sink writes ENUM codes from them; reading `str` spells them out).
    const dict = ctx.memo(p.values, () => p.values.map((v) => (v === null ? null : String(v))));
    const codes = dict.length <= 256 ? new Uint8Array(ctx.n) : dict.length <= 65536 ? new Uint16Array(ctx.n) : new Uint32Array(ctx.n);
    for (let i = 0; i < ctx.n; i++) codes[i] = pickIndex(p.cdf, uniform(col.stream, ctx.start + i, 0));
    return ColumnData.coded(codes, dict);
  }
  const num = new Float64Array(ctx.n);
  for (let i = 0; i < ctx.n; i++) {
    const v = p.values[pickIndex(p.cdf, uniform(col.stream, ctx.start + i, 0))];
    num[i] = v === null ? NaN : Number(v);
  }
  return ColumnData.numbers(num);
}
