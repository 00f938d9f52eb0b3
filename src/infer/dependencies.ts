/**
 * Exact dependencies between the columns of one table (issue 21): functional dependencies (a column that is an
 * exact function of others, e.g. a flight's distance given its origin and destination) and time inequalities
 * (a start before its end). Both are checked on the full data and kept only when they hold on every row.
 */
import { quoteIdent } from '../sinks/sql.ts';
import type { ForeignKey, PrimaryKey } from './keys.ts';
import type { ColumnProfile, TableProfile } from './profile.ts';
import type { Source } from './source.ts';

/** Columns `dependents` that are each an exact function of `determinants` on every row where those are non-null. */
export interface FunctionalDependency {
  table: string;
  determinants: string[];
  dependents: string[];
  /** How it is emitted: `parent` (each dependent equals a column of the parent the single determinant references),
   *  or `table` (a lookup table of the determinants' combinations, their dependents' values and row counts). */
  via: 'parent' | 'table';
  /** via parent: dependent → the parent's column it equals. */
  parentColumns?: Record<string, string>;
  evidence: { rows: number; combinations: number; rowsPerCombination: number; note: string };
}

export interface TimeInequality {
  table: string;
  left: string;
  op: '<' | '<=';
  right: string;
  evidence: { rows: number; equal: number };
}

const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : Number(v ?? NaN));

/** Determinants are foreign keys and small categorical columns: at most this many distinct values. */
const MAX_DETERMINANT_DISTINCT = 1000;
const MAX_DETERMINANTS = 6;
/** A lookup table holds at most this many combinations. */
const MAX_COMBINATIONS = 20000;
/** A dependency is kept only when each combination has at least this many rows on average. */
const MIN_ROWS_PER_COMBINATION = 5;

const DEPENDENT_KINDS = new Set<ColumnProfile['kind']>(['int', 'float', 'decimal', 'string', 'bool', 'date', 'datetime']);

/**
 * Functional dependencies of a table: first a dependent equal to a column of the parent its single determinant
 * (a foreign key) references; then the smallest determinant set (one column, else two) that determines the
 * remaining dependents exactly, grouped by determinant set. Checked on the sample first, then on the full data.
 */
