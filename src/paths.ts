/**
 * The datagen package's own folder (package.json, schemas/, node_modules/), found by walking up from this module:
 * the same answer from the sources (src/paths.ts) and from an esbuild bundle of them cached in
 * node_modules/.cache/datagen/ (src/run/workers/bundle.ts), where paths relative to the module would be wrong.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function packageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'datagen') return dir;
    if (dirname(dir) === dir) throw new Error(`internal: datagen's package.json not found above ${from}`);
  }
}

export const PACKAGE_ROOT = packageRoot(dirname(fileURLToPath(import.meta.url)));
