/**
 * The spec's JSON Schema as one document for the editor's completion and hover (codemirror-json-schema resolves
 * only references inside one document). schemas/datagen.schema.json refers to its sibling files
 * (`generators/distribution.schema.json#/$defs/…`); each file becomes `$defs["<relative path>"]` of the bundle and
 * every reference is rewritten to point there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (the folder of datagen's package.json), from this module's location: sources or dist/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && existsSync(join(dir, 'schemas', 'datagen.schema.json'))) {
      try {
        if (JSON.parse(readFileSync(pkg, 'utf8')).name === 'datagen') return dir;
      } catch {
        // not ours
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('datagen studio: cannot find datagen\'s schemas/ folder beside its package.json');
    dir = up;
  }
}

const escapeSegment = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

let cached: unknown;

/** The bundled schema (computed once per process). */
export function bundledSchema(): unknown {
  if (cached) return cached;
  const dir = join(packageRoot(), 'schemas');
  const defs: Record<string, unknown> = {};
  const pending = ['datagen.schema.json'];
  const seen = new Set<string>();
  const rewrite = (node: unknown, file: string): unknown => {
    if (Array.isArray(node)) return node.map((x) => rewrite(x, file));
    if (!node || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') {
        const [target, frag = ''] = v.split('#');
        const targetFile = target ? posix.normalize(posix.join(posix.dirname(file), target)) : file;
        if (target && !seen.has(targetFile)) pending.push(targetFile);
        out[k] = targetFile === 'datagen.schema.json' ? `#${frag}` : `#/$defs/${escapeSegment(targetFile)}${frag}`;
      } else if (k === '$id' || k === '$schema') {
        if (file === 'datagen.schema.json') out[k] = v;
      } else out[k] = rewrite(v, file);
    }
    return out;
  };
  let root: Record<string, unknown> = {};
  while (pending.length) {
    const file = pending.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const doc = rewrite(JSON.parse(readFileSync(join(dir, file), 'utf8')), file);
    if (file === 'datagen.schema.json') root = doc as Record<string, unknown>;
    else defs[file] = doc;
  }
  cached = { ...root, $defs: { ...(root.$defs as object | undefined), ...defs } };
  return cached;
}
