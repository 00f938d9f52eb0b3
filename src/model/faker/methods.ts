/**
 * The accepted method names: Python Faker names (the earlier tool's vocabulary) and every
 * faker-js "module.method" path. A Python name maps to a fast composite generator when one
 * exists for the locale, else to a faker-js call run through the keyed randomizer.
 */
import type { Faker } from '@faker-js/faker';
import { closest } from '../closest.ts';
import {
  companyEmail, email, ipv4, licensePlate, localPart, patternGen, randomInt, uuid4, withSex,
} from './composites.ts';
import type { Gen } from './draw.ts';
import { type FakerCall, dottedMethodNames } from './fakerjs.ts';
import { countryOfLocale } from './locale-ids.ts';
import type { LocaleData } from './locale-data.ts';

export type Args = Record<string, unknown>;

export interface PythonMethod {
  /** Fast generator for a locale; null when the locale's data does not support it. */
  composite?: (L: LocaleData, args: Args) => Gen | null;
  /** faker-js call used when there is no composite (or it returned null). */
  fake?: (args: Args) => FakerCall;
}

const str = (v: unknown, dflt: string): string => (typeof v === 'string' ? v : dflt);
const num = (v: unknown, dflt: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : dflt);
/** Python's `letters` argument; default string.ascii_letters. */
const letters = (a: Args): string =>
  typeof a.letters === 'string' && a.letters.length > 0 ? a.letters : 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const call = (fn: (f: Faker) => unknown) => () => fn;

function address(f: Faker, country: string): string {
  const street = f.location.streetAddress();
  const city = f.location.city();
  const zip = f.location.zipCode();
  if (country === 'US' || country === 'CA' || country === 'AU') {
    return `${street}, ${city}, ${f.location.state({ abbreviated: true })} ${zip}`;
  }
  if (country === 'GB' || country === 'IE') return `${street}, ${city}, ${zip}`;
  return `${street}, ${zip} ${city}`;
}

/** Python text(max_nb_chars=200): whole lorem sentences up to the limit. */
function text(f: Faker, max: number): string {
  let out = '';
  for (let k = 0; k < 64; k++) {
    const s = f.lorem.sentence();
    const next = out ? `${out} ${s}` : s;
    if (next.length > max) break;
    out = next;
  }
  if (out === '') out = `${f.lorem.word().slice(0, Math.max(1, max - 1))}.`;
  return out;
}

function hexString(len: number): (args: Args) => FakerCall {
  return () => (f) => f.string.hexadecimal({ length: len, casing: 'lower', prefix: '' });
}

