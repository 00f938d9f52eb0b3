/**
 * Attribution (attribution_chain, DSL §5.8): the columns of a touchpoints or conversions fact, the SQL they
 * share and the hard check attribution_window. A journey ends at a time on the time column's grid inside its
 * parent's lifetime [birth, end]; its touches lie in [end − window, end] and not before max(grid start, birth)
 * (earlier ones are censored: not written), sorted by time; unless `overlap`, a parent's journeys (ids in the
 * order of their ends) do not overlap; a converting journey converts at its end; a journey with 0 touches has no
 * rows and cannot convert. See docs/behaviours/attribution.md.
 */
import type { AttributionPlan, TablePlan } from '../../ir/types.ts';
import { notAddedRow } from '../labelled.ts';
import { ident, lit, num } from '../sql.ts';
import type { CheckResult, ValidateContext } from '../types.ts';
import { behaviourColumns, cleanRowKey, endByState, entityColumn, fieldColumn, hasColumns, inList, parentRows, type RulePart, ruleCheck, tsLit } from './machines-common.ts';
import { nodePath } from '../structural.ts';

const DAY = 86_400_000;

export interface Attr {
  t: TablePlan;
  a: AttributionPlan;
  parent: string;
  entity: string | null;
  journey: string;
  time: string;
  /** Segment column of the parent (journey and conversion multipliers), when it is needed and readable. */
  seg: string | null;
  /** Multipliers are declared but cannot be read (no entity column or no segment column). */
  segUnknown: boolean;
  dateOnly: boolean;
  /** The parent's lifetime columns are read (p.t0 is the birth, else the grid start; p.t1 the end, else NULL). */
  lifetime: boolean;
  /**
   * WITH clause: p (parents: e, t0, t1, seg), ra (rows but those a scenario added with keys of their own: j, e, rk, tm,
   * and k, ty, cv, ca for touchpoints or nt for conversions, seg) and r (rows of journeys no scenario touched).
   */
  withSql: string;
  /** Journeys to leave out (a scenario touched one of their rows), as SQL naming the CTE ra of withSql. */
  unclean: string;
  /** The touchpoints fact of the same journeys (same parent and model), when this is a conversions fact. */
  sibling?: Attr;
}

export async function attributions(ctx: ValidateContext): Promise<Attr[]> {
  const out: Attr[] = [];
  for (const t of ctx.plan.tables) {
    if (t.rows.kind !== 'attribution' || !ctx.present.has(t.id) || !ctx.table(t.rows.parent)?.pk) continue;
    const { attribution: a, parent } = t.rows;
    const f = (x: string) => fieldColumn(t, 'attribution', x)?.name ?? null;
    const names = a.emit === 'touchpoints' ? [f('journey'), f('time'), f('index'), f('type'), f('converted'), f('converted_at')] : [f('journey'), f('time'), f('touches')];
    if (names.some((c) => c === null) || !(await hasColumns(ctx, t.id, names))) continue;
    const entity = entityColumn(ctx, t, parent);
    const segCol = a.segments?.column ?? a.conversion?.column ?? null;
    const seg = segCol && entity && (await hasColumns(ctx, parent, [segCol])) ? segCol : null;
    const col = (x: string) => `f.${ident(f(x)!)}`;
    const E = entity ? `f.${ident(entity)}` : 'NULL';
    const key = t.pk ? `CAST(f.${ident(t.pk)} AS VARCHAR)` : 'CAST(f.rowid AS VARCHAR)';
    const fields = a.emit === 'touchpoints'
      ? `${col('index')} AS k, CAST(${col('type')} AS VARCHAR) AS ty, ${col('converted')} AS cv, ${col('converted_at')}::TIMESTAMP AS ca`
      : `${col('touches')} AS nt`;
    const ra = `SELECT ${col('journey')} AS j, ${E} AS e, ${key} AS rk, ${col('time')}::TIMESTAMP AS tm, ${fields}, p.seg, p.t0, p.t1 FROM ${ident(t.id)} f LEFT JOIN p ON p.e = ${E} WHERE ${notAddedRow(ctx, t.id, key)}`;
    const clean = cleanRowKey(ctx, t, behaviourColumns(t, 'attribution'), 'rk');
    const unclean = ctx.hasLabels ? `(SELECT j FROM ra WHERE NOT (${clean}) AND j IS NOT NULL)` : '(SELECT NULL AS j WHERE FALSE)';
    const r = `SELECT * FROM ra WHERE j NOT IN ${unclean}`;
    const time = t.columns.find((c) => c.name === f('time'))!;
    // The parent's lifetime (birth, end) as the file has it; without an entity column it cannot be tied to rows.
    const from = a.lifetimeFrom ?? null;
    const to = a.lifetimeTo ?? null;
    const lifetime = !!entity && (await hasColumns(ctx, parent, [from, to]));
    const pk = ident(ctx.table(parent)!.pk!);
    const byState = entity && a.endState ? endByState(ctx, parent, a.endState) : null;
    const ends = lifetime && to ? `(SELECT ${pk} AS e, any_value(${ident(to)})::TIMESTAMP AS t1 FROM ${ident(parent)} GROUP BY ${pk})`
      : byState ? `(SELECT e, te AS t1 FROM (${byState}))` : '(SELECT NULL AS e, NULL::TIMESTAMP AS t1 WHERE FALSE)';
    const p = `p0 AS ${parentRows(ctx, parent, lifetime ? from : null, seg, a.startMs)}, p AS (SELECT p0.e, greatest(p0.t0, ${tsLit(a.startMs)}) AS t0, pe.t1, p0.seg FROM p0 LEFT JOIN ${ends} pe ON pe.e = p0.e)`;
    out.push({
      t, a, parent, entity, journey: f('journey')!, time: time.name, seg, segUnknown: (a.segments !== null || a.conversion !== null) && !seg, dateOnly: time.type === 'date', lifetime,
      withSql: `WITH ${p}, ra AS (${ra}), r AS (${r})`, unclean,
    });
  }
  for (const x of out) {
    const stream = x.t.rows.kind === 'attribution' ? x.t.rows.stream : -1;
    if (x.a.emit === 'conversions') x.sibling = out.find((y) => y.a.emit === 'touchpoints' && y.parent === x.parent && y.t.rows.kind === 'attribution' && y.t.rows.stream === stream);
  }
  return out;
}

