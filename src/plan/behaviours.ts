/**
 * DSL §5.1–5.3: segments, vintage and stage funnels. Planned after every table's own columns, because a
 * behaviour declared on an entity changes the tables linked to it (its children through the primary
 * parent and the tables that pick its rows as a non-primary parent).
 */
import { sharesProblem } from '../spec/shares.ts';
import { pointer } from '../diagnostics/diagnostic.ts';
import { didYouMean } from '../diagnostics/suggest.ts';
import { streamKey } from '../model/rng.ts';
import { error, isNumber, type Json, type PlanContext, warning } from './context.ts';
import { AGE_UNIT_MS } from '../model/curves.ts';
import { parseDuration } from './time.ts';
import { resolveLifetime } from './lifetime.ts';
import { planFanout, type TableDraft } from './tables.ts';
import type { ColumnPlan, ColumnType, CurvePlan, DelayPlan, EndState, FunnelPlan, GrainPlan, SegmentScale, VintagePlan } from '../ir/types.ts';
import { GrainModel } from '../model/grain.ts';
import { planTrendShape } from './programs/modifiers/trend.ts';
import { planStateMachine } from './behaviour-states.ts';
import { planAdoptions } from './behaviour-adoption.ts';
import { planAttributions } from './behaviour-attribution.ts';
import { planLifecycle } from './behaviour-lifecycle.ts';
import { addColumn, behaviourColumn, type ChildSegmentEffect, lifetimeEnd, parentStart, planDurationDist, type SegmentInfo, segmentVariation } from './behaviour-common.ts';


const DAY = 86_400_000;
const NUMERIC: ColumnType[] = ['int', 'float', 'decimal'];

export function planBehaviours(ctx: PlanContext, drafts: Map<string, TableDraft>): void {
  const segments = new Map<string, SegmentInfo>();
  for (const { node, index } of ctx.nodes.values()) {
    const draft = drafts.get(node.id);
    if (draft && node.segment_behavior !== undefined) {
      const info = planSegmentColumn(ctx, node, pointer('nodes', index, 'segment_behavior'), draft);
      if (info) segments.set(node.id, info);
    }
  }
  for (const { node, index } of ctx.nodes.values()) {
    const draft = drafts.get(node.id);
    if (draft && node.stage_config !== undefined) planFunnel(ctx, node, pointer('nodes', index), draft, drafts, segments);
  }
  for (const { node, index } of ctx.nodes.values()) {
    const draft = drafts.get(node.id);
    if (draft && node.grain !== undefined) planGrain(ctx, node, pointer('nodes', index), draft, drafts);
  }
  for (const { node, index } of ctx.nodes.values()) {
    const draft = drafts.get(node.id);
    if (draft && node.state_transition_model !== undefined) planStateMachine(ctx, node, pointer('nodes', index), draft, drafts, segments);
    if (draft && node.lifecycle_model !== undefined) planLifecycle(ctx, node, pointer('nodes', index), draft, drafts);
  }
  planAdoptions(ctx, drafts, segments);
  planAttributions(ctx, drafts, segments);
  for (const { node, index } of ctx.nodes.values()) {
    const info = segments.get(node.id);
    if (info) linkSegments(ctx, node, pointer('nodes', index, 'segment_behavior'), info, drafts);
  }
  for (const { node, index } of ctx.nodes.values()) {
    const draft = drafts.get(node.id);
    if (draft && node.vintage_behavior !== undefined) planVintage(ctx, node, pointer('nodes', index, 'vintage_behavior'), draft, drafts, segments.get(node.id));
  }
  planLifetimes(ctx, drafts);
  for (const { node, index } of ctx.nodes.values()) {
    const draft = drafts.get(node.id);
    if (draft && node.activity_by_state !== undefined) planActivity(ctx, node, pointer('nodes', index, 'activity_by_state'), draft, drafts);
  }
  for (const { node, index } of ctx.nodes.values()) {
    const draft = drafts.get(node.id);
    if (draft && node.starts_after !== undefined) planGate(ctx, node, pointer('nodes', index, 'starts_after'), draft, drafts);
  }
}

/**
 * `starts_after: {table, stage}`: a state machine or a plain fact starts for a parent only when that parent reached
 * `stage` of the funnel `table` (a fact with stage_config over the same parent), at that stage's time — and not at
 * all for parents that never reached it. The funnel is generated first (a dependency).
 */
