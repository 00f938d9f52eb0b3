/**
 * How the studio's page is bundled (esbuild): src/studio/page/main.ts with CodeMirror, codemirror-json-schema,
 * Preact, dagre and vega-embed into one browser script and one style sheet, no CDN (the page works offline).
 * `npm run build` writes them to dist/studio/ (src/build.mjs); run from the sources, the server builds them in
 * memory on first request (assets.ts). Nothing is written anywhere else.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BuildOptions } from 'esbuild';

const PAGE_ENTRY = join(dirname(fileURLToPath(import.meta.url)), 'page', 'main.ts');

export function pageBuildOptions(root: string): BuildOptions {
  return {
    absWorkingDir: root,
    entryPoints: { studio: PAGE_ENTRY },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
    define: { 'process.env.NODE_ENV': '"production"' },
    entryNames: '[name]',
  };
}
