/**
 * Top-level `scenarios[]` (issue 5): each one is checked and compiled onto its target column as a
 * `scenario` modifier program, after the column's own modifiers. Pure: no I/O, no clock.
 */
import { pointer } from '../diagnostics/diagnostic.ts';
import { didYouMean } from '../diagnostics/suggest.ts';
import { parseExpression } from '../expr/expression.ts';
import { streamKey } from '../model/rng.ts';
import { checkLocalColumn, columnContext, columnNames, error, findColumn, isNumber, type Json, type PlanContext, resolveRef } from './context.ts';
import type { TableDraft } from './tables.ts';
import { timeReference } from './time-reference.ts';
import { columnDeps } from './deps.ts';
import type { CampaignPlan, RowScenarioProgram, ScenarioProgram, ScenarioSelection, ScenarioType } from '../ir/types.ts';
import { binomialInput, planParams } from './scenario-params.ts';
import { expandCampaigns } from './campaigns.ts';
import { planWindow } from './window.ts';

const SCENARIO_TYPES: ScenarioType[] = ['spike', 'drop', 'level_shift', 'cost_spike', 'volume_spike', 'rate_drop', 'rate_spike', 'funnel_break', 'mix_shift', 'data_quality'];

/** The seed tools' family names. */
const ALIASES: Record<string, ScenarioType> = {
  rate_drop_from_median: 'rate_drop', rate_spike_from_median: 'rate_spike', absolute_drop_in_event_count: 'drop', absolute_spike_in_event_count: 'spike',
  hourly_traffic_mix_shift: 'mix_shift', instrumentation_data_quality_issue: 'data_quality', count_drop: 'drop', count_spike: 'spike',
};
/** Scenario types that add rows to their table instead of changing a column (with their aliases). */
const ROW_TYPES: Record<string, 'cap_violation'> = { cap_violation: 'cap_violation', cap_spike: 'cap_violation' };

const NUMERIC = ['int', 'float', 'decimal'];

/**
 * Check every scenario and append its program to the target column's modifiers (rows-adding ones to the
 * table); then expand the campaigns (src/plan/campaigns.ts) into scenarios planned the same way. Returns the
 * campaigns' expansion, which the plan keeps.
 */
export function planScenarios(ctx: PlanContext, doc: Json, drafts: Map<string, TableDraft>): CampaignPlan[] {
  const list: Json[] = Array.isArray(doc.scenarios) ? doc.scenarios : [];
  severityRules(ctx); // checked here, where its diagnostics are kept
  const ids = new Set<string>();
  list.forEach((s, index) => {
    const path = pointer('scenarios', index);
    if (typeof s?.id !== 'string' || typeof s?.type !== 'string') return; // the schema reports it
    if (ids.has(s.id)) return void error(ctx, 'DG_DUPLICATE_SCENARIO', `${path}/id`, `scenario id "${s.id}" is used twice`, 'scenario ids name the labels they write and must be unique');
    ids.add(s.id);
    planScenario(ctx, s, index, path, drafts);
  });
  const { plans, scenarios } = expandCampaigns(ctx, doc, drafts, ALIASES, ids);
  // An event's problems (there should be none: the campaign checked its targets and families) point at its campaign.
  for (const e of scenarios) planScenario({ ...ctx, diags: [] }, e.spec, plans.find((p) => p.id === e.campaign)!.index, e.path, drafts, e.campaign, ctx.diags);
  return plans;
}