function planGate(ctx: PlanContext, node: Json, path: string, draft: TableDraft, drafts: Map<string, TableDraft>): void {
  const g = node.starts_after;
  const rows = draft.rows;
  if (rows.kind !== 'states' && rows.kind !== 'fanout') return void error(ctx, 'DG_NOT_SUPPORTED', path, `starts_after applies to state machines and plain facts with a fanout; "${node.id}" is neither`, 'put starts_after on a state_transition_model fact or a fact with a fanout');
  const parent = rows.parent;
  // Triggers: a funnel's stage, a state machine's state, a lifecycle's stage or an adoption, over the same parent.
  const namesOf = (t: TableDraft): string[] | null => t.rows.kind === 'stages' ? t.rows.funnel.stages.map((x) => x.name)
    : t.rows.kind === 'states' ? t.rows.machine.states : t.rows.kind === 'lifecycle' ? t.rows.lifecycle.stages.map((x) => x.name)
    : t.rows.kind === 'adoption' ? ['adoption'] : null;
  const triggers = [...drafts.values()].filter((t) => t.id !== draft.id && namesOf(t) && t.rows.kind !== 'fixed' && t.rows.parent === parent).map((t) => t.id);
  const ft = typeof g?.table === 'string' ? drafts.get(g.table) : undefined;
  const names = ft && ft.id !== draft.id ? namesOf(ft) : null;
  if (!ft || !names || ft.rows.kind === 'fixed') {
    return void error(ctx, ft ? 'DG_BAD_PARAM' : 'DG_UNKNOWN_TABLE', `${path}/table`, `starts_after.table ${JSON.stringify(g?.table)} is not a funnel (stage_config), state machine (state_transition_model), lifecycle (lifecycle_model) or adoption (adoption_model) table${triggers.length ? ` over "${parent}"` : ''}`, triggers.length ? didYouMean(String(g?.table), triggers) : `add a fact with a stage_config, state_transition_model or lifecycle_model whose primary parent is "${parent}"`);
  }
  if (ft.rows.parent !== parent) return void error(ctx, 'DG_BAD_PARAM', `${path}/table`, `the trigger "${ft.id}" is over "${ft.rows.parent}", but "${node.id}" is over "${parent}": the trigger must be its parent's`, `use a funnel, state machine or lifecycle whose primary parent is "${parent}"`);
  // `stage` names the funnel stage, state or lifecycle stage (`state` is accepted as its synonym).
  const key = g.stage === undefined && g.state !== undefined ? 'state' : 'stage';
  // An adoption table has one trigger, its adoption: the stage may be left out.
  if (g[key] === undefined && ft.rows.kind === 'adoption') g[key] = 'adoption';
  if (g[key] === undefined) return void error(ctx, 'DG_MISSING_PARAM', path, `starts_after needs the ${names === null ? 'stage' : ft.rows.kind === 'states' ? 'state' : 'stage'} that starts the process`, `e.g. {"table": "${ft.id}", "${ft.rows.kind === 'states' ? 'state' : 'stage'}": "${names[Math.min(1, names.length - 1)]}"}`);
  const stage = names.indexOf(g[key]);
  if (stage < 0) return void error(ctx, 'DG_UNKNOWN_STAGE', `${path}/${key}`, `${JSON.stringify(g[key])} is not a ${ft.rows.kind === 'states' ? 'state' : 'stage'} of "${ft.id}" (${names.join(', ')})`, didYouMean(String(g[key]), names));
  const gate = { table: ft.id, stage, stageName: names[stage] };
  if (rows.kind === 'states') rows.machine.gate = gate;
  else {
    const timeCol = draft.columns.find((c) => c.generator.kind === 'datetime');
    const v: VintagePlan = rows.vintage ?? { table: parent, createdAt: '', fanoutCurves: [], timeColumn: timeCol?.name ?? null, decay: null };
    v.gate = gate;
    rows.vintage = v;
    if (timeCol?.generator.kind === 'datetime') timeCol.generator.vintage = v;
  }
  // The trigger's table first; a gate that would close a cycle is diagnosed by the dependency graph.
  if (!draft.dependsOn.includes(ft.id)) draft.dependsOn = [...draft.dependsOn, ft.id].sort();
}

/**
 * `activity_by_state: {table, rates: {state: rate}}` on a fact: its rows happen at the parent's lifetime
 * intensity × the rate of the state the parent is in (in the state-machine table `table`, a fact over the same
 * parent) — counts follow the exposure, times fall only where the rate is positive. Unlisted states keep rate 1.
 */
function planActivity(ctx: PlanContext, node: Json, path: string, draft: TableDraft, drafts: Map<string, TableDraft>): void {
  const a = node.activity_by_state;
  if (draft.rows.kind !== 'fanout') return void error(ctx, 'DG_BAD_PARAM', path, `activity_by_state needs a fact with a fanout over its primary parent; "${node.id}" has none`, 'give the node "parents" and a "fanout"');
  const parent = draft.rows.parent;
  const machines = [...drafts.values()].filter((t) => (t.rows.kind === 'states' || t.rows.kind === 'lifecycle') && t.rows.parent === parent).map((t) => t.id);
  const st = typeof a?.table === 'string' ? drafts.get(a.table) : undefined;
  if (!st || (st.rows.kind !== 'states' && st.rows.kind !== 'lifecycle')) {
    return void error(ctx, st ? 'DG_BAD_PARAM' : 'DG_UNKNOWN_TABLE', `${path}/table`, `activity_by_state.table ${JSON.stringify(a?.table)} is not a state-machine (state_transition_model) or lifecycle (lifecycle_model) table${machines.length ? ` over "${parent}"` : ''}`, machines.length ? didYouMean(String(a?.table), machines) : `add a fact with a state_transition_model or lifecycle_model whose primary parent is "${parent}"`);
  }
  if (st.rows.parent !== parent) return void error(ctx, 'DG_BAD_PARAM', `${path}/table`, `"${st.id}" is over "${st.rows.parent}", but "${node.id}" is over "${parent}": the state must be its parent's`, `use a state machine or lifecycle whose primary parent is "${parent}"`);
  if (!a.rates || typeof a.rates !== 'object' || Array.isArray(a.rates)) return void error(ctx, 'DG_BAD_PARAM', `${path}/rates`, 'rates must be an object {state: rate}', 'e.g. {"active": 1, "frozen": 0.1, "cancelled": 0}');
  const states = st.rows.kind === 'states' ? st.rows.machine.states : st.rows.lifecycle.stages.map((x) => x.name);
  const rates = states.map(() => 1);
  for (const [name, r] of Object.entries<Json>(a.rates)) {
    const i = states.indexOf(name);
    if (i < 0) {
      warning(ctx, 'DG_UNKNOWN_STATE', `${path}/rates/${name}`, `"${name}" is not a state of "${st.id}" (${states.join(', ')}), so this rate applies to nothing`, didYouMean(name, states));
      continue;
    }
    if (!isNumber(r) || r < 0) return void error(ctx, 'DG_OUT_OF_RANGE', `${path}/rates/${name}`, `rate ${JSON.stringify(r)} of state "${name}" is not a non-negative number`, 'a multiplier of the activity: 1 as declared, 0 none, 0.1 a tenth');
    rates[i] = r;
  }
  if (rates.every((r) => r === 0)) return void error(ctx, 'DG_BAD_WEIGHTS', `${path}/rates`, 'every state has rate 0: the fact would have no rows', 'give at least one state a positive rate');
  const timeCol = draft.columns.find((c) => c.generator.kind === 'datetime');
  const v: VintagePlan = draft.rows.vintage ?? { table: parent, createdAt: '', fanoutCurves: [], timeColumn: timeCol?.name ?? null, decay: null };
  v.activity = { table: st.id, rates };
  draft.rows.vintage = v;
  if (timeCol?.generator.kind === 'datetime') timeCol.generator.vintage = v;
  if (!draft.dependsOn.includes(st.id)) draft.dependsOn = [...draft.dependsOn, st.id].sort();
}

