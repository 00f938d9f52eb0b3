import { type ColumnContext, error, findColumn, isNumber, type Json } from './context.ts';
import { streamKey } from '../model/rng.ts';
import type { GeneratorProgram, HierarchyPlan } from '../ir/types.ts';

type LookupProgram = Extract<GeneratorProgram, { kind: 'lookup' }>;

const DERIVED = ['parent', 'depth', 'path', 'root'] as const;
const TREE_KEYS = ['roots', 'root_share', 'concentration', 'max_depth'] as const;

/**
 * A lookup from the node's own table (`{"lookup": {"from": "employee.employee_id"}}` inside `employee`): the row's
 * parent in a tree over the table's rows, always an EARLIER row (src/model/hierarchy.ts), so any chunk, worker or
 * shard split gives the same tree and no row points at itself. Rows without a parent (roots) get null, so the
 * column must be nullable: `"nullable": false` is refused. `hierarchy` (extension) shapes the tree; `derive`
 * (extension) reads the row's depth, its path of keys or its root instead of its parent's key.
 * See docs/behaviours/relations.md.
 */
export function planSelfLookup(args: Json, ref: { table: string; column: string }, ctx: ColumnContext, path: string): LookupProgram | undefined {
  const at = `${path}/from`;
  for (const k of ['weights_by', 'at'] as const) {
    if (args[k] !== undefined) return error(ctx, 'DG_NOT_SUPPORTED', `${path}/${k}`, `"${k}" is not supported on a lookup from the node's own table ("${ref.table}"): a row's parent there is drawn among the earlier rows`, `remove "${k}"`);
  }
  const within = withinParent(args.on, ctx, `${path}/on`);
  if (within === undefined) return undefined;
  const derive = args.derive ?? 'parent';
  if (!DERIVED.includes(derive)) return error(ctx, 'DG_BAD_PARAM', `${path}/derive`, `derive ${JSON.stringify(derive)} is not one of ${DERIVED.join(', ')}`, '"parent" (the default) is the parent row\'s key; depth, path and root describe the row\'s place in the tree');
  const target = findColumn(ctx.node, ref.column);
  const g = target?.generator?.sequence;
  const keyed = target && typeof g === 'object' && g !== null && g.order_by === undefined && (target.modifiers === undefined || (Array.isArray(target.modifiers) && target.modifiers.length === 0)) && target.null_rate === undefined;
  if (!keyed && selfContainedKey(ctx, ref.column)) {
    // Another key generator (faker uuid4, …): evaluated at the rows the tree needs.
    const tree = treeOptions(ctx, ref.table, path);
    if (!tree) return undefined;
    if (derive === 'parent' && ctx.column.nullable === false) return error(ctx, 'DG_SELF_LOOKUP', `${ctx.path}/nullable`, `"${ctx.column.name}" looks up its own table's "${ref.column}" but is declared "nullable": false; the first row (and every root) has no earlier row to point at, and a row never points at itself`, 'remove "nullable": false (roots get null)');
    const typeProblem = derivedType(ctx, derive, target.type);
    if (typeProblem) return typeProblem();
    const within = withinParent(args.on, ctx, `${path}/on`);
    if (within === undefined) return undefined;
    if (within) return error(ctx, 'DG_NOT_SUPPORTED', `${path}/on`, `per-parent trees need a plain sequence key, and "${ref.table}.${ref.column}" is not one`, 'key the table with a sequence');
    return { kind: 'lookup', table: ref.table, column: ref.column, via: 'self', on: [], hierarchy: { ...tree, key: null, derive } };
  }
  if (!keyed) {
    return error(ctx, 'DG_SELF_LOOKUP', at, `lookup.from names this table ("${ref.table}"): a lookup from the node's own table points at an earlier row through its key, and "${ref.table}.${ref.column}" is neither a plain sequence (no order_by, modifiers or null_rate) nor an entity key that reads nothing else of its row (faker uuid4, enum_list)`, `use an expression to reuse a column of the same row, or look up the table's sequence key (e.g. "${ref.table}.${typeof ctx.node.pk === 'string' ? ctx.node.pk : 'id'}") to point at an earlier row`);
  }
  const key = { start: isNumber(g.start) ? g.start : 1, step: isNumber(g.step) ? g.step : 1 };
  if (derive === 'parent' || derive === 'root') {
    if (ctx.column.nullable === false && derive === 'parent') return error(ctx, 'DG_SELF_LOOKUP', `${ctx.path}/nullable`, `"${ctx.column.name}" looks up its own table's "${ref.column}" but is declared "nullable": false; the first row (and every root) has no earlier row to point at, and a row never points at itself`, 'remove "nullable": false (roots get null)');
    if (!['int', 'float', 'decimal', 'string'].includes(ctx.type)) return error(ctx, 'DG_TYPE_MISMATCH', `${ctx.path}/type`, `"${ctx.column.name}" holds a key of "${ref.table}" but is ${ctx.type}`, 'make it "int" (like the key)');
  }
  if (derive === 'depth' && !['int', 'float', 'decimal'].includes(ctx.type)) return error(ctx, 'DG_TYPE_MISMATCH', `${ctx.path}/type`, `derive "depth" is a whole number, but "${ctx.column.name}" is ${ctx.type}`, 'make the column "type": "int"');
  if (derive === 'path' && ctx.type !== 'string') return error(ctx, 'DG_TYPE_MISMATCH', `${ctx.path}/type`, `derive "path" is text ("1/4/17"), but "${ctx.column.name}" is ${ctx.type}`, 'make the column "type": "string"');
  const tree = treeOptions(ctx, ref.table, path);
  if (!tree) return undefined;
  const on = within ? Object.keys(args.on).sort().map((c) => ({ local: c, remote: c })) : [];
  return { kind: 'lookup', table: ref.table, column: ref.column, via: 'self', on, hierarchy: { ...tree, key, derive, ...(within ? { withinParent: true } : {}) } };
}

