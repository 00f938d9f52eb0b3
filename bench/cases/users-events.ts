/**
 * Case 2 (issue 3): 200 k users (sequence, faker name, faker email, clamped normal age, created_at) and
 * ~1.6 M events (Poisson(8) fanout), through datagen and through a hand-written @faker-js/faker loop with a
 * DuckDB appender. The ratio (datagen ÷ faker-loop) mixes three effects; the extra variants show each apart:
 * `workers-1` (datagen on one thread: what the output thread adds), `faker-chunks` (the same loop and draws as
 * faker-loop, appended as data chunks instead of one appender call per cell: what the appending style costs).
 */
import { paramsFromSpec, runUsersEventsFaker, runUsersEventsFakerChunks } from '../baselines/users-events-faker.ts';
import { readSpec, runSpec } from './datagen.ts';
import type { BenchCase } from './types.ts';

const SPEC = new URL('../specs/users-events.json', import.meta.url);

export const usersEvents: BenchCase = {
  name: 'users-events',
  title: 'users/events',
  targetRatio: 6.0,
  variants: [
    {
      name: 'datagen',
      role: 'datagen',
      label: 'bench/specs/users-events.json through compile + runPlan',
      run: (out, ctx) => runSpec(readSpec(SPEC), ctx.size, out),
    },
    {
      name: 'workers-1',
      role: 'extra',
      label: 'the same with --workers 1 (generation and appends on the main thread)',
      run: (out, ctx) => runSpec(readSpec(SPEC), ctx.size, out, { workers: 1 }),
    },
    {
      name: 'faker-loop',
      role: 'baseline',
      label: 'hand-written loop: @faker-js/faker (seeded once) + DuckDB appender, one append call per cell',
      run: (out, ctx) => runUsersEventsFaker(out, paramsFromSpec(readSpec(SPEC), ctx.size)),
    },
    {
      name: 'faker-chunks',
      role: 'extra',
      label: 'faker-loop with the same draws, appended as DuckDB data chunks of 2,048 rows (setColumns + appendDataChunk)',
      run: (out, ctx) => runUsersEventsFakerChunks(out, paramsFromSpec(readSpec(SPEC), ctx.size)),
    },
  ],
  checks: {
    users: { sql: 'SELECT count(*) FROM users', same: 'exact' },
    events: { sql: 'SELECT count(*) FROM events', same: { rel: 0.01 } },
    mean_fanout: { sql: 'SELECT (SELECT count(*) FROM events) / (SELECT count(*) FROM users)', same: { abs: 0.1 } },
    distinct_names_share: { sql: 'SELECT count(DISTINCT name) / count(*) FROM users', same: { abs: 0.05 } },
    distinct_emails_share: { sql: 'SELECT count(DISTINCT email) / count(*) FROM users', same: { abs: 0.05 } },
    mean_email_length: { sql: 'SELECT avg(length(email)) FROM users', same: { abs: 1 } },
    mean_age: { sql: 'SELECT avg(age) FROM users', same: { abs: 0.3 } },
    min_age: { sql: 'SELECT min(age) FROM users', same: 'exact' },
    max_age: { sql: 'SELECT max(age) FROM users', same: 'show' },
    mean_ln_amount: { sql: 'SELECT avg(ln(amount)) FROM events', same: { abs: 0.02 } },
    share_page_view: { sql: "SELECT avg((event_type = 'page_view')::INT) FROM events", same: { abs: 0.01 } },
    // events anywhere in the window, independent of the user's created_at (the spec's users have lifetime false)
    share_before_created: { sql: 'SELECT avg((e.occurred_at < u.created_at)::INT) FROM events e JOIN users u USING (user_id)', same: { abs: 0.02 } },
    first_day: { sql: "SELECT min(occurred_at)::DATE - DATE '2025-01-01' FROM events", same: 'exact' },
    last_day: { sql: "SELECT max(occurred_at)::DATE - DATE '2025-01-01' FROM events", same: 'exact' },
    // the same for the two faker variants (same draws), for datagen's two variants (same output)
    events_checksum: { sql: 'SELECT sum((hash(event_id, user_id, occurred_at, event_type::VARCHAR, amount) % 1000003)::DOUBLE) FROM events', same: 'show' },
    fk_outside: { sql: 'SELECT count(*) FILTER (WHERE user_id NOT BETWEEN 1 AND (SELECT count(*) FROM users)) FROM events', same: 'exact' },
  },
};