// ── Lifetimes ─────────────────────────────────────────────────────────────────────────────────────

/**
 * Every row with a lifetime bounds its plain facts (through the primary parent): their times fall inside it
 * and their expected count is the base fanout × the exposure (the share of the child's time grid, by its own
 * weights, inside the lifetime) — the machinery of vintage without curves (src/model/vintage.ts).
 */
function planLifetimes(ctx: PlanContext, drafts: Map<string, TableDraft>): void {
  for (const { node } of ctx.nodes.values()) {
    const draft = drafts.get(node.id);
    if (!draft) continue;
    const life = resolveLifetime(ctx, node, true);
    if (life.rule !== 'window') draft.lifetime = life;
    if (!life.from) continue;
    for (const t of drafts.values()) {
      if (t.id === node.id || t.rows.kind !== 'fanout' || t.rows.parent !== node.id) continue;
      if (t.id === life.toState?.table) continue;
      // The end from a state machine or lifecycle: the state indexes there, and that table first.
      const st = life.toState ? drafts.get(life.toState.table) : undefined;
      const names = st?.rows.kind === 'states' ? st.rows.machine.states : st?.rows.kind === 'lifecycle' ? st.rows.lifecycle.stages.map((x) => x.name) : [];
      const endState = life.toState && st ? { endState: { table: st.id, states: life.toState.states.map((x) => names.indexOf(x)) } } : {};
      if (st && !t.dependsOn.includes(st.id)) t.dependsOn = [...t.dependsOn, st.id].sort();
      if (t.rows.vintage) {
        if (life.to) t.rows.vintage.endAt = life.to;
        Object.assign(t.rows.vintage, endState);
        continue;
      }
      const timeCol = t.columns.find((c) => c.generator.kind === 'datetime');
      const v: VintagePlan = { table: node.id, createdAt: life.from, fanoutCurves: [], timeColumn: timeCol?.name ?? null, decay: null, ...(life.to ? { endAt: life.to } : {}), ...endState };
      t.rows.vintage = v;
      if (timeCol?.generator.kind === 'datetime') {
        timeCol.generator.vintage = v;
        if (timeCol.modifiers.length || timeCol.type === 'date') timeCol.modifiers.push({ kind: 'not_before', table: node.id, column: life.from, ...(life.to ? { end: life.to } : {}) });
      }
    }
  }
}

// ── Segments ──────────────────────────────────────────────────────────────────────────────────────

/**
 * A node whose `segment_behavior.segments` defines its segment column (the column is not declared) gets that
 * column as a declared `choice` with the base_probability weights, before its columns are planned: so
 * expressions, lookups and constraints can read it like any other column. The spec itself is not changed.
 */
export function withSegmentColumn(node: Json): Json {
  const sb = node?.segment_behavior;
  const name = sb?.segment_column;
  if (typeof name !== 'string' || !sb.segments || typeof sb.segments !== 'object' || Array.isArray(sb.segments) || !Array.isArray(node.columns)) return node;
  if (node.columns.some((c: Json) => c?.name === name)) return node;
  const names = Object.keys(sb.segments);
  const weights = names.map((k) => sb.segments[k]?.base_probability);
  if (!weights.every((w) => isNumber(w) && w >= 0) || !weights.some((w) => w > 0)) return node; // reported by planSegmentColumn
  return { ...node, columns: [...node.columns, { name, type: 'string', nullable: false, generator: { choice: { choices: names, weights } } }] };
}

