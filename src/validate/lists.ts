/**
 * List columns (docs/behaviours/relations.md, "Lists and vectors"): what each list generator promises, checked by SQL
 * over the file. Hard: lengths (a Dirichlet's k, a vector's length, a sample's k range), Dirichlet shares positive
 * and summing to 1, sampled values distinct and among the choices. Soft: Dirichlet component means α_j / Σα (standard
 * error √(m_j(1 − m_j) / ((Σα + 1) n))), a vector's item mean (the distribution's mean and variance), and each
 * choice's inclusion share (the exact probability of successive weighted sampling without replacement).
 */
import type { ColumnPlan, GeneratorProgram, TablePlan } from '../ir/types.ts';
import { distMean, distVariance, type DistName } from '../model/distributions.ts';
import { inclusionProbabilities } from '../model/lists.ts';
import { docColumn } from './structural.ts';
import { examples, ident, keyExpr, lit, n, num, one } from './sql.ts';
import { judge, PASS_Z } from './stats.ts';
import type { CheckModule, CheckResult, CheckStatus, ValidateContext } from './types.ts';

type Gen<K extends GeneratorProgram['kind']> = Extract<GeneratorProgram, { kind: K }>;

const WORSE: Record<CheckStatus, number> = { pass: 0, warn: 1, fail: 2 };

export const listChecks: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const t of ctx.plan.tables) {
    if (!ctx.present.has(t.id)) continue;
    for (const c of t.columns) {
      const g = c.generator;
      if (g.kind === 'dirichlet') out.push(...(await dirichletChecks(ctx, t, c, g)));
      else if (g.kind === 'vector') out.push(...(await vectorChecks(ctx, t, c, g)));
      else if (g.kind === 'sample') out.push(...(await sampleChecks(ctx, t, c, g)));
    }
  }
  return out;
};

/** A hard check that no non-null row breaks `bad` (an SQL condition over x, the list). */
async function hardRows(ctx: ValidateContext, t: TablePlan, c: ColumnPlan, check: string, bad: string, rule: string, ok: string, broken: string): Promise<CheckResult> {
  const x = ident(c.name);
  const from = `FROM ${ident(t.id)} WHERE ${x} IS NOT NULL AND (${bad.replaceAll('$x', x)})`;
  const count = n((await one(ctx, `SELECT count(*) AS c ${from}`)).c);
  return {
    check, category: 'structural', table: t.id, column: c.name, hard: true, specPath: docColumn(ctx, t.id, c.name)?.path,
    status: count === 0 ? 'pass' : 'fail', expected: 0, observed: count, tolerance: rule,
    examples: count ? await examples(ctx, `SELECT ${keyExpr(ctx, t.id)} AS k ${from} ORDER BY 1`) : [],
    message: count === 0 ? `${c.name}: ${ok}` : `${count.toLocaleString('en-US')} rows of ${c.name} ${broken}`,
  };
}

async function nonNull(ctx: ValidateContext, t: TablePlan, c: ColumnPlan): Promise<number> {
  return n((await one(ctx, `SELECT count(${ident(c.name)}) AS c FROM ${ident(t.id)}`)).c);
}

async function dirichletChecks(ctx: ValidateContext, t: TablePlan, c: ColumnPlan, g: Gen<'dirichlet'>): Promise<CheckResult[]> {
  const k = g.alpha.length;
  const out = [
    await hardRows(ctx, t, c, 'list_length', `len($x) <> ${k}`, `exactly ${k} items`, `has ${k} shares in every row`, `do not have ${k} shares`),
    await hardRows(ctx, t, c, 'dirichlet_simplex', `list_min($x) <= 0 OR list_min($x) IS NULL OR abs(list_sum($x) - 1) > 1e-9`, 'shares > 0 summing to 1 ± 1e-9', 'shares are positive and sum to 1', 'have a share ≤ 0 or do not sum to 1'),
  ];
  const rows = await nonNull(ctx, t, c);
  if (rows < 2) return out;
  const A = g.alpha.reduce((a, b) => a + b, 0);
  const x = ident(c.name);
  const got = await ctx.db.all(`SELECT j, avg(${x}[j]) AS m FROM ${ident(t.id)}, range(1, ${k + 1}) r(j) WHERE ${x} IS NOT NULL GROUP BY j ORDER BY j`);
  const observed = got.map((r) => n(r.m));
  const expected = g.alpha.map((a) => a / A);
  let worst = { status: 'pass' as CheckStatus, z: 0, j: 0, tol: 0 };
  expected.forEach((m, j) => {
    const v = judge(observed[j], m, Math.sqrt((m * (1 - m)) / ((A + 1) * rows)));
    if (WORSE[v.status] > WORSE[worst.status] || (v.status === worst.status && Math.abs(v.z) > Math.abs(worst.z))) worst = { status: v.status, z: v.z, j, tol: v.tolerance };
  });
  out.push({
    check: 'dirichlet_mean', category: 'value', table: t.id, column: c.name, hard: false, specPath: docColumn(ctx, t.id, c.name)?.path,
    status: worst.status, expected: expected.map(round6), observed: observed.map(round6), tolerance: `${PASS_Z} standard errors per share (share ${worst.j + 1}: ±${round6(worst.tol)})`,
    examples: [],
    message: `${c.name}: mean shares vs α_j / Σα over ${rows.toLocaleString('en-US')} rows; the furthest, share ${worst.j + 1}, is ${Math.abs(worst.z).toFixed(1)} standard errors away`,
    chart: k <= 50 ? { kind: 'bars', title: `${t.id}.${c.name}: mean share per component`, labels: expected.map((_, j) => String(j + 1)), expected, observed } : undefined,
  });
  return out;
}

