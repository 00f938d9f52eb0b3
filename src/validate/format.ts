/** The text summary `datagen validate` prints: problems first, then the score per category and the verdict. */
import { CATEGORIES, type CheckResult, type ValidationReport } from './types.ts';

const MARK = { pass: 'ok  ', warn: 'WARN', fail: 'FAIL' } as const;

function where(c: CheckResult): string {
  return c.column ? `${c.table}.${c.column}` : c.table;
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s === undefined ? '' : s.length > 80 ? `${s.slice(0, 77)}…` : s;
}

/** `verbose` lists passing checks too. */
export function formatReport(r: ValidationReport, verbose = false): string {
  const lines: string[] = [];
  const listed = r.checks.filter((c) => verbose || c.status !== 'pass');
  for (const c of listed) {
    lines.push(`${MARK[c.status]} ${c.check.padEnd(22)} ${where(c)}: ${c.message}`);
    if (c.status !== 'pass') {
      lines.push(`       expected ${show(c.expected)}, observed ${show(c.observed)}${c.tolerance !== null && c.tolerance !== undefined ? `, tolerance ${show(c.tolerance)}` : ''}${c.hard ? '' : ' (soft)'}`);
      if (c.examples.length) lines.push(`       e.g. ${c.examples.map((e) => show(e)).join(', ')}`);
      if (c.specPath) lines.push(`       spec ${c.specPath}`);
    }
  }
  if (listed.length) lines.push('');
  for (const k of CATEGORIES) {
    const s = r.categories[k];
    lines.push(`  ${k.padEnd(12)} ${s.score === null ? '    –' : s.score.toFixed(1).padStart(5)}  ${s.checks} checks: ${s.pass} passed, ${s.warn} warned, ${s.fail} failed`);
  }
  const verdict = verdictText(r).replace(/^invalid/, 'INVALID');
  lines.push(`quality score ${r.score.toFixed(1)} / 100 (threshold ${r.threshold}) — ${verdict} (${r.checks.length} checks in ${r.seconds.toFixed(2)} s)`);
  return lines.join('\n') + '\n';
}

/** The verdict in words; a valid file with failed soft checks says so (they only lowered the score). */
export function verdictText(r: ValidationReport): string {
  if (!r.ok) return r.hardFailures ? `invalid: ${r.hardFailures} hard check(s) failed` : `invalid: score below the threshold ${r.threshold}`;
  const soft = r.checks.filter((c) => c.status === 'fail').length;
  return soft ? `valid, but ${soft} soft check(s) failed (they lower the score; --threshold 100 makes every check count)` : 'valid';
}
