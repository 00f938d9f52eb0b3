import type { Plan, TablePlan } from '../ir/types.ts';
import type { ColumnData } from '../model/column-data.ts';
import type { Store } from '../model/store.ts';

/** What a generator or modifier sees while it fills one chunk of rows. */
export interface ChunkContext {
  plan: Plan;
  table: TablePlan;
  /** Ordinal of the chunk's first row in its table; row i of the chunk is ordinal start + i. */
  start: number;
  n: number;
  /** Primary-parent ordinal of each row (facts with a parent), else null. */
  parentRow: Float64Array | null;
  /** Columns of this chunk evaluated so far. */
  cols: Map<string, ColumnData>;
  store: Store;
  /** Row ordinals picked in a non-primary table for each row (shared by every lookup from it). */
  pick(table: string): Float64Array;
  /** Rows of `table` this chunk's rows are linked to: the parent for the primary parent, else the pick. */
  linkedRows(table: string): Float64Array;
  /** Per-run cache for structures built once from the store (samplers, effect functions, indexes). */
  memo<T>(owner: object, build: () => T): T;
  /** Record ground truth for a value changed by an injected anomaly (observed is filled in after the cast). */
  label(l: PendingLabel): void;
}

const tableKeys = new Map<string, object>();

/**
 * The memo key (see `ChunkContext.memo`) of a per-table structure, by purpose and table id: copies of a table
 * plan (the history's table without scenarios, a table restricted to some columns) share it.
 */
export function tableKey(purpose: string, table: string): object {
  const id = `${purpose}\u0001${table}`;
  let k = tableKeys.get(id);
  if (!k) tableKeys.set(id, (k = {}));
  return k;
}

export interface PendingLabel {
  column: string;
  /** Row index inside the chunk. */
  index: number;
  kind: string;
  magnitude: number;
  /** The window of the decision that changed the value ([start, end) epoch ms), when it has one. */
  start?: number;
  end?: number;
  /** The scenario that changed it (top-level `scenarios[].id`). */
  scenario?: string;
  /** The entity it belongs to when the decision chose it by a key column (else the row's own entity). */
  entity?: string;
  /** Description template: {table} {column} {row} {entity} {start} {end} {expected} {observed} {delta} {magnitude} {severity} {kind} {scenario} and any extra {name} in `vars`. */
  description?: string;
  vars?: Record<string, string | number>;
}
