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
 *
 * Two ways to append, with the same draws in the same order (so the same data): `runUsersEventsFaker` calls the
 * appender once per cell (`appendBigInt` … `endRow`), `runUsersEventsFakerChunks` fills column arrays of 2,048
 * rows and appends each as a DuckDB data chunk (`DuckDBDataChunk.setColumns` + `appendDataChunk`), so the cost
 * of the per-cell appender calls is visible apart from the cost of drawing the values.
 */
import { faker } from '@faker-js/faker';
import { BIGINT, DOUBLE, DuckDBDataChunk, DuckDBInstance, DuckDBTimestampValue, type DuckDBValue, TIMESTAMP, VARCHAR } from '@duckdb/node-api';

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

/** The draws, in one order for both appending styles: a row of users, a count of events, a row of events. */
function draws(p: UsersEventsParams, seed: number) {
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
  return {
    user: (id: number): DuckDBValue[] => [
      BigInt(id),
      faker.person.fullName(),
      faker.internet.email(),
      BigInt(Math.min(p.age.max, Math.max(p.age.min, Math.round(p.age.mean + p.age.std * normal())))),
      randomHour(),
    ],
    eventCount: () => poisson(p.lambda),
    event: (eventId: number, userId: number): DuckDBValue[] => [
      BigInt(eventId),
      BigInt(userId),
      randomHour(),
      faker.helpers.weightedArrayElement(p.eventTypes),
      Math.exp(p.amount.mean + p.amount.sigma * normal()),
    ],
  };
}

const USERS_DDL = 'CREATE TABLE users (user_id BIGINT, name VARCHAR, email VARCHAR, age BIGINT, created_at TIMESTAMP)';
const EVENTS_DDL = 'CREATE TABLE events (event_id BIGINT, user_id BIGINT, occurred_at TIMESTAMP, event_type VARCHAR, amount DOUBLE)';

/** Write users and events into a new DuckDB file, one appender call per cell; returns the rows written. (The draws
 *  are those of `draws` above, written out inline as a user would.) */
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
    await con.run(USERS_DDL);
    await con.run(EVENTS_DDL);
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

const CHUNK_ROWS = 2048; // DuckDB's vector size: a data chunk holds at most this many rows

/** Column arrays of up to CHUNK_ROWS rows, appended as one data chunk each. */
class ChunkAppender {
  private readonly columns: DuckDBValue[][];
  constructor(private readonly appender: { appendDataChunk(c: DuckDBDataChunk): void }, private readonly types: Parameters<typeof DuckDBDataChunk.create>[0]) {
    this.columns = types.map(() => []);
  }
  add(row: DuckDBValue[]): void {
    for (let i = 0; i < row.length; i++) this.columns[i].push(row[i]);
    if (this.columns[0].length === CHUNK_ROWS) this.flush();
  }
  flush(): void {
    const n = this.columns[0].length;
    if (!n) return;
    const chunk = DuckDBDataChunk.create(this.types, n);
    chunk.setColumns(this.columns);
    this.appender.appendDataChunk(chunk);
    for (const c of this.columns) c.length = 0;
  }
}

/** The same tables with the same draws, appended as data chunks of 2,048 rows. */
export async function runUsersEventsFakerChunks(file: string, p: UsersEventsParams, seed = 42, memoryLimit = '1GB'): Promise<{ rows: number; tables: { table: string; rows: number }[] }> {
  const d = draws(p, seed);
  const instance = await DuckDBInstance.create(file, { memory_limit: memoryLimit });
  const con = await instance.connect();
  try {
    await con.run(USERS_DDL);
    await con.run(EVENTS_DDL);
    const usersAppender = await con.createAppender('users');
    const users = new ChunkAppender(usersAppender, [BIGINT, VARCHAR, VARCHAR, BIGINT, TIMESTAMP]);
    for (let id = 1; id <= p.users; id++) users.add(d.user(id));
    users.flush();
    usersAppender.closeSync();
    const eventsAppender = await con.createAppender('events');
    const events = new ChunkAppender(eventsAppender, [BIGINT, BIGINT, TIMESTAMP, VARCHAR, DOUBLE]);
    let eventId = 0;
    for (let userId = 1; userId <= p.users; userId++) {
      const n = d.eventCount();
      for (let j = 0; j < n; j++) events.add(d.event(++eventId, userId));
    }
    events.flush();
    eventsAppender.closeSync();
    await con.run('CHECKPOINT');
    return { rows: p.users + eventId, tables: [{ table: 'users', rows: p.users }, { table: 'events', rows: eventId }] };
  } finally {
    con.closeSync();
    instance.closeSync();
  }
}
