/** Which rows a scenario touches: its selection (entities or rows) and its window. */
import type { ChunkContext } from '../engine/chunk.ts';
import type { ColumnData } from '../model/column-data.ts';
import { compileExpression, parseExpression, type ParsedExpression } from '../expr/expression.ts';
import { hashString, uniform } from '../model/rng.ts';
import type { ScenarioCommon, ScenarioSelection } from '../ir/types.ts';

/** What selecting rows needs of a scenario (column scenarios and scenarios that add rows). */
export type Selecting = Pick<ScenarioCommon, 'timeRef' | 'startMs' | 'endMs' | 'selection' | 'stream'>;
import { scenarioFreeColumns } from './history.ts';

/** Rows [start, start + n) of a table with the columns evaluated for them. */
export interface Rows {
  start: number;
  n: number;
  parentRow: Float64Array | null;
  cols: Map<string, ColumnData>;
}

const parsed = new Map<string, ParsedExpression>();

/**
 * 1 for rows inside the window and the selection. random_k picks the k entities (or, for a table's own
 * rows, the k rows inside the window) with the smallest keyed uniforms: the same ones in every chunk.
 */
export function selectionMask(p: Selecting, ctx: ChunkContext, rows: Rows, o: { target?: { name: string; data: ColumnData }; anyTime?: boolean } = {}): Uint8Array {
  const t = rows.cols.get(p.timeRef)!.num!;
  const out = new Uint8Array(rows.n);
  const [lo, hi, n] = [p.startMs, p.endMs, rows.n];
  if (o.anyTime) out.fill(1);
  else for (let i = 0; i < n; i++) out[i] = t[i] >= lo && t[i] < hi ? 1 : 0;
  const target = o.target;
  const sel = p.selection;
  const keyCol = (sel.kind === 'random_k' || sel.kind === 'share') && sel.key ? (target && sel.key === target.name ? target.data : rows.cols.get(sel.key)!) : null;
  // An entity is a primary-parent row, a value of the key column (by its hash) or a row of the table itself.
  const entity = (i: number) => {
    if (keyCol) {
      const v = keyCol.key(i);
      return v === null ? -1 : hashString(String(v));
    }
    return sel.kind !== 'all' && sel.kind !== 'where' && sel.table !== null ? rows.parentRow![i] : rows.start + i;
  };
  switch (sel.kind) {
    case 'all':
      break;
    case 'share':
      if (sel.table !== null && !sel.key) {
        // primary-parent rows: one draw per parent, kept for the run
        const flags = ctx.memo(sel, () => {
          const f = new Uint8Array(ctx.store.table(sel.table!).rows);
          for (let e = 0; e < f.length; e++) f[e] = uniform(p.stream, e, 1) < sel.share ? 1 : 0;
          return f;
        });
        const parent = rows.parentRow!;
        for (let i = 0; i < n; i++) if (out[i] && !flags[parent[i] | 0]) out[i] = 0;
      } else for (let i = 0; i < rows.n; i++) if (out[i] && (entity(i) < 0 || uniform(p.stream, entity(i), 1) >= sel.share)) out[i] = 0;
      break;
    case 'random_k': {
      const chosen = ctx.memo(sel, () => smallestK(p.stream, candidates(p, ctx, sel), sel.k));
      if (sel.table !== null && !sel.key) {
        // primary-parent rows: a flag per parent (the hot path of entity scenarios on big facts)
        const flags = ctx.memo(chosen, () => {
          const f = new Uint8Array(ctx.store.table(sel.table!).rows);
          for (const e of chosen) f[e] = 1;
          return f;
        });
        const parent = rows.parentRow!;
        for (let i = 0; i < n; i++) if (out[i] && !flags[parent[i] | 0]) out[i] = 0;
      } else for (let i = 0; i < rows.n; i++) if (out[i] && !chosen.has(entity(i))) out[i] = 0;
      break;
    }
    case 'where': {
      let expr = parsed.get(sel.code);
      if (!expr) {
        const r = parseExpression(sel.code);
        if (!r.ok) throw new Error(`internal: selection no longer parses: ${sel.code}`);
        parsed.set(sel.code, (expr = r.expr));
      }
      const fn = compileExpression(expr, (ref) => (target && ref.column === target.name ? target.data : rows.cols.get(ref.column)!).values());
      for (let i = 0; i < rows.n; i++) if (out[i]) {
        const v = fn(i);
        if (!(v !== null && v !== 0 && v !== '' && v !== false && !(typeof v === 'number' && Number.isNaN(v)))) out[i] = 0;
      }
      break;
    }
  }
  return out;
}

/**
 * What random_k chooses among: the entities (primary-parent rows), key values or rows that have at least one
 * row inside the window in the table without scenarios — so the k chosen ones show the anomaly.
 */
function candidates(p: Selecting, ctx: ChunkContext, sel: Extract<ScenarioSelection, { kind: 'random_k' }>): number[] {
  const h = scenarioFreeColumns(ctx, [p.timeRef, ...(sel.key ? [sel.key] : [])]);
  const t = h.cols.get(p.timeRef)!.num!;
  const key = sel.key ? h.cols.get(sel.key)! : null;
  const out = new Set<number>();
  for (let i = 0; i < t.length; i++) {
    if (!(t[i] >= p.startMs && t[i] < p.endMs)) continue;
    if (key) {
      const v = key.key(i);
      if (v !== null) out.add(hashString(String(v)));
    } else out.add(sel.table !== null ? h.parentRow![i] : i);
  }
  return [...out];
}

/** The k candidates with the smallest uniform(stream, candidate, 0) (ties: the smaller candidate). */
function smallestK(stream: number, candidates: number[], k: number): Set<number> {
  if (k >= candidates.length) return new Set(candidates);
  if (k > 1000) {
    const keyed = candidates.map((c) => [uniform(stream, c, 0), c] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    return new Set(keyed.slice(0, k).map((x) => x[1]));
  }
  const before = (u: number, c: number, v: number, d: number) => u < v || (u === v && c < d);
  // k best so far, sorted ascending; each candidate costs O(1) unless it enters (O(k))
  const us: number[] = [];
  const cs: number[] = [];
  for (const c of candidates) {
    const u = uniform(stream, c, 0);
    if (us.length === k && !before(u, c, us[k - 1], cs[k - 1])) continue;
    let j = us.length === k ? k - 1 : us.length;
    while (j > 0 && before(u, c, us[j - 1], cs[j - 1])) {
      us[j] = us[j - 1];
      cs[j] = cs[j - 1];
      j--;
    }
    us[j] = u;
    cs[j] = c;
  }
  return new Set(cs);
}