export async function findFunctionalDependencies(source: Source, p: TableProfile, sample: string, keys: { primaryKeys: PrimaryKey[]; foreignKeys: ForeignKey[] }, profiles: TableProfile[]): Promise<FunctionalDependency[]> {
  if (p.rows < 2 * MIN_ROWS_PER_COMBINATION) return [];
  const pk = keys.primaryKeys.find((k) => k.table === p.name)?.column;
  const fks = keys.foreignKeys.filter((f) => f.table === p.name && f.refTable !== p.name); // a tree's link is no determinant
  const fkCols = new Set(fks.map((f) => f.column));
  const determinants = p.columns
    .filter((c) => c.name !== pk && c.nonNull > 0 && (fkCols.has(c.name) || ((c.kind === 'string' || c.kind === 'bool') && c.distinct >= 2 && c.distinct <= MAX_DETERMINANT_DISTINCT)))
    .sort((a, b) => Number(fkCols.has(b.name)) - Number(fkCols.has(a.name)) || a.distinct - b.distinct)
    .slice(0, MAX_DETERMINANTS);
  const out: FunctionalDependency[] = [];
  const settled = new Set<string>();

  // 1. A column equal to a column of the parent of a foreign key (a denormalised copy: events.user_plan).
  const copyCandidates = p.columns.filter((c) => c.name !== pk && !fkCols.has(c.name) && DEPENDENT_KINDS.has(c.kind) && c.distinct >= 2);
  for (const fk of fks) {
    const parent = profiles.find((x) => x.name === fk.refTable)!;
    const copies: Record<string, string> = {};
    for (const y of copyCandidates) {
      if (settled.has(y.name)) continue;
      const same = parent.columns.filter((c) => c.name !== fk.refColumn && c.kind === y.kind && !c.storedAs && !y.storedAs);
      for (const c of same) {
        const [r] = await source.query(`SELECT count(*) AS n, count(*) FILTER (WHERE t.${quoteIdent(y.name)} IS NOT DISTINCT FROM p.${quoteIdent(c.name)}) AS eq
            FROM ${p.sql} t JOIN ${parent.sql} p ON t.${quoteIdent(fk.column)} = p.${quoteIdent(fk.refColumn)}`);
        if (num(r.n) > 0 && num(r.n) === num(r.eq)) {
          copies[y.name] = c.name;
          settled.add(y.name);
          break;
        }
      }
    }
    if (Object.keys(copies).length) {
      out.push({ table: p.name, determinants: [fk.column], dependents: Object.keys(copies), via: 'parent', parentColumns: copies,
        evidence: { rows: p.rows, combinations: 0, rowsPerCombination: 0, note: `equal to ${Object.values(copies).map((b) => `${fk.refTable}.${b}`).join(', ')} on every row` } });
    }
  }

  // 2. The smallest determinant set (one column, then two) for the others.
  const dets = determinants.filter((c) => !settled.has(c.name));
  const detNames = new Set(dets.map((c) => c.name));
  // (a date stored as text or a number would be written as stored, not as the date the spec's column holds)
  const dependents = p.columns.filter((c) => c.name !== pk && !detNames.has(c.name) && !settled.has(c.name) && DEPENDENT_KINDS.has(c.kind) && !c.storedAs && c.distinct >= 2);
  if (!dets.length || !dependents.length) return out;
  const sets: string[][] = [...dets.map((c) => [c.name])];
  const position = (c: string) => p.columns.findIndex((x) => x.name === c);
  for (let i = 0; i < dets.length; i++) {
    for (let j = i + 1; j < dets.length; j++) sets.push([dets[i].name, dets[j].name].sort((a, b) => position(a) - position(b)));
  }
  const remaining = () => dependents.filter((y) => !settled.has(y.name));
  for (const size of [1, 2]) {
    const candidates = sets.filter((s) => s.length === size);
    const found = new Map<string, string[]>();
    for (const where of [sample, p.sql]) {
      const pairs = candidates.flatMap((x) => remaining().filter((y) => where === sample || found.get(x.join('\u0000'))?.includes(y.name)).map((y) => ({ x, y: y.name })));
      if (!pairs.length) break;
      const xs = [...new Set(pairs.map((q) => q.x.join('\u0000')))].map((k) => k.split('\u0000'));
      const parts: string[] = ['count(*) AS n'];
      const notNull = (x: string[]) => x.map((c) => `${quoteIdent(c)} IS NOT NULL`).join(' AND ');
      const h = (cols: string[]) => `hash(${cols.map(quoteIdent).join(', ')})`;
      xs.forEach((x, i) => parts.push(`count(DISTINCT ${h(x)}) FILTER (WHERE ${notNull(x)}) AS "x${i}"`, `count(*) FILTER (WHERE ${notNull(x)}) AS "r${i}"`));
      pairs.forEach((q, i) => parts.push(`count(DISTINCT ${h([...q.x, q.y])}) FILTER (WHERE ${notNull(q.x)}) AS "xy${i}"`));
      const [r] = await source.query(`SELECT ${parts.join(', ')} FROM ${where}`);
      found.clear();
      pairs.forEach((q, i) => {
        const xi = xs.findIndex((x) => x.join('\u0000') === q.x.join('\u0000'));
        const combos = num(r[`x${xi}`]);
        const rows = num(r[`r${xi}`]);
        if (combos === 0 || num(r[`xy${i}`]) !== combos) return;
        if (where === p.sql && (combos > MAX_COMBINATIONS || rows < MIN_ROWS_PER_COMBINATION * combos)) return;
        const key = q.x.join('\u0000');
        found.set(key, [...(found.get(key) ?? []), q.y]);
      });
      if (where === p.sql) {
        for (const [key, ys] of found) {
          const x = key.split('\u0000');
          const free = ys.filter((y) => !settled.has(y));
          if (!free.length) continue;
          const xi = xs.findIndex((c) => c.join('\u0000') === key);
          const combos = num(r[`x${xi}`]);
          const rows = num(r[`r${xi}`]);
          out.push({ table: p.name, determinants: x, dependents: free, via: 'table',
            evidence: { rows, combinations: combos, rowsPerCombination: Math.round((rows / combos) * 10) / 10, note: `${combos} combinations of ${x.join(', ')}, each with exactly one value of ${free.join(', ')}` } });
          for (const y of free) settled.add(y);
        }
      }
    }
  }
  return out;
}

/** Time inequalities between the time columns of a table that hold on every row where both are set. */
export async function findTimeInequalities(source: Source, p: TableProfile): Promise<TimeInequality[]> {
  const times = p.columns.filter((c) => c.timeSql && (c.kind === 'date' || c.kind === 'datetime'));
  if (times.length < 2) return [];
  const pairs: [ColumnProfile, ColumnProfile][] = [];
  for (let i = 0; i < times.length; i++) for (let j = i + 1; j < times.length; j++) pairs.push([times[i], times[j]]);
  const parts = pairs.flatMap(([a, b], i) => [
    `count(*) FILTER (WHERE ${a.timeSql} IS NOT NULL AND ${b.timeSql} IS NOT NULL) AS "n${i}"`,
    `count(*) FILTER (WHERE ${a.timeSql} < ${b.timeSql}) AS "lt${i}"`,
    `count(*) FILTER (WHERE ${a.timeSql} = ${b.timeSql}) AS "eq${i}"`,
    `count(*) FILTER (WHERE ${a.timeSql} > ${b.timeSql}) AS "gt${i}"`,
  ]);
  const [r] = await source.query(`SELECT ${parts.join(', ')} FROM ${p.sql}`);
  const found: TimeInequality[] = [];
  pairs.forEach(([a, b], i) => {
    const n = num(r[`n${i}`]);
    const lt = num(r[`lt${i}`]);
    const eq = num(r[`eq${i}`]);
    const gt = num(r[`gt${i}`]);
    if (n === 0 || eq === n) return;
    if (lt + eq === n) found.push({ table: p.name, left: a.name, op: eq ? '<=' : '<', right: b.name, evidence: { rows: n, equal: eq } });
    else if (gt + eq === n) found.push({ table: p.name, left: b.name, op: eq ? '<=' : '<', right: a.name, evidence: { rows: n, equal: eq } });
  });
  // transitive reduction: a < c is implied by a < b and b < c
  return found.filter((f) => !found.some((g) => g.left === f.left && g.right !== f.right && found.some((h) => h.left === g.right && h.right === f.right)));
}
