/**
 * labels_windows (hard): no label outside its decision's window, and no unlabelled row inside it that the decision
 * is certain to have changed.
 */
import { ident, lit, n, num, one } from '../sql.ts';
import type { ChartData, CheckModule, CheckResult, ValidateContext } from '../types.ts';
import { anomalyFactor, DAY_MS, timeMs, type AnomalyDecision, type RowsDecision, type ScenarioDecision } from './label-checks-model.ts';
import { base, checkable, isAdded, iso, labelCount, labelKey, orFalse, plural, rowKey } from './label-checks-common.ts';
import { cellStats, rateDays, rowsModel } from './label-checks-scope.ts';

export const labelsWindows: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const d of checkable(ctx)) {
    if (d.what === 'outliers') continue;
    const r = d.what === 'rows' ? await rowsWindows(ctx, d) : await cellWindows(ctx, d);
    if (r) out.push(r);
  }
  return out;
};

async function cellWindows(ctx: ValidateContext, d: ScenarioDecision | AnomalyDecision): Promise<CheckResult | null> {
  const s = await cellStats(ctx, d);
  if (!s) return null;
  const t = d.t;
  const total = await labelCount(ctx, d);
  // every cell label (own and the cells that follow): the row's time inside the window, the label naming the window
  const window = d.what === 'scenario'
    ? { inside: `(${timeMs(d.p.timeRef)} >= ${num(d.p.startMs)} AND ${timeMs(d.p.timeRef)} < ${num(d.p.endMs)})`, named: `epoch_ms(l."start") IS NOT DISTINCT FROM ${num(d.p.startMs)} AND epoch_ms(l."end") IS NOT DISTINCT FROM ${num(d.p.endMs)}` }
    : anomalyWindow(d);
  const o = await one(ctx, `SELECT count(*) FILTER (WHERE NOT coalesce(${window.inside}, FALSE)) AS outside, count(*) FILTER (WHERE NOT coalesce(${window.named}, FALSE)) AS misnamed,
      min(l.row_key) FILTER (WHERE NOT coalesce(${window.inside}, FALSE) OR NOT coalesce(${window.named}, FALSE)) AS example
    FROM _labels l JOIN ${ident(t.id)} x ON ${rowKey(t)} = ${labelKey(t, 'l.row_key')} WHERE l.level = 'cell' AND ${orFalse(d.labels)}`);
  const problems: string[] = [];
  const examples: unknown[] = [];
  if (n(o.outside)) problems.push(`${plural(n(o.outside), 'label')} on rows outside the window`);
  if (n(o.misnamed)) problems.push(`${plural(n(o.misnamed), 'label')} naming another window`);
  if (o.example !== null && o.example !== undefined) examples.push(o.example);
  const rules = ['labelled rows inside the window'];
  if (d.what === 'scenario' && (d.p.type === 'rate_drop' || d.p.type === 'rate_spike')) {
    const days = await rateDays(ctx, d);
    if (days.bad.length) problems.push(`${plural(days.bad.length, 'window label')} outside the window or not one UTC day`);
  }
  if (s.inside !== null) {
    rules.push('every row it certainly changed is labelled');
    if (s.inside) problems.push(`${plural(s.inside, 'row')} inside the window ${d.what === 'scenario' && s.model.entity ? 'of a selected entity ' : ''}would change but have no label`);
    for (const k of s.insideExamples) if (examples.length < 5) examples.push(k);
  }
  const chart: ChartData | undefined = s.days.length && s.days.length <= 120
    ? { kind: 'line', title: `${d.name}: labelled rows per day`, x: s.days.map((x) => iso(x.day * DAY_MS).slice(0, 10)), expected: s.days.map((x) => x.expected), observed: s.days.map((x) => x.labelled), xLabel: 'day (UTC)', unit: 'rows' }
    : undefined;
  return {
    ...base('labels_windows', d, true), status: problems.length ? 'fail' : 'pass', expected: rules,
    observed: problems.length ? problems : { labels: total, rowsInWindow: s.inWindow, labelledRows: s.labelled, certainRows: s.inside === null ? null : s.selectedEligible }, tolerance: 0, examples,
    message: problems.length ? `${d.name}: ${problems.join('; ')}`
      : `${d.name}: ${plural(s.labelled, 'labelled row')}, all inside ${d.what === 'scenario' ? `[${iso(d.p.startMs)}, ${iso(d.p.endMs)})` : 'its windows'}${s.inside === null ? ` (unlabelled rows not judged: ${s.model.why})` : `, the ${plural(s.selectedEligible, 'row')} it certainly changed${s.model.entity ? ' (of the selected entities)' : ''} all labelled`}`,
    ...(chart ? { chart } : {}),
  };
}

