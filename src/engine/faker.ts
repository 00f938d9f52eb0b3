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
import { localeData } from './faker/locale-data.ts';
import { type Args, pythonMethod, resolveFakerMethod } from './faker/methods.ts';

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
  /** Python methods: their keyword arguments (bothify `text`, `letters`; random_int `min`, `max`;
   * text `max_nb_chars`...). faker-js paths: the options object, or `_: [...]` positional args. */
  args?: Record<string, unknown>;
}

export class FakerColumn {
  readonly method: string;
  private readonly key: number;
  private readonly args: Args;
  private readonly refDate: number | undefined;
  private readonly defaultLocale: string;
  private readonly gens = new Map<string, Gen>();
  private readonly byCode = new Map<string, Gen>();
  private readonly draw = new Draw();

  constructor(opts: FakerColumnOptions, key: number) {
    const r = resolveFakerMethod(opts.method);
    if (!r.ok) {
      const hint = r.suggestions.length > 0 ? ` (did you mean ${r.suggestions.map((s) => `"${s}"`).join(', ')}?)` : '';
      throw new Error(`unknown faker method "${opts.method}"${hint}`);
    }
    this.method = r.canonical;
    this.key = key >>> 0;
    this.args = opts.args ?? {};
    this.refDate = opts.refDate;
    this.defaultLocale = opts.locale ? localeIdFor(opts.locale) : DEFAULT_LOCALE;
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
  fill(out: string[], start: number, n: number, localeCodes?: ArrayLike<string>): void {
    setFakerRefDate(this.refDate);
    const d = this.draw;
    const key = this.key;
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
}
