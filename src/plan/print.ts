import { describeLifetime } from './lifetime.ts';
import { assertNever, type ColumnPlan, type FanoutPlan, type EdgePlan, type GeneratorProgram, type HierarchyPlan, type ModifierProgram, type Plan } from '../ir/types.ts';

const fmt = (n: number) => n.toLocaleString('en-US');

/** Human-readable plan: levels, tables in order with estimated rows, columns and their programs. */
export function printPlan(plan: Plan): string {
  const lines = [`plan: ${plan.name}  (seed ${plan.seed}, scale ${plan.scale}${plan.preset !== undefined ? `, preset ${plan.preset}` : ''}, spec sha256:${plan.specHash.slice(0, 12)})`];
  lines.push(`timeframe: ${plan.timeframe.start} … ${plan.timeframe.end} (${plan.timeframe.freq})`);
  plan.levels.forEach((l, i) => lines.push(`level ${i}: ${l.join(', ')}`));
  const total = plan.tables.reduce((a, t) => a + t.estimatedRows, 0);
  for (const t of plan.tables) {
    const rows = describeRows(t);
    lines.push('', `${t.id}  [${t.kind}, level ${t.level}${t.pk ? `, pk ${t.pk}` : ''}]  ${rows}`);
    const width = Math.max(...t.columns.map((c) => c.name.length));
    for (const c of t.columns) lines.push(`  ${c.name.padEnd(width)}  ${c.sqlType.padEnd(9)}  ${describeColumn(c)}${c.hidden ? '  (hidden: read by other columns, not written)' : ''}`);
    if (t.lifetime) lines.push(`  ${describeLifetime(t.lifetime)}`);
    if (t.inheritedTime) lines.push(`  time: inherited from ${t.inheritedTime.source.table}.${t.inheritedTime.source.column}${t.inheritedTime.parent !== t.inheritedTime.source.table ? ` through ${t.inheritedTime.parent}` : ''} (the parent row's time; read as ${'__time__'}, not written)`);
    for (const a of t.addRows ?? []) lines.push(`  + rows added by scenario ${a.id}(${a.type === 'cap_violation' ? `cap_violation: ${a.cap ?? 'table max'} + ${a.exceedBy} per ${a.period}` : `data_quality duplicate ${a.share}`})`);
  }
  for (const c of plan.campaigns ?? []) {
    lines.push('', `campaign ${c.id}  (seed ${c.seed}, ${c.events.length} event${c.events.length === 1 ? '' : 's'}; pin one by copying it into "scenarios")`);
    for (const e of c.events) {
      const params = Object.entries(e.params as Record<string, unknown>).map(([k, v]) => `${k} ${v}`).join(', ');
      const sel = e.selection ? ` ${Object.entries(e.selection as Record<string, unknown>).map(([k, v]) => `${k} ${v}`).join(' ')}` : ' all rows';
      // the drawn magnitude is before difficulty; the planned scenario's is after it
      const planned = plan.tables.flatMap((t) => [...t.columns.flatMap((col) => col.modifiers), ...(t.addRows ?? [])]).find((m) => 'id' in m && m.id === e.id);
      const eff = planned && 'params' in planned ? planned.params.magnitude : undefined;
      // a detectability: the run sets the magnitude from the data (the planned one applies when nothing compares)
      const z = (e.params as Record<string, unknown>).detectability;
      const after = eff === undefined ? '' : z !== undefined ? ` → magnitude for z ${z} set at run (else ${eff})` : ` → magnitude ${eff}`;
      lines.push(`  ${e.id}  ${e.type}(${params}) on ${e.target}  [${e.window.start}, ${e.window.end})  ${e.difficulty}${after}  entities:${sel} (seed ${e.seed})`);
    }
  }
  lines.push('', `${plan.tables.length} tables, ~${fmt(total)} rows estimated`);
  for (const u of plan.unsupported) lines.push(`not supported yet (ignored): ${u.what} at ${u.path}`);
  return lines.join('\n');
}

/** A fanout's distribution as printed: categorical with its counts and weights. */
function describeFanout(f: FanoutPlan): string {
  if (f.distribution !== 'categorical') return f.distribution;
  return `categorical {${f.values!.map((v, i) => `${v}: ${round(f.cdf![i] - (i ? f.cdf![i - 1] : 0))}`).join(', ')}}`;
}

