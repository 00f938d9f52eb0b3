/**
 * @faker-js/faker (all locales: ~0.35 s to load), reached through `fakerLib()`. The main thread loads it with
 * this module; generation workers (whose esbuild bundle defines __DATAGEN_WORKER_BUNDLE__) load it only when
 * their plan has a faker column (`loadFaker`), so a worker for a plan without one starts that much sooner.
 */
import type * as Faker from '@faker-js/faker';

export type FakerLib = typeof Faker;

declare const __DATAGEN_WORKER_BUNDLE__: boolean | undefined;

let lib: FakerLib | null = typeof __DATAGEN_WORKER_BUNDLE__ === 'undefined' ? await import('@faker-js/faker') : null;

export function fakerLib(): FakerLib {
  if (!lib) throw new Error('internal: @faker-js/faker was not loaded in this worker');
  return lib;
}

/** Make `fakerLib()` usable (a no-op where it is loaded already). */
export async function loadFaker(): Promise<void> {
  lib ??= await import('@faker-js/faker');
}
