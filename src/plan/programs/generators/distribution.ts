import { normalizeDist } from '../../../model/distributions.ts';
import { type ColumnContext, error, findColumn, isNumber } from '../../context.ts';
import { didYouMean } from '../../../diagnostics/suggest.ts';
import type { GeneratorPlanner } from '../types.ts';
import type { RowParam } from '../../../ir/types.ts';
import { expression } from './expression.ts';
import { dirichlet } from './dirichlet.ts';

/** Diagnostic code of each kind of distribution-parameter problem. */
export const PROBLEM_CODES = { unknown: 'DG_UNKNOWN_PARAM', missing: 'DG_MISSING_PARAM', type: 'DG_BAD_PARAM', conflict: 'DG_BAD_PARAM', range: 'DG_OUT_OF_RANGE' } as const;

/** Draw from a named distribution (inverse CDF / exact samplers on keyed uniforms), then clamp. */
export const distribution: GeneratorPlanner<'distribution' | 'dirichlet'> = {
  name: 'distribution',
  kind: 'distribution' as 'distribution' | 'dirichlet',
  plan(args, ctx, path) {
    // The v1 spelling of a Dirichlet column: its params are the dirichlet generator's arguments.
    if (args?.type === 'dirichlet') {
      return dirichlet.plan(args.params ?? {}, ctx, `${path}/params`);
    }
    const d = planDist(args, ctx, path);
    return d && { kind: 'distribution', ...d };
  },
};

/** Shared by the generator and by `outliers.magnitude_dist`: {type, params, clamp}; `rowParams` allows expression parameters. */
export function planDist(args: any, ctx: ColumnContext, path: string, rowParams = true): { dist: string; params: Record<string, number | string>; clamp: [number | null, number | null]; exprs?: Record<string, RowParam> } | undefined {
  if (typeof args?.type !== 'string') return error(ctx, 'DG_BAD_PARAM', path, 'distribution needs a "type"', 'e.g. {"type": "normal", "params": {"mean": 0, "std": 1}}');
  if (args.type === 'dirichlet') return error(ctx, 'DG_NOT_SUPPORTED', `${path}/type`, 'dirichlet draws a vector; list columns are not supported yet', 'draw each component with a gamma distribution and normalise them with expressions');
  const norm = normalizeDist(args.type, args.params ?? {});
  if ('unknownType' in norm) {
    return error(ctx, 'DG_UNKNOWN_DISTRIBUTION', `${path}/type`, `unknown distribution "${args.type}"`, norm.suggestions.length ? `did you mean "${norm.suggestions[0]}"?` : didYouMean(args.type, []));
  }
  for (const prob of norm.problems) {
    const m = prob.message;
    const code = PROBLEM_CODES[prob.kind];
    const message = m.includes(norm.type) ? m : `${norm.type}: ${m}`;
    ctx.diags.push({ code, severity: 'error', path: prob.param ? `${path}/params/${prob.param}` : `${path}/params`, message, hint: prob.hint });
  }
  if (norm.problems.length) return undefined;
  const exprs: Record<string, RowParam> = {};
  for (const [name, v] of Object.entries(norm.params)) {
    if (typeof v !== 'string') continue;
    if (!rowParams) return error(ctx, 'DG_BAD_PARAM', `${path}/params/${name}`, `"${name}" must be a number here (no row to read columns from)`, 'give a number');
    const e = planRowParam(v, `${norm.type} ${name}`, ctx, `${path}/params/${name}`);
    if (!e) return undefined;
    exprs[name] = e;
  }
  const clamp = planClamp(args.clamp, ctx, `${path}/clamp`);
  return clamp && { dist: norm.type, params: norm.params, clamp, ...(Object.keys(exprs).length ? { exprs } : {}) };
}

/** A per-row parameter: a bare name must be a numeric column of the row; anything else is an expression. */
function planRowParam(code: string, name: string, ctx: ColumnContext, path: string): RowParam | undefined {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(code.trim())) {
    const c = findColumn(ctx.node, code.trim());
    if (!c || code.trim() === ctx.column.name) return error(ctx, 'DG_UNKNOWN_COLUMN', path, `${name} names column "${code}", which this table does not have`, `${name.split(' ')[1]} is a number, the name of an earlier numeric column or an expression over the row`);
    if (c.type !== 'int' && c.type !== 'float' && c.type !== 'decimal') return error(ctx, 'DG_TYPE_MISMATCH', path, `${name} names column "${code}" of type ${typeof c.type === 'string' ? c.type : JSON.stringify(c.type) ?? '(missing)'}; it must be numeric`, 'name an int or float column');
    return { code: code.trim(), refs: [{ table: null, column: code.trim() }] };
  }
  // Reuse the expression generator's checks; its diagnostics point at …/code, re-pointed here.
  const before = ctx.diags.length;
  const e = expression.plan({ code }, ctx, path);
  for (const d of ctx.diags.slice(before)) if (d.path === `${path}/code`) d.path = path;
  if (e?.rand) return error(ctx, 'DG_BAD_EXPRESSION', path, `${name} calls a random function (rand, bernoulli, normal); a distribution parameter cannot draw`, 'compute the draw in a column of its own ("hidden": true keeps it out of the output) and name that column here');
  return e && { code: e.code, refs: e.refs };
}

function planClamp(c: unknown, ctx: ColumnContext, path: string): [number | null, number | null] | undefined {
  if (c === undefined || c === null) return [null, null];
  if (!Array.isArray(c) || c.length !== 2 || !c.every((x) => x === null || isNumber(x))) {
    return error(ctx, 'DG_BAD_PARAM', path, 'clamp must be [min, max] (either may be null)', 'e.g. [0, 100]');
  }
  if (c[0] !== null && c[1] !== null && c[0] > c[1]) return error(ctx, 'DG_OUT_OF_RANGE', path, `clamp min ${c[0]} is above max ${c[1]}`, 'swap the bounds');
  return [c[0], c[1]];
}
