/**
 * Shapes of the earlier tool (v1) and of the feature-request seed, rewritten into the language's own forms before
 * compilation (docs/authoring.md, "Accepted shapes"), so such specs run unmodified:
 *
 * - inline faker arguments: `{"faker": {"method": "bothify", "text": "DEV-####-????"}}` — every key besides
 *   method, locale, locale_from and args is an argument of the method (`args.text`);
 * - a vintage curve named by its type: `{"curve": "logarithmic", "params": {"a": 1, "b": 0.15}, …}` is
 *   `{"curve": {"curve_type": "logarithmic", "params": {…}}, …}`;
 * - lognormal by its median or its own mean: `{"median": 250, "sigma": 0.8}` is `mean` = ln 250 and
 *   `{"mean_value": 250, "sigma": 0.8}` is `mean` = ln 250 − σ²/2 (the log-scale μ the sampler reads); a
 *   log-scale `mean` above 20 (a median beyond e^20 ≈ 5·10^8) or a `sigma` above 10 looks like the distribution's
 *   own mean/sd and is a DG_LOGNORMAL_SCALE warning;
 * - segments by name: `"segment_behavior": {"segment_a": {"fanout_multiplier": 3.5}, …}` is
 *   `{"segment_column": <the one column whose choices hold those names>, "behaviors": {…}}`.
 *
 * Diagnostics about a rewritten value are pointed back at what the spec wrote (`renames`).
 */
import { diag, type Diagnostic, pointerSegments, warn } from '../diagnostics/diagnostic.ts';
import { child, clone, isObject, type JsonObject, type JsonValue } from './json-tree.ts';
import { loadSchemas, SCHEMA_ID_BASE } from './schema-registry.ts';

/** The keys of the faker generator itself (its schema's properties); any other key is an argument of the method. */
let fakerKeys: Set<string> | undefined;
function isFakerKey(k: string): boolean {
  if (!fakerKeys) {
    const schema = (loadSchemas() as { $id?: string; properties?: object }[]).find((x) => x.$id === `${SCHEMA_ID_BASE}generators/faker.schema.json`);
    fakerKeys = new Set(['method', 'locale', 'locale_from', 'args', ...Object.keys(schema?.properties ?? {})]);
  }
  return fakerKeys.has(k);
}
const CURVE_TYPES = ['logarithmic', 'exponential', 'linear'];
/** A log-scale μ above this (median e^20 ≈ 4.9e8) is almost surely the distribution's own mean. */
const LOGNORMAL_MEAN_LIMIT = 20;
const LOGNORMAL_SIGMA_LIMIT = 10;

/** A value the rewrite moved: a diagnostic at/under `from` (rewritten document) is about `to` (as written). */
export interface Rename {
  from: string;
  to: string;
}

type Edit = (doc: JsonObject) => void;

export function normalizeShapes(doc: JsonObject): { doc: JsonObject; diagnostics: Diagnostic[]; renames: Rename[] } {
  const diagnostics: Diagnostic[] = [];
  const renames: Rename[] = [];
  const edits: Edit[] = [];
  const nodes = Array.isArray(doc.nodes) ? doc.nodes : [];
  nodes.forEach((node, i) => {
    if (!isObject(node)) return;
    const np = child('/nodes', i);
    if (Array.isArray(node.columns)) {
      node.columns.forEach((c, j) => {
        const faker = isObject(c) && isObject(c.generator) ? c.generator.faker : undefined;
        if (isObject(faker)) fakerArgs(faker, child(np, 'columns', j, 'generator', 'faker'), edits, renames, diagnostics);
      });
    }
    if (isObject(node.segment_behavior)) segmentShorthand(node, np, edits, renames, diagnostics);
    const vb = node.vintage_behavior;
    if (isObject(vb) && isObject(vb.age_based_multipliers)) {
      for (const [name, m] of Object.entries(vb.age_based_multipliers)) {
        if (isObject(m) && typeof m.curve === 'string') curveShorthand(m, child(np, 'vintage_behavior', 'age_based_multipliers', name), edits, renames, diagnostics);
      }
    }
    walkLognormal(node, np, edits, renames, diagnostics);
  });
  if (!edits.length) return { doc, diagnostics, renames };
  const out = clone(doc);
  for (const e of edits) e(out);
  return { doc: out, diagnostics, renames };
}

