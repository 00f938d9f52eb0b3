/**
 * Preference-driven picks (docs/behaviours/relations.md, "Preference-driven picks"): with `distinct`, no parent's
 * children pick the same candidate twice — checked on the parent's key and the looked-up candidate key (hard, exact).
 * `pick_preference` (soft): the declared model recomputed in SQL over a sample of the rows — each row's probability
 * of every candidate group (the values of the columns the score's row-dependent terms read), from the candidates'
 * masses and the row's own terms — summed into expected counts per group and compared with the groups of the
 * candidates actually picked (standard error √Σ p(1 − p) per group).
 */
import type { ColumnPlan, KeyedPick, TablePlan } from '../ir/types.ts';
import { parseExpression, type ExprRef } from '../expr/expression.ts';
import { CANDIDATE, splitScore } from '../expr/separable.ts';
import type { ExprNode } from '../expr/types.ts';
import { exprSql } from './expr-sql.ts';
import { judge, PASS_Z } from './stats.ts';
import { docColumn } from './structural.ts';
import { dbl, examples, ident, n, one } from './sql.ts';
import type { CheckModule, CheckResult, CheckStatus, ValidateContext } from './types.ts';

/** Rows of the child table the soft check recomputes (a repeatable reservoir sample). */
const SAMPLE_ROWS = 50_000;

export const preferenceChecks: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const t of ctx.plan.tables) {
    if (!ctx.present.has(t.id) || !('parent' in t.rows)) continue;
    const parentTable = ctx.table(t.rows.parent);
    // The row's parent key: an unmodified lookup of the parent's primary key.
    const parentKey = t.columns.find((c) => c.generator.kind === 'lookup' && c.generator.via === 'parent' && c.generator.column === parentTable?.pk && !c.modifiers.length);
    if (!parentKey) continue;
    const seen = new Set<string>();
    for (const c of scoredPicks(t, (table) => ctx.table(table)?.pk ?? null)) {
      const g = c.generator as Extract<typeof c.generator, { kind: 'lookup' }>;
      const id = JSON.stringify(g.pick);
      if (seen.has(id)) continue;
      seen.add(id);
      if (!g.pick!.prefer!.distinct) {
        const soft = await preferenceCheck(ctx, t, c, parentKey);
        if (soft) out.push(soft);
        continue;
      }
      const from = `FROM (SELECT ${ident(parentKey.name)} AS p, ${ident(c.name)} AS v, count(*) AS k FROM ${ident(t.id)} WHERE ${ident(c.name)} IS NOT NULL GROUP BY ALL HAVING count(*) > 1)`;
      const bad = n((await one(ctx, `SELECT count(*) AS c ${from}`)).c);
      const soft = await preferenceCheck(ctx, t, c, parentKey);
      if (soft) out.push(soft);
      out.push({
        check: 'pick_distinct', category: 'structural', table: t.id, column: c.name, hard: true, specPath: docColumn(ctx, t.id, c.name)?.path,
        status: bad === 0 ? 'pass' : 'fail', expected: 0, observed: bad, tolerance: 0,
        examples: bad ? await examples(ctx, `SELECT CAST(p AS VARCHAR) || ' → ' || CAST(v AS VARCHAR) ${from} ORDER BY 1`) : [],
        message: bad === 0 ? `no ${t.rows.parent} picks the same ${g.table} row twice (${c.name})` : `${bad.toLocaleString('en-US')} (${t.rows.parent}, ${c.name}) pairs occur more than once although the pick is distinct`,
      });
    }
  }
  return out;
};

/** Unmodified, written lookups through a preference pick, the candidate table's key first (it identifies the row). */
function scoredPicks(t: TablePlan, pkOf: (table: string) => string | null) {
  const cols = t.columns.filter((c) => c.generator.kind === 'lookup' && c.generator.pick?.prefer && !c.modifiers.length && !c.hidden);
  const isKey = (c: (typeof cols)[number]): boolean => {
    const g = c.generator as Extract<typeof c.generator, { kind: 'lookup' }>;
    return g.column === pkOf(g.table);
  };
  return cols.sort((a, b) => Number(isKey(b)) - Number(isKey(a)));
}

