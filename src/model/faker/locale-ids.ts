/**
 * Locale resolution: a per-row country code ('DE', 'UK', 'USA'), a locale ('de_DE', 'pt-BR') or a
 * language ('de') → a faker-js locale id. Unknown or empty codes fall back to 'en'.
 */
import { localeIds } from './lib.ts';

const FALLBACK_LOCALE = 'en';
export const DEFAULT_LOCALE = 'en_US';

/** ISO 3166 alpha-2 (plus 'UK') → faker-js locale. */
const COUNTRY: Record<string, string> = {
  US: 'en_US', GB: 'en_GB', UK: 'en_GB', IE: 'en_IE', CA: 'en_CA', AU: 'en_AU', NZ: 'en_AU',
  IN: 'en_IN', NG: 'en_NG', ZA: 'en_ZA', GH: 'en_GH', HK: 'en_HK', NP: 'en_NP',
  DE: 'de', AT: 'de_AT', CH: 'de_CH', LI: 'de_CH',
  FR: 'fr', BE: 'nl_BE', LU: 'fr_LU', SN: 'fr_SN', MC: 'fr',
  NL: 'nl', CZ: 'cs_CZ', SK: 'sk', PL: 'pl', HU: 'hu', RO: 'ro', MD: 'ro_MD',
  ES: 'es', MX: 'es_MX', AR: 'es', CO: 'es', CL: 'es', PE: 'es', VE: 'es', EC: 'es', UY: 'es',
  IT: 'it', SM: 'it', PT: 'pt_PT', BR: 'pt_BR',
  SE: 'sv', NO: 'nb_NO', DK: 'da', FI: 'fi', LV: 'lv',
  RU: 'ru', BY: 'ru', KZ: 'ru', UA: 'uk', GR: 'el', CY: 'el', TR: 'tr',
  HR: 'hr', SI: 'sl_SI', RS: 'sr_RS_latin', MK: 'mk', MN: 'mn_MN_cyrl', GE: 'ka_GE', AM: 'hy',
  AZ: 'az', UZ: 'uz_UZ_latin',
  CN: 'zh_CN', TW: 'zh_TW', JP: 'ja', KR: 'ko', VN: 'vi', TH: 'th', ID: 'id_ID',
  BD: 'bn_BD', PK: 'ur', IR: 'fa', IL: 'he', MV: 'dv',
  SA: 'ar', AE: 'ar', EG: 'ar', JO: 'ar', QA: 'ar', KW: 'ar',
};

/** ISO 3166 alpha-3 → alpha-2 for the common ones. */
const ALPHA3: Record<string, string> = {
  USA: 'US', GBR: 'GB', IRL: 'IE', CAN: 'CA', AUS: 'AU', NZL: 'NZ', IND: 'IN', DEU: 'DE',
  AUT: 'AT', CHE: 'CH', FRA: 'FR', BEL: 'BE', NLD: 'NL', CZE: 'CZ', SVK: 'SK', POL: 'PL',
  HUN: 'HU', ROU: 'RO', ESP: 'ES', MEX: 'MX', ARG: 'AR', ITA: 'IT', PRT: 'PT', BRA: 'BR',
  SWE: 'SE', NOR: 'NO', DNK: 'DK', FIN: 'FI', RUS: 'RU', UKR: 'UA', GRC: 'GR', TUR: 'TR',
  CHN: 'CN', TWN: 'TW', JPN: 'JP', KOR: 'KR', VNM: 'VN', ZAF: 'ZA', NGA: 'NG',
};

/** faker-js locale ids by lower-case id (built on first use). */
let LOCALES: Map<string, string> | undefined;
function locales(): Map<string, string> {
  if (!LOCALES) {
    LOCALES = new Map();
    for (const id of localeIds()) LOCALES.set(id.toLowerCase(), id);
  }
  return LOCALES;
}

function viaLanguage(code: string): string | undefined {
  const norm = code.replace(/-/g, '_').toLowerCase();
  const exact = locales().get(norm);
  if (exact) return exact;
  const parts = norm.split('_');
  if (parts.length >= 2) {
    const lang = locales().get(parts[0]);
    if (lang) return lang;
    const byRegion = COUNTRY[parts[parts.length - 1].toUpperCase()];
    if (byRegion) return byRegion;
  }
  return undefined;
}

function viaCountry(code: string): string | undefined {
  const up = code.toUpperCase();
  return COUNTRY[up] ?? COUNTRY[ALPHA3[up] ?? ''];
}

function compute(code: string): string {
  const c = code.trim();
  if (c === '') return FALLBACK_LOCALE;
  // All-caps short codes are countries first ('UK' = Britain, not Ukrainian); otherwise languages.
  const countryFirst = /^[A-Z]{2,3}$/.test(c);
  const hit = countryFirst ? (viaCountry(c) ?? viaLanguage(c)) : (viaLanguage(c) ?? viaCountry(c));
  return hit ?? FALLBACK_LOCALE;
}

const cache = new Map<string, string>();

/** The faker-js locale id for a country code, locale or language; 'en' when unknown. */
export function localeIdFor(code: string | null | undefined): string {
  if (code == null) return FALLBACK_LOCALE;
  let id = cache.get(code);
  if (id === undefined) {
    id = compute(code);
    if (cache.size < 10000) cache.set(code, id);
  }
  return id;
}

/** Country (ISO alpha-2) a locale id stands for, used by license plates. */
export function countryOfLocale(id: string): string {
  const region = id.split('_')[1];
  if (region && /^[A-Z]{2}$/.test(region)) return region;
  const lang: Record<string, string> = {
    en: 'US', de: 'DE', fr: 'FR', es: 'ES', it: 'IT', pl: 'PL', nl: 'NL', sk: 'SK', hu: 'HU',
    ro: 'RO', sv: 'SE', da: 'DK', fi: 'FI', ru: 'RU', uk: 'UA', el: 'GR', tr: 'TR', ja: 'JP',
    ko: 'KR', vi: 'VN', th: 'TH', lv: 'LV', hr: 'HR', he: 'IL', fa: 'IR', ar: 'SA',
  };
  return lang[id.split('_')[0]] ?? 'US';
}
