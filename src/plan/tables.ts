import { pointer } from '../diagnostics/diagnostic.ts';
import { didYouMean } from '../diagnostics/suggest.ts';
import { planEffect } from './programs/modifiers/effect.ts';
import { streamKey } from '../model/rng.ts';
import { planColumn } from './columns.ts';
import { planSchedule } from './schedule.ts';
import { sharesProblem } from '../spec/shares.ts';
import { planEdges } from './edges.ts';
import { columnDeps } from './deps.ts';
import { error, findColumn, isNumber, type Json, type PlanContext, warning } from './context.ts';
import { INHERITED_TIME, inheritedTimeSource } from './time-reference.ts';
import type { ColumnPlan, EffectPlan, FanoutPlan, PickPlan, RowModel, TablePlan } from '../ir/types.ts';

/** Behaviour blocks (DSL §5) this version does not execute yet: announced, never ignored silently. */
export const PLANNED_BEHAVIOURS: string[] = [];
const FANOUTS = ['poisson', 'uniform', 'negative_binomial', 'geometric', 'fixed', 'categorical'];

export type TableDraft = Omit<TablePlan, 'level' | 'estimatedRows' | 'estimatedBytes' | 'retain'>;

/** Plan one node: its columns, row model, picks and column evaluation order. */
export function planTable(ctx: PlanContext, node: Json, index: number, scale: number, unsupported: { path: string; what: string }[]): TableDraft | undefined {
  const path = pointer('nodes', index);
  const columns: ColumnPlan[] = [];
  const raw: Json[] = Array.isArray(node.columns) ? node.columns : [];
  const seen = new Set<string>();
  raw.forEach((c, i) => {
    if (seen.has(c?.name)) error(ctx, 'DG_DUPLICATE_COLUMN', `${path}/columns/${i}/name`, `column "${c.name}" is defined twice in "${node.id}"`, 'rename one of them');
    seen.add(c?.name);
    const p = planColumn(ctx, node, index, c, i);
    if (p) columns.push(p);
  });
  const pk = typeof node.pk === 'string' ? node.pk : null;
  if (pk !== null && !findColumn(node, pk)) error(ctx, 'DG_UNKNOWN_COLUMN', `${path}/pk`, `pk "${pk}" is not a column of "${node.id}"`, raw.length ? didYouMean(pk, raw.map((c) => c?.name)) : 'add the key column to "columns"');
  else if (pk !== null) checkPk(ctx, node, path, columns.find((c) => c.name === pk));
  checkHidden(ctx, node, path, columns, pk);
  for (const key of PLANNED_BEHAVIOURS) {
    if (node[key] === undefined) continue;
    warning(ctx, 'DG_NOT_SUPPORTED', `${path}/${key}`, `"${key}" is not supported by this version of datagen yet; the node is generated without it`, 'remove the block or expect the data not to show this behaviour (--strict refuses it)');
    unsupported.push({ path: `${path}/${key}`, what: key });
  }
  const rows = planRows(ctx, node, path, scale, columns);
  if (!rows || columns.length !== raw.length) return undefined;
  const evalOrder = orderColumns(ctx, node, path, columns, pk);
  if (!evalOrder) return undefined;
  const picks = collectPicks(ctx, node, columns);
  const dependsOn = tableDeps(node, columns, rows, picks);
  return { id: node.id, kind: node.kind, pk, dependsOn, rows, columns, evalOrder, picks };
}

/** Hidden helper columns (docs/authoring.md): never the key, and never every column of the table. */
function checkHidden(ctx: PlanContext, node: Json, path: string, columns: ColumnPlan[], pk: string | null): void {
  const at = (name: string) => `${path}/columns/${node.columns.findIndex((c: Json) => c?.name === name)}/hidden`;
  const key = columns.find((c) => c.hidden && c.name === pk);
  if (key) error(ctx, 'DG_HIDDEN_COLUMN', at(key.name), `pk "${key.name}" of "${node.id}" is hidden: a key is what other tables and the output join on`, 'remove "hidden" from the key column');
  for (const c of columns) {
    const m = c.hidden ? c.modifiers.find((x) => x.kind === 'outliers' || x.kind === 'anomaly') : undefined;
    if (m) error(ctx, 'DG_HIDDEN_COLUMN', at(c.name), `"${c.name}" of "${node.id}" is hidden but has a labelled modifier (${m.kind}): its labels would point at a column the output does not have`, 'put the modifier on a written column, or remove "hidden"');
  }
  if (columns.length > 0 && columns.every((c) => c.hidden)) error(ctx, 'DG_HIDDEN_COLUMN', at(columns[0].name), `every column of "${node.id}" is hidden: the table would be written without columns`, 'keep at least one column visible, or drop the table');
}