const PY: Record<string, PythonMethod> = {
  // person
  name: { composite: (L) => L.fullName },
  first_name: { composite: (L) => L.firstName },
  last_name: { composite: (L) => L.lastName },
  first_name_female: { composite: (L) => withSex(L.firstName, 0) },
  first_name_male: { composite: (L) => withSex(L.firstName, 1) },
  last_name_female: { composite: (L) => withSex(L.lastName, 0) },
  last_name_male: { composite: (L) => withSex(L.lastName, 1) },
  name_female: { composite: (L) => withSex(L.fullName, 0) },
  name_male: { composite: (L) => withSex(L.fullName, 1) },
  prefix: { fake: call((f) => f.person.prefix()) },
  suffix: { fake: call((f) => f.person.suffix()) },
  job: { fake: call((f) => f.person.jobTitle()) },
  // internet
  email: { composite: (L) => email(L) },
  free_email: { composite: (L) => email(L) },
  ascii_email: { composite: (L) => email(L) },
  safe_email: { composite: (L) => email(L, ['example.com', 'example.net', 'example.org']) },
  company_email: { composite: (L) => companyEmail(L) },
  user_name: { composite: (L) => localPart(L) },
  domain_name: { fake: call((f) => f.internet.domainName()) },
  domain_word: { fake: call((f) => f.internet.domainWord()) },
  url: { fake: call((f) => f.internet.url()) },
  uri: { fake: call((f) => `${f.internet.url({ appendSlash: true })}${f.lorem.slug()}`) },
  ipv4: { composite: () => ipv4 },
  ipv6: { fake: call((f) => f.internet.ipv6()) },
  mac_address: { fake: call((f) => f.internet.mac()) },
  user_agent: { fake: call((f) => f.internet.userAgent()) },
  password: { fake: (a) => (f) => f.internet.password({ length: num(a.length, 10) }) },
  slug: { fake: call((f) => f.lorem.slug()) },
  emoji: { fake: call((f) => f.internet.emoji()) },
  // company
  company: {
    composite: (L) => (Array.isArray(L.defs.company?.name_pattern) ? L.ref('company.name_pattern') : null),
    fake: call((f) => f.company.name()),
  },
  company_suffix: { composite: (L) => L.ref('company.legal_entity_type'), fake: call(() => 'Inc') },
  catch_phrase: { fake: call((f) => f.company.catchPhrase()) },
  bs: { fake: call((f) => f.company.buzzPhrase()) },
  // address
  address: { fake: () => (f) => address(f, countryOfLocale(f.getMetadata().code ?? 'en')) },
  street_address: { fake: call((f) => f.location.streetAddress()) },
  street_name: { fake: call((f) => f.location.street()) },
  building_number: { fake: call((f) => f.location.buildingNumber()) },
  secondary_address: { fake: call((f) => f.location.secondaryAddress()) },
  city: { fake: call((f) => f.location.city()) },
  state: { fake: call((f) => f.location.state()) },
  state_abbr: { fake: call((f) => f.location.state({ abbreviated: true })) },
  postcode: { fake: call((f) => f.location.zipCode()) },
  country: { fake: call((f) => f.location.country()) },
  country_code: { fake: call((f) => f.location.countryCode()) },
  latitude: { fake: call((f) => f.location.latitude()) },
  longitude: { fake: call((f) => f.location.longitude()) },
  // phone
  phone_number: {
    composite: (L) => {
      const fmt = (L.defs.phone_number?.format as Record<string, unknown> | undefined)?.human;
      return Array.isArray(fmt) ? L.ref('phone_number.format.human', true) : null;
    },
    fake: call((f) => f.phone.number()),
  },
  // ids and codes
  uuid4: { composite: () => uuid4 },
  bothify: { composite: (_L, a) => patternGen(str(a.text, '## ??'), { numbers: true, letters: letters(a), hex: false }) },
  numerify: { composite: (_L, a) => patternGen(str(a.text, '###'), { numbers: true, letters: null, hex: false }) },
  lexify: { composite: (_L, a) => patternGen(str(a.text, '????'), { numbers: false, letters: letters(a), hex: false }) },
  hexify: { composite: (_L, a) => patternGen(str(a.text, '^^^^'), { numbers: false, letters: null, hex: true, upper: a.upper === true }) },
  random_int: { composite: (_L, a) => randomInt(a) },
  license_plate: { composite: (L) => licensePlate(L) },
  ssn: { composite: () => patternGen('###-##-####', { numbers: true, letters: null, hex: false }) },
  iban: { fake: call((f) => f.finance.iban()) },
  bban: { fake: call((f) => f.finance.accountNumber(10)) },
  swift: { fake: call((f) => f.finance.bic()) },
  credit_card_number: { fake: call((f) => f.finance.creditCardNumber()) },
  credit_card_provider: { fake: call((f) => f.finance.creditCardIssuer()) },
  credit_card_security_code: { fake: call((f) => f.finance.creditCardCVV()) },
  currency_code: { fake: call((f) => f.finance.currencyCode()) },
  currency_name: { fake: call((f) => f.finance.currencyName()) },
  isbn13: { fake: call((f) => f.commerce.isbn(13)) },
  isbn10: { fake: call((f) => f.commerce.isbn(10)) },
  vin: { fake: call((f) => f.vehicle.vin()) },
  md5: { fake: hexString(32) },
  sha1: { fake: hexString(40) },
  sha256: { fake: hexString(64) },
  // text
  word: { composite: (L) => L.ref('lorem.word'), fake: call((f) => f.lorem.word()) },
  sentence: { fake: (a) => (f) => f.lorem.sentence(num(a.nb_words, 6)) },
  paragraph: { fake: (a) => (f) => f.lorem.paragraph(num(a.nb_sentences, 3)) },
  text: { fake: (a) => (f) => text(f, num(a.max_nb_chars, 200)) },
  // misc
  color_name: { fake: call((f) => f.color.human()) },
  hex_color: { fake: call((f) => f.color.rgb()) },
  file_name: { fake: call((f) => f.system.fileName()) },
  file_extension: { fake: call((f) => f.system.fileExt()) },
  file_path: { fake: call((f) => f.system.filePath()) },
  mime_type: { fake: call((f) => f.system.mimeType()) },
  // more Python Faker names (dates are rendered as ISO text; faker's reference "now" is fixed)
  date: { fake: call((f) => f.date.past({ years: 30 }).toISOString().slice(0, 10)) },
  date_time: { fake: call((f) => f.date.past({ years: 30 }).toISOString().slice(0, 19).replace('T', ' ')) },
  iso8601: { fake: call((f) => f.date.past({ years: 30 }).toISOString().slice(0, 19)) },
  date_of_birth: { fake: call((f) => f.date.birthdate().toISOString().slice(0, 10)) },
  time: { fake: call((f) => f.date.past().toISOString().slice(11, 19)) },
  year: { fake: call((f) => String(f.date.past({ years: 30 }).getUTCFullYear())) },
  month_name: { fake: call((f) => f.date.month()) },
  day_of_week: { fake: call((f) => f.date.weekday()) },
  boolean: { fake: call((f) => String(f.datatype.boolean())) },
  pyint: { fake: (a) => (f) => String(f.number.int({ min: num(a.min_value, 0), max: num(a.max_value, 9999) })) },
  pystr: { fake: (a) => (f) => f.string.alpha(num(a.max_chars, 20)) },
  random_number: { fake: (a) => (f) => String(f.number.int({ min: 0, max: 10 ** num(a.digits, 9) - 1 })) },
  random_element: { fake: (a) => (f) => String(f.helpers.arrayElement(Array.isArray(a.elements) && a.elements.length ? a.elements : ['a', 'b', 'c'])) },
  words: { fake: (a) => (f) => f.lorem.words(num(a.nb, 3)) },
  ean13: { fake: call((f) => f.string.numeric(13)) },
  ean8: { fake: call((f) => f.string.numeric(8)) },
  msisdn: { fake: call((f) => f.string.numeric(13)) },
  language_code: { fake: call((f) => f.location.language().alpha2) },
  timezone: { fake: call((f) => f.location.timeZone()) },
  coordinate: { fake: call((f) => String(f.location.latitude())) },
  cryptocurrency_code: { fake: call((f) => f.helpers.arrayElement(['BTC', 'ETH', 'USDT', 'BNB', 'SOL', 'XRP', 'ADA', 'DOGE'])) },
  free_email_domain: { fake: call((f) => f.helpers.arrayElement(['gmail.com', 'yahoo.com', 'hotmail.com', 'outlook.com'])) },
  street_suffix: { fake: call((f) => f.location.street().split(' ').pop() ?? 'Street') },
  country_calling_code: { fake: call((f) => `+${f.number.int({ min: 1, max: 998 })}`) },
};

