/*
 * The compatibility specs (written for the earlier Python tool, copied into tests/fixtures/compat) must compile and
 * run unmodified (DSL.md §1). Each one is generated once and every declared hard constraint is checked
 * in SQL against the DuckDB output: unique, foreign keys, ranges, enums, timestamp inequalities, the
 * declared column types, and the run manifest. These are exact checks (no statistics): PK/FK/unique
 * hold by construction and a timestamp inequality inside one row is enforced at generation (DSL.md §6).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/plan/compile.ts';
import { runPlan, type RunResult } from '../../src/run/run.ts';
import type { Plan } from '../../src/ir/types.ts';
import { PLANNED_BEHAVIOURS } from '../../src/plan/tables.ts';
import { quoteIdent as q, quoteString } from '../../src/sinks/sql.ts';
import { VERSION } from '../../src/version.ts';
import { COMPAT_DIR, Db, readJson, tempFile } from '../support/run-spec.ts';

interface Case {
  file: string;
  /** Row-count scale: gov_scaled is ~15 M rows at scale 1 (about 180 k at 0.01). */
  scale: number;
}

const CASES: Case[] = [
  { file: 'simple_users_events.json', scale: 1 },
  { file: 'test_patterns.json', scale: 1 },
  // ~1.2 M rows in ~5 s at full scale: fast enough to run as the earlier tool ran it.
  { file: 'ecomm.json', scale: 1 },
  { file: 'gov_scaled.json', scale: 0.01 },
  // The four with behaviour blocks (segments, vintage, stage funnels): they run with the behaviours applied.
  { file: 'vintage_effects_demo.json', scale: 1 },
  { file: 'saas_subscription_vintage.json', scale: 1 },
  { file: 'ecommerce_conversion_funnel.json', scale: 1 },
  { file: 'healthcare_patient_journey.json', scale: 1 },
];

/** Warnings the compat specs are allowed to produce (anything else, and any error, fails). */
const EXPECTED_WARNING_CODES = new Set(['DG_UNKNOWN_KEY', 'DG_NOT_SUPPORTED', 'DG_EFFECT_FIELD_MISSING', 'DG_NOT_ENFORCED', 'DG_IGNORED_OPTION']);
const SQL_TYPE: Record<string, string> = { int: 'BIGINT', float: 'DOUBLE', string: 'VARCHAR', bool: 'BOOLEAN', datetime: 'TIMESTAMP', date: 'DATE' };
const SQL_OP: Record<string, string> = { '<': '<', '<=': '<=', '>': '>', '>=': '>=', '==': '=', '=': '=', '!=': '<>' };

/** "t.c" → quoted table and column. */
function attr(ref: string): { table: string; column: string; t: string; c: string } {
  const i = ref.indexOf('.');
  const table = ref.slice(0, i);
  const column = ref.slice(i + 1);
  return { table, column, t: q(table), c: q(column) };
}

function literal(v: unknown): string {
  return typeof v === 'string' ? quoteString(v) : typeof v === 'boolean' ? String(v).toUpperCase() : String(v);
}

/** A check that applies only to what the spec declares: when it declares none, the test is skipped and its title says so. */
function checkTitle(title: string, declared: number | undefined, what: string): string {
  return declared ? title : `${title} (skipped: the spec declares no ${what})`;
}