/** A pk must be unique and non-null: sequences, enum_list and uuid4 are by construction; anything else is warned. */
function checkPk(ctx: PlanContext, node: Json, path: string, col: ColumnPlan | undefined): void {
  if (!col) return;
  const colPath = `${path}/columns/${node.columns.findIndex((c: Json) => c?.name === col.name)}`;
  if (col.nullRate > 0) return void error(ctx, 'DG_PK_NULLABLE', `${colPath}/null_rate`, `pk "${col.name}" of "${node.id}" has a null_rate: a key cannot be null`, 'remove null_rate from the key column');
  const g = col.generator;
  const unique = g.kind === 'sequence' || (g.kind === 'enum_list' && new Set(g.values).size === g.values.length) || (g.kind === 'faker' && g.method === 'uuid4');
  if (!unique) warning(ctx, 'DG_PK_NOT_UNIQUE', `${colPath}/generator`, `pk "${col.name}" of "${node.id}" uses ${g.kind === 'enum_list' ? 'an enum_list with repeated values' : `a ${g.kind} generator`}, which does not guarantee unique keys`, 'use a sequence (or uuid4) for the key and keep this column as an attribute');
}

function planRows(ctx: PlanContext, node: Json, path: string, scale: number, columns: ColumnPlan[]): RowModel | undefined {
  const parents: string[] = Array.isArray(node.parents) ? node.parents : [];
  parents.forEach((p, i) => {
    if (!ctx.nodes.has(p)) error(ctx, 'DG_UNKNOWN_TABLE', `${path}/parents/${i}`, `parent "${p}" is not a node of this spec`, didYouMean(p, [...ctx.nodes.keys()]));
    if (p === node.id) error(ctx, 'DG_CYCLE', `${path}/parents/${i}`, `"${p}" is its own parent`, 'a fact has rows per row of another node');
  });
  if (node.edges !== undefined && (node.kind !== 'fact' || parents.length === 0)) return error(ctx, 'DG_BAD_PARAM', `${path}/edges`, `edges make a fact an edge table over its parents[0], but "${node.id}" is ${node.kind === 'fact' ? 'a fact without parents' : `a ${node.kind}`}`, 'make it a fact with "parents": ["<node table>"]');
  if (node.kind === 'vocab') {
    const list = columns.find((c) => c.generator.kind === 'enum_list');
    const declared = (node.columns ?? []).some((c: Json) => c?.generator && 'enum_list' in c.generator);
    if (declared && !list) return undefined;
    if (!list || list.generator.kind !== 'enum_list') return error(ctx, 'DG_VOCAB_WITHOUT_LIST', path, `vocab node "${node.id}" has no enum_list column`, 'give one column an {"enum_list": {"values": [...]}} generator');
    const n = list.generator.values.length;
    const other = columns.find((c) => c.generator.kind === 'enum_list' && c.generator.values.length !== n);
    if (other) return error(ctx, 'DG_ENUM_LENGTH', `${path}/columns/${node.columns.findIndex((c: Json) => c?.name === other.name)}/generator/enum_list/values`, `enum_list of "${other.name}" has ${(other.generator as { values: unknown[] }).values.length} values but "${list.name}" has ${n}`, 'parallel enum_list columns of a vocab node need the same number of values (one per row)');
    return { kind: 'fixed', count: n };
  }
  if (node.schedule !== undefined && (node.kind !== 'fact' || parents.length === 0)) return error(ctx, 'DG_BAD_SCHEDULE', `${path}/schedule`, `a schedule gives each row of a fact's parents[0] its rows, but "${node.id}" is ${node.kind === 'fact' ? 'a fact without parents' : `a ${node.kind}`}`, 'make it a fact with "parents": ["<table>"]');
  if (node.kind !== 'fact' || parents.length === 0) {
    if (node.fanout !== undefined) warning(ctx, 'DG_IGNORED_OPTION', `${path}/fanout`, `"${node.id}" has no parents, so fanout has no effect: its row count is "rows" (${node.rows ?? 1000})`, 'add "parents" (the first one drives fanout) or remove fanout');
    const n = node.rows ?? 1000;
    if (!isNumber(n) || n < 0) return error(ctx, isNumber(n) ? 'DG_OUT_OF_RANGE' : 'DG_BAD_PARAM', `${path}/rows`, `rows ${JSON.stringify(node.rows)} is not a non-negative number`, 'e.g. "rows": 1000');
    return { kind: 'fixed', count: Math.max(0, Math.round(n * scale)) };
  }
  const fanout = node.schedule !== undefined ? planSchedule(ctx, node, `${path}/schedule`, parents[0], columns) : planFanout(ctx, node.fanout, `${path}/fanout`);
  if (!fanout) return undefined;
  const effects: EffectPlan[] = [];
  const mods: Json[] = Array.isArray(node.modifiers) ? node.modifiers : [];
  mods.forEach((m, i) => {
    const mpath = `${path}/modifiers/${i}`;
    if (m?.transform !== 'effect') return void error(ctx, 'DG_BAD_TABLE_MODIFIER', `${mpath}/transform`, `table-level modifiers must be "effect" (it scales fanout), got ${JSON.stringify(m?.transform)}`, 'move column modifiers into the column');
    const e = planEffect(m.args ?? {}, ctx, node, `${mpath}/args`);
    if (e) effects.push(bindToParent(ctx, `${mpath}/args/on`, e, parents[0], columns));
  });
  const edges = node.edges === undefined ? undefined : planEdges(ctx, node, path, parents[0], columns);
  if (node.edges !== undefined && !edges) return undefined;
  return { kind: 'fanout', parent: parents[0], fanout, effects, stream: streamKey(ctx.seed, node.id, '__fanout'), segments: [], vintage: null, ...(edges ? { edges } : {}) };
}

