import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, EXAMPLES_DIR, generate, readJson } from '../support/run-spec.ts';
import { normalCdf } from '../support/stats.ts';

/* Lifecycles (lifecycle_model, DSL §5.5) on examples/device_fleet.json — the contracts of issue 6. */

const END = "TIMESTAMP '2025-06-30 23:59:59'";

/** Kolmogorov–Smirnov statistic of a sample against a CDF; at α = 0.01 the asymptotic critical value is 1.628/√n. */
function ks(sample: number[], cdf: (x: number) => number): number {
  const xs = [...sample].sort((a, b) => a - b);
  const n = xs.length;
  let d = 0;
  xs.forEach((x, i) => {
    const f = cdf(x);
    d = Math.max(d, Math.abs(f - i / n), Math.abs((i + 1) / n - f));
  });
  return d;
}

describe('examples/device_fleet.json (lifecycle_model)', () => {
  const spec = readJson(new URL('device_fleet.json', EXAMPLES_DIR));
  let db: Db;
  beforeAll(async () => ({ db } = await generate(spec)));
  afterAll(() => db?.close());

  it('every event lies inside the interval of the stage it names', async () => {
    expect(await db.value('SELECT count(*) FROM device_event')).toBeGreaterThan(100_000);
    const outside = await db.value(`
      SELECT count(*) FROM device_event e LEFT JOIN device_stage s USING (device_id, stage_index)
      WHERE s.device_id IS NULL OR e.stage_name <> s.stage_name OR e.event_at < s.started_at OR e.event_at >= coalesce(s.ended_at, ${END})`);
    expect(outside).toBe(0);
    // Event types belong to their stage.
    expect(await db.value(`SELECT count(*) FROM device_event WHERE (stage_name = 'install' AND event_type NOT IN ('provisioned', 'config_push')) OR (stage_name = 'active' AND event_type NOT IN ('heartbeat', 'usage_report'))`)).toBe(0);
  });

  it('stage intervals tile each lifecycle: the first starts at installation, each starts where the previous ended', async () => {
    expect(await db.value(`SELECT count(*) FROM device_stage s JOIN device d USING (device_id) WHERE s.stage_index = 0 AND (s.started_at <> d.installed_at OR s.stage_name <> 'install')`)).toBe(0);
    expect(await db.value(`SELECT count(*) FROM (SELECT ended_at, lead(started_at) OVER (PARTITION BY device_id ORDER BY stage_index) AS nxt FROM device_stage) WHERE nxt IS NOT NULL AND nxt IS DISTINCT FROM ended_at`)).toBe(0);
  });

  it('stage durations follow their distributions (KS, p > 0.01, n ≥ 5 k)', async () => {
    const install = (await db.rows(`SELECT (epoch(ended_at) - epoch(started_at)) / 86400 AS d FROM device_stage WHERE stage_name = 'install'`)).map((r) => r.d);
    expect(install.length).toBeGreaterThanOrEqual(5000);
    expect(ks(install, (x) => normalCdf((Math.log(x) - 1) / 0.5))).toBeLessThan(1.628 / Math.sqrt(install.length));
    // Degraded stages that started ≥ 300 days before the end are never censored (P(X > 300 d) = e^-15).
    const degraded = (await db.rows(`SELECT (epoch(ended_at) - epoch(started_at)) / 86400 AS d FROM device_stage WHERE stage_name = 'degraded' AND started_at < ${END} - INTERVAL 300 DAY`)).map((r) => r.d);
    expect(degraded.length).toBeGreaterThanOrEqual(5000);
    expect(ks(degraded, (x) => 1 - Math.exp(-0.05 * x))).toBeLessThan(1.628 / Math.sqrt(degraded.length));
    // And a wrong distribution is rejected by the same test (the check has power).
    expect(ks(degraded, (x) => 1 - Math.exp(-0.045 * x))).toBeGreaterThan(1.628 / Math.sqrt(degraded.length));
  });

  it('exit shares match: install → active 95%; degraded → active 40%, retired 40%, end 20% (±5 SE)', async () => {
    const rows = await db.rows(`
      SELECT s, t FROM (SELECT stage_name AS s, coalesce(lead(stage_name) OVER (PARTITION BY device_id ORDER BY stage_index), 'end') AS t, started_at, ended_at FROM device_stage)
      WHERE ended_at IS NOT NULL AND started_at < ${END} - INTERVAL 300 DAY`);
    const share = (s: string, t: string) => {
      const from = rows.filter((r) => r.s === s);
      return { p: from.filter((r) => r.t === t).length / from.length, n: from.length };
    };
    for (const [s, t, want] of [['install', 'active', 0.95], ['install', 'end', 0.05], ['degraded', 'active', 0.4], ['degraded', 'retired', 0.4], ['degraded', 'end', 0.2]] as const) {
      const { p, n } = share(s, t);
      expect(Math.abs(p - want), `${s} → ${t}`).toBeLessThan(5 * Math.sqrt((want * (1 - want)) / n));
    }
  });

  it('events happen at the stage rate: 1 per day in the high-frequency active stage (±3%)', async () => {
    const r = (await db.rows(`
      SELECT (SELECT count(*) FROM device_event WHERE stage_name = 'active') AS events,
             (SELECT sum(epoch(coalesce(ended_at, ${END})) - epoch(started_at)) / 86400 FROM device_stage WHERE stage_name = 'active') AS days`))[0];
    expect(Math.abs(r.events / r.days - 1)).toBeLessThan(0.03);
  });

  it('is identical for any chunk size', async () => {
    const small = await generate(spec, { chunkRows: 50, scale: 0.1 });
    const base = await generate(spec, { scale: 0.1 });
    try {
      for (const t of ['device_stage', 'device_event']) expect(await small.db.checksum(t), t).toBe(await base.db.checksum(t));
    } finally {
      small.db.close();
      base.db.close();
    }
  });
});
