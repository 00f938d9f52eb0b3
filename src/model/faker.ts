/**
 * `faker` generator columns (DSL.md §3): realistic strings from Python Faker method names or
 * faker-js "module.method" paths, per-row locales, fully deterministic (DSL.md §4).
 *
 * A value is a pure function of (stream key, row, method, locale, args). Hot methods (names,
 * e-mails, companies, phones, uuid4, bothify, ...) are composed from per-locale pools built once
 * from faker-js's locale definitions; everything else runs faker-js itself with a counter-based
 * randomizer positioned at (key, row) — see faker/fakerjs.ts.
 */
import { Draw, type Gen, WIDE_ONLY } from './faker/draw.ts';
import { dottedCall, fakerGen, setFakerRefDate } from './faker/fakerjs.ts';
import { DEFAULT_LOCALE, localeIdFor } from './faker/locale-ids.ts';
import { isLocaleLoaded, localeIds } from './faker/lib.ts';
import { localeData } from './faker/locale-data.ts';
import { fakerArgsProblem } from './faker-limits.ts';
import { type Args, pythonMethod, resolveFakerMethod } from './faker/methods.ts';
import { asciiFold } from './faker/text.ts';

export { fakerMethodNames, resolveFakerMethod } from './faker/methods.ts';
export { localeIdFor } from './faker/locale-ids.ts';
export { asciiFold } from './faker/text.ts';

export interface FakerColumnOptions {
  /** Python Faker name ('email'), alias ('zipcode') or faker-js path ('person.fullName'). */
  method: string;
  /** Epoch ms that relative date methods (past, future, birthdate) count from; default 2025-01-01. */
  refDate?: number;
  /** Default locale / country code for rows without a per-row code; 'en_US' when absent. */
  locale?: string;
  /**
   * The compile stage's probe: a locale that is not loaded (src/model/faker/lib.ts loads en and en_US up front,
   * a run its plan's locales) is probed in en_US — a method's arguments work or fail the same in every locale.
   */
  probe?: boolean;
  /** Python methods: their keyword arguments (bothify `text`, `letters`; random_int `min`, `max`;
   * text `max_nb_chars`...). faker-js paths: the options object, or `_: [...]` positional args. */
  args?: Record<string, unknown>;
  /** Arguments read from columns of the row (`"$col"` in the spec): the top-level `key` of `args`, or
   * position `index` of `args._`. `fill` receives one value source per reference, in this order. */
  refs?: ArgRef[];
}

export interface ArgRef {
  key: string;
  index: number | null;
}

/** Per-row value of a referenced column: a string, number, boolean or Date; undefined for null. */
export type RefSource = (i: number) => unknown;

/** Methods whose user-name part is built from first / last names (the row's own when given). */
const NAME_METHODS = new Set(['email', 'free_email', 'ascii_email', 'safe_email', 'company_email', 'user_name']);
/** Their name arguments: the row's first name, last name, or full name (split into first and last). */
const NAME_KEYS: Record<string, 'first' | 'last' | 'full'> = { first_name: 'first', firstName: 'first', last_name: 'last', lastName: 'last', name: 'full', full_name: 'full' };
/** Tokens of a full name that are titles or suffixes, not names ('Dr.', 'Jr.', 'III', 'PhD'). */
const AFFIX = /^(?:[^\s]*\.|i{1,3}|iv|v|vi|jr|sr|phd|md|dds|dvm)$/i;

/** First and last name of a full name: the first and last tokens that are not titles or suffixes. */
export function splitFullName(full: string): [string, string] {
  // Fast path: "First … Last" without titles (no '.') and a last word that is not a suffix.
  const a = full.indexOf(' ');
  const b = full.lastIndexOf(' ');
  if (a > 0 && b < full.length - 1 && full.indexOf('.') < 0 && full.indexOf('  ') < 0) {
    const first = full.slice(0, a);
    const last = full.slice(b + 1);
    if (!AFFIX.test(first) && !AFFIX.test(last)) return [first, last];
  }
  const tokens = full.split(/\s+/).filter((t) => t !== '' && !AFFIX.test(t));
  if (tokens.length === 0) return ['', ''];
  return [tokens[0], tokens[tokens.length - 1]];
}

/** ASCII folds of names seen (names repeat: the pools are small), bounded. */
const FOLDS = new Map<string, string | null>();

const folded = (v: unknown): string | null => {
  if (v === undefined || v === null) return null;
  const text = String(v);
  let f = FOLDS.get(text);
  if (f === undefined) {
    const a = asciiFold(text);
    f = a === '' ? null : a;
    if (FOLDS.size >= 65536) FOLDS.clear();
    FOLDS.set(text, f);
  }
  return f;
};

