/**
 * The faker-js fallback: one Faker instance per locale whose randomizer is counter-based, so
 * "seeding" it for (key, row) costs two assignments instead of a Mersenne-Twister reseed. Every
 * value is a pure function of (key, row, method, args, locale). Date methods use a fixed
 * reference date so they do not drift with the wall clock.
 */
import type { Faker, Randomizer } from '@faker-js/faker';
import { fakerClass, fakerFor } from './lib.ts';
import { mix } from '../rng.ts';
import { type Draw, type Gen, SLOT_FAKER } from './draw.ts';
import { guardFaker } from '../faker-limits.ts';

const TWO_POW_21 = 2097152;
const INV_TWO_POW_53 = 1 / 9007199254740992;
/** Default reference "now" for faker's relative date methods (past, future, birthdate...). */
const FAKER_REF_DATE = new Date('2025-01-01T00:00:00.000Z');
/** The reference "now" in force: a column sets it (its dataset's timeframe end) before it fills values. */
const REF = { ms: FAKER_REF_DATE.getTime() };
export function setFakerRefDate(ms: number | undefined): void {
  REF.ms = ms ?? FAKER_REF_DATE.getTime();
}

/** Randomizer whose stream for a row is mix(key, row, SLOT_FAKER + k), k = 0, 2, 4, ...
 * (faker-js calls `next` unbound, hence the arrow functions). */
class KeyedRandomizer implements Randomizer {
  key = 0;
  row = 0;
  slot = SLOT_FAKER;
  readonly next = (): number => {
    const hi = mix(this.key, this.row, this.slot);
    const lo = mix(this.key, this.row, this.slot + 1);
    this.slot += 2;
    return (hi * TWO_POW_21 + (lo >>> 11)) * INV_TWO_POW_53; // 53 bits in [0, 1)
  };
  readonly seed = (): void => {
    // Seeding is positional: `at(key, row)` before each call.
  };
  at(key: number, row: number): void {
    this.key = key;
    this.row = row;
    this.slot = SLOT_FAKER;
  }
}

export interface KeyedFaker {
  faker: Faker;
  rnd: KeyedRandomizer;
}

const INSTANCES = new Map<string, KeyedFaker>();

export function keyedFaker(localeId: string): KeyedFaker {
  let k = INSTANCES.get(localeId);
  if (!k) {
    const rnd = new KeyedRandomizer();
    const Faker = fakerClass();
    const faker = new Faker({ locale: fakerFor(localeId).rawDefinitions, randomizer: rnd });
    faker.setDefaultRefDate(() => new Date(REF.ms));
    guardFaker(faker); // every call's arguments are bounded (limits.ts)
    k = { faker, rnd };
    INSTANCES.set(localeId, k);
  }
  return k;
}

/** Render any faker-js result as a string. */
function stringify(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Date) return v.toISOString();
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
  return String(v);
}

/** Every faker-js "module.method" path (e.g. "person.fullName"), sorted. */
let DOTTED: string[] | undefined;
export function dottedMethodNames(): string[] {
  if (DOTTED) return DOTTED;
  const f = fakerFor('en') as unknown as Record<string, unknown>;
  const out: string[] = [];
  for (const mod of Object.keys(f)) {
    const m = f[mod];
    if (!m || typeof m !== 'object' || mod === 'fakerCore') continue;
    const seen = new Set<string>();
    for (let p = Object.getPrototypeOf(m); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
      for (const name of Object.getOwnPropertyNames(p)) {
        if (name === 'constructor' || name.startsWith('_') || seen.has(name)) continue;
        if (typeof (m as Record<string, unknown>)[name] === 'function') seen.add(name);
      }
    }
    for (const name of seen) out.push(`${mod}.${name}`);
  }
  DOTTED = out.sort();
  return DOTTED;
}

export type FakerCall = (f: Faker) => unknown;

/** Call a dotted path: `args._` (array) is spread as positional arguments, else a non-empty args
 * object is the single options argument, else no arguments. */
export function dottedCall(path: string, args: Record<string, unknown> | undefined): FakerCall {
  const [mod, method] = path.split('.');
  const positional: unknown[] = Array.isArray(args?._)
    ? (args!._ as unknown[])
    : args && Object.keys(args).length > 0
      ? [args]
      : [];
  return (f) => {
    const m = (f as unknown as Record<string, Record<string, (...a: unknown[]) => unknown>>)[mod];
    return m[method].apply(m, positional);
  };
}

/** A Gen that runs a faker-js call for the draw's (key, row) in a locale; if the locale lacks
 * data for the call it retries in 'en' (same row stream), then gives up with a clear error. */
export function fakerGen(localeId: string, call: FakerCall, label: string): Gen {
  const kf = keyedFaker(localeId);
  const en = localeId === 'en' ? null : keyedFaker('en');
  return (d: Draw) => {
    kf.rnd.at(d.key, d.row);
    try {
      return stringify(call(kf.faker));
    } catch (err) {
      if (!en) throw wrap(err, label, localeId);
      en.rnd.at(d.key, d.row);
      try {
        return stringify(call(en.faker));
      } catch (err2) {
        throw wrap(err2, label, localeId);
      }
    }
  };
}

function wrap(err: unknown, label: string, localeId: string): Error {
  // faker-js's own errors (FakerError) and the argument guard's explain themselves; a JavaScript error
  // from inside faker-js ("Cannot read properties of undefined") means the arguments have the wrong shape.
  const internal = err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError || err instanceof SyntaxError;
  const msg = internal ? 'faker-js failed inside the method: the arguments are missing or do not have the shape it expects' : err instanceof Error ? err.message.split('\n')[0] : String(err);
  return new Error(`faker method "${label}" failed (locale ${localeId}): ${msg}`);
}
