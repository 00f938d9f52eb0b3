/**
 * trend, seasonality: a numeric column's mean per time bucket over its overall mean (divided by the other time
 * factors) against its declared trend or seasonality, bucket by bucket and as a fitted scale of the shape.
 */
import { type ColumnPlan, type EffectPlan, INHERITED_TIME, type ModifierProgram, type TablePlan } from '../../ir/types.ts';
import { isLabelled } from '../labelled.ts';
import { ident, n, num } from '../sql.ts';
import { PASS_Z, round, zText } from '../stats.ts';
import { modifierPath } from '../structural.ts';
import type { CheckModule, CheckResult, ValidateContext } from '../types.ts';
import { judgeCurve } from './distributions-stats.ts';
import { DAY_MS, halfUnit } from './label-checks-model.ts';
import { DIM_LABELS, DIM_SQL, effectStepsSql } from './distributions-time.ts';
import { guarded, keptSql, MIN_ROWS, present } from './distributions-common.ts';

/** Fewest rows per bucket of a trend / seasonality curve. */
const MIN_BUCKET_ROWS = 10;
const YEAR_MS = 365.25 * 86_400_000;

/** A multiplier of the value that varies with a time column: its SQL factor is built per row. */
type TimeFactor =
  | { kind: 'trend'; mod: Extract<ModifierProgram, { kind: 'trend' }>; k: number }
  | { kind: 'seasonality'; mod: Extract<ModifierProgram, { kind: 'seasonality' }>; k: number }
  | { kind: 'effect'; effect: EffectPlan; timeRef: string };

interface NumericModel {
  factors: TimeFactor[];
  /** Clamps after a time factor: they bend the curve unless no value reaches them. */
  clamps: { min: number | null; max: number | null }[];
  /** Half the rounding unit of the stored values (int 0.5, decimal 0.00005, float 0). */
  halfUnit: number;
}

/**
 * Can E[value | t] be written c · Π factors(t)? The base value (a distribution with constant parameters, or a
 * choice) is drawn independently of the row's time; multiply, jitter (mean 1 / mean 0) and key-less effects
 * without a window scale or shift it by constants; add and clamp before the first time factor only change
 * the base; a segment_value factor is independent of time unless the table's times depend on the parent
 * (vintage). Labelled modifiers (outliers, anomaly, scenarios) are left to the label exclusion.
 */
function numericModel(t: TablePlan, c: ColumnPlan): NumericModel | null {
  if (!['int', 'float', 'decimal'].includes(c.type)) return null;
  const g = c.generator;
  if (g.kind === 'distribution') {
    if (g.exprs && Object.keys(g.exprs).length) return null;
    if (Object.values(g.params).some((v) => typeof v === 'string')) return null;
  } else if (g.kind !== 'choice') return null;
  const vintage = t.rows.kind === 'fanout' ? t.rows.vintage !== null : t.rows.kind === 'grain' ? t.rows.grain.vintage !== null : false;
  const factors: TimeFactor[] = [];
  const clamps: NumericModel['clamps'] = [];
  const seen = { trend: 0, seasonality: 0 };
  for (const m of c.modifiers) {
    if (isLabelled(m)) continue;
    switch (m.kind) {
      case 'trend':
        factors.push({ kind: 'trend', mod: m, k: seen.trend++ });
        break;
      case 'seasonality':
        factors.push({ kind: 'seasonality', mod: m, k: seen.seasonality++ });
        break;
      case 'effect': {
        const e = m.effect;
        if (e.on.length) return null;
        const windowed = (e.startCol || e.endCol) && e.timeRef;
        if (windowed) {
          if (e.op !== 'mul') return null;
          factors.push({ kind: 'effect', effect: e, timeRef: e.timeRef! });
        } else if (e.op === 'add' && factors.length) return null;
        break;
      }
      case 'multiply':
      case 'jitter':
        break;
      case 'add':
        if (factors.length) return null;
        break;
      case 'clamp':
        if (factors.length) clamps.push({ min: m.min, max: m.max });
        break;
      case 'segment_value':
        if (vintage) return null;
        break;
      default:
        return null;
    }
  }
  if (!factors.some((f) => f.kind !== 'effect')) return null;
  return { factors, clamps, halfUnit: halfUnit(c) };
}

function factorRef(f: TimeFactor): string {
  return f.kind === 'effect' ? f.timeRef : f.mod.timeRef;
}

/** SQL factor of one time multiplier; `ts` maps a time column to its TIMESTAMP expression, `ms` to its epoch ms. */
function factorSql(f: TimeFactor, ts: (c: string) => string, ms: (c: string) => string, effectAlias: (f: TimeFactor) => string): string {
  if (f.kind === 'effect') return effectAlias(f);
  if (f.kind === 'seasonality') return `([${f.mod.weights.map((w) => num(w)).join(', ')}]::DOUBLE[])[${DIM_SQL[f.mod.dimension](ts(f.mod.timeRef))} + 1]`;
  const m = f.mod;
  const years = `((${ms(m.timeRef)} - ${num(m.originMs)}) / ${num(YEAR_MS)})`;
  if (m.type === 'exponential') return `pow(${num(1 + m.growthRate)}, ${years})`;
  if (m.type === 'linear') return `(1 + ${num(m.growthRate)} * ${years})`;
  return `(1 + ${num(m.a)} * ln(greatest(1e-12, 1 + ${num(m.b)} * ${years})))`;
}

