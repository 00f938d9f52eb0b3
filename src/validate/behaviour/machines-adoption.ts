/**
 * Adoption (adoption_model, DSL §5.6): adoption_once (hard), adoption_curve, adoption_engagement and, for a
 * Bass curve, adoption_groups. Each parent row adopts at most once, at an inverse-CDF draw of the declared
 * curve (diffusion groups: the monotone cubic through the milestones; Bass: the closed form × the market
 * share), then engages as a Poisson process at its tier's events_per_week × the segment's fanout multiplier
 * until the window end. The expected curve is the declared curve itself, as src/model/adoption.ts's AdoptionCurve computes
 * it (shared; pinned to mpmath and scipy values in tests/unit/model/adoption-curve.test.ts).
 */
import { AdoptionCurve } from '../../model/adoption.ts';
import type { AdoptionPlan, TablePlan } from '../../ir/types.ts';
import { notAddedRow } from '../labelled.ts';
import { ident, lit, n, num } from '../sql.ts';
import { judgeCount, pct, round, worst } from '../stats.ts';
import type { CheckResult, ValidateContext } from '../types.ts';
import { behaviourColumns, cleanEntity, cleanRowKey, entityColumn, fieldColumn, hasColumns, inList, parentRows, type Rule, type RulePart, ruleCheck, segMultiplier, tsLit } from './machines-common.ts';
import { nodePath } from '../structural.ts';

const DAY = 86_400_000;
const WEEK = 7 * DAY;

interface Adopt {
  t: TablePlan;
  a: AdoptionPlan;
  parent: string;
  entity: string | null;
  time: string;
  dateOnly: boolean;
  seg: string | null;
  /** The parents have lifetimes: each row's clock starts at c0 = max(launch, birth) and stops at min(window end, end). */
  life: boolean;
  /**
   * WITH clause: p (parents), ra (every row but those a scenario added with a key of their own: e, rk, ty, tm, g,
   * tr, seg) and r (the rows of clean entities, or clean rows without an entity column).
   */
  withSql: string;
}

async function adoptions(ctx: ValidateContext): Promise<Adopt[]> {
  const out: Adopt[] = [];
  for (const t of ctx.plan.tables) {
    if (t.rows.kind !== 'adoption' || !ctx.present.has(t.id) || !ctx.table(t.rows.parent)?.pk) continue;
    const { adoption: a, parent } = t.rows;
    const f = (x: string) => fieldColumn(t, 'adoption', x);
    const [type, time, group, tier] = [f('type'), f('time'), f('group'), f('tier')];
    if (!type || !time || !group) continue;
    const entity = entityColumn(ctx, t, parent);
    if (!(await hasColumns(ctx, t.id, [type.name, time.name, group.name, tier?.name ?? null, entity]))) continue;
    const seg = a.segments && (await hasColumns(ctx, parent, [a.segments.column])) ? a.segments.column : null;
    const E = entity ? `f.${ident(entity)}` : 'NULL';
    const cols = behaviourColumns(t, 'adoption');
    const key = t.pk ? `CAST(f.${ident(t.pk)} AS VARCHAR)` : 'CAST(f.rowid AS VARCHAR)';
    const clean = entity ? cleanEntity(ctx, t, entity, cols, 'e') : cleanRowKey(ctx, t, cols, 'rk');
    const tr = tier ? `CAST(f.${ident(tier.name)} AS VARCHAR)` : 'NULL::VARCHAR';
    // c0: the row's own clock start, max(launch, the parent's birth); stop: min(window end, the parent's end).
    const ra = `SELECT ${E} AS e, ${key} AS rk, CAST(f.${ident(type.name)} AS VARCHAR) AS ty, f.${ident(time.name)}::TIMESTAMP AS tm, CAST(f.${ident(group.name)} AS VARCHAR) AS g, ${tr} AS tr, p.seg, p.c0, p.stop
      FROM ${ident(t.id)} f LEFT JOIN p ON p.e = ${E} WHERE ${notAddedRow(ctx, t.id, key)}`;
    const life = !!(a.birth || a.end);
    if (life && !entity) continue; // a row's clock needs its parent
    const pr = `(SELECT e, seg, t0, t1, greatest(t0, ${tsLit(a.launchMs)}) AS c0, least(coalesce(t1, ${tsLit(a.endMs)}), ${tsLit(a.endMs)}) AS stop FROM ${parentRows(ctx, parent, a.birth ?? null, seg, a.launchMs, a.end ?? null, a.endState)})`;
    out.push({ t, a, parent, entity, time: time.name, dateOnly: time.type === 'date', seg, life, withSql: `WITH p AS ${pr}, ra AS (${ra}), r AS (SELECT * FROM ra WHERE ${clean})` });
  }
  return out;
}

