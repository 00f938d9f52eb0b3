/** The summary `datagen compare` prints: the scores by category, then what lowered them. */
import type { CompareReport } from './types.ts';

const pct = (x: number | null | undefined) => (x === null || x === undefined ? '   –  ' : `${(100 * x).toFixed(1).padStart(5)} %`);

export const CATEGORY_NAMES = {
  columnShapes: 'column shapes',
  columnPairTrends: 'column-pair trends',
  cardinality: 'cardinality shape',
  referentialIntegrity: 'referential integrity',
  timePatterns: 'time patterns',
} as const;

export function formatCompare(r: CompareReport, verbose = false): string {
  const lines: string[] = [];
  const matched = r.tables.filter((t) => t.status === 'matched');
  lines.push(`compare ${r.source} → twin ${r.twin}: ${matched.length} table${matched.length === 1 ? '' : 's'} matched in ${r.seconds.toFixed(1)} s`);
  for (const t of r.tables) {
    if (t.status === 'missing') lines.push(`  table ${t.table}: missing in the twin`);
    else if (t.status === 'extra') lines.push(`  table ${t.table}: only in the twin (not compared)`);
    else {
      const cols = t.missingColumns.length ? `; missing columns: ${t.missingColumns.join(', ')}` : '';
      lines.push(`  table ${t.table}: ${t.sourceRows!.toLocaleString('en-US')} rows → ${t.twinRows!.toLocaleString('en-US')} rows${cols}`);
    }
  }
  lines.push('');
  for (const [k, name] of Object.entries(CATEGORY_NAMES)) {
    const c = r.correlatedPairTrends;
    const extra = k === 'columnPairTrends' && c.pairs ? ` (the ${c.pairs} pair${c.pairs === 1 ? '' : 's'} correlated in the source: ${pct(c.score).trim()})` : '';
    lines.push(`  ${name.padEnd(22)} ${pct(r.categories[k as keyof typeof CATEGORY_NAMES])}${extra}`);
  }
  const privacy = r.privacy.filter((p) => p.identicalShare !== null);
  if (privacy.length) {
    const identical = privacy.reduce((a, p) => a + p.identicalRows, 0);
    const rows = privacy.reduce((a, p) => a + p.twinRows, 0);
    lines.push(`  ${'privacy'.padEnd(22)} ${pct(rows ? identical / rows : null)} of twin rows identical to a source row (not part of the score)`);
  }
  lines.push('');
  const worst = (verbose ? r.columnShapes : r.columnShapes.filter((s) => s.score !== null && s.score < 0.9)).filter((s) => s.status !== 'skipped');
  for (const s of worst) lines.push(`  shape ${s.table}.${s.column} (${s.metric === 'ks' ? '1 − KS' : '1 − TVD'}): ${pct(s.score)}${s.status === 'missing' ? ' — missing in the twin' : ''}`);
  const pairs = verbose ? r.columnPairs : r.columnPairs.filter((p) => p.score !== null && p.score < 0.9);
  for (const p of pairs) lines.push(`  pair ${p.table}.${p.columns[0]} × ${p.columns[1]} (${p.metric}): ${pct(p.score)}${p.correlatedInSource ? ' (correlated in the source)' : ''}`);
  for (const c of r.cardinality.filter((x) => verbose || (x.score ?? 1) < 0.9)) lines.push(`  cardinality ${c.table}.${c.column} → ${c.refTable}.${c.refColumn}: ${pct(c.score)}`);
  for (const c of r.integrity.filter((x) => verbose || (x.score ?? 1) < 1)) lines.push(`  integrity ${c.table}.${c.column} → ${c.refTable}.${c.refColumn}: ${pct(c.score)} of ${c.twinValues.toLocaleString('en-US')} values found`);
  for (const p of r.timePatterns) lines.push(`  time ${p.table}.${p.column}: distance hour ${p.hour === null ? '–' : p.hour.toFixed(3)}, weekday ${p.weekday?.toFixed(3) ?? '–'}, month ${p.month?.toFixed(3) ?? '–'}`);
  if (lines[lines.length - 1] !== '') lines.push('');
  const verdict = r.threshold === null ? '' : r.ok ? ` ≥ threshold ${pct(r.threshold).trim()}: pass` : ` < threshold ${pct(r.threshold).trim()}: FAIL`;
  lines.push(`overall ${pct(r.overall).trim()}${verdict}`);
  return lines.join('\n') + '\n';
}
