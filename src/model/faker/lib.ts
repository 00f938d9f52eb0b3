/**
 * @faker-js/faker, one locale at a time. Importing the package's index loads all ~70 locales (~0.2–0.35 s, most of
 * a small run's start-up); each `@faker-js/faker/locale/<id>` module loads that locale with its fallbacks (en,
 * base) only. The main thread loads en and en_US with this module, which is what the compile stage needs (method
 * checks and argument probes run on them: a method's arguments do not depend on the locale); a run loads the
 * locales of its plan before it generates (`loadLocales(planLocales(plan))`: src/run/run.ts and each generation
 * worker, whose esbuild bundle defines __DATAGEN_WORKER_BUNDLE__ and loads nothing until then).
 */
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Faker } from '@faker-js/faker';

declare const __DATAGEN_WORKER_BUNDLE__: boolean | undefined;

/** The locales every run has: faker-js's fallback chain and the default locale (locale-ids.ts). */
const ALWAYS = ['en', 'en_US'];

const loaded = new Map<string, Faker>();

let IDS: string[] | undefined;
/** Every faker-js locale id (the package's dist/locale modules), sorted. */
export function localeIds(): string[] {
  if (!IDS) {
    const dir = join(dirname(createRequire(import.meta.url).resolve('@faker-js/faker/package.json')), 'dist', 'locale');
    IDS = readdirSync(dir).filter((f) => f.endsWith('.js')).map((f) => f.slice(0, -3)).filter((id) => id !== 'base').sort();
  }
  return IDS;
}

/** Load faker-js locales (ids not in `localeIds()` are ignored; loaded ones cost nothing). */
export async function loadLocales(ids: Iterable<string>): Promise<void> {
  const want = [...ids];
  if (!want.length) return; // no faker column: nothing to load
  const known = new Set(localeIds());
  const todo = [...new Set([...ALWAYS, ...want])].filter((id) => known.has(id) && !loaded.has(id));
  const mods = await Promise.all(todo.map((id) => import(`@faker-js/faker/locale/${id}`) as Promise<{ faker: Faker }>));
  todo.forEach((id, i) => loaded.set(id, mods[i].faker));
}

/** Whether locale `id` is loaded. */
export function isLocaleLoaded(id: string): boolean {
  return loaded.has(id);
}

/** The faker-js instance of a loaded locale (its rawDefinitions: the locale with its fallbacks). */
export function fakerFor(id: string): Faker {
  const f = loaded.get(id);
  if (!f) throw new Error(`internal: faker-js locale "${id}" was not loaded before generating (loadLocales)`);
  return f;
}

/** faker-js's Faker class (the constructor of any loaded instance). */
export function fakerClass(): typeof Faker {
  return fakerFor('en').constructor as typeof Faker;
}

if (typeof __DATAGEN_WORKER_BUNDLE__ === 'undefined') await loadLocales(ALWAYS);
