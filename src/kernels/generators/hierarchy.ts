import type { ChunkContext } from '../../engine/chunk.ts';
import { tableKey } from '../../engine/chunk.ts';
import { ColumnData } from '../../model/column-data.ts';
import { Hierarchy } from '../../model/hierarchy.ts';
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
