/**
 * expression_draw (soft; docs/authoring.md#randomness-in-expressions): a column whose expression is just one keyed
 * draw with literal arguments — `rand()`, `bernoulli(p)`, `normal(mu, sd)` — against its distribution: the share
 * of true for bernoulli (binomial SE), the mean for rand (uniform: SE √(1/12n)) and normal (SE sd/√n) and, for
 * normal, the standard deviation (SE sd/√(2(n−1))). Columns with modifiers or a null_rate are not judged.
 */
import { ident, n } from '../sql.ts';
import { judge, round, worst, zText } from '../stats.ts';
import { nodePath } from '../structural.ts';
import type { CheckModule, CheckResult } from '../types.ts';

const NUM = '\\s*(-?\\d+(?:\\.\\d+)?(?:e-?\\d+)?)\\s*';
const BERNOULLI = new RegExp(`^\\s*bernoulli\\(${NUM}\\)\\s*$`);
const NORMAL = new RegExp(`^\\s*normal\\(${NUM},${NUM}\\)\\s*$`);
const RAND = /^\s*rand\(\s*\)\s*$/;

const draws: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const t of ctx.plan.tables) {
    if (!ctx.present.has(t.id) || t.addRows?.length) continue;
    for (const [ci, c] of t.columns.entries()) {
      const g = c.generator;
      if (g.kind !== 'expression' || !g.rand || c.modifiers.length || c.nullRate > 0) continue;
      const b = BERNOULLI.exec(g.code);
      const nm = NORMAL.exec(g.code);
      if (!b && !nm && !RAND.test(g.code)) continue;
      if (nm && (c.type === 'int' || c.type === 'decimal')) continue; // rounded: the moments shift
      const q = ident(c.name);
      const r = (await ctx.db.all(`SELECT count(${q}) AS n, avg(${q}::DOUBLE) AS m, stddev_samp(${q}::DOUBLE) AS s FROM ${ident(t.id)}`))[0];
      const rows = n(r.n);
      if (rows < 100) continue;
      const mean = n(r.m);
      const sd = n(r.s);
      const specPath = nodePath(ctx, t.id, 'columns', String(ctx.doc?.nodes?.find((x: { id?: string }) => x?.id === t.id)?.columns?.findIndex((x: { name?: string }) => x?.name === c.name) ?? ci), 'generator', 'expression', 'code');
      const base = { check: 'expression_draw', category: 'behavioural' as const, table: t.id, column: c.name, hard: false, specPath, examples: [] };
      if (b) {
        const p = Math.min(1, Math.max(0, Number(b[1])));
        const j = judge(mean, p, Math.sqrt((p * (1 - p)) / rows));
        out.push({ ...base, status: j.status, expected: p, observed: round(mean), tolerance: round(j.tolerance), message: `share true of ${t.id}.${c.name} = ${g.code} is ${round(mean)} over ${rows} rows (${zText(j.z)})` });
      } else if (nm) {
        const mu = Number(nm[1]);
        const s = Number(nm[2]);
        const jm = judge(mean, mu, s / Math.sqrt(rows));
        const js = judge(sd, s, s / Math.sqrt(2 * (rows - 1)));
        out.push({ ...base, status: worst([jm.status, js.status]), expected: { mean: mu, sd: s }, observed: { mean: round(mean), sd: round(sd) }, tolerance: { mean: round(jm.tolerance), sd: round(js.tolerance) }, message: `${t.id}.${c.name} = ${g.code}: mean ${round(mean)} (${zText(jm.z)}), sd ${round(sd)} (${zText(js.z)}) over ${rows} rows` });
      } else {
        const j = judge(mean, 0.5, Math.sqrt(1 / 12 / rows));
        out.push({ ...base, status: j.status, expected: 0.5, observed: round(mean), tolerance: round(j.tolerance), message: `mean of ${t.id}.${c.name} = rand() is ${round(mean)} over ${rows} rows (${zText(j.z)})` });
      }
    }
  }
  return out;
};

export const DRAW_CHECKS: { name: string; run: CheckModule }[] = [{ name: 'expression_draw', run: draws }];