describe('compat specs compile and run unmodified', () => {
  it('every compat spec is in tests/fixtures/compat', () => {
    for (const c of CASES) expect(existsSync(fileURLToPath(new URL(c.file, COMPAT_DIR))), c.file).toBe(true);
  });
  for (const c of CASES) {
    const url = new URL(c.file, COMPAT_DIR);
    describe(`${c.file} (scale ${c.scale})`, () => {
      const doc = readJson(url);
      const compiled = compile(doc, { scale: c.scale });
      const constraints = doc.constraints ?? {};
      const declaredType = new Map<string, string>(doc.nodes.flatMap((n: any) => n.columns.map((col: any) => [`${n.id}.${col.name}`, col.type])));
      let plan: Plan;
      let result: RunResult;
      let db: Db;

      beforeAll(async () => {
        if (!compiled.plan) return;
        plan = compiled.plan;
        result = await runPlan(plan, { out: tempFile(`${plan.slug}.duckdb`) });
        db = await Db.open(result.file);
      });
      afterAll(() => db?.close());

      it('compiles without errors; only known warning kinds; unsupported blocks are reported as warnings', () => {
        const errors = compiled.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.path} ${d.code} ${d.message}`);
        expect(errors).toEqual([]);
        expect(compiled.plan).not.toBeNull();
        const unexpected = compiled.diagnostics.filter((d) => !EXPECTED_WARNING_CODES.has(d.code)).map((d) => `${d.path} ${d.code}`);
        expect(unexpected).toEqual([]);
        // Every block the plan marks unsupported is announced by a DG_NOT_SUPPORTED warning at its path, and vice versa.
        const warned = compiled.diagnostics.filter((d) => d.code === 'DG_NOT_SUPPORTED').map((d) => d.path).sort();
        expect(compiled.plan!.unsupported.map((u) => u.path).sort()).toEqual(warned);
        // A behaviour block is either executed or announced; it never disappears silently.
        const present = doc.nodes.flatMap((n: any, i: number) => PLANNED_BEHAVIOURS.filter((k) => k in n).map((k) => `/nodes/${i}/${k}`)).sort();
        expect(warned).toEqual(present);
      });

      it('runs: one table per node plus _labels and _datagen_manifest', async () => {
        const tables = (await db.rows(`SELECT table_name FROM information_schema.tables ORDER BY 1`)).map((r) => r.table_name);
        expect(tables).toEqual([...doc.nodes.map((n: any) => n.id), '_datagen_manifest', '_label_events', '_labels'].sort());
        expect(result.tables.map((t) => t.table).sort()).toEqual(doc.nodes.map((n: any) => n.id).sort());
      });

      it('column names and SQL types follow the declared columns, in order', async () => {
        const mismatches: string[] = [];
        for (const n of doc.nodes) {
          const got = await db.rows(`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ${quoteString(n.id)} ORDER BY ordinal_position`);
          const want = n.columns.map((col: any) => `${col.name}:${SQL_TYPE[col.type]}`);
          // Categorical strings (choices / enum_list / lookups of them) are stored as ENUM, the rest as VARCHAR.
          const have = got.map((r) => `${r.column_name}:${String(r.data_type).startsWith('ENUM(') ? 'VARCHAR' : r.data_type}`);
          if (JSON.stringify(want) !== JSON.stringify(have)) mismatches.push(`${n.id}: want ${want.join(', ')}; have ${have.join(', ')}`);
        }
        expect(mismatches).toEqual([]);
      });

      it('row counts equal the _datagen_manifest rows (and the run result); non-nullable columns hold no NULLs, floats no NaN', async () => {
        const manifest = await db.rows(`SELECT table_name, "rows" FROM _datagen_manifest`);
        expect(manifest.map((m) => m.table_name).sort()).toEqual(doc.nodes.map((n: any) => n.id).sort());
        const problems: string[] = [];
        for (const m of manifest) {
          const count = Number(await db.value(`SELECT count(*) FROM ${q(m.table_name)}`));
          if (count !== Number(m.rows)) problems.push(`${m.table_name}: ${count} rows, manifest says ${m.rows}`);
          const r = result.tables.find((t) => t.table === m.table_name)!;
          if (r.rows !== count) problems.push(`${m.table_name}: ${count} rows, run result says ${r.rows}`);
        }
        for (const n of doc.nodes) {
          for (const col of n.columns) {
            if (col.nullable !== false) continue;
            const nulls = Number(await db.value(`SELECT count(*) FROM ${q(n.id)} WHERE ${q(col.name)} IS NULL`));
            if (nulls) problems.push(`${n.id}.${col.name}: ${nulls} NULLs in a non-nullable column`);
          }
          // NaN is never a value of these specs (it would be a null that lost its way to the sink).
          for (const col of n.columns.filter((x: any) => x.type === 'float')) {
            const nan = Number(await db.value(`SELECT count(*) FROM ${q(n.id)} WHERE isnan(${q(col.name)})`));
            if (nan) problems.push(`${n.id}.${col.name}: ${nan} NaN values`);
          }
        }
        expect(problems).toEqual([]);
        expect(result.rows).toBe(manifest.reduce((a, m) => a + Number(m.rows), 0));
      });

      it('_datagen_manifest records spec hash, seed, scale and versions on every row', async () => {
        const rows = await db.rows(`SELECT DISTINCT spec_hash, seed, scale, datagen_version, algorithm_version, plan_hash FROM _datagen_manifest`);
        expect(rows).toHaveLength(1);
        const m = rows[0];
        expect(m.spec_hash).toMatch(/^[0-9a-f]{64}$/);
        expect(m.spec_hash).toBe(plan.specHash);
        expect(Number(m.seed)).toBe(42); // none of the compat specs sets a seed: the default applies
        expect(m.scale).toBe(c.scale);
        expect(m.datagen_version).toBe(VERSION);
        expect(m.algorithm_version).toBe(plan.algorithmVersion);
        expect(m.plan_hash).toMatch(/^[0-9a-f]{64}$/);
      });

      it('every primary key is unique and non-null', async () => {
        const problems: string[] = [];
        for (const n of doc.nodes) {
          if (!n.pk) continue;
          const r = (await db.rows(`SELECT count(*) AS n, count(DISTINCT ${q(n.pk)}) AS d, count(${q(n.pk)}) AS nn FROM ${q(n.id)}`))[0];
          if (r.n !== r.d || r.n !== r.nn) problems.push(`${n.id}.${n.pk}: ${r.n} rows, ${r.d} distinct, ${r.nn} non-null`);
        }
        expect(problems).toEqual([]);
      });

      it.skipIf(!constraints.unique?.length)(checkTitle('constraints.unique hold', constraints.unique?.length, 'constraints.unique'), async () => {
        const problems: string[] = [];
        for (const u of constraints.unique as string[]) {
          const a = attr(u);
          const dup = Number(await db.value(`SELECT count(${a.c}) - count(DISTINCT ${a.c}) FROM ${a.t}`));
          if (dup) problems.push(`${u}: ${dup} duplicates`);
        }
        expect(problems).toEqual([]);
      });

      it.skipIf(!constraints.foreign_keys?.length)(checkTitle('constraints.foreign_keys hold (anti-join is empty)', constraints.foreign_keys?.length, 'constraints.foreign_keys'), async () => {
        const problems: string[] = [];
        for (const fk of constraints.foreign_keys as { from: string; to: string }[]) {
          const f = attr(fk.from);
          const t = attr(fk.to);
          const orphans = Number(await db.value(`SELECT count(*) FROM ${f.t} f WHERE f.${f.c} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${t.t} p WHERE p.${t.c} = f.${f.c})`));
          if (orphans) problems.push(`${fk.from} → ${fk.to}: ${orphans} orphans`);
        }
        expect(problems).toEqual([]);
      });

      it.skipIf(!constraints.ranges?.length)(checkTitle('constraints.ranges hold', constraints.ranges?.length, 'constraints.ranges'), async () => {
        const problems: string[] = [];
        for (const r of constraints.ranges as { attr: string; min?: number; max?: number }[]) {
          const a = attr(r.attr);
          const conds = [r.min !== undefined && r.min !== null ? `${a.c} < ${r.min}` : null, r.max !== undefined && r.max !== null ? `${a.c} > ${r.max}` : null].filter(Boolean);
          if (!conds.length) continue;
          const out = (await db.rows(`SELECT count(*) AS n, min(${a.c}) AS lo, max(${a.c}) AS hi FROM ${a.t} WHERE ${conds.join(' OR ')}`))[0];
          if (Number(out.n)) problems.push(`${r.attr} ∉ [${r.min}, ${r.max}]: ${out.n} rows (from ${out.lo} to ${out.hi})`);
        }
        expect(problems).toEqual([]);
      });

      it.skipIf(!constraints.enum?.length)(checkTitle('constraints.enum hold', constraints.enum?.length, 'constraints.enum'), async () => {
        const problems: string[] = [];
        for (const e of constraints.enum as { attr: string; values?: unknown[]; enum_ref?: string }[]) {
          const a = attr(e.attr);
          let sql: string;
          if (e.values) sql = `SELECT count(*) FROM ${a.t} WHERE ${a.c} IS NOT NULL AND ${a.c} NOT IN (${e.values.map(literal).join(', ')})`;
          else {
            const r = attr(e.enum_ref!);
            sql = `SELECT count(*) FROM ${a.t} x WHERE x.${a.c} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${r.t} v WHERE v.${r.c} = x.${a.c})`;
          }
          const bad = Number(await db.value(sql));
          if (bad) problems.push(`${e.attr}: ${bad} values outside the enum`);
        }
        expect(problems).toEqual([]);
      });

      const timestampInequalities = ((constraints.inequalities ?? []) as { left: string; op: string; right: string }[]).filter(
        (i) => ['datetime', 'date'].includes(declaredType.get(i.left)!) && ['datetime', 'date'].includes(declaredType.get(i.right)!),
      );
      it.skipIf(!timestampInequalities.length)(checkTitle('timestamp constraints.inequalities hold on every row', timestampInequalities.length, 'inequality between two timestamp columns'), async () => {
        const problems: string[] = [];
        for (const ineq of timestampInequalities) {
          const l = attr(ineq.left);
          const r = attr(ineq.right);
          expect(l.table).toBe(r.table);
          const op = SQL_OP[ineq.op];
          expect(op, `operator ${ineq.op}`).toBeDefined();
          const bad = Number(await db.value(`SELECT count(*) FROM ${l.t} WHERE NOT (${l.c} ${op} ${r.c})`));
          if (bad) problems.push(`${ineq.left} ${ineq.op} ${ineq.right}: ${bad} violating rows`);
        }
        expect(problems).toEqual([]);
      });
    });
  }
});