/** The object at `ptr` of `doc` (it exists: the edits are planned on the same document). */
function at(doc: JsonObject, ptr: string): JsonObject {
  let cur: JsonValue = doc;
  for (const s of pointerSegments(ptr)) cur = Array.isArray(cur) ? cur[Number(s)] : (cur as JsonObject)[s];
  return cur as JsonObject;
}

function fakerArgs(faker: JsonObject, path: string, edits: Edit[], renames: Rename[], diagnostics: Diagnostic[]): void {
  const extra = Object.keys(faker).filter((k) => k !== 'method' && k !== 'args' && !isFakerKey(k));
  if (!extra.length) return;
  const args = faker.args;
  if (args !== undefined && !isObject(args)) return; // the schema reports args of the wrong type
  const twice = extra.filter((k) => isObject(args) && k in args);
  for (const k of twice) diagnostics.push(diag('DG_BAD_PARAM', child(path, k), `faker argument "${k}" is given twice: inline and in "args"`, `keep one (inline arguments are the earlier tool's form; "args": {"${k}": …} is datagen's)`));
  if (twice.length) return;
  for (const k of extra) renames.push({ from: child(path, 'args', k), to: child(path, k) });
  if (args === undefined) renames.push({ from: child(path, 'args'), to: path }); // "args" as a whole: the generator
  edits.push((doc) => {
    const f = at(doc, path);
    const moved: JsonObject = { ...(isObject(f.args) ? f.args : {}) };
    for (const k of extra) {
      moved[k] = f[k];
      delete f[k];
    }
    f.args = moved;
  });
}

function curveShorthand(m: JsonObject, path: string, edits: Edit[], renames: Rename[], diagnostics: Diagnostic[]): void {
  const type = m.curve as string;
  if (!CURVE_TYPES.includes(type)) return; // left as it is: the schema names the allowed forms
  if (m.params === undefined) {
    diagnostics.push(diag('DG_MISSING_PARAM', path, `the ${type} curve needs "params": {"a": …, "b": …} beside "curve"`, type === 'logarithmic' ? 'e.g. "params": {"a": 1.0, "b": 0.15} for 1 + a·ln(1 + b·age)' : type === 'exponential' ? 'e.g. "params": {"a": 1.0, "b": -0.1} for a·e^(b·age)' : 'e.g. "params": {"a": 1.0, "b": 0.05} for a + b·age'));
    return;
  }
  renames.push({ from: child(path, 'curve', 'params'), to: child(path, 'params') }, { from: child(path, 'curve', 'curve_type'), to: child(path, 'curve') });
  edits.push((doc) => {
    const target = at(doc, path);
    target.curve = { curve_type: type, params: target.params };
    delete target.params;
  });
}

/** The keys of segment_behavior itself; a segment_behavior of none of them is the seed's map of segments. */
const SEGMENT_KEYS = ['segment_column', 'behaviors', 'segments', 'applies_to_columns'];

/**
 * The seed's `"segment_behavior": {"segment_a": {"fanout_multiplier": 3.5, …}, …}`: the segments' behaviours by
 * name, on the column whose choices are those names; read as `{"segment_column": <it>, "behaviors": {…}}`.
 */
function segmentShorthand(node: JsonObject, np: string, edits: Edit[], renames: Rename[], diagnostics: Diagnostic[]): void {
  const sb = node.segment_behavior as JsonObject;
  const names = Object.keys(sb);
  if (!names.length || names.some((k) => SEGMENT_KEYS.includes(k)) || !names.every((k) => isObject(sb[k]))) return;
  const path = child(np, 'segment_behavior');
  const columns = Array.isArray(node.columns) ? node.columns.filter(isObject) : [];
  const drawn = (c: JsonObject): unknown[] => {
    const choice = isObject(c.generator) && isObject(c.generator.choice) ? c.generator.choice.choices : undefined;
    return Array.isArray(choice) ? choice : [];
  };
  const fits = columns.filter((c) => typeof c.name === 'string' && names.every((n) => drawn(c).includes(n)));
  if (fits.length !== 1) {
    diagnostics.push(diag('DG_MISSING_PARAM', path, fits.length ? `segment_behavior names the segments ${names.map((n) => `"${n}"`).join(', ')}, which the choices of several columns (${fits.map((c) => `"${String(c.name)}"`).join(', ')}) hold` : `segment_behavior names the segments ${names.map((n) => `"${n}"`).join(', ')}, but no column of "${String(node.id)}" draws them all with a choice`,
      'write {"segment_column": "<column>", "behaviors": {"<segment>": {…}}}'));
    return;
  }
  const column = String(fits[0].name);
  for (const n of names) renames.push({ from: child(path, 'behaviors', n), to: child(path, n) });
  edits.push((doc) => {
    const target = at(doc, np);
    target.segment_behavior = { segment_column: column, behaviors: target.segment_behavior };
  });
}