async function vectorChecks(ctx: ValidateContext, t: TablePlan, c: ColumnPlan, g: Gen<'vector'>): Promise<CheckResult[]> {
  const out = [await hardRows(ctx, t, c, 'list_length', `len($x) <> ${g.length}`, `exactly ${g.length} items`, `has ${g.length} items in every row`, `do not have ${g.length} items`)];
  const params = g.params as Record<string, number>;
  const mean = distMean(g.dist as DistName, params);
  const variance = distVariance(g.dist as DistName, params);
  // A clamp or an int cast changes the mean: only unclamped float vectors are compared with the distribution.
  if (g.clamp[0] !== null || g.clamp[1] !== null || c.type !== 'list<float>' || !Number.isFinite(mean) || !Number.isFinite(variance)) return out;
  const r = await one(ctx, `SELECT avg(v) AS m, count(v) AS n FROM (SELECT unnest(${ident(c.name)}) AS v FROM ${ident(t.id)})`);
  const items = n(r.n);
  if (items < 2) return out;
  const v = judge(n(r.m), mean, Math.sqrt(variance / items));
  out.push({
    check: 'vector_mean', category: 'value', table: t.id, column: c.name, hard: false, specPath: docColumn(ctx, t.id, c.name)?.path,
    status: v.status, expected: round6(mean), observed: round6(n(r.m)), tolerance: round6(v.tolerance), examples: [],
    message: `${c.name}: mean of ${items.toLocaleString('en-US')} items ${round6(n(r.m))} vs ${g.dist} mean ${round6(mean)} (${Math.abs(v.z).toFixed(1)} standard errors)`,
  });
  return out;
}

async function sampleChecks(ctx: ValidateContext, t: TablePlan, c: ColumnPlan, g: Gen<'sample'>): Promise<CheckResult[]> {
  const choices = g.values.map((v) => (typeof v === 'number' ? num(v) : lit(String(v))));
  const out = [
    await hardRows(ctx, t, c, 'list_length', `len($x) < ${g.min} OR len($x) > ${g.max}`, g.min === g.max ? `exactly ${g.min} items` : `${g.min} to ${g.max} items`, `has ${g.min === g.max ? g.min : `${g.min}–${g.max}`} items in every row`, 'have a length outside the declared k'),
    await hardRows(ctx, t, c, 'sample_distinct', `len(list_distinct($x)) <> len($x) OR list_count($x) <> len($x)`, 'no value twice, no null', 'values are distinct in every row', 'repeat a value or hold a null'),
    await hardRows(ctx, t, c, 'sample_values', `NOT list_has_all([${choices.join(', ')}], $x)`, 'only the declared choices', 'holds only the declared choices', 'hold a value that is not among the choices'),
  ];
  const rows = await nonNull(ctx, t, c);
  if (rows < 2 || g.values.length > 20) return out;
  // Inclusion probability of each choice, averaged over the lengths (each equally likely).
  const expected = new Array<number>(g.values.length).fill(0);
  for (let k = g.min; k <= g.max; k++) inclusionProbabilities(g.weights, k).forEach((p, j) => (expected[j] += p / (g.max - g.min + 1)));
  const got = await ctx.db.all(`SELECT v::VARCHAR AS v, count(*) AS c FROM (SELECT unnest(${ident(c.name)}) AS v FROM ${ident(t.id)}) GROUP BY ALL`);
  const counts = new Map(got.map((r) => [String(r.v), n(r.c)]));
  const observed = g.values.map((v) => (counts.get(String(v)) ?? 0) / rows);
  let worst = { status: 'pass' as CheckStatus, z: 0, j: 0 };
  expected.forEach((p, j) => {
    const v = judge(observed[j], p, Math.sqrt((p * (1 - p)) / rows));
    if (WORSE[v.status] > WORSE[worst.status] || (v.status === worst.status && Math.abs(v.z) > Math.abs(worst.z))) worst = { status: v.status, z: v.z, j };
  });
  out.push({
    check: 'sample_inclusion', category: 'value', table: t.id, column: c.name, hard: false, specPath: docColumn(ctx, t.id, c.name)?.path,
    status: worst.status, expected: expected.map(round6), observed: observed.map(round6), tolerance: `${PASS_Z} standard errors per choice`, examples: [],
    message: `${c.name}: share of rows holding each choice vs successive weighted sampling; the furthest, ${JSON.stringify(g.values[worst.j])}, is ${Math.abs(worst.z).toFixed(1)} standard errors away`,
    chart: { kind: 'bars', title: `${t.id}.${c.name}: share of rows holding each choice`, labels: g.values.map(String), expected, observed },
  });
  return out;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