function planSegmentColumn(ctx: PlanContext, node: Json, path: string, draft: TableDraft): SegmentInfo | undefined {
  const sb = node.segment_behavior;
  const name = sb?.segment_column;
  if (typeof name !== 'string') return undefined;
  const col = draft.columns.find((c) => c.name === name);
  if (sb.segments && typeof sb.segments === 'object') {
    const names = Object.keys(sb.segments);
    const probs = names.map((s) => Number(sb.segments[s]?.base_probability));
    if (!probs.every((p) => p >= 0) || !probs.some((p) => p > 0)) {
      return error(ctx, 'DG_BAD_WEIGHTS', `${path}/segments`, 'segment base_probability values must be non-negative and not all 0', 'e.g. {"gold": {"base_probability": 0.2}, "basic": {"base_probability": 0.8}}');
    }
    const shares = sharesProblem(probs, `${path}/segments`, `the segments' base_probability values (${names.join(', ')})`);
    if (shares) ctx.diags.push(shares);
    if (!col) return undefined; // the column of `withSegmentColumn` failed to plan: its errors are reported
    if (col.generator.kind === 'choice') {
      const g = col.generator;
      const own = new Map(g.values.map((v, i) => [String(v), g.cdf[i] - (i ? g.cdf[i - 1] : 0)]));
      const total = probs.reduce((a, b) => a + b, 0);
      const differs = names.some((s, i) => Math.abs((own.get(s) ?? 0) - probs[i] / total) > 1e-6) || [...own].some(([v, p]) => p > 0 && !names.includes(v));
      if (differs) {
        const theirs = names.map((s, i) => `${s} ${round(probs[i] / total)}`).join(', ');
        const mine = [...own].map(([v, p]) => `${v} ${round(p)}`).join(', ');
        return error(ctx, 'DG_SEGMENT_MISMATCH', `${path}/segments`, `segments give "${name}" the shares {${theirs}} but its generator draws {${mine}}`, `make the choice weights agree with base_probability, or remove the column's generator so that "segments" defines it`);
      }
    } else {
      warning(ctx, 'DG_NOT_ENFORCED', `${path}/segments`, `"${name}" has its own ${col.generator.kind} generator, so the segments' base_probability shares are not applied`, 'remove the column (then "segments" defines it) or drop base_probability');
    }
  } else if (!col) {
    return error(ctx, 'DG_UNKNOWN_COLUMN', `${path}/segment_column`, `segment_column "${name}" is not a column of "${node.id}"`, didYouMean(name, draft.columns.map((c) => c.name)));
  }
  const info: SegmentInfo = { column: name, fanout: {}, value: {}, decay: {}, transition: {}, churn: {}, tables: {} };
  const behaviors = sb.behaviors && typeof sb.behaviors === 'object' ? sb.behaviors : {};
  const known = col.generator.kind === 'choice' ? col.generator.values.map(String) : null;
  for (const [seg, b] of Object.entries<Json>(behaviors)) {
    if (known && !known.includes(seg)) warning(ctx, 'DG_UNKNOWN_SEGMENT', `${path}/behaviors/${seg}`, `segment "${seg}" is never drawn by "${name}" (values: ${known.join(', ')}), so this behaviour applies to no row`, didYouMean(seg, known));
    if (isNumber(b?.fanout_multiplier)) info.fanout[seg] = b.fanout_multiplier;
    if (isNumber(b?.value_multiplier)) info.value[seg] = b.value_multiplier;
    if (isNumber(b?.decay_rate)) info.decay[seg] = b.decay_rate;
    if (isNumber(b?.transition_multiplier)) info.transition[seg] = b.transition_multiplier;
    if (isNumber(b?.churn_multiplier)) info.churn[seg] = b.churn_multiplier;
    childEffects(ctx, `${path}/behaviors/${seg}/tables`, seg, b?.tables, info);
  }
  return info;
}

/**
 * `behaviors.<segment>.tables.<child>`: what one segment does to one child table (docs/behaviours/segments.md,
 * "Per child table") — its own `fanout_multiplier` there (instead of the segment's one for every child) and/or a
 * `fanout` of its own (replacing the child's fanout for the parents of that segment).
 */
function childEffects(ctx: PlanContext, path: string, seg: string, raw: Json, info: SegmentInfo): void {
  if (raw === undefined || raw === null || typeof raw !== 'object' || Array.isArray(raw)) return;
  for (const [child, e] of Object.entries<Json>(raw)) {
    const at = `${path}/${child}`;
    if (!ctx.nodes.has(child)) {
      error(ctx, 'DG_UNKNOWN_TABLE', at, `"${child}" is not a node of this spec`, didYouMean(child, [...ctx.nodes.keys()]));
      continue;
    }
    const effect: ChildSegmentEffect = { path: at };
    if (isNumber(e?.fanout_multiplier)) effect.multiplier = e.fanout_multiplier;
    if (e?.fanout !== undefined) {
      const f = planFanout(ctx, e.fanout, `${at}/fanout`);
      if (!f) continue;
      effect.fanout = f;
    }
    (info.tables[child] ??= {})[seg] = effect;
  }
}

