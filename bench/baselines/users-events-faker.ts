/**
 * Baseline for the users/events case: the code a JS user writes by hand to get the tables of
 * bench/specs/users-events.json without datagen — @faker-js/faker seeded once, a loop per row, and a
 * DuckDB appender (`appendBigInt` / `appendVarchar` / … then `endRow`). Same tables, same column types
 * except `event_type` (VARCHAR here; datagen stores an ENUM), same distributions:
 *
 *   users:  user_id sequence, faker.person.fullName(), faker.internet.email(), age ~ round(Normal(36, 11))
 *           clamped to [18, 90], created_at a uniform hour of the timeframe;
 *   events: Poisson(λ) events per user (Knuth's product-of-uniforms), event_id sequence, user_id, occurred_at a
 *           uniform hour, event_type by faker.helpers.weightedArrayElement, amount ~ LogNormal(3.2, 0.9).
 *
 * The parameters are read from the spec so the two sides stay equal.
 */
import { faker } from '@faker-js/faker';
import { DuckDBInstance, DuckDBTimestampValue } from '@duckdb/node-api';

const HOUR_MS = 3_600_000;

export interface UsersEventsParams {
  users: number;
  lambda: number;
  startMs: number;
  hours: number;
  age: { mean: number; std: number; min: number; max: number };
  eventTypes: { value: string; weight: number }[];
  amount: { mean: number; sigma: number };
}

export function paramsFromSpec(doc: any, scale: number): UsersEventsParams {
  const users = doc.nodes.find((n: any) => n.id === 'users');
  const events = doc.nodes.find((n: any) => n.id === 'events');
  const age = users.columns.find((c: any) => c.name === 'age').generator.distribution;
  const type = events.columns.find((c: any) => c.name === 'event_type').generator.choice;
  const amount = events.columns.find((c: any) => c.name === 'amount').generator.distribution.params;
  const startMs = Date.parse(doc.timeframe.start);
  const endMs = Date.parse(doc.timeframe.end);
  return {
    users: Math.round(users.rows * scale),
    lambda: events.fanout.lambda,
    startMs,
    hours: Math.floor((endMs - startMs) / HOUR_MS) + 1,
    age: { mean: age.params.mean, std: age.params.std, min: age.clamp[0], max: age.clamp[1] },
    eventTypes: type.choices.map((value: string, i: number) => ({ value, weight: type.weights[i] })),
    amount: { mean: amount.mean, sigma: amount.sigma },
  };
}

/** Write users and events into a new DuckDB file; returns the rows written. */
export async function runUsersEventsFaker(file: string, p: UsersEventsParams, seed = 42, memoryLimit = '1GB'): Promise<{ rows: number; tables: { table: string; rows: number }[] }> {
  faker.seed(seed);
  const uniform = () => faker.number.float();
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const poisson = (lambda: number) => {
    const l = Math.exp(-lambda);
    let k = 0;
    let prod = uniform();
    while (prod > l) {
      k++;
      prod *= uniform();
    }
    return k;
  };
  const randomHour = () => new DuckDBTimestampValue(BigInt(p.startMs + faker.number.int({ min: 0, max: p.hours - 1 }) * HOUR_MS) * 1000n);

  const instance = await DuckDBInstance.create(file, { memory_limit: memoryLimit });
  const con = await instance.connect();
  try {
    await con.run('CREATE TABLE users (user_id BIGINT, name VARCHAR, email VARCHAR, age BIGINT, created_at TIMESTAMP)');
    await con.run('CREATE TABLE events (event_id BIGINT, user_id BIGINT, occurred_at TIMESTAMP, event_type VARCHAR, amount DOUBLE)');
    const users = await con.createAppender('users');
    for (let id = 1; id <= p.users; id++) {
      users.appendBigInt(BigInt(id));
      users.appendVarchar(faker.person.fullName());
      users.appendVarchar(faker.internet.email());
      users.appendBigInt(BigInt(Math.min(p.age.max, Math.max(p.age.min, Math.round(p.age.mean + p.age.std * normal())))));
      users.appendTimestamp(randomHour());
      users.endRow();
    }
    users.closeSync();
    const events = await con.createAppender('events');
    let eventId = 0;
    for (let userId = 1; userId <= p.users; userId++) {
      const n = poisson(p.lambda);
      for (let j = 0; j < n; j++) {
        events.appendBigInt(BigInt(++eventId));
        events.appendBigInt(BigInt(userId));
        events.appendTimestamp(randomHour());
        events.appendVarchar(faker.helpers.weightedArrayElement(p.eventTypes));
        events.appendDouble(Math.exp(p.amount.mean + p.amount.sigma * normal()));
        events.endRow();
      }
    }
    events.closeSync();
    await con.run('CHECKPOINT');
    const tables = [{ table: 'users', rows: p.users }, { table: 'events', rows: eventId }];
    return { rows: p.users + eventId, tables };
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}
