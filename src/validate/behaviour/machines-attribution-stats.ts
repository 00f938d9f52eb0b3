/**
 * Attribution statistics: attribution_conversion (conversion rate by touch count; for a conversions fact, the
 * number of conversions and their touch counts), attribution_touches (touches per journey and journeys per
 * parent) and attribution_types (touchpoint types by position: first, middle, last). Expectations come from
 * machines-attribution-model.ts: journeys per parent by exposure, and the written touch counts of journeys
 * censored at the window start or the parent's birth (their conversion follows the full count).
 */
import { n } from '../sql.ts';
import { judge, judgeCount, pct, round, worst, zText } from '../stats.ts';
import type { CheckResult, ValidateContext } from '../types.ts';
import { type Attr, attributions } from './machines-attribution.ts';
import { attributionModel, type SegmentModel } from './machines-attribution-model.ts';
import { nodePath } from '../structural.ts';

/** attribution_conversion. */
export async function attributionConversion(ctx: ValidateContext): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const x of await attributions(ctx)) {
    if (x.a.conversion && x.segUnknown) continue;
    const r = x.a.emit === 'touchpoints' ? await byTouches(ctx, x) : await conversions(ctx, x);
    if (r) out.push(r);
  }
  return out;
}

async function byTouches(ctx: ValidateContext, x: Attr): Promise<CheckResult | null> {
  const { a } = x;
  const model = await attributionModel(ctx, x);
  if (!model) return null;
  const rows = await ctx.db.all(`${x.withSql} SELECT seg, n, count(*) AS journeys, count(*) FILTER (WHERE conv) AS conv FROM (SELECT j, any_value(seg) AS seg, count(*) AS n, bool_or(cv) AS conv FROM r GROUP BY j) GROUP BY ALL ORDER BY n`);
  const byN = new Map<number, { j: number; c: number; e: number }>();
  for (const r of rows) {
    const k = n(r.n);
    const b = byN.get(k) ?? { j: 0, c: 0, e: 0 };
    // The rate at k written touches: a censored journey converts by its full count.
    const m = model.find((s) => s.seg === (r.seg === null ? null : String(r.seg)));
    const rate = m && m.journeys[k] > 0 ? m.conversions[k] / m.journeys[k] : 0;
    b.j += n(r.journeys);
    b.c += n(r.conv);
    b.e += n(r.journeys) * rate;
    byN.set(k, b);
  }
  if (!byN.size) return null;
  const pts = [...byN.entries()].sort((p, q) => p[0] - q[0]).map(([k, b]) => ({ k, ...b, jd: judgeCount(b.c, b.e, b.j) }));
  const w = pts.reduce((p, q) => (Math.abs(q.jd.z) > Math.abs(p.jd.z) ? q : p));
  const journeys = pts.reduce((s, p) => s + p.j, 0);
  // All journeys together: a change spread over every touch count shows here before it shows in one of them.
  const all = judgeCount(pts.reduce((s, p) => s + p.c, 0), pts.reduce((s, p) => s + p.e, 0), journeys);
  return {
    check: 'attribution_conversion', category: 'behavioural', table: x.t.id, column: x.time, hard: false, specPath: nodePath(ctx, x.t.id, 'attribution_chain', 'conversion_probability'),
    status: worst([all.status, ...pts.map((p) => p.jd.status)]), expected: { touches: w.k, rate: round(w.e / w.j) }, observed: { touches: w.k, rate: round(w.c / w.j), journeys: w.j, z: round(w.jd.z, 3) }, tolerance: round(w.jd.tolerance / w.j), examples: [],
    message: `conversion rate (${pct(pts.reduce((s, p) => s + p.c, 0) / journeys)} overall, ${zText(all.z)}) by touch count of ${journeys.toLocaleString('en-US')} journeys against base × multiplier_per_touch^(n − 1)${a.saturation ? ` (saturating at ${a.saturation})` : ''}${a.conversion ? ' × segment multipliers' : ''}: largest deviation at ${w.k} touches ${pct(w.c / w.j)} vs ${pct(w.e / w.j)}`,
    chart: { kind: 'line', title: `${x.t.id}: conversion rate by touches per journey`, x: pts.map((p) => p.k), expected: pts.map((p) => round(p.e / p.j)), observed: pts.map((p) => round(p.c / p.j)), xLabel: 'touches', unit: 'share' },
  };
}

