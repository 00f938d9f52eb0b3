import { FakerColumn, resolveFakerMethod } from '../../../model/faker.ts';
import { FAKER_LIMITS, fakerArgsProblem } from '../../../model/faker-limits.ts';
import { didYouMean } from '../../../diagnostics/suggest.ts';
import { checkLocalColumn, columnNames, error, findColumn } from '../../context.ts';
import { parseInstant } from '../../time.ts';
import type { FakerArgRef } from '../../../ir/types.ts';
import type { GeneratorPlanner } from '../types.ts';

/** Rows drawn at plan time to check that a method can be called and that its values fit the column type. */
const PROBE_ROWS = 8;

/**
 * Faker's text `v` as a value of a non-text column type (NaN when it does not read as one): numbers for
 * int/float/decimal, 1/0 for bool, epoch ms for datetime/date — what the other generators hand those
 * columns, so modifiers and behaviours see numbers.
 */
export function readAs(v: string, type: string): number {
  const t = v.trim();
  switch (type) {
    case 'int':
    case 'float':
    case 'decimal':
      return t === '' ? NaN : Number(t);
    case 'bool':
      return /^(true|t|yes|y|1)$/i.test(t) ? 1 : /^(false|f|no|n|0)$/i.test(t) ? 0 : NaN;
    case 'datetime':
    case 'date':
      return parseInstant(t) ?? NaN;
    default:
      return NaN;
  }
}

export const TEXT_TYPES: ReadonlySet<string> = new Set(['string', 'json']);

/** Whether faker's text `v` can fill a column of `type`. */
function readsAs(v: string, type: string): boolean {
  return TEXT_TYPES.has(type) || Number.isFinite(readAs(v, type));
}

/** `"$col"`: an argument read from column `col` of the row; `"$$…"` is the literal text `"$…"`. */
const REF = /^\$([A-Za-z_][A-Za-z0-9_]*)$/;
const BAD = Symbol('bad reference');

/** A stand-in for a referenced column's value in the plan-time probe, by the column's type. */
function sampleOf(type: string): unknown {
  switch (type) {
    case 'int':
    case 'float':
    case 'decimal':
      return 1;
    case 'bool':
      return true;
    case 'datetime':
    case 'date':
      return new Date(Date.UTC(2025, 0, 1));
    default:
      return 'Sample';
  }
}

/** Realistic strings from @faker-js/faker, deterministic per (column, row); Python Faker names accepted. */
export const faker: GeneratorPlanner<'faker'> = {
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
    // Arguments that read a column of the row ("$first_name"): checked here, resolved per row at run.
    const refs: FakerArgRef[] = [];
    const probeArgs: Record<string, unknown> = { ...extra };
    const argPath = (k: string) => (nested && typeof nested === 'object' && k in nested ? `${path}/args/${k}` : `${path}/${k}`);
    const readRef = (v: unknown, key: string, index: number | null, at: string): unknown => {
      if (typeof v !== 'string' || !v.startsWith('$')) return v;
      if (v.startsWith('$$')) return v.slice(1);
      const m = REF.exec(v);
      const col = m ? findColumn(ctx.node, m[1]) : undefined;
      if (!m || !col) {
        const near = m ? didYouMean(m[1], columnNames(ctx.node)) : `column names are letters, digits and _ (e.g. "$first_name")`;
        error(ctx, 'DG_UNKNOWN_COLUMN', at, m ? `faker argument ${JSON.stringify(key)} reads column "${m[1]}" of the row ("${v}"), which table "${ctx.node.id}" does not have` : `faker argument ${JSON.stringify(key)} is ${JSON.stringify(v)}, which is not a column reference`, `${near}; "$<column>" reads that column of the row, "$$…" is literal text starting with $`);
        return BAD;
      }
      if (m[1] === ctx.column.name) {
        error(ctx, 'DG_SELF_REFERENCE', at, `faker argument ${JSON.stringify(key)} reads "${v}", the column itself`, 'a column cannot read itself: read another column of the row (e.g. "$first_name")');
        return BAD;
      }
      const type = typeof col.type === 'string' ? col.type : 'string';
      refs.push({ key, index, column: m[1], type });
      return sampleOf(type);
    };
    let badRef = false;
    const unescaped = (v: unknown) => (typeof v === 'string' && v.startsWith('$$') ? v.slice(1) : v);
    for (const [k, v] of Object.entries(extra)) {
      if (k === '_' && Array.isArray(v)) {
        probeArgs._ = v.map((x, j) => readRef(x, '_', j, `${argPath('_')}/${j}`));
        extra._ = v.map(unescaped);
      } else {
        probeArgs[k] = readRef(v, k, null, argPath(k));
        extra[k] = unescaped(v);
      }
      badRef ||= probeArgs[k] === BAD || (Array.isArray(probeArgs[k]) && (probeArgs[k] as unknown[]).includes(BAD));
    }
    if (badRef) return undefined;
    const refsOf = refs.length ? { refs } : {};
    const tooBig = fakerArgsProblem(r.canonical, probeArgs);
    if (tooBig) return error(ctx, 'DG_OUT_OF_RANGE', `${path}/${nested && typeof nested === 'object' ? 'args' : 'method'}`, tooBig.startsWith(`${r.canonical}:`) ? tooBig : `${r.canonical}: ${tooBig}`, `faker arguments are bounded (lengths ≤ ${FAKER_LIMITS.length.toLocaleString('en-US')}, counts ≤ ${FAKER_LIMITS.count.toLocaleString('en-US')}; see docs/diagnostics.md)`);
    // Never run a user-supplied call on a document the schema rejected (its arguments were not checked).
    if (ctx.schemaValid === false) return { kind: 'faker', method: r.canonical, locale, localeFrom, args: extra, ...refsOf };
    let samples: string[];
    try {
      // A few draws at plan time: a faker-js method that needs arguments fails here, not in the middle of a run.
      const probe = new FakerColumn({ method: r.canonical, locale: locale ?? undefined, args: probeArgs, probe: true }, 0);
      samples = Array.from({ length: PROBE_ROWS }, (_, i) => probe.value(i));
    } catch (e) {
      const reason = (e as Error).message.replace(/^faker method "[^"]*" failed \(locale [^)]*\): /, '');
      const given = Object.keys(extra).length ? `with args ${JSON.stringify(extra).slice(0, 120)}` : 'without arguments';
      return error(ctx, 'DG_BAD_PARAM', `${path}/method`, `faker method "${method}" cannot be called ${given}: ${reason}`, 'pass what the method needs in "args" (an options object, or "_": [positional arguments]); see the faker-js documentation of the method');
    }
    // Faker yields text: a column of another type reads it as that type when it is written, and a value
    // that does not read (a name in an int column) would become NULL.
    const misfit = samples.find((v) => !readsAs(v, ctx.type));
    if (misfit !== undefined) {
      return error(ctx, 'DG_TYPE_MISMATCH', `${path}/method`, `faker method "${method}" yields text such as ${JSON.stringify(misfit.slice(0, 40))}, which is not ${/^[aeiou]/.test(ctx.type) ? 'an' : 'a'} ${ctx.type} value: every such value would be NULL`, `make the column type "string", or use a method that yields ${ctx.type === 'bool' ? 'true/false' : ctx.type === 'datetime' || ctx.type === 'date' ? 'ISO-8601 dates' : 'numbers'} (e.g. random_int for int)`);
    }
    return { kind: 'faker', method: r.canonical, locale, localeFrom, args: extra, ...refsOf };
  },
};
