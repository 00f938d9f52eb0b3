/*
 * The bundle cache of threads run from the sources (src/run/workers/bundle-cache.js, bundle.ts): a
 * bundle is used only while every source it was built from is unchanged; a changed, missing or unlisted source
 * or a missing bundle file means "rebuild" (null).
 */
import { mkdirSync, statSync, utimesSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cacheDir, cachedBundle } from '../../../src/run/workers/bundle-cache.js';
import { workerBundle } from '../../../src/run/workers/bundle.ts';
import { tempFile } from '../../support/run-spec.ts';

function fakeRoot(): string {
  const root = tempFile('pkg');
  mkdirSync(join(root, 'src'), { recursive: true });
  writeFileSync(join(root, 'src', 'a.ts'), 'export const a = 1;\n');
  mkdirSync(cacheDir(root), { recursive: true });
  writeFileSync(join(cacheDir(root), 'cli-x.mjs'), 'export {};\n');
  writeFileSync(join(cacheDir(root), 'cli.json'), JSON.stringify({ file: 'cli-x.mjs', inputs: { 'src/a.ts': statSync(join(root, 'src', 'a.ts')).mtimeMs } }));
  return root;
}

describe('bundle cache', () => {
  it('returns the bundle while its sources are unchanged', () => {
    const root = fakeRoot();
    expect(cachedBundle(root, 'cli') && fileURLToPath(cachedBundle(root, 'cli')!)).toBe(join(cacheDir(root), 'cli-x.mjs'));
  });

  it('returns null when a source changed, is gone, or the bundle file is gone', () => {
    const changed = fakeRoot();
    utimesSync(join(changed, 'src', 'a.ts'), new Date(), new Date(Date.now() + 5000));
    expect(cachedBundle(changed, 'cli')).toBeNull();
    const gone = fakeRoot();
    rmSync(join(gone, 'src', 'a.ts'));
    expect(cachedBundle(gone, 'cli')).toBeNull();
    const noFile = fakeRoot();
    rmSync(join(cacheDir(noFile), 'cli-x.mjs'));
    expect(cachedBundle(noFile, 'cli')).toBeNull();
    expect(cachedBundle(fakeRoot(), 'output')).toBeNull(); // no manifest
  });

  it('from the sources, a thread named by its built file (x.js) is bundled from x.ts and cached', () => {
    const entry = new URL('../../../src/sinks/output-worker.js', import.meta.url);
    const url = workerBundle(entry);
    expect(url).not.toBeNull();
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    expect(cachedBundle(root, 'output-worker')?.href).toBe(url!.href);
  });
});
