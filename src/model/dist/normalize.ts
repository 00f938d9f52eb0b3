/**
 * `normalizeDist`: turns the user's `{type, params}` into canonical parameter names and values
 * (aliases resolved, defaults filled) and collects every problem in one pass — unknown names with a
 * "did you mean", missing required parameters, out-of-range values, cross-parameter conflicts.
 */
import { distance } from 'fastest-levenshtein';
import { DIST_RULES, type AliasRule, type DistRules, type ParamRule } from './params.ts';
import { DIST_NAMES, type DistName, type ParamProblem } from './types.ts';

export interface NormalizedDist {
  type: DistName;
  params: Record<string, number | string>;
  problems: ParamProblem[];
}
export interface UnknownDistType {
  unknownType: true;
  suggestions: string[];
}

/** Common names of the distributions in other tools, mapped to ours (only used for suggestions). */
const TYPE_SYNONYMS: Readonly<Record<string, string>> = {
  gaussian: 'normal', norm: 'normal', log_normal: 'lognormal', lognorm: 'lognormal',
  exp: 'exponential', expon: 'exponential', negbin: 'negative_binomial', nbinom: 'negative_binomial',
  neg_binomial: 'negative_binomial', negativebinomial: 'negative_binomial', binom: 'binomial',
  geom: 'geometric', zeta: 'zipf', triang: 'triangular', unif: 'uniform', pois: 'poisson',
};
const TYPE_CANDIDATES = [...DIST_NAMES, 'dirichlet', ...Object.keys(TYPE_SYNONYMS)];

function isDistName(type: string): type is DistName {
  return (DIST_NAMES as readonly string[]).includes(type);
}

/** Near names for an unknown distribution type, best first (at most 3). */
function suggestDistType(type: string): string[] {
  const wanted = type.trim().toLowerCase().replace(/[\s-]+/g, '_');
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  const scored: Array<[number, string]> = [];
  for (const cand of TYPE_CANDIDATES) {
    const d = distance(wanted, cand);
    const prefix = wanted.length >= 3 && cand.startsWith(wanted);
    if (d <= limit || prefix) scored.push([prefix ? Math.min(d, limit + 0.5) : d, TYPE_SYNONYMS[cand] ?? cand]);
  }
  scored.sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]));
  return [...new Set(scored.map((s) => s[1]))].slice(0, 3);
}

/**
 * Normalise a distribution's params. `dirichlet` is not a scalar distribution: route it to
 * `normalizeDirichlet` (here it is reported as an unknown type suggesting 'dirichlet').
 */
export function normalizeDist(type: string, params: Record<string, unknown>): NormalizedDist | UnknownDistType {
  if (!isDistName(type)) return { unknownType: true, suggestions: suggestDistType(type) };
  const rules = DIST_RULES[type];
  const problems: ParamProblem[] = [];
  const values = new Map<string, number | string>();
  const setBy = new Map<string, string>();
  for (const [key, raw] of Object.entries(params ?? {})) {
    const hit = findRule(rules, key);
    if (!hit) {
      problems.push(unknownParam(type, rules, key));
      continue;
    }
    const prev = setBy.get(hit.rule.name);
    if (prev !== undefined) {
      problems.push({ param: key, message: `"${key}" and "${prev}" both set ${hit.rule.name} (${hit.rule.what})`, hint: 'keep only one of them', kind: 'conflict' });
      continue;
    }
    setBy.set(hit.rule.name, key);
    const value = readValue(hit.rule, hit.alias, key, raw, problems);
    if (value !== undefined) values.set(hit.rule.name, value);
  }
  const out: Record<string, number | string> = {};
  for (const rule of rules.params) {
    const v = values.get(rule.name) ?? (setBy.has(rule.name) ? undefined : rule.def);
    if (v !== undefined) out[rule.name] = v;
    else if (!setBy.has(rule.name) && !rule.optional) problems.push(missing(type, rule));
  }
  if (problems.length === 0 && rules.cross) {
    const userName = (c: string) => setBy.get(c) ?? c;
    const bad = rules.cross(out, userName);
    if (bad) problems.push({ param: userName(bad.on), message: bad.message, hint: bad.hint, kind: 'conflict' });
  }
  return { type, params: out, problems };
}