/** An entity's key column that reads nothing else of its row (faker without `$` arguments or `locale_from`, enum_list). */
function selfContainedKey(ctx: ColumnContext, column: string): boolean {
  if (ctx.node.kind !== 'entity' || column === ctx.column.name) return false;
  const g = findColumn(ctx.node, column)?.generator;
  if (g?.enum_list !== undefined) return true;
  const f = g?.faker;
  return typeof f === 'object' && f !== null && f.locale_from === undefined && !JSON.stringify(f.args ?? {}).includes('"$');
}

/** The column type a derived value needs (depth: a number, path: text, parent/root: the key's). */
function derivedType(ctx: ColumnContext, derive: string, keyType: unknown): (() => undefined) | null {
  if (derive === 'depth' && !['int', 'float', 'decimal'].includes(ctx.type)) return () => error(ctx, 'DG_TYPE_MISMATCH', `${ctx.path}/type`, `derive "depth" is a whole number, but "${ctx.column.name}" is ${ctx.type}`, 'make the column "type": "int"');
  if (derive === 'path' && ctx.type !== 'string') return () => error(ctx, 'DG_TYPE_MISMATCH', `${ctx.path}/type`, `derive "path" is text, but "${ctx.column.name}" is ${ctx.type}`, 'make the column "type": "string"');
  if ((derive === 'parent' || derive === 'root') && ctx.type !== keyType) return () => error(ctx, 'DG_TYPE_MISMATCH', `${ctx.path}/type`, `"${ctx.column.name}" holds a key of its table, which is ${String(keyType)}, but it is ${ctx.type}`, `make it "type": "${String(keyType)}"`);
  return null;
}

/**
 * `on` of a self-lookup: only the primary parent's key, `{"post_id": "post_id"}` where `post_id` is this fact's
 * lookup of its parents[0] — one tree per parent row (a reply points at an earlier comment of the same post).
 * Other keys would need the values of earlier rows, which a row cannot know: DG_NOT_SUPPORTED.
 */
function withinParent(on: Json, ctx: ColumnContext, path: string): boolean | undefined {
  if (on === undefined || on === null) return false;
  const parents: string[] = Array.isArray(ctx.node.parents) ? ctx.node.parents : [];
  const pairs = typeof on === 'object' && !Array.isArray(on) ? Object.entries(on) : [];
  const fk = (name: string) => {
    const l = findColumn(ctx.node, name)?.generator?.lookup;
    return parents[0] !== undefined && l && typeof l.from === 'string' && l.from.startsWith(`${parents[0]}.`) && l.on === undefined && l.end === undefined;
  };
  const ok = pairs.length > 0 && pairs.every(([local, remote]) => local === remote && fk(local));
  if (!ok) return error(ctx, 'DG_NOT_SUPPORTED', path, `"on" of a lookup from the node's own table can only name this fact's lookup of its parent${parents[0] ? ` "${parents[0]}"` : ''} (one tree per parent row), e.g. {"post_id": "post_id"}`, parents[0] ? `use the column that looks up "${parents[0]}", or remove "on"` : 'remove "on"');
  return true;
}