function describeRows(t: Plan['tables'][number]): string {
  const r = t.rows;
  if (r.kind === 'fixed') return `${fmt(r.count)} rows`;
  if (r.kind === 'lifecycle') return `~${fmt(t.estimatedRows)} rows (lifecycle ${r.lifecycle.emit} of ${r.lifecycle.stages.length} stages per ${r.parent})`;
  if (r.kind === 'adoption') return `~${fmt(t.estimatedRows)} rows (adoption + engagement events per ${r.parent}, ${r.adoption.curve.kind === 'bass' ? `Bass p ${r.adoption.curve.p} q ${r.adoption.curve.q}` : `${r.adoption.curve.groups.length} diffusion groups`})`;
  if (r.kind === 'attribution') return `~${fmt(t.estimatedRows)} rows (${r.attribution.emit} of journeys per ${r.parent}, ${r.attribution.types.length} touchpoint types, ${round(r.attribution.windowMs / 86_400_000)}-day window)`;
  if (r.kind === 'states') return `~${fmt(t.estimatedRows)} rows (${r.machine.emit} of a ${r.machine.states.length}-state machine per ${r.parent}, ${r.machine.periodUnit}ly)`;
  if (r.kind === 'grain') return `~${fmt(t.estimatedRows)} rows (one per ${r.parent} per active ${r.grain.every}${r.grain.activeProbability !== null ? `, p ${r.grain.activeProbability}` : ''})`;
  if (r.kind === 'stages') return `~${fmt(t.estimatedRows)} rows (funnel of ${r.funnel.stages.length} stages per ${r.parent}${r.funnel.segments ? `, rates by ${r.funnel.segments.table}.${r.funnel.segments.column}` : ''})`;
  const extra = [
    r.effects.length ? `${r.effects.length} effect(s)` : '',
    ...r.segments.map((s) => `×segment ${s.table}.${s.column}`),
    r.vintage && r.vintage.fanoutCurves.length ? `×vintage of ${r.vintage.table}.${r.vintage.createdAt}` : '',
    r.vintage?.activity ? `×rate of the ${r.vintage.activity.table} state` : '',
    r.edges ? `edges among ${r.parent} rows: ${describeEdges(r.edges)}` : '',
    r.bySegment ? `own fanout for ${r.bySegment.table}.${r.bySegment.column} ${Object.entries(r.bySegment.fanouts).map(([s, f]) => `${s}: ${describeFanout(f)}${f.distribution === 'categorical' ? '' : ` mean ${round(f.mean)}`}`).join('; ')}` : '',
  ].filter(Boolean);
  return `~${fmt(t.estimatedRows)} rows (${describeFanout(r.fanout)} fanout, mean ${round(r.fanout.mean)} per ${r.parent}${extra.map((e) => `, ${e}`).join('')})`;
}

/** A self-lookup: what it reads of the row's place in the table's tree, and the tree's shape. */
function describeTree(table: string, column: string, h: HierarchyPlan): string {
  const what = h.derive === 'parent' ? `parent's ${column}` : h.derive === 'depth' ? 'depth' : h.derive === 'path' ? `path of ${column}s` : `root's ${column}`;
  const roots = h.rootShare !== null ? `root share ${h.rootShare}` : `${h.roots} root${h.roots === 1 ? '' : 's'}`;
  return `hierarchy of ${table}: ${what} (earlier rows; ${roots}, concentration ${h.concentration}${h.maxDepth !== null ? `, max depth ${h.maxDepth}` : ''})`;
}

/** An edge table's rules, for the plan printout. */
function describeEdges(e: EdgePlan): string {
  return [
    e.undirected ? 'undirected' : 'directed',
    e.weightsBy ? `targets ∝ ${e.weightsBy}` : e.preferential ? 'targets ∝ degree + 1' : 'targets uniform',
    e.homophily ? `homophily ${e.homophily.columns.join(' + ')} ${e.homophily.probability}` : '',
    e.reciprocity ? `reciprocity ${e.reciprocity}` : '',
    e.allowSelfLoops ? 'self-loops allowed' : 'no self-loops',
    e.uniquePairs ? 'unique pairs' : 'repeated pairs allowed',
  ].filter(Boolean).join(', ');
}

function describeColumn(c: ColumnPlan): string {
  const parts = [describeGenerator(c.generator), ...c.modifiers.map(describeModifier)];
  if (c.nullRate > 0) parts.push(`nulls ${c.nullRate}`);
  return parts.join(' → ');
}

