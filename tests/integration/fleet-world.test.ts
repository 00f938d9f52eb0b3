/**
 * examples/device_fleet_world.json: one lifetime per device, from its installation to its lifecycle's first
 * entry into "retired" (lifetime.to: {table, states}), bounds every process over the device — the support plan
 * (state machine), the firmware adoption, the weekly uptime panel, the alert journeys (attribution) and the
 * readings (a plain fact whose rate also follows the lifecycle stage). Expectations are the retirement times read
 * from the file's own lifecycle table; without the state end the same spec has rows after them (the test can fail).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/plan/compile.ts';
import { type Db, generate } from '../support/run-spec.ts';
import { corruptCopy, generateFile, notPassing, pick, validateFile } from '../support/validate.ts';

const spec = (): any => JSON.parse(readFileSync(new URL('../../examples/device_fleet_world.json', import.meta.url), 'utf8'));
const RETIRED = `r AS (SELECT device_id, min(started_at) AS te FROM device_lifecycle WHERE stage_name = 'retired' GROUP BY 1)`;
const AFTER: Record<string, string> = {
  support_plan: `SELECT count(*) FROM support_plan s JOIN r USING (device_id) WHERE s.valid_from > r.te OR s.valid_to > r.te OR (s.valid_to IS NULL AND s.state <> 'lapsed')`,
  firmware_rollout: `SELECT count(*) FROM firmware_rollout f JOIN r USING (device_id) WHERE f.event_at > r.te`,
  uptime_week: `SELECT count(*) FROM uptime_week u JOIN r USING (device_id) WHERE u.week_start > r.te`,
  alert: `SELECT count(*) FROM alert a JOIN r USING (device_id) WHERE a.sent_at > r.te OR a.converted_at > r.te`,
  reading: `SELECT count(*) FROM reading x JOIN r USING (device_id) WHERE x.read_at > r.te`,
};

describe('examples/device_fleet_world.json: the lifetime ends at the lifecycle state "retired"', () => {
  let db: Db;
  let open: Db;
  beforeAll(async () => {
    ({ db } = await generate(spec(), { chunkRows: 4096 }));
    // The same world without the state end (the device lifetime open-ended).
    const s = spec();
    s.nodes[0].lifetime = { from: 'installed_at' };
    ({ db: open } = await generate(s));
  });
  afterAll(() => {
    db?.close();
    open?.close();
  });

  it('every behaviour table over the device depends on the lifecycle and carries its end state', () => {
    const plan = compile(spec()).plan!;
    const end = { table: 'device_lifecycle', states: [3] };
    const rows = Object.fromEntries(plan.tables.map((t) => [t.id, t.rows as any]));
    expect(rows.support_plan.machine.endState).toEqual(end);
    expect(rows.firmware_rollout.adoption.endState).toEqual(end);
    expect(rows.uptime_week.grain.endState).toEqual(end);
    expect(rows.alert.attribution.endState).toEqual(end);
    expect(rows.reading.vintage.endState).toEqual(end);
    for (const id of Object.keys(AFTER)) expect(plan.tables.find((t) => t.id === id)!.dependsOn).toContain('device_lifecycle');
  });

  it('no row of any process after its device retired, and a good share of devices retire', async () => {
    expect(Number(await db.value(`WITH ${RETIRED} SELECT count(*) FROM r`))).toBeGreaterThan(1000);
    for (const [t, sql] of Object.entries(AFTER)) expect(Number(await db.value(`WITH ${RETIRED} ${sql}`)), t).toBe(0);
  });

  it('without the state end the same processes run on after retirement (what the end removes)', async () => {
    // Readings are the exception: their rate in "retired" is 0 (activity_by_state) with or without the end.
    for (const [t, sql] of Object.entries(AFTER)) if (t !== 'reading') expect(Number(await open.value(`WITH ${RETIRED} ${sql}`)), t).toBeGreaterThan(0);
  });

  it('nothing before installation: the adoption clock starts at max(launch, installation)', async () => {
    expect(Number(await db.value(`SELECT count(*) FROM firmware_rollout f JOIN device d USING (device_id) WHERE f.event_at < d.installed_at`))).toBe(0);
    expect(Number(await db.value(`SELECT count(*) FROM alert a JOIN device d USING (device_id) WHERE a.sent_at < d.installed_at`))).toBe(0);
  });
});

describe('validate on the fleet world', () => {
  it('scores every check as passed; an episode left open past retirement fails state_valid, a week after it fails the panel check', async () => {
    const file = await generateFile(spec(), { name: 'fleet-world' });
    const ok = await validateFile(spec(), file);
    expect(ok.checks.filter((c) => c.status !== 'pass'), notPassing(ok.checks)).toEqual([]);
    const moved = await corruptCopy(file, [`UPDATE support_plan SET valid_to = NULL, state = 'premium' WHERE episode_id IN (SELECT max(s.episode_id) FROM support_plan s JOIN (SELECT device_id, min(started_at) AS te FROM device_lifecycle WHERE stage_name = 'retired' GROUP BY 1) r USING (device_id) WHERE r.te < TIMESTAMP '2024-10-01' GROUP BY s.device_id ORDER BY 1 LIMIT 3)`]);
    expect(pick((await validateFile(spec(), moved)).checks, 'state_valid', 'support_plan')[0].status).toBe('fail');
    const late = await corruptCopy(file, [`UPDATE uptime_week SET week_start = TIMESTAMP '2024-12-29' WHERE uptime_id IN (SELECT max(u.uptime_id) FROM uptime_week u JOIN (SELECT device_id, min(started_at) AS te FROM device_lifecycle WHERE stage_name = 'retired' GROUP BY 1) r USING (device_id) WHERE r.te < TIMESTAMP '2024-10-01' GROUP BY u.device_id ORDER BY 1 LIMIT 5)`]);
    const panel = (await validateFile(spec(), late)).checks.filter((c) => c.table === 'uptime_week' && c.status === 'fail');
    expect(panel.map((c) => c.check)).not.toEqual([]);
  });
});