/** `anomaly_severity`: per family, three increasing thresholds of the relative change (checked once per compile). */
const checkedRules = new WeakMap<object, Map<string, [number, number, number]>>();
function severityRules(ctx: PlanContext): Map<string, [number, number, number]> {
  const doc = ctx.doc;
  const known = checkedRules.get(doc);
  if (known) return known;
  const out = new Map<string, [number, number, number]>();
  checkedRules.set(doc, out);
  const raw = doc.anomaly_severity;
  if (raw === undefined || raw === null || typeof raw !== 'object' || Array.isArray(raw)) return out; // the schema reports a wrong type
  for (const [family, t] of Object.entries(raw)) {
    const path = `/anomaly_severity/${family}`;
    const type = (SCENARIO_TYPES as string[]).includes(family) || family === 'cap_violation' ? family : ALIASES[family] ?? (ROW_TYPES[family] ? 'cap_violation' : undefined);
    if (!type) {
      error(ctx, 'DG_UNKNOWN_SCENARIO_TYPE', path, `anomaly_severity names an unknown family "${family}"`, didYouMean(family, [...SCENARIO_TYPES, 'cap_violation']));
      continue;
    }
    if (!Array.isArray(t) || t.length !== 3 || !t.every((x) => isNumber(x) && x > 0) || !(t[0] < t[1] && t[1] < t[2])) {
      error(ctx, 'DG_OUT_OF_RANGE', path, `severity thresholds of "${family}" ${JSON.stringify(t)} are not three increasing positive numbers`, 'e.g. [0.1, 0.25, 0.5]: below 0.1 low, below 0.25 medium, below 0.5 high, else critical');
      continue;
    }
    out.set(type, t as [number, number, number]);
  }
  return out;
}

function planScenario(ctx: PlanContext, s: Json, index: number, path: string, drafts: Map<string, TableDraft>, campaign?: string, sink?: PlanContext['diags']): void {
  const type = (SCENARIO_TYPES as string[]).includes(s.type) ? (s.type as ScenarioType) : ALIASES[s.type];
  const rules = severityRules(ctx);
  const tag = <T extends { campaign?: string; severity?: [number, number, number]; type: string }>(p: T): T => {
    const severity = rules.get(p.type);
    return { ...p, ...(campaign ? { campaign } : {}), ...(severity ? { severity } : {}) };
  };
  if (ROW_TYPES[s.type] || (type === 'data_quality' && s.params?.mode === 'duplicate')) {
    const p = planRowScenario(ctx, s, index, path, ROW_TYPES[s.type] ?? 'data_quality', drafts);
    if (p) (drafts.get(p.table)!.addRows ??= []).push(tag(p.program));
  } else if (!type) error(ctx, 'DG_UNKNOWN_SCENARIO_TYPE', `${path}/type`, `unknown scenario type "${s.type}"`, didYouMean(s.type, [...SCENARIO_TYPES, ...Object.keys(ALIASES), ...Object.keys(ROW_TYPES)]));
  else {
    const p = planOne(ctx, s, index, path, type, drafts);
    if (p) drafts.get(s.target.slice(0, s.target.indexOf('.')))!.columns.find((c) => c.name === p.target)!.modifiers.push(tag(p.program));
  }
  // Campaign events: their diagnostics name the event and point at the campaign.
  if (sink) for (const d of ctx.diags) sink.push({ ...d, path, message: `campaign event ${s.id}: ${d.message}` });
}