export class FakerColumn {
  readonly method: string;
  private readonly key: number;
  private readonly args: Args;
  private readonly refDate: number | undefined;
  private readonly defaultLocale: string;
  private readonly gens = new Map<string, Gen>();
  private readonly byCode = new Map<string, Gen>();
  private readonly draw = new Draw();
  /** References other than name arguments, with their position in `opts.refs` (= in `fill`'s sources). */
  private readonly refs: { ref: ArgRef; pos: number }[];
  /** Name methods: where the row's first / last / full name come from (a reference's position or a literal). */
  private readonly names: { first: number | string | null; last: number | string | null; full: number | string | null } | null = null;
  /** Other methods with references: generators per (locale, resolved arguments), bounded. */
  private readonly perArgs = new Map<string, Gen>();

  constructor(opts: FakerColumnOptions, key: number) {
    const r = resolveFakerMethod(opts.method);
    if (!r.ok) {
      const hint = r.suggestions.length > 0 ? ` (did you mean ${r.suggestions.map((s) => `"${s}"`).join(', ')}?)` : '';
      throw new Error(`unknown faker method "${opts.method}"${hint}`);
    }
    this.method = r.canonical;
    this.key = key >>> 0;
    let args = opts.args ?? {};
    const given = opts.refs ?? [];
    let refs = given.map((ref, pos) => ({ ref, pos }));
    if (NAME_METHODS.has(this.method)) {
      // e-mails and user names from the row's own names: those arguments feed the draw, not the method.
      const names = { first: null as number | string | null, last: null as number | string | null, full: null as number | string | null };
      let any = false;
      const rest: Args = {};
      for (const [k, v] of Object.entries(args)) {
        const slot = NAME_KEYS[k];
        if (!slot) {
          rest[k] = v;
          continue;
        }
        const r = given.findIndex((x) => x.key === k && x.index === null);
        names[slot] = r >= 0 ? r : typeof v === 'string' ? v : null;
        any = true;
      }
      if (any) {
        this.names = names;
        args = rest;
        refs = refs.filter((x) => !NAME_KEYS[x.ref.key] || x.ref.index !== null);
      }
    }
    this.args = args;
    this.refs = refs;
    this.refDate = opts.refDate;
    this.defaultLocale = opts.locale ? localeIdFor(opts.locale) : DEFAULT_LOCALE;
    if (opts.probe && !isLocaleLoaded(this.defaultLocale)) this.defaultLocale = DEFAULT_LOCALE;
    // Arguments read from the row are only known per row (compile probes with sample values).
    if (this.refs.length > 0) return;
    // Fail early (bad args, methods that need arguments) rather than mid-run.
    const probe = new Draw();
    probe.reset(this.key, 0);
    this.genFor(this.defaultLocale)(probe);
  }

  /** The generator for a faker-js locale id (built once per column and locale). */
  private genFor(localeId: string): Gen {
    let g = this.gens.get(localeId);
    if (g) return g;
    const py = pythonMethod(this.method);
    if (py) {
      const L = localeData(localeId);
      g = py.composite?.(L, this.args) ?? undefined;
      if (!g) {
        if (!py.fake) throw new Error(`faker method "${this.method}" has no implementation for locale ${localeId}`);
        g = fakerGen(localeId, py.fake(this.args), this.method);
      }
    } else {
      g = fakerGen(localeId, dottedCall(this.method, this.args), this.method);
    }
    this.gens.set(localeId, g);
    return g;
  }

  /** The generator for a locale and one row's resolved arguments (checked against the faker limits). */
  private genForArgs(localeId: string, args: Args, key: string): Gen {
    const k = `${localeId}\u0000${key}`;
    let g = this.perArgs.get(k);
    if (g) return g;
    const problem = fakerArgsProblem(this.method, args);
    if (problem) throw new Error(`faker method "${this.method}": ${problem} (an argument read from a column of the row)`);
    const py = pythonMethod(this.method);
    if (py) {
      g = py.composite?.(localeData(localeId), args) ?? undefined;
      if (!g) {
        if (!py.fake) throw new Error(`faker method "${this.method}" has no implementation for locale ${localeId}`);
        g = fakerGen(localeId, py.fake(args), this.method);
      }
    } else {
      g = fakerGen(localeId, dottedCall(this.method, args), this.method);
    }
    if (this.perArgs.size >= 4096) this.perArgs.clear();
    this.perArgs.set(k, g);
    return g;
  }

