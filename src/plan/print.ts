import { assertNever, type ColumnPlan, type GeneratorProgram, type ModifierProgram, type Plan } from './types.ts';

const fmt = (n: number) => n.toLocaleString('en-US');

/** Human-readable plan: levels, tables in order with estimated rows, columns and their programs. */
export function printPlan(plan: Plan): string {
  const lines = [`plan: ${plan.name}  (seed ${plan.seed}, scale ${plan.scale}, spec sha256:${plan.specHash.slice(0, 12)})`];
  lines.push(`timeframe: ${plan.timeframe.start} … ${plan.timeframe.end} (${plan.timeframe.freq})`);
  plan.levels.forEach((l, i) => lines.push(`level ${i}: ${l.join(', ')}`));
  const total = plan.tables.reduce((a, t) => a + t.estimatedRows, 0);
  for (const t of plan.tables) {
    const rows = t.rows.kind === 'fixed' ? `${fmt(t.rows.count)} rows` : `~${fmt(t.estimatedRows)} rows (${t.rows.fanout.distribution} fanout, mean ${round(t.rows.fanout.mean)} per ${t.rows.parent}${t.rows.effects.length ? `, ${t.rows.effects.length} effect(s)` : ''})`;
    lines.push('', `${t.id}  [${t.kind}, level ${t.level}${t.pk ? `, pk ${t.pk}` : ''}]  ${rows}`);
    const width = Math.max(...t.columns.map((c) => c.name.length));
    for (const c of t.columns) lines.push(`  ${c.name.padEnd(width)}  ${c.sqlType.padEnd(9)}  ${describeColumn(c)}`);
  }
  lines.push('', `${plan.tables.length} tables, ~${fmt(total)} rows estimated`);
  for (const u of plan.unsupported) lines.push(`not supported yet (ignored): ${u.what} at ${u.path}`);
  return lines.join('\n');
}

function describeColumn(c: ColumnPlan): string {
  const parts = [describeGenerator(c.generator), ...c.modifiers.map(describeModifier)];
  if (c.nullRate > 0) parts.push(`nulls ${c.nullRate}`);
  return parts.join(' → ');
}

export function describeGenerator(g: GeneratorProgram): string {
  switch (g.kind) {
    case 'sequence': return `sequence(${g.start}, step ${g.step})`;
    case 'choice': return `choice(${g.values.length} values)`;
    case 'choice_ref': return `choice_ref(${g.table}.${g.column})`;
    case 'distribution': return `${g.dist}(${Object.entries(g.params).map(([k, v]) => `${k}=${v}`).join(', ')})${g.clamp[0] !== null || g.clamp[1] !== null ? ` clamp[${g.clamp[0]}, ${g.clamp[1]}]` : ''}`;
    case 'datetime': return `datetime(${g.freq}${g.patterns.map((p) => ` ×${p.dimension}`).join('')}${g.effects.map((e) => ` ×effect:${e.table}`).join('')}${g.after ? ` after ${g.after.column}` : ''})`;
    case 'faker': return `faker(${g.method}${g.localeFrom ? `, locale from ${g.localeFrom}` : g.locale ? `, ${g.locale}` : ''})`;
    case 'lookup': return `lookup(${g.table}.${g.column} via ${g.via}${g.on.length ? ` on ${g.on.map((k) => `${k.local}=${k.remote}`).join(',')}` : ''})`;
    case 'expression': return `expression(${g.code})`;
    case 'enum_list': return `enum_list(${g.values.length} values)`;
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
    default: return assertNever(m);
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