/** Fanout and value multipliers reach every table linked to the entity: primary children and tables picking its rows. */
function linkSegments(ctx: PlanContext, node: Json, path: string, info: SegmentInfo, drafts: Map<string, TableDraft>): void {
  const scale = (m: Record<string, number>): SegmentScale => ({ table: node.id, column: info.column, multipliers: m });
  const linked = [...drafts.values()].filter((t) => t.id !== node.id && ((t.rows.kind !== 'fixed' && t.rows.parent === node.id) || t.picks.some((p) => p.table === node.id)));
  for (const [child, bySeg] of Object.entries(info.tables)) {
    if (linked.some((t) => t.id === child)) continue;
    for (const e of Object.values(bySeg)) warning(ctx, 'DG_IGNORED_OPTION', e.path, `"${child}" is not linked to "${node.id}" (neither a fact whose parents[0] it is nor a table picking its rows), so this has no effect`, linked.length ? `name one of ${linked.map((t) => `"${t.id}"`).join(', ')}` : `make "${node.id}" a parent of "${child}"`);
  }
  for (const t of linked) {
    // A child's own multiplier for a segment replaces the segment's multiplier for every child; a fanout of its own
    // replaces the count distribution, and then the segment's multiplier for every child does not apply.
    const own = info.tables[t.id] ?? {};
    const multipliers = { ...info.fanout };
    for (const [seg, e] of Object.entries(own)) {
      if (e.multiplier !== undefined) multipliers[seg] = e.multiplier;
      else if (e.fanout) delete multipliers[seg];
    }
    const primary = t.rows.kind !== 'fixed' && t.rows.parent === node.id;
    const fanouts = Object.entries(own).filter(([, e]) => e.fanout);
    if (fanouts.length) {
      if (t.rows.kind === 'fanout' && t.rows.fanout.schedule) for (const [, e] of fanouts) error(ctx, 'DG_BAD_PARAM', `${e.path}/fanout`, `"${t.id}" has a schedule: its rows are the calendar's occurrences, not a fanout`, 'give the segment its own skip or window through columns of the parent, or drop this fanout');
      else if (t.rows.kind === 'fanout' && primary && !t.rows.edges) t.rows.bySegment = { table: node.id, column: info.column, fanouts: Object.fromEntries(fanouts.map(([s, e]) => [s, e.fanout!])) };
      else for (const [, e] of fanouts) error(ctx, 'DG_BAD_PARAM', `${e.path}/fanout`, `a fanout per segment applies to a fact whose parents[0] is "${node.id}"; "${t.id}" ${primary ? `is a ${t.rows.kind === 'fanout' ? 'table of edges' : `${t.rows.kind} table`}` : `picks "${node.id}" rows as a non-primary parent`}`, 'use fanout_multiplier there, or make the table a plain fact of the entity');
    }
    if (!Object.values(multipliers).some((m) => m !== 1)) continue;
    if (t.rows.kind === 'fanout' && primary && t.rows.fanout.schedule) warning(ctx, 'DG_IGNORED_OPTION', `${path}/behaviors`, `fanout_multiplier does not scale "${t.id}": its rows are the occurrences of its schedule`, `set "tables": {"${t.id}": {"fanout_multiplier": 1}} for the segments, or thin the schedule with skip_probability`);
    else if (t.rows.kind === 'fanout' && primary) t.rows.segments.push(scale(multipliers));
    if (t.rows.kind === 'grain' && primary) t.rows.grain.segments.push(scale(multipliers));
    const pick = t.picks.find((p) => p.table === node.id);
    if (pick) pick.segments = scale(multipliers);
  }
  const targets: unknown[] = Array.isArray(node.segment_behavior.applies_to_columns) ? node.segment_behavior.applies_to_columns : [];
  targets.forEach((name, j) => {
    const hits = linked.flatMap((t) => t.columns.filter((c) => c.name === name).map((c) => ({ t, c })));
    if (hits.length === 0) {
      const names = [...new Set(linked.flatMap((t) => t.columns.map((c) => c.name)))];
      return void warning(ctx, 'DG_IGNORED_OPTION', `${path}/applies_to_columns/${j}`, `no table linked to "${node.id}" (${linked.map((t) => t.id).join(', ') || 'none'}) has a column ${JSON.stringify(name)}, so value_multiplier scales nothing there`, names.length ? didYouMean(String(name), names) : `make "${node.id}" a parent of the table holding the column`);
    }
    for (const { t, c } of hits) {
      if (!NUMERIC.includes(c.type)) return void error(ctx, 'DG_TYPE_MISMATCH', `${path}/applies_to_columns/${j}`, `value_multiplier cannot scale "${t.id}.${c.name}" of type ${c.type}`, 'list numeric (int, float, decimal) child columns only');
      c.modifiers.push({ kind: 'segment_value', scale: scale(info.value) });
    }
  });
}

// ── Vintage ───────────────────────────────────────────────────────────────────────────────────────