async function conversions(ctx: ValidateContext, x: Attr): Promise<CheckResult | null> {
  if (x.segUnknown) return null;
  const model = await attributionModel(ctx, x);
  if (!model) return null;
  // Every conversion counts once (copies a scenario wrote share the journey id).
  const rows = await ctx.db.all(`${x.withSql} SELECT nt, count(*) AS c FROM (SELECT j, any_value(nt) AS nt FROM ra GROUP BY j) GROUP BY 1 ORDER BY 1`);
  const total = rows.reduce((s, r) => s + n(r.c), 0);
  const sum = (v: number[]) => v.reduce((p, q) => p + q, 0);
  const expTotal = model.reduce((s, m) => s + sum(m.conversions), 0);
  // Conversions = Σ over parents of Binomial(K, π): variance E[K] π (1 − π) + Var[K] π².
  const varTotal = model.reduce((s, m) => {
    const pi = m.mean > 0 ? sum(m.conversions) / m.mean : 0;
    return s + m.mean * pi * (1 - pi) + m.variance * pi * pi;
  }, 0);
  const jt = judge(total, expTotal, Math.sqrt(varTotal));
  const K = Math.max(...model.map((m) => m.conversions.length), ...rows.map((r) => n(r.nt) + 1));
  const expBy = Array.from({ length: K }, (_, k) => model.reduce((s, m) => s + (m.conversions[k] ?? 0), 0));
  const shares = expBy.map((e) => (expTotal > 0 ? e / expTotal : 0));
  const ks = expBy.map((_, k) => k).filter((k) => shares[k] > 1e-9 || rows.some((r) => n(r.nt) === k));
  const obsBy = (k: number) => n(rows.find((r) => n(r.nt) === k)?.c ?? 0);
  const pts = ks.map((k) => ({ k, obs: obsBy(k), share: shares[k], jd: judgeCount(obsBy(k), shares[k] * total, total) }));
  return {
    check: 'attribution_conversion', category: 'behavioural', table: x.t.id, column: x.time, hard: false, specPath: nodePath(ctx, x.t.id, 'attribution_chain', 'conversion_probability'),
    status: worst([jt.status, ...pts.map((p) => p.jd.status)]), expected: { conversions: Math.round(expTotal) }, observed: { conversions: total, z: round(jt.z, 3) }, tolerance: round(jt.tolerance), examples: [],
    message: `${total.toLocaleString('en-US')} conversions vs ${Math.round(expTotal).toLocaleString('en-US')} expected from journeys per ${x.parent} (× exposure) × touches per journey × the conversion curve; touch counts of conversions (inside the observation window) ${worst(pts.map((p) => p.jd.status))}`,
    chart: { kind: 'bars', title: `${x.t.id}: touch count of converting journeys (share)`, labels: pts.map((p) => String(p.k)), expected: pts.map((p) => round(p.share)), observed: pts.map((p) => round(total ? p.obs / total : 0)), unit: 'share' },
  };
}

/** attribution_touches (touchpoints): touches per journey (journeys with none have no rows) and journeys per parent. */
export async function attributionTouches(ctx: ValidateContext): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const x of await attributions(ctx)) {
    const { a } = x;
    if (a.emit !== 'touchpoints' || (a.segments && x.segUnknown)) continue;
    const model = await attributionModel(ctx, x);
    if (!model) continue;
    // Journeys with written touches, and their share of each written touch count.
    const byM = (m: SegmentModel, k: number) => m.journeys[k] ?? 0;
    const K = Math.max(...model.map((m) => m.journeys.length));
    const expBy = Array.from({ length: K }, (_, k) => (k === 0 ? 0 : model.reduce((s, m) => s + byM(m, k), 0)));
    const expJ = expBy.reduce((p, q) => p + q, 0);
    if (!(expJ > 0)) continue;
    const varJ = model.reduce((s, m) => {
      const p1 = m.mean > 0 ? (m.journeys.reduce((p, q) => p + q, 0) - byM(m, 0)) / m.mean : 0;
      return s + m.mean * p1 * (1 - p1) + m.variance * p1 * p1;
    }, 0);
    const seen = n((await ctx.db.all(`${x.withSql} SELECT count(DISTINCT j) AS c FROM ra`))[0]?.c);
    const jj = judge(seen, expJ, Math.sqrt(varJ));
    const rows = await ctx.db.all(`${x.withSql} SELECT n, count(*) AS c FROM (SELECT j, count(*) AS n FROM r GROUP BY j) GROUP BY 1 ORDER BY 1`);
    const total = rows.reduce((s, r) => s + n(r.c), 0);
    const ks = expBy.map((_, k) => k).filter((k) => k > 0 && (expBy[k] / expJ > 1e-9 || rows.some((r) => n(r.n) === k)));
    for (const r of rows) if (!ks.includes(n(r.n))) ks.push(n(r.n));
    ks.sort((p, q) => p - q);
    const pts = ks.map((k) => {
      const obs = n(rows.find((r) => n(r.n) === k)?.c ?? 0);
      const share = (expBy[k] ?? 0) / expJ;
      return { k, obs, share, jd: judgeCount(obs, share * total, total) };
    });
    out.push({
      check: 'attribution_touches', category: 'behavioural', table: x.t.id, column: fieldColumn(x), hard: false, specPath: nodePath(ctx, x.t.id, 'attribution_chain', 'touchpoints_per_conversion'),
      status: worst([jj.status, ...pts.map((p) => p.jd.status)]), expected: { journeys: Math.round(expJ) }, observed: { journeys: seen, z: round(jj.z, 3) }, tolerance: round(jj.tolerance), examples: [],
      message: `${seen.toLocaleString('en-US')} journeys with touches vs ${Math.round(expJ).toLocaleString('en-US')} expected from the fanout × exposure; touches per journey against touchpoints_per_conversion (given ≥ 1, censored at the window start and the birth) ${worst(pts.map((p) => p.jd.status))}`,
      chart: { kind: 'bars', title: `${x.t.id}: touches per journey (share of journeys)`, labels: pts.map((p) => String(p.k)), expected: pts.map((p) => round(p.share)), observed: pts.map((p) => round(total ? p.obs / total : 0)), unit: 'share' },
    });
  }
  return out;
}

