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
  lines.push(`quality score ${r.score.toFixed(1)} / 100${r.softFailuresAllowed ? ` (threshold ${r.threshold})` : ''} — ${verdict} (${r.checks.length} checks in ${r.seconds.toFixed(2)} s)`);
  return lines.join('\n') + '\n';
}

/**
 * The verdict in words. By default any failed check makes the file invalid; with soft failures allowed a valid
 * file with failed soft checks says so (they only lowered the score). Warnings never make a file invalid.
 */
export function verdictText(r: ValidationReport): string {
  const soft = r.softFailures ?? r.checks.filter((c) => c.status === 'fail' && !c.hard).length;
  if (!r.ok) {
    if (r.hardFailures) return `invalid: ${r.hardFailures} hard check(s) failed`;
    if (!r.softFailuresAllowed) return `invalid: ${soft} soft check(s) failed (--allow-soft-failures judges them by the score instead)`;
    return `invalid: score below the threshold ${r.threshold}`;
  }
  return soft ? `valid, but ${soft} soft check(s) failed (allowed: they lower the score)` : 'valid';
}