function planVintage(ctx: PlanContext, node: Json, path: string, draft: TableDraft, drafts: Map<string, TableDraft>, seg: SegmentInfo | undefined): void {
  const vb = node.vintage_behavior;
  const created = vb?.created_at_column;
  const createdCol = draft.columns.find((c) => c.name === created);
  if (!createdCol) return void error(ctx, 'DG_UNKNOWN_COLUMN', `${path}/created_at_column`, `created_at_column ${JSON.stringify(created)} is not a column of "${node.id}"`, didYouMean(String(created), draft.columns.map((c) => c.name)));
  if (createdCol.type !== 'datetime' && createdCol.type !== 'date') return void error(ctx, 'DG_TYPE_MISMATCH', `${path}/created_at_column`, `created_at_column "${created}" is ${createdCol.type}; it must be a datetime or date`, 'name the column holding when the entity was created');
  const fanoutCurves: CurvePlan[] = [];
  const valueCurves: { curve: CurvePlan; columns: string[] | 'all'; path: string }[] = [];
  for (const [name, m] of Object.entries<Json>(vb.age_based_multipliers ?? {})) {
    const mpath = `${path}/age_based_multipliers/${name}`;
    const curve = planCurve(ctx, m, mpath);
    if (!curve) continue;
    const a = m.applies_to;
    if (a === 'fanout') fanoutCurves.push(curve);
    else if (a === 'all') {
      fanoutCurves.push(curve);
      valueCurves.push({ curve, columns: 'all', path: `${mpath}/applies_to` });
    } else valueCurves.push({ curve, columns: Array.isArray(a) ? a.map(String) : [String(a)], path: `${mpath}/applies_to` });
  }
  const decay = seg && Object.values(seg.decay).some((d) => d !== 1) ? { table: node.id, column: seg.column, multipliers: seg.decay } : null;
  const life = resolveLifetime(ctx, node);
  const children = [...drafts.values()].filter((t) => t.rows.kind !== 'fixed' && t.rows.parent === node.id);
  if (children.length === 0) {
    warning(ctx, 'DG_IGNORED_OPTION', path, `no fact has "${node.id}" as its primary parent, so its vintage curves change nothing`, `list "${node.id}" first in a fact's "parents"`);
  }
  const found = new Set<string>();
  for (const t of children) {
    // The child's time: its datetime_series column, a panel's period or a funnel's stage time (stage 0 starts at created_at).
    const timeCol = t.columns.find((c) => c.generator.kind === 'datetime' || c.generator.kind === 'period' || (c.generator.kind === 'stage' && c.generator.field === 'time'));
    const vintage: VintagePlan = { table: node.id, createdAt: created, fanoutCurves, timeColumn: timeCol?.name ?? null, decay, ...(life.to ? { endAt: life.to } : {}) };
    if (t.rows.kind === 'grain') t.rows.grain.vintage = vintage;
    if (t.rows.kind === 'fanout') t.rows.vintage = vintage;
    if (timeCol?.generator.kind === 'datetime') {
      timeCol.generator.vintage = vintage;
      if (timeCol.modifiers.length || timeCol.type === 'date') timeCol.modifiers.push({ kind: 'not_before', table: node.id, column: created, ...(life.to ? { end: life.to } : {}) });
    }
    for (const v of valueCurves) {
      const cols = v.columns === 'all' ? t.columns.filter((c) => c.generator.kind === 'distribution' && NUMERIC.includes(c.type)) : t.columns.filter((c) => (v.columns as string[]).includes(c.name));
      for (const c of cols) {
        found.add(c.name);
        if (!NUMERIC.includes(c.type)) return void error(ctx, 'DG_TYPE_MISMATCH', v.path, `an age curve cannot scale "${t.id}.${c.name}" of type ${c.type}`, 'list numeric (int, float, decimal) child columns only');
        if (!timeCol) {
          warning(ctx, 'DG_NO_TIME_REFERENCE', v.path, `"${t.id}" has no datetime_series column, so the parent's age at each child row is unknown and "${c.name}" is not scaled`, 'give the child a datetime_series column');
          continue;
        }
        c.modifiers.push({ kind: 'vintage_value', table: node.id, createdAt: created, timeRef: timeCol.name, curves: [v.curve], decay });
      }
    }
  }
  for (const v of valueCurves) {
    if (v.columns === 'all') continue;
    const missing = v.columns.filter((c) => !found.has(c));
    if (missing.length && children.length) {
      const names = [...new Set(children.flatMap((t) => t.columns.map((c) => c.name)))];
      warning(ctx, 'DG_IGNORED_OPTION', v.path, `no child of "${node.id}" has a column ${missing.map((m) => JSON.stringify(m)).join(', ')}, so this curve scales nothing there`, didYouMean(missing[0], names));
    }
  }
}

function planCurve(ctx: PlanContext, m: Json, path: string): CurvePlan | undefined {
  const unit = m?.time_unit ?? 'month';
  const unitMs = AGE_UNIT_MS[unit];
  if (!unitMs) return error(ctx, 'DG_BAD_PARAM', `${path}/time_unit`, `unknown time_unit ${JSON.stringify(unit)}`, didYouMean(String(unit), Object.keys(AGE_UNIT_MS)));
  const c = m?.curve;
  if (Array.isArray(c)) {
    if (c.length === 0 || !c.every((x) => isNumber(x) && x >= 0)) return error(ctx, 'DG_BAD_WEIGHTS', `${path}/curve`, 'an array curve needs at least one non-negative number per age bucket', 'e.g. [1.0, 0.8, 0.6]');
    return { kind: 'array', values: c, unitMs };
  }
  const type = c?.curve_type;
  if (type !== 'logarithmic' && type !== 'exponential' && type !== 'linear') return error(ctx, 'DG_BAD_PARAM', `${path}/curve/curve_type`, `unknown curve_type ${JSON.stringify(type)}`, didYouMean(String(type), ['logarithmic', 'exponential', 'linear']));
  const a = c.params?.a;
  const b = c.params?.b;
  if (!isNumber(a) || !isNumber(b)) return error(ctx, 'DG_MISSING_PARAM', `${path}/curve/params`, `a ${type} curve needs numeric params a and b`, 'e.g. {"a": 1.0, "b": 0.2}');
  return { kind: type, a, b, unitMs };
}

// ── Panel facts (grain) ────────────────────────────────────────────────────────────────────────────

const EVERY = ['hour', 'day', 'week', 'month'];

/** grain.trend {type, growth_rate, origin?, params?}: the trend modifier's factor of the period start scales the active probability. */
function planGrainTrend(ctx: PlanContext, t: Json, path: string): GrainPlan['trend'] | undefined {
  if (!t || typeof t !== 'object' || Array.isArray(t)) return error(ctx, 'DG_BAD_PARAM', path, 'grain.trend must be an object', 'e.g. {"type": "linear", "growth_rate": 0.2}');
  return planTrendShape(t, ctx, path);
}

