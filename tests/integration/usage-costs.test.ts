/*
 * examples/usage_costs.json: a subscription AI platform's accounts, chats and active chat-days for 2025
 * (panel via `grain`), with negative-binomial event counts, capped lognormal unit costs and three labelled
 * scenarios. Statistics are checked on the run without scenarios, with tolerances derived from the data
 * (5 standard errors: a correct generator fails with p < 1e-6); the scenarios against it (the diff of the
 * two files is exactly the labelled cells, with the label's expected/observed values).
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { runPlan } from '../../src/run/run.ts';
import { withoutScenarios } from '../../src/scenarios/strip.ts';
import { compileOrThrow, Db, EXAMPLES_DIR, readJson } from '../support/run-spec.ts';
import { normalCdf } from '../support/stats.ts';

const doc = readJson(new URL('usage_costs.json', EXAMPLES_DIR));
const node = (id: string) => doc.nodes.find((n: any) => n.id === id);
const column = (id: string, name: string) => node(id).columns.find((c: any) => c.name === name);
const chatDay = node('chat_day');
const [dowPattern, monthPattern] = column('chat_day', 'day').generator.datetime_series.pattern;
const DOW: number[] = dowPattern.weights;
const MONTH: number[] = monthPattern.weights;
const ACTIVE: number = chatDay.grain.active_probability;
const chatSeg = node('chat').segment_behavior.behaviors;
const chatCurve = node('chat').vintage_behavior.age_based_multipliers.chat_retention.curve.params;
const PK_COLUMNS: string[] = chatDay.columns.map((c: any) => c.name);
const COUNTS = ['n_tasks', 'n_classifications', 'n_crm_calls'];
const CHAT_TYPES: string[] = column('chat', 'chat_type').generator.choice.choices;
/** Capped lognormal columns: [column, μ, σ, cap]. */
const COSTS = ['cost_dialog', 'unit_cost_task', 'unit_cost_classification', 'unit_cost_crm_call'].map((c) => {
  const d = column('chat_day', c).generator.distribution;
  return [c, d.params.mean, d.params.sigma, d.clamp[1]] as [string, number, number, number];
});
const SCENARIOS = Object.fromEntries(doc.scenarios.map((s: any) => [s.id, s]));

let dir: string;
let db: Db;
let base: Db;
/** An in-memory database with both files attached: w (with scenarios) and b (without). */
let mem: DuckDBInstance;
let both: Awaited<ReturnType<DuckDBInstance['connect']>>;
async function rows(sql: string): Promise<Record<string, any>[]> {
  const r = await both.runAndReadAll(sql);
  return (r.getRowObjectsJS() as Record<string, any>[]).map((o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v])));
}

beforeAll(async () => {
  const plan = compileOrThrow(doc);
  dir = mkdtempSync(join(tmpdir(), 'datagen-usage-costs-'));
  await runPlan(plan, { out: join(dir, 'with.duckdb') });
  await runPlan(withoutScenarios(plan), { out: join(dir, 'without.duckdb') });
  [db, base] = [await Db.open(join(dir, 'with.duckdb')), await Db.open(join(dir, 'without.duckdb'))];
  mem = await DuckDBInstance.create(':memory:');
  both = await mem.connect();
  await both.run(`ATTACH '${join(dir, 'with.duckdb')}' AS w (READ_ONLY); ATTACH '${join(dir, 'without.duckdb')}' AS b (READ_ONLY)`);
});
afterAll(() => {
  db?.close();
  base?.close();
  both?.closeSync();
  mem?.closeSync();
});

/** A SQL CASE giving the per-chat-type parameter of a count column's NB mean expression (parsed from the spec's code). */
function nbMean(col: string, type: string): number {
  const code: string = column('chat_day', col).generator.distribution.params.mean;
  const m = new RegExp(`chat_type == "${type}" \\? ([\\d.]+)`).exec(code);
  if (m) return Number(m[1]);
  return Number(/: ([\d.]+)\)*$/.exec(code)![1]); // the last else-branch
}

