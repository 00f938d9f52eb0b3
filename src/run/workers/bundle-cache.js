// The cached esbuild bundle `name` of a thread run from the sources
// (node_modules/.cache/datagen/<name>.json lists its file and the modification times of its sources), when
// every source is unchanged; null otherwise. bundle.ts builds the bundles.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export function cacheDir(root) {
  return join(root, 'node_modules', '.cache', 'datagen');
}

export function cachedBundle(root, name) {
  const dir = cacheDir(root);
  try {
    const m = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8'));
    for (const [f, mtime] of Object.entries(m.inputs)) if (statSync(join(root, f)).mtimeMs !== mtime) return null;
    statSync(join(dir, m.file));
    return pathToFileURL(join(dir, m.file));
  } catch {
    return null; // no (valid) bundle yet
  }
}
