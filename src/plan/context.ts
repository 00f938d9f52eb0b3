import { type Diagnostic, diag, pointer, warn } from '../diagnostics/diagnostic.ts';
import { didYouMean } from '../diagnostics/suggest.ts';
import { streamKey } from '../model/rng.ts';
import type { ColumnType, Freq } from '../ir/types.ts';

export type { Json } from '../spec/json.ts';
import type { Json } from '../spec/json.ts';

/** Everything a registry entry needs to plan one column; pure (no I/O, no clock). */
export interface PlanContext {
  doc: Json;
  seed: number;
  diags: Diagnostic[];
  nodes: Map<string, { node: Json; index: number }>;
  timeframe: { startMs: number; endMs: number; freq: Freq };
  /** The document passed the JSON Schema: only then may planning call user-supplied code (faker probes). */
  schemaValid?: boolean;
}

export interface ColumnContext extends PlanContext {
  node: Json;
  nodeIndex: number;
  column: Json;
  colIndex: number;
  type: ColumnType;
  /** JSON pointer of the column. */
  path: string;
  stream(purpose?: string): number;
}

export function columnContext(ctx: PlanContext, node: Json, nodeIndex: number, column: Json, colIndex: number): ColumnContext {
  const path = pointer('nodes', nodeIndex, 'columns', colIndex);
  return {
    ...ctx,
    node,
    nodeIndex,
    column,
    colIndex,
    type: (typeof column.type === 'string' ? column.type : 'string') as ColumnType,
    path,
    stream: (purpose = 'value') => streamKey(ctx.seed, String(node.id), String(column.name), purpose),
  };
}

export function error(ctx: PlanContext, code: string, path: string, message: string, hint = ''): undefined {
  ctx.diags.push(diag(code, path, message, hint));
  return undefined;
}

export function warning(ctx: PlanContext, code: string, path: string, message: string, hint = ''): void {
  ctx.diags.push(warn(code, path, message, hint));
}

/** Column names of a node, in declared order. */
export function columnNames(node: Json): string[] {
  return Array.isArray(node?.columns) ? node.columns.map((c: Json) => String(c?.name)) : [];
}

export function findColumn(node: Json, name: string): Json | undefined {
  return Array.isArray(node?.columns) ? node.columns.find((c: Json) => c?.name === name) : undefined;
}

/**
 * Resolve "table.column" (table ids may not contain dots; the column is everything after the first dot).
 * Reports DG_UNKNOWN_TABLE / DG_UNKNOWN_COLUMN at `path` and returns undefined on failure.
 */
export function resolveRef(ctx: PlanContext, ref: unknown, path: string, what: string): { table: string; column: string } | undefined {
  if (typeof ref !== 'string' || !ref.includes('.')) {
    return error(ctx, 'DG_BAD_REFERENCE', path, `${what} must be "table.column", got ${JSON.stringify(ref)}`, 'write the node id and the column name separated by a dot, e.g. "user.user_id"');
  }
  const dot = ref.indexOf('.');
  const table = ref.slice(0, dot);
  const column = ref.slice(dot + 1);
  const entry = ctx.nodes.get(table);
  if (!entry) {
    return error(ctx, 'DG_UNKNOWN_TABLE', path, `${what} names table "${table}", which is not a node of this spec`, didYouMean(table, [...ctx.nodes.keys()]));
  }
  if (!findColumn(entry.node, column)) {
    return error(ctx, 'DG_UNKNOWN_COLUMN', path, `${what} names column "${column}", which table "${table}" does not have`, didYouMean(column, columnNames(entry.node)));
  }
  return { table, column };
}

/** A column of the same row, by name. */
export function checkLocalColumn(ctx: ColumnContext | (PlanContext & { node: Json }), name: unknown, path: string, what: string): string | undefined {
  if (typeof name !== 'string' || !findColumn(ctx.node, name)) {
    return error(ctx, 'DG_UNKNOWN_COLUMN', path, `${what} names column ${JSON.stringify(name)}, which table "${ctx.node.id}" does not have`, didYouMean(String(name), columnNames(ctx.node)));
  }
  return name;
}

export function isNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isFinite(x);
}
