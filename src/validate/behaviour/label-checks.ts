/**
 * Behavioural checks (labels): the ground truth in `_labels` is consistent with the data and with what the
 * spec's anomalies promise (docs/anomalies.md). See docs/validate.md (Label checks).
 *
 * - `labels_present` (hard): `_labels` exists; every label is about a known table, column, scenario and
 *   level; a file generated `--without-scenarios` has no scenario label; each scenario / labelled modifier that
 *   is certain to change some value has labels.
 * - `labels_match_data` (hard): every label names a row that exists and whose cell holds `observed` (≠
 *   `expected`); the change recomputed in SQL from the label's clean value and the spec (× multiplier, × factor,
 *   the impossible count, null, ×(1+m) of an outlier, the anomaly windows' product); duplicates written
 *   `observed` times as identical rows; cap_violation groups with max(rows, cap) + exceed_by rows; a rate
 *   scenario's daily ratios and a mix shift's daily totals as SQL computes them.
 * - `labels_rows`: label counts against the selection — random_k exactly k entities (hard), share and
 *   outlier rates within binomial tails (soft).
 * - `labels_windows` (hard): no label outside its decision's window, and no unlabelled row inside it that the
 *   decision is certain to have changed.
 *
 * - `label_events` (hard): `_label_events` has one event per scenario, agreeing with the plan and with `_labels`
 *   (label-checks-events.ts).
 *
 * The checks live in label-checks-present.ts, -match.ts, -rows.ts and -windows.ts; what each decision may touch in
 * label-checks-scope.ts, shared helpers in label-checks-common.ts and the decisions themselves in label-checks-model.ts.
 */
import type { CheckModule } from '../types.ts';
import { labelsMatchData } from './label-checks-match.ts';
import { labelsPresent } from './label-checks-present.ts';
import { labelsRows } from './label-checks-rows.ts';
import { labelsWindows } from './label-checks-windows.ts';
import { labelEvents } from './label-checks-events.ts';

export const LABEL_CHECKS: { name: string; run: CheckModule }[] = [
  { name: 'labels_present', run: labelsPresent },
  { name: 'labels_match_data', run: labelsMatchData },
  { name: 'labels_rows', run: labelsRows },
  { name: 'labels_windows', run: labelsWindows },
  { name: 'label_events', run: labelEvents },
];