/** The column a time reference reads: the row's own, or (time flows down) the ancestor's it inherits (`__time__`, a column of the table's validate view). */
function timeColumn(ctx: ValidateContext, t: TablePlan, ref: string): ColumnPlan | undefined {
  if (ref === INHERITED_TIME && t.inheritedTime) {
    const src = t.inheritedTime.source;
    return ctx.table(src.table)?.columns.find((c) => c.name === src.column);
  }
  return t.columns.find((c) => c.name === ref);
}

/** Bucket of a trend curve: months over half a year or more, else weeks, days or hours. */
function trendUnit(ctx: ValidateContext, t: TablePlan, timeRef: string): 'month' | 'week' | 'day' | 'hour' {
  const g = timeColumn(ctx, t, timeRef)?.generator;
  const [a, b] = g?.kind === 'datetime' ? [g.startMs, g.endMs] : [ctx.plan.timeframe.startMs, ctx.plan.timeframe.endMs];
  const days = (b - a) / DAY_MS;
  return days >= 180 ? 'month' : days >= 42 ? 'week' : days >= 6 ? 'day' : 'hour';
}

async function curveCheck(ctx: ValidateContext, t: TablePlan, c: ColumnPlan, model: NumericModel, target: Exclude<TimeFactor, { kind: 'effect' }>): Promise<CheckResult | null> {
  const refs = [...new Set(model.factors.map(factorRef))];
  const refType = (r: string) => timeColumn(ctx, t, r)?.type;
  if (refs.some((r) => refType(r) !== 'datetime' && refType(r) !== 'date')) return null;
  const alias = new Map(refs.map((r, i) => [r, i]));
  const ts = (r: string) => `t${alias.get(r)}`;
  const ms = (r: string) => `ms${alias.get(r)}`;
  const effects = model.factors.filter((f): f is Extract<TimeFactor, { kind: 'effect' }> => f.kind === 'effect');
  const stepSql = effects.map((f) => effectStepsSql(ctx, f.effect));
  if (stepSql.some((s) => s === null)) return null;
  const effectAlias = (f: TimeFactor) => `e${effects.indexOf(f as Extract<TimeFactor, { kind: 'effect' }>)}`;
  const q = ident(c.name);
  const kept = keptSql(ctx, t, c.name);
  const unit = target.kind === 'trend' ? trendUnit(ctx, t, target.mod.timeRef) : null;
  const bucket = target.kind === 'trend' ? `date_trunc('${unit}', ${ts(target.mod.timeRef)})` : DIM_SQL[target.mod.dimension](ts(target.mod.timeRef));
  const cols = refs.map((r) => `${ident(r)}::TIMESTAMP AS ${ts(r)}, epoch_ms(${ident(r)}::TIMESTAMP)::DOUBLE AS ${ms(r)}`).join(', ');
  const ctes = [`base AS (SELECT ${q}::DOUBLE AS v, ${cols} FROM ${ident(t.id)} WHERE ${q} IS NOT NULL AND ${refs.map((r) => `${ident(r)} IS NOT NULL`).join(' AND ')} AND ${kept})`];
  let from = 'base';
  effects.forEach((f, i) => {
    ctes.push(`seg${i} AS (${stepSql[i]})`);
    ctes.push(`j${i} AS (SELECT ${from}.*, coalesce(seg${i}.v, ${num(f.effect.default)}) AS e${i} FROM ${from} ASOF LEFT JOIN seg${i} ON ${from}.${ms(f.timeRef)} >= seg${i}.p)`);
    from = `j${i}`;
  });
  const others = model.factors.filter((f) => f !== target).map((f) => factorSql(f, ts, ms, effectAlias));
  const S = others.length ? others.map((x) => `(${x})`).join(' * ') : '1.0';
  const T = factorSql(target, ts, ms, effectAlias);
  const clampCond = model.clamps.map((k) => [k.min !== null ? `v <= ${num(k.min)}` : null, k.max !== null ? `v >= ${num(k.max)}` : null].filter(Boolean).join(' OR ')).filter(Boolean).join(' OR ') || 'FALSE';
  ctes.push(`f AS (SELECT ${bucket} AS b, v / (${S}) AS y, ${T} AS tt, 1.0 / (${S}) AS inv, v FROM ${from} WHERE (${S}) <> 0)`);
  const rows = await ctx.db.all(`WITH ${ctes.join(', ')} SELECT b, grouping(b) AS overall, count(*) AS n, avg(y) AS my, stddev_samp(y) AS sd, avg(tt) AS mt, avg(inv) AS minv, count(*) FILTER (WHERE ${clampCond}) AS clamped FROM f GROUP BY GROUPING SETS ((b), ()) ORDER BY overall, b`);
  const all = rows.find((r) => n(r.overall) === 1);
  if (!all || n(all.n) < MIN_ROWS) return null;
  // A clamp after the time factors that some value reached bends the curve: not modelled.
  if (n(all.clamped) > 0) return null;
  const N = n(all.n);
  const mAll = n(all.my);
  const sdAll = n(all.sd);
  const mtAll = n(all.mt);
  if (!(Math.abs(mAll) > 0) || !(mtAll > 0)) return null;
  const buckets = rows.filter((r) => n(r.overall) === 0 && n(r.n) >= MIN_BUCKET_ROWS);
  if (buckets.length < (target.kind === 'trend' ? 3 : 2)) return null;
  const sAll = model.halfUnit * n(all.minv);
  const obs: number[] = [];
  const exp: number[] = [];
  const se: number[] = [];
  const slack: number[] = [];
  const labels: string[] = [];
  const df: number[] = [];
  for (const r of buckets) {
    const nb = n(r.n);
    df.push(nb - 1);
    const rb = n(r.my) / mAll;
    obs.push(rb);
    exp.push(n(r.mt) / mtAll);
    const sd = Number.isFinite(n(r.sd)) ? n(r.sd) : 0;
    se.push(Math.sqrt((sd * sd) / nb / (mAll * mAll) + (rb * rb * sdAll * sdAll) / N / (mAll * mAll)));
    slack.push((model.halfUnit * n(r.minv) + Math.abs(rb) * sAll) / Math.abs(mAll));
    if (target.kind === 'trend') {
      const d = r.b instanceof Date ? r.b.toISOString() : String(r.b);
      labels.push(unit === 'month' ? d.slice(0, 7) : unit === 'hour' ? d.slice(0, 13) : d.slice(0, 10));
    } else labels.push(DIM_LABELS[target.mod.dimension][n(r.b)]);
  }
  const j = judgeCurve(obs, exp, se, slack, df);
  const others2 = model.factors.filter((f) => f !== target).map((f) => (f.kind === 'trend' ? 'trend' : f.kind === 'seasonality' ? `${f.mod.dimension} seasonality` : `effect ${f.effect.table}`));
  const divided = others2.length ? ` (divided by the declared ${others2.join(', ')})` : '';
  const m = target.mod;
  const shape = target.kind === 'trend' ? `${target.mod.type} trend${target.mod.type === 'logarithmic' ? ` a ${target.mod.a}, b ${target.mod.b}` : ` ${round(target.mod.growthRate * 100, 3)} %/year`}` : `${target.mod.dimension} seasonality`;
  const worstLabel = labels[j.worstBucket] ?? '';
  return {
    check: target.kind, category: 'behavioural', table: t.id, column: c.name, hard: false,
    specPath: modifierPath(ctx, t.id, c.name, target.kind, target.k), status: j.status,
    expected: { fitted_scale: 1, ratios: Object.fromEntries(labels.map((l, i) => [l, round(exp[i])])) },
    observed: { fitted_scale: round(j.beta), ratios: Object.fromEntries(labels.map((l, i) => [l, round(obs[i])])) },
    tolerance: { worst_bucket: round(j.tolerance), fitted_scale: round(PASS_Z * j.betaSE) },
    examples: [],
    message: `mean ${c.name} per ${target.kind === 'trend' ? unit : m.kind === 'seasonality' ? m.dimension : ''} over the overall mean${divided}, ${N} rows, against the declared ${shape}: fitted ${round(j.beta, 3)} × the declared shape, worst ${worstLabel} ${round(obs[j.worstBucket] ?? NaN)} vs ${round(exp[j.worstBucket] ?? NaN)} (${zText(j.z)})`,
    chart: target.kind === 'trend'
      ? { kind: 'line', title: `${t.id}.${c.name}: mean per ${unit} / overall mean`, x: labels, expected: exp.map((x) => round(x)), observed: obs.map((x) => round(x)), xLabel: unit ?? undefined, unit: 'ratio to the mean' }
      : { kind: 'bars', title: `${t.id}.${c.name}: mean per ${target.mod.dimension} / overall mean`, labels, expected: exp.map((x) => round(x)), observed: obs.map((x) => round(x)), unit: 'ratio to the mean' },
  };
}

export const trendAndSeasonality: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const t of present(ctx)) {
    for (const c of t.columns) {
      if (!c.modifiers.some((m) => m.kind === 'trend' || m.kind === 'seasonality')) continue;
      const model = numericModel(t, c);
      if (!model) continue;
      for (const f of model.factors) {
        if (f.kind === 'effect') continue;
        await guarded(out, f.kind, t.id, c.name, async () => {
          const r = await curveCheck(ctx, t, c, model, f);
          if (r) out.push(r);
        });
      }
    }
  }
  return out;
};