/**
 * Table-level effect keys that the primary parent determines (a lookup of the parent, or an expression that
 * is exactly `parent.col`) are rebound to the parent's columns; other keys are marginalised, with a warning.
 */
function bindToParent(ctx: PlanContext, path: string, e: EffectPlan, parent: string, columns: ColumnPlan[]): EffectPlan {
  const on = e.on.flatMap((k) => {
    const g = columns.find((x) => x.name === k.local)?.generator;
    if (g?.kind === 'lookup' && g.via === 'parent' && g.table === parent) return [{ local: g.column, remote: k.remote }];
    const m = g?.kind === 'expression' ? /^\s*(\w+)\.(\w+)\s*$/.exec(g.code) : null;
    if (m && (m[1] === 'parent' || m[1] === parent)) return [{ local: m[2], remote: k.remote }];
    warning(ctx, 'DG_NOT_ENFORCED', `${path}/${k.local}`, `table-level effect key "${k.local}" is not determined by the parent row, so child counts average over every effect row for it`, 'key table-level effects on the parent\'s FK or a parent column (lookup or "parent.col"); a column-level effect can use any key');
    return [];
  });
  const timeCol = columns.find((c) => c.generator.kind === 'datetime');
  if (timeCol && timeCol.generator.kind === 'datetime' && on.length === 0) timeCol.generator.effects.push({ ...e, on: [], timeRef: timeCol.name });
  return { ...e, on, timeRef: timeCol?.name ?? null };
}

