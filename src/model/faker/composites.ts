/**
 * Hand-written fast generators: names, e-mails, user names, uuid4, bothify-style patterns,
 * license plates, IPv4. Each is built once per (locale, args) and is a pure function of the Draw.
 */
import { type Draw, type Gen, WIDE_ONLY, choice, pool } from './draw.ts';
import { countryOfLocale } from './locale-ids.ts';
import type { LocaleData } from './locale-data.ts';

const HEX = '0123456789abcdef';
const HEX2: string[] = Array.from({ length: 256 }, (_, i) => HEX[i >> 4] + HEX[i & 15]);
const DIGITS = '0123456789';
const ASCII_LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

let HEX4: string[] | undefined;
function hex4Table(): string[] {
  if (!HEX4) HEX4 = Array.from({ length: 65536 }, (_, i) => HEX2[i >> 8] + HEX2[i & 255]);
  return HEX4;
}

/** uuid4 from four keyed words: 122 random bits, version 4, RFC 4122 variant. */
export const uuid4: Gen = (d) => {
  const H = HEX4 ?? hex4Table();
  const a = d.wide(0);
  const b = d.wide(1);
  const c = d.wide(2);
  const e = d.wide(3);
  return (
    H[a >>> 16] + H[a & 0xffff] + '-' + H[b >>> 16] + '-' + H[0x4000 | (b & 0x0fff)] + '-' +
    H[0x8000 | (c >>> 18)] + '-' + H[c & 0xffff] + H[e >>> 16] + H[e & 0xffff]
  );
};

WIDE_ONLY.add(uuid4);

export const ipv4: Gen = (d) => {
  const w = d.u32();
  return `${w >>> 24}.${(w >>> 16) & 255}.${(w >>> 8) & 255}.${w & 255}`;
};

/**
 * Python Faker's pattern methods: numerify ('#' 0-9, '%' 1-9, '!' 0-9 or nothing, '@' 1-9 or
 * nothing), lexify ('?' a letter from `letters`), bothify (both), hexify ('^' hex digit).
 */
export function patternGen(text: string, opts: { numbers: boolean; letters: string | null; hex: boolean; upper?: boolean }): Gen {
  type Op = string | 0 | 1 | 2 | 3 | 4 | 5;
  const ops: Op[] = [];
  for (const ch of text) {
    if (opts.numbers && ch === '#') ops.push(0);
    else if (opts.numbers && ch === '%') ops.push(1);
    else if (opts.numbers && ch === '!') ops.push(2);
    else if (opts.numbers && ch === '@') ops.push(3);
    else if (opts.letters !== null && ch === '?') ops.push(4);
    else if (opts.hex && ch === '^') ops.push(5);
    else ops.push(ch);
  }
  const letters = opts.letters ?? ASCII_LETTERS;
  const nl = letters.length;
  const hex = opts.upper ? HEX.toUpperCase() : HEX;
  const n = ops.length;
  if (ops.every((o) => typeof o === 'string')) return () => text;
  return (d: Draw) => {
    let s = '';
    for (let i = 0; i < n; i++) {
      const op = ops[i];
      switch (op) {
        case 0: s += DIGITS[d.int(10)]; break;
        case 1: s += DIGITS[1 + d.int(9)]; break;
        case 2: { const k = d.int(11); if (k < 10) s += DIGITS[k]; break; }
        case 3: { const k = d.int(10); if (k > 0) s += DIGITS[k]; break; }
        case 4: s += letters[d.int(nl)]; break;
        case 5: s += hex[d.int(16)]; break;
        default: s += op;
      }
    }
    return s;
  };
}

const PLATES: Record<string, string[]> = {
  US: ['###-???', '???-####', '#??-###', '???-###', '#???###', '### ???'],
  CA: ['???-###', '??? ###', '#??-###'],
  GB: ['??## ???'], IE: ['###-?-####', '##-??-####'],
  DE: ['? ?? ###', '?? ?? ####', '??? ? ##', '? ? ####', '?? ? ###'],
  AT: ['? ##.###?', '?? ### ?'], CH: ['?? ######', '?? #####'],
  FR: ['??-###-??'], IT: ['?? ###??'], ES: ['#### ???'], PT: ['##-??-##'],
  NL: ['##-???-#', '?-###-??', '??-###-?', '#-???-##'], BE: ['#-???-###'],
  PL: ['?? #####', '??? ####', '?? ####?'], CZ: ['#?# ####'], SK: ['??-###??'],
  SE: ['??? ###', '??? ##?'], NO: ['?? #####'], DK: ['?? ## ###'], FI: ['???-###'],
  RU: ['?###?? ##', '?###?? ###'], CN: ['?·#####', '?·?####'], JP: ['##-##'],
  AU: ['???-###', '#??-#??'], BR: ['???#?##'], MX: ['???-###-?'],
};