function fieldColumn(x: Attr): string {
  return x.t.columns.find((c) => c.generator.kind === 'attribution' && c.generator.field === 'index')?.name ?? x.journey;
}

/** Weights of a cumulative distribution. */
function weights(cdf: number[]): number[] {
  return cdf.map((c, i) => c - (i ? cdf[i - 1] : 0));
}

/** attribution_types (touchpoints): the touchpoint type shares of first, middle and last touches against their weights. */
export async function attributionTypes(ctx: ValidateContext): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const x of await attributions(ctx)) {
    const { a } = x;
    if (a.emit !== 'touchpoints') continue;
    const rows = await ctx.db.all(`${x.withSql}, w AS (SELECT ty, k, count(*) OVER (PARTITION BY j) AS n FROM r)
      SELECT CASE WHEN k = 0 THEN 'first' WHEN k = n - 1 THEN 'last' ELSE 'middle' END AS pos, ty, count(*) AS c FROM w GROUP BY ALL`);
    // The first written touch of a censored journey is a later touch of it: a middle one, or its last when it
    // is the only one written; the expected first-position mix weighs the three by the model's journeys.
    const model = await attributionModel(ctx, x);
    if (!model) continue;
    const sum = (f: (m: SegmentModel, k: number) => number, from: number) => model.reduce((s, m) => s + m.journeys.reduce((t, _, k) => t + (k >= from ? f(m, k) : 0), 0), 0);
    const whole = sum((m, k) => m.journeys[k] - m.censored[k], 1);
    const asLast = model.reduce((s, m) => s + (m.censored[1] ?? 0), 0);
    const asMiddle = sum((m, k) => m.censored[k], 2);
    const mixFirst = (wf: number[], wm: number[], wl: number[]) => {
      const norm = (w: number[]) => {
        const t = w.reduce((p, q) => p + q, 0) || 1;
        return w.map((v) => v / t);
      };
      const [f, m, l] = [norm(wf), norm(wm), norm(wl)];
      const all = whole + asLast + asMiddle || 1;
      return f.map((_, i) => (whole * f[i] + asMiddle * m[i] + asLast * l[i]) / all);
    };
    const positions = [
      { pos: 'first', w: mixFirst(weights(a.firstCdf ?? a.cdf), weights(a.cdf), weights(a.lastCdf ?? a.cdf)) },
      { pos: 'middle', w: weights(a.cdf) },
      { pos: 'last', w: weights(a.lastCdf ?? a.cdf) },
    ].map((p) => {
      const mine = rows.filter((r) => r.pos === p.pos);
      const total = mine.reduce((s, r) => s + n(r.c), 0);
      const sum = p.w.reduce((s, v) => s + v, 0) || 1;
      const cells = a.types.map((t, i) => {
        const obs = n(mine.find((r) => r.ty === t)?.c ?? 0);
        return { t, obs, share: p.w[i] / sum, jd: judgeCount(obs, (p.w[i] / sum) * total, total) };
      });
      return { ...p, total, cells };
    }).filter((p) => p.total > 0);
    if (!positions.length) continue;
    const all = positions.flatMap((p) => p.cells.map((c) => ({ ...c, pos: p.pos, total: p.total })));
    const w = all.reduce((p, q) => (Math.abs(q.jd.z) > Math.abs(p.jd.z) ? q : p));
    out.push({
      check: 'attribution_types', category: 'behavioural', table: x.t.id, column: x.t.columns.find((c) => c.generator.kind === 'attribution' && c.generator.field === 'type')?.name, hard: false,
      specPath: nodePath(ctx, x.t.id, 'attribution_chain', 'touchpoint_weights'), status: worst(all.map((c) => c.jd.status)),
      expected: { position: w.pos, type: w.t, share: round(w.share) }, observed: { position: w.pos, type: w.t, share: round(w.obs / w.total), z: round(w.jd.z, 3) }, tolerance: round(w.jd.tolerance / w.total), examples: [],
      message: `touchpoint types of first, middle and last touches against ${a.firstCdf || a.lastCdf ? 'first/last_touch_weights and ' : ''}touchpoint_weights: largest deviation ${w.pos} ${w.t} ${pct(w.obs / w.total)} vs ${pct(w.share)}`,
      chart: { kind: 'heatmap', title: `${x.t.id}: touchpoint type shares by position`, rows: positions.map((p) => p.pos), cols: a.types,
        observed: positions.map((p) => p.cells.map((c) => round(c.obs / p.total))), expected: positions.map((p) => p.cells.map((c) => round(c.share))), unit: 'share' },
    });
  }
  return out;
}
