/**
 * DSL §5.6 adoption and diffusion (`adoption_model` on a fact): each parent row adopts at most once (diffusion
 * groups or Bass), then engages at its tier's rate. Rows: the adoption, then the engagement events. See
 * docs/behaviours.md.
 */
import { pointer } from '../diagnostics/diagnostic.ts';
import { didYouMean } from '../diagnostics/suggest.ts';
import { streamKey } from '../model/rng.ts';
import { behaviourColumn, lifetimeEnd, type SegmentInfo } from './behaviour-common.ts';
import { resolveLifetime } from './lifetime.ts';
import { error, isNumber, type Json, type PlanContext, warning } from './context.ts';
import { AGE_UNIT_MS } from '../model/curves.ts';
import type { TableDraft } from './tables.ts';
import { parseInstant } from './time.ts';
import type { AdoptionPlan, ColumnPlan } from '../ir/types.ts';

/** Rogers' shares, used when a group with one of these names gives no pct. */
const ROGERS: Record<string, number> = { innovators: 0.025, early_adopters: 0.135, early_majority: 0.34, late_majority: 0.34, laggards: 0.16 };
const ADOPTION_EVENTS = ['adoption', 'engagement'];
const BASS_GROUPS = ['innovator', 'imitator'];
const OTHERS = ['stage_config', 'grain', 'state_transition_model', 'lifecycle_model', 'attribution_chain'];

export function planAdoptions(ctx: PlanContext, drafts: Map<string, TableDraft>, segments: Map<string, SegmentInfo>): void {
  for (const { node, index } of ctx.nodes.values()) {
    const draft = drafts.get(node.id);
    if (draft && node.adoption_model !== undefined) planAdoption(ctx, node, pointer('nodes', index), draft, drafts, segments);
  }
}

function planAdoption(ctx: PlanContext, node: Json, nodePath: string, draft: TableDraft, drafts: Map<string, TableDraft>, segments: Map<string, SegmentInfo>): void {
  const path = `${nodePath}/adoption_model`;
  const am = node.adoption_model;
  const parent: string | undefined = Array.isArray(node.parents) ? node.parents[0] : undefined;
  if (node.kind !== 'fact' || !parent || !drafts.has(parent)) return void error(ctx, 'DG_NO_PARENT', path, `adoption_model on "${node.id}" needs a fact with a parent (the population: each parent row adopts at most once)`, 'make the node a fact and list the population entity first in "parents"');
  for (const other of OTHERS) if (node[other] !== undefined) return void error(ctx, 'DG_BAD_PARAM', path, `"${node.id}" cannot have both adoption_model and ${other}`, 'keep one of them (use two facts over the same parent)');
  if (node.fanout !== undefined) warning(ctx, 'DG_IGNORED_OPTION', `${nodePath}/fanout`, `"${node.id}" is an adoption fact: its rows are each ${parent} row's adoption and engagement events, so fanout has no effect`, 'remove fanout (engagement_frequency sets the events per adopter)');
  if (Array.isArray(node.modifiers) && node.modifiers.length) warning(ctx, 'DG_IGNORED_OPTION', `${nodePath}/modifiers`, 'table-level effects scale fanout, which an adoption fact does not have', 'remove the table-level modifiers');
  const curve = planCurve(ctx, am, path);
  if (!curve) return;
  const tiers: AdoptionPlan['tiers'] = [];
  for (const [name, t] of Object.entries<Json>(am.engagement_frequency ?? {})) tiers.push({ name, share: Number(t?.pct), perWeek: Number(t?.events_per_week) });
  const tierTotal = tiers.reduce((a, t) => a + t.share, 0);
  if (tierTotal > 1 + 1e-9) return void error(ctx, 'DG_BAD_WEIGHTS', `${path}/engagement_frequency`, `engagement tier shares add up to ${round(tierTotal)}, more than 1`, 'pct is the share of adopters in each tier; the shares may leave a rest (adopters without engagement) but not exceed 1');
  const timeCol = draft.columns.find((c) => c.generator.kind === 'datetime') ?? draft.columns.find((c) => c.type === 'datetime' || c.type === 'date');
  const g = timeCol?.generator.kind === 'datetime' ? timeCol.generator : null;
  if (timeCol && !g) warning(ctx, 'DG_IGNORED_OPTION', `${nodePath}/columns/${node.columns.findIndex((c: Json) => c?.name === timeCol!.name)}/generator`, `"${timeCol.name}" holds the adoption and engagement times; its own generator is not used`, 'give it a datetime_series generator (its window bounds the diffusion)');
  let launchMs = g?.startMs ?? ctx.timeframe.startMs;
  if (am.launch_at !== undefined) {
    const ms = parseInstant(am.launch_at);
    if (ms === undefined) return void error(ctx, 'DG_BAD_DATETIME', `${path}/launch_at`, `launch_at ${JSON.stringify(am.launch_at)} is not an ISO-8601 instant`, 'e.g. "2024-03-01T00:00:00Z"');
    launchMs = ms;
  }
  const endMs = g?.endMs ?? ctx.timeframe.endMs;
  if (launchMs > endMs) warning(ctx, 'DG_IGNORED_OPTION', `${path}/launch_at`, 'the launch is after the end of the window, so nobody adopts', 'move launch_at inside the timeframe');
  const what = (f: string) => `the adoption model's ${f}`;
  const cols = [
    behaviourColumn(ctx, node, nodePath, draft, 'event_type', 'string', { kind: 'adoption', field: 'type' }, what('event type')),
    behaviourColumn(ctx, node, nodePath, draft, timeCol?.name ?? 'event_at', timeCol?.type ?? 'datetime', { kind: 'adoption', field: 'time' }, what('event time')),
    behaviourColumn(ctx, node, nodePath, draft, 'adoption_group', 'string', { kind: 'adoption', field: 'group' }, what('diffusion group')),
    tiers.length ? behaviourColumn(ctx, node, nodePath, draft, 'engagement_tier', 'string', { kind: 'adoption', field: 'tier' }, what('engagement tier')) : null,
  ];
  if (cols.some((c) => c === undefined)) return;
  enumColumn(cols[0]!, ADOPTION_EVENTS);
  enumColumn(cols[2]!, curve.kind === 'bass' ? BASS_GROUPS : curve.groups.map((x) => x.name));
  if (cols[3]) {
    enumColumn(cols[3], tiers.map((t) => t.name));
    cols[3].nullable = tierTotal < 1 - 1e-9;
  }
  const info = segments.get(parent);
  const seg = info && Object.values(info.fanout).some((m) => m !== 1) ? { table: parent, column: info.column, multipliers: info.fanout } : null;
  // One lifetime per row: each row's diffusion clock starts at max(launch, its birth); nothing after its end.
  const life = resolveLifetime(ctx, ctx.nodes.get(parent)!.node);
  const { state } = lifetimeEnd(ctx, parent, draft);
  const adoption: AdoptionPlan = { curve, launchMs, endMs, tiers, segments: seg, dateOnly: cols[1]!.type === 'date', ...(life.from ? { birth: life.from } : {}), ...(life.to ? { end: life.to } : {}), ...(state ? { endState: state } : {}) };
  draft.rows = { kind: 'adoption', parent, stream: streamKey(ctx.seed, String(node.id), '__adoption'), adoption };
}

