/**
 * generated/datagen-authoring.schema.json (written by `npm run gen:types`, docs/authoring.md "Editors"): the spec
 * schemas of schemas/ bundled into one file for editors, where every value may also be a parameter reference
 * `{"$param": "name"}` and no top-level key is required (an included file is a partial spec). The compiler never
 * uses it: it validates the resolved document against schemas/ itself.
 */
import { DOCUMENT_SCHEMA_ID, SCHEMA_ID_BASE, loadSchemas } from './schema-registry.ts';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Node = { [k: string]: Json };

const AUTHORING_SCHEMA_ID = 'https://datagen.dev/schemas/datagen-authoring.schema.json';

const isObject = (x: Json | undefined): x is Node => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Keywords whose value maps names to value schemas (each may be a reference). */
const VALUE_MAPS = new Set(['properties', 'patternProperties']);
/** Keywords whose value is one value schema (an element, an extra property). */
const VALUE_ONE = new Set(['items', 'additionalProperties', 'unevaluatedProperties']);
/** Keywords whose schemas test rather than describe a value: left as they are. */
const TESTS = new Set(['if', 'not', 'propertyNames', 'contains']);
/** Keywords whose value is data. */
const DATA = new Set(['enum', 'const', 'default', 'examples', 'required', 'dependentRequired', 'discriminator']);

/** The $defs key of a part schema (`generators/faker.schema.json` → `generators.faker`). */
function keyOf(id: string): string {
  return id.slice(SCHEMA_ID_BASE.length).replace(/\.schema\.json$/, '').replace(/\//g, '.');
}

/** The bundle of `schemas` (default: schemas/, as the registry loads them). */
export function authoringSchema(schemas: readonly object[] = loadSchemas()): Node {
  const files: Node = {};
  let root: Node | undefined;
  for (const s of schemas as Node[]) {
    const id = String(s.$id);
    if (id === `${SCHEMA_ID_BASE}plan.schema.json`) continue; // not part of a spec
    const copy = rewrite(s, id, false) as Node;
    delete copy.$id;
    delete copy.$schema;
    if (id === DOCUMENT_SCHEMA_ID) root = copy;
    else files[keyOf(id)] = copy;
  }
  if (!root) throw new Error('internal: the document schema is not registered');
  acceptShapes(files);
  const defs = isObject(root.$defs) ? root.$defs : {};
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: AUTHORING_SCHEMA_ID,
    ...root,
    title: 'DatagenSpecAuthoring',
    description: `${String(root.description ?? '')} For editors (generated from schemas/): any value may be a parameter reference {"$param": "name"}, and no key is required, so included files (partial specs) check too.`,
    required: [],
    $defs: { ...defs, __files: files },
  };
}

/** A `$ref` of schema `base` as a pointer into the bundle. */
function bundleRef(ref: string, base: string): string {
  const url = new URL(ref, base);
  const file = url.href.replace(/#.*$/, '');
  const fragment = url.hash.replace(/^#/, '');
  return file === DOCUMENT_SCHEMA_ID ? `#${fragment}` : `#/$defs/__files/${keyOf(file)}${fragment}`;
}

/** `{"$param": …}` accepted beside the value schema `s` (a `const` stays exact: it tags a variant). */
function orParam(s: Json, base: string): Json {
  const inner = rewrite(s, base, false);
  if (!isObject(s) || 'const' in s || s === null) return inner;
  const description = s.description;
  return { ...(typeof description === 'string' ? { description } : {}), anyOf: [inner, { $ref: '#/$defs/paramRef' }] };
}

function rewrite(node: Json, base: string, test: boolean): Json {
  if (Array.isArray(node)) return node.map((n) => rewrite(n, base, test));
  if (!isObject(node)) return node;
  const out: Node = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string') out[k] = bundleRef(v, base);
    else if (DATA.has(k)) out[k] = v;
    else if (TESTS.has(k) || test) out[k] = rewrite(v, base, true);
    else if (VALUE_MAPS.has(k) && isObject(v)) out[k] = Object.fromEntries(Object.entries(v).map(([name, s]) => [name, orParam(s, base)]));
    else if (VALUE_ONE.has(k) && isObject(v)) out[k] = orParam(v, base);
    else if (k === '$defs' && isObject(v)) out[k] = Object.fromEntries(Object.entries(v).map(([name, s]) => [name, rewrite(s, base, false)]));
    else out[k] = rewrite(v, base, false);
  }
  return out;
}

/** The earlier shapes the authoring stage rewrites (src/spec/shapes.ts) are valid here too. */
function acceptShapes(files: Node): void {
  const faker = files['generators.faker'];
  if (isObject(faker)) faker.additionalProperties = true; // inline method arguments: {"method": "bothify", "text": "…"}
  const vintage = files['behaviors.vintage_behavior'];
  const m = isObject(vintage) && isObject(vintage.$defs) ? vintage.$defs.ageMultiplier : undefined;
  if (isObject(m) && isObject(m.properties)) {
    const curve = m.properties.curve;
    if (isObject(curve) && Array.isArray(curve.anyOf)) curve.anyOf.push({ description: 'The curve type; its {a, b} in "params" beside "curve".', type: 'string', enum: ['logarithmic', 'exponential', 'linear'] });
    m.properties.params = { description: 'Parameters {a, b} of a curve named by its type ("curve": "logarithmic").', type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } } };
  }
}
