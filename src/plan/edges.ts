import { type ColumnContext, columnNames, error, findColumn, isNumber, type Json, type PlanContext, resolveRef } from './context.ts';
import { didYouMean } from '../diagnostics/suggest.ts';
import { streamKey } from '../model/rng.ts';
import type { ColumnPlan, EdgePlan, GeneratorProgram } from '../ir/types.ts';

/**
 * An edge table (extension, docs/behaviours/relations.md): a fact with `edges` whose primary parent is the node
 * table. Each node row draws `fanout` targets among the rows of the same table (src/model/graph.ts); the rows
 * are its edges. Lookups of the node table read the edge's source row, or its target row (`"end": "target"`);
 * expressions read them as `source.col` / `target.col`; `<node>.col` would not say which end, so it is refused.
 */
export function planEdges(ctx: PlanContext, node: Json, path: string, parent: string, columns: ColumnPlan[]): EdgePlan | undefined {
  const e = node.edges;
  const at = `${path}/edges`;
  if (typeof e !== 'object' || e === null || Array.isArray(e)) return error(ctx, 'DG_BAD_PARAM', at, 'edges must be an object', 'e.g. {"homophily": {"column": "city", "probability": 0.6}, "reciprocity": 0.3}');
  const nodeTable = ctx.nodes.get(parent)?.node;
  if (!nodeTable) return undefined;
  let weightsBy: string | null = null;
  if (e.weights_by !== undefined) {
    const w = resolveRef(ctx, e.weights_by, `${at}/weights_by`, 'edges.weights_by');
    if (!w) return undefined;
    if (w.table !== parent) return error(ctx, 'DG_BAD_REFERENCE', `${at}/weights_by`, `edges.weights_by must name a column of "${parent}", the node table (parents[0])`, `e.g. "${parent}.popularity"`);
    const t = findColumn(nodeTable, w.column)?.type;
    if (!['int', 'float', 'decimal'].includes(t)) return error(ctx, 'DG_TYPE_MISMATCH', `${at}/weights_by`, `edges.weights_by column "${e.weights_by}" is ${typeof t === 'string' ? t : 'untyped'}; weights must be numbers`, 'name an int or float column (targets are drawn in proportion to it)');
    weightsBy = w.column;
  }
  const preferential = e.preferential === true;
  if (preferential && weightsBy) return error(ctx, 'DG_BAD_PARAM', `${at}/preferential`, 'give either weights_by (a popularity column) or preferential (by degree), not both', 'remove one of them');
  let homophily: EdgePlan['homophily'] = null;
  if (e.homophily !== undefined) {
    const h = e.homophily;
    const names: unknown[] = Array.isArray(h?.column) ? h.column : [h?.column];
    if (names.length === 0) return error(ctx, 'DG_BAD_PARAM', `${at}/homophily/column`, 'homophily needs at least one column', 'e.g. "city", or ["city", "favourite_category"]');
    for (let i = 0; i < names.length; i++) {
      const c = names[i];
      const cpath = Array.isArray(h.column) ? `${at}/homophily/column/${i}` : `${at}/homophily/column`;
      if (typeof c !== 'string' || !findColumn(nodeTable, c)) return error(ctx, 'DG_UNKNOWN_COLUMN', cpath, `homophily names column ${JSON.stringify(c)}, which the node table "${parent}" does not have`, didYouMean(String(c), columnNames(nodeTable)));
    }
    if (!(isNumber(h.probability) && h.probability >= 0 && h.probability <= 1)) return error(ctx, 'DG_OUT_OF_RANGE', `${at}/homophily/probability`, `homophily probability ${JSON.stringify(h.probability)} must be in [0, 1]`, 'the share of edges joining equal values, e.g. 0.6');
    homophily = { columns: names as string[], probability: h.probability };
  }
  const undirected = e.undirected === true;
  const reciprocity = e.reciprocity ?? 0;
  if (!(isNumber(reciprocity) && reciprocity >= 0 && reciprocity <= 1)) return error(ctx, 'DG_OUT_OF_RANGE', `${at}/reciprocity`, `reciprocity ${JSON.stringify(e.reciprocity)} must be in [0, 1]`, 'the share of edges whose reverse edge exists, e.g. 0.3');
  if (undirected && reciprocity > 0) return error(ctx, 'DG_BAD_PARAM', `${at}/reciprocity`, 'reciprocity is for directed edges; an undirected edge has no reverse', 'remove reciprocity or undirected');
  // An expression's "<node>.col" would read the drawing node's row, which is not always the edge's source.
  for (const c of columns) {
    const g = c.generator;
    const refs = g.kind === 'expression' ? g.refs : g.kind === 'distribution' ? Object.values(g.exprs ?? {}).flatMap((x) => x.refs) : [];
    if (refs.some((r) => r.table === parent && !r.end)) {
      const i = (node.columns as Json[]).findIndex((x) => x?.name === c.name);
      return error(ctx, 'DG_AMBIGUOUS_PICK', `${path}/columns/${i}/generator`, `"${c.name}" reads "${parent}.…" in an edge table, where a row has two "${parent}" rows (its source and its target)`, `write source.<column> or target.<column> for the end you mean (or look it up with {"lookup": {"from": "${parent}.<column>", "end": "target"}})`);
    }
  }
  return {
    stream: streamKey(ctx.seed, String(node.id), '__edges'),
    weightsBy,
    preferential,
    homophily,
    reciprocity,
    undirected,
    allowSelfLoops: e.allow_self_loops === true,
    uniquePairs: e.unique_pairs !== false,
  };
}

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
