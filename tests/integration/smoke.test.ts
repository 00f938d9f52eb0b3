import { afterAll, describe, expect, it } from 'vitest';
import { type Db, generate, readJson, COMPAT_DIR } from '../support/run-spec.ts';

describe('simple_users_events (compat) end to end', () => {
  let db: Db;
  afterAll(() => db?.close());

  it('generates users and events with FK integrity and declared types', async () => {
    ({ db } = await generate(readJson(new URL('simple_users_events.json', COMPAT_DIR))));
    expect(await db.value('SELECT count(*) FROM "user"')).toBe(1000);
    expect(await db.value('SELECT count(*) FROM event e LEFT JOIN "user" u USING (user_id) WHERE u.user_id IS NULL')).toBe(0);
    const types = await db.rows(`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'event' ORDER BY ordinal_position`);
    expect(types.map((t) => t.data_type)).toEqual(['BIGINT', 'BIGINT', 'TIMESTAMP', 'DOUBLE']);
  });
});
