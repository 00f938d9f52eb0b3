/**
 * The chart libraries inlined into the HTML report (so it opens offline): the browser builds of vega, vega-lite
 * and vega-embed, read from their npm packages.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BUILDS: [pkg: string, file: string][] = [
  ['vega', 'build/vega.min.js'],
  ['vega-lite', 'build/vega-lite.min.js'],
  ['vega-embed', 'build/vega-embed.min.js'],
];

/** The folder of an installed package, searched like Node does: node_modules of this file's folder and its parents. */
function packageDir(pkg: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'node_modules', pkg);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const up = dirname(dir);
    if (up === dir) throw new Error(`the HTML report needs the npm package "${pkg}" (a dependency of datagen); reinstall datagen's dependencies`);
    dir = up;
  }
}

let cache: { name: string; version: string; code: string }[] | null = null;

/** The library scripts, with `</script` made harmless for inlining (an escape that JavaScript reads the same). */
export function chartLibraries(): { name: string; version: string; code: string }[] {
  cache ??= BUILDS.map(([pkg, file]) => {
    const dir = packageDir(pkg);
    const version = String(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version);
    return { name: pkg, version, code: readFileSync(join(dir, file), 'utf8').replace(/<\/(script)/gi, '<\\/$1') };
  });
  return cache;
}
