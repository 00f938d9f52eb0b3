/**
 * The keys compare scores cardinality and referential integrity on, and leaves out of column shapes: from a
 * datagen spec (`--spec`: the inferred spec or a hand-written one) or, by default, from the source itself.
 */
import { SpecError } from '../diagnostics/diagnostic.ts';
import { loadSpec } from '../spec/load.ts';
import { findKeys } from '../infer/keys.ts';
import type { TableProfile } from '../infer/profile.ts';
import type { Source } from '../infer/source.ts';
import type { ForeignKey } from './types.ts';

export interface Keys {
  /** Primary key column per table. */
  pk: Map<string, string>;
  fks: ForeignKey[];
}

export class CompareError extends Error {
  constructor(message: string, readonly code: string, readonly hint: string) {
    super(message);
    this.name = 'CompareError';
  }
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

/** `"table.column"` of a lookup's `from`. */
function splitRef(from: unknown): [string, string] | null {
  if (typeof from !== 'string') return null;
  const i = from.indexOf('.');
  return i > 0 && i < from.length - 1 ? [from.slice(0, i), from.slice(i + 1)] : null;
}

/**
 * Keys of a spec document: each node's `pk`, and a foreign key for every column whose generator is a `lookup`
 * of another node's primary key (the parent's key of a fact, other lookups, a tree's lookup of its own table).
 * A lookup of a column that is not the other node's primary key (`users.country`) is a copied value, not a key.
 */
export function keysFromSpec(doc: unknown): Keys {
  const nodes = isObj(doc) && Array.isArray(doc.nodes) ? doc.nodes.filter(isObj) : [];
  const pk = new Map<string, string>();
  for (const n of nodes) if (typeof n.id === 'string' && typeof n.pk === 'string') pk.set(n.id, n.pk);
  const fks: ForeignKey[] = [];
  for (const n of nodes) {
    if (typeof n.id !== 'string' || !Array.isArray(n.columns)) continue;
    for (const c of n.columns.filter(isObj)) {
      const g = isObj(c.generator) ? c.generator : null;
      const lookup = g && isObj(g.lookup) ? g.lookup : null;
      const ref = lookup ? splitRef(lookup.from) : null;
      if (!ref || typeof c.name !== 'string' || pk.get(ref[0]) !== ref[1]) continue;
      fks.push({ table: n.id, column: c.name, refTable: ref[0], refColumn: ref[1], origin: 'spec' });
    }
  }
  return { pk, fks };
}

/** A spec file's document (its keys are what compare reads); a file that is not a readable spec is an error. */
export function readSpecFile(path: string, displayName: string): Record<string, unknown> {
  const spec = loadSpec(path, displayName);
  if (spec.diagnostics.length) throw new SpecError(spec.map.annotate(spec.diagnostics), displayName);
  const doc = spec.doc;
  if (!isObj(doc) || !Array.isArray(doc.nodes)) {
    throw new CompareError(`--spec "${displayName}" is not a datagen spec: it has no "nodes" list`, 'DG_COMPARE_SPEC', 'give the spec `datagen infer` wrote (or the one the twin was generated from)');
  }
  return doc;
}

/** Keys of the source itself: its declared constraints, then those datagen's key finder (src/infer/keys.ts) finds in the data. */
export async function sourceKeys(source: Source, profiles: TableProfile[]): Promise<Keys> {
  const found = await findKeys(source, { profiles });
  return {
    pk: new Map(found.primaryKeys.map((k) => [k.table, k.column])),
    fks: found.foreignKeys.map((f) => ({ table: f.table, column: f.column, refTable: f.refTable, refColumn: f.refColumn, origin: f.declared ? 'declared' : 'found' })),
  };
}

/** `first`'s keys, then `more`'s for the columns `first` does not make foreign keys (and tables it gives no primary key). */
export function mergeKeys(first: Keys, more: Keys): Keys {
  const pk = new Map([...more.pk, ...first.pk]);
  const taken = new Set(first.fks.map((f) => `${f.table}.${f.column}`));
  return { pk, fks: [...first.fks, ...more.fks.filter((f) => !taken.has(`${f.table}.${f.column}`))] };
}
