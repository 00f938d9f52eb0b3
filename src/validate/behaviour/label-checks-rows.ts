/**
 * labels_rows: label counts against the selection — random_k exactly k entities (hard), share and outlier rates
 * within binomial tails (soft).
 */
import { ident, lit, n, one } from '../sql.ts';
import { binomialTail, PASS_Z, round, tailZ, zStatus } from '../stats.ts';
import type { CheckModule, CheckResult, ValidateContext } from '../types.ts';
import type { RowsDecision } from './label-checks-model.ts';
import { base, type Base, checkable, labelKey, plural, rowKey } from './label-checks-common.ts';
import { cellStats, inWindowRows, rowsModel } from './label-checks-scope.ts';

export const labelsRows: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const d of checkable(ctx)) {
    if (d.what === 'rows') {
      const r = await rowsCount(ctx, d);
      if (r) out.push(r);
      continue;
    }
    if (d.what === 'anomaly') continue; // exact: labels_windows
    const s = await cellStats(ctx, d);
    if (!s) continue;
    if (d.what === 'outliers') {
      if (d.o.length > 1 || s.model.visible === 'FALSE' || s.eligible === 0) continue;
      out.push(binomialResult(base('labels_rows', d, false), d.name, s.labelledEligible, s.eligible, d.o[0].rate, 'rows that an outlier would visibly change', `rate ${d.o[0].rate}`));
      continue;
    }
    const sel = d.p.selection;
    if (s.model.entity === undefined) continue; // entities cannot be told apart in SQL
    const unit = s.model.entity?.unit === 'row' ? 'row' : sel.kind === 'random_k' || sel.kind === 'share' ? (sel.key ? `${sel.key} value` : 'entity') : 'row';
    if (sel.kind === 'random_k') {
      const k = Math.min(sel.k, s.candidates);
      const lo = Math.max(0, k - (s.candidates - s.eligibleEntities));
      const L = s.labelledEntities;
      const ok = L <= k && s.labelledEligibleEntities >= lo;
      out.push({
        ...base('labels_rows', d, true), status: ok ? 'pass' : 'fail', expected: lo === k ? k : [lo, k], observed: L, tolerance: 0, examples: [],
        message: `${d.name}: ${plural(L, unit)} labelled, random_k ${sel.k} of ${plural(s.candidates, unit)} ${unit === 'row' ? 'inside' : 'with rows in'} the window${lo < k ? ` (at least ${lo}: the others would not visibly change)` : ''}`,
        chart: { kind: 'bars', title: `${d.name}: ${unit}s labelled`, labels: ['labelled'], expected: [k], observed: [L] },
      });
    } else if (sel.kind === 'share' && s.eligibleEntities > 0 && s.model.visible !== 'FALSE') {
      out.push(binomialResult(base('labels_rows', d, false), d.name, s.labelledEligibleEntities, s.eligibleEntities, sel.share, `${unit}s that would visibly change`, `share ${sel.share}`));
    }
  }
  return out;
};

/** A count against Binomial(N, p): the exact tail's normal z judged by zStatus (PASS_Z / FAIL_Z). */
function binomialResult(b: Base, name: string, x: number, N: number, p: number, what: string, rule: string): CheckResult {
  const mean = N * p;
  const se = Math.sqrt(N * p * (1 - p));
  const tail = x > mean ? binomialTail(x, N, p, true) : x < mean ? binomialTail(x, N, p, false) : 1;
  const status = zStatus(tailZ(tail));
  return {
    ...b, status, expected: round(mean), observed: x, tolerance: round(PASS_Z * se), examples: [],
    message: `${name}: ${plural(x, 'label')} among ${N.toLocaleString('en-US')} ${what}, ${round(mean)} expected (${rule}; tail probability ${round(tail, 3)})`,
    chart: { kind: 'bars', title: `${name}: labels`, labels: ['labelled'], expected: [round(mean)], observed: [x] },
  };
}

async function rowsCount(ctx: ValidateContext, d: RowsDecision): Promise<CheckResult | null> {
  const m = rowsModel(ctx, d);
  const sel = d.r.selection;
  if (d.r.type === 'data_quality') {
    if (sel.kind !== 'all') return null;
    const rows = await inWindowRows(ctx, d, m);
    const L = n((await one(ctx, `SELECT count(*) AS c FROM _labels WHERE level = 'row' AND scenario = ${lit(d.r.id)}`)).c);
    if (!rows.rows) return null;
    return binomialResult(base('labels_rows', d, false), d.name, L, rows.rows, d.r.share, 'rows in the window', `share ${d.r.share}`);
  }
  if (m.entity === undefined || !m.wholeGroups || sel.kind === 'all' || sel.kind === 'where') return null;
  const t = d.t;
  const N = (await inWindowRows(ctx, d, m)).entities;
  const L = n((await one(ctx, `SELECT count(DISTINCT ${m.entity}) AS c FROM _labels l JOIN ${ident(t.id)} x ON ${rowKey(t)} = ${labelKey(t, 'l.row_key')} WHERE l.level = 'row' AND l.scenario = ${lit(d.r.id)}`)).c);
  const unit = sel.key ? `${sel.key} value` : 'entity';
  if (sel.kind === 'share') return N ? binomialResult(base('labels_rows', d, false), d.name, L, N, sel.share, `${unit}s with rows in the window`, `share ${sel.share}`) : null;
  const k = Math.min(sel.k, N);
  return {
    ...base('labels_rows', d, true), status: L === k ? 'pass' : 'fail', expected: k, observed: L, tolerance: 0, examples: [],
    message: `${d.name}: rows added for ${plural(L, unit)}, random_k ${sel.k} of ${plural(N, unit)} with rows in the window`,
    chart: { kind: 'bars', title: `${d.name}: ${unit}s with added rows`, labels: ['entities'], expected: [k], observed: [L] },
  };
}
