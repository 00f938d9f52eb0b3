/**
 * Keys of a source (issue 21): a primary key per table and single-column foreign keys, found from the data.
 *
 * Declared constraints come first (trusted, score 1). Then, per table without a declared key, the best unique,
 * non-null, key-like column (integer or short text; name tokens such as id/key/code). Foreign keys: every
 * integer/text column of a table is tested against the primary key of every other table by containment (the share
 * of its non-null rows whose value is a key of the parent: ≥ 99 %), after filters on type, range and distinct
 * counts, and scored (coverage, name similarity, how specific the values are; small-integer codes and booleans
 * are penalised or ruled out). Each column keeps its best parent; foreign keys are then added by score, skipping
 * any that would close a cycle between tables. Every key carries its evidence.
 */
import { distance as levenshtein } from 'fastest-levenshtein';
import { quoteIdent } from '../sinks/sql.ts';
import { profileSource, type ColumnProfile, type TableProfile } from './profile.ts';
import type { Source } from './source.ts';

export interface PrimaryKey {
  table: string;
  column: string;
  declared: boolean;
  /** Why: unique and non-null (always), plus the name/type/position reasons. */
  evidence: { rows: number; distinct: number; score: number; reasons: string[] };
}

export interface ForeignKey {
  table: string;
  column: string;
  refTable: string;
  refColumn: string;
  declared: boolean;
  evidence: FkEvidence;
}

interface FkEvidence {
  /** Share of the child's non-null rows whose value is a parent key. */
  coverage: number;
  /** Share of the child's distinct values that are parent keys. */
  distinctCoverage: number;
  childDistinct: number;
  parentDistinct: number;
  nameSimilarity: number;
  score: number;
  reasons: string[];
}

/** A candidate that was tested and not kept, with why (for the report). */
interface RejectedForeignKey {
  table: string;
  column: string;
  refTable: string;
  refColumn: string;
  reason: string;
  coverage?: number;
  score?: number;
}

export interface Keys {
  primaryKeys: PrimaryKey[];
  foreignKeys: ForeignKey[];
  rejected: RejectedForeignKey[];
}

const MIN_COVERAGE = 0.99;
const MIN_SCORE = 0.6;
const KEY_TOKENS = new Set(['id', 'key', 'code', 'iata', 'icao', 'sku', 'uuid', 'guid', 'pk', 'no', 'num', 'number', 'ref', 'ident', 'identifier', 'slug']);

/** Words that name a link to another row of the same table (a tree). */
const HIERARCHY_TOKENS = new Set(['parent', 'manager', 'boss', 'supervisor', 'reports', 'lead', 'mentor', 'referrer', 'referred', 'sponsor', 'predecessor', 'successor', 'prev', 'previous', 'next', 'ancestor', 'root', 'superior', 'owner']);

/** Words of integer columns that count or measure something (an `api_calls` of 0–646 is no key of a 1..1028 table). */
const MEASURE_TOKENS = new Set(['count', 'counts', 'calls', 'amount', 'qty', 'quantity', 'total', 'sum', 'price', 'cost', 'score', 'age', 'duration',
  'size', 'length', 'weight', 'height', 'width', 'minutes', 'seconds', 'hours', 'days', 'ms', 'views', 'clicks', 'visits', 'units', 'value', 'balance', 'delay', 'distance']);

const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : Number(v ?? NaN));