function planOne(ctx: PlanContext, s: Json, index: number, path: string, type: ScenarioType, drafts: Map<string, TableDraft>): { target: string; program: ScenarioProgram } | undefined {
  const ref = resolveRef(ctx, s.target, `${path}/target`, 'scenario target');
  if (!ref) return undefined;
  const { node, index: nodeIndex } = ctx.nodes.get(ref.table)!;
  const draft = drafts.get(ref.table);
  const col = draft?.columns.find((c) => c.name === ref.column);
  if (!draft || !col) return undefined; // the node itself has errors
  if (!NUMERIC.includes(col.type)) return error(ctx, 'DG_TYPE_MISMATCH', `${path}/target`, `scenario "${s.id}" changes "${s.target}", which is ${col.type}; scenarios change numeric columns`, 'target an int, float or decimal column');
  if (col.hidden) return error(ctx, 'DG_HIDDEN_COLUMN', `${path}/target`, `scenario "${s.id}" changes "${s.target}", a hidden column: its labels would point at a column the output does not have`, 'target a written column (a column computed from the hidden one carries the change into the output only if the scenario targets it)');
  if (ref.column === draft.pk) return error(ctx, 'DG_BAD_PARAM', `${path}/target`, `scenario "${s.id}" targets "${s.target}", the primary key of "${ref.table}"`, 'keys must stay unique: target a measure column');
  const colIndex = node.columns.findIndex((c: Json) => c?.name === ref.column);
  const cctx = columnContext(ctx, node, nodeIndex, node.columns[colIndex], colIndex);
  const params: Json = s.params ?? {};
  const timeRef = timeReference(cctx, params.time_reference, `${path}/params`, true);
  const tf = ctx.timeframe;
  const window = s.window === undefined ? { startMs: tf.startMs, endMs: tf.endMs + 1 } : planWindow(ctx, s.window, `${path}/window`, type === 'level_shift' ? tf.endMs + 1 : null);
  const difficulty = s.difficulty ?? 'medium';
  const planned = planParams(ctx, type, params, `${path}/params`, difficulty, (name, p) => checkLocalColumn({ ...ctx, node }, name, p, `scenario "${s.id}"`));
  const selection = planSelection(ctx, s.selection, `${path}/selection`, node, draft);
  if (!timeRef || !window || !planned || !selection) return undefined;
  if (planned.denominator === ref.column) return error(ctx, 'DG_BAD_PARAM', `${path}/params/denominator`, `the denominator of scenario "${s.id}" is its own target "${ref.column}"`, 'name the count column the target is a share of (the previous funnel step)');
  return {
    target: ref.column,
    program: {
      kind: 'scenario', id: s.id, type, index, stream: streamKey(Number.isInteger(s.seed) ? s.seed : ctx.seed, ref.table, '__scenario', s.id),
      ...window, timeRef, selection, params: planned.params, denominator: planned.denominator, capColumn: binomialInput(col, node), difficulty,
      description: typeof s.description_template === 'string' ? s.description_template : DEFAULT_DESCRIPTION[type] ?? DEFAULT_DESCRIPTION.spike!,
      ...(type === 'rate_drop' || type === 'rate_spike' ? { windowDescription: typeof s.description_template === 'string' ? s.description_template : RATE_WINDOW_DESCRIPTION } : {}),
    },
  };
}