/**
 * The soft check of one pick through `c` (a lookup of the candidate table's key): null when the model has no SQL form
 * here (no group columns, a column not written, a function without SQL), or the picked key is not looked up.
 */
async function preferenceCheck(ctx: ValidateContext, t: TablePlan, c: ColumnPlan, parentKey: ColumnPlan): Promise<CheckResult | null> {
  const g = c.generator as Extract<typeof c.generator, { kind: 'lookup' }>;
  const pick = g.pick as KeyedPick;
  const p = pick.prefer!;
  const cand = ctx.table(g.table);
  const parent = 'parent' in t.rows ? ctx.table(t.rows.parent) : undefined;
  if (!cand?.pk || g.column !== cand.pk || !parent?.pk || !p.group.length || !ctx.present.has(g.table) || !ctx.present.has(parent.id)) return null;
  const written = (tp: TablePlan, name: string) => tp.columns.some((x) => x.name === name && !x.hidden);
  if (![...p.candidate, ...(pick.weightsBy ? [pick.weightsBy] : []), ...pick.on.map((k) => k.remote)].every((x) => written(cand, x))) return null;
  if (!p.parent.every((x) => written(parent, x)) || ![...p.columns, ...pick.on.map((k) => k.local)].every((x) => written(t, x))) return null;
  const parsed = parseExpression(p.score);
  if (!parsed.ok) return null;
  const softmax = p.temperature !== null;
  const T = p.temperature ?? 1;
  const parts = splitScore(parsed.expr, softmax ? 'sum' : 'product');
  const join = (xs: ExprNode[]): ExprNode | null => (xs.length ? xs.reduce((a, b) => ({ k: 'arith', op: softmax ? '+' : '*', a, b })) : null);
  const candRef = (r: ExprRef) => (r.kind === 'table' && r.table === CANDIDATE ? `c.${ident(r.column)}` : null);
  const mixRef = (r: ExprRef) => (r.kind === 'column' ? `r.${ident(r.column)}` : r.table === CANDIDATE ? `m.${ident(`g_${r.column}`)}` : r.table === 'parent' ? `r.${ident(`p_${r.column}`)}` : null);
  const candAst = join(parts.candidate);
  const mixAst = join(parts.mixed);
  const candSql = candAst ? exprSql(candAst, parsed.expr.refs, candRef) : softmax ? '0' : '1';
  const mixSql = mixAst ? exprSql(mixAst, parsed.expr.refs, mixRef) : softmax ? '0' : '1';
  if (candSql === null || mixSql === null) return null;
  const wb = pick.weightsBy ? `c.${ident(pick.weightsBy)}` : null;
  const gCols = p.group.map((x) => ident(`g_${x}`));
  const kCols = pick.on.map((_, i) => ident(`k_${i}`));
  const candSel = [...pick.on.map((k, i) => `c.${ident(k.remote)} AS ${kCols[i]}`), ...p.group.map((x, i) => `c.${ident(x)} AS ${gCols[i]}`)];
  const lw = softmax ? `(${candSql}) / ${dbl(T)}${wb ? ` + ln(${wb})` : ''}` : `(${candSql})${wb ? ` * ${wb}` : ''}`;
  const valid = softmax ? `isfinite(lw)${wb ? ` AND ${wb} > 0` : ''}` : 'lw > 0 AND isfinite(lw)';
  const rowSel = [
    't.rowid AS rid', `t.${ident(c.name)} AS picked`, `t.${ident(parentKey.name)} AS pk`,
    ...pick.on.map((k, i) => `t.${ident(k.local)} AS ${kCols[i]}`),
    ...p.columns.map((x) => `t.${ident(x)}`),
    ...p.parent.map((x) => `pp.${ident(x)} AS ${ident(`p_${x}`)}`),
  ];
  const onJoin = kCols.map((k) => `m.${k} = r.${k}`).join(' AND ') || 'TRUE';
  const firstChild = p.distinct ? `QUALIFY row_number() OVER (PARTITION BY t.${ident(parentKey.name)} ORDER BY t.rowid) = 1` : '';
  const sql = `
    WITH cw AS (SELECT ${candSel.join(', ')}, ${lw} AS lw FROM ${ident(g.table)} c),
         cv AS (SELECT * FROM cw WHERE ${valid}),
         mass AS (SELECT ${[...kCols, ...gCols].join(', ')}, ${softmax ? '(SELECT max(lw) FROM cv) + ln(sum(exp(lw - (SELECT max(lw) FROM cv))))' : 'sum(lw)'} AS ms FROM cv GROUP BY ALL),
         base AS (SELECT ${rowSel.join(', ')} FROM ${ident(t.id)} t JOIN ${ident(parent.id)} pp ON pp.${ident(parent.pk)} = t.${ident(parentKey.name)}
                  WHERE t.${ident(c.name)} IS NOT NULL ${firstChild}),
         r AS (SELECT * FROM base USING SAMPLE reservoir(${SAMPLE_ROWS} ROWS) REPEATABLE (14)),
         pairs AS (SELECT r.rid, ${gCols.map((x) => `m.${x}`).join(', ')}, ${softmax ? `m.ms + (${mixSql}) / ${dbl(T)}` : `m.ms * greatest(coalesce((${mixSql})::DOUBLE, 0), 0)`} AS a FROM r JOIN mass m ON ${onJoin}),
         pv AS (SELECT * FROM pairs WHERE isfinite(a)${softmax ? '' : ' AND a > 0'}),
         e AS (SELECT *, ${softmax ? 'exp(a - max(a) OVER (PARTITION BY rid))' : 'a'} AS w FROM pv),
         prob AS (SELECT rid, ${gCols.join(', ')}, w / sum(w) OVER (PARTITION BY rid) AS q FROM e),
         ex AS (SELECT ${gCols.join(', ')}, sum(q) AS expected, sum(q * (1 - q)) AS var FROM prob GROUP BY ALL),
         obs AS (SELECT ${p.group.map((x, i) => `c.${ident(x)} AS ${gCols[i]}`).join(', ')}, count(*) AS observed FROM r JOIN ${ident(g.table)} c ON c.${ident(cand.pk)} = r.picked GROUP BY ALL)
    SELECT ${gCols.map((x) => `CAST(coalesce(ex.${x}, obs.${x}) AS VARCHAR)`).join(` || ' / ' || `)} AS label, coalesce(expected, 0) AS expected, coalesce(var, 0) AS var, coalesce(observed, 0) AS observed
    FROM ex FULL JOIN obs USING (${gCols.join(', ')}) ORDER BY expected DESC`;
  let rows: Record<string, unknown>[];
  try {
    rows = await ctx.db.all(sql);
  } catch {
    return null;
  }
  if (!rows.length) return null;
  let worst = { status: 'pass' as CheckStatus, z: 0, label: '' };
  const rank: Record<CheckStatus, number> = { pass: 0, warn: 1, fail: 2 };
  for (const r of rows) {
    const v = judge(n(r.observed), n(r.expected), Math.sqrt(Math.max(n(r.var), 0.25)));
    if (rank[v.status] > rank[worst.status] || (v.status === worst.status && Math.abs(v.z) > Math.abs(worst.z))) worst = { status: v.status, z: v.z, label: String(r.label) };
  }
  const shown = rows.slice(0, 50);
  return {
    check: 'pick_preference', category: 'behavioural', table: t.id, column: c.name, hard: false, specPath: docColumn(ctx, t.id, c.name)?.path,
    status: worst.status, expected: shown.map((r) => Math.round(n(r.expected) * 10) / 10), observed: shown.map((r) => n(r.observed)),
    tolerance: `${PASS_Z} standard errors √Σp(1 − p) per ${p.group.join(' / ')}`, examples: [],
    message: `${c.name}: picks per ${p.group.join(' / ')} vs the declared ${softmax ? `softmax(score / ${T})` : 'weights'}${p.distinct ? ' (first pick of each parent)' : ''} over ${Math.min(SAMPLE_ROWS, rows.reduce((a, r) => a + n(r.observed), 0)).toLocaleString('en-US')} sampled rows; the furthest, ${worst.label}, is ${Math.abs(worst.z).toFixed(1)} standard errors away`,
    chart: { kind: 'bars', title: `${t.id}.${c.name}: picks per ${p.group.join(' / ')}`, labels: shown.map((r) => String(r.label)), expected: shown.map((r) => n(r.expected)), observed: shown.map((r) => n(r.observed)) },
  };
}
