/**
 * Case 2 (issue 3): 200 k users (sequence, faker name, faker email, clamped normal age, created_at) and
 * ~1.6 M events (Poisson(8) fanout), through datagen and through a hand-written @faker-js/faker loop with a
 * DuckDB appender.
 */
import { paramsFromSpec, runUsersEventsFaker } from '../baselines/users-events-faker.ts';
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
      name: 'faker-loop',
      role: 'baseline',
      label: 'hand-written loop: @faker-js/faker (seeded once) + DuckDB appender, one append call per cell',
      run: (out, ctx) => runUsersEventsFaker(out, paramsFromSpec(readSpec(SPEC), ctx.size)),
    },
  ],
  checks: {
    users: 'SELECT count(*) FROM users',
    events: 'SELECT count(*) FROM events',
    mean_fanout: 'SELECT (SELECT count(*) FROM events) / (SELECT count(*) FROM users)',
    distinct_names_share: 'SELECT count(DISTINCT name) / count(*) FROM users',
    distinct_emails_share: 'SELECT count(DISTINCT email) / count(*) FROM users',
    mean_email_length: 'SELECT avg(length(email)) FROM users',
    mean_age: 'SELECT avg(age) FROM users',
    min_age: 'SELECT min(age) FROM users',
    max_age: 'SELECT max(age) FROM users',
    mean_ln_amount: 'SELECT avg(ln(amount)) FROM events',
    share_page_view: "SELECT avg((event_type = 'page_view')::INT) FROM events",
    fk_outside: 'SELECT count(*) FILTER (WHERE user_id NOT BETWEEN 1 AND (SELECT count(*) FROM users)) FROM events',
  },
};