/** `{"distribution": "categorical", "values": [2, 3, 4], "weights": [0.25, 0.5, 0.25]}`: each count with its weight. */
function planCategorical(ctx: PlanContext, f: Json, path: string): FanoutPlan | undefined {
  const values = f.values;
  if (!Array.isArray(values) || values.length === 0 || !values.every((v) => Number.isInteger(v) && v >= 0)) {
    return error(ctx, 'DG_BAD_PARAM', `${path}/values`, `categorical fanout needs "values": a non-empty list of counts (integers ≥ 0), got ${JSON.stringify(values) ?? 'nothing'}`, 'e.g. {"distribution": "categorical", "values": [2, 3, 4], "weights": [0.25, 0.5, 0.25]}');
  }
  const weights: unknown = f.weights ?? values.map(() => 1);
  if (!Array.isArray(weights) || weights.length !== values.length) {
    return error(ctx, 'DG_WEIGHTS_LENGTH', `${path}/weights`, `categorical fanout has ${values.length} values but ${Array.isArray(weights) ? weights.length : 'no list of'} weights`, 'give one weight per value (or none: equal weights)');
  }
  if (!weights.every((w) => isNumber(w) && w >= 0) || !weights.some((w) => (w as number) > 0)) {
    return error(ctx, 'DG_BAD_WEIGHTS', `${path}/weights`, 'categorical fanout weights must be non-negative numbers, not all 0', 'e.g. [0.25, 0.5, 0.25]');
  }
  const shares = sharesProblem(weights as number[], `${path}/weights`, 'categorical fanout weights');
  if (shares) ctx.diags.push(shares);
  for (const key of ['min', 'max'] as const) {
    if (f[key] !== undefined) warning(ctx, 'DG_IGNORED_OPTION', `${path}/${key}`, `${key} has no effect on a categorical fanout: its counts are "values"`, 'list only the counts you want in "values"');
  }
  const total = (weights as number[]).reduce((a, b) => a + b, 0);
  let acc = 0;
  const cdf = (weights as number[]).map((w) => (acc += w / total));
  cdf[cdf.length - 1] = 1;
  const mean = values.reduce((a: number, v: number, i: number) => a + (v * (weights as number[])[i]) / total, 0);
  return { distribution: 'categorical', mean, k: null, min: null, max: null, values: [...values], cdf };
}

export function planFanout(ctx: PlanContext, f: Json, path: string): FanoutPlan | undefined {
  if (f === undefined) return { distribution: 'fixed', mean: 1, k: null, min: null, max: null };
  const d = f.distribution ?? 'poisson';
  if (!FANOUTS.includes(d)) return error(ctx, 'DG_UNKNOWN_DISTRIBUTION', `${path}/distribution`, `unknown fanout distribution "${d}"`, didYouMean(String(d), FANOUTS));
  if (d === 'categorical') return planCategorical(ctx, f, path);
  const min = isNumber(f.min) ? f.min : null;
  const max = isNumber(f.max) ? f.max : null;
  if (min !== null && max !== null && min > max) return error(ctx, 'DG_OUT_OF_RANGE', `${path}/min`, `fanout min ${min} is above max ${max}`, 'swap min and max');
  if ((min ?? 0) < 0) return error(ctx, 'DG_OUT_OF_RANGE', `${path}/min`, 'fanout min must be ≥ 0', 'a parent cannot have a negative number of children');
  if (d === 'geometric' && f.p !== undefined && !(isNumber(f.p) && f.p > 0 && f.p <= 1)) {
    return error(ctx, 'DG_OUT_OF_RANGE', `${path}/p`, `fanout p ${JSON.stringify(f.p)} is not a probability in (0, 1]`, 'p is the success probability; the mean count is (1 − p) / p');
  }
  if (d === 'fixed' && f.value === undefined && f.lambda === undefined) return error(ctx, 'DG_MISSING_PARAM', path, 'fixed fanout needs "value" (children per parent)', 'e.g. {"distribution": "fixed", "value": 3}');
  const mean = d === 'uniform' ? ((min ?? 0) + (max ?? (min ?? 0) * 2)) / 2 : d === 'fixed' ? f.value ?? f.lambda : d === 'geometric' && isNumber(f.p) ? (1 - f.p) / f.p : f.lambda ?? f.mean;
  if (!isNumber(mean) || mean < 0) return error(ctx, 'DG_MISSING_PARAM', `${path}`, `fanout "${d}" needs a non-negative mean ("lambda"${d === 'fixed' ? ' or "value"' : ''})`, 'e.g. {"distribution": "poisson", "lambda": 5}');
  if (d === 'uniform' && (min === null || max === null)) return error(ctx, 'DG_MISSING_PARAM', path, 'uniform fanout needs "min" and "max"', 'e.g. {"distribution": "uniform", "min": 1, "max": 5}');
  const k = d === 'negative_binomial' ? f.k ?? f.dispersion_k ?? null : null;
  if (d === 'negative_binomial' && (!isNumber(k) || k <= 0)) return error(ctx, 'DG_OUT_OF_RANGE', `${path}/k`, 'negative_binomial fanout needs a dispersion "k" > 0', 'smaller k = more overdispersion; e.g. 2');
  return { distribution: d, mean, k, min, max };
}

