/**
 * The page's script and style: read from dist/studio/ when datagen runs built (src/build.mjs writes them), else
 * bundled in memory with esbuild (a dev dependency) once per process — never written to disk.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { packageRoot } from './schema-bundle.ts';

declare const __DATAGEN_DIST__: boolean | undefined;

let assets: Promise<{ js: string; css: string }> | undefined;

export function pageAssets(): Promise<{ js: string; css: string }> {
  assets ??= (async () => {
    if (typeof __DATAGEN_DIST__ !== 'undefined') {
      const read = (f: string) => readFileSync(fileURLToPath(new URL(`./studio/${f}`, import.meta.url)), 'utf8');
      return { js: read('studio.js'), css: read('studio.css') };
    }
    const [{ build }, { pageBuildOptions }] = await Promise.all([import('esbuild'), import('./page-build.ts')]);
    const r = await build({ ...pageBuildOptions(packageRoot()), write: false, outdir: '/studio-page' });
    const file = (ext: string) => r.outputFiles.find((f) => f.path.endsWith(ext))?.text ?? '';
    return { js: file('.js'), css: file('.css') };
  })();
  assets.catch(() => (assets = undefined));
  return assets;
}