describe('examples/usage_costs.json', () => {
  it('compiles clean and is a year of accounts → chats → active chat-days', async () => {
    const [r] = await base.rows(`SELECT (SELECT count(*) FROM account) AS accounts, (SELECT count(*) FROM chat) AS chats, count(*) AS chat_days,
      min(day) AS lo, max(day) AS hi, count(*) - count(DISTINCT (chat_id, day)) AS dup FROM chat_day`);
    expect(r.accounts).toBe(3000);
    expect(r.chats).toBeGreaterThan(5000);
    expect(r.chat_days).toBeGreaterThan(150_000);
    expect(r.dup).toBe(0); // at most one row per chat and day
    expect(r.lo >= new Date('2025-01-01T00:00:00Z') && r.hi <= new Date('2025-12-31T00:00:00Z')).toBe(true);
  });

  it('no chat before its account adopted, no chat-day before its chat started; FKs and denormalised columns agree', async () => {
    const [r] = await base.rows(`SELECT
      (SELECT count(*) FROM chat c JOIN account a USING (account_id) WHERE c.started_at < a.adopted_at OR c.plan <> a.plan) AS bad_chats,
      (SELECT count(*) FROM chat_day d JOIN account a USING (account_id) WHERE d.day < a.adopted_at::DATE) AS before_adoption,
      (SELECT count(*) FROM chat_day d JOIN chat c USING (chat_id) WHERE d.day < c.started_at::DATE OR d.account_id <> c.account_id OR d.chat_type <> c.chat_type OR d.plan <> c.plan) AS bad_days,
      (SELECT count(*) FROM chat_day d ANTI JOIN chat c USING (chat_id)) AS orphans`);
    expect(r).toEqual({ bad_chats: 0, before_adoption: 0, bad_days: 0, orphans: 0 });
  });

  it('adoption: new adopters per month follow the month weights; plan shares; trial-only accounts fade after the trial', async () => {
    const adopted = column('account', 'adopted_at').generator.datetime_series.pattern;
    const mw: number[] = adopted.find((p: any) => p.dimension === 'month').weights;
    const dw: number[] = adopted.find((p: any) => p.dimension === 'dow').weights;
    const perMonth = new Array(12).fill(0);
    for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2026, 0, 1); t += 86400000) {
      const d = new Date(t);
      perMonth[d.getUTCMonth()] += mw[d.getUTCMonth()] * dw[(d.getUTCDay() + 6) % 7];
    }
    const total = perMonth.reduce((a, b) => a + b, 0);
    const rows = await base.rows(`SELECT month(adopted_at) - 1 AS m, count(*) / 3000 AS s FROM account GROUP BY 1`);
    for (const r of rows) {
      const p = perMonth[r.m] / total;
      expect(Math.abs(r.s - p), `month ${r.m + 1}`).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / 3000));
    }
    const plans = await base.rows(`SELECT plan, count(*) / 3000 AS s, bool_and(converted = (plan <> 'trial_only')) AS ok FROM account GROUP BY 1`);
    const w = column('account', 'plan').generator.choice;
    for (const r of plans) {
      const p = w.weights[w.choices.indexOf(r.plan)];
      expect(Math.abs(r.s - p), r.plan).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / 3000));
      expect(r.ok).toBe(true);
    }
    // trial-only accounts (did not convert) are active around their 2-week trial; converted ones stay on
    const fade = await base.rows(`SELECT a.plan = 'trial_only' AS trial, avg((d.day - a.adopted_at::DATE > 28)::INT) AS late FROM chat_day d JOIN account a USING (account_id) GROUP BY 1 ORDER BY 1`);
    expect(fade[1].late).toBeLessThan(0.25);
    expect(fade[0].late).toBeGreaterThan(0.9);
  });

  it('active chat-days: weekday and month multipliers (and tiers, chat-age retention) match the panel model exactly', async () => {
    // Every (chat, day) of the chat's lifetime with its activity probability:
    // min(1, active_probability × calendar weight (normalised to mean 1 over the year) × tier multiplier × e^(b·⌊age·decay / week⌋)).
    const tierMult = (k: string) => `CASE c.plan ${Object.entries<any>(chatSeg).map(([s, b]) => `WHEN '${s}' THEN ${b[k] ?? 1}`).join(' ')} ELSE 1 END`;
    const exposure = `WITH days AS (SELECT d::DATE AS day, ${JSON.stringify(DOW)}[isodow(d)] * ${JSON.stringify(MONTH)}[month(d)] AS w
        FROM range(TIMESTAMP '2025-01-01', TIMESTAMP '2026-01-01', INTERVAL 1 DAY) t(d)),
      exposure AS (SELECT c.chat_id, x.day, x.w / (SELECT avg(w) FROM days) AS cal,
        least(1, ${ACTIVE} * x.w / (SELECT avg(w) FROM days) * ${tierMult('fanout_multiplier')}
          * ${chatCurve.a} * exp(${chatCurve.b} * floor(greatest(0, epoch(x.day::TIMESTAMP) - epoch(c.started_at)) * ${tierMult('decay_rate')} / 604800 + 1e-9))) AS p
        FROM chat c JOIN days x ON x.day >= c.started_at::DATE)`;
    const check = async (bucket: string, n: number, weights: number[]) => {
      const r = await base.rows(`${exposure}, e AS (SELECT ${bucket}(day) AS b, sum(p) AS expected, sum(p * (1 - p)) AS var, sum(p / cal) AS flat FROM exposure GROUP BY 1),
        o AS (SELECT ${bucket}(day) AS b, count(*) AS observed FROM chat_day GROUP BY 1)
        SELECT b, observed, expected, var, flat FROM e JOIN o USING (b) ORDER BY b`);
      expect(r).toHaveLength(n);
      for (const x of r) expect(Math.abs(x.observed - x.expected), `${bucket} ${x.b}`).toBeLessThan(5 * Math.sqrt(x.var));
      // the multiplier itself: active days ÷ exposure without the calendar weight, relative to the first bucket
      const m = r.map((x) => x.observed / x.flat);
      for (let i = 1; i < n; i++) {
        const se = (m[i] / m[0]) * Math.sqrt(1 / r[i].observed + 1 / r[0].observed);
        expect(Math.abs(m[i] / m[0] - weights[i] / weights[0]), `${bucket} ${r[i].b}`).toBeLessThan(5 * se);
      }
    };
    await check('isodow', 7, DOW);
    await check('month', 12, MONTH);
    // weekend and summer dips are visible in the raw counts per calendar day
    const [dip] = await base.rows(`SELECT
      avg(n) FILTER (WHERE isodow(day) >= 6) / avg(n) FILTER (WHERE isodow(day) <= 5) AS weekend,
      avg(n) FILTER (WHERE month(day) IN (7, 8)) / avg(n) FILTER (WHERE month(day) IN (6, 9)) AS summer
      FROM (SELECT day, count(*) AS n FROM chat_day GROUP BY 1)`);
    expect(dip.weekend).toBeLessThan(0.5);
    expect(dip.summer).toBeLessThan(0.85);
  });

  it('event counts are negative binomial per chat type: mean and variance μ + μ²/k (SE from 20 batches)', async () => {
    for (const col of COUNTS) {
      const k: number = column('chat_day', col).generator.distribution.params.dispersion_k;
      for (const type of CHAT_TYPES) {
        const mu = nbMean(col, type);
        const batches = await base.rows(`SELECT chat_day_id % 20 AS b, avg(${col}) AS m, var_samp(${col}) AS v FROM chat_day WHERE chat_type = '${type}' GROUP BY 1`);
        const [all] = await base.rows(`SELECT count(*) AS n, avg(${col}) AS m, var_samp(${col}) AS v FROM chat_day WHERE chat_type = '${type}'`);
        const vs = batches.map((b) => b.v);
        const vMean = vs.reduce((a, b) => a + b, 0) / vs.length;
        const seV = Math.sqrt(vs.reduce((a, b) => a + (b - vMean) ** 2, 0) / (vs.length - 1) / vs.length);
        const V = mu + (mu * mu) / k;
        expect(Math.abs(all.m - mu), `${col} mean, ${type}`).toBeLessThan(5 * Math.sqrt(V / all.n));
        expect(Math.abs(all.v - V), `${col} variance, ${type} (k̂ = ${(all.m ** 2 / (all.v - all.m)).toFixed(3)} vs ${k})`).toBeLessThan(5 * seV);
      }
    }
  });

  it('service flags, num_services and costs are consistent: total_cost = sum of parts', async () => {
    for (const d of [base, db]) {
      const [r] = await d.rows(`SELECT
        count(*) FILTER (WHERE has_tasks <> (n_tasks > 0) OR has_classifications <> (n_classifications > 0) OR has_crm_call <> (n_crm_calls > 0)
          OR has_both <> (has_tasks AND has_classifications) OR num_services <> 1 + has_tasks::INT + has_classifications::INT + has_crm_call::INT) AS bad_flags,
        max(abs(total_cost_tasks - n_tasks * unit_cost_task) + abs(total_cost_classifications - n_classifications * unit_cost_classification)
          + abs(cost_crm_call - n_crm_calls * unit_cost_crm_call)) AS parts,
        max(abs(total_cost - (cost_dialog + total_cost_tasks + total_cost_classifications + cost_crm_call))) AS total,
        min(least(cost_dialog, unit_cost_task, unit_cost_classification, unit_cost_crm_call)) AS lo FROM chat_day`);
      expect(r.bad_flags).toBe(0);
      expect(r.parts).toBeLessThan(1e-9);
      expect(r.total).toBeLessThan(1e-9);
      expect(r.lo).toBeGreaterThan(0);
    }
  });

  it('costs: never above their cap (except cells a cost_spike label names); lognormal below the cap, with the capped share 1 − Φ(β)', async () => {
    for (const [c, mu, sigma, cap] of COSTS) {
      const [r] = await base.rows(`SELECT count(*) AS n, count(*) FILTER (WHERE ${c} > ${cap}) AS over, count(*) FILTER (WHERE ${c} = ${cap}) AS at_cap,
        avg(ln(${c})) FILTER (WHERE ${c} < ${cap}) AS m, stddev_samp(ln(${c})) FILTER (WHERE ${c} < ${cap}) AS s FROM chat_day`);
      expect(r.over, c).toBe(0);
      // ln(cost) below the cap is a normal truncated at β = (ln cap − μ)/σ
      const beta = (Math.log(cap) - mu) / sigma;
      const Phi = normalCdf(beta);
      const lambda = Math.exp(-beta * beta / 2) / Math.sqrt(2 * Math.PI) / Phi;
      const tm = mu - sigma * lambda;
      const ts = sigma * Math.sqrt(1 - beta * lambda - lambda * lambda);
      const n = r.n - r.at_cap;
      expect(Math.abs(r.m - tm), `${c} mean ln`).toBeLessThan(5 * ts / Math.sqrt(n));
      expect(Math.abs(r.s - ts), `${c} sd ln`).toBeLessThan(5 * ts / Math.sqrt(2 * n) + 0.002);
      expect(Math.abs(r.at_cap / r.n - (1 - Phi)), `${c} capped share`).toBeLessThan(5 * Math.sqrt(Phi * (1 - Phi) / r.n));
      const [w] = await db.rows(`SELECT count(*) AS n FROM chat_day d WHERE ${c} > ${cap} AND NOT EXISTS
        (SELECT 1 FROM _labels l WHERE l.kind = 'cost_spike' AND l."column" = '${c}' AND l.row_key = d.chat_day_id::VARCHAR)`);
      expect(w.n, c).toBe(0);
    }
  });
});