/**
 * The tree's options: every self-lookup of the node shares one tree ("one pick, one row"), shaped by the
 * `hierarchy` of whichever of its self-lookups give one — they must agree.
 */
function treeOptions(ctx: ColumnContext, table: string, path: string): Omit<HierarchyPlan, 'key' | 'derive'> | undefined {
  const given: { at: string; h: Json }[] = [];
  (Array.isArray(ctx.node.columns) ? ctx.node.columns : []).forEach((c: Json, i: number) => {
    const l = c?.generator?.lookup;
    if (l && typeof l.from === 'string' && l.from.startsWith(`${table}.`) && l.hierarchy !== undefined) given.push({ at: `/nodes/${ctx.nodeIndex}/columns/${i}/generator/lookup/hierarchy`, h: l.hierarchy });
  });
  const own = ctx.column?.generator?.lookup?.hierarchy;
  const h: Json = own ?? given[0]?.h ?? {};
  const hp = own !== undefined ? `${path}/hierarchy` : given[0]?.at ?? `${path}/hierarchy`;
  if (typeof h !== 'object' || h === null || Array.isArray(h)) return error(ctx, 'DG_BAD_PARAM', hp, 'hierarchy must be an object {roots | root_share, concentration, max_depth}', 'e.g. {"roots": 1, "concentration": 0.5, "max_depth": 6}');
  if (own !== undefined) {
    const clash = given.find((x) => JSON.stringify(pickTree(x.h)) !== JSON.stringify(pickTree(own)));
    if (clash) return error(ctx, 'DG_CONFLICTING_PICK', hp, `the self-lookups of "${table}" share one tree, but this hierarchy differs from the one at ${clash.at}`, 'give the options once (on the parent column) or the same on each');
  }
  if (h.roots !== undefined && h.root_share !== undefined) return error(ctx, 'DG_BAD_PARAM', `${hp}/roots`, 'give either roots (a number of rows) or root_share (a probability), not both', 'roots: the first N rows are the roots; root_share: each row is a root with that probability');
  if (h.roots !== undefined && !(Number.isInteger(h.roots) && h.roots >= 1)) return error(ctx, 'DG_OUT_OF_RANGE', `${hp}/roots`, `roots ${JSON.stringify(h.roots)} must be a whole number ≥ 1 (the first row is always a root)`, 'e.g. "roots": 1 for a single tree');
  if (h.root_share !== undefined && !(isNumber(h.root_share) && h.root_share >= 0 && h.root_share <= 1)) return error(ctx, 'DG_OUT_OF_RANGE', `${hp}/root_share`, `root_share ${JSON.stringify(h.root_share)} must be a probability in [0, 1]`, 'e.g. 0.05');
  if (h.concentration !== undefined && !(isNumber(h.concentration) && h.concentration >= 0 && h.concentration < 1)) return error(ctx, 'DG_OUT_OF_RANGE', `${hp}/concentration`, `concentration ${JSON.stringify(h.concentration)} must be in [0, 1)`, '0: children per row geometric; closer to 1: a few rows get most children');
  if (h.max_depth !== undefined && !(Number.isInteger(h.max_depth) && h.max_depth >= 1)) return error(ctx, 'DG_OUT_OF_RANGE', `${hp}/max_depth`, `max_depth ${JSON.stringify(h.max_depth)} must be a whole number ≥ 1 (roots have depth 0)`, 'e.g. "max_depth": 6');
  return {
    stream: streamKey(ctx.seed, String(ctx.node.id), '__hierarchy'),
    roots: h.root_share !== undefined ? null : h.roots ?? 1,
    rootShare: h.root_share ?? null,
    concentration: h.concentration ?? 0.5,
    maxDepth: h.max_depth ?? null,
  };
}

function pickTree(h: Json): unknown[] {
  return TREE_KEYS.map((k) => (typeof h === 'object' && h !== null ? h[k] ?? null : null));
}