function groupNames(a: AdoptionPlan): string[] {
  return a.curve.kind === 'bass' ? ['innovator', 'imitator'] : a.curve.groups.map((g) => g.name);
}

/** SQL condition on an adoption time `tm` with group `g`: outside the group's window between milestones. */
function outsideGroup(x: Adopt): string {
  const { a } = x;
  if (a.curve.kind !== 'groups') return 'FALSE';
  const slack = 1000 + (x.dateOnly ? DAY : 0);
  let prev = 0;
  const since = x.life ? 'epoch_ms(tm) - epoch_ms(c0)' : `epoch_ms(tm) - ${num(a.launchMs)}`;
  const cases = a.curve.groups.map((g) => {
    const lo = prev * DAY - slack;
    const hi = g.days * DAY + 1000;
    prev = g.days;
    return `WHEN ${lit(g.name)} THEN ${since} NOT BETWEEN ${num(Math.round(lo))} AND ${num(Math.round(hi))}`;
  });
  return `CASE g ${cases.join(' ')} ELSE FALSE END`;
}

/** adoption_once: one adoption per entity, first in time, inside the launch window and its group's milestones. */
export async function adoptionOnce(ctx: ValidateContext): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const x of await adoptions(ctx)) {
    const { a } = x;
    const end = tsLit(a.endMs);
    const launch = tsLit(x.dateOnly ? Math.floor(a.launchMs / DAY) * DAY : a.launchMs - 1000);
    const zero = a.tiers.filter((t) => !(t.perWeek > 0)).map((t) => t.name);
    const rowRules: Rule[] = [
      { what: `rows whose event type is neither adoption nor engagement`, bad: `ty IS NULL OR ty NOT IN ('adoption', 'engagement')` },
      { what: `rows with a diffusion group that is not declared (${groupNames(a).join(', ')})`, bad: `g IS NULL OR g NOT IN ${inList(groupNames(a))}` },
      { what: 'rows with an engagement tier that is not declared', bad: `tr IS NOT NULL AND tr NOT IN ${inList(a.tiers.map((t) => t.name))}` },
      { what: 'adoptions before the launch or after the window end', bad: `ty = 'adoption' AND (tm < ${launch} OR tm > ${end})` },
      { what: 'events after the window end', bad: `tm > ${end}` },
      ...(x.life ? [
        { what: "adoptions before the row's birth (its clock starts at max(launch, birth))", bad: `ty = 'adoption' AND tm < ${x.dateOnly ? "date_trunc('day', c0)" : 'c0 - INTERVAL 1 SECOND'}` },
        { what: "events after the end of the row's lifetime", bad: 'tm > stop' },
      ] : []),
      { what: "adoptions outside their diffusion group's milestones (members of a group adopt between the previous milestone and theirs)", bad: `ty = 'adoption' AND ${outsideGroup(x)}` },
    ];
    const parts: RulePart[] = [{ withSql: x.withSql, from: 'r', example: `${lit(`${x.t.pk ?? 'row'} `)} || rk`, rules: rowRules }];
    if (x.entity) {
      const ent = `(SELECT e, count(*) FILTER (WHERE ty = 'adoption') AS na, min(tm) FILTER (WHERE ty = 'adoption') AS adopted, min(tm) AS first,
          count(DISTINCT g) AS ng, count(DISTINCT coalesce(tr, chr(31))) AS nt, any_value(tr) AS tr, count(*) FILTER (WHERE ty = 'engagement') AS ne FROM r GROUP BY e) q`;
      parts.push({ withSql: x.withSql, from: ent, example: `${lit(`${x.entity} `)} || CAST(e AS VARCHAR)`, rules: [
        { what: 'entities without exactly one adoption row (each adopts at most once; a row that never adopts has no rows)', bad: 'na <> 1' },
        { what: 'entities with an engagement before their adoption', bad: 'first < adopted' },
        { what: "entities whose diffusion group or engagement tier differs between their rows", bad: 'ng > 1 OR nt > 1' },
        { what: 'adopters without an engaging tier that have engagement events', bad: `ne > 0 AND (tr IS NULL OR tr IN ${inList(zero)})` },
      ] });
    }
    out.push(await ruleCheck(ctx, { check: 'adoption_once', category: 'behavioural', table: x.t.id, column: x.time, hard: true, specPath: nodePath(ctx, x.t.id, 'adoption_model') }, parts,
      `${x.entity ? 'every entity adopts at most once, before its engagement events, ' : 'every adoption is '}inside the launch window${a.curve.kind === 'groups' ? " and its group's milestones" : ''}`));
  }
  return out;
}

