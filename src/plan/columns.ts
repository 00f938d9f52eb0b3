import { didYouMean } from '../diagnostics/suggest.ts';
import { sharesProblem } from '../spec/shares.ts';
import { GENERATORS, MODIFIERS, PLANNED_MODIFIERS } from './programs/index.ts';
import { listGeneratorFits, listTypeFits } from './lists.ts';
import { columnContext, error, isNumber, type Json, type PlanContext, warning } from './context.ts';
import type { ColumnPlan, ColumnType, GeneratorProgram, ModifierProgram } from '../ir/types.ts';

const SQL_TYPES: Record<ColumnType, string> = {
  int: 'BIGINT', float: 'DOUBLE', string: 'VARCHAR', bool: 'BOOLEAN', datetime: 'TIMESTAMP', date: 'DATE', decimal: 'DECIMAL(18,4)', json: 'VARCHAR',
  'list<float>': 'DOUBLE[]', 'list<int>': 'BIGINT[]', 'list<string>': 'VARCHAR[]',
};
const NUMERIC_ONLY = new Set(['multiply', 'add', 'clamp', 'jitter', 'trend', 'outliers', 'anomaly']);

/** Plan one column: generator program, modifier programs (datetime weights folded into the generator), types. */
export function planColumn(pctx: PlanContext, node: Json, nodeIndex: number, column: Json, colIndex: number): ColumnPlan | undefined {
  const ctx = columnContext(pctx, node, nodeIndex, column, colIndex);
  if (typeof column?.name !== 'string') return undefined;
  if (column.type === undefined) return error(ctx, 'DG_MISSING_KEY', ctx.path, `column "${column.name}" has no "type"`, 'add "type": one of int, float, string, bool, datetime, date, decimal, json');
  const type = column.type;
  if (!(type in SQL_TYPES)) {
    const alias: Record<string, string> = { integer: 'int', bigint: 'int', double: 'float', number: 'float', str: 'string', text: 'string', boolean: 'bool', timestamp: 'datetime' };
    const hint = /^list</.test(type) ? 'list columns hold floats, ints or strings: list<float>, list<int> or list<string>; use "json" for anything else' : alias[type] ? `did you mean "${alias[type]}"?` : didYouMean(String(type), Object.keys(SQL_TYPES));
    return error(ctx, /^list</.test(type) ? 'DG_NOT_SUPPORTED' : 'DG_BAD_TYPE', `${ctx.path}/type`, `column type ${JSON.stringify(type)} is not supported`, hint);
  }
  if (!listGeneratorFits(ctx, column.generator)) return undefined;
  const gen = planGenerator(ctx, column.generator);
  // Choice weights written as shares must sum to 1 (a segment column's are checked as segment shares).
  const sb = node?.segment_behavior;
  if (gen?.kind === 'choice' && Array.isArray(column.generator?.choice?.weights) && !(sb?.segments && sb.segment_column === column.name)) {
    const w = sharesProblem(column.generator.choice.weights, `${ctx.path}/generator/choice/weights`, 'choice weights');
    if (w) pctx.diags.push(w);
  }
  const modifiers: ModifierProgram[] = [];
  const raw: Json[] = Array.isArray(column.modifiers) ? column.modifiers : [];
  raw.forEach((m, i) => {
    const path = `${ctx.path}/modifiers/${i}`;
    const name = m?.transform;
    if (PLANNED_MODIFIERS.includes(name)) {
      warning(ctx, 'DG_NOT_SUPPORTED', path, `modifier "${name}" is not supported by this version of datagen; it is skipped`, 'remove it, or expect no labelled anomalies from it');
      return;
    }
    const entry = MODIFIERS.get(name);
    if (!entry) {
      error(ctx, 'DG_UNKNOWN_MODIFIER', `${path}/transform`, `unknown modifier ${JSON.stringify(name)}`, didYouMean(String(name), [...MODIFIERS.keys()]));
      return;
    }
    // A trend on a datetime column weights its datetime_series draw (foldTimeWeights), like seasonality.
    const numericOnly = NUMERIC_ONLY.has(name) && !(name === 'trend' && (type === 'datetime' || type === 'date'));
    if (numericOnly && !['int', 'float', 'decimal'].includes(type)) {
      error(ctx, 'DG_TYPE_MISMATCH', `${path}/transform`, `modifier "${name}" needs a numeric column; "${column.name}" is ${type}`, 'apply it to an int or float column');
      return;
    }
    const text = numericOnly && gen ? textSource(gen, pctx) : undefined;
    if (text) {
      error(ctx, 'DG_TYPE_MISMATCH', `${path}/transform`, `modifier "${name}" needs numbers, but ${text} yields text: the ${type} column "${column.name}" only reads it as numbers when it is written`, 'generate numbers (a distribution, a sequence, numeric choices) or drop the modifier');
      return;
    }
    const p = entry.plan(m.args ?? {}, ctx, `${path}/args`, i);
    if (p) modifiers.push(p);
  });
  if (!gen) return undefined;
  if (!listTypeFits(ctx, gen, column.modifiers)) return undefined;
  const kept = foldTimeWeights(gen, modifiers, ctx, type);
  if (!kept) return undefined;
  const nullRate = column.null_rate ?? 0;
  if (!isNumber(nullRate) || nullRate < 0 || nullRate > 1) return error(ctx, 'DG_OUT_OF_RANGE', `${ctx.path}/null_rate`, `null_rate ${JSON.stringify(column.null_rate)} is not a probability in [0, 1]`, 'e.g. 0.05 for 5% nulls');
  if (nullRate > 0 && column.nullable === false) return error(ctx, 'DG_NULL_RATE_NOT_NULLABLE', `${ctx.path}/null_rate`, `null_rate ${nullRate} on a column declared "nullable": false`, 'set "nullable": true or remove null_rate');
  return {
    name: column.name, type, sqlType: SQL_TYPES[type as ColumnType], nullable: column.nullable !== false || nullRate > 0, nullRate,
    stream: ctx.stream(), enumValues: null, generator: gen, modifiers: kept, ...(column.hidden === true ? { hidden: true as const } : {}),
  };
}