/** Accepted alternative spellings → canonical Python name. */
const ALIASES: Record<string, string> = {
  zipcode: 'postcode',
  postalcode: 'postcode',
  zip_code: 'postcode',
  uuid: 'uuid4',
  username: 'user_name',
};

export function pythonMethod(name: string): PythonMethod | undefined {
  return PY[name];
}

let NAMES: string[] | undefined;

export function fakerMethodNames(): string[] {
  if (!NAMES) NAMES = [...Object.keys(PY), ...Object.keys(ALIASES), ...dottedMethodNames()];
  return NAMES.slice();
}

const DOTTED_SET = new Map<string, string>();

export function resolveFakerMethod(method: string): { ok: true; canonical: string } | { ok: false; suggestions: string[] } {
  const m = method.trim();
  if (Object.prototype.hasOwnProperty.call(PY, m)) return { ok: true, canonical: m };
  if (Object.prototype.hasOwnProperty.call(ALIASES, m)) return { ok: true, canonical: ALIASES[m] };
  if (DOTTED_SET.size === 0) for (const d of dottedMethodNames()) DOTTED_SET.set(d, d);
  const dotted = m.startsWith('faker.') ? m.slice(6) : m;
  const hit = DOTTED_SET.get(dotted);
  if (hit) return { ok: true, canonical: hit };
  const names = fakerMethodNames();
  let suggestions = closest(dotted, names, 3);
  if (suggestions.length === 0 && !dotted.includes('.')) {
    // 'fullName' → 'person.fullName': match the method part of dotted names.
    const lower = dotted.toLowerCase();
    suggestions = names.filter((n) => n.includes('.') && n.split('.')[1].toLowerCase() === lower).slice(0, 3);
  }
  return { ok: false, suggestions };
}
