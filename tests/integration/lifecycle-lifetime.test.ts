/**
 * A lifecycle stops at its parent's lifetime end (lifetime.to, docs/behaviours/lifetimes.md): no visit starts
 * after it, the visit running then ends there, and no event of the events fact falls after it. Expectations
 * come from the file's own end column; validate's lifecycle_order passes on the data and fails on a corruption.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/plan/compile.ts';
import { type Db, generate } from '../support/run-spec.ts';
import { corruptCopy, generateFile, notPassing, pick, validateFile } from '../support/validate.ts';

const LIFECYCLE = {
  period_unit: 'month',
  stages: [
    { stage_name: 'install', duration: { distribution: 'lognormal', params: { mean: 1.0, sigma: 0.5 }, unit: 'day' }, events_during_stage: { event_types: ['provisioned'], frequency: 14 }, exit_probability: 1, next_stages: ['active'] },
    { stage_name: 'active', duration: { distribution: 'weibull', params: { shape: 1.5, scale: 200 }, unit: 'day' }, events_during_stage: { event_types: ['heartbeat'], frequency: 20 }, exit_probability: 1, next_stages: ['degraded'] },
    { stage_name: 'degraded', events_during_stage: { event_types: ['error'], frequency: 10 } },
  ],
};

function doc(): any {
  return {
    version: '1.0', metadata: { name: 'lifecycle lifetimes' }, seed: 11, constraints: {},
    timeframe: { start: '2024-01-01T00:00:00Z', end: '2024-12-31T23:59:59Z', freq: 'H' },
    nodes: [
      { id: 'device', kind: 'entity', pk: 'device_id', rows: 2000, lifetime: { from: 'installed_at', to: 'removed_at' }, columns: [
        { name: 'device_id', type: 'int', generator: { sequence: {} } },
        { name: 'installed_at', type: 'datetime', generator: { datetime_series: { within: { start: '2024-01-01T00:00:00Z', end: '2024-03-31T23:59:59Z' }, freq: 'H' } } },
        { name: 'removed_at', type: 'datetime', null_rate: 0.4, generator: { datetime_series: { within: { start: '2024-04-01T00:00:00Z', end: '2024-12-31T23:59:59Z' }, freq: 'H' } } },
      ] },
      { id: 'device_stage', kind: 'fact', pk: 'row_id', parents: ['device'], lifecycle_model: { ...LIFECYCLE, emit: 'stages' }, columns: [
        { name: 'row_id', type: 'int', generator: { sequence: {} } },
        { name: 'device_id', type: 'int', generator: { lookup: { from: 'device.device_id' } } },
      ] },
      { id: 'device_event', kind: 'fact', pk: 'event_id', parents: ['device'], lifecycle_model: { ...LIFECYCLE, emit: 'events' }, columns: [
        { name: 'event_id', type: 'int', generator: { sequence: {} } },
        { name: 'device_id', type: 'int', generator: { lookup: { from: 'device.device_id' } } },
      ] },
    ],
  };
}

describe('lifecycle_model under a parent lifetime with an end', () => {
  let db: Db;
  beforeAll(async () => ({ db } = await generate(doc(), { chunkRows: 700 })));
  afterAll(() => db?.close());

  it('the plan names the end column on the lifecycle', () => {
    const plan = compile(doc()).plan!;
    const t = plan.tables.find((x) => x.id === 'device_stage')!;
    expect(t.rows.kind === 'lifecycle' && t.rows.lifecycle.endFrom).toBe('removed_at');
  });

  it('no visit starts after the removal, and the visit running at the removal ends exactly then', async () => {
    const cols = await db.rows(`SELECT column_name FROM information_schema.columns WHERE table_name = 'device_stage'`);
    const names = cols.map((c: any) => c.column_name);
    const start = names.find((n: string) => /start/.test(n))!;
    const end = names.find((n: string) => /end/.test(n))!;
    expect(await db.value(`SELECT count(*) FROM device_stage s JOIN device d USING (device_id) WHERE d.removed_at IS NOT NULL AND (s.${start} > d.removed_at OR s.${end} > d.removed_at OR s.${end} IS NULL)`)).toBe(0);
    // Devices removed while their lifecycle still ran: the last visit ends at the removal instant.
    const removed = Number(await db.value(`SELECT count(*) FROM device WHERE removed_at IS NOT NULL`));
    const endsAtRemoval = Number(await db.value(`SELECT count(*) FROM (SELECT device_id, max(${end}) AS last FROM device_stage GROUP BY device_id) s JOIN device d USING (device_id) WHERE s.last = d.removed_at`));
    // 'degraded' lasts for ever, so every lifecycle still runs at a removal after its start: all of them end there.
    expect(removed).toBeGreaterThan(1000);
    expect(endsAtRemoval).toBe(removed);
    // Devices never removed stay open (their last visit runs to the timeframe end).
    const open = Number(await db.value(`SELECT count(DISTINCT device_id) FROM device_stage s JOIN device d USING (device_id) WHERE d.removed_at IS NULL AND s.${end} IS NULL`));
    expect(open).toBe(Number(await db.value(`SELECT count(*) FROM device WHERE removed_at IS NULL`)));
  });

  it('no event after the removal, and the events fact agrees with the stages fact', async () => {
    const cols = await db.rows(`SELECT column_name FROM information_schema.columns WHERE table_name = 'device_event'`);
    const at = cols.map((c: any) => c.column_name).find((n: string) => /_at$/.test(n))!;
    expect(await db.value(`SELECT count(*) FROM device_event e JOIN device d USING (device_id) WHERE d.removed_at IS NOT NULL AND e.${at} > d.removed_at`)).toBe(0);
    expect(Number(await db.value(`SELECT count(*) FROM device_event`))).toBeGreaterThan(10_000);
  });
});

describe('validate: lifecycle_order knows the lifetime end', () => {
  it('passes on the data; fails when a stage runs past the removal or an event comes after it', async () => {
    const file = await generateFile(doc(), { name: 'lifecycle-lifetime' });
    const ok = await validateFile(doc(), file);
    expect(ok.checks.filter((c) => c.status !== 'pass'), notPassing(ok.checks)).toEqual([]);
    const stages = await corruptCopy(file, [`UPDATE device_stage SET ended_at = NULL WHERE row_id IN (SELECT max(row_id) FROM device_stage JOIN device USING (device_id) WHERE removed_at < TIMESTAMP '2024-10-01' GROUP BY device_id ORDER BY 1 LIMIT 3)`]);
    expect(pick((await validateFile(doc(), stages)).checks, 'lifecycle_order', 'device_stage')[0].status).toBe('fail');
    const events = await corruptCopy(file, [`UPDATE device_event SET event_at = (SELECT removed_at + INTERVAL 1 HOUR FROM device d WHERE d.device_id = device_event.device_id) WHERE event_id IN (SELECT max(event_id) FROM device_event JOIN device USING (device_id) WHERE removed_at < TIMESTAMP '2024-10-01' GROUP BY device_id ORDER BY 1 LIMIT 3)`]);
    expect(pick((await validateFile(doc(), events)).checks, 'lifecycle_order', 'device_event')[0].status).toBe('fail');
  });
});
