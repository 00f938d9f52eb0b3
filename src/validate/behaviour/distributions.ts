/**
 * Behavioural checks (distributions): children per parent against the fanout model (fanout_mean,
 * fanout_dispersion), categorical shares against choice weights (choice_weights), empirical columns against
 * their quantiles (empirical_quantiles), calendar shares of datetime columns against their patterns with the
 * grid-count correction (dow_pattern, hour_pattern, month_pattern) and rows per month against a trend on them
 * (time_trend), and numeric columns against their declared trend and seasonality (trend, seasonality).
 * Every expectation is computed from the plan the way the engine samples; tables or columns whose modifiers
 * make the expectation unknowable are skipped (see docs/validate-parts/distributions.md). The checks live in
 * distributions-*.ts (shared helpers in distributions-common.ts, -stats.ts and -time.ts).
 */
import type { CheckModule } from '../types.ts';
import { choiceWeights } from './distributions-choice.ts';
import { empiricalQuantiles } from './distributions-empirical.ts';
import { fanoutChecks } from './distributions-fanout.ts';
import { timePatterns } from './distributions-patterns.ts';
import { timeTrend } from './distributions-time-trend.ts';
import { trendAndSeasonality } from './distributions-trend.ts';

export const DISTRIBUTION_CHECKS: { name: string; run: CheckModule }[] = [
  { name: 'fanout', run: fanoutChecks },
  { name: 'choice_weights', run: choiceWeights },
  { name: 'empirical_quantiles', run: empiricalQuantiles },
  { name: 'time_patterns', run: timePatterns },
  { name: 'time_trend', run: timeTrend },
  { name: 'trend_seasonality', run: trendAndSeasonality },
];
