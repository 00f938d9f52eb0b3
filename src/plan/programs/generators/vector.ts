import { error } from '../../context.ts';
import type { GeneratorPlanner } from '../types.ts';
import { isCount, MAX_LIST_LENGTH } from './dirichlet.ts';
import { planDist } from './distribution.ts';

/** `vector {type, params, clamp?, length}`: `length` independent draws of one distribution (list<float> or list<int>). */
export const vector: GeneratorPlanner<'vector'> = {
  name: 'vector',
  kind: 'vector',
  plan(args, ctx, path) {
    if (!isCount(args?.length, 1)) {
      return error(ctx, args?.length === undefined ? 'DG_MISSING_PARAM' : 'DG_BAD_PARAM', args?.length === undefined ? path : `${path}/length`, args?.length === undefined ? 'vector needs "length", the number of draws per row' : `vector length must be a whole number from 1 to ${MAX_LIST_LENGTH.toLocaleString('en-US')} (got ${JSON.stringify(args.length)})`, 'e.g. {"type": "normal", "params": {"mean": 0, "std": 1}, "length": 16}');
    }
    if (args.type === 'dirichlet') return error(ctx, 'DG_BAD_PARAM', `${path}/type`, 'a vector draws its components independently; a Dirichlet vector is its own generator', 'write {"dirichlet": {"alpha": …}}');
    const d = planDist(args, ctx, path, false);
    return d && { kind: 'vector', dist: d.dist, params: d.params, clamp: d.clamp, length: args.length };
  },
};

