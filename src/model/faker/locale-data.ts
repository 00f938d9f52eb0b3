/**
 * Per-locale pools and compiled templates, built lazily from faker-js's locale definitions and
 * cached module-wide. Templates are faker's own patterns ("{{person.lastName}} {{company.
 * legal_entity_type}}", "!##-!##-####") compiled once into generator closures over Draw.
 */
import { fakerFor } from './lib.ts';
import { type Draw, type Gen, choice, constant, pool, seq } from './draw.ts';
import { asciiFold } from './text.ts';

type Defs = Record<string, Record<string, unknown> | undefined>;
type Sexed = { generic?: string[]; female?: string[]; male?: string[] };
type Weighted = { value: string; weight: number }[];

const MAX_DEPTH = 6;
const DIGITS = '0123456789';

/** Aliases from faker-js method names used in patterns to the definition that backs them. */
const REF_ALIAS: Record<string, string> = {
  'location.city': 'location.city_pattern',
  'location.street': 'location.street_pattern',
  'location.streetAddress': 'location.street_address.normal',
  'person.fullName': 'person.name',
  'company.name': 'company.name_pattern',
};

function snake(s: string): string {
  return s.replace(/[A-Z]/g, (m) => '_' + m.toLowerCase());
}

function uniq(xs: readonly string[]): string[] {
  return [...new Set(xs.filter((x) => typeof x === 'string' && x.length > 0))];
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string');
}

function isWeighted(v: unknown): v is Weighted {
  return (
    Array.isArray(v) &&
    v.length > 0 &&
    v.every((x) => x && typeof x === 'object' && typeof (x as { value?: unknown }).value === 'string')
  );
}

function isSexed(v: unknown): v is Sexed {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return false;
  const o = v as Sexed;
  return isStringArray(o.generic) || isStringArray(o.female) || isStringArray(o.male);
}

