/**
 * Helpers the generated evaluators call (passed in as closure arguments, see codegen.ts). All are
 * small and monomorphic enough for V8 to inline. Null conventions: a missing number is NaN inside
 * the evaluator; the final result turns NaN/±Infinity into null.
 */
import type { ExprValue } from './types.ts';
import { dayOf, dowOf, hourOf, monthOf, yearOf, yearsBetween } from '../model/calendar.ts';
import { normalQuantile } from '../model/dist/normal-quantile.ts';
import { uniform } from '../model/rng.ts';

/** A value in a numeric context: numbers as they are, booleans as 1/0, anything else (null, strings) NaN. */
function toNum(v: unknown): number {
  return typeof v === 'number' ? v : typeof v === 'boolean' ? (v ? 1 : 0) : NaN;
}

/** Equality of two values of unknown type: booleans compare as 1/0; null and NaN equal nothing. */
function eq(a: unknown, b: unknown): boolean {
  const x = typeof a === 'boolean' ? (a ? 1 : 0) : a;
  const y = typeof b === 'boolean' ? (b ? 1 : 0) : b;
  return x === y && x !== null && x !== undefined;
}

/** Order of two values of unknown type: -1, 0, 1, or NaN when they cannot be ordered (null, mixed types). */
function ord(a: unknown, b: unknown): number {
  const x = typeof a === 'boolean' ? (a ? 1 : 0) : a;
  const y = typeof b === 'boolean' ? (b ? 1 : 0) : b;
  if ((typeof x === 'number' && typeof y === 'number') || (typeof x === 'string' && typeof y === 'string')) {
    return x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN;
  }
  return NaN;
}

/** Division; a zero divisor gives null (NaN), never ±Infinity. */
function div(a: number, b: number): number {
  return b === 0 ? NaN : a / b;
}

/** Floored modulo (the result has the divisor's sign, like mathjs and Python); x % 0 is null. */
function mod(a: number, b: number): number {
  return b === 0 ? NaN : ((a % b) + b) % b;
}

/** Round half away from zero (mathjs, SQL). */
function round(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/**
 * Round to `digits` decimals (-15…15, truncated to an integer), half away from zero. A scaled value
 * within its rounding error (4 ulp) below .5 counts as .5, so round(1.005, 2) is 1.01 as written
 * (1.005 is stored as 1.00499999999999989…).
 */
function roundTo(x: number, digits: number): number {
  if (digits !== digits || digits < -15 || digits > 15) return NaN;
  const d = Math.trunc(digits);
  const f = Math.pow(10, Math.abs(d));
  const scaled = d >= 0 ? Math.abs(x) * f : Math.abs(x) / f;
  const whole = Math.floor(scaled);
  const n = scaled - whole >= 0.5 - 4 * Number.EPSILON * scaled ? whole + 1 : whole;
  const r = d >= 0 ? n / f : n * f;
  return x < 0 ? -r : r;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(Math.max(x, lo), hi);
}

/** normal(mu, sd) from the call site's uniform u: mu + sd·Φ⁻¹(u); a negative or null sd is null. */
function normal(mu: number, sd: number, u: number): number {
  return sd >= 0 ? mu + sd * normalQuantile(u) : NaN;
}

/** A list value (a row of a list column): an array or a typed array, else null. */
function asList(v: unknown): ArrayLike<unknown> | null {
  return Array.isArray(v) || v instanceof Float64Array ? (v as ArrayLike<unknown>) : null;
}

/** dot(a, b): Σ a[j]·b[j]; null (NaN) when either is not a list, the lengths differ, or an item is null. */
function dot(a: unknown, b: unknown): number {
  const x = asList(a);
  const y = asList(b);
  if (!x || !y || x.length !== y.length) return NaN;
  let s = 0;
  for (let j = 0; j < x.length; j++) s += toNum(x[j]) * toNum(y[j]);
  return s;
}

/** argmax(list): 1-based position of the largest numeric item (the first of ties); null items skipped; NaN when none. */
function argmax(a: unknown): number {
  const x = asList(a);
  if (!x) return NaN;
  let best = NaN;
  let at = NaN;
  for (let j = 0; j < x.length; j++) {
    const v = toNum(x[j]);
    if (v > best || (best !== best && v === v)) {
      best = v;
      at = j + 1;
    }
  }
  return at;
}

function len(a: unknown): number {
  const x = asList(a);
  return x ? x.length : NaN;
}

/** sum(list): the sum of its numeric items (nulls skipped, like SQL's list_sum); an empty list sums to 0. */
function sum(a: unknown): number {
  const x = asList(a);
  if (!x) return NaN;
  let s = 0;
  for (let j = 0; j < x.length; j++) {
    const v = toNum(x[j]);
    if (v === v) s += v;
  }
  return s;
}

/** contains(list, value): an item equals the value (booleans as 1/0, null equals nothing). */
function contains(a: unknown, v: unknown): boolean {
  const x = asList(a);
  if (!x) return false;
  for (let j = 0; j < x.length; j++) if (eq(x[j], v)) return true;
  return false;
}

/** list[i]: 1-based, negative from the end (−1 is the last item), null outside the list or for a null item. */
function at(a: unknown, i: number): ExprValue {
  const x = asList(a);
  if (!x || i !== Math.trunc(i)) return null;
  const j = i > 0 ? i - 1 : i < 0 ? x.length + i : -1;
  if (j < 0 || j >= x.length) return null;
  const v = x[j];
  return typeof v === 'number' ? (v === v ? v : null) : (v as ExprValue) ?? null;
}

/** Final result: non-finite numbers become null, undefined becomes null, the rest passes through. */
function out(v: unknown): ExprValue {
  if (typeof v === 'number') return v - v === 0 ? v : null;
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  return null;
}

/** Helper name (as used in generated code) → implementation. Order is the parameter order. */
const HELPERS = {
  $n: toNum,
  $eq: eq,
  $ord: ord,
  $div: div,
  $mod: mod,
  $round: round,
  $roundTo: roundTo,
  $clamp: clamp,
  $out: out,
  $hour: hourOf,
  $dow: dowOf,
  $month: monthOf,
  $year: yearOf,
  $day: dayOf,
  $years: yearsBetween,
  $dot: dot,
  $argmax: argmax,
  $len: len,
  $sum: sum,
  $contains: contains,
  $at: at,
  $normal: normal,
  $u: uniform,
} as const;

export type HelperName = keyof typeof HELPERS;
export const HELPER_NAMES = Object.keys(HELPERS) as HelperName[];
export const HELPER_VALUES = HELPER_NAMES.map((k) => HELPERS[k]);
