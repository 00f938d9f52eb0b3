/**
 * generated/datagen.ts from schemas/ (STYLE.md habit 4: the JSON Schema is the source of truth).
 *
 *   node --import tsx src/spec/gen-types.ts           write generated/datagen.ts (and the editors' bundled schema,
 *                                                     generated/datagen-authoring.schema.json: authoring-schema.ts)
 *   node --import tsx src/spec/gen-types.ts --check   exit 1 if either is stale
 *
 * $refs are resolved offline: every https://datagen.dev/schemas/… id is read from the local schema
 * registry (schemas/ beside this project), never from the network.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile, type JSONSchema } from 'json-schema-to-typescript';
import { authoringSchema } from './authoring-schema.ts';
import { DOCUMENT_SCHEMA_ID, SCHEMA_ID_BASE, loadSchemas } from './schema-registry.ts';

/** Absolute path of the generated file. */
export const GENERATED_TYPES_PATH = fileURLToPath(new URL('../../generated/datagen.ts', import.meta.url));

const BANNER = `/* eslint-disable */
/**
 * GENERATED FILE - DO NOT EDIT.
 * Produced by src/spec/gen-types.ts (json-schema-to-typescript) from the JSON Schemas in schemas/.
 * Change the schemas, then run \`npm run gen:types\`; tests/unit/spec/schema.test.ts fails on drift.
 */`;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type SchemaNode = { [k: string]: Json };

function isObject(x: Json | undefined): x is SchemaNode {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The schema a `$ref` (relative to `base`) points at, from the local registry. */
function refTarget(ref: string, base: string, byId: Map<string, SchemaNode>): Json | undefined {
  const url = new URL(ref, base);
  let node: Json | undefined = byId.get(url.href.replace(/#.*$/, ''));
  const fragment = decodeURIComponent(url.hash.replace(/^#/, ''));
  for (const seg of fragment.split('/').slice(1)) {
    if (!isObject(node)) return undefined;
    node = node[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}

/** Keywords whose value maps names to schemas (the names are data, not keywords). */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', '$defs', 'definitions', 'dependentSchemas']);
/** Keywords whose value is data, copied as it is. */
const DATA = new Set(['enum', 'const', 'default', 'examples', 'required', 'dependentRequired']);

/**
 * A copy of a schema ready for json-schema-to-typescript: a `$ref` to a titled (named) schema loses
 * its sibling annotations. Otherwise each use site with its own description would become a separate
 * copy of the named type (Fanout, Fanout1, …). Editors still see those descriptions in schemas/.
 */
function prepare(node: Json, base: string, byId: Map<string, SchemaNode>): Json {
  if (Array.isArray(node)) return node.map((n) => prepare(n, base, byId));
  if (!isObject(node)) return node;
  if (typeof node.$ref === 'string') {
    const target = refTarget(node.$ref, base, byId);
    if (isObject(target) && typeof target.title === 'string') return { $ref: node.$ref };
    if (isObject(target)) {
      // An untitled target (identifier, instant, probability, …) is inlined with the use site's
      // description, so it reads as a plain `string`/`number` instead of a named alias per use.
      const { $ref: _ref, ...siblings } = node;
      const targetBase = new URL(node.$ref, base).href.replace(/#.*$/, '');
      return prepare({ ...target, ...siblings }, targetBase, byId);
    }
  }
  const out: SchemaNode = {};
  for (const [k, v] of Object.entries(node)) {
    // $id would make json-schema-to-typescript intersect a part's own properties with its oneOf.
    if (k === '$id' || k === '$schema') continue;
    if (DATA.has(k)) out[k] = v;
    else if (SCHEMA_MAPS.has(k) && isObject(v)) {
      out[k] = Object.fromEntries(Object.entries(v).map(([name, s]) => [name, prepare(s, base, byId)]));
    } else out[k] = prepare(v, base, byId);
  }
  return out;
}

/** TypeScript source of generated/datagen.ts. */
export async function generateTypes(): Promise<string> {
  const byId = new Map<string, SchemaNode>();
  for (const s of loadSchemas() as SchemaNode[]) byId.set(String(s.$id), s);
  const prepared = new Map<string, SchemaNode>();
  for (const [id, s] of byId) prepared.set(id, prepare(s, id, byId) as SchemaNode);

  const root = structuredClone(prepared.get(DOCUMENT_SCHEMA_ID)) as JSONSchema;
  return compile(root, 'DatagenSpec', {
    bannerComment: BANNER,
    // Relative $refs resolve against the document's $id (the trailing '#' keeps json-schema-to-typescript
    // from turning the file name into a directory when it appends '/').
    cwd: `${DOCUMENT_SCHEMA_ID}#`,
    additionalProperties: false,
    unreachableDefinitions: false,
    strictIndexSignatures: true,
    ignoreMinAndMaxItems: true, // plain arrays: a spec built in code need not prove non-emptiness to the compiler
    format: true,
    $refOptions: {
      resolve: {
        file: false,
        http: false,
        datagen: {
          order: 1,
          canRead: (file: { url: string }) => file.url.startsWith(SCHEMA_ID_BASE),
          read: (file: { url: string }) => {
            const schema = prepared.get(file.url.replace(/#.*$/, ''));
            if (!schema) throw new Error(`unknown schema ${file.url} (not under schemas/)`);
            return structuredClone(schema);
          },
        },
      },
    },
  });
}

/** Minimal writable stream (process.stdout/stderr or a test double). */
export interface TextSink {
  write(text: string): unknown;
}

/**
 * `gen-types [--check]`: write generated/datagen.ts, or with --check only compare and return 1 when
 * it is stale. Returns the exit code; the streams are injected so the CLI can host it too.
 */
export async function genTypesCommand(args: readonly string[], out: TextSink = process.stdout, err: TextSink = process.stderr): Promise<number> {
  const check = args.includes('--check');
  let code = 0;
  for (const [path, name, source] of [
    [GENERATED_TYPES_PATH, 'generated/datagen.ts', await generateTypes()],
    [AUTHORING_SCHEMA_PATH, 'generated/datagen-authoring.schema.json', authoringSchemaText()],
  ] as const) {
    const current = existsSync(path) ? readFileSync(path, 'utf8') : '';
    if (check) {
      if (current !== source) err.write(`${name} is out of date with schemas/: run \`npm run gen:types\`\n`), (code = 1);
      continue;
    }
    if (current !== source) writeFileSync(path, source);
    out.write(`${current === source ? 'unchanged' : 'wrote'} ${name}\n`);
  }
  return code;
}

/** Absolute path of the editors' bundled schema (src/spec/authoring-schema.ts). */
export const AUTHORING_SCHEMA_PATH = fileURLToPath(new URL('../../generated/datagen-authoring.schema.json', import.meta.url));

/** Text of generated/datagen-authoring.schema.json. */
export function authoringSchemaText(): string {
  return JSON.stringify(authoringSchema(), null, 2) + '\n';
}

if (process.argv[1] && resolvePath(process.argv[1]) === fileURLToPath(import.meta.url)) {
  genTypesCommand(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(2);
    },
  );
}
