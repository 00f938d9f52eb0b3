/**
 * Text columns. detectPii: personal data by the column name's tokens and the values' patterns → a faker method
 * datagen supports (src/model/faker/methods.ts). fitText: other free text → a pattern (`bothify` for values of
 * one shape, `helpers.fromRegExp` for codes of varying length) or lorem faker text (words, sentences).
 * Neither ever writes a source value into the spec; only characters every value shares at a position of a
 * fixed shape are kept as literals (and only when at least MIN_SHARED values hold them).
 */
import { fakerFor } from '../../model/faker/lib.ts';
import { sig } from './stats.ts';
import type { ColumnFit } from './types.ts';

/** A value pattern alone (no name token) identifies PII when at least this share of the values match. */
const PATTERN_SHARE = 0.9;
/** With a matching name token, this share of matching values is enough. */
const NAMED_SHARE = 0.5;
/** A literal character of a shape is kept only if at least this many sample values hold it. */
const MIN_SHARED = 5;

interface PiiRule {
  method: string;
  /** Column-name tokens (any matches), or sequences of tokens (all in order, adjacent). */
  names: string[][];
  /** Value pattern; absent: the name decides (values must still look like words). */
  test?: (v: string) => boolean;
  /** The value pattern alone is enough (distinctive formats). */
  strong?: boolean;
  /** Not personal data by itself (cities, states, countries): left to the categorical fit when the values repeat. */
  place?: boolean;
  what: string;
}