  private localeOf(code: string | null | undefined): string {
    return code == null || code === '' ? this.defaultLocale : localeIdFor(code);
  }

  private genForCode(code: string | null | undefined): Gen {
    if (code == null || code === '') return this.genFor(this.defaultLocale);
    let g = this.byCode.get(code);
    if (!g) {
      g = this.genFor(localeIdFor(code));
      if (this.byCode.size < 10000) this.byCode.set(code, g);
    }
    return g;
  }

  /** The value for one row (slow path; `fill` is the bulk API). */
  value(row: number, localeCode?: string): string {
    setFakerRefDate(this.refDate);
    const d = this.draw;
    d.reset(this.key, row);
    return (localeCode === undefined ? this.genFor(this.defaultLocale) : this.genForCode(localeCode))(d);
  }

  /**
   * out[i] = value for row (start + i), i < n. `localeCodes[i]`, when given, is that row's country
   * code ('DE', 'UK'), locale ('de_DE') or language ('de'); unknown codes use 'en', empty or
   * null ones the column's default locale.
   */
  fill(out: string[], start: number, n: number, localeCodes?: ArrayLike<string>, refValues?: readonly RefSource[]): void {
    setFakerRefDate(this.refDate);
    const d = this.draw;
    const key = this.key;
    if (this.names || this.refs.length > 0) return this.fillFromRow(out, start, n, localeCodes, refValues ?? []);
    if (!localeCodes) {
      const g = this.genFor(this.defaultLocale);
      if (WIDE_ONLY.has(g)) {
        d.key = key;
        for (let i = 0; i < n; i++) {
          d.row = start + i;
          out[i] = g(d);
        }
        return;
      }
      for (let i = 0; i < n; i++) {
        d.reset(key, start + i);
        out[i] = g(d);
      }
      return;
    }
    let lastCode: string | undefined;
    let g = this.genFor(this.defaultLocale);
    for (let i = 0; i < n; i++) {
      const code = localeCodes[i];
      if (code !== lastCode) {
        g = this.genForCode(code);
        lastCode = code;
      }
      d.reset(key, start + i);
      out[i] = g(d);
    }
  }

  /** `fill` for a column whose arguments read the row: names set on the draw, other references resolved per row. */
  private fillFromRow(out: string[], start: number, n: number, localeCodes: ArrayLike<string> | undefined, src: readonly RefSource[]): void {
    const d = this.draw;
    const key = this.key;
    const names = this.names;
    const val = (s: number | string | null, i: number): unknown => (typeof s === 'number' ? src[s]?.(i) : s);
    const refs = this.refs;
    const positional = Array.isArray(this.args._) ? (this.args._ as unknown[]) : null;
    for (let i = 0; i < n; i++) {
      const code = localeCodes ? localeCodes[i] : undefined;
      let g: Gen;
      if (refs.length === 0) g = this.genForCode(code);
      else {
        const args: Args = { ...this.args };
        if (positional) args._ = positional.slice();
        const vals: unknown[] = [];
        for (let r = 0; r < refs.length; r++) {
          const { ref, pos } = refs[r];
          const v = src[pos]?.(i);
          vals.push(v);
          if (ref.index !== null) (args._ as unknown[])[ref.index] = v;
          else if (v === undefined) delete args[ref.key];
          else args[ref.key] = v;
        }
        g = this.genForArgs(this.localeOf(code), args, JSON.stringify(vals));
      }
      d.reset(key, start + i);
      if (names) {
        let first = folded(val(names.first, i));
        let last = folded(val(names.last, i));
        if (names.full !== null && (first === null || last === null)) {
          const full = val(names.full, i);
          if (full !== undefined && full !== null) {
            const [f, l] = splitFullName(String(full));
            first ??= folded(f);
            last ??= folded(l);
          }
        }
        d.first = first;
        d.last = last;
      }
      out[i] = g(d);
    }
    d.first = null;
    d.last = null;
  }
}

/**
 * The faker-js locales a plan's faker programs use (wherever they are nested): each one's locale (en_US by
 * default) — and every locale when one reads it from a column (`locale_from`: any row may name any locale).
 */
export function planLocales(v: unknown, out = new Set<string>()): string[] {
  if (Array.isArray(v)) for (const x of v) planLocales(x, out);
  else if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (o.kind === 'faker' && typeof o.method === 'string') {
      if (o.localeFrom) for (const id of localeIds()) out.add(id);
      out.add(typeof o.locale === 'string' ? localeIdFor(o.locale) : DEFAULT_LOCALE);
    }
    for (const x of Object.values(o)) planLocales(x, out);
  }
  return [...out].sort();
}