function describeGenerator(g: GeneratorProgram): string {
  switch (g.kind) {
    case 'sequence': return `sequence(${g.start}, step ${g.step}${g.orderBy ? `, in time order of ${g.orderBy}` : ''})`;
    case 'choice': return `choice(${g.values.length} values)`;
    case 'choice_ref': return `choice_ref(${g.table}.${g.column})`;
    case 'distribution': return `${g.dist}(${Object.entries(g.params).map(([k, v]) => `${k}=${v}`).join(', ')})${g.clamp[0] !== null || g.clamp[1] !== null ? ` clamp[${g.clamp[0]}, ${g.clamp[1]}]` : ''}`;
    case 'empirical': return `empirical(${g.quantiles.length} quantiles, ${g.quantiles[0]} to ${g.quantiles[g.quantiles.length - 1]})`;
    case 'datetime': return `datetime(${g.freq}${g.patterns.map((p) => ` ×${p.dimension}`).join('')}${g.effects.map((e) => ` ×effect:${e.table}`).join('')}${(g.trends ?? []).map((t) => ` ×trend ${t.type} ${t.growthRate}`).join('')}${g.after ? ` after ${g.after.column}` : ''}${g.vintage ? ` after ${g.vintage.table}.${g.vintage.createdAt}${g.vintage.fanoutCurves.length ? ' ×age curve' : ''}` : ''})`;
    case 'faker': return `faker(${g.method}${g.localeFrom ? `, locale from ${g.localeFrom}` : g.locale ? `, ${g.locale}` : ''}${g.refs?.length ? `, args from ${[...new Set(g.refs.map((r) => r.column))].join(', ')}` : ''})`;
    case 'lookup': return g.via === 'self' && g.hierarchy ? describeTree(g.table, g.column, g.hierarchy) : g.via === 'at' ? `${g.table} state at ${g.at}` : `lookup(${g.table}.${g.column} via ${g.via}${g.on.length ? ` on ${g.on.map((k) => `${k.local}=${k.remote}`).join(',')}` : ''}${g.pick?.weightsBy ? ` ∝ ${g.pick.weightsBy}` : ''}${g.pick?.prefer ? ` ∝ ${g.pick.prefer.temperature === null ? `(${g.pick.prefer.score})` : `exp((${g.pick.prefer.score}) / ${g.pick.prefer.temperature})`}${g.pick.prefer.group.length ? ` grouped by ${g.pick.prefer.group.join(', ')}` : ''}${g.pick.prefer.distinct ? ', distinct per parent' : ''}` : ''})`;
    case 'expression': {
      const keyed = [...new Map(g.refs.filter((r) => r.pick).map((r) => [r.table, r.pick!])).values()];
      return `expression(${g.code})${keyed.map((p) => ` [${p.table} row of the lookup on ${p.on.map((k) => `${k.local}=${k.remote}`).join(',')}${p.weightsBy ? ` ∝ ${p.weightsBy}` : ''}]`).join('')}${g.rand ? ` [${g.rand.length} random call site${g.rand.length === 1 ? '' : 's'}, keyed]` : ''}`;
    }
    case 'enum_list': return `enum_list(${g.values.length} values)`;
    case 'dirichlet': return `dirichlet(${g.alpha.length} components, α = ${g.alpha.every((a) => a === g.alpha[0]) ? g.alpha[0] : `[${g.alpha.join(', ')}]`})`;
    case 'vector': return `vector(${g.length} × ${g.dist}(${Object.entries(g.params).map(([k, v]) => `${k}=${v}`).join(', ')})${g.clamp[0] !== null || g.clamp[1] !== null ? ` clamp[${g.clamp[0]}, ${g.clamp[1]}]` : ''})`;
    case 'sample': return `sample(${g.min === g.max ? g.min : `${g.min}–${g.max}`} distinct of ${g.values.length} values)`;
    case 'stage': return `funnel stage ${g.field}`;
    case 'period': return 'panel period start';
    case 'schedule': return g.field === 'time' ? 'schedule occurrence time' : 'schedule occurrence index';
    case 'allocate': return `allocate(${g.k} per ${g.per === 'parent' ? 'parent' : `parent and ${g.per} of ${g.time}`}${g.weightsBy ? ` ∝ ${g.weightsBy}` : ''}${g.value ? `, value of ${g.value}` : ', flag'})`;
    case 'state': return `state machine ${g.field}`;
    case 'adoption': return `adoption ${g.field}`;
    case 'attribution': return `attribution ${g.field}`;
    case 'lifecycle': return `lifecycle ${g.field}`;
    default: return assertNever(g);
  }
}

function describeModifier(m: ModifierProgram): string {
  switch (m.kind) {
    case 'multiply': return `×${m.factor}`;
    case 'add': return `+${m.value}`;
    case 'clamp': return `clamp[${m.min}, ${m.max}]`;
    case 'jitter': return `jitter(${m.mode} ${m.std})`;
    case 'time_jitter': return `time_jitter(${m.stdMinutes}m)`;
    case 'map_values': return `map(${Object.keys(m.mapping).length})`;
    case 'seasonality': return `seasonality(${m.dimension} of ${m.timeRef})`;
    case 'trend': return `trend(${m.type} ${m.growthRate} of ${m.timeRef})`;
    case 'effect': return `effect(${m.effect.table}.${m.effect.field ?? '1'} ${m.effect.op})`;
    case 'outliers': return `outliers(${m.mode} ${m.rate})`;
    case 'anomaly': return `anomaly(${m.windows.length} window(s) of ${m.timeRef})`;
    case 'scenario': return `scenario ${m.id}(${m.type})`;
    case 'state_value': return `×state(${m.column})`;
    case 'not_before': return `≥ ${m.table}.${m.column}${m.end ? ` ≤ ${m.table}.${m.end}` : ''}`;
    case 'segment_value': return `×segment(${m.scale.table}.${m.scale.column})`;
    case 'vintage_value': return `×age curve(${m.table}.${m.createdAt} at ${m.timeRef})`;
    default: return assertNever(m);
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
