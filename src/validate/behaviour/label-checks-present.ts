/**
 * labels_present (hard): `_labels` exists; every label is about a known table, column, scenario and level; a file
 * generated `--without-scenarios` has no scenario label; each decision that is certain to change some value has labels.
 */
import { lit, n, one } from '../sql.ts';
import type { CheckModule, CheckResult, CheckStatus, ValidateContext } from '../types.ts';
import type { Decision, RowsDecision } from './label-checks-model.ts';
import { base, checkable, labelCount, orFalse, plural, state } from './label-checks-common.ts';
import { cellStats, inWindowRows, rateDays, rowsModel } from './label-checks-scope.ts';

/** A decision "must" label something when the chance that it labels nothing is below this. */
const P_NONE = 1e-9;

export const labelsPresent: CheckModule = async (ctx) => {
  const all = state(ctx).decisions;
  const docScenarios = Array.isArray(ctx.doc?.scenarios) ? ctx.doc.scenarios.length : 0;
  const planScenarios = all.filter((d) => d.what === 'scenario' || d.what === 'rows');
  const stripped = docScenarios > 0 && planScenarios.length === 0;
  const fileBase: Omit<CheckResult, 'status' | 'expected' | 'observed' | 'tolerance' | 'examples' | 'message'> = { check: 'labels_present', category: 'behavioural', table: '_labels', hard: true, specPath: docScenarios ? '/scenarios' : undefined };
  if (!ctx.hasLabels) {
    if (!all.length) return [];
    return [{ ...fileBase, status: 'fail', expected: '_labels', observed: 'missing', tolerance: null, examples: [], message: `the file has no _labels table, but the spec has ${plural(all.length, 'labelled anomaly')}` }];
  }
  const total = n((await one(ctx, `SELECT count(*) AS c FROM _labels`)).c);
  if (!all.length && !total && !stripped) return [];
  const out: CheckResult[] = [];
  // Every label: a known table and column, a level that fits, a scenario of the plan with its type, a decision that writes it.
  const tables = ctx.plan.tables;
  const known = tables.map((t) => `("table" = ${lit(t.id)} AND ("column" IS NULL OR "column" IN (${t.columns.map((c) => lit(c.name)).join(', ')})))`).join(' OR ') || 'FALSE';
  const keyless = tables.filter((t) => !t.pk).map((t) => lit(t.id));
  const scenarioKind = planScenarios.map((d) => `(scenario = ${lit(d.what === 'scenario' ? d.p.id : (d as RowsDecision).r.id)} AND kind = ${lit(d.what === 'scenario' ? d.p.type : (d as RowsDecision).r.type)})`);
  const owned = all.map((d) => `(${d.labels})`).join(' OR ') || 'FALSE';
  const reasons: [string, string][] = [
    ['an unknown table or column', `NOT (${known})`],
    ['a level other than cell, row or window', `level IS NULL OR level NOT IN ('cell', 'row', 'window')`],
    ['a level that does not fit its column or row key', `(level = 'cell' AND "column" IS NULL) OR (level = 'row' AND "column" IS NOT NULL) OR (level = 'window' AND (row_key IS NOT NULL OR "column" IS NULL)) OR (level IN ('cell', 'row') AND row_key IS NULL${keyless.length ? ` AND "table" NOT IN (${keyless.join(', ')})` : ''})`],
    [stripped ? 'a scenario label in a file generated without scenarios' : 'a scenario the spec does not have (or of another type)', `scenario IS NOT NULL AND NOT (${scenarioKind.join(' OR ') || 'FALSE'})`],
    ['no decision of the spec that writes it', `scenario IS NULL AND NOT (${owned})`],
  ];
  const counts = await one(ctx, `SELECT ${reasons.map(([, w], i) => `count(*) FILTER (WHERE ${orFalse(w)}) AS r${i}`).join(', ')} FROM _labels`);
  const bad = reasons.map(([what], i) => [what, n(counts[`r${i}`])] as const).filter(([, k]) => k > 0);
  const badWhere = reasons.map(([, w]) => orFalse(w)).join(' OR ');
  const ex = bad.length ? (await ctx.db.all(`SELECT label_id FROM _labels WHERE ${badWhere} ORDER BY label_id LIMIT 5`)).map((r) => r.label_id) : [];
  const modifierLabels = stripped ? n((await one(ctx, `SELECT count(*) AS c FROM _labels WHERE scenario IS NULL`)).c) : 0;
  out.push({
    ...fileBase, status: bad.length ? 'fail' : 'pass', expected: stripped ? 'no scenario label (generated --without-scenarios)' : 'labels of the spec\'s scenarios and labelled modifiers only',
    observed: bad.length ? Object.fromEntries(bad) : `${total} labels`, tolerance: 0, examples: ex,
    message: bad.length ? `labels with ${bad.map(([w, k]) => `${w} (${k})`).join(', ')}`
      : stripped ? `generated --without-scenarios: no scenario label${modifierLabels ? ` (${plural(modifierLabels, 'label')} of modifiers)` : ''}, as expected`
      : `${plural(total, 'label')}, each about a table, column and decision of the spec`,
  });
  // Each decision that is certain to change something has labels.
  for (const d of checkable(ctx)) {
    const has = await labelCount(ctx, d);
    const must = await mustLabel(ctx, d);
    const status: CheckStatus = has === 0 && must.must ? 'fail' : 'pass';
    out.push({
      ...base('labels_present', d, true), status, expected: must.must ? `≥ 1 label (${must.why})` : `labels where it changes values (${must.why})`, observed: has, tolerance: 0, examples: [],
      message: has ? `${d.name}: ${plural(has, 'label')}` : must.must ? `${d.name} wrote no label although ${must.why}` : `${d.name}: no label, none required (${must.why})`,
    });
  }
  return out;
};