function anomalyWindow(d: AnomalyDecision): { inside: string; named: string } {
  const parts = d.a.map((a) => anomalyFactor(a, d.t));
  const inside = parts.map((f) => f.inside).join(' OR ');
  if (d.a.length > 1) return { inside: `(${inside})`, named: 'TRUE' };
  const a = d.a[0];
  const first = parts[0].first;
  const starts = a.windows.map((w, i) => `WHEN ${i} THEN ${num(w.startMs)}`).join(' ');
  const ends = a.windows.map((w, i) => `WHEN ${i} THEN ${num(w.endMs)}`).join(' ');
  return { inside: `(${inside})`, named: `epoch_ms(l."start") = CASE ${first} ${starts} END AND epoch_ms(l."end") = CASE ${first} ${ends} END` };
}

async function rowsWindows(ctx: ValidateContext, d: RowsDecision): Promise<CheckResult | null> {
  const t = d.t;
  const m = rowsModel(ctx, d);
  const total = n((await one(ctx, `SELECT count(*) AS c FROM _labels WHERE level = 'row' AND scenario = ${lit(d.r.id)}`)).c);
  const ts = `CAST(x.${ident(d.r.timeRef)} AS TIMESTAMP)`;
  const named = d.r.type === 'cap_violation'
    ? `epoch_ms(l."start") = epoch_ms(date_trunc('${m.period}', ${ts})) AND epoch_ms(l."end") = epoch_ms(date_trunc('${m.period}', ${ts}) + INTERVAL 1 ${m.period})`
    : `epoch_ms(l."start") = ${num(d.r.startMs)} AND epoch_ms(l."end") = ${num(d.r.endMs)}`;
  const o = await one(ctx, `SELECT count(DISTINCT l.label_id) FILTER (WHERE NOT coalesce(${m.inWindow}, FALSE)) AS outside, count(DISTINCT l.label_id) FILTER (WHERE NOT coalesce(${named}, FALSE)) AS misnamed,
      min(l.row_key) FILTER (WHERE NOT coalesce(${m.inWindow}, FALSE) OR NOT coalesce(${named}, FALSE)) AS example
    FROM _labels l JOIN ${ident(t.id)} x ON ${rowKey(t)} = ${labelKey(t, 'l.row_key')} WHERE l.level = 'row' AND l.scenario = ${lit(d.r.id)}`);
  const problems: string[] = [];
  const examples: unknown[] = [];
  if (n(o.outside)) problems.push(`${plural(n(o.outside), 'added row')} outside the window`);
  if (n(o.misnamed)) problems.push(`${plural(n(o.misnamed), 'label')} naming another ${d.r.type === 'cap_violation' ? m.period : 'window'}`);
  if (o.example !== null && o.example !== undefined) examples.push(o.example);
  const rules = [d.r.type === 'cap_violation' ? `added rows inside the window, labels naming their ${m.period}` : 'duplicated rows inside the window'];
  let checked = false;
  if (d.r.type === 'cap_violation' && m.entity !== undefined && m.wholeGroups && !(t.addRows ?? []).some((r) => r !== d.r && r.startMs < d.r.endMs && d.r.startMs < r.endMs)) {
    // every period of a selected entity (all entities for "all") inside the window got rows
    checked = true;
    rules.push(`every ${m.period} of a selected entity inside the window has added rows`);
    const g = `epoch_ms(date_trunc('${m.period}', ${ts}))`;
    const selected = d.r.selection.kind === 'all' ? 'TRUE' : 'e IN (SELECT e FROM lab)';
    const r = await one(ctx, `WITH lab AS (SELECT DISTINCT ${m.entity} AS e, ${g} AS g FROM _labels l JOIN ${ident(t.id)} x ON ${rowKey(t)} = ${labelKey(t, 'l.row_key')} WHERE l.level = 'row' AND l.scenario = ${lit(d.r.id)}),
        grp AS (SELECT DISTINCT ${m.entity} AS e, ${g} AS g, CAST(${m.entity} AS VARCHAR) AS ex FROM ${ident(t.id)} x
          WHERE NOT ${isAdded(t)} AND coalesce(${m.inWindow}, FALSE))
      SELECT count(*) AS c, min(ex) AS example FROM grp WHERE ${selected} AND NOT EXISTS (SELECT 1 FROM lab WHERE lab.e IS NOT DISTINCT FROM grp.e AND lab.g = grp.g)`);
    if (n(r.c)) {
      problems.push(`${plural(n(r.c), `${m.period} of a selected entity`)} inside the window without added rows`);
      if (examples.length < 5 && r.example !== null) examples.push(r.example);
    }
  }
  return {
    ...base('labels_windows', d, true), status: problems.length ? 'fail' : 'pass', expected: rules, observed: problems.length ? problems : `${total} labels`, tolerance: 0, examples,
    message: problems.length ? `${d.name}: ${problems.join('; ')}` : `${d.name}: ${plural(total, 'added row')} inside [${iso(d.r.startMs)}, ${iso(d.r.endMs)})${checked ? `, every ${m.period} of a selected entity covered` : ''}`,
  };
}