/** Checkpoints (epoch ms) of the cumulative curve: milestones and midpoints between them, or 10 even steps (Bass); midnights for dates. */
function checkpoints(x: Adopt): number[] {
  const { a } = x;
  const raw: number[] = [];
  if (a.curve.kind === 'groups') {
    let prev = 0;
    for (const g of a.curve.groups) {
      raw.push(a.launchMs + ((prev + g.days) / 2) * DAY, a.launchMs + g.days * DAY);
      prev = g.days;
    }
    raw.push(a.endMs);
  } else for (let i = 1; i <= 10; i++) raw.push(a.launchMs + ((a.endMs - a.launchMs) * i) / 10);
  const snapped = raw.map((t) => (x.dateOnly ? Math.ceil(t / DAY) * DAY : Math.round(t))).filter((t) => t > a.launchMs && t <= a.endMs + (x.dateOnly ? 0 : 1));
  return [...new Set(snapped)].sort((p, q) => p - q);
}

/** adoption_curve: the share of the population adopted by each checkpoint against the declared curve (binomial). */
export async function adoptionCurve(ctx: ValidateContext): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const x of await adoptions(ctx)) {
    const { a } = x;
    const cps = checkpoints(x);
    if (!cps.length) continue;
    const pop = n((await ctx.db.all(`${x.withSql} SELECT count(*) AS c FROM p`))[0]?.c);
    if (!(pop > 0)) continue;
    const curve = new AdoptionCurve(a.curve, pop, ctx.plan.scale);
    let pts: { day: number; exp: number; obs: number; j: ReturnType<typeof judgeCount> }[];
    if (x.life) {
      // Each row's clock starts at c0 = max(launch, birth): the share adopted d days into it, over the rows whose
      // clock reaches d before the window (or their lifetime) ends — the others are censored at d.
      if (x.dateOnly) continue;
      const ds = cps.map((c) => c - a.launchMs);
      const cols = ds.map((d, i) => `count(*) FILTER (WHERE epoch_ms(p.c0) + ${num(d)} <= epoch_ms(p.stop)) AS n${i}, count(*) FILTER (WHERE epoch_ms(p.c0) + ${num(d)} <= epoch_ms(p.stop) AND epoch_ms(ad.tm) < epoch_ms(p.c0) + ${num(d)}) AS c${i}`).join(', ');
      const row = (await ctx.db.all(`${x.withSql}, ad AS (SELECT e, min(tm) AS tm FROM ra WHERE ty = 'adoption' GROUP BY e) SELECT ${cols} FROM p LEFT JOIN ad USING (e)`))[0] ?? {};
      pts = ds.map((d, i) => {
        const at = n(row[`n${i}`]);
        const exp = curve.cdf(d / DAY);
        const obs = n(row[`c${i}`]);
        return { day: round(d / DAY, 4), exp, obs: at > 0 ? obs / at : NaN, at, j: judgeCount(obs, exp * at, at) };
      }).filter((q) => q.at >= 20);
      if (!pts.length) continue;
    } else {
      // Adopters: distinct entities (or keys) with an adoption row, whatever a scenario did to their other rows.
      const who = x.entity ? 'e' : 'rk';
      const cols = cps.map((c, i) => `count(DISTINCT ${who}) FILTER (WHERE tm < ${tsLit(c)}) AS c${i}`).join(', ');
      const row = (await ctx.db.all(`${x.withSql} SELECT ${cols} FROM ra WHERE ty = 'adoption'`))[0] ?? {};
      pts = cps.map((c, i) => {
        const exp = curve.cdf((c - a.launchMs) / DAY);
        const obs = n(row[`c${i}`]);
        return { day: round((c - a.launchMs) / DAY, 4), exp, obs: obs / pop, j: judgeCount(obs, exp * pop, pop) };
      });
    }
    const w = pts.reduce((p, q) => (Math.abs(q.j.z) > Math.abs(p.j.z) ? q : p));
    out.push({
      check: 'adoption_curve', category: 'behavioural', table: x.t.id, column: x.time, hard: false, specPath: nodePath(ctx, x.t.id, 'adoption_model', a.curve.kind === 'bass' ? 'bass' : 'innovation_diffusion'),
      status: worst(pts.map((p) => p.j.status)), expected: { day: w.day, share: round(w.exp) }, observed: { day: w.day, share: round(w.obs), z: round(w.j.z, 3) }, tolerance: round(w.j.tolerance / pop), examples: [],
      message: `cumulative adoption of ${pop.toLocaleString('en-US')} ${x.parent} rows at ${pts.length} checkpoints against the declared ${a.curve.kind === 'bass' ? 'Bass curve' : 'diffusion milestones'}: largest deviation day ${w.day} ${pct(w.obs)} vs ${pct(w.exp)}`,
      chart: { kind: 'line', title: `${x.t.id}: cumulative share adopted`, x: pts.map((p) => p.day), expected: pts.map((p) => round(p.exp)), observed: pts.map((p) => round(p.obs)), xLabel: x.life ? "days since the row's clock start (max(launch, birth))" : 'days since launch', unit: 'share' },
    });
  }
  return out;
}

