import type { ChunkContext } from '../../engine/chunk.ts';
import { tableKey } from '../../engine/chunk.ts';
import { ColumnData } from '../../model/column-data.ts';
import { Hierarchy } from '../../model/hierarchy.ts';
import { mix } from '../../model/rng.ts';
import { layoutKey, type TableLayout } from '../../engine/table.ts';
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
  const key = (r: number) => h.key.start + h.key.step * r;
  if (h.derive === 'path') {
    const out: (string | null)[] = new Array(ctx.n);
    for (let i = 0; i < ctx.n; i++) out[i] = tree.pathOf(ctx.start + i).map(key).join('/');
    return ColumnData.strings(out);
  }
  const out = new Float64Array(ctx.n);
  for (let i = 0; i < ctx.n; i++) out[i] = value(tree, h, ctx.start + i, key);
  return ColumnData.numbers(out);
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
  for (let i = 0; i < ctx.n; i++) {
    const q = rows[i];
    if (q !== last) {
      tree = new Hierarchy({ stream: mix(h.stream, q, 0), roots: h.roots ?? undefined, rootShare: h.rootShare ?? undefined, concentration: h.concentration, maxDepth: h.maxDepth });
      last = q;
    }
    const base = first[q];
    const key = (k: number) => h.key.start + h.key.step * (base + k);
    const k = ctx.start + i - base;
    if (strs) strs[i] = tree!.pathOf(k).map(key).join('/');
    else nums![i] = value(tree!, h, k, key);
  }
  return strs ? ColumnData.strings(strs) : ColumnData.numbers(nums!);
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
