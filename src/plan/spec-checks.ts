/**
 * Whole-spec checks that no single node or column can make: names that would collide in the output
 * (DuckDB identifiers are case-insensitive; datagen writes `_labels`, `_label_events` and `_datagen_manifest` itself),
 * seeds the manifest cannot hold, options that have no effect. Each is a diagnostic at compile time,
 * so that a spec that compiles never fails at run for a reason visible in the spec.
 */
import { type Diagnostic, diag, pointer, pointerSegments, warn } from '../diagnostics/diagnostic.ts';
import type { Json } from './context.ts';
import { MIN_YEAR } from './time.ts';

/** Table names datagen writes next to the spec's tables (compared case-insensitively). */
const RESERVED_TABLES = ['_labels', '_label_events', '_datagen_manifest'];
/** Any table name with this prefix is reserved for datagen's own tables (now and later). */
const RESERVED_PREFIX = '_datagen';
/** Column names datagen uses for its own per-row values (`__time__`, …). */
const RESERVED_COLUMN = /^__.*__$/;
/** The longest node id or column name (a node id names a folder of Parquet output: file names stop at 255 bytes). */
const MAX_NAME = 128;
/** The largest seed: seeds are stored exactly in the manifest (BIGINT) and in plans (JSON numbers). */
const MAX_SEED = Number.MAX_SAFE_INTEGER;

/** A table name datagen writes itself (labels, manifest, any `_datagen…`): infer and compare skip such tables. */
export function isReservedTable(id: string): boolean {
  const lower = id.toLowerCase();
  return RESERVED_TABLES.includes(lower) || lower.startsWith(RESERVED_PREFIX);
}

/**
 * Node ids and column names: reserved table names, and names that differ only in case (exact
 * duplicates are DG_DUPLICATE_NODE / DG_DUPLICATE_COLUMN of their own checks).
 * `nodes` are the planned nodes (with the columns `segment_behavior` adds).
 */
export function checkNames(doc: Json, nodes: Map<string, { node: Json; index: number }>, diags: Diagnostic[]): void {
  const byLower = new Map<string, string>();
  (Array.isArray(doc.nodes) ? doc.nodes : []).forEach((n: Json, index: number) => {
    if (typeof n?.id !== 'string') return;
    const at = pointer('nodes', index, 'id');
    if (n.id.length > MAX_NAME) {
      diags.push(diag('DG_OUT_OF_RANGE', at, `node id "${n.id.slice(0, 24)}…" has ${n.id.length} characters; the limit is ${MAX_NAME} (it also names the table's folder of Parquet output, and file names stop at 255 bytes)`, 'use a shorter id'));
    }
    if (isReservedTable(n.id)) {
      diags.push(diag('DG_RESERVED_NAME', at, `node id "${n.id}" is reserved: datagen writes its own tables ${RESERVED_TABLES.map((t) => `"${t}"`).join(', ')} (and any name starting with "${RESERVED_PREFIX}") into the output`, 'rename the node (ids starting with "_datagen", "_labels" and "_label_events" are datagen\'s)'));
    }
    const lower = n.id.toLowerCase();
    const first = byLower.get(lower);
    if (first !== undefined && first !== n.id) {
      diags.push(diag('DG_DUPLICATE_NODE', at, `node id "${n.id}" differs from "${first}" only in case: table names are case-insensitive in DuckDB, so both would be one table`, `rename one of them (e.g. "${n.id}_2")`));
    } else if (first === undefined) byLower.set(lower, n.id);
  });
  for (const { node, index } of nodes.values()) {
    const seen = new Map<string, string>();
    const declared: Json[] = Array.isArray(doc.nodes?.[index]?.columns) ? doc.nodes[index].columns : [];
    (Array.isArray(node.columns) ? node.columns : []).forEach((c: Json, i: number) => {
      if (typeof c?.name !== 'string') return;
      if (c.name.length > MAX_NAME && i < declared.length) {
        diags.push(diag('DG_OUT_OF_RANGE', pointer('nodes', index, 'columns', i, 'name'), `column name "${c.name.slice(0, 24)}…" has ${c.name.length} characters; the limit is ${MAX_NAME}`, 'use a shorter name'));
      }
      if (RESERVED_COLUMN.test(c.name) && i < declared.length) {
        diags.push(diag('DG_RESERVED_NAME', pointer('nodes', index, 'columns', i, 'name'), `column name "${c.name}" is reserved: names of the form __name__ are datagen's internal columns (e.g. "__time__", a parent's time read down)`, `rename the column (e.g. "${c.name.replace(/^_+|_+$/g, '') || 'value'}")`));
      }
      const lower = c.name.toLowerCase();
      const first = seen.get(lower);
      if (first === undefined) return void seen.set(lower, c.name);
      if (first === c.name) return; // an exact duplicate: DG_DUPLICATE_COLUMN
      const at = i < declared.length ? pointer('nodes', index, 'columns', i, 'name') : pointer('nodes', index, 'segment_behavior', 'segment_column');
      diags.push(diag('DG_DUPLICATE_COLUMN', at, `column "${c.name}" of "${node.id}" differs from "${first}" only in case: column names are case-insensitive in DuckDB`, 'rename one of them'));
    });
  }
}

/** The spec's seed must be an exact integer the manifest can store. */
export function checkSeed(doc: Json, diags: Diagnostic[]): void {
  const s = doc.seed;
  if (typeof s !== 'number' || !Number.isInteger(s) || s < 0) return; // the schema says "integer ≥ 0"
  if (s > MAX_SEED) {
    diags.push(diag('DG_OUT_OF_RANGE', '/seed', `seed ${s} is too large: seeds go from 0 to ${MAX_SEED} (2^53 − 1), the largest integer a JSON number holds exactly`, 'use a smaller seed, e.g. 42'));
  }
}