/** adoption_engagement: adopters' tier shares, and engagement events per week of exposure by tier (× segment multipliers). */
export async function adoptionEngagement(ctx: ValidateContext): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const x of await adoptions(ctx)) {
    const { a } = x;
    if (!x.entity || !a.tiers.length || (a.segments && !x.seg)) continue;
    const rows = await ctx.db.all(`${x.withSql}, q AS (SELECT e, any_value(seg) AS seg, any_value(tr) AS tr, min(tm) FILTER (WHERE ty = 'adoption') AS adopted, count(*) FILTER (WHERE ty = 'engagement') AS ne, any_value(epoch_ms(stop)) AS stop FROM r GROUP BY e)
      SELECT seg, tr, count(*) AS adopters, sum(ne) AS events, sum(${x.life ? `coalesce(stop, ${num(a.endMs)})` : num(a.endMs)} - epoch_ms(adopted)) AS ms FROM q WHERE adopted IS NOT NULL GROUP BY ALL`);
    const adopters = rows.reduce((s, r) => s + n(r.adopters), 0);
    if (!adopters) continue;
    const rest = Math.max(0, 1 - a.tiers.reduce((s, t) => s + t.share, 0));
    const shares = [...a.tiers.map((t) => ({ name: t.name as string | null, share: t.share })), ...(rest > 1e-9 ? [{ name: null, share: rest }] : [])];
    const shareJ = shares.map((s) => judgeCount(rows.filter((r) => (r.tr ?? null) === s.name).reduce((t, r) => t + n(r.adopters), 0), s.share * adopters, adopters));
    const rates = a.tiers.filter((t) => t.perWeek > 0).map((t) => {
      const mine = rows.filter((r) => r.tr === t.name);
      const events = mine.reduce((s, r) => s + n(r.events), 0);
      const weeks = mine.reduce((s, r) => s + n(r.ms) / WEEK, 0);
      const exp = mine.reduce((s, r) => s + (n(r.ms) / WEEK) * t.perWeek * segMultiplier(a.segments, r.seg), 0);
      return { t, events, weeks, exp, j: judgeCount(events, exp) };
    }).filter((r) => r.weeks > 0);
    const w = rates.length ? rates.reduce((p, q) => (Math.abs(q.j.z) > Math.abs(p.j.z) ? q : p)) : null;
    out.push({
      check: 'adoption_engagement', category: 'behavioural', table: x.t.id, column: fieldColumn(x.t, 'adoption', 'tier')?.name, hard: false, specPath: nodePath(ctx, x.t.id, 'adoption_model', 'engagement_frequency'),
      status: worst([...shareJ.map((j) => j.status), ...rates.map((r) => r.j.status)]),
      expected: w ? { tier: w.t.name, events: round(w.exp) } : shares.map((s) => round(s.share)), observed: w ? { tier: w.t.name, events: w.events, z: round(w.j.z, 3) } : null,
      tolerance: w ? round(w.j.tolerance) : null, examples: [],
      message: `tier shares of ${adopters.toLocaleString('en-US')} adopters and engagement events per week by tier${a.segments ? ' (× segment fanout multipliers)' : ''}${w ? `: largest deviation ${w.t.name} ${w.events.toLocaleString('en-US')} events vs ${Math.round(w.exp).toLocaleString('en-US')} expected` : ''}`,
      chart: { kind: 'bars', title: `${x.t.id}: engagement events per adopter-week by tier`, labels: rates.map((r) => r.t.name), expected: rates.map((r) => round(r.exp / r.weeks)), observed: rates.map((r) => round(r.events / r.weeks)), unit: 'events per week' },
    });
  }
  return out;
}