function planGrain(ctx: PlanContext, node: Json, nodePath: string, draft: TableDraft, drafts: Map<string, TableDraft>): void {
  const path = `${nodePath}/grain`;
  const g = node.grain;
  if (node.kind !== 'fact') return void error(ctx, 'DG_BAD_PARAM', path, `grain is for facts; "${node.id}" is a ${node.kind}`, 'make the node a fact (with or without parents)');
  if (!EVERY.includes(g?.every)) return void error(ctx, 'DG_BAD_PARAM', `${path}/every`, `unknown period ${JSON.stringify(g?.every)}`, didYouMean(String(g?.every), EVERY));
  if (node.stage_config !== undefined) return void error(ctx, 'DG_BAD_PARAM', path, `"${node.id}" cannot be both a stage funnel and a panel`, 'keep one of stage_config and grain');
  const ap: number | null = g.active_probability ?? null;
  const parent: string | undefined = Array.isArray(node.parents) ? node.parents[0] : undefined;
  if (node.fanout !== undefined && parent) warning(ctx, 'DG_IGNORED_OPTION', `${nodePath}/fanout`, `"${node.id}" is a panel: its rows are the active periods${parent ? ` of each ${parent} row` : ''}, so fanout has no effect`, 'remove fanout; use active_probability to thin the periods');
  if (!parent && node.rows !== undefined) warning(ctx, 'DG_IGNORED_OPTION', `${nodePath}/rows`, `"${node.id}" is a panel: its rows are the active periods of the timeframe, so "rows" has no effect`, 'remove rows');
  let timeCol = draft.columns.find((c) => c.generator.kind === 'datetime') ?? draft.columns.find((c) => c.type === 'datetime' || c.type === 'date');
  const dt = timeCol?.generator.kind === 'datetime' ? timeCol.generator : null;
  if (!timeCol) timeCol = addColumn(ctx, node, draft, 'period_start', 'datetime');
  const i = node.columns.findIndex((c: Json) => c?.name === timeCol!.name);
  // Seasonality on the period column scales the active probability like the datetime pattern; nothing else applies.
  const seasons = timeCol.modifiers.flatMap((m) => (m.kind === 'seasonality' ? [{ dimension: m.dimension, weights: m.weights }] : []));
  if (seasons.length < timeCol.modifiers.length) warning(ctx, 'DG_IGNORED_OPTION', `${nodePath}/columns/${i}/modifiers`, `"${timeCol.name}" receives the panel's period start; its modifiers other than seasonality are not applied`, 'remove them (seasonality and the datetime pattern scale active_probability; grain.trend adds a trend)');
  const trend = g.trend === undefined ? null : planGrainTrend(ctx, g.trend, `${path}/trend`);
  if (trend === undefined) return;
  let lifetimeFrom: string | null = null;
  let lifetimeTo: string | null = null;
  let endState: EndState | undefined;
  // An unknown parent is DG_UNKNOWN_TABLE at its "parents" entry already (fuzzer finding F12: this threw).
  if (parent && (!drafts.has(parent) || !ctx.nodes.has(parent))) return;
  if (parent) {
    const pdraft = drafts.get(parent)!;
    const pnode = ctx.nodes.get(parent)!.node;
    // A datetime/date column of the parent bounding its lifetime.
    const bound = (key: 'lifetime_from' | 'lifetime_to', name: unknown): string | null | undefined => {
      if (name === null || name === undefined) return null;
      const c = pdraft.columns.find((x) => x.name === name);
      if (!c || (c.type !== 'datetime' && c.type !== 'date')) return error(ctx, c ? 'DG_TYPE_MISMATCH' : 'DG_UNKNOWN_COLUMN', `${path}/${key}`, c ? `${key} "${name}" of "${parent}" is ${c.type}; it must be a datetime or date` : `${key} ${JSON.stringify(name)} is not a column of "${parent}"`, didYouMean(String(name), pdraft.columns.filter((x) => x.type === 'datetime' || x.type === 'date').map((x) => x.name)));
      return c.name;
    };
    // Unless the panel says otherwise, its periods run over the parent's lifetime.
    const life = resolveLifetime(ctx, pnode);
    const from = bound('lifetime_from', g.lifetime_from === undefined ? life.from : g.lifetime_from);
    const to = bound('lifetime_to', g.lifetime_to === undefined ? life.to : g.lifetime_to);
    if (from === undefined || to === undefined) return;
    [lifetimeFrom, lifetimeTo] = [from, to];
    // The end from states (lifetime.to: {table, states}), unless the panel names its own end.
    if (g.lifetime_to === undefined) endState = lifetimeEnd(ctx, parent, draft).state;
  } else if (g.lifetime_to !== undefined) warning(ctx, 'DG_IGNORED_OPTION', `${path}/lifetime_to`, 'a panel without a parent is one series over the window: lifetime_to does not apply', 'remove lifetime_to, or give the fact a parent');
  const grain = {
    every: g.every, startMs: dt?.startMs ?? ctx.timeframe.startMs, endMs: dt?.endMs ?? ctx.timeframe.endMs, activeProbability: ap,
    patterns: [...(dt?.patterns ?? []), ...seasons], lifetimeFrom, ...(lifetimeTo ? { lifetimeTo } : {}), ...(endState ? { endState } : {}), ...(trend ? { trend } : {}), segments: [], vintage: null, stream: streamKey(ctx.seed, String(node.id), '__grain'),
  } as GrainPlan;
  timeCol.modifiers = [];
  timeCol.nullRate = 0;
  if (parent) {
    timeCol.generator = { kind: 'period', grain: null };
    draft.rows = { kind: 'grain', parent, stream: grain.stream, grain };
  } else {
    // A single series: its row count is the number of active periods (keyed draws, fixed at compile time).
    const model = new GrainModel(grain, null, null);
    const count = model.active(0, new Int32Array(model.periods.length));
    timeCol.generator = { kind: 'period', grain };
    draft.rows = { kind: 'fixed', count };
  }
}