/** Every `{type|distribution: "lognormal", params}` under a node. */
function walkLognormal(x: JsonValue, path: string, edits: Edit[], renames: Rename[], diagnostics: Diagnostic[]): void {
  if (Array.isArray(x)) {
    if (x.length && typeof x[0] !== 'object') return; // a list of values
    x.forEach((v, i) => walkLognormal(v, child(path, i), edits, renames, diagnostics));
    return;
  }
  if (!isObject(x)) return;
  if ((x.type === 'lognormal' || x.distribution === 'lognormal') && isObject(x.params)) lognormal(x.params, child(path, 'params'), edits, renames, diagnostics);
  for (const [k, v] of Object.entries(x)) if (typeof v === 'object' && v !== null) walkLognormal(v, child(path, k), edits, renames, diagnostics);
}

function lognormal(p: JsonObject, path: string, edits: Edit[], renames: Rename[], diagnostics: Diagnostic[]): void {
  const given = ['mean', 'median', 'mean_value'].filter((k) => p[k] !== undefined);
  const sigma = p.sigma;
  if (given.length > 1) {
    diagnostics.push(diag('DG_BAD_PARAM', path, `lognormal takes one of "mean" (log scale), "median" and "mean_value"; found ${given.map((k) => `"${k}"`).join(', ')}`, 'keep one: "median": the typical value, "mean_value": the average, "mean": μ of ln(x)'));
    return;
  }
  const key = given[0];
  if (key === 'median' || key === 'mean_value') {
    const v = p[key];
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) {
      diagnostics.push(diag('DG_OUT_OF_RANGE', child(path, key), `lognormal ${key} must be a positive number, got ${JSON.stringify(v)}`, `e.g. "${key}": 250`));
      return;
    }
    if (key === 'mean_value' && (typeof sigma !== 'number' || !Number.isFinite(sigma))) return; // the missing/bad sigma is reported by the planner
    const mu = key === 'median' ? Math.log(v) : Math.log(v) - (sigma as number) ** 2 / 2;
    renames.push({ from: child(path, 'mean'), to: child(path, key) });
    edits.push((doc) => {
      const target = at(doc, path);
      delete target[key];
      target.mean = mu;
    });
    return;
  }
  const mean = p.mean;
  const big = typeof mean === 'number' && mean > LOGNORMAL_MEAN_LIMIT ? 'mean' : typeof sigma === 'number' && sigma > LOGNORMAL_SIGMA_LIMIT ? 'sigma' : undefined;
  if (big) {
    const m = typeof mean === 'number' ? mean : 0;
    const s = typeof sigma === 'number' && sigma <= LOGNORMAL_SIGMA_LIMIT ? sigma : 0.8;
    diagnostics.push(warn('DG_LOGNORMAL_SCALE', child(path, big), `lognormal "mean" and "sigma" are μ and σ of ln(x): ${big === 'mean' ? `mean ${m} gives a median of e^${m} ≈ ${Math.exp(m).toPrecision(3)}` : `sigma ${sigma} spreads values over e^±${sigma}`}, which looks like the distribution's own ${big === 'mean' ? 'mean' : 'standard deviation'}`,
      big === 'mean' ? `if ${m} is the average, write {"mean_value": ${m}, "sigma": ${s}}; if it is the typical value, {"median": ${m}, "sigma": ${s}}` : 'sigma is the spread of ln(x): 0.3–1.5 covers most data; write the typical value as "median"'));
  }
}
