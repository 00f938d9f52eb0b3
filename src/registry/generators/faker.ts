import { ColumnData } from '../../engine/column-data.ts';
import { FakerColumn, resolveFakerMethod } from '../../engine/faker.ts';
import { FAKER_LIMITS, fakerArgsProblem } from '../../engine/faker/limits.ts';
import { checkLocalColumn, error } from '../../plan/context.ts';
import type { GeneratorEntry } from '../types.ts';

/** Realistic strings from @faker-js/faker, deterministic per (column, row); Python Faker names accepted. */
export const faker: GeneratorEntry<'faker'> = {
  name: 'faker',
  kind: 'faker',
  plan(args, ctx, path) {
    const method = args?.method;
    if (typeof method !== 'string') return error(ctx, 'DG_BAD_PARAM', path, 'faker needs a "method"', 'e.g. {"method": "name"}');
    const r = resolveFakerMethod(method);
    if (!r.ok) {
      const hint = r.suggestions.length ? `did you mean "${r.suggestions[0]}"?` : 'use a Python Faker name (name, email, company, …) or a faker-js path like "person.fullName"';
      return error(ctx, 'DG_UNKNOWN_FAKER_METHOD', `${path}/method`, `unknown faker method "${method}"`, hint);
    }
    let localeFrom: string | null = null;
    if (args.locale_from !== undefined) {
      localeFrom = checkLocalColumn(ctx, args.locale_from, `${path}/locale_from`, 'locale_from') ?? null;
      if (!localeFrom) return undefined;
    }
    const { method: _m, locale: _l, locale_from: _lf, args: nested, ...flat } = args;
    const extra: Record<string, unknown> = { ...flat, ...(nested && typeof nested === 'object' ? nested : {}) };
    const locale = typeof args.locale === 'string' ? args.locale : null;
    const tooBig = fakerArgsProblem(r.canonical, extra);
    if (tooBig) return error(ctx, 'DG_OUT_OF_RANGE', `${path}/${nested && typeof nested === 'object' ? 'args' : 'method'}`, tooBig.startsWith(`${r.canonical}:`) ? tooBig : `${r.canonical}: ${tooBig}`, `faker arguments are bounded (lengths ≤ ${FAKER_LIMITS.length.toLocaleString('en-US')}, counts ≤ ${FAKER_LIMITS.count.toLocaleString('en-US')}; see docs/diagnostics.md)`);
    // Never run a user-supplied call on a document the schema rejected (its arguments were not checked).
    if (ctx.schemaValid === false) return { kind: 'faker', method: r.canonical, locale, localeFrom, args: extra };
    try {
      // One draw at plan time: a faker-js method that needs arguments fails here, not in the middle of a run.
      const probe = new FakerColumn({ method: r.canonical, locale: locale ?? undefined, args: extra }, 0);
      probe.value(0);
    } catch (e) {
      return error(ctx, 'DG_BAD_PARAM', `${path}/method`, `faker method "${method}" cannot be called with these arguments: ${(e as Error).message}`, 'pass what the method needs in "args" (an options object, or "_": [positional arguments])');
    }
    return { kind: 'faker', method: r.canonical, locale, localeFrom, args: extra };
  },
  execute(p, col, ctx) {
    const gen = ctx.memo(p, () => new FakerColumn({ method: p.method, locale: p.locale ?? undefined, args: p.args, refDate: ctx.plan.timeframe.endMs }, col.stream));
    const out: string[] = new Array(ctx.n);
    const locales = p.localeFrom ? (ctx.cols.get(p.localeFrom)!.values() as ArrayLike<string>) : undefined;
    gen.fill(out, ctx.start, ctx.n, locales);
    return ColumnData.strings(out);
  },
};