function planGenerator(ctx: ReturnType<typeof columnContext>, g: Json): GeneratorProgram | undefined {
  const path = `${ctx.path}/generator`;
  const keys = g && typeof g === 'object' ? Object.keys(g) : [];
  if (keys.length !== 1) {
    return error(ctx, 'DG_BAD_GENERATOR', path, `a column needs exactly one generator, found ${keys.length ? keys.map((k) => `"${k}"`).join(', ') : 'none'}`, `one of: ${[...GENERATORS.keys()].join(', ')}`);
  }
  const entry = GENERATORS.get(keys[0]);
  if (!entry) return error(ctx, 'DG_UNKNOWN_GENERATOR', `${path}/${keys[0]}`, `unknown generator "${keys[0]}"`, didYouMean(keys[0], [...GENERATORS.keys()]));
  return entry.plan(g[keys[0]] ?? {}, ctx, `${path}/${keys[0]}`);
}

/** Seasonality, trends and effects on a datetime column become sampling weights of its datetime_series draw. */
function foldTimeWeights(gen: GeneratorProgram, mods: ModifierProgram[], ctx: ReturnType<typeof columnContext>, type: string): ModifierProgram[] | undefined {
  if (type !== 'datetime' && type !== 'date') return mods;
  const kept: ModifierProgram[] = [];
  for (const m of mods) {
    const weight = m.kind === 'seasonality' || m.kind === 'effect' || m.kind === 'trend';
    if (!weight) {
      kept.push(m);
      continue;
    }
    if (gen.kind !== 'datetime') {
      return error(ctx, 'DG_NOT_SUPPORTED', `${ctx.path}/modifiers`, `"${m.kind}" on a datetime column weights a datetime_series draw, but "${ctx.column.name}" has another generator`, 'use a datetime_series generator or drop the modifier');
    }
    if (m.kind === 'seasonality') gen.patterns.push({ dimension: m.dimension, weights: m.weights });
    else if (m.kind === 'trend') (gen.trends ??= []).push({ type: m.type, growthRate: m.growthRate, a: m.a, b: m.b, originMs: m.originMs });
    else gen.effects.push(m.effect);
  }
  return kept;
}

/** What makes a generator hand text (not numbers) to the modifiers of a numeric column, or undefined. */
function textSource(gen: GeneratorProgram, ctx: PlanContext): string | undefined {
  if (gen.kind === 'enum_list' && !gen.values.every((v) => typeof v === 'number' || typeof v === 'boolean' || v === null)) return 'the enum_list (its values are not all numbers)';
  if (gen.kind === 'lookup') {
    const src = ctx.nodes.get(gen.table)?.node;
    const t = Array.isArray(src?.columns) ? src.columns.find((c: Json) => c?.name === gen.column)?.type : undefined;
    if (t === 'string' || t === 'json') return `the lookup of ${gen.table}.${gen.column} (a ${t} column)`;
  }
  return undefined;
}
