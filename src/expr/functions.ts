/**
 * The functions an expression may call: arity, a signature for messages, and the JavaScript each
 * call becomes. Arguments arrive already translated to numeric JS expressions (see codegen.ts).
 */
import type { FnName } from './types.ts';

export interface FnSpec {
  readonly min: number;
  readonly max: number;
  /** Signature shown in messages. */
  readonly signature: string;
  /** Argument positions that take a list (a list column, `table.list`), and positions that take any value. */
  readonly lists?: readonly number[];
  readonly values?: readonly number[];
  /** The call's static type when not a number. */
  readonly returns?: 'boolean';
  /**
   * The JavaScript of a call. A random function also gets `draw`, the JS of its call site's uniform in (0, 1)
   * for the current row (a pure function of the site's stream key and the row's ordinal in its table).
   */
  readonly emit: (args: readonly string[], draw: string) => string;
  /** A random function: every call site draws from a stream of its own (see codegen.ts). */
  readonly random?: true;
}

const unary = (name: FnName, js: string): FnSpec => ({
  min: 1,
  max: 1,
  signature: `${name}(x)`,
  emit: ([x]) => `${js}(${x})`,
});

const date = (name: FnName, helper: string, what: string): FnSpec => ({
  min: 1,
  max: 1,
  signature: `${name}(timestamp) → ${what}`,
  emit: ([t]) => `${helper}(${t})`,
});

export const FUNCTIONS: Readonly<Record<FnName, FnSpec>> = {
  min: { min: 1, max: Infinity, signature: 'min(a, b, …)', emit: (a) => (a.length === 1 ? a[0] : `Math.min(${a.join(', ')})`) },
  max: { min: 1, max: Infinity, signature: 'max(a, b, …)', emit: (a) => (a.length === 1 ? a[0] : `Math.max(${a.join(', ')})`) },
  abs: unary('abs', 'Math.abs'),
  floor: unary('floor', 'Math.floor'),
  ceil: unary('ceil', 'Math.ceil'),
  sqrt: unary('sqrt', 'Math.sqrt'),
  exp: unary('exp', 'Math.exp'),
  round: {
    min: 1,
    max: 2,
    signature: 'round(x) or round(x, digits)',
    emit: ([x, d]) => (d === undefined ? `$round(${x})` : `$roundTo(${x}, ${d})`),
  },
  log: {
    min: 1,
    max: 2,
    signature: 'log(x) (natural) or log(x, base)',
    emit: ([x, b]) => (b === undefined ? `Math.log(${x})` : `$div(Math.log(${x}), Math.log(${b}))`),
  },
  pow: { min: 2, max: 2, signature: 'pow(x, y)', emit: ([x, y]) => `Math.pow(${x}, ${y})` },
  clamp: { min: 3, max: 3, signature: 'clamp(x, lo, hi)', emit: ([x, lo, hi]) => `$clamp(${x}, ${lo}, ${hi})` },
  hour: date('hour', '$hour', '0–23'),
  dow: date('dow', '$dow', '0 = Monday … 6 = Sunday'),
  month: date('month', '$month', '1–12'),
  year: date('year', '$year', 'calendar year'),
  day: date('day', '$day', 'day of month 1–31'),
  days_between: {
    min: 2,
    max: 2,
    signature: 'days_between(a, b) → (b − a) in days',
    emit: ([a, b]) => `((${b} - ${a}) / 86400000)`,
  },
  dot: { min: 2, max: 2, signature: 'dot(a, b) → Σ a[j]·b[j] of two numeric lists of the same length (null otherwise)', lists: [0, 1], emit: ([a, b]) => `$dot(${a}, ${b})` },
  argmax: { min: 1, max: 1, signature: 'argmax(list) → the 1-based position of the largest item (the first of ties; null for an empty list)', lists: [0], emit: ([a]) => `$argmax(${a})` },
  len: { min: 1, max: 1, signature: 'len(list) → the number of items', lists: [0], emit: ([a]) => `$len(${a})` },
  contains: { min: 2, max: 2, signature: 'contains(list, value) → whether the list holds the value', lists: [0], values: [1], returns: 'boolean', emit: ([a, x]) => `$contains(${a}, ${x})` },
  sum: { min: 1, max: 1, signature: 'sum(list) → the sum of the numeric items (nulls skipped)', lists: [0], emit: ([a]) => `$sum(${a})` },
  years_between: {
    min: 2,
    max: 2,
    signature: 'years_between(a, b) → whole calendar years from a to b (an age: years_between(birth_date, at))',
    emit: ([a, b]) => `$years(${a}, ${b})`,
  },
  rand: {
    min: 0,
    max: 0,
    signature: 'rand() → uniform in (0, 1), its own stream per call site',
    emit: (_, u) => u,
    random: true,
  },
  bernoulli: {
    min: 1,
    max: 1,
    signature: 'bernoulli(p) → true with probability p (its own stream per call site)',
    emit: ([p], u) => `(${u} < ${p} ? 1 : 0)`,
    random: true,
  },
  normal: {
    min: 2,
    max: 2,
    signature: 'normal(mu, sd) → a normal draw with mean mu and standard deviation sd (its own stream per call site)',
    emit: ([mu, sd], u) => `$normal(${mu}, ${sd}, ${u})`,
    random: true,
  },
};

/** Functions whose calls draw random numbers (each call site its own keyed stream). */
export function isRandomFn(name: FnName): boolean {
  return FUNCTIONS[name].random === true;
}

/** Every callable name, `if` included (for messages and suggestions). */
export const FUNCTION_NAMES: readonly string[] = ['if', ...Object.keys(FUNCTIONS)];

export function isFnName(name: string): name is FnName {
  return Object.prototype.hasOwnProperty.call(FUNCTIONS, name);
}