/** A scenario that adds rows: target "table" or "table.column" (the column only names the table). */
function planRowScenario(ctx: PlanContext, s: Json, index: number, path: string, type: RowScenarioProgram['type'], drafts: Map<string, TableDraft>): { table: string; program: RowScenarioProgram } | undefined {
  const target = String(s.target);
  const table = target.includes('.') ? resolveRef(ctx, target, `${path}/target`, 'scenario target')?.table : target;
  if (table === undefined) return undefined;
  const entry = ctx.nodes.get(table);
  if (!entry) return error(ctx, 'DG_UNKNOWN_TABLE', `${path}/target`, `scenario "${s.id}" adds rows to table "${table}", which is not a node of this spec`, didYouMean(table, [...ctx.nodes.keys()]));
  const { node, index: nodeIndex } = entry;
  const draft = drafts.get(table);
  if (!draft) return undefined;
  if (type === 'cap_violation' && draft.pk) {
    // Added rows get the key of new row numbers: the key must come from the row number alone.
    const pk = draft.columns.find((c) => c.name === draft.pk)!;
    const reads = columnDeps(pk, null);
    if (reads.columns.length || reads.tables.length) return error(ctx, 'DG_BAD_PARAM', `${path}/target`, `cap_violation adds rows with new keys, but the key "${draft.pk}" of "${table}" is computed from ${[...reads.columns.map((c) => `column "${c}"`), ...reads.tables.map((t) => `table "${t}"`)].join(', ')}`, 'generate the key from the row number (sequence, uuid), or use data_quality with mode "duplicate" to repeat rows');
  }
  const params: Json = s.params ?? {};
  const cctx = columnContext(ctx, node, nodeIndex, { name: '' }, -1);
  const timeRef = timeReference(cctx, params.time_reference, `${path}/params`, true);
  const tf = ctx.timeframe;
  const window = s.window === undefined ? { startMs: tf.startMs, endMs: tf.endMs + 1 } : planWindow(ctx, s.window, `${path}/window`, null);
  const difficulty = s.difficulty ?? 'medium';
  const planned = planParams(ctx, type, params, `${path}/params`, difficulty, (name, p) => checkLocalColumn({ ...ctx, node }, name, p, `scenario "${s.id}"`));
  const selection = planSelection(ctx, s.selection, `${path}/selection`, node, draft);
  if (!timeRef || !window || !planned || !selection) return undefined;
  const q = planned.params;
  return {
    table,
    program: {
      id: s.id, type, index, stream: streamKey(Number.isInteger(s.seed) ? s.seed : ctx.seed, table, '__scenario', s.id), ...window, timeRef, selection,
      cap: typeof q.cap === 'number' ? q.cap : null, exceedBy: Number(q.exceed_by ?? 0), period: (q.period ?? 'day') as RowScenarioProgram['period'], share: Number(q.share ?? 0), difficulty,
      description: typeof s.description_template === 'string' ? s.description_template : type === 'cap_violation' ? CAP_DESCRIPTION : DUPLICATE_DESCRIPTION,
    },
  };
}

const CAP_DESCRIPTION = '{type} "{id}": {entity} has {observed} rows in {table} in [{start}, {end}) (cap {cap}; {expected} without the scenario): row {row} added';
const DUPLICATE_DESCRIPTION = '{type} "{id}" (duplicate): row {row} of {table} written twice';

const WHERE = 'on {table}.{column} row {row} in [{start}, {end})';
const RATE_WINDOW_DESCRIPTION = '{type} "{id}": Σ{column}/Σ{denominator} of the selected rows of {table} on [{start}, {end}) is {observed}, {expected} without the scenario (median {baseline}, target {target_rate}; {severity})';
const DEFAULT_DESCRIPTION: Partial<Record<ScenarioType, string>> = {
  spike: `{type} "{id}" ×{multiplier} ${WHERE}: {expected} → {observed} ({severity})`,
  rate_drop: `{type} "{id}": {column}/{denominator} set to median {baseline} {sign} {k}·{std} = {target_rate} ${WHERE}: {expected} → {observed} ({severity})`,
  funnel_break: `{type} "{id}": {column} keeps {factor} of its conversions ${WHERE}: {expected} → {observed} ({severity})`,
  mix_shift: `{type} "{id}": the day's {column} moved towards hours {boost_hours} (shift {shift}) ${WHERE}: {expected} → {observed}`,
  data_quality: `{type} "{id}" ({mode}) ${WHERE}: {expected} → {observed}`,
};
for (const t of ['drop', 'level_shift', 'cost_spike', 'volume_spike'] as const) DEFAULT_DESCRIPTION[t] = DEFAULT_DESCRIPTION.spike;
DEFAULT_DESCRIPTION.rate_spike = DEFAULT_DESCRIPTION.rate_drop;