/** `rows` where the row count comes from somewhere else: facts with parents (fanout), vocab nodes (the enum_list). */
export function checkIgnoredRows(doc: Json, diags: Diagnostic[]): void {
  (Array.isArray(doc.nodes) ? doc.nodes : []).forEach((n: Json, index: number) => {
    if (n?.rows === undefined) return;
    const at = pointer('nodes', index, 'rows');
    if (n.kind === 'fact' && Array.isArray(n.parents) && n.parents.length > 0) {
      diags.push(warn('DG_IGNORED_OPTION', at, `"${n.id}" is a fact with parents: its row count comes from "fanout" (children per row of "${n.parents[0]}"), so "rows" is ignored`, 'remove "rows", or set the fanout mean to rows ÷ parent rows'));
    } else if (n.kind === 'vocab') {
      diags.push(warn('DG_IGNORED_OPTION', at, `"${n.id}" is a vocab node: it has one row per enum_list value, so "rows" is ignored`, 'remove "rows"'));
    }
  });
}

/**
 * Instants before year 0100 are refused by parseInstant (JavaScript dates read years 0–99 as 1900–1999):
 * say so instead of "not an ISO-8601 instant".
 */
export function explainEarlyYears(doc: unknown, diags: Diagnostic[]): Diagnostic[] {
  return diags.map((d) => {
    if (d.code !== 'DG_BAD_DATETIME') return d;
    const v = valueAt(doc, d.path);
    const m = typeof v === 'string' ? /^(\d{4})-\d{2}-\d{2}/.exec(v) : null;
    if (!m || Number(m[1]) >= MIN_YEAR) return d;
    return { ...d, code: 'DG_OUT_OF_RANGE', message: `${JSON.stringify(v)} is before the year 0100: datagen supports instants from 0100-01-01 to 9999-12-31`, hint: 'use a year from 0100 on (JavaScript dates, which datagen computes with, read years 0–99 as 1900–1999)' };
  });
}

function valueAt(doc: unknown, ptr: string): unknown {
  let v: unknown = doc;
  for (const s of pointerSegments(ptr)) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[s];
  }
  return v;
}

/**
 * Values no JSON text can hold, in a document handed to `compile` by a library caller: non-finite numbers,
 * BigInts, undefined in an array, functions, symbols, holes of a sparse array, and cycles. Each is a
 * DG_SCHEMA error at its pointer (the first 20). The walk is iterative (no recursion on deep documents).
 */
export function jsonValueProblems(doc: unknown): Diagnostic[] {
  const out: Diagnostic[] = [];
  // One frame per open container (O(depth) memory on a document of millions of values): its keys, the next one.
  type Frame = { v: object; keys: string[] | null; next: number; parent: Frame | null; key: string | number };
  const onPath = new Set<object>();
  const pathOf = (f: Frame | null, last?: string | number): (string | number)[] => {
    const segs: (string | number)[] = last === undefined ? [] : [last];
    for (let x = f; x && x.parent; x = x.parent) segs.push(x.key);
    return segs.reverse();
  };
  const problem = (path: (string | number)[], what: string) => out.push(diag('DG_SCHEMA', pointer(...path), `${what} is not a JSON value`, 'pass what JSON.parse returns: strings, finite numbers, booleans, null, arrays and objects'));
  /** Check a value; a container becomes a frame to walk (returned). */
  const visit = (v: unknown, parent: Frame | null, key: string | number, inArray: boolean): Frame | null => {
    switch (typeof v) {
      case 'number':
        if (!Number.isFinite(v)) problem(pathOf(parent, parent ? key : undefined), String(v));
        return null;
      case 'bigint':
        problem(pathOf(parent, parent ? key : undefined), `the BigInt ${String(v).slice(0, 30)}n`);
        return null;
      case 'function':
      case 'symbol':
        problem(pathOf(parent, parent ? key : undefined), `a ${typeof v}`);
        return null;
      case 'undefined':
        // An undefined property is left out by JSON.stringify (as if absent); in an array or as the document it is not.
        if (!parent || inArray) problem(pathOf(parent, parent ? key : undefined), 'undefined');
        return null;
      case 'object':
        if (v === null) return null;
        if (onPath.has(v)) {
          problem(pathOf(parent, key), 'a reference back to an enclosing object (a cycle)');
          return null;
        }
        onPath.add(v);
        return { v, keys: Array.isArray(v) ? null : Object.keys(v), next: 0, parent, key };
      default:
        return null;
    }
  };
  const stack: Frame[] = [];
  const root = visit(doc, null, '', false);
  if (root) stack.push(root);
  while (stack.length && out.length < 20) {
    const f = stack[stack.length - 1];
    const arr = f.keys === null ? (f.v as unknown[]) : null;
    const count = arr ? arr.length : f.keys!.length;
    if (f.next >= count) {
      onPath.delete(f.v);
      stack.pop();
      continue;
    }
    const i = f.next++;
    if (arr) {
      if (!(i in arr)) {
        problem(pathOf(f, i), 'a hole in a sparse array');
        continue;
      }
      const child = visit(arr[i], f, i, true);
      if (child) stack.push(child);
    } else {
      const k = f.keys![i];
      const child = visit((f.v as Record<string, unknown>)[k], f, k, false);
      if (child) stack.push(child);
    }
  }
  return out;
}