function planCurve(ctx: PlanContext, am: Json, path: string): AdoptionPlan['curve'] | undefined {
  if (am.innovation_diffusion === undefined) {
    const b = am.bass ?? {};
    if (!(isNumber(b.p) && b.p > 0)) return error(ctx, 'DG_OUT_OF_RANGE', `${path}/bass/p`, `Bass p must be > 0 (got ${JSON.stringify(b.p)}): with p = 0 nobody adopts first`, 'p is the coefficient of innovation, e.g. 0.003 per day');
    const unit = b.time_unit ?? 'day';
    const unitMs = AGE_UNIT_MS[unit];
    if (!unitMs) return error(ctx, 'DG_BAD_PARAM', `${path}/bass/time_unit`, `unknown time_unit ${JSON.stringify(unit)}`, didYouMean(String(unit), Object.keys(AGE_UNIT_MS)));
    return { kind: 'bass', p: b.p, q: Number(b.q), unitMs, marketSize: isNumber(b.market_size) ? b.market_size : null };
  }
  if (am.curve_type === 'bass') return error(ctx, 'DG_BAD_PARAM', `${path}/curve_type`, 'curve_type "bass" needs a "bass" block instead of innovation_diffusion', 'use curve_type "s_curve" with innovation_diffusion, or give {"bass": {"p": …, "q": …}}');
  const groups: { name: string; share: number; days: number }[] = [];
  for (const [name, gr] of Object.entries<Json>(am.innovation_diffusion)) {
    const share = gr?.pct ?? ROGERS[name];
    if (!isNumber(share)) return error(ctx, 'DG_MISSING_PARAM', `${path}/innovation_diffusion/${name}`, `diffusion group "${name}" needs a pct (only ${Object.keys(ROGERS).join(', ')} have a default)`, didYouMean(name, Object.keys(ROGERS)));
    groups.push({ name, share, days: Number(gr.time_to_adopt_days) });
  }
  groups.sort((a, b) => a.days - b.days);
  for (let k = 0; k < groups.length; k++) {
    const prev = k ? groups[k - 1] : null;
    if (!(groups[k].days > (prev?.days ?? 0))) {
      const i = Object.keys(am.innovation_diffusion).indexOf(groups[k].name);
      return error(ctx, 'DG_BAD_PARAM', `${path}/innovation_diffusion/${groups[k].name}/time_to_adopt_days`, prev ? `diffusion groups "${prev.name}" and "${groups[k].name}" have the same time_to_adopt_days (${groups[k].days})` : `time_to_adopt_days of "${groups[k].name}" must be > 0`, i >= 0 ? 'each group needs its own milestone: the day by which the groups up to it have adopted' : '');
    }
  }
  const total = groups.reduce((a, x) => a + x.share, 0);
  if (total > 1 + 1e-9) return error(ctx, 'DG_BAD_WEIGHTS', `${path}/innovation_diffusion`, `diffusion group shares add up to ${round(total)}, more than 1`, 'pct is the share of the population in each group; the rest (1 − Σ pct) never adopts');
  return { kind: 'groups', groups };
}

function enumColumn(c: ColumnPlan, values: string[]): void {
  c.enumValues = values;
  c.sqlType = 'ENUM';
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
