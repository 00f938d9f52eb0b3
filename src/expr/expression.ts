/**
 * The `expression` generator's language (DSL.md section 3): arithmetic and logic over the columns
 * of the row (`base_a + base_b`) and of linked tables (`parent.price`, `<table>.col`).
 *
 * An expression is parsed once with mathjs and validated into a small AST (expr/parse.ts), then
 * translated to JavaScript source (expr/codegen.ts) and built with `new Function`: mathjs never
 * evaluates anything per row. The built factory is cached per expression and per binding kinds, so
 * compiling again for every chunk costs one closure, not a new function.
 *
 * Semantics: numbers are doubles; a null number is NaN and makes arithmetic null; x/0 and x%0 are
 * null; the result turns NaN/±Infinity into null. Comparisons are always true or false: null equals
 * nothing and orders with nothing (so `x != 3` is true for a null x). In conditions null, NaN, 0 and
 * "" are false. `%` is the floored modulo; round() rounds half away from zero. Timestamps are epoch
 * milliseconds (UTC); dow is 0 = Monday.
 */
import { generate, type RefKind } from './codegen.ts';
import { parseExpression } from './parse.ts';
import { HELPER_NAMES, HELPER_VALUES } from './runtime.ts';
import { inferTypes } from './typecheck.ts';
import type { ExprError, ExprRef, ExprType, ExprValue, ParsedExpression } from './types.ts';

export { parseExpression };
export type { RefKind } from './codegen.ts';
export type { ExprError, ExprRef, ExprType, ExprValue, ParsedExpression } from './types.ts';

export type RowEvaluator = (i: number) => ExprValue;
type Factory = (...args: unknown[]) => RowEvaluator;

const factories = new WeakMap<ParsedExpression, Map<string, Factory>>();

/** Typed arrays (except 64-bit integer ones) hold numbers only; anything else may hold anything. */
function kindOf(values: ArrayLike<unknown>): RefKind {
  return ArrayBuffer.isView(values) && !(values instanceof DataView) && !(values instanceof BigInt64Array) && !(values instanceof BigUint64Array)
    ? 'number'
    : 'unknown';
}

function factoryFor(expr: ParsedExpression, kinds: readonly RefKind[]): Factory {
  let byKinds = factories.get(expr);
  if (!byKinds) factories.set(expr, (byKinds = new Map()));
  const key = kinds.map((k) => (k === 'number' ? 'n' : 'u')).join('');
  let factory = byKinds.get(key);
  if (!factory) {
    const sites = Array.from({ length: expr.randomSites }, (_, k) => `k${k}`);
    const params = [...expr.refs.map((_, k) => `r${k}`), ...HELPER_NAMES, ...sites, '$s'];
    factory = new Function(...params, `"use strict";\nreturn (\n${generate(expr, kinds)}\n);`) as Factory;
    byKinds.set(key, factory);
  }
  return factory;
}

/**
 * What random call sites read: one stream key per site (in call-site order) and the ordinal, in its table, of
 * the chunk's first row — so the row evaluated at index i draws from (key, start + i).
 */
export interface RandomBinding { readonly keys: readonly number[]; readonly start: number }

/**
 * Bind every reference to its values for the current chunk (indexed by row in chunk: numbers with
 * NaN for null, or strings/null) and return the row evaluator.
 */
export function compileExpression(
  expr: ParsedExpression,
  bind: (ref: ExprRef) => ArrayLike<number | string | boolean | null>,
  random?: RandomBinding,
): RowEvaluator {
  if (expr.randomSites > 0 && (!random || random.keys.length < expr.randomSites)) {
    throw new Error(`expression "${expr.code}": ${expr.randomSites} random call site(s) but ${random?.keys.length ?? 0} stream key(s) bound`);
  }
  const arrays = expr.refs.map((ref) => {
    const values = bind(ref);
    if (values === null || values === undefined || typeof values.length !== 'number') {
      throw new Error(`expression "${expr.code}": no values bound for ${ref.kind === 'column' ? ref.column : `${ref.table}.${ref.column}`}`);
    }
    return values;
  });
  const keys = random ? random.keys.slice(0, expr.randomSites) : [];
  return factoryFor(expr, arrays.map(kindOf))(...arrays, ...HELPER_VALUES, ...keys, random?.start ?? 0);
}

/**
 * The evaluator's JavaScript source, for plans and debugging. Without `kinds`, every reference is
 * of unknown type (the general form); pass `'number'` for references bound to typed arrays to see
 * the specialised form `compileExpression` builds for them.
 */
export function exprToSource(expr: ParsedExpression, kinds?: readonly RefKind[]): string {
  return generate(expr, kinds ?? expr.refs.map(() => 'unknown'));
}

/**
 * Check an expression against the types of the columns it references (e.g. when the spec is
 * resolved): strings in arithmetic or functions, or strings compared with numbers, are errors.
 */
export function typeCheckExpression(expr: ParsedExpression, refType: (ref: ExprRef) => ExprType): { type: ExprType; errors: ExprError[] } {
  const { type, errors } = inferTypes(expr.ast, expr.refs, (ref) => refType(ref));
  return { type, errors };
}
