/**
 * `datagen validate`: run every check the spec implies against a generated DuckDB file and score them.
 */
import { BEHAVIOUR_CHECKS } from './behaviour/index.ts';
import { openContext, type OpenOptions } from './context.ts';
import { score } from './score.ts';
import { listChecks } from './lists.ts';
import { preferenceChecks } from './preference.ts';
import { pickConsistency } from './picks.ts';
import { RELATION_CHECKS } from './relations-checks.ts';
import { STRUCTURAL_CHECKS } from './structural.ts';
import { TARGET_CHECKS } from './targets.ts';
import type { CheckModule, CheckResult, ValidationReport } from './types.ts';
import { VALUE_CHECKS } from './values.ts';
import { profileTables } from './profile.ts';
import { VERSION } from '../version.ts';
import { ReadError } from '../sinks/read.ts';

export interface ValidateOptions {
  /**
   * Judge soft failures by the score: the file is valid when no hard check failed and the score is at least this.
   * Without it (and without allowSoftFailures) any failed check, hard or soft, makes the file invalid; warnings never do.
   */
  threshold?: number;
  /** Soft failures only lower the score: valid when no hard check failed and the score is at least `threshold` (default 80). */
  allowSoftFailures?: boolean;
  /** Also compute column profiles (histograms, top values, nulls) for the HTML report. */
  profiles?: boolean;
  threads?: number;
  specName?: string;
  dbName?: string;
  /** The spec's preset and the overrides the file was generated with (`datagen run --preset/--set`; docs/authoring.md). */
  preset?: string;
  set?: OpenOptions['set'];
}

const MODULES: { name: string; run: CheckModule }[] = [...STRUCTURAL_CHECKS, { name: 'pick_consistency', run: pickConsistency }, ...RELATION_CHECKS, { name: 'lists', run: listChecks }, { name: 'preference', run: preferenceChecks }, ...VALUE_CHECKS, ...BEHAVIOUR_CHECKS, ...TARGET_CHECKS];

/** Validate a database against a spec document; never throws for data problems (they are failed checks). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function validate(doc: any, dbPath: string, o: ValidateOptions = {}): Promise<ValidationReport> {
  const t0 = performance.now();
  const threshold = o.threshold ?? DEFAULT_THRESHOLD;
  const softFailuresAllowed = o.allowSoftFailures === true || o.threshold !== undefined;
  const { ctx, checks } = await openContext(doc, dbPath, { threads: o.threads, preset: o.preset, set: o.set });
  try {
    for (const m of MODULES) {
      try {
        checks.push(...(await m.run(ctx)));
      } catch (e) {
        if (e instanceof ReadError && e.code === 'DG_DB_DAMAGED') throw e; // no check can be trusted on a damaged file
        checks.push(crashed(m.name, e));
      }
    }
    const profiles = o.profiles ? await profileTables(ctx) : undefined;
    const s = score(checks);
    const order = { fail: 0, warn: 1, pass: 2 } as const;
    const sorted = checks.map((c, i) => ({ c, i })).sort((a, b) => order[a.c.status] - order[b.c.status] || Number(b.c.hard) - Number(a.c.hard) || a.i - b.i).map((x) => x.c);
    return {
      spec: o.specName ?? '', database: o.dbName ?? dbPath, datagenVersion: VERSION, name: ctx.plan.name, seed: ctx.plan.seed, scale: ctx.plan.scale,
      ...s, threshold, softFailuresAllowed, ok: verdictOk(s, softFailuresAllowed, threshold), checks: sorted,
      tables: ctx.plan.tables.map((t) => ({ table: t.id, rows: ctx.rows.get(t.id) ?? 0, dependsOn: t.dependsOn, level: t.level, kind: t.kind })),
      profiles, seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    ctx.db.close();
  }
}

/** The score the --threshold of --allow-soft-failures defaults to. */
const DEFAULT_THRESHOLD = 80;

/** Valid: no hard failure, and either no soft failure or (when soft failures are allowed) a score of at least the threshold. */
function verdictOk(s: { hardFailures: number; softFailures: number; score: number }, softAllowed: boolean, threshold: number): boolean {
  return s.hardFailures === 0 && (softAllowed ? s.score >= threshold : s.softFailures === 0);
}

/** A check module that threw: reported as a failed check (a bug of datagen or a file it cannot read), not a crash of validate. */
function crashed(name: string, e: unknown): CheckResult {
  const msg = e instanceof Error ? e.message : String(e);
  return { check: `${name}_error`, category: 'structural', table: '*', status: 'fail', hard: false, expected: 'the check to run', observed: msg, tolerance: null, examples: [], message: `the ${name} checks could not run: ${msg}` };
}
