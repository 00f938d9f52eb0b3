import { type ColumnContext, error, type Json } from '../../context.ts';
import type { GeneratorProgram } from '../../../ir/types.ts';

type LookupProgram = Extract<GeneratorProgram, { kind: 'lookup' }>;

/**
 * A lookup of the node table inside an edge table (a fact with `edges`, src/plan/edges.ts): the edge's source row
 * (default) or target row (`"end": "target"`). `end` anywhere else is an error.
 */
export function planEdgeEnd(args: Json, ref: { table: string; column: string }, ctx: ColumnContext, path: string): LookupProgram | undefined {
  const parents: string[] = Array.isArray(ctx.node.parents) ? ctx.node.parents : [];
  const isEdgeTable = ctx.node.edges !== undefined && ctx.node.edges !== null && ref.table === parents[0];
  if (!isEdgeTable) return error(ctx, 'DG_BAD_PARAM', `${path}/end`, `"end" reads an end of an edge, but "${ctx.node.id}" is not an edge table over "${ref.table}"`, `give "${ctx.node.id}" an "edges" block with parents[0] = "${ref.table}", or remove "end"`);
  if (args.end !== undefined && args.end !== 'source' && args.end !== 'target') return error(ctx, 'DG_BAD_PARAM', `${path}/end`, `end ${JSON.stringify(args.end)} is not "source" or "target"`, '"source" (default) or "target"');
  for (const k of ['on', 'weights_by', 'at'] as const) {
    if (args[k] !== undefined) return error(ctx, 'DG_NOT_SUPPORTED', `${path}/${k}`, `"${k}" is not supported on a lookup of an edge's end`, `remove "${k}": the row is the edge's ${args.end ?? 'source'}`);
  }
  return { kind: 'lookup', table: ref.table, column: ref.column, via: args.end === 'target' ? 'target' : 'source', on: [] };
}

/** Whether a lookup is an edge end (in an edge table, of its node table, or with an explicit `end`). */
export function isEdgeEnd(args: Json, table: string, node: Json): boolean {
  if (args?.end !== undefined) return true;
  const parents: string[] = Array.isArray(node.parents) ? node.parents : [];
  return node.edges !== undefined && node.edges !== null && table === parents[0];
}