function planSelection(ctx: PlanContext, sel: Json, path: string, node: Json, draft: TableDraft): ScenarioSelection | undefined {
  if (sel === undefined) return { kind: 'all' };
  const forms = ['random_k', 'share', 'where'].filter((k) => sel[k] !== undefined);
  if (forms.length > 1) return error(ctx, 'DG_BAD_SELECTION', path, `a selection has one form, found ${forms.map((f) => `"${f}"`).join(' and ')}`, 'keep one of random_k, share, where');
  const strategy = sel.strategy === 'random_fraction' ? 'share' : sel.strategy ?? forms[0] ?? 'all';
  const parent: string | null = 'parent' in draft.rows ? draft.rows.parent : null;
  const table = sel.table ?? (sel.key !== undefined ? node.id : parent ?? node.id);
  if (table !== node.id && table !== parent) return error(ctx, 'DG_BAD_SELECTION', `${path}/table`, `selection table "${table}" is neither "${node.id}" nor its primary parent`, parent ? `use "${parent}" (entities) or "${node.id}" (rows)` : `use "${node.id}" (rows)`);
  const entity = table === node.id ? null : table;
  let key: string | null = null;
  if (sel.key !== undefined) {
    if (strategy !== 'random_k' && strategy !== 'share') return error(ctx, 'DG_BAD_SELECTION', `${path}/key`, '"key" goes with random_k or share (k values, or each value with probability share)', 'e.g. {"random_k": 3, "key": "account_id"}');
    if (sel.table !== undefined) return error(ctx, 'DG_BAD_SELECTION', `${path}/key`, 'a selection has "table" or "key", not both', '"key" selects values of a column of the row; "table" selects entities of the primary parent');
    if (!findColumn(node, sel.key)) return error(ctx, 'DG_UNKNOWN_COLUMN', `${path}/key`, `selection key "${sel.key}" is not a column of "${node.id}"`, didYouMean(String(sel.key), columnNames(node)));
    key = sel.key;
  }
  switch (strategy) {
    case 'all':
      return { kind: 'all' };
    case 'random_k': {
      const k = sel.random_k ?? sel.k;
      if (!Number.isInteger(k) || k < 1) return error(ctx, 'DG_BAD_SELECTION', `${path}/${sel.random_k !== undefined ? 'random_k' : 'k'}`, `random_k needs a whole number of ${entity ? 'entities' : 'rows'} ≥ 1, got ${JSON.stringify(k)}`, 'e.g. {"random_k": 5}');
      return { kind: 'random_k', k, table: key ? null : entity, key };
    }
    case 'share': {
      const f = sel.share ?? sel.fraction;
      if (!isNumber(f) || f < 0 || f > 1) return error(ctx, 'DG_BAD_SELECTION', `${path}/${sel.share !== undefined ? 'share' : 'fraction'}`, `share ${JSON.stringify(f)} is not a probability in [0, 1]`, 'e.g. {"share": 0.1} for 10% of the entities');
      return { kind: 'share', share: f, table: key ? null : entity, key };
    }
    case 'where': {
      const r = typeof sel.where === 'string' ? parseExpression(sel.where) : undefined;
      if (!r) return error(ctx, 'DG_BAD_SELECTION', path, 'the "where" selection needs an expression', 'e.g. {"where": "hour(ts) >= 18"}');
      if (!r.ok) return error(ctx, 'DG_BAD_EXPRESSION', `${path}/where`, r.errors[0].message, r.errors[0].hint);
      if (r.expr.randomSites > 0) return error(ctx, 'DG_BAD_EXPRESSION', `${path}/where`, 'a "where" selection cannot call random functions (rand, bernoulli, normal)', 'draw in a column of the table ("hidden": true keeps it out of the output) and compare that column, or use {"share": p}');
      const bad = r.expr.refs.find((x) => x.kind !== 'column' || !findColumn(node, x.column));
      if (bad) return error(ctx, 'DG_UNKNOWN_COLUMN', `${path}/where`, `the selection reads "${bad.kind === 'column' ? bad.column : `${bad.table}.${bad.column}`}", which is not a column of "${node.id}"`, didYouMean(bad.column, columnNames(node)));
      return { kind: 'where', code: sel.where, columns: [...new Set(r.expr.refs.map((x) => x.column))] };
    }
    default:
      return error(ctx, 'DG_BAD_SELECTION', `${path}/strategy`, `unknown selection strategy ${JSON.stringify(sel.strategy)}`, 'one of all, random_k, share, where');
  }
}
