/**
 * List columns (`list<float>`, `list<int>`, `list<string>`; docs/behaviours/relations.md, "Lists and vectors"): a list
 * type needs a generator that makes lists, and a list generator needs a list type, checked once the column's
 * generator is planned.
 */
import { type ColumnContext, error, findColumn } from './context.ts';
import { isListType, type GeneratorProgram } from '../ir/types.ts';

const LIST_KINDS: Partial<Record<GeneratorProgram['kind'], string[]>> = {
  dirichlet: ['list<float>'],
  vector: ['list<float>', 'list<int>'],
  sample: ['list<string>', 'list<int>', 'list<float>'],
};

/** Spec generator keys that can fill a list column (`distribution` only as a Dirichlet). */
const LIST_GENERATORS = new Set(['dirichlet', 'vector', 'sample', 'lookup']);

/**
 * Before its generator is planned: a list column whose generator can only make one value per row is refused here
 * (DG_TYPE_MISMATCH), so the generator's own checks do not judge its arguments against a list type.
 */
export function listGeneratorFits(ctx: ColumnContext, generator: unknown): boolean {
  if (!isListType(ctx.type) || !generator || typeof generator !== 'object') return true;
  const keys = Object.keys(generator);
  if (keys.length !== 1) return true;
  const key = keys[0];
  const args = (generator as Record<string, { type?: unknown } | undefined>)[key];
  if (LIST_GENERATORS.has(key) || (key === 'distribution' && args?.type === 'dirichlet')) return true;
  const hint = key === 'choice' ? 'for k distinct choices per row use {"sample": {"choices": […], "k": 2}}' : key === 'distribution' ? 'for a vector of draws use {"vector": {"type": …, "params": …, "length": 8}}' : LIST_HINT;
  error(ctx, 'DG_TYPE_MISMATCH', `${ctx.path}/generator/${key}`, `the ${ctx.type} column "${ctx.column.name}" cannot be filled by ${key}, which makes one value per row`, hint);
  return false;
}

const LIST_HINT = 'lists come from dirichlet (list<float>), vector (list<float> or list<int>), sample (k distinct choices) or a lookup of a column of the same list type';

/** Whether `gen` fits the column's type (reports DG_TYPE_MISMATCH otherwise). Modifiers on a list column are refused too. */
export function listTypeFits(ctx: ColumnContext, gen: GeneratorProgram, modifiers: unknown): boolean {
  const type = ctx.type;
  const path = `${ctx.path}/generator`;
  const name = ctx.column.name;
  let source: string | undefined;
  let from = '';
  if (gen.kind === 'lookup' && gen.via !== 'at') {
    const t = findColumn(ctx.nodes.get(gen.table)?.node, gen.column)?.type;
    source = typeof t === 'string' ? t : undefined;
    from = `${gen.table}.${gen.column}`;
  }
  const fits = LIST_KINDS[gen.kind];
  if (isListType(type)) {
    if (Array.isArray(modifiers) && modifiers.length > 0) {
      error(ctx, 'DG_TYPE_MISMATCH', `${ctx.path}/modifiers/0`, `modifiers do not apply to the ${type} column "${name}"`, 'change the generator\'s parameters instead, or compute a scalar from the list in an expression column (sum, dot, len, …)');
      return false;
    }
    if (fits?.includes(type) || (source !== undefined && source === type)) return true;
    const why = fits ? `${gen.kind} makes ${fits.join(' or ')}` : source !== undefined ? `it looks up ${from}, a ${source} column` : `${gen.kind} makes one value per row`;
    error(ctx, 'DG_TYPE_MISMATCH', path, `the ${type} column "${name}" cannot be filled by this generator: ${why}`, LIST_HINT);
    return false;
  }
  if (fits) {
    error(ctx, 'DG_TYPE_MISMATCH', `${ctx.path}/type`, `${gen.kind} makes a list per row, but column "${name}" is ${type}`, `declare "type": "${fits[0]}"`);
    return false;
  }
  if (source !== undefined && isListType(source)) {
    error(ctx, 'DG_TYPE_MISMATCH', `${ctx.path}/type`, `column "${name}" looks up ${from}, a ${source} column, but is ${type}`, `declare "type": "${source}", or compute a scalar from the list in an expression (e.g. len(${from}))`);
    return false;
  }
  return true;
}
