import { ColumnData } from '../../model/column-data.ts';
import { FakerColumn, type RefSource } from '../../model/faker.ts';
import { readAs, TEXT_TYPES } from '../../plan/programs/generators/faker.ts';
import type { GeneratorKernel } from '../types.ts';

/** How a referenced column's stored value reaches faker: text, a number, a boolean or a Date (null → undefined). */
function refSource(data: ColumnData, type: string): RefSource {
  const num = data.num;
  if (num) {
    if (type === 'bool') return (i) => (num[i] === num[i] ? num[i] !== 0 : undefined);
    if (type === 'datetime' || type === 'date') return (i) => (Number.isFinite(num[i]) ? new Date(num[i]) : undefined);
    if (TEXT_TYPES.has(type)) return (i) => (num[i] === num[i] ? String(num[i]) : undefined);
    return (i) => (num[i] === num[i] ? num[i] : undefined);
  }
  const str = data.str!;
  return (i) => str[i] ?? undefined;
}

/** Realistic strings from @faker-js/faker, deterministic per (column, row); Python Faker names accepted. */
export const faker: GeneratorKernel<'faker'> = (p, col, ctx) => {
  const gen = ctx.memo(p, () => new FakerColumn({ method: p.method, locale: p.locale ?? undefined, args: p.args, refs: p.refs, refDate: ctx.plan.timeframe.endMs }, col.stream));
  const out: string[] = new Array(ctx.n);
  const locales = p.localeFrom ? (ctx.cols.get(p.localeFrom)!.values() as ArrayLike<string>) : undefined;
  const sources = p.refs?.map((r) => refSource(ctx.cols.get(r.column)!, r.type));
  gen.fill(out, ctx.start, ctx.n, locales, sources);
  if (TEXT_TYPES.has(col.type)) return ColumnData.strings(out);
  const num = new Float64Array(ctx.n);
  for (let i = 0; i < ctx.n; i++) num[i] = out[i] == null ? NaN : readAs(out[i], col.type);
  return ColumnData.numbers(num);
};
