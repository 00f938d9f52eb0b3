/** The folder bundles are cached in, under the package root `root`. */
export function cacheDir(root: string): string;
/** The cached bundle `name` when none of its sources changed since it was built, else null. */
export function cachedBundle(root: string, name: string): URL | null;