// ── Stage funnels ─────────────────────────────────────────────────────────────────────────────────

function planFunnel(ctx: PlanContext, node: Json, nodePath: string, draft: TableDraft, drafts: Map<string, TableDraft>, segments: Map<string, SegmentInfo>): void {
  const path = `${nodePath}/stage_config`;
  const sc = node.stage_config;
  const parent: string | undefined = Array.isArray(node.parents) ? node.parents[0] : undefined;
  if (node.kind !== 'fact' || !parent || !drafts.has(parent)) return void error(ctx, 'DG_NO_PARENT', path, `stage_config on "${node.id}" needs a fact with a parent (one funnel per parent row)`, 'make the node a fact and list the entity that goes through the funnel first in "parents"');
  if (node.fanout !== undefined) warning(ctx, 'DG_IGNORED_OPTION', `${nodePath}/fanout`, `"${node.id}" is a stage funnel: each ${parent} row has one funnel, so fanout has no effect`, 'remove fanout (the number of rows per parent is the number of stages reached)');
  if (Array.isArray(node.modifiers) && node.modifiers.length) warning(ctx, 'DG_IGNORED_OPTION', `${nodePath}/modifiers`, `table-level effects scale fanout, which a stage funnel does not have`, 'remove the table-level modifiers');
  const stages: FunnelPlan['stages'] = [];
  const raw: Json[] = Array.isArray(sc?.stages) ? sc.stages : [];
  raw.forEach((s, k) => {
    const delay = planDelay(ctx, s?.delay, `${path}/stages/${k}/delay`);
    if (delay) stages.push({ name: String(s.stage_name), rate: k === 0 ? 1 : Number(s.transition_rate), delay });
  });
  if (stages.length !== raw.length || stages.length === 0) return;
  const pdraft = drafts.get(parent)!;
  const info = segments.get(parent);
  const scale = segmentVariation(ctx, `${path}/segment_variation`, parent, pdraft, info, sc.segment_variation, 'transition');
  if (scale === undefined) return;
  // Stage 0 happens when the parent was created (vintage created_at, else its first timestamp), if it has one.
  const startFrom = parentStart(ctx, parent, pdraft);
  const nameCol = stageColumn(ctx, node, nodePath, draft, 'stage_name', 'string', 'name');
  const indexCol = stageColumn(ctx, node, nodePath, draft, 'stage_index', 'int', 'index');
  let timeCol = draft.columns.find((c) => c.generator.kind === 'datetime') ?? draft.columns.find((c) => c.type === 'datetime' || c.type === 'date');
  const g = timeCol?.generator.kind === 'datetime' ? timeCol.generator : null;
  if (timeCol && !g) warning(ctx, 'DG_IGNORED_OPTION', `${nodePath}/columns/${node.columns.findIndex((c: Json) => c?.name === timeCol!.name)}/generator`, `"${timeCol.name}" holds the stage timestamps of the funnel; its own generator is not used`, 'give it a datetime_series generator (its window bounds the funnel)');
  if (!timeCol) timeCol = addColumn(ctx, node, draft, 'stage_at', 'datetime');
  stageColumn(ctx, node, nodePath, draft, timeCol.name, timeCol.type, 'time');
  if (!nameCol || !indexCol) return;
  const names = [...new Set(stages.map((s) => s.name))];
  nameCol.enumValues = names;
  nameCol.sqlType = 'ENUM';
  draft.rows = {
    kind: 'stages',
    parent,
    stream: streamKey(ctx.seed, String(node.id), '__stages'),
    funnel: {
      stages, segments: scale, startFrom, timeColumn: timeCol.name,
      startMs: g?.startMs ?? ctx.timeframe.startMs, endMs: g?.endMs ?? ctx.timeframe.endMs,
      freq: g?.freq ?? ctx.timeframe.freq, patterns: g?.patterns ?? [], dateOnly: timeCol.type === 'date',
    },
  };
}

/** The funnel writes stage_name / stage_index / the timestamp: an existing column is taken over, a missing one added. */
function stageColumn(ctx: PlanContext, node: Json, nodePath: string, draft: TableDraft, name: string, type: ColumnType, field: 'name' | 'index' | 'time'): ColumnPlan | undefined {
  return behaviourColumn(ctx, node, nodePath, draft, name, type, { kind: 'stage', field }, `the funnel's stage ${field}`);
}

/** A stage delay: a duration ("2d", number of days) or {distribution, params, clamp?, unit}; default exponential, mean 1 day. */
function planDelay(ctx: PlanContext, d: Json, path: string): DelayPlan | undefined {
  if (d === undefined || d === null) return { kind: 'dist', dist: 'exponential', params: { rate: 1 }, clamp: [null, null], unitMs: DAY };
  if (typeof d === 'string' || typeof d === 'number') {
    const ms = parseDuration(d);
    if (ms === undefined || ms < 0) return error(ctx, 'DG_BAD_PARAM', path, `delay ${JSON.stringify(d)} is not a duration`, 'e.g. "2d", "12h", "30m" or a number of days');
    return { kind: 'fixed', ms };
  }
  const dist = planDurationDist(ctx, d, path, 'delay');
  return dist && { kind: 'dist', ...dist };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
