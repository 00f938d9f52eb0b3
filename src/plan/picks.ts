import { streamKey } from '../model/rng.ts';
import { findColumn, type Json, type PlanContext } from './context.ts';
import type { KeyedPick, KeyPair, PreferencePlan } from '../ir/types.ts';
import { planPreference } from './preference.ts';

/**
 * One pick, one row: the lookups of a row that go through the same pick of another table — the same table and
 * the same `on` keys and `weights_by` — read the same row of it, and an expression's `<table>.<column>` reads
 * that row too. Lookups without `on` share the table's plain pick (`TablePlan.picks`).
 *
 * A keyed pick is drawn with the stream of its first lookup column (declared order), so a spec with one keyed
 * lookup per key set draws exactly what it drew when each lookup had its own stream.
 */
export interface PickGroups {
  /** Keyed picks of the table, in the order of their first lookup column. */
  keyed: { pick: KeyedPick; columns: string[] }[];
  /** Lookup columns of the plain (un-keyed) pick of the table. */
  plain: string[];
}

/** The lookups of `node` (raw spec) that read `table` (not through the primary-parent link), grouped by pick. */
export function pickGroups(ctx: PlanContext, node: Json, table: string): PickGroups {
  const out: PickGroups = { keyed: [], plain: [] };
  const other = ctx.nodes.get(table)?.node;
  if (!other || !Array.isArray(node?.columns)) return out;
  const primary = Array.isArray(node.parents) ? node.parents[0] : undefined;
  const byKey = new Map<string, { pick: KeyedPick; columns: string[] }>();
  for (const c of node.columns) {
    const l = c?.generator?.lookup;
    if (!l || typeof l.from !== 'string' || l.from.slice(0, l.from.indexOf('.')) !== table) continue;
    const on = normalizeOn(l.on, other);
    if (on === null) continue; // an invalid `on` is reported by its own column
    const weightsBy = typeof l.weights_by === 'string' && l.weights_by.startsWith(`${table}.`) ? l.weights_by.slice(table.length + 1) : null;
    // A preference score (src/plan/preference.ts) makes a pick of its own, keyed or not; an invalid one is reported by its column.
    const prefer = planPreference(ctx, node, table, l, '', false);
    if (prefer === undefined) continue;
    if (on.length === 0 && !prefer) {
      if (table !== primary) out.plain.push(String(c.name));
      continue;
    }
    const key = JSON.stringify([on, weightsBy, prefer]);
    let group = byKey.get(key);
    if (!group) {
      const stream = streamKey(ctx.seed, String(node.id), String(c.name), 'value');
      group = { pick: prefer ? { table, on, weightsBy, stream, prefer } : { table, on, weightsBy, stream }, columns: [] };
      byKey.set(key, group);
      out.keyed.push(group);
    }
    group.columns.push(String(c.name));
  }
  return out;
}

/** The keyed pick a lookup with these (already checked) keys belongs to. */
export function keyedPickOf(ctx: PlanContext, node: Json, table: string, on: KeyPair[], weightsBy: string | null, prefer: PreferencePlan | null = null): KeyedPick | undefined {
  const key = JSON.stringify([sortPairs(on), weightsBy, prefer]);
  return pickGroups(ctx, node, table).keyed.find((g) => JSON.stringify([g.pick.on, g.pick.weightsBy, g.pick.prefer ?? null]) === key)?.pick;
}

/** `on: {local: remote}` or the earlier tool's `{this_key, other_key?}` as sorted pairs; null when malformed. */
export function normalizeOn(raw: unknown, other: Json): KeyPair[] | null {
  if (raw === undefined || raw === null) return [];
  if (typeof raw !== 'object' || Array.isArray(raw)) return null;
  const obj = raw as Record<string, unknown>;
  if ('this_key' in obj) {
    const remote = obj.other_key ?? (findColumn(other, String(obj.this_key)) ? obj.this_key : other.pk);
    return typeof obj.this_key === 'string' && typeof remote === 'string' ? [{ local: obj.this_key, remote }] : null;
  }
  const pairs: KeyPair[] = [];
  for (const [local, remote] of Object.entries(obj)) {
    if (typeof remote !== 'string') return null;
    pairs.push({ local, remote });
  }
  return sortPairs(pairs);
}

function sortPairs(pairs: KeyPair[]): KeyPair[] {
  return [...pairs].sort((a, b) => (a.local < b.local ? -1 : a.local > b.local ? 1 : 0));
}