describe('examples/usage_costs.json: scenarios and _labels', () => {
  /** Every (row key, column, before, after) whose value differs between the two files. */
  const diffSql = () => PK_COLUMNS.map((c) => `SELECT x.chat_day_id::VARCHAR AS k, '${c}' AS c, y.${c}::DOUBLE AS before, x.${c}::DOUBLE AS after
      FROM w.chat_day x JOIN b.chat_day y USING (chat_day_id) WHERE x.${c} IS DISTINCT FROM y.${c}`).join(' UNION ALL ');

  it('the --without-scenarios diff touches exactly the labelled cells, with the labels\' expected/observed', async () => {
    await both.run(`CREATE TEMP TABLE diff AS ${diffSql()}`);
    const [n] = await rows(`SELECT count(*) AS n, (SELECT count(*) FROM w._labels WHERE level = 'cell') AS labels FROM diff`);
    expect(n.n).toBeGreaterThan(50);
    expect(n.n).toBe(n.labels); // one decision per cell here: no cell is changed by two scenarios
    expect(await rows(`SELECT * FROM diff d ANTI JOIN w._labels l ON l."table" = 'chat_day' AND l.row_key = d.k AND l."column" = d.c`)).toEqual([]);
    expect(await rows(`SELECT l.* FROM (FROM w._labels WHERE level = 'cell') l ANTI JOIN diff d ON l."table" = 'chat_day' AND l.row_key = d.k AND l."column" = d.c
      AND d.before IS NOT DISTINCT FROM l.expected AND d.after IS NOT DISTINCT FROM l.observed`)).toEqual([]);
    // the other tables are identical
    for (const t of ['account', 'chat']) {
      const [x] = await rows(`SELECT (SELECT count(*) FROM w.${t}) - (SELECT count(*) FROM b.${t}) AS dn, count(*) AS n FROM (SELECT * FROM w.${t} EXCEPT SELECT * FROM b.${t})`);
      expect(x, t).toEqual({ dn: 0, n: 0 });
    }
    expect(await base.rows(`SELECT count(*) AS n FROM _labels`)).toEqual([{ n: 0 }]);
  });

  it('each scenario: its selected accounts, inside its window, every non-zero target cell × its multiplier; costs follow', async () => {
    for (const [id, s] of Object.entries<any>(SCENARIOS)) {
      if (s.type === 'cap_violation') continue; // adds rows: next test
      const target = s.target.split('.')[1];
      const mult = s.difficulty === 'hard' ? 1 + 0.6 * (s.params.multiplier - 1) : s.params.multiplier;
      const start = s.window.start;
      const labels = await db.rows(`SELECT l.*, d.account_id, d.day FROM _labels l JOIN chat_day d ON d.chat_day_id::VARCHAR = l.row_key WHERE scenario = '${id}' AND "column" = '${target}'`);
      expect(labels.length, id).toBeGreaterThan(0);
      const accounts = [...new Set(labels.map((l) => l.entity_key))];
      expect(accounts.length, id).toBeLessThanOrEqual(s.selection.random_k);
      for (const l of labels) {
        expect(l.entity_key).toBe(String(l.account_id));
        expect(l.kind).toBe(s.type);
        expect(l.magnitude).toBeCloseTo(mult, 12);
        expect(l.day >= new Date(`${start}T00:00:00Z`) && l.day < l.end && l.start.getTime() === Date.parse(`${start}T00:00:00Z`)).toBe(true);
        expect(Math.abs(l.observed - l.expected * mult)).toBeLessThan(1e-9 * Math.max(1, l.observed));
        expect(l.delta).toBeCloseTo(l.observed - l.expected, 9);
      }
      // labels match SQL on the data: every row of those accounts in the window whose target is non-zero in the base file
      const [end] = labels.map((l) => l.end.toISOString());
      const [want] = await base.rows(`SELECT count(*) AS n, sum(${target}) AS expected FROM chat_day WHERE account_id IN (${accounts.join(', ')})
        AND day >= DATE '${start}' AND day < TIMESTAMP '${end}' AND ${target} <> 0`);
      expect(labels.length, id).toBe(want.n);
      expect(labels.reduce((a, l) => a + l.expected, 0)).toBeCloseTo(want.expected, 6);
      // total_cost follows: a label on every labelled row whose cost changed (a unit-cost spike on a day without tasks changes no cost)
      const [tc] = await rows(`SELECT count(*) AS n, sum(l.delta) AS delta, sum(x.total_cost - y.total_cost) AS diff
        FROM w._labels l JOIN w.chat_day x ON x.chat_day_id::VARCHAR = l.row_key JOIN b.chat_day y USING (chat_day_id)
        WHERE l.scenario = '${id}' AND l."column" = 'total_cost'`);
      const [changed] = await rows(`SELECT count(*) AS n FROM w._labels l JOIN b.chat_day y ON y.chat_day_id::VARCHAR = l.row_key
        WHERE l.scenario = '${id}' AND l."column" = '${target}' AND ${target === 'unit_cost_task' ? 'y.n_tasks > 0' : 'true'}`);
      expect(tc.n, id).toBe(changed.n);
      expect(tc.n, id).toBeGreaterThan(0);
      expect(tc.delta).toBeGreaterThan(0);
      expect(tc.delta).toBeCloseTo(tc.diff, 9);
    }
  });

  it('cap_violation: the chosen accounts exceed the cap of active chats on every day of the window they are active; the added rows are the labelled ones', async () => {
    const s = SCENARIOS.concurrency_cap;
    const groups = await db.rows(`SELECT entity_key, "start", any_value(expected) AS expected, any_value(observed) AS observed, count(*) AS added
      FROM _labels WHERE scenario = 'concurrency_cap' GROUP BY ALL ORDER BY ALL`);
    const accounts = new Set(groups.map((g) => g.entity_key));
    expect(accounts.size).toBe(s.selection.random_k); // chosen among the accounts active in the window
    const count = async (d: Db, a: string, day: Date) => (await d.rows(`SELECT count(*) AS n FROM chat_day WHERE account_id = ${a} AND day = DATE '${day.toISOString().slice(0, 10)}'`))[0].n;
    for (const g of groups) {
      expect(await count(base, g.entity_key, g.start)).toBe(g.expected);
      expect(await count(db, g.entity_key, g.start)).toBe(g.observed);
      expect(g.observed).toBe(Math.max(g.expected, s.params.cap) + s.params.exceed_by);
      expect(g.added).toBe(g.observed - g.expected);
    }
    // every active day of those accounts in the window is over the cap
    const [active] = await base.rows(`SELECT count(DISTINCT (account_id, day)) AS n FROM chat_day WHERE account_id IN (${[...accounts].join(', ')})
      AND day >= DATE '${s.window.start}' AND day < DATE '${s.window.start}' + INTERVAL 7 DAY`);
    expect(groups.length).toBe(active.n);
    // the rows the file without scenarios lacks are exactly the labelled ones
    const extra = await rows(`SELECT chat_day_id::VARCHAR AS k FROM (SELECT chat_day_id, chat_id, account_id, day FROM w.chat_day EXCEPT ALL SELECT chat_day_id, chat_id, account_id, day FROM b.chat_day) ORDER BY 1`);
    expect(extra).toEqual(await rows(`SELECT row_key AS k FROM w._labels WHERE level = 'row' ORDER BY 1`));
  });

  it('datagen labels exports the ground truth (JSON Lines, one object per label)', async () => {
    const out = { write: () => undefined };
    expect(await main(['labels', 'with.duckdb', '-o', 'labels.jsonl'], { stdout: out, stderr: out, isTTY: false, cwd: dir })).toBe(0);
    const [r] = await db.rows(`SELECT count(*) AS n, count(DISTINCT scenario) AS s, sum(delta) AS d FROM read_json_auto('${join(dir, 'labels.jsonl')}')`);
    const [m] = await db.rows(`SELECT count(*) AS n, sum(delta) AS d FROM _labels`);
    expect(r.n).toBe(m.n);
    expect(r.s).toBe(Object.keys(SCENARIOS).length + doc.anomaly_campaigns[0].count); // hand-written scenarios and campaign events
    expect(r.d).toBeCloseTo(m.d, 6);
  });

  it('_label_events: one row per scenario and campaign event; the campaign\'s events change one account each', async () => {
    const ev = await db.rows(`SELECT event_id, campaign, n_entities, cells, family FROM _label_events ORDER BY event_id`);
    expect(ev.map((e) => e.event_id)).toEqual([...Object.keys(SCENARIOS), ...Array.from({ length: 6 }, (_, i) => `cost_watch_0${i + 1}`)].sort());
    for (const e of ev.filter((x) => x.campaign === 'cost_watch')) {
      expect(e.n_entities, e.event_id).toBe(1);
      expect(e.cells, e.event_id).toBeGreaterThan(0);
      expect(['cost_spike', 'drop']).toContain(e.family);
    }
  });

  it('the README queries run', async () => {
    const daily = await db.rows(`SELECT account_id, day, count(*) AS active_chats, round(sum(total_cost), 4) AS cost
      FROM chat_day GROUP BY ALL ORDER BY cost DESC LIMIT 5`);
    expect(daily).toHaveLength(5);
    const byScenario = await db.rows(`SELECT scenario, kind, level, "column", count(*) AS cells, count(DISTINCT entity_key) AS accounts, round(sum(delta), 4) AS extra
      FROM _labels GROUP BY ALL ORDER BY 1, 4`);
    expect(byScenario.length).toBeGreaterThanOrEqual(7);
    const over = await db.rows(`SELECT account_id, day, count(*) AS active_chats FROM chat_day GROUP BY ALL HAVING count(*) > 5 ORDER BY ALL`);
    expect(over.length).toBeGreaterThanOrEqual(3);
  });
});