const EMAIL = /^[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^(?=.*:.*:)[0-9A-Fa-f:]{2,39}$/;
const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAC = /^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$/;
const URL = /^https?:\/\/[^\s]+$/i;
const SSN = /^\d{3}-\d{2}-\d{4}$/;
const PHONE = /^\+?[\d\s().\-x]{7,24}$/;
const PERSON = /^\p{Lu}[\p{L}'’.-]*(\s+\p{Lu}[\p{L}'’.-]*)*$/u;
const STREET = /\d/;
const PLACE = /^\p{L}[\p{L}'’. -]*$/u;

let FIRST_NAMES: Set<string> | undefined;
/** Whether a word is a first name of faker's English data (case-insensitive). */
function isFirstName(w: string): boolean {
  if (!FIRST_NAMES) {
    const d = fakerFor('en').rawDefinitions.person?.first_name as Record<string, string[]> | string[] | undefined;
    const lists = Array.isArray(d) ? [d] : Object.values(d ?? {});
    FIRST_NAMES = new Set(lists.flat().map((x) => x.toLowerCase()));
  }
  return FIRST_NAMES.has(w.toLowerCase());
}

/** Whether the values repeat like a category: those held by ≥ MIN_SHARED sample rows cover 90 % of the sample. */
function repeats(values: string[]): boolean {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let covered = 0;
  for (const c of counts.values()) if (c >= MIN_SHARED) covered += c;
  return covered >= 0.9 * values.length;
}

function digits(v: string): string {
  return v.replace(/\D/g, '');
}

/** Luhn checksum of a card number's digits. */
function luhn(d: string): boolean {
  let sum = 0;
  for (let i = 0; i < d.length; i++) {
    let x = d.charCodeAt(d.length - 1 - i) - 48;
    if (i % 2 === 1) x = x * 2 > 9 ? x * 2 - 9 : x * 2;
    sum += x;
  }
  return sum % 10 === 0;
}

const RULES: PiiRule[] = [
  { method: 'email', names: [['email'], ['mail'], ['e', 'mail']], test: (v) => EMAIL.test(v), strong: true, what: 'e-mail addresses' },
  { method: 'ipv4', names: [['ip'], ['ipv4'], ['ip', 'address']], test: (v) => IPV4.test(v), strong: true, what: 'IPv4 addresses' },
  { method: 'ipv6', names: [['ipv6']], test: (v) => IPV6.test(v) && v.includes(':'), strong: true, what: 'IPv6 addresses' },
  { method: 'iban', names: [['iban']], test: (v) => IBAN.test(v.replace(/\s/g, '')), strong: true, what: 'IBANs' },
  { method: 'credit_card_number', names: [['card'], ['cc'], ['pan'], ['credit', 'card']], test: (v) => /^[\d\s-]+$/.test(v) && digits(v).length >= 13 && digits(v).length <= 19 && luhn(digits(v)), strong: true, what: 'card numbers (Luhn-valid)' },
  { method: 'uuid4', names: [['uuid'], ['guid']], test: (v) => UUID.test(v), strong: true, what: 'UUIDs' },
  { method: 'mac_address', names: [['mac']], test: (v) => MAC.test(v), strong: true, what: 'MAC addresses' },
  { method: 'url', names: [['url'], ['website'], ['homepage'], ['link']], test: (v) => URL.test(v), strong: true, what: 'URLs' },
  { method: 'ssn', names: [['ssn'], ['social', 'security']], test: (v) => SSN.test(v), what: 'social security numbers' },
  { method: 'phone_number', names: [['phone'], ['telephone'], ['tel'], ['mobile'], ['cell'], ['fax'], ['msisdn']], test: (v) => PHONE.test(v) && digits(v).length >= 7, what: 'phone numbers' },
  { method: 'first_name', names: [['first', 'name'], ['firstname'], ['given', 'name'], ['forename']], test: (v) => PERSON.test(v.trim()), what: 'first names' },
  { method: 'last_name', names: [['last', 'name'], ['lastname'], ['surname'], ['family', 'name']], test: (v) => PERSON.test(v.trim()), what: 'last names' },
  { method: 'name', names: [['full', 'name'], ['fullname'], ['person'], ['customer', 'name'], ['contact', 'name'], ['employee', 'name'], ['user', 'full', 'name']], test: (v) => PERSON.test(v.trim()) && /\s/.test(v.trim()), what: 'full names' },
  // A bare "name" is a person's only when the values start with known first names (an airport's or a product's name does not).
  { method: 'name', names: [['name']], test: (v) => PERSON.test(v.trim()) && /\s/.test(v.trim()) && isFirstName(v.trim().split(/\s+/)[0]!), what: 'full names starting with a known first name' },
  { method: 'user_name', names: [['username'], ['user', 'name'], ['login'], ['handle'], ['nickname']], test: (v) => /^[A-Za-z0-9._-]{2,40}$/.test(v), what: 'user names' },
  { method: 'street_address', names: [['street'], ['street', 'address'], ['address', 'line'], ['address1'], ['addr']], test: (v) => STREET.test(v) && /\p{L}/u.test(v), what: 'street addresses' },
  { method: 'address', names: [['address']], test: (v) => STREET.test(v) && /\p{L}/u.test(v), what: 'addresses' },
  { method: 'postcode', names: [['zip'], ['zipcode'], ['postcode'], ['postal', 'code'], ['zip', 'code']], test: (v) => /^[A-Za-z0-9 -]{3,10}$/.test(v) && /\d/.test(v), what: 'postcodes' },
  { method: 'city', names: [['city'], ['town'], ['municipality']], test: (v) => PLACE.test(v.trim()), place: true, what: 'place names' },
  { method: 'state', names: [['state'], ['province']], test: (v) => PLACE.test(v.trim()), place: true, what: 'place names' },
  { method: 'country', names: [['country']], test: (v) => PLACE.test(v.trim()) && v.trim().length > 3, place: true, what: 'country names' },
];

/** Tokens that make a "…_name" column something other than a person's name. */
const NOT_PERSON = new Set([
  'product', 'company', 'brand', 'item', 'file', 'host', 'domain', 'city', 'country', 'state', 'region', 'street', 'category',
  'plan', 'campaign', 'team', 'group', 'org', 'organization', 'organisation', 'store', 'shop', 'merchant', 'event', 'app',
  'device', 'model', 'table', 'column', 'project', 'account', 'airport', 'carrier', 'airline', 'station', 'site', 'page',
  'feature', 'tier', 'sku', 'department', 'dept', 'role', 'title', 'job', 'course', 'school', 'vendor', 'supplier',
]);

/** Lower-case tokens of a column name: snake_case, kebab-case, camelCase and digits split. */
export function nameTokens(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function nameMatches(tokens: string[], names: string[][]): boolean {
  return names.some((seq) => {
    if (seq.length === 1) return tokens.includes(seq[0]!);
    for (let i = 0; i + seq.length <= tokens.length; i++) if (seq.every((t, j) => tokens[i + j] === t)) return true;
    return false;
  });
}

/**
 * A faker generator for a column holding personal data, or null. A column whose name has a rule's token needs
 * NAMED_SHARE of its values to match the rule's pattern; a distinctive pattern (e-mail, IP, IBAN, Luhn-valid
 * card number, UUID, MAC, URL) identifies the column alone at PATTERN_SHARE. Names win over other rules in the
 * order of RULES (first name before full name). Places (city, state, country) are no personal data: when their
 * values repeat like a category (values held by ≥ 5 sample rows cover 90 % of it) the column is left to
 * fitCategorical (null here), else faker's place of that kind.
 */
export function detectPii(columnName: string, sample: string[]): ColumnFit | null {
  const values = sample.filter((v) => typeof v === 'string' && v.trim() !== '');
  const tokens = nameTokens(columnName);
  const share = (r: PiiRule) => (values.length && r.test ? values.filter(r.test).length / values.length : 0);
  for (const r of RULES) {
    if (!nameMatches(tokens, r.names)) continue;
    if (r.method === 'name' && tokens.some((t) => NOT_PERSON.has(t))) continue;
    if (values.length && r.test && share(r) < NAMED_SHARE) continue;
    if (r.place && repeats(values)) continue;
    const s = share(r);
    return {
      generator: { faker: { method: r.method } },
      evidence: { n: values.length, family: `faker:${r.method}`, score: sig(s, 3), note: `column name "${columnName}" and ${sig(100 * s, 3)} % of ${values.length} values look like ${r.what}` },
    };
  }
  if (!values.length) return null;
  for (const r of RULES) {
    if (!r.strong) continue;
    const s = share(r);
    if (s >= PATTERN_SHARE) {
      return {
        generator: { faker: { method: r.method } },
        evidence: { n: values.length, family: `faker:${r.method}`, score: sig(s, 3), note: `${sig(100 * s, 3)} % of ${values.length} values look like ${r.what}` },
      };
    }
  }
  return null;
}

/** Character class of a shape: '#' digit, '?' letter, else the character itself. */
function shapeOf(v: string): string {
  let out = '';
  for (const ch of v) out += /\d/.test(ch) ? '#' : /[A-Za-z]/.test(ch) ? '?' : ch;
  return out;
}

/**
 * Free text: values of one shape (≥ 90 % share it: letters and digits at the same places, e.g. "DEV-0042-XK")
 * become `bothify` with that shape (a position every value has the same character at keeps it, if MIN_SHARED
 * values exist); codes without spaces become `helpers.fromRegExp` over their characters and length range; words
 * and sentences become lorem `word`, `sentence` or `text` of a similar length.
 */
export function fitText(sample: string[]): ColumnFit {
  const values = sample.filter((v) => typeof v === 'string' && v !== '');
  const n = values.length;
  if (n === 0) return { generator: { faker: { method: 'word' } }, evidence: { n: 0, family: 'faker:word', note: 'no values: words' } };
  const shapes = new Map<string, number>();
  for (const v of values) shapes.set(shapeOf(v), (shapes.get(shapeOf(v)) ?? 0) + 1);
  const [topShape, topCount] = [...shapes.entries()].sort((a, b) => b[1] - a[1])[0]!;
  const hasSpace = values.filter((v) => /\s/.test(v)).length / n;
  // A shape of letters only is words, not a code.
  if (topCount / n >= 0.9 && /[#?]/.test(topShape) && !/^\?+$/.test(topShape) && hasSpace < 0.5) {
    const ofShape = values.filter((v) => shapeOf(v) === topShape).map((v) => [...v]);
    // Per position: a character every value of the shape has there (kept only when MIN_SHARED values exist), else
    // a digit or a letter.
    const slots = [...topShape].map((c, i): { literal: string } | { digit: boolean } => {
      const first = ofShape[0]![i]!;
      if (c !== '#' && c !== '?') return { literal: first };
      return ofShape.length >= MIN_SHARED && ofShape.every((v) => v[i] === first) ? { literal: first } : { digit: c === '#' };
    });
    const letters = ofShape.flatMap((v) => v.filter((c) => /[A-Za-z]/.test(c)));
    const upper = letters.length > 0 && letters.every((c) => c === c.toUpperCase());
    const lower = letters.length > 0 && letters.every((c) => c === c.toLowerCase());
    const letterSet = upper ? { letters: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ' } : lower ? { letters: 'abcdefghijklmnopqrstuvwxyz' } : {};
    const evidence = { n, family: 'pattern', score: sig(topCount / n, 3), note: `${sig((100 * topCount) / n, 3)} % of values have the shape "${topShape}"` };
    // bothify reads # ? % ! @ itself, faker's regular expressions . + * ? [ ] { } \ : a shape with a literal
    // character bothify would misread becomes a regular expression of raw characters, unless that misreads one too
    // (then the shape is not used).
    const literals = slots.flatMap((x) => ('literal' in x ? [x.literal] : [])).join('');
    const bothifySafe = !/[#?%!@]/.test(literals);
    const regexSafe = !/[?.+*[\]{}\\]/.test(literals);
    if (!bothifySafe && regexSafe) {
      const cls = upper ? 'A-Z' : lower ? 'a-z' : 'A-Za-z';
      let re = '';
      for (let i = 0; i < slots.length; ) {
        const x = slots[i]!;
        if ('literal' in x) {
          re += x.literal;
          i++;
          continue;
        }
        let j = i;
        while (j < slots.length && 'digit' in slots[j]! && (slots[j] as { digit: boolean }).digit === x.digit) j++;
        re += `${x.digit ? '[0-9]' : `[${cls}]`}{${j - i}}`;
        i = j;
      }
      return { generator: { faker: { method: 'helpers.fromRegExp', args: { _: [re] } } }, evidence };
    }
    if (bothifySafe) {
      const text = slots.map((x) => ('literal' in x ? x.literal : x.digit ? '#' : '?')).join('');
      return { generator: { faker: { method: 'bothify', args: { text, ...letterSet } } }, evidence };
    }
  }
  const lengths = values.map((v) => v.length).sort((a, b) => a - b);
  // Lower quantiles round down, upper ones up (so a handful of values keeps its shortest and longest length).
  const p = (q: number) => lengths[Math.min(n - 1, q < 0.5 ? Math.floor(q * (n - 1)) : Math.ceil(q * (n - 1)))]!;
  if (hasSpace < 0.1) {
    const all = values.join('');
    // A dash first in the class (faker's regular expressions read it there as a character).
    const cls = [/-/.test(all) ? '-' : '', /[A-Z]/.test(all) ? 'A-Z' : '', /[a-z]/.test(all) ? 'a-z' : '', /\d/.test(all) ? '0-9' : '', /_/.test(all) ? '_' : ''].join('');
    const lo = Math.min(1000, Math.max(1, p(0.01)));
    // Lengths within faker's bounds (a regular expression may not ask for more than 10,000 characters; 1,000 is plenty).
    const hi = Math.min(1000, Math.max(lo, p(0.99)));
    if (!/[a-z]/.test(all) || /\d/.test(all)) {
      const re = `[${cls || 'a-z'}]{${lo},${hi}}`;
      return { generator: { faker: { method: 'helpers.fromRegExp', args: { _: [re] } } }, evidence: { n, family: 'pattern', note: `codes of ${lo}–${hi} characters from ${cls}: a regular expression` } };
    }
    return { generator: { faker: { method: 'word' } }, evidence: { n, family: 'faker:word', note: 'single words' } };
  }
  const words = values.map((v) => v.trim().split(/\s+/).length);
  const meanWords = words.reduce((a, b) => a + b, 0) / n;
  if (p(0.9) <= 200 && meanWords <= 20) {
    return { generator: { faker: { method: 'sentence', args: { nb_words: Math.max(1, Math.round(meanWords)) } } }, evidence: { n, family: 'faker:sentence', note: `text of ${sig(meanWords, 3)} words on average` } };
  }
  return { generator: { faker: { method: 'text', args: { max_nb_chars: Math.min(10000, Math.max(5, p(0.9))) } } }, evidence: { n, family: 'faker:text', note: `text of up to ~${p(0.9)} characters` } };
}
