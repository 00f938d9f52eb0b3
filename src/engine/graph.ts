import type { TablePlan } from '../ir/types.ts';
import { GraphModel } from '../model/graph.ts';
import type { Store } from '../model/store.ts';
import { joinKey } from '../model/column-data.ts';

const graphs = new WeakMap<Store, Map<string, GraphModel>>();

/**
 * The graph of an edge table (`RowModel.edges`, src/model/graph.ts) over its node table, built once per store
 * (run or worker) from the nodes' drawn degrees (`drawn`: the fanout counts, before the edge rules), the
 * weights_by / preferential weights times the nodes' activity (`activity`: what scales their own fanout — a node
 * alive half the window receives about half the edges, as it draws half) and the homophily columns. The layout's per-node row
 * counts and the rows' ends come from the same model, so they always agree.
 */
export function edgeGraph(table: TablePlan, store: Store, drawn: () => Int32Array, activity: () => Float64Array | null): GraphModel {
  if (table.rows.kind !== 'fanout' || !table.rows.edges) throw new Error(`internal: "${table.id}" is not an edge table`);
  const e = table.rows.edges;
  const node = table.rows.parent;
  let byTable = graphs.get(store);
  if (!byTable) graphs.set(store, (byTable = new Map()));
  const key = `${table.id}\u0001${e.stream}`;
  const hit = byTable.get(key);
  if (hit) return hit;
  const n = store.table(node).rows;
  const degrees = drawn();
  let weights: Float64Array | null = null;
  if (e.preferential) weights = Float64Array.from(degrees, (d) => d + 1); // drawn degrees already follow the activity
  else {
    const act = activity();
    if (e.weightsBy) weights = Float64Array.from(store.column(node, e.weightsBy).num!);
    if (act) {
      weights ??= new Float64Array(n).fill(1);
      for (let r = 0; r < n; r++) weights[r] *= act[r] > 0 ? act[r] : 0;
    }
  }
  let groups: Int32Array | null = null;
  if (e.homophily) {
    const cols = e.homophily.columns.map((c) => store.column(node, c));
    const ids = new Map<string | number, number>();
    groups = new Int32Array(n);
    for (let r = 0; r < n; r++) {
      // A null in any of the columns: no group (its draws go to the other nodes).
      if (cols.some((c) => c.key(r) === null || (typeof c.key(r) === 'number' && Number.isNaN(c.key(r) as number)))) {
        groups[r] = -1;
        continue;
      }
      const k = cols.length === 1 ? cols[0].key(r)! : joinKey(cols, r);
      let id = ids.get(k);
      if (id === undefined) ids.set(k, (id = ids.size));
      groups[r] = id;
    }
  }
  const model = new GraphModel({
    stream: e.stream, n, degrees, weights, groups, homophily: e.homophily?.probability ?? 0, reciprocity: e.reciprocity,
    undirected: e.undirected, allowSelfLoops: e.allowSelfLoops, uniquePairs: e.uniquePairs,
  });
  byTable.set(key, model);
  return model;
}
