import { error, isNumber } from '../../context.ts';
import type { GeneratorPlanner } from '../types.ts';

/** Most points an empirical distribution may have (the schema's bound, checked here for specs built in code). */
const MAX_POINTS = 10_000;

/**
 * A draw from an empirical distribution given by quantiles (what `datagen infer` writes when no family fits): the
 * quantile function is linear between (probs[i], quantiles[i]); probs default to evenly spaced from 0 to 1; two
 * equal probabilities make a jump (a gap: no value between their quantiles).
 */
export const empirical: GeneratorPlanner<'empirical'> = {
  name: 'empirical',
  kind: 'empirical',
  plan(args, ctx, path) {
    if (ctx.type !== 'int' && ctx.type !== 'float' && ctx.type !== 'decimal') {
      return error(ctx, 'DG_TYPE_MISMATCH', path, `empirical draws numbers but "${ctx.column.name}" is ${typeof ctx.type === 'string' ? ctx.type : JSON.stringify(ctx.type)}`, 'set the column "type" to "int", "float" or "decimal"');
    }
    const q = args?.quantiles;
    if (!Array.isArray(q) || q.length < 2 || q.length > MAX_POINTS) {
      return error(ctx, 'DG_BAD_PARAM', `${path}/quantiles`, `empirical needs "quantiles": a list of 2 to ${MAX_POINTS} numbers`, 'e.g. {"quantiles": [0, 2.5, 4, 10]} (the minimum, the quartiles… the maximum)');
    }
    const badQ = q.findIndex((x: unknown) => !isNumber(x) || !Number.isFinite(x));
    if (badQ >= 0) return error(ctx, 'DG_BAD_PARAM', `${path}/quantiles/${badQ}`, `quantile ${JSON.stringify(q[badQ])} is not a finite number`, 'every quantile is a number');
    const down = q.findIndex((x: number, i: number) => i > 0 && x < q[i - 1]);
    if (down >= 0) return error(ctx, 'DG_OUT_OF_RANGE', `${path}/quantiles/${down}`, `quantiles must not decrease: ${q[down]} comes after ${q[down - 1]}`, 'sort the quantiles (a repeated value is allowed: it is an atom)');
    let probs: number[];
    if (args.probs === undefined) {
      probs = q.map((_: number, i: number) => i / (q.length - 1));
    } else {
      const p = args.probs;
      if (!Array.isArray(p) || p.length !== q.length) {
        return error(ctx, 'DG_BAD_PARAM', `${path}/probs`, `probs must be a list with one probability per quantile (${q.length}), got ${Array.isArray(p) ? p.length : JSON.stringify(p)}`, 'give as many probs as quantiles, or leave probs out for evenly spaced ones');
      }
      const badP = p.findIndex((x: unknown) => !isNumber(x) || !(x >= 0 && x <= 1));
      if (badP >= 0) return error(ctx, 'DG_OUT_OF_RANGE', `${path}/probs/${badP}`, `probability ${JSON.stringify(p[badP])} is not in [0, 1]`, 'probabilities run from 0 to 1');
      const down = p.findIndex((x: number, i: number) => i > 0 && x < p[i - 1]);
      if (down >= 0) return error(ctx, 'DG_OUT_OF_RANGE', `${path}/probs/${down}`, `probs must not decrease: ${p[down]} comes after ${p[down - 1]}`, 'sort the probabilities (two equal ones make a jump: no value between their quantiles)');
      if (p[0] !== 0 || p[p.length - 1] !== 1) {
        return error(ctx, 'DG_OUT_OF_RANGE', `${path}/probs/${p[0] !== 0 ? 0 : p.length - 1}`, `probs must start at 0 and end at 1 (got ${p[0]} … ${p[p.length - 1]})`, 'the first quantile is the minimum (0) and the last the maximum (1)');
      }
      probs = p;
    }
    return { kind: 'empirical', quantiles: q, probs };
  },
};
