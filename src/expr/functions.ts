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
  readonly emit: (args: readonly string[]) => string;
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
  years_between: {
    min: 2,
    max: 2,
    signature: 'years_between(a, b) → whole calendar years from a to b (an age: years_between(birth_date, at))',
    emit: ([a, b]) => `$years(${a}, ${b})`,
  },
};

/** Every callable name, `if` included (for messages and suggestions). */
export const FUNCTION_NAMES: readonly string[] = ['if', ...Object.keys(FUNCTIONS)];

export function isFnName(name: string): name is FnName {
  return Object.prototype.hasOwnProperty.call(FUNCTIONS, name);
}