function tokens(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** A name like `journey_id`: a key word and other words (the thing whose key it is). */
function namesOtherKey(name: string): boolean {
  const ts = tokens(name);
  return ts.some((t) => KEY_TOKENS.has(t)) && ts.some((t) => !KEY_TOKENS.has(t));
}

function singular(word: string): string {
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (/(ses|xes|zes|ches|shes)$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss') && word.length > 3) return word.slice(0, -1);
  return word;
}

const isKeyKind = (c: ColumnProfile) => c.kind === 'int' || c.kind === 'string' || c.kind === 'uuid';

/**
 * Similarity in [0, 1] of a child column's name with a parent table and its key: 1 when the column is named like
 * the key (`user_id` → users.user_id) or the table (`user` / `user_id` → users.id), partial for near names.
 */
function nameSimilarity(column: string, parentTable: string, parentKey: string): number {
  const col = tokens(column);
  const key = tokens(parentKey);
  const table = tokens(parentTable).map(singular);
  const colStr = col.join('_');
  if (colStr === key.join('_') && !(key.length === 1 && KEY_TOKENS.has(key[0]))) return 1;
  const body = col.filter((t) => !KEY_TOKENS.has(t)).map(singular);
  const tableStr = table.join('_');
  if (!body.length) return 0;
  const bodyStr = body.join('_');
  if (bodyStr === tableStr) return 1;
  if (body.includes(table[table.length - 1] ?? '')) return 0.8;
  const d = levenshtein(bodyStr, tableStr) / Math.max(bodyStr.length, tableStr.length);
  return d <= 0.34 ? Math.round((1 - d) * 0.7 * 100) / 100 : 0;
}

function pkScore(c: ColumnProfile, index: number, table: string): { score: number; reasons: string[] } {
  const reasons: string[] = ['unique and non-null'];
  let score = 0.5;
  const ts = tokens(c.name);
  if (ts.some((t) => KEY_TOKENS.has(t))) {
    score += 0.3;
    reasons.push('key-like name');
  }
  if (nameSimilarity(c.name, table, c.name) >= 0.8 || ts.join('_') === `${singular(tokens(table).join('_'))}_id`) score += 0.1;
  if (index === 0) {
    score += 0.2;
    reasons.push('first column');
  }
  if (c.kind === 'int') {
    score += 0.1;
    reasons.push('integer');
  } else if (c.kind === 'uuid' || (c.avgLength !== undefined && c.avgLength <= 16)) {
    score += 0.05;
    reasons.push(c.kind === 'uuid' ? 'UUID' : 'short text');
  } else {
    score -= 0.3;
    reasons.push('long text');
  }
  return { score: Math.round(score * 100) / 100, reasons };
}

/** The primary key of each table: the declared one, else the best unique, non-null, key-like column (score ≥ 0.7). */
export function findPrimaryKeys(source: Source, profiles: TableProfile[]): PrimaryKey[] {
  const out: PrimaryKey[] = [];
  for (const p of profiles) {
    const t = source.tables.find((x) => x.name === p.name);
    if (t && t.declaredPk.length === 1) {
      const c = p.columns.find((x) => x.name === t.declaredPk[0]);
      out.push({ table: p.name, column: t.declaredPk[0], declared: true, evidence: { rows: p.rows, distinct: c?.distinct ?? p.rows, score: 1, reasons: ['declared'] } });
      continue;
    }
    if (t && t.declaredPk.length > 1) continue; // composite keys: not in v1
    if (p.rows < 1) continue;
    let best: PrimaryKey | null = null;
    let bestRaw = -Infinity;
    p.columns.forEach((c, i) => {
      if (!isKeyKind(c) || c.nonNull !== p.rows || c.distinct !== p.rows) return;
      const { score: raw, reasons } = pkScore(c, i, p.name);
      // one row is unique trivially: only a key-like name makes it a key
      if (p.rows === 1 && !reasons.includes('key-like name')) return;
      if (raw < 0.7 || raw <= bestRaw) return;
      bestRaw = raw;
      best = { table: p.name, column: c.name, declared: false, evidence: { rows: p.rows, distinct: c.distinct, score: Math.min(1, raw), reasons } };
    });
    if (best) out.push(best);
  }
  return out;
}

function compatible(child: ColumnProfile, parent: ColumnProfile): boolean {
  if (child.kind === 'int' && parent.kind === 'int') return true;
  if ((child.kind === 'string' || child.kind === 'uuid') && (parent.kind === 'string' || parent.kind === 'uuid')) return true;
  return false;
}

/**
 * Score in [0, 1] of a candidate foreign key with its coverage: 0.5 × coverage above 99 % + 0.3 × name
 * similarity + 0.2 × specificity (text values: 1; integers: log10(distinct)/3, capped at 1), minus 0.3 for a
 * small-integer code (all values ≤ 100; 0.1 when named like the key). Kept at ≥ 0.6.
 */
function fkScore(child: ColumnProfile, coverage: number, nameSim: number): { score: number; reasons: string[] } {
  const reasons: string[] = [`${(coverage * 100).toFixed(2)} % of rows contained`];
  const covTerm = Math.min(1, Math.max(0, (coverage - MIN_COVERAGE) / (1 - MIN_COVERAGE)));
  let spec = child.kind === 'int' ? Math.min(1, Math.log10(Math.max(1, child.distinct)) / 3) : 1;
  if (child.kind !== 'int') reasons.push('text values');
  let score = 0.5 * covTerm + 0.3 * nameSim + 0.2 * spec;
  if (nameSim > 0) reasons.push(`name similarity ${nameSim}`);
  if (child.kind === 'int' && typeof child.max === 'number' && child.max <= 100) {
    // a code named like the key loses less: `store_id` of a 3-store chain is still a key
    score -= nameSim >= 0.8 ? 0.1 : 0.3;
    reasons.push('small-integer code (penalised)');
  }
  spec = Math.round(score * 1000) / 1000;
  return { score: spec, reasons };
}

/**
 * Foreign keys of the source: declared ones, then those found in the data (see the module comment). `profiles`
 * and `primaryKeys` are computed when not given. This is what `datagen compare` uses when it has no spec.
 */
export async function findKeys(source: Source, given?: { profiles?: TableProfile[]; primaryKeys?: PrimaryKey[] }): Promise<Keys> {
  const profiles = given?.profiles ?? (await profileSource(source));
  const primaryKeys = given?.primaryKeys ?? findPrimaryKeys(source, profiles);
  const rejected: RejectedForeignKey[] = [];
  const byTable = new Map(profiles.map((p) => [p.name, p]));
  const pkOf = new Map(primaryKeys.map((k) => [k.table, k]));
  const foreignKeys: ForeignKey[] = [];
  const taken = new Set<string>();

  // Declared foreign keys first (single-column ones: composite keys are not in v1).
  for (const t of source.tables) {
    for (const fk of t.declaredFks) {
      if (fk.columns.length !== 1 || !byTable.has(fk.refTable)) continue;
      const child = byTable.get(t.name)!.columns.find((c) => c.name === fk.columns[0]);
      if (!child) continue;
      const refColumn = fk.refColumns[0] ?? pkOf.get(fk.refTable)?.column;
      if (!refColumn) continue;
      const parent = byTable.get(fk.refTable)!.columns.find((c) => c.name === refColumn);
      foreignKeys.push({
        table: t.name, column: child.name, refTable: fk.refTable, refColumn, declared: true,
        evidence: { coverage: 1, distinctCoverage: 1, childDistinct: child.distinct, parentDistinct: parent?.distinct ?? 0, nameSimilarity: nameSimilarity(child.name, fk.refTable, refColumn), score: 1, reasons: ['declared'] },
      });
      taken.add(`${t.name}.${child.name}`);
    }
  }

  // Candidates found in the data: the best parent per column.
  const found: ForeignKey[] = [];
  for (const p of profiles) {
    const ownPk = pkOf.get(p.name)?.column;
    for (const c of p.columns) {
      if (c.name === ownPk || taken.has(`${p.name}.${c.name}`) || !isKeyKind(c) || c.nonNull === 0) continue;
      let best: ForeignKey | null = null;
      for (const pk of primaryKeys) {
        if (pk.table === p.name) continue;
        const parentProfile = byTable.get(pk.table)!;
        const parent = parentProfile.columns.find((x) => x.name === pk.column)!;
        const cand = { table: p.name, column: c.name, refTable: pk.table, refColumn: pk.column };
        if (!compatible(c, parent)) continue;
        const reject = (reason: string, extra: Partial<RejectedForeignKey> = {}) => rejected.push({ ...cand, reason, ...extra });
        const sim = nameSimilarity(c.name, pk.table, pk.column);
        if (c.distinct <= 2 && sim < 0.5) { reject('two values or fewer and an unrelated name (a flag, not a key)'); continue; }
        if (c.distinct > parent.distinct) { reject(`more distinct values (${c.distinct}) than parent keys (${parent.distinct})`); continue; }
        if (c.kind === 'int' && sim < 0.5 && tokens(c.name).some((t) => MEASURE_TOKENS.has(t))) { reject('an integer named like a measure (count, amount, …)'); continue; }
        // `journey_id` holding (nearly) all of 1..k, k short of the device ids' end: a numbering of its own (a key
        // of journeys), no reference — a role-named key (`recipient_id` → customers) draws keys up to the range's end
        if (c.kind === 'int' && sim < 0.5 && namesOtherKey(c.name) && typeof c.min === 'number' && typeof c.max === 'number'
          && typeof parent.max === 'number' && typeof parent.min === 'number' && c.min <= 1 && c.distinct >= 0.9 * (c.max - c.min + 1)
          && parent.max - c.max >= 0.02 * (parent.max - parent.min + 1)) {
          reject(`its values are nearly all the integers ${c.min}..${c.max} (a numbering of its own) and its name is unrelated`);
          continue;
        }
        if (c.kind === 'int' && typeof c.min === 'number' && typeof c.max === 'number' && typeof parent.min === 'number' && typeof parent.max === 'number') {
          if (c.max < parent.min || c.min > parent.max) { reject('ranges do not overlap'); continue; }
          const span = (c.max - c.min) / Math.max(1, parent.max - parent.min);
          if (sim < 0.5 && (span < 0.5 || c.distinct < 20)) { reject(`integer values cover ${(span * 100).toFixed(1)} % of the key range with ${c.distinct} distinct values and an unrelated name`); continue; }
        }
        if (sim < 0.5 && c.distinct < 5) { reject(`only ${c.distinct} distinct values and an unrelated name`); continue; }
        const cov = await containment(source, p, c, parentProfile, parent);
        if (cov.coverage < MIN_COVERAGE) { reject(`only ${(cov.coverage * 100).toFixed(2)} % of rows contained`, { coverage: cov.coverage }); continue; }
        // integers are contained in a key range by chance far more often than text: an unrelated name needs all
        if (c.kind === 'int' && sim < 0.5 && cov.coverage < 1) { reject(`an integer with an unrelated name and ${(cov.coverage * 100).toFixed(2)} % of rows contained (all needed)`, { coverage: cov.coverage }); continue; }
        const { score, reasons } = fkScore(c, cov.coverage, sim);
        if (score < MIN_SCORE) { reject(`score ${score} below ${MIN_SCORE}`, { coverage: cov.coverage, score }); continue; }
        const fk: ForeignKey = { ...cand, declared: false, evidence: { coverage: cov.coverage, distinctCoverage: cov.distinctCoverage, childDistinct: c.distinct, parentDistinct: parent.distinct, nameSimilarity: sim, score, reasons } };
        if (!best || score > best.evidence.score) {
          if (best) rejected.push({ table: best.table, column: best.column, refTable: best.refTable, refColumn: best.refColumn, reason: `a better parent: ${pk.table}`, coverage: best.evidence.coverage, score: best.evidence.score });
          best = fk;
        } else {
          reject(`a better parent: ${best.refTable}`, { coverage: cov.coverage, score });
        }
      }
      if (best) found.push(best);
    }
  }

  // Self-references (a tree: employee.manager_id → employee.employee_id): a column named as a hierarchy link
  // (parent, manager, reports_to, …) or like the table's key, whose values (≥ 99 % of rows) are keys of its own table.
  for (const pk of primaryKeys) {
    const p = byTable.get(pk.table)!;
    const key = p.columns.find((x) => x.name === pk.column)!;
    for (const c of p.columns) {
      if (c.name === pk.column || taken.has(`${p.name}.${c.name}`) || !compatible(c, key) || c.nonNull === 0) continue;
      const hierarchyName = tokens(c.name).some((t) => HIERARCHY_TOKENS.has(t));
      const sim = nameSimilarity(c.name, p.name, pk.column);
      if (!hierarchyName && sim < 0.8) continue;
      const cov = await containment(source, p, c, p, key);
      const cand = { table: p.name, column: c.name, refTable: p.name, refColumn: pk.column };
      if (cov.coverage < MIN_COVERAGE) { rejected.push({ ...cand, reason: `a self-reference with only ${(cov.coverage * 100).toFixed(2)} % of rows contained`, coverage: cov.coverage }); continue; }
      const score = Math.round((0.5 * Math.min(1, (cov.coverage - MIN_COVERAGE) / (1 - MIN_COVERAGE)) + 0.3 * (hierarchyName ? 1 : sim) + 0.2) * 1000) / 1000;
      // one parent per column: the tree wins over another table whose keys merely contain the values
      const other = found.findIndex((f) => f.table === p.name && f.column === c.name);
      if (other >= 0) {
        const o = found[other];
        if (o.evidence.score >= score) { rejected.push({ ...cand, reason: `a better parent: ${o.refTable}`, coverage: cov.coverage, score }); continue; }
        rejected.push({ table: o.table, column: o.column, refTable: o.refTable, refColumn: o.refColumn, reason: `a better parent: ${p.name} (its own tree)`, coverage: o.evidence.coverage, score: o.evidence.score });
        found.splice(other, 1);
      }
      found.push({ ...cand, declared: false, evidence: { coverage: cov.coverage, distinctCoverage: cov.distinctCoverage, childDistinct: c.distinct, parentDistinct: key.distinct,
        nameSimilarity: sim, score, reasons: [`${(cov.coverage * 100).toFixed(2)} % of rows contained`, hierarchyName ? 'a hierarchy name (a tree)' : 'named like its own key (a tree)'] } });
    }
  }

  // By score (ties: table, then column order), skipping those that close a cycle between tables.
  const order = new Map(profiles.flatMap((p) => p.columns.map((c, i) => [`${p.name}.${c.name}`, i] as const)));
  found.sort((a, b) => b.evidence.score - a.evidence.score || a.table.localeCompare(b.table) || order.get(`${a.table}.${a.column}`)! - order.get(`${b.table}.${b.column}`)!);
  const edges = new Map<string, Set<string>>();
  const addEdge = (from: string, to: string) => edges.set(from, (edges.get(from) ?? new Set()).add(to));
  const reaches = (from: string, to: string): boolean => {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length) {
      const x = stack.pop()!;
      if (x === to) return true;
      if (seen.has(x)) continue;
      seen.add(x);
      for (const y of edges.get(x) ?? []) stack.push(y);
    }
    return false;
  };
  for (const fk of foreignKeys) addEdge(fk.table, fk.refTable);
  for (const fk of found) {
    if (fk.table === fk.refTable) {
      foreignKeys.push(fk); // a table's own tree is no cycle between tables
      continue;
    }
    if (reaches(fk.refTable, fk.table)) {
      rejected.push({ table: fk.table, column: fk.column, refTable: fk.refTable, refColumn: fk.refColumn, reason: 'would close a cycle between tables', coverage: fk.evidence.coverage, score: fk.evidence.score });
      continue;
    }
    addEdge(fk.table, fk.refTable);
    foreignKeys.push(fk);
  }
  foreignKeys.sort((a, b) => a.table.localeCompare(b.table) || order.get(`${a.table}.${a.column}`)! - order.get(`${b.table}.${b.column}`)!);
  return { primaryKeys, foreignKeys, rejected };
}

async function containment(source: Source, child: TableProfile, c: ColumnProfile, parent: TableProfile, k: ColumnProfile): Promise<{ coverage: number; distinctCoverage: number }> {
  const cq = quoteIdent(c.name);
  const kq = quoteIdent(k.name);
  const cast = c.kind === 'int' ? '::HUGEINT' : '::VARCHAR';
  const [r] = await source.query(`SELECT sum(n) FILTER (WHERE k IS NOT NULL) AS hit, sum(n) AS total, count(*) FILTER (WHERE k IS NOT NULL) AS dhit, count(*) AS dtotal
      FROM (SELECT ${cq}${cast} AS v, count(*) AS n FROM ${child.sql} WHERE ${cq} IS NOT NULL GROUP BY 1) g
      LEFT JOIN (SELECT DISTINCT ${kq}${cast} AS k FROM ${parent.sql}) p ON g.v = p.k`);
  const total = num(r.total);
  const dtotal = num(r.dtotal);
  return { coverage: total ? num(r.hit ?? 0) / total : 0, distinctCoverage: dtotal ? num(r.dhit ?? 0) / dtotal : 0 };
}
