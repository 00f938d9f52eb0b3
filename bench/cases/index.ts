/** Every bench case, in the order `npm run bench` runs them. */
import { compareCase } from './compare.ts';
import { compatEcomm, compatGov } from './compat.ts';
import { preferencePicks } from './preference-picks.ts';
import { quickstart } from './quickstart.ts';
import { referenceFact } from './reference-fact.ts';
import { saasFunnel } from './saas-funnel.ts';
import { saasSubscriptions } from './saas-subscriptions.ts';
import { scale } from './scale.ts';
import { startup } from './startup.ts';
import { studioPreview } from './studio-preview.ts';
import type { BenchCase } from './types.ts';
import { usageCosts } from './usage-costs.ts';
import { usersEvents } from './users-events.ts';
import { validateCase } from './validate.ts';
import { workers } from './workers.ts';

/** In issue 3's order: 1 reference fact, 2 users/events, 3 scale (opt-in), 4 compat, 5 workers; then quickstart; then issue 4's SaaS funnel and issue 6's SaaS subscriptions; usage costs (issue 5); validate (issue 7); start-up (issue 17); preference picks (issue 14); the studio's preview (issue 16, opt-in); compare (issue 21). */
export const CASES: BenchCase[] = [referenceFact, usersEvents, scale, compatEcomm, compatGov, workers, quickstart, saasFunnel, saasSubscriptions, usageCosts, validateCase, startup, preferencePicks, studioPreview, compareCase];

export function findCase(name: string): BenchCase | undefined {
  return CASES.find((c) => c.name === name);
}
