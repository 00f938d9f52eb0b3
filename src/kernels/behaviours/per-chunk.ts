import type { ChunkContext } from '../../engine/chunk.ts';

/**
 * Memoises a behaviour table's rows for one chunk: every column of the chunk (name, index, times, …) reads
 * the same replay of its parents' simulations, built once. Chunks are told apart by their parentRow array.
 */
export function perChunk<T>(build: (ctx: ChunkContext) => T): (ctx: ChunkContext) => T {
  const cache = new WeakMap<Float64Array, T>();
  return (ctx) => {
    const key = ctx.parentRow!;
    let rows = cache.get(key);
    if (rows === undefined) cache.set(key, (rows = build(ctx)));
    return rows;
  };
}