/** Is the decision certain (up to P_NONE) to change at least one value, and why. */
async function mustLabel(ctx: ValidateContext, d: Decision): Promise<{ must: boolean; why: string }> {
  if (d.what === 'rows') return rowsMust(ctx, d);
  const s = await cellStats(ctx, d);
  if (!s) return { must: false, why: 'not computable' };
  const E = s.eligibleEntities;
  if (d.what === 'outliers') {
    const p = (1 - d.o[0].rate) ** s.eligible;
    return { must: s.eligible > 0 && p < P_NONE, why: `${plural(s.eligible, 'row')} an outlier would visibly change, rate ${d.o[0].rate}` };
  }
  if (d.what === 'anomaly') return { must: s.eligible > 0, why: `${plural(s.eligible, 'row')} inside its windows would visibly change` };
  const p = d.p;
  if ((p.type === 'rate_drop' || p.type === 'rate_spike') && p.selection.kind === 'all') {
    const days = await rateDays(ctx, d);
    return { must: days.expectedDays.length > 0, why: `${plural(days.expectedDays.length, 'day')} of its window with a positive ${p.denominator} (window labels)` };
  }
  const sel = p.selection;
  if (s.model.entity === undefined) return { must: false, why: 'the table has no column holding its parent\'s key, so the chosen entities cannot be counted' };
  if (sel.kind === 'all') return { must: s.eligible > 0, why: `${plural(s.eligible, 'row')} inside its window would visibly change` };
  if (sel.kind === 'random_k') {
    const k = Math.min(sel.k, s.candidates);
    return { must: E > s.candidates - k, why: `${k} of ${plural(s.candidates, 'candidate')} are chosen, ${E} of them would visibly change` };
  }
  if (sel.kind === 'share') return { must: E > 0 && (1 - sel.share) ** E < P_NONE, why: `share ${sel.share} of ${plural(E, 'candidate')} that would visibly change` };
  return { must: false, why: 'a "where" selection is not evaluated in SQL' };
}

async function rowsMust(ctx: ValidateContext, d: RowsDecision): Promise<{ must: boolean; why: string }> {
  const m = rowsModel(ctx, d);
  const sel = d.r.selection;
  const rows = await inWindowRows(ctx, d, m);
  if (d.r.type === 'data_quality') {
    if (sel.kind !== 'all') return { must: false, why: 'duplicates are drawn row by row among the selected rows' };
    return { must: rows.rows > 0 && (1 - d.r.share) ** rows.rows < P_NONE, why: `${plural(rows.rows, 'row')} in the window, each duplicated with probability ${d.r.share}` };
  }
  if (sel.kind === 'where') return { must: false, why: 'a "where" selection is not evaluated in SQL' };
  if (sel.kind === 'share') return { must: rows.entities > 0 && (1 - sel.share) ** rows.entities < P_NONE, why: `share ${sel.share} of ${plural(rows.entities, 'entity')} with rows in the window` };
  return { must: rows.rows > 0, why: `${plural(rows.rows, 'row')} in the window${sel.kind === 'random_k' ? `, ${sel.k} entities chosen` : ''}` };
}