export function orderColumns(ctx: PlanContext, node: Json, path: string, columns: ColumnPlan[], pk: string | null): string[] | undefined {
  const deps = new Map(columns.map((c) => [c.name, columnDeps(c, pk).columns]));
  const order: string[] = [];
  const state = new Map<string, 1 | 2>();
  const visit = (name: string, stack: string[]): boolean => {
    if (state.get(name) === 2) return true;
    if (state.get(name) === 1) {
      const cycle = [...stack.slice(stack.indexOf(name)), name].join(' → ');
      error(ctx, 'DG_COLUMN_CYCLE', `${path}/columns`, `columns of "${node.id}" depend on each other in a cycle: ${cycle}`, 'break the cycle: one of them must not read the other');
      return false;
    }
    state.set(name, 1);
    for (const d of deps.get(name) ?? []) if (deps.has(d) && !visit(d, [...stack, name])) return false;
    state.set(name, 2);
    order.push(name);
    return true;
  };
  for (const c of columns) if (!visit(c.name, [])) return undefined;
  return order;
}

function collectPicks(ctx: PlanContext, node: Json, columns: ColumnPlan[]): PickPlan[] {
  const picks = new Map<string, string | null>();
  const primary = Array.isArray(node.parents) ? node.parents[0] : undefined;
  columns.forEach((c, i) => {
    const g = c.generator;
    if (g.kind === 'lookup' && g.via === 'pick') {
      const w: unknown = node.columns[i].generator.lookup.weights_by;
      const weightsBy = typeof w === 'string' ? w.slice(w.indexOf('.') + 1) : null;
      if (picks.has(g.table) && picks.get(g.table) !== weightsBy && weightsBy !== null) {
        warning(ctx, 'DG_CONFLICTING_PICK', pointer('nodes', ctx.nodes.get(node.id)!.index, 'columns', i, 'generator', 'lookup', 'weights_by'), `lookups from "${g.table}" share one picked row per ${node.id} row; this weights_by differs from an earlier one and is ignored`, 'use the same weights_by on every lookup from that table');
      } else if (!picks.has(g.table) || weightsBy !== null) picks.set(g.table, weightsBy);
    }
    if (g.kind === 'expression') for (const r of g.refs) if (r.table && r.table !== primary && !picks.has(r.table)) picks.set(r.table, null);
  });
  return [...picks].map(([table, weightsBy]) => ({ table, weightsBy, stream: streamKey(ctx.seed, node.id, '__pick', table), segments: null }));
}

function tableDeps(node: Json, columns: ColumnPlan[], rows: RowModel, picks: PickPlan[]): string[] {
  const deps = new Set<string>(Array.isArray(node.parents) ? node.parents : []);
  for (const c of columns) for (const t of columnDeps(c, null).tables) deps.add(t);
  if (rows.kind === 'fanout') for (const e of rows.effects) deps.add(e.table);
  for (const p of picks) deps.add(p.table);
  deps.delete(node.id);
  return [...deps].sort();
}

/**
 * Time flows down: every table whose programs read `INHERITED_TIME` gets `inheritedTime` — its primary
 * parent's first datetime/date column, or, when the parent has none, the parent's own inherited time (which
 * the parent then provides in turn, up to the nearest ancestor with a datetime column).
 */
export function planInheritedTime(ctx: PlanContext, drafts: Map<string, TableDraft>): void {
  const pending = [...drafts.values()].filter((t) => t.columns.some((c) => columnDeps(c, null).columns.includes(INHERITED_TIME)));
  while (pending.length) {
    const t = pending.pop()!;
    if (t.inheritedTime || t.rows.kind === 'fixed') continue;
    const source = inheritedTimeSource(ctx, ctx.nodes.get(t.id)!.node);
    const parent = drafts.get(t.rows.parent);
    if (!source || !parent) continue;
    const column = source.table === parent.id ? source.column : INHERITED_TIME;
    t.inheritedTime = { parent: parent.id, column, source: { table: source.table, column: source.column } };
    if (column === INHERITED_TIME) pending.push(parent);
  }
}