export function licensePlate(L: LocaleData): Gen {
  const formats = PLATES[countryOfLocale(L.id)] ?? PLATES.US;
  return choice(formats.map((f) => patternGen(f, { numbers: true, letters: UPPER, hex: false })));
}

function randInt(d: Draw, lo: number, span: number): number {
  return lo + d.int(span);
}

/**
 * The local part of an e-mail (also Python's user_name) from ASCII-folded first/last names of the
 * row's sex: first.last, first_last, jsmith42, first1987, ... Locales whose names have no ASCII
 * form (zh_CN, ja, ...) get 'user' + digits.
 */
export function localPart(L: LocaleData): Gen {
  const [ff, fm] = L.firstFold;
  const [lf, lm] = L.lastFold;
  const drawn = ff.length > 0 && fm.length > 0 && lf.length > 0 && lm.length > 0;
  return (d) => {
    if (d.first !== null || d.last !== null) return shape(d, d.first || d.last!, d.last || d.first!);
    if (!drawn) return 'user' + randInt(d, 1000, 99999000);
    const female = d.sex === 0;
    const fp = female ? ff : fm;
    const lp = female ? lf : lm;
    return shape(d, fp[d.int(fp.length)], lp[d.int(lp.length)]);
  };
}

/** One of the earlier tool's user-name shapes for folded names f, l (first.last, jsmith42, …). */
function shape(d: Draw, f: string, l: string): string {
  switch (d.int(16)) {
    case 0: case 1: case 2: case 3: return f + '.' + l;
    case 4: return f + '_' + l;
    case 5: return f + l;
    case 6: case 7: return f + '.' + l + randInt(d, 1, 99);
    case 8: case 9: return f + randInt(d, 1, 9999);
    case 10: return f[0] + l;
    case 11: case 12: return f[0] + l + randInt(d, 1, 999);
    case 13: return l + '.' + f;
    case 14: return l + randInt(d, 10, 90);
    default: return f + '.' + l + randInt(d, 1950, 60);
  }
}

export function email(L: LocaleData, domains?: readonly string[]): Gen {
  const local = localPart(L);
  const dom = domains ?? L.emailDomains;
  const nd = dom.length;
  return (d) => local(d) + '@' + dom[d.int(nd)];
}

/** company_email: the local part at a company-like domain ('smith-jones.com'). */
export function companyEmail(L: LocaleData): Gen {
  const local = localPart(L);
  const internet = (L.defs.internet ?? {}) as Record<string, unknown>;
  const suffixes = Array.isArray(internet.domain_suffix) && internet.domain_suffix.length > 0
    ? (internet.domain_suffix as string[])
    : ['com', 'net', 'org', 'biz'];
  const [lf, lm] = L.lastFold;
  const names = [...new Set([...lf, ...lm])];
  if (names.length === 0) return email(L);
  const name = pool(names);
  const suffix = pool(suffixes);
  return (d) => local(d) + '@' + name(d) + '.' + suffix(d);
}

/** A name with the row's sex forced (first_name_female, name_male, ...). */
export function withSex(g: Gen, sex: 0 | 1): Gen {
  return (d) => {
    d.sex = sex;
    return g(d);
  };
}

/** Python random_int(min=0, max=9999, step=1). */
export function randomInt(args: Record<string, unknown>): Gen {
  const min = Math.ceil(Number(args.min ?? 0));
  const max = Math.floor(Number(args.max ?? 9999));
  const step = Math.max(1, Math.floor(Number(args.step ?? 1)));
  if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) {
    throw new Error(`random_int: invalid range min=${String(args.min)} max=${String(args.max)}`);
  }
  const count = Math.floor((max - min) / step) + 1;
  if (count <= 2097152) return (d) => String(min + step * d.int(count));
  return (d) => String(min + step * Math.floor(((d.u32() * 4294967296 + d.u32()) / 18446744073709552000) * count));
}