/** Hard bounds of a touch count: [min, max] of the fanout form (fixed: the two integers around the mean). */
function touchBounds(a: AttributionPlan): [number, number] {
  const f = a.touches;
  if (f.distribution === 'fixed') return [Math.floor(f.mean), Math.ceil(f.mean)];
  return [Math.max(1, f.min ?? 0), f.max ?? Number.MAX_SAFE_INTEGER];
}

/** attribution_window: touches inside the lookback window before their conversion, in order; journeys consistent. */
export async function attributionWindow(ctx: ValidateContext): Promise<CheckResult[]> {
  const out: CheckResult[] = [];
  for (const x of await attributions(ctx)) {
    const { a } = x;
    const start = tsLit(x.dateOnly ? Math.floor(a.startMs / DAY) * DAY : a.startMs);
    const end = tsLit(a.endMs);
    const [lo, hi] = touchBounds(a);
    // Whole days (a DATE column) may round a fractional window outwards by up to a day.
    const window = a.windowMs + (x.dateOnly ? DAY : 0);
    const parts: RulePart[] = [];
    const jex = `${lit(`${x.journey} `)} || CAST(j AS VARCHAR)`;
    if (a.emit === 'touchpoints') {
      const w = `${x.withSql}, w AS (SELECT *, lag(tm) OVER w1 AS prev_tm, row_number() OVER w1 - 1 AS rn FROM r WINDOW w1 AS (PARTITION BY j ORDER BY k, tm))`;
      parts.push({ withSql: w, from: 'w', example: `${jex} || ', touch ' || CAST(k AS VARCHAR)`, rules: [
        { what: 'touches after their conversion', bad: 'cv AND tm > ca' },
        { what: `touches earlier than the ${a.windowMs / DAY}-day attribution window before their conversion`, bad: `cv AND tm < ca - to_milliseconds(${num(Math.round(window))}::BIGINT)` },
        { what: 'touches whose converted flag and conversion time disagree', bad: 'cv IS NULL OR (cv AND ca IS NULL) OR (NOT cv AND ca IS NOT NULL)' },
        { what: 'touches whose touch_index is not their position in the journey', bad: 'k IS DISTINCT FROM rn' },
        { what: 'touches earlier than the previous touch of the journey (touches are in time order)', bad: 'tm < prev_tm' },
        { what: "touches before the time column's window start", bad: `tm < ${start}` },
        { what: "conversions outside the time column's window", bad: `ca < ${start} OR ca > ${end}` },
        { what: `touches with a type that is not declared`, bad: `ty IS NULL OR ty NOT IN ${inList(a.types)}` },
        ...(x.lifetime ? [
          { what: `touches before their ${x.parent}'s birth`, bad: 'tm < t0' },
          { what: `conversions before their ${x.parent}'s birth`, bad: x.dateOnly ? 'CAST(ca AS DATE) < CAST(t0 AS DATE)' : 'ca < t0' },
          { what: `touches or conversions after their ${x.parent}'s end`, bad: 'tm > t1 OR ca > t1' },
        ] : []),
      ] });
      // A journey may have fewer touches than the minimum only when touches before max(grid start, birth) were
      // censored: its end (the conversion, else after its last touch) lies within one window of that point.
      const jr = `(SELECT j, count(*) AS n, count(DISTINCT cv) AS ncv, count(DISTINCT ca) AS nca, count(DISTINCT e) AS ne, bool_or(cv) AS conv, epoch_ms(max(tm)) - epoch_ms(min(tm)) AS span,
        coalesce(max(ca), max(tm)) >= any_value(t0) + to_milliseconds(${num(Math.round(window))}::BIGINT) AS whole FROM r GROUP BY j) q`;
      parts.push({ withSql: x.withSql, from: jr, example: jex, rules: [
        { what: 'journeys whose touches disagree on converted or converted_at', bad: 'ncv > 1 OR nca > 1' },
        { what: 'journeys of more than one entity', bad: 'ne > 1' },
        { what: `journeys with a touch count outside [${lo}, ${hi}] (fewer only when censored at the window start or the birth)`, bad: `(n < ${num(lo)} AND whole) OR n > ${num(hi)}` },
        { what: 'journeys whose touches span more than the attribution window', bad: `span > ${num(Math.round(window))}` },
      ] });
      if (!a.overlap && x.entity) {
        // Journeys of one parent, in id order (the order of their ends), each after the previous one's last touch and conversion.
        const js = `(SELECT e, j, min(tm) AS first_tm, greatest(max(tm), coalesce(max(ca), max(tm))) AS last_tm FROM r WHERE e IS NOT NULL GROUP BY e, j)`;
        const ov = `(SELECT *, lag(last_tm) OVER (PARTITION BY e ORDER BY j) AS prev_last FROM ${js}) q`;
        parts.push({ withSql: x.withSql, from: ov, example: jex, rules: [
          { what: `journeys that begin before the previous journey of their ${x.parent} ended (overlap is false)`, bad: 'first_tm < prev_last' },
        ] });
      }
    } else {
      const jr = `(SELECT j, count(*) AS c, any_value(nt) AS nt, any_value(tm) AS tm, any_value(t0) AS t0, any_value(t1) AS t1 FROM r GROUP BY j) q`;
      const whole = `tm >= t0 + to_milliseconds(${num(Math.round(window))}::BIGINT)`;
      parts.push({ withSql: x.withSql, from: jr, example: jex, rules: [
        { what: `conversions whose ${x.journey} is repeated (a journey converts at most once)`, bad: 'c > 1' },
        { what: `conversions with a touch count outside [${lo}, ${hi}] (fewer only when touches were censored at the window start or the birth)`, bad: `nt IS NULL OR nt < 0 OR (nt < ${num(lo)} AND ${whole}) OR nt > ${num(hi)}` },
        { what: "conversions outside the time column's window", bad: `tm < ${start} OR tm > ${end}` },
        ...(x.lifetime ? [{ what: `conversions outside their ${x.parent}'s lifetime`, bad: `${x.dateOnly ? 'CAST(tm AS DATE) < CAST(t0 AS DATE)' : 'tm < t0'} OR tm > t1` }] : []),
      ] });
      if (x.sibling) parts.push(siblingPart(x, x.sibling));
    }
    out.push(await ruleCheck(ctx, { check: 'attribution_window', category: 'behavioural', table: x.t.id, column: x.time, hard: true, specPath: nodePath(ctx, x.t.id, 'attribution_chain', 'attribution_window_days') }, parts,
      a.emit === 'touchpoints' ? `every touch lies in the ${a.windowMs / DAY}-day window before its journey's conversion, in order${x.lifetime ? `, inside its ${x.parent}'s lifetime` : ''}${a.overlap ? '' : ', journeys of one parent do not overlap'}, and every journey is consistent`
        : `every conversion is one journey with ${lo}+ touches (fewer only when censored at the window start or the birth) inside the time window${x.lifetime ? ` and its ${x.parent}'s lifetime` : ''}${x.sibling ? `, as the converted journeys of ${x.sibling.t.id}` : ''}`));
  }
  return out;
}

/** Conversions against the converted journeys of the touchpoints fact of the same model (same ids, times and touch counts). */
function siblingPart(x: Attr, s: Attr): RulePart {
  // The sibling's rows as a subquery with its own WITH clause; journeys a scenario touched in either fact are left out.
  const sj = `(${s.withSql} SELECT j, count(*) AS n, any_value(ca) AS ca, bool_or(cv) AS cv, j IN ${s.unclean} AS dirty FROM ra GROUP BY j)`;
  const both = `(SELECT coalesce(c.j, t.j) AS j, c.j IS NOT NULL AS has_c, coalesce(t.cv, FALSE) AS has_t, c.nt, t.n, c.tm, t.ca
    FROM (SELECT j, any_value(nt) AS nt, any_value(tm) AS tm FROM ra WHERE j NOT IN ${x.unclean} GROUP BY j) c
    FULL JOIN ${sj} t ON c.j = t.j WHERE NOT coalesce(t.dirty, FALSE) AND coalesce(c.j, t.j) NOT IN ${x.unclean}) q`;
  return {
    withSql: x.withSql, from: both, example: `${lit(`${x.journey} `)} || CAST(j AS VARCHAR)`,
    rules: [
      { what: `conversions of journeys that do not convert in ${s.t.id}`, bad: 'has_c AND NOT has_t AND nt <> 0' },
      { what: `converted journeys of ${s.t.id} missing here`, bad: 'has_t AND NOT has_c' },
      { what: `conversions whose time or touch count differs from the journey in ${s.t.id}`, bad: `has_c AND has_t AND (nt IS DISTINCT FROM n OR ${x.dateOnly || s.dateOnly ? 'CAST(tm AS DATE) IS DISTINCT FROM CAST(ca AS DATE)' : 'tm IS DISTINCT FROM ca'})` },
    ],
  };
}
