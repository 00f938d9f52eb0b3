import { INHERITED_TIME } from './time-reference.ts';
import type { ColumnRef, EffectPlan, KeyedPick, SegmentScale, TablePlan, VintagePlan } from '../ir/types.ts';

/** For each table, the columns other tables read from it during a run. */
export function computeRetain(tables: TablePlan[]): void {
  const need = new Map<string, Set<string>>(tables.map((t) => [t.id, new Set<string>()]));
  const add = (table: string, ...cols: (string | null)[]) => {
    for (const c of cols) if (c) need.get(table)?.add(c);
  };
  const addEffect = (e: EffectPlan) => add(e.table, ...e.on.map((k) => k.remote), e.startCol, e.endCol, e.field);
  const addScale = (s: SegmentScale | null) => s && add(s.table, s.column);
  const addPick = (p: KeyedPick | undefined) => p && add(p.table, ...p.on.map((k) => k.remote), p.weightsBy, ...(p.prefer?.candidate ?? []));
  const addRefs = (refs: ColumnRef[]) => refs.forEach((r) => r.table && (add(r.table, r.column), addPick(r.pick)));
  const addVintage = (v: VintagePlan | null) => v && (add(v.table, v.createdAt, v.endAt ?? null), addScale(v.decay));
  for (const t of tables) {
    if (t.rows.kind === 'fanout') {
      for (const e of t.rows.effects) {
        addEffect(e);
        add(t.rows.parent, ...e.on.map((k) => k.local));
      }
      t.rows.segments.forEach(addScale);
      addVintage(t.rows.vintage);
      if (t.rows.bySegment) add(t.rows.bySegment.table, t.rows.bySegment.column);
      const sc = t.rows.fanout.schedule;
      if (sc) add(t.rows.parent, sc.anchor, sc.from, sc.to);
    }
    if (t.rows.kind === 'lifecycle') add(t.rows.parent, t.rows.lifecycle.startFrom, t.rows.lifecycle.endFrom ?? null);
    if (t.rows.kind === 'adoption') (addScale(t.rows.adoption.segments), add(t.rows.parent, t.rows.adoption.birth ?? null, t.rows.adoption.end ?? null));
    if (t.rows.kind === 'attribution') (addScale(t.rows.attribution.segments), addScale(t.rows.attribution.conversion), add(t.rows.parent, t.rows.attribution.lifetimeFrom ?? null, t.rows.attribution.lifetimeTo ?? null));
    if (t.rows.kind === 'states') {
      addScale(t.rows.machine.churn);
      add(t.rows.parent, t.rows.machine.startFrom, t.rows.machine.endFrom ?? null);
    }
    if (t.rows.kind === 'grain') {
      t.rows.grain.segments.forEach(addScale);
      addVintage(t.rows.grain.vintage);
      add(t.rows.parent, t.rows.grain.lifetimeFrom);
      add(t.rows.parent, t.rows.grain.lifetimeTo ?? null);
    }
    if (t.rows.kind === 'stages') {
      addScale(t.rows.funnel.segments);
      add(t.rows.parent, t.rows.funnel.startFrom);
    }
    if (t.inheritedTime) add(t.inheritedTime.parent, t.inheritedTime.column);
    if (t.rows.kind === 'fanout' && t.rows.edges) add(t.rows.parent, t.rows.edges.weightsBy, ...(t.rows.edges.homophily?.columns ?? []));
    for (const p of t.picks) {
      if (p.weightsBy) add(p.table, p.weightsBy);
      addScale(p.segments);
    }
    // Labels name the entity of a changed row: the primary parent's key.
    if ('parent' in t.rows && t.columns.some((c) => c.modifiers.some((m) => m.kind === 'outliers' || m.kind === 'anomaly' || m.kind === 'scenario'))) add(t.rows.parent, tables.find((x) => x.id === (t.rows as { parent: string }).parent)?.pk ?? null);
    for (const c of t.columns) {
      const g = c.generator;
      if (g.kind === 'lookup' && g.via !== 'self') (add(g.table, g.column, ...g.on.map((k) => k.remote)), addPick(g.pick));
      // A preference score's parent.x (src/plan/preference.ts) reads the primary parent's retained columns.
      if (g.kind === 'lookup' && g.pick?.prefer && 'parent' in t.rows) add(t.rows.parent, ...g.pick.prefer.parent);
      if (g.kind === 'choice_ref') add(g.table, g.column);
      if (g.kind === 'expression') addRefs(g.refs);
      if (g.kind === 'distribution') for (const e of Object.values(g.exprs ?? {})) addRefs(e.refs);
      if (g.kind === 'datetime') {
        g.effects.forEach(addEffect);
        addVintage(g.vintage);
      }
      for (const m of c.modifiers) {
        if (m.kind === 'effect') addEffect(m.effect);
        if (m.kind === 'segment_value') addScale(m.scale);
        if (m.kind === 'not_before') add(m.table, m.column, m.end ?? null);
        if (m.kind === 'vintage_value') (add(m.table, m.createdAt), addScale(m.decay));
      }
    }
  }
  // A table's inherited time (never a column of its own) is retained when a child inherits it in turn.
  for (const t of tables) t.retain = [...t.columns.map((c) => c.name), ...(t.inheritedTime ? [INHERITED_TIME] : [])].filter((c) => need.get(t.id)!.has(c));
}