/** adoption_groups (Bass): the share of innovators among adopters over time, p / (p + q·F(t)) at each adoption. */
export async function adoptionGroups(ctx: ValidateContext): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const x of await adoptions(ctx)) {
    const { a } = x;
    if (a.curve.kind !== 'bass') continue;
    const c = a.curve;
    const width = Math.min(DAY, c.unitMs);
    const rows = await ctx.db.all(`${x.withSql} SELECT floor((epoch_ms(tm) - ${x.life ? 'epoch_ms(c0)' : num(a.launchMs)}) / ${num(width)}) AS b, count(*) AS n, count(*) FILTER (WHERE g = 'innovator') AS inn FROM r WHERE ty = 'adoption'${x.life ? ' AND c0 IS NOT NULL' : ''} GROUP BY 1 ORDER BY 1`);
    const total = rows.reduce((s, r) => s + n(r.n), 0);
    if (total < 20) continue;
    const pop = n((await ctx.db.all(`${x.withSql} SELECT count(*) AS c FROM p`))[0]?.c);
    const curve = new AdoptionCurve(c, pop, ctx.plan.scale);
    const pi = (days: number) => c.p / (c.p + (c.q * curve.cdf(days)) / curve.share);
    const groups: { n: number; inn: number; exp: number; day: number }[] = [];
    let g = { n: 0, inn: 0, exp: 0, day: 0 };
    for (const r of rows) {
      const mid = ((n(r.b) + 0.5) * width) / DAY;
      g.n += n(r.n);
      g.inn += n(r.inn);
      g.exp += n(r.n) * pi(Math.max(0, mid));
      g.day = mid;
      if (g.n >= total / 8) {
        groups.push(g);
        g = { n: 0, inn: 0, exp: 0, day: 0 };
      }
    }
    if (g.n) groups.push(g);
    const judged = groups.map((q) => ({ ...q, j: judgeCount(q.inn, q.exp, q.n) }));
    const w = judged.reduce((p, q) => (Math.abs(q.j.z) > Math.abs(p.j.z) ? q : p));
    out.push({
      check: 'adoption_groups', category: 'behavioural', table: x.t.id, column: fieldColumn(x.t, 'adoption', 'group')?.name, hard: false, specPath: nodePath(ctx, x.t.id, 'adoption_model', 'bass'),
      status: worst(judged.map((q) => q.j.status)), expected: { until_day: round(w.day, 4), innovators: round(w.exp / w.n) }, observed: { until_day: round(w.day, 4), innovators: round(w.inn / w.n), z: round(w.j.z, 3) },
      tolerance: round(w.j.tolerance / w.n), examples: [],
      message: `innovator share of ${total.toLocaleString('en-US')} adopters over time against p / (p + q·F(t)): largest deviation up to day ${round(w.day, 4)} ${pct(w.inn / w.n)} vs ${pct(w.exp / w.n)}`,
      chart: { kind: 'line', title: `${x.t.id}: share of innovators among adopters`, x: judged.map((q) => round(q.day, 4)), expected: judged.map((q) => round(q.exp / q.n)), observed: judged.map((q) => round(q.inn / q.n)), xLabel: 'days since launch (end of group)', unit: 'share' },
    });
  }
  return out;
}
