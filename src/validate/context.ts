/**
 * Open a generated database for validation: read its manifest, compile the spec with the seed and scale
 * the file was generated with, and check that the file came from this spec (plan hash, with or without
 * scenarios).
 */
import { canonicalJson, sha256 } from '../plan/canonical.ts';
import { compile, type CompileOptions } from '../plan/compile.ts';
import { INHERITED_TIME, type Plan } from '../ir/types.ts';
import { writtenTable } from '../ir/written.ts';
import { withoutScenarios } from '../scenarios/strip.ts';
import { SpecError } from '../diagnostics/diagnostic.ts';
import { openReadOnly, type ReadOnlyDb } from '../sinks/read.ts';
import { n } from './sql.ts';
import type { CheckResult, ValidateContext } from './types.ts';

export interface Opened {
  ctx: ValidateContext;
  /** Checks about the file itself (its manifest matches the spec). */
  checks: CheckResult[];
}

export interface OpenOptions {
  threads?: number;
  /** The preset and overrides the file was generated with (docs/authoring.md). */
  preset?: string;
  set?: CompileOptions['set'];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function openContext(doc: any, dbPath: string, o: OpenOptions = {}): Promise<Opened> {
  const db = await openReadOnly(dbPath, o.threads);
  try {
    const present = new Set(await db.tables());
    const manifest = present.has('_datagen_manifest') ? await db.all(`SELECT * FROM _datagen_manifest`) : [];
    const seed = manifest.length ? n(manifest[0].seed) : undefined;
    const scale = manifest.length ? n(manifest[0].scale) : undefined;
    // The preset the file was generated with (its manifest records it) unless the caller names one.
    const recorded = manifest.length && typeof manifest[0].preset === 'string' ? manifest[0].preset : undefined;
    const compiled = compile(doc, { seed, scale, preset: o.preset ?? recorded, set: o.set });
    if (!compiled.plan) throw new SpecError(compiled.diagnostics);
    let plan: Plan = compiled.plan;
    const checks: CheckResult[] = [];
    const fileHash = manifest.length ? String(manifest[0].plan_hash) : null;
    const full = sha256(canonicalJson(plan));
    const stripped = withoutScenarios(plan);
    let how = 'the spec';
    if (fileHash !== null && fileHash !== full && fileHash === sha256(canonicalJson(stripped))) {
      plan = stripped;
      how = 'the spec without its scenarios (--without-scenarios)';
    }
    const matches = fileHash === null ? null : fileHash === sha256(canonicalJson(plan));
    checks.push({
      check: 'manifest_matches_spec', category: 'structural', table: '_datagen_manifest', hard: false,
      status: matches === true ? 'pass' : 'warn',
      expected: sha256(canonicalJson(plan)), observed: fileHash, tolerance: 'equal plan hash', examples: [],
      message: matches === true ? `the file was generated from ${how} (seed ${plan.seed}, scale ${plan.scale})`
        : matches === null ? 'the file has no _datagen_manifest: checked against the spec with its own seed and scale'
        : `the file's plan hash differs from this spec's (seed ${plan.seed}, scale ${plan.scale}): was the spec edited after the run? Behavioural checks may not apply`,
    });
    const rows = new Map<string, number>();
    for (const t of plan.tables) {
      if (present.has(t.id)) rows.set(t.id, n((await db.all(`SELECT count(*) AS c FROM "${t.id.replace(/"/g, '""')}"`))[0].c));
    }
    // Checks see the tables as written: hidden helper columns (docs/authoring.md) are not in the file.
    const written: Plan = plan.tables.some((t) => t.columns.some((c) => c.hidden)) ? { ...plan, tables: plan.tables.map(writtenTable) } : plan;
    await inheritedTimeViews(db, written, present);
    const byId = new Map(written.tables.map((t) => [t.id, t]));
    const ctx: ValidateContext = { plan: written, doc: compiled.spec, db, present, rows, hasLabels: present.has('_labels'), table: (id) => byId.get(id) };
    return { ctx, checks };
  } catch (e) {
    db.close();
    throw e;
  }
}

/**
 * Time flows down (`TablePlan.inheritedTime`): a table without a datetime column whose modifiers read its
 * parent's time is shadowed, for this connection only, by a temporary view of the same name with that time as
 * `__time__` (joined through the child's foreign key to the parent's key — the parent's own view when it
 * inherits in turn) and the table's `rowid`, so every check reads it like a column of the row. A table whose
 * parent link is not a plain lookup of the parent's key keeps no view (checks reading its time then fail to run).
 */
async function inheritedTimeViews(db: ReadOnlyDb, plan: Plan, present: Set<string>): Promise<void> {
  const byId = new Map(plan.tables.map((t) => [t.id, t]));
  const catalog = String((await db.all('SELECT current_database() AS d'))[0].d);
  const q = (s: string) => `"${s.replace(/"/g, '""')}"`;
  for (const t of plan.tables) {
    const it = t.inheritedTime;
    const parent = it && byId.get(it.parent);
    if (!it || !parent?.pk || !present.has(t.id) || !present.has(parent.id)) continue;
    const fk = t.columns.find((c) => c.generator.kind === 'lookup' && c.generator.via === 'parent' && c.generator.table === parent.id && c.generator.column === parent.pk && c.modifiers.length === 0);
    if (!fk) continue;
    await db.all(`CREATE TEMP VIEW ${q(t.id)} AS SELECT c.rowid AS rowid, c.*, p.${q(it.column)} AS ${q(INHERITED_TIME)} FROM ${q(catalog)}.main.${q(t.id)} c LEFT JOIN ${q(parent.id)} p ON p.${q(parent.pk)} = c.${q(fk.name)}`);
  }
}