function findRule(rules: DistRules, key: string): { rule: ParamRule; alias?: AliasRule } | null {
  for (const rule of rules.params) {
    if (rule.name === key) return { rule };
    const alias = rule.aliases.find((a) => a.name === key);
    if (alias) return { rule, alias };
  }
  return null;
}

function readValue(rule: ParamRule, alias: AliasRule | undefined, key: string, raw: unknown, problems: ParamProblem[]): number | string | undefined {
  const what = alias?.what ?? rule.what;
  if (rule.column && typeof raw === 'string') {
    if (raw.trim() !== '') return raw;
    problems.push({ param: key, message: `"${key}" is an empty column name`, hint: `give a number or the name of an earlier column (${what})`, kind: 'type' });
    return undefined;
  }
  if (typeof raw !== 'number' || !Number.isFinite(raw)) {
    const expected = rule.column ? 'a finite number or a column name' : 'a finite number';
    problems.push({ param: key, message: `"${key}" must be ${expected} (got ${JSON.stringify(raw) ?? String(raw)})`, hint: `"${key}" is ${what}, e.g. ${rule.example}`, kind: 'type' });
    return undefined;
  }
  const range = alias?.range ?? rule.range;
  if (!range.test(raw)) {
    problems.push({ param: key, message: `"${key}" must be ${range.text} (got ${raw})`, hint: `"${key}" is ${what}; use a value ${range.text}`, kind: 'range' });
    return undefined;
  }
  return alias?.to ? alias.to(raw) : raw;
}

function missing(type: DistName, rule: ParamRule): ParamProblem {
  return {
    param: '',
    message: `${type} needs parameter "${rule.name}" (${rule.what})`,
    hint: `add "${rule.name}": ${rule.example} to params${rule.aliases.length ? ` (also accepted: ${rule.aliases.map((a) => a.name).join(', ')})` : ''}`,
    kind: 'missing',
  };
}

function unknownParam(type: DistName, rules: DistRules, key: string): ParamProblem {
  const names = rules.params.flatMap((r) => [r.name, ...r.aliases.map((a) => a.name)]);
  let best = '';
  let bestD = Infinity;
  for (const n of names) {
    const d = n.toLowerCase() === key.toLowerCase() ? 0 : distance(key, n);
    if (d < bestD) [best, bestD] = [n, d];
  }
  const near = bestD <= Math.max(2, Math.floor(key.length / 3)) ? `did you mean "${best}"? ` : '';
  const valid = rules.params
    .map((r) => (r.aliases.length ? `${r.name} (or ${r.aliases.map((a) => a.name).join(', ')})` : r.name))
    .join(', ');
  return { param: key, message: `unknown parameter "${key}" for ${type}`, hint: `${near}valid parameters: ${valid}`, kind: 'unknown' };
}

/** Normalise `dirichlet{alpha: number[]}`: a non-empty list of positive concentrations. */
export function normalizeDirichlet(params: Record<string, unknown>): { alpha: number[]; problems: ParamProblem[] } {
  const problems: ParamProblem[] = [];
  for (const key of Object.keys(params ?? {})) {
    if (key === 'alpha') continue;
    const near = distance(key, 'alpha') <= 2 ? 'did you mean "alpha"? ' : '';
    problems.push({ param: key, message: `unknown parameter "${key}" for dirichlet`, hint: `${near}valid parameters: alpha`, kind: 'unknown' });
  }
  const raw = params?.['alpha'];
  if (raw === undefined) {
    problems.push({ param: '', message: 'dirichlet needs parameter "alpha" (a list of concentrations)', hint: 'add "alpha": [1, 1, 1] to params', kind: 'missing' });
    return { alpha: [], problems };
  }
  const ok = Array.isArray(raw) && raw.length > 0 && raw.every((v) => typeof v === 'number' && Number.isFinite(v) && v > 0);
  if (!ok) {
    problems.push({ param: 'alpha', message: `"alpha" must be a non-empty list of numbers > 0 (got ${JSON.stringify(raw)})`, hint: 'one concentration per component, e.g. [2, 1, 1]', kind: 'type' });
    return { alpha: [], problems };
  }
  return { alpha: (raw as number[]).slice(), problems };
}
