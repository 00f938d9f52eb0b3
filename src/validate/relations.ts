/**
 * Foreign keys of a dataset: the ones the spec declares (`constraints.foreign_keys`) and the ones its
 * generators imply (lookups of a parent's or another table's column, `choices_ref`), one per column pair.
 */
import type { Plan } from '../ir/types.ts';

export interface Relation {
  from: { table: string; column: string };
  to: { table: string; column: string };
  /** Where the promise comes from: `declared`, `lookup` (parent / pick / on) or `choices_ref`. */
  source: 'declared' | 'lookup' | 'choices_ref';
  specPath?: string;
}

/** Every column whose values must exist in another column (deduplicated; declared ones first). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function relations(plan: Plan, doc: any): Relation[] {
  const out = new Map<string, Relation>();
  const add = (r: Relation) => {
    const k = `${r.from.table}.${r.from.column}→${r.to.table}.${r.to.column}`;
    if (!out.has(k)) out.set(k, r);
  };
  const fks = Array.isArray(doc?.constraints?.foreign_keys) ? doc.constraints.foreign_keys : [];
  fks.forEach((fk: { from?: unknown; to?: unknown }, i: number) => {
    const from = split(fk?.from);
    const to = split(fk?.to);
    if (from && to) add({ from, to, source: 'declared', specPath: `/constraints/foreign_keys/${i}` });
  });
  const tables = new Map(plan.tables.map((t) => [t.id, t]));
  for (const t of plan.tables) {
    for (const c of t.columns) {
      const g = c.generator;
      // A lookup whose value is changed afterwards (modifiers, or a cast to another type) is not a key any more.
      if (c.modifiers.length) continue;
      // A self-lookup's depth and path are not keys; its parent and root are keys of its own table.
      if (g.kind === 'lookup' && g.via !== 'at' && !(g.via === 'self' && (g.hierarchy?.derive === 'depth' || g.hierarchy?.derive === 'path'))) {
        const target = tables.get(g.table)?.columns.find((x) => x.name === g.column);
        if (target && target.type === c.type) add({ from: { table: t.id, column: c.name }, to: { table: g.table, column: g.column }, source: 'lookup' });
      } else if (g.kind === 'choice_ref') {
        add({ from: { table: t.id, column: c.name }, to: { table: g.table, column: g.column }, source: 'choices_ref' });
      }
    }
  }
  return [...out.values()];
}

/** "table.column" → its parts (split at the first dot, as the compiler resolves it). */
export function split(ref: unknown): { table: string; column: string } | null {
  if (typeof ref !== 'string') return null;
  const i = ref.indexOf('.');
  return i > 0 ? { table: ref.slice(0, i), column: ref.slice(i + 1) } : null;
}
