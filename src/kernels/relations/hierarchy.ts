import type { ChunkContext } from '../../engine/chunk.ts';
import { tableKey } from '../../engine/chunk.ts';
import { ColumnData } from '../../model/column-data.ts';
import { Hierarchy } from '../../model/hierarchy.ts';
import { mix } from '../../model/rng.ts';
import { evaluateRows, layoutKey, type TableLayout } from '../../engine/table.ts';
import type { GeneratorProgram, HierarchyPlan } from '../../ir/types.ts';

type LookupProgram = Extract<GeneratorProgram, { kind: 'lookup' }>;

/**
 * A lookup from the node's own table: the row's parent (an earlier row) in the table's tree, or its depth, path
 * or root (src/model/hierarchy.ts). Every self-lookup of the table reads the same tree: one per table and run,
 * grown up to the chunk's last row (a row's parent depends only on earlier rows, so the chunk and the worker
 * that computes it do not matter).
 */
export function selfLookup(p: LookupProgram, ctx: ChunkContext): ColumnData {
  const h = p.hierarchy!;
  if (h.withinParent) return perParent(h, ctx);
  const tree = ctx.memo(tableKey(`hierarchy:${h.stream}`, ctx.table.id), () => new Hierarchy({ stream: h.stream, roots: h.roots ?? undefined, rootShare: h.rootShare ?? undefined, concentration: h.concentration, maxDepth: h.maxDepth }));
  tree.ensure(ctx.start + ctx.n);
  if (!h.key) return evaluatedKeys(p, h, tree, ctx);
  const step = h.key;
  const key = (r: number) => step.start + step.step * r;
  if (h.derive === 'path') {
    const out: (string | null)[] = new Array(ctx.n);
    const path = pathStrings(tree, key);
    for (let i = 0; i < ctx.n; i++) out[i] = path(ctx.start + i);
    return ColumnData.strings(out);
  }
  const out = new Float64Array(ctx.n);
  for (let i = 0; i < ctx.n; i++) out[i] = value(tree, h, ctx.start + i, key);
  return ColumnData.numbers(out);
}

/**
 * A key that is not a sequence (faker uuid4, …): the key column itself, evaluated over rows [0, chunk end) once
 * per process (a value never depends on the chunk), then read at the parents', roots' or path's rows.
 */
function evaluatedKeys(p: LookupProgram, h: HierarchyPlan, tree: Hierarchy, ctx: ChunkContext): ColumnData {
  const upTo = ctx.start + ctx.n;
  const keys = ctx.memo(tableKey(`hierarchy-keys:${p.column}`, ctx.table.id), () => ({ data: null as ColumnData | null }));
  const have = keys.data?.length ?? 0;
  if (have < upTo) {
    const more = evaluateRows(ctx.plan, ctx.table, ctx.store, new Map(), have, upTo - have, [p.column]).get(p.column)!;
    keys.data = keys.data ? ColumnData.concat([keys.data, more], upTo) : more;
  }
  const data = keys.data!;
  if (h.derive === 'depth') return ColumnData.numbers(Float64Array.from({ length: ctx.n }, (_, i) => tree.depthOf(ctx.start + i)));
  if (h.derive === 'path') {
    const path = pathStrings(tree, (r) => data.key(r) as number);
    return ColumnData.strings(Array.from({ length: ctx.n }, (_, i) => path(ctx.start + i)));
  }
  const rows = new Float64Array(ctx.n);
  for (let i = 0; i < ctx.n; i++) rows[i] = h.derive === 'root' ? tree.rootOf(ctx.start + i) : tree.parentOf(ctx.start + i);
  return data.gather(rows, ctx.n);
}

/**
 * One tree per primary-parent row: row k of parent p's rows (k = ordinal − the rows of the parents before p) gets
 * its parent among p's earlier rows, from a tree keyed by (stream, p); keys are the rows' table ordinals.
 */
function perParent(h: HierarchyPlan, ctx: ChunkContext): ColumnData {
  const first = ctx.memo(tableKey('hierarchy-offsets', ctx.table.id), () => {
    const layout = ctx.memo<TableLayout | undefined>(layoutKey(ctx.table.id), () => undefined);
    if (!layout?.counts) throw new Error(`internal: no layout for "${ctx.table.id}"`);
    const out = new Float64Array(layout.counts.length + 1);
    for (let q = 0; q < layout.counts.length; q++) out[q + 1] = out[q] + layout.counts[q];
    return out;
  });
  const rows = ctx.parentRow!;
  const nums = h.derive === 'path' ? null : new Float64Array(ctx.n);
  const strs: (string | null)[] | null = h.derive === 'path' ? new Array(ctx.n) : null;
  let last = -1;
  let tree: Hierarchy | null = null;
  let key = (k: number) => k;
  let path: ((r: number) => string) | null = null;
  for (let i = 0; i < ctx.n; i++) {
    const q = rows[i];
    if (q !== last) {
      tree = new Hierarchy({ stream: mix(h.stream, q, 0), roots: h.roots ?? undefined, rootShare: h.rootShare ?? undefined, concentration: h.concentration, maxDepth: h.maxDepth });
      last = q;
      const base = first[q];
      key = (k: number) => h.key!.start + h.key!.step * (base + k);
      path = strs ? pathStrings(tree, key) : null;
    }
    const k = ctx.start + i - first[q];
    if (strs) strs[i] = path!(k);
    else nums![i] = value(tree!, h, k, key);
  }
  return strs ? ColumnData.strings(strs) : ColumnData.numbers(nums!);
}

/**
 * Path strings ("1/4/17") of rows of a tree: a row's path is its parent's path + "/" + its key, the ancestors'
 * paths kept (they are shared by many rows), so each row costs about one concatenation. The cache is bounded.
 */
function pathStrings(tree: Hierarchy, key: (r: number) => number): (r: number) => string {
  const cache = new Map<number, string>();
  const path = (r: number): string => {
    const hit = cache.get(r);
    if (hit !== undefined) return hit;
    const p = tree.parentOf(r);
    const s = p < 0 ? String(key(r)) : `${path(p)}/${key(r)}`;
    if (cache.size >= 1 << 16) cache.clear();
    cache.set(r, s);
    return s;
  };
  return path;
}

function value(tree: Hierarchy, h: HierarchyPlan, r: number, key: (r: number) => number): number {
  switch (h.derive) {
    case 'depth':
      return tree.depthOf(r);
    case 'root':
      return key(tree.rootOf(r));
    default: {
      const parent = tree.parentOf(r);
      return parent < 0 ? NaN : key(parent);
    }
  }
}