/** Literal text with faker's phone symbols: '#' any digit, '!' 2-9. */
function numerified(text: string): Gen {
  if (!/[#!]/.test(text)) return constant(text);
  const ops: (string | 0 | 1)[] = [];
  for (const ch of text) ops.push(ch === '#' ? 0 : ch === '!' ? 1 : ch);
  const n = ops.length;
  return (d) => {
    let s = '';
    for (let i = 0; i < n; i++) {
      const op = ops[i];
      if (op === 0) s += DIGITS[d.int(10)];
      else if (op === 1) s += DIGITS[2 + d.int(8)];
      else s += op;
    }
    return s;
  };
}

export class LocaleData {
  readonly id: string;
  readonly defs: Defs;
  /** [female, male] first-name pools (generic names merged into both). */
  readonly first: [string[], string[]];
  /** [female, male] base last-name pools (no double names). */
  readonly last: [string[], string[]];
  /** ASCII-folded first/last pools for e-mails; empty when the script has no ASCII mapping. */
  readonly firstFold: [string[], string[]];
  readonly lastFold: [string[], string[]];
  readonly emailDomains: string[];
  readonly firstName: Gen;
  readonly lastName: Gen;
  readonly middleName: Gen | null;
  readonly fullName: Gen;
  private readonly refs = new Map<string, Gen | null>();

  constructor(id: string) {
    this.id = id;
    this.defs = fakerFor(id).rawDefinitions as unknown as Defs;
    const person = (this.defs.person ?? {}) as Record<string, unknown>;
    this.first = sexedPools(person.first_name);
    this.last = sexedPools(person.last_name);
    this.firstFold = [foldPool(this.first[0]), foldPool(this.first[1])];
    this.lastFold = [foldPool(this.last[0]), foldPool(this.last[1])];
    const internet = (this.defs.internet ?? {}) as Record<string, unknown>;
    this.emailDomains = isStringArray(internet.free_email) ? internet.free_email : ['gmail.com', 'yahoo.com', 'hotmail.com'];

    const [ff, fm] = this.first;
    this.firstName = (d) => (d.sex === 0 ? ff[d.int(ff.length)] : fm[d.int(fm.length)]);
    this.lastName = this.compileLastName(person.last_name_pattern);
    this.middleName = isSexed(person.middle_name) ? sexedGen(person.middle_name) : null;
    this.fullName = this.compileFullName(person.name);
  }

  /** Faker's last_name_pattern per sex ('Smith-Jones', 'García López'), else the plain pools. */
  private compileLastName(patterns: unknown): Gen {
    const [lf, lm] = this.last;
    const plain: Gen = (d) => (d.sex === 0 ? lf[d.int(lf.length)] : lm[d.int(lm.length)]);
    if (!patterns || typeof patterns !== 'object') return plain;
    const p = patterns as Record<string, unknown>;
    const bySex = (k: 'female' | 'male'): Gen => {
      const w = p[k] ?? p.generic;
      if (!isWeighted(w)) return plain;
      const opts = w.map((o) => this.template(o.value, false, 0));
      if (opts.some((g) => g === null)) return plain;
      return choice(opts as Gen[], w.map((o) => o.weight));
    };
    const gf = bySex('female');
    const gm = bySex('male');
    return gf === gm ? gf : (d) => (d.sex === 0 ? gf(d) : gm(d));
  }

  /** Faker's person.name patterns without the prefix/suffix variants ('Dr.', 'Jr.'). */
  private compileFullName(patterns: unknown): Gen {
    const fallback = seq([this.firstName, constant(' '), this.lastName]);
    if (!isWeighted(patterns)) return fallback;
    const plain = patterns.filter((o) => !/prefix|suffix/.test(o.value));
    if (plain.length === 0) return fallback;
    const opts = plain.map((o) => this.template(o.value, false, 0));
    if (opts.some((g) => g === null)) return fallback;
    return choice(opts as Gen[], plain.map((o) => o.weight));
  }

  /** Compile a faker pattern; null when a reference cannot be served from the definitions. */
  template(src: string, numerify: boolean, depth: number): Gen | null {
    if (depth > MAX_DEPTH) return null;
    const parts: Gen[] = [];
    const re = /\{\{\s*([^{}]+?)\s*\}\}/g;
    let last = 0;
    for (let m = re.exec(src); m; m = re.exec(src)) {
      if (m.index > last) parts.push(this.literal(src.slice(last, m.index), numerify));
      const g = this.ref(m[1], numerify, depth + 1);
      if (!g) return null;
      parts.push(g);
      last = m.index + m[0].length;
    }
    if (last < src.length) parts.push(this.literal(src.slice(last), numerify));
    if (parts.length === 0) return constant('');
    return seq(parts);
  }

  private literal(text: string, numerify: boolean): Gen {
    return numerify ? numerified(text) : constant(text);
  }

  /** A generator for a pattern reference such as 'person.lastName' or 'company.legal_entity_type'. */
  ref(ref: string, numerify = false, depth = 0): Gen | null {
    const cacheKey = `${numerify ? 1 : 0}${ref}`;
    if (this.refs.has(cacheKey)) return this.refs.get(cacheKey)!;
    this.refs.set(cacheKey, null); // cycle guard
    const g = this.computeRef(ref, numerify, depth);
    this.refs.set(cacheKey, g);
    return g;
  }

  private computeRef(ref: string, numerify: boolean, depth: number): Gen | null {
    switch (ref) {
      case 'person.firstName':
      case 'person.first_name':
        return this.firstName;
      case 'person.lastName':
      case 'person.last_name':
        return this.lastName;
      case 'person.middleName':
      case 'person.middle_name':
        return this.middleName;
    }
    const path = (REF_ALIAS[ref] ?? ref).split('.');
    if (path.length < 2) return null;
    let v: unknown = this.defs[path[0]];
    for (let i = 1; i < path.length && v !== undefined; i++) {
      v = (v as Record<string, unknown>)[i === 1 ? snake(path[i]) : path[i]];
    }
    return this.valueGen(v, numerify, depth);
  }

  private valueGen(v: unknown, numerify: boolean, depth: number): Gen | null {
    if (isStringArray(v)) {
      if (!v.some((s) => s.includes('{{') || (numerify && /[#!]/.test(s)))) return pool(v);
      const opts = v.map((s) => this.template(s, numerify, depth));
      return opts.some((g) => g === null) ? null : choice(opts as Gen[]);
    }
    if (isWeighted(v)) {
      const opts = v.map((o) => this.template(o.value, numerify, depth));
      return opts.some((g) => g === null) ? null : choice(opts as Gen[], v.map((o) => o.weight));
    }
    if (isSexed(v)) return sexedGen(v);
    return null;
  }
}

function sexedPools(v: unknown): [string[], string[]] {
  const o = (isSexed(v) ? v : {}) as Sexed;
  const generic = o.generic ?? [];
  const female = uniq([...(o.female ?? o.male ?? []), ...generic]);
  const male = uniq([...(o.male ?? o.female ?? []), ...generic]);
  const f = female.length > 0 ? female : ['Alex'];
  const m = male.length > 0 ? male : ['Alex'];
  return [f, m];
}

function sexedGen(v: Sexed): Gen {
  const [f, m] = sexedPools(v);
  return (d: Draw) => (d.sex === 0 ? f[d.int(f.length)] : m[d.int(m.length)]);
}

/** Folded names usable in an e-mail (at least two ASCII letters), deduplicated. */
function foldPool(names: string[]): string[] {
  return uniq(names.map(asciiFold).filter((s) => /[a-z].*[a-z]/.test(s) && s.length <= 24));
}

const LOCALE_DATA = new Map<string, LocaleData>();

/** The cached LocaleData for a faker-js locale id. */
export function localeData(id: string): LocaleData {
  let d = LOCALE_DATA.get(id);
  if (!d) {
    d = new LocaleData(id);
    LOCALE_DATA.set(id, d);
  }
  return d;
}
