import { type ColumnContext, error, isNumber, resolveRef } from '../../context.ts';
import { parseInstant } from '../../time.ts';
import type { ColumnType, Scalar } from '../../../ir/types.ts';
import type { GeneratorPlanner } from '../types.ts';

/** Categorical draw with replacement from `choices` (weights / weights_kind) or from another table's column. */
export const choice: GeneratorPlanner<'choice' | 'choice_ref'> = {
  name: 'choice',
  kind: 'choice' as 'choice' | 'choice_ref',
  plan(args, ctx, path) {
    if (args?.choices_ref !== undefined) {
      const ref = resolveRef(ctx, args.choices_ref, `${path}/choices_ref`, 'choices_ref');
      if (ref && ref.table === ctx.node.id) {
        return error(ctx, 'DG_SELF_LOOKUP', `${path}/choices_ref`, `choices_ref names this table ("${ref.table}"): it draws from the rows of another table, which must be generated before this one`, 'list the values in "choices", or draw them from another table');
      }
      return ref && { kind: 'choice_ref', table: ref.table, column: ref.column };
    }
    const choices: unknown = args?.choices;
    if (!Array.isArray(choices) || choices.length === 0) {
      return error(ctx, 'DG_BAD_PARAM', path, 'choice needs a non-empty "choices" list or a "choices_ref"', 'e.g. {"choices": ["a", "b"], "weights": [0.7, 0.3]}');
    }
    const weights = planWeights(args, choices.length, ctx, path);
    if (!weights) return undefined;
    const values = castValues(choices as Scalar[], ctx.type, ctx, `${path}/choices`);
    return values && { kind: 'choice', values, cdf: cumulative(weights) };
  },
};

function planWeights(args: Record<string, unknown>, n: number, ctx: ColumnContext, path: string): number[] | undefined {
  if (args.weights !== undefined) {
    const w = args.weights;
    if (!Array.isArray(w) || !w.every((x) => isNumber(x) && x >= 0)) {
      return error(ctx, 'DG_BAD_WEIGHTS', `${path}/weights`, 'weights must be a list of non-negative numbers', 'one weight per choice; they are normalised');
    }
    if (w.length !== n) {
      return error(ctx, 'DG_WEIGHTS_LENGTH', `${path}/weights`, `${w.length} weights for ${n} choices`, `give exactly ${n} weights, one per choice, in the same order`);
    }
    if (!w.some((x) => x > 0)) return error(ctx, 'DG_BAD_WEIGHTS', `${path}/weights`, `the ${n} weights are all 0`, 'at least one weight must be positive (weights are relative: [1, 1, …] is uniform)');
    return w as number[];
  }
  return weightsKind(args.weights_kind ?? 'uniform', n, ctx, `${path}/weights_kind`);
}

/** `uniform`, `zipf@α` (w_k ∝ k^-α) or `head_tail@{h,α}`: share h on the first ⌈√n⌉ choices, the rest zipf-decaying. */
function weightsKind(kind: unknown, n: number, ctx: ColumnContext, path: string): number[] | undefined {
  const s = String(kind).replace(/\s+/g, '');
  if (s === 'uniform') return new Array(n).fill(1);
  let m = /^zipf@(\d+(?:\.\d+)?)$/.exec(s);
  if (m) return Array.from({ length: n }, (_, k) => Math.pow(k + 1, -Number(m![1])));
  m = /^head_tail@\{(\d*\.?\d+),(\d*\.?\d+)\}$/.exec(s);
  if (m) {
    const h = Number(m[1]);
    const alpha = Number(m[2]);
    if (h <= 0 || h >= 1) return error(ctx, 'DG_OUT_OF_RANGE', path, `head share ${h} must be between 0 and 1`, 'e.g. "head_tail@{0.7,2.0}"');
    const head = Math.min(n, Math.ceil(Math.sqrt(n)));
    const tail = Array.from({ length: n - head }, (_, k) => Math.pow(k + 1, -alpha));
    const tailSum = tail.reduce((a, b) => a + b, 0) || 1;
    const hShare = head === n ? 1 : h;
    return [...new Array(head).fill(hShare / head), ...tail.map((t) => ((1 - hShare) * t) / tailSum)];
  }
  return error(ctx, 'DG_BAD_WEIGHTS_KIND', path, `unknown weights_kind ${JSON.stringify(kind)}`, 'use "uniform", "zipf@1.5" or "head_tail@{0.7,2.0}"');
}

function isJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

/** Cumulative shares of non-negative weights (not all 0). Weights whose sum overflows to Infinity are divided by the largest first. */
export function cumulative(weights: number[]): number[] {
  let total = weights.reduce((a, b) => a + b, 0);
  if (!Number.isFinite(total)) {
    const max = weights.reduce((a, b) => (b > a ? b : a), 0);
    weights = weights.map((w) => w / max);
    total = weights.reduce((a, b) => a + b, 0);
  }
  let acc = 0;
  return weights.map((w) => (acc += w / total));
}

/** Choices cast to the column type at plan time (ISO strings for datetime columns become epoch ms). */
function castValues(values: Scalar[], type: ColumnType, ctx: ColumnContext, path: string): Scalar[] | undefined {
  if (type === 'datetime' || type === 'date') {
    const out = values.map((v) => (v === null || typeof v === 'number' ? v : parseInstant(v)));
    const bad = out.findIndex((v) => v === undefined);
    if (bad >= 0) return error(ctx, 'DG_BAD_DATETIME', `${path}/${bad}`, `${JSON.stringify(values[bad])} is not an ISO-8601 instant`, 'e.g. "2024-01-01T00:00:00Z"');
    return out as Scalar[];
  }
  if (type === 'json') {
    const bad = values.findIndex((v) => typeof v === 'string' && !isJson(v));
    if (bad >= 0) return error(ctx, 'DG_TYPE_MISMATCH', `${path}/${bad}`, `choice ${JSON.stringify(values[bad])} is not JSON text but the column type is "json"`, 'write JSON text (e.g. "\\"a\\"" or "{\\"k\\": 1}"), or use type "string"');
    return values.map((v) => (v === null ? null : typeof v === 'string' ? v : JSON.stringify(v)));
  }
  if (type === 'string') return values.map((v) => (v === null ? null : String(v)));
  if (type === 'bool') {
    const bad = values.findIndex((v) => v !== null && ![true, false, 1, 0].includes(v as never) && !/^(true|false)$/i.test(String(v)));
    if (bad >= 0) return error(ctx, 'DG_TYPE_MISMATCH', `${path}/${bad}`, `choice ${JSON.stringify(values[bad])} is not a boolean but the column type is "bool"`, 'use true/false (or 1/0)');
    return values.map((v) => (v === null ? null : v === true || v === 1 || /^true$/i.test(String(v)) ? 1 : 0));
  }
  const out = values.map((v) => (v === null ? null : typeof v === 'boolean' ? (v ? 1 : 0) : Number(v)));
  const bad = out.findIndex((v) => v !== null && !Number.isFinite(v));
  if (bad >= 0) return error(ctx, 'DG_TYPE_MISMATCH', `${path}/${bad}`, `choice ${JSON.stringify(values[bad])} is not a number but the column type is "${type}"`, 'change the column type to "string" or the choices to numbers');
  return out;
}
