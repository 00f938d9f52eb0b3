import type { ChunkContext } from '../../engine/chunk.ts';
import { tableKey } from '../../engine/chunk.ts';
import { drawnDegrees, nodeActivity } from '../../engine/fanout.ts';
import { edgeGraph } from '../../engine/graph.ts';
import { layoutKey, type TableLayout } from '../../engine/table.ts';
import type { ColumnData } from '../../model/column-data.ts';
import type { GeneratorProgram } from '../../ir/types.ts';

type LookupProgram = Extract<GeneratorProgram, { kind: 'lookup' }>;

/** Per chunk (its column map): the source and target node rows of its edges. */
const chunkEnds = new WeakMap<Map<string, ColumnData>, { source: Float64Array; target: Float64Array }>();

/**
 * A lookup of an edge's end in an edge table: row o of the table is edge k of the node that drew it (its primary
 * parent row s, k = o − the rows of the nodes before s), whose ends come from the graph model. Every end lookup
 * of a chunk reads the same ends.
 */
export function edgeEnd(p: LookupProgram, ctx: ChunkContext): ColumnData {
  return ctx.store.column(p.table, p.column).gather(edgeEndRows(ctx, p.via === 'target' ? 'target' : 'source'), ctx.n);
}

/** The node-table rows of the chunk's edges' sources or targets (also read by expressions' `source.col` / `target.col`). */
export function edgeEndRows(ctx: ChunkContext, end: 'source' | 'target'): Float64Array {
  const ends = endsOf(ctx);
  return end === 'target' ? ends.target : ends.source;
}

function endsOf(ctx: ChunkContext): { source: Float64Array; target: Float64Array } {
  const hit = chunkEnds.get(ctx.cols);
  if (hit && hit.source.length === ctx.n) return hit;
  const table = ctx.table;
  const graph = edgeGraph(table, ctx.store, () => drawnDegrees(ctx.plan, table, ctx.store), () => nodeActivity(ctx.plan, table, ctx.store));
  const first = ctx.memo(tableKey('edge-offsets', table.id), () => {
    const layout = ctx.memo<TableLayout | undefined>(layoutKey(table.id), () => undefined);
    if (!layout?.counts) throw new Error(`internal: no layout for the edge table "${table.id}"`);
    const out = new Float64Array(layout.counts.length + 1);
    for (let s = 0; s < layout.counts.length; s++) out[s + 1] = out[s] + layout.counts[s];
    return out;
  });
  const source = new Float64Array(ctx.n);
  const target = new Float64Array(ctx.n);
  const rows = ctx.parentRow!;
  let last = -1;
  let edges: { source: Int32Array; target: Int32Array } = { source: new Int32Array(0), target: new Int32Array(0) };
  for (let i = 0; i < ctx.n; i++) {
    const s = rows[i];
    if (s !== last) {
      edges = graph.edges(s);
      last = s;
    }
    const k = ctx.start + i - first[s];
    source[i] = edges.source[k];
    target[i] = edges.target[k];
  }
  const ends = { source, target };
  chunkEnds.set(ctx.cols, ends);
  return ends;
}
