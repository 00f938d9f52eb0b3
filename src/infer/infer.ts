/**
 * `datagen infer` (issue 21): a source's tables → an editable, deterministic spec, plus the evidence for every
 * choice. The pipeline: profile (profile.ts) → keys (keys.ts) → exact dependencies (dependencies.ts) → per table a
 * node and per column a generator (fits from fit/) → a spec in foreign-key order. Method and decisions: docs/infer.md.
 */
import { isReservedTable } from '../plan/spec-checks.ts';
import { quoteIdent } from '../sinks/sql.ts';
import { compile } from '../plan/compile.ts';
import { detectPii, fitCategorical, fitFanout, fitNumeric, fitText, fitTime, type ColumnFit, type FitEvidence } from './fit/index.ts';
import { findFunctionalDependencies, findTimeInequalities, type FunctionalDependency, type TimeInequality } from './dependencies.ts';
import { findKeys, findPrimaryKeys, type ForeignKey, type Keys, type PrimaryKey } from './keys.ts';
import { profileSource, sampleNumbers, sampleStrings, sampleTable, topValues, type ColumnProfile, type TableProfile } from './profile.ts';
import { openSource, type Source } from './source.ts';

export interface InferOptions {
  /** Keep only these tables. */
  tables?: string[];
  /** Rows sampled per table for the fits (default 50,000). */
  sample?: number;
  /** A literal value (category, lookup-table row) is written only if at least this many rows hold it (default 5). */
  minCount?: number;
  /** The spec's metadata.name (default: from the source's name). */
  name?: string;
  /** The source as the spec and the evidence name it (default: its location). */
  shownAs?: string;
  /** Called with a line per step (for --verbose / progress). */
  log?: (line: string) => void;
}

interface ColumnEvidence {
  name: string;
  sqlType: string;
  kind: ColumnProfile['kind'];
  storedAs?: ColumnProfile['storedAs'];
  nullRate: number;
  distinct: number;
  /** What the column became: its primary key, a foreign key, a value of a dependency, a fitted generator, a TODO. */
  role: 'pk' | 'fk' | 'dependent' | 'fit' | 'todo';
  /** The generator emitted, in short (e.g. `distribution lognormal`, `lookup airports.iata`). */
  generator: string;
  fit?: FitEvidence;
  note?: string;
}

interface TableEvidence {
  table: string;
  rows: number;
  sampleRows: number;
  node: { id: string; kind: 'entity' | 'fact' | 'vocab'; why: string };
  primaryParent?: { table: string; column: string; why: string };
  fanout?: { parents: number; mean: number; zeros: number; fanout: Record<string, unknown>; evidence: FitEvidence;
    /** Parents with 0, 1, …, 19 children, and with 20 or more (the last). */
    histogram: number[] };
  columns: ColumnEvidence[];
  /** Hidden columns infer added (the weights of other tables' picks of this one). */
  added?: { name: string; generator: string; why: string }[];
}

export interface InferEvidence {
  source: { kind: string; location: string };
  options: { sample: number; minCount: number };
  tables: TableEvidence[];
  /** Inferred lookup tables (exact functions of other columns), with how many combinations were kept. */
  lookupTables: { id: string; table: string; determinants: string[]; dependents: string[]; combinations: number; kept: number; keptRows: number; rows: number }[];
  keys: Keys;
  dependencies: FunctionalDependency[];
  inequalities: TimeInequality[];
  warnings: string[];
  /** Problems `compile` found in the emitted spec (none expected: a non-empty list is a bug to report). */
  specDiagnostics: string[];
}

export interface InferResult {
  spec: Record<string, unknown>;
  evidence: InferEvidence;
}

type Json = Record<string, unknown>;
const DEFAULT_SAMPLE = 50_000;
/** Integer columns with at most this many distinct values are categories when no distribution family is accepted. */
const SMALL_INT_DISTINCT = 30;
/** A parent with fewer rows than this is no fanout's parent: its key is a weighted draw (the child keeps its row count). */
const TINY_PARENT = 30;
/** Text columns with at most this many distinct values are tried as categories. */
const CATEGORY_DISTINCT = 10_000;

const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : Number(v ?? NaN));
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

function specType(c: ColumnProfile): string {
  switch (c.kind) {
    case 'int': return 'int';
    case 'float': return 'float';
    case 'decimal': return 'decimal';
    case 'bool': return 'bool';
    case 'date': return 'date';
    case 'datetime': return 'datetime';
    default: return 'string';
  }
}

function describeGenerator(g: Json): string {
  const [k, v] = Object.entries(g)[0] ?? ['?', {}];
  const o = (v ?? {}) as Json;
  if (k === 'distribution') return `distribution ${String(o.type)}`;
  if (k === 'lookup') return `lookup ${String(o.from)}${o.on ? ` on ${JSON.stringify(o.on)}` : ''}${o.weights_by ? ` ∝ ${String(o.weights_by)}` : ''}`;
  if (k === 'faker') return `faker ${String(o.method)}`;
  if (k === 'choice') return o.choices_ref ? `choice of ${String(o.choices_ref)}` : `choice of ${Array.isArray(o.choices) ? o.choices.length : '?'}`;
  if (k === 'datetime_series') return `datetime_series ${String(o.freq ?? '')}${o.pattern ? ' with pattern' : ''}`;
  return k;
}

/** Infer a spec from a source (a path, a postgresql:// URL, or an open Source that the caller closes). */
export async function inferSpec(from: string | Source, options: InferOptions = {}): Promise<InferResult> {
  const source = typeof from === 'string' ? await openSource(from, { tables: options.tables }) : from;
  try {
    return await inferFromSource(source, options);
  } finally {
    if (typeof from === 'string') source.close();
  }
}

async function inferFromSource(source: Source, options: InferOptions): Promise<InferResult> {
  const sampleN = options.sample ?? DEFAULT_SAMPLE;
  const minCount = options.minCount ?? 5;
  const log = options.log ?? (() => {});
  const warnings: string[] = [];
  const t0 = performance.now();
  const step = (what: string) => log(`${what} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);

  // datagen's own tables (labels, manifest) in a file datagen wrote are not data to imitate.
  const own = source.tables.filter((t) => isReservedTable(t.name));
  if (own.length) {
    source.tables = source.tables.filter((t) => !isReservedTable(t.name));
    warnings.push(`datagen's own table${own.length > 1 ? 's' : ''} ${own.map((t) => t.name).join(', ')} skipped`);
  }
  const profiles = await profileSource(source);
  step(`profiled ${profiles.length} table(s)`);
  const primaryKeys = findPrimaryKeys(source, profiles);
  const keys = await findKeys(source, { profiles, primaryKeys });
  step(`keys: ${keys.primaryKeys.length} primary, ${keys.foreignKeys.length} foreign`);

  const samples = new Map<string, string>();
  const dependencies: FunctionalDependency[] = [];
  const inequalities: TimeInequality[] = [];
  for (const p of profiles) {
    samples.set(p.name, await sampleTable(source, p, sampleN));
    dependencies.push(...(await findFunctionalDependencies(source, p, samples.get(p.name)!, keys, profiles)));
    inequalities.push(...(await findTimeInequalities(source, p)));
  }
  step(`dependencies: ${dependencies.length} functional, ${inequalities.length} time inequalities`);

  const pkOf = new Map<string, PrimaryKey>(keys.primaryKeys.map((k) => [k.table, k]));
  // foreign keys to other tables; a table's own tree (a self-reference) is emitted apart
  const fksOf = (t: string) => keys.foreignKeys.filter((f) => f.table === t && f.refTable !== t);
  const selfFk = (t: string, c: string) => keys.foreignKeys.find((f) => f.table === t && f.refTable === t && f.column === c);
  const profileOf = (t: string) => profiles.find((p) => p.name === t)!;
  const ids = new Set(profiles.map((p) => p.name));

  // Which tables are entities (a parent whose keys are renumbered 1..N): a lookup table may hold their keys.
  const hasParent = (t: string) => fksOf(t).length > 0;
  const entityLike = (t: string) => pkOf.has(t) && !hasParent(t);

  // Lookup tables: one per table (the dependency with the most dependents), only when every foreign key among its
  // columns references an entity (whose generated keys are its ranks).
  const lookupOf = new Map<string, { fd: FunctionalDependency; id: string; weight: string }>();
  const lookupEvidence: InferEvidence['lookupTables'] = [];
  const lookupNodes: Json[] = [];
  for (const p of profiles) {
    const fds = dependencies.filter((d) => d.table === p.name && d.via === 'table').sort((a, b) => b.dependents.length - a.dependents.length || a.determinants.length - b.determinants.length);
    const fd = fds.find((d) => [...d.determinants, ...d.dependents].every((c) => { const fk = fksOf(p.name).find((f) => f.column === c); return !fk || entityLike(fk.refTable); }));
    for (const other of fds) if (other !== fd) warnings.push(`${p.name}: ${other.dependents.join(', ')} ${other.dependents.length > 1 ? 'are' : 'is'} an exact function of ${other.determinants.join(', ')}, not emitted (v1 emits one lookup table per table)`);
    if (!fd) continue;
    let id = `${p.name}_${fd.determinants.join('_')}`.replace(/[^A-Za-z0-9_]/g, '_');
    while (ids.has(id)) id = `${id}_lookup`;
    const built = await lookupTable(source, p, fd, fksOf(p.name), profiles, minCount);
    if (!built.kept) {
      warnings.push(`${p.name}: ${fd.dependents.join(', ')} depend exactly on ${fd.determinants.join(', ')}, but no combination has ${minCount} rows: not emitted`);
      continue;
    }
    ids.add(id);
    lookupOf.set(p.name, { fd, id, weight: built.weight });
    lookupNodes.push({ id, kind: 'vocab', columns: built.columns });
    lookupEvidence.push({ id, table: p.name, determinants: fd.determinants, dependents: fd.dependents, combinations: fd.evidence.combinations, kept: built.kept, keptRows: built.keptRows, rows: fd.evidence.rows });
  }

  // Time window of the spec: every time column's range; grid: the finest grain.
  let tMin = Infinity;
  let tMax = -Infinity;
  let grain: 'T' | 'H' | 'D' = 'D';
  for (const p of profiles) {
    for (const c of p.columns) {
      if (!c.timeSql || typeof c.min !== 'number' || typeof c.max !== 'number') continue;
      tMin = Math.min(tMin, c.min);
      tMax = Math.max(tMax, c.max);
      if (c.grain === 'T' || (c.grain === 'H' && grain === 'D')) grain = c.grain;
    }
  }
  const timeframe = Number.isFinite(tMin) ? { start: iso(tMin), end: iso(Math.max(tMax, tMin + 86_400_000)), freq: grain } : { start: '2025-01-01T00:00:00Z', end: '2025-12-31T23:59:59Z', freq: 'D' };

  const tableEvidence: TableEvidence[] = [];
  /** Hidden weight columns added to tiny parents (the weights of their children's picks). */
  const hiddenColumns: { table: string; column: Json; why: string }[] = [];
  const nodes = new Map<string, Json>();
  for (const p of profiles) {
    const pk = pkOf.get(p.name);
    const fks = fksOf(p.name);
    const lookup = lookupOf.get(p.name);
    const inLookup = new Set(lookup ? [...lookup.fd.determinants, ...lookup.fd.dependents] : []);
    const parentCopies = dependencies.filter((d) => d.table === p.name && d.via === 'parent');
    // A key to a tiny entity (fewer than TINY_PARENT rows: 5 categories, 3 stores) is a weighted draw of its keys, and
    // the table keeps its own row count: as a fanout of 5 parents the twin's row count would be a sum of 5 draws.
    const tiny = new Set(fks.filter((f) => !inLookup.has(f.column) && entityLike(f.refTable) && profileOf(f.refTable).rows < TINY_PARENT).map((f) => f.column));
    // The primary parent: the best-scored other foreign key (ties: column order) not drawn from a lookup table.
    const primary = fks.filter((f) => !inLookup.has(f.column) && !tiny.has(f.column)).sort((a, b) => b.evidence.score - a.evidence.score || colIndex(p, a.column) - colIndex(p, b.column))[0];
    // The row's plain pick of a parent (lookups without `on` share it): taken by the first key to that parent that is
    // a tiny parent's weighted draw or has copies of parent columns, so those copies belong to the key's row. Other
    // keys to other rows of the parent (choices_ref) are independent draws; copies through them are fitted instead.
    const pickOf = new Map<string, ForeignKey>();
    const byColumn = [...fks].sort((a, b) => colIndex(p, a.column) - colIndex(p, b.column));
    for (const pass of [true, false]) {
      for (const f of byColumn) {
        if (inLookup.has(f.column) || f === primary || f.refTable === primary?.refTable || pickOf.has(f.refTable)) continue;
        const wanted = tiny.has(f.column) || parentCopies.some((d) => d.determinants[0] === f.column);
        if (wanted === pass) pickOf.set(f.refTable, f);
      }
    }
    const isPicked = (f: ForeignKey) => f === primary || pickOf.get(f.refTable) === f;
    // Tiny parents' keys: their weights; for the picked one, a hidden weight column of the parent.
    const pickWeights = new Map<string, string>(); // refTable → the parent's hidden weight column of the pick
    const tinyWeights = new Map<string, { keys: (number | string)[]; weights: number[]; picked: boolean }>();
    for (const f of fks.filter((x) => tiny.has(x.column))) {
      const w = await keyWeights(source, p, f, profileOf(f.refTable));
      const picked = pickOf.get(f.refTable) === f && /^[A-Za-z_][A-Za-z0-9_]*$/.test(f.refColumn);
      tinyWeights.set(f.column, { ...w, picked });
      if (!picked) continue;
      const hidden = `${p.name}_${f.column}_rows`;
      const lit = (k: number | string) => (typeof k === 'number' ? String(k) : JSON.stringify(k));
      const code = w.keys.map((k, i) => `${f.refColumn} == ${lit(k)} ? ${w.weights[i]} : `).join('') + '0';
      hiddenColumns.push({ table: f.refTable, column: { name: hidden, type: 'int', hidden: true, generator: { expression: { code } } }, why: `the rows of ${p.name} per ${f.refTable} row: the weights of its ${f.column}` });
      pickWeights.set(f.refTable, `${f.refTable}.${hidden}`);
    }
    // Any other picked key: parents drawn ∝ a hidden popularity column of the parent, fitted on the source's children
    // per parent (zeros included), so the twin's children per parent follow the source's (a hub is popular).
    const popularity = new Map<string, FitEvidence>();
    for (const [ref, f] of pickOf) {
      if (tiny.has(f.column)) continue;
      const counts = await fanoutCounts(source, p, f, profileOf(ref));
      let lo = Infinity;
      let hi = -Infinity;
      for (const x of counts) {
        lo = Math.min(lo, x);
        hi = Math.max(hi, x);
      }
      if (counts.length < 2 || lo === hi) continue; // every parent alike: uniform
      const sorted = Float64Array.from(counts).sort();
      const step = Math.max(1, Math.floor(sorted.length / sampleN));
      const fit = fitNumeric(step > 1 ? sorted.filter((_, i) => i % step === 0) : sorted, { integer: true, minCount });
      const hidden = `${p.name}_${f.column}_rows`;
      hiddenColumns.push({ table: ref, column: { name: hidden, type: 'float', hidden: true, generator: fit.generator, modifiers: [...(fit.modifiers ?? []), { transform: 'clamp', args: { min: 0 } }] },
        why: `a popularity fitted on the rows of ${p.name} per ${ref} row (${fit.evidence.family}): the weights of its ${f.column}` });
      pickWeights.set(ref, `${ref}.${hidden}`);
      popularity.set(f.column, fit.evidence);
    }
    const node: Json = { id: p.name };
    const ev: TableEvidence = { table: p.name, rows: p.rows, sampleRows: Math.min(p.rows, sampleN), node: { id: p.name, kind: 'entity', why: '' }, columns: [] };
    if (primary) {
      const counts = await fanoutCounts(source, p, primary, profileOf(primary.refTable));
      const fit = fitFanout(counts, { minCount });
      const mean = counts.reduce((a, b) => a + b, 0) / Math.max(1, counts.length);
      Object.assign(node, { kind: 'fact', parents: [primary.refTable], fanout: fit.fanout });
      ev.node = { id: p.name, kind: 'fact', why: `rows per ${primary.refTable} row through ${primary.column}` };
      ev.primaryParent = { table: primary.refTable, column: primary.column, why: fks.length > 1 ? `the best-scored of ${fks.length} foreign keys (ties: column order)` : 'its only foreign key' };
      const histogram = new Array<number>(21).fill(0);
      for (const c of counts) histogram[Math.min(20, c)]++;
      while (histogram.length > 1 && histogram[histogram.length - 1] === 0) histogram.pop();
      ev.fanout = { parents: counts.length, mean: Math.round(mean * 1000) / 1000, zeros: counts.filter((c) => c === 0).length, fanout: fit.fanout, evidence: fit.evidence, histogram };
    } else if (pk && !fks.some((f) => inLookup.has(f.column))) {
      Object.assign(node, { kind: 'entity', pk: pk.column, rows: p.rows, lifetime: false });
      ev.node = { id: p.name, kind: 'entity', why: tiny.size ? `a primary key, and keys only to tables of fewer than ${TINY_PARENT} rows (${[...tiny].join(', ')}: weighted draws)` : 'a primary key and no parent' };
    } else {
      Object.assign(node, { kind: 'fact', rows: p.rows });
      ev.node = { id: p.name, kind: 'fact', why: lookup ? `its foreign keys are drawn with ${lookup.fd.dependents.join(', ')} from the lookup table ${lookup.id}` : pk ? 'a primary key, and foreign keys only to non-entities' : 'no primary key and no parent' };
    }
    if (pk && node.kind === 'fact') node.pk = pk.column;
    const columns: Json[] = [];
    for (const c of p.columns) {
      const col: Json = { name: c.name, type: specType(c) };
      const cev: ColumnEvidence = { name: c.name, sqlType: c.sqlType, kind: c.kind, ...(c.storedAs ? { storedAs: c.storedAs } : {}), nullRate: round(c.nullRate, 6), distinct: c.distinct, role: 'fit', generator: '' };
      const fk = fks.find((f) => f.column === c.name);
      const tree = selfFk(p.name, c.name);
      const copy = parentCopies.find((d) => d.dependents.includes(c.name));
      let nullable = c.nullRate > 0;
      if (tree && pk) {
        const h = await hierarchyOf(source, p, pk.column, c.name);
        col.generator = { lookup: { from: `${p.name}.${pk.column}`, hierarchy: h.hierarchy } };
        cev.role = 'fk';
        cev.note = `a tree over the table's own rows: ${h.note}`;
        if (nullable) col.nullable = true; // roots are null by construction: no null_rate
        nullable = false;
      } else if (pk?.column === c.name) {
        col.generator = { sequence: { start: 1, step: 1 } };
        cev.role = 'pk';
        cev.note = `renumbered 1..N in the order of the source's keys (evidence: ${pk.evidence.reasons.join(', ')})`;
        nullable = false;
      } else if (lookup && inLookup.has(c.name)) {
        col.generator = { lookup: { from: `${lookup.id}.${c.name}`, weights_by: `${lookup.id}.${lookup.weight}` } };
        cev.role = fk ? 'fk' : 'dependent';
        cev.note = lookup.fd.dependents.includes(c.name) ? `an exact function of ${lookup.fd.determinants.join(', ')}` : `drawn with ${lookup.fd.dependents.join(', ')} by combination frequency`;
      } else if (fk && tiny.has(fk.column)) {
        const w = tinyWeights.get(fk.column)!;
        cev.role = 'fk';
        cev.note = `a draw of the ${profileOf(fk.refTable).rows} ${fk.refTable} keys weighted by their rows here (a parent too small for a fanout)`;
        // picked: weights as a hidden column of the parent, so the key is a pick and copies of the parent's columns follow it
        col.generator = w.picked ? { lookup: { from: `${fk.refTable}.${fk.refColumn}`, weights_by: pickWeights.get(fk.refTable)! } } : { choice: { choices: w.keys, weights: w.weights } };
      } else if (fk && pickOf.get(fk.refTable) === fk) {
        const weights = pickWeights.get(fk.refTable);
        col.generator = { lookup: { from: `${fk.refTable}.${fk.refColumn}`, ...(weights ? { weights_by: weights } : {}) } };
        cev.role = 'fk';
        const pop = popularity.get(fk.column);
        if (pop) cev.fit = pop;
        cev.note = weights ? `the key of a ${fk.refTable} row drawn ∝ its hidden popularity ${weights} (fitted on the rows per ${fk.refTable} row, zeros included)`
          : `the key of a uniformly drawn ${fk.refTable} row (every ${fk.refTable} row has as many rows here)`;
      } else if (fk) {
        // the primary parent's key; any other foreign key: the key of a uniformly drawn parent row, each drawn on its
        // own (lookups without `on` would share one pick: two keys to one parent would always be equal)
        col.generator = fk === primary ? { lookup: { from: `${fk.refTable}.${fk.refColumn}` } } : { choice: { choices_ref: `${fk.refTable}.${fk.refColumn}` } };
        cev.role = 'fk';
        cev.note = fk === primary ? 'the primary parent' : `the key of a uniformly drawn ${fk.refTable} row`;
        if (fk === primary) nullable = false;
      } else if (copy && isPicked(fks.find((f) => f.column === copy.determinants[0])!)) {
        const fkc = copy.determinants[0];
        const via = fks.find((f) => f.column === fkc)!;
        const weights = via === primary ? undefined : pickWeights.get(via.refTable);
        col.generator = { lookup: { from: `${via.refTable}.${copy.parentColumns![c.name]}`, ...(weights ? { weights_by: weights } : {}) } };
        cev.role = 'dependent';
        cev.note = `equal to ${via.refTable}.${copy.parentColumns![c.name]} through ${fkc} on every row`;
      } else {
        const fit = await fitColumn(source, p, samples.get(p.name)!, c, minCount, warnings, timeframe);
        col.generator = fit.generator;
        if (fit.modifiers?.length) col.modifiers = fit.modifiers;
        cev.fit = fit.evidence;
        if (fit.evidence.family === 'todo') cev.role = 'todo';
      }
      if (nullable) {
        col.nullable = true;
        col.null_rate = Math.max(0.0001, round(c.nullRate, 4));
      }
      cev.generator = describeGenerator(col.generator as Json);
      columns.push(col);
      ev.columns.push(cev);
    }
    node.columns = columns;
    // keys in the order a person writes them: id, kind, pk, rows or parents and fanout, lifetime, columns
    const order = ['id', 'kind', 'pk', 'rows', 'parents', 'fanout', 'lifetime', 'columns'];
    nodes.set(p.name, Object.fromEntries(order.filter((k) => k in node).map((k) => [k, node[k]])));
    tableEvidence.push(ev);
    step(`table ${p.name}: ${ev.node.kind}`);
  }

  for (const h of hiddenColumns) {
    (nodes.get(h.table)!.columns as Json[]).push(h.column);
    const ev = tableEvidence.find((t) => t.table === h.table)!;
    (ev.added ??= []).push({ name: String(h.column.name), generator: describeGenerator(h.column.generator as Json), why: h.why });
  }

  // Nodes in dependency order: lookup tables and parents first.
  const deps = new Map<string, Set<string>>();
  for (const [id, n] of nodes) {
    const d = new Set<string>();
    for (const c of n.columns as Json[]) {
      const g = c.generator as Json;
      if (g.lookup) d.add(String((g.lookup as Json).from).split('.')[0]);
      const ref = (g.choice as Json | undefined)?.choices_ref;
      if (ref) d.add(String(ref).split('.')[0]);
    }
    for (const par of (n.parents as string[] | undefined) ?? []) d.add(par);
    d.delete(id);
    deps.set(id, d);
  }
  const ordered: Json[] = [...lookupNodes];
  const done = new Set(lookupNodes.map((n) => String(n.id)));
  const pending = [...nodes.keys()];
  while (pending.length) {
    const i = pending.findIndex((id) => [...deps.get(id)!].every((d) => done.has(d)));
    const id = pending.splice(i < 0 ? 0 : i, 1)[0];
    ordered.push(nodes.get(id)!);
    done.add(id);
  }

  const constraints: Json = {};
  const unique = keys.primaryKeys.map((k) => `${k.table}.${k.column}`);
  if (unique.length) constraints.unique = unique;
  if (keys.foreignKeys.length) constraints.foreign_keys = keys.foreignKeys.map((f) => ({ from: `${f.table}.${f.column}`, to: `${f.refTable}.${f.refColumn}` }));
  if (inequalities.length) constraints.inequalities = inequalities.map((q) => ({ left: `${q.table}.${q.left}`, op: q.op, right: `${q.table}.${q.right}` }));

  const shown = options.shownAs ?? source.location;
  const name = options.name ?? sourceName(shown);
  const spec: Json = {
    version: '1.0',
    metadata: { name, description: `Inferred by datagen infer from ${source.kind} source ${shown} (${profiles.length} table${profiles.length === 1 ? '' : 's'}).` },
    timeframe,
    seed: 42,
    nodes: ordered,
    constraints,
  };
  renameToIdentifiers(spec);
  const compiled = compile(spec);
  const specDiagnostics = compiled.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} at ${d.path}: ${d.message}`);
  step('spec compiled');
  return {
    spec,
    evidence: {
      source: { kind: source.kind, location: shown },
      options: { sample: sampleN, minCount },
      tables: tableEvidence,
      lookupTables: lookupEvidence,
      keys,
      dependencies,
      inequalities,
      warnings,
      specDiagnostics,
    },
  };
}

/** A spec identifier from a source name: letters, digits and _, not starting with a digit, not `__x__`, ≤ 128. */
function identifier(name: string, taken: Set<string>): string {
  let id = name.replace(/[^A-Za-z0-9_]+/g, '_').slice(0, 120) || 'x';
  if (/^[0-9]/.test(id)) id = `c_${id}`;
  if (/^__.*__$/.test(id)) id = id.replace(/^_+|_+$/g, '') || 'x';
  let out = id;
  for (let i = 2; taken.has(out.toLowerCase()); i++) out = `${id}_${i}`;
  taken.add(out.toLowerCase());
  return out;
}

/**
 * Source names that are no spec identifiers (spaces, dashes, names differing only in case…) are renamed in place —
 * node ids, column names and every "table.column" reference — so the spec compiles; the evidence keeps the
 * source's names.
 */
function renameToIdentifiers(spec: Json): void {
  const nodes = spec.nodes as Json[];
  const tables = new Map<string, string>();
  const columns = new Map<string, Map<string, string>>();
  const takenTables = new Set<string>();
  for (const n of nodes) {
    const id = String(n.id);
    tables.set(id, identifier(id, takenTables));
    const taken = new Set<string>();
    columns.set(id, new Map((n.columns as Json[]).map((c) => [String(c.name), identifier(String(c.name), taken)])));
  }
  const ref = (r: string) => {
    const dot = r.indexOf('.');
    const t = r.slice(0, dot);
    const c = r.slice(dot + 1);
    return `${tables.get(t) ?? t}.${columns.get(t)?.get(c) ?? c}`;
  };
  for (const n of nodes) {
    const id = String(n.id);
    const cols = columns.get(id)!;
    n.id = tables.get(id);
    if (typeof n.pk === 'string') n.pk = cols.get(n.pk) ?? n.pk;
    if (Array.isArray(n.parents)) n.parents = n.parents.map((x: string) => tables.get(x) ?? x);
    for (const c of n.columns as Json[]) {
      c.name = cols.get(String(c.name));
      const choice = (c.generator as Json).choice as Json | undefined;
      if (choice?.choices_ref) choice.choices_ref = ref(String(choice.choices_ref));
      const lookup = (c.generator as Json).lookup as Json | undefined;
      if (lookup) {
        lookup.from = ref(String(lookup.from));
        if (lookup.weights_by) lookup.weights_by = ref(String(lookup.weights_by));
      }
    }
  }
  const k = spec.constraints as Json;
  if (Array.isArray(k.unique)) k.unique = k.unique.map(ref);
  if (Array.isArray(k.foreign_keys)) k.foreign_keys = (k.foreign_keys as Json[]).map((f) => ({ from: ref(String(f.from)), to: ref(String(f.to)) }));
  if (Array.isArray(k.inequalities)) k.inequalities = (k.inequalities as Json[]).map((q) => ({ left: ref(String(q.left)), op: q.op, right: ref(String(q.right)) }));
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d;
const colIndex = (p: TableProfile, c: string) => p.columns.findIndex((x) => x.name === c);

function sourceName(location: string): string {
  const base = location.replace(/[?#].*$/, '').replace(/\/+$/, '').split(/[\\/]/).pop() ?? 'source';
  const stem = base.replace(/\.(duckdb|db|parquet|csv|tsv)$/i, '');
  return `${stem || 'source'} twin`;
}

/**
 * The shape of a table's own tree (a self-referencing key): its roots (null links, or links to the row itself) as a
 * count when few (the first rows are the roots) else a share, its greatest depth, and the concentration r from
 * the share L of rows without children (the generator's leaves share is 1/(2 − r): r = 2 − 1/L).
 */
async function hierarchyOf(source: Source, p: TableProfile, pk: string, link: string): Promise<{ hierarchy: Json; note: string }> {
  const k = quoteIdent(pk);
  const l = quoteIdent(link);
  const [r] = await source.query(`WITH RECURSIVE d(k, depth) AS (
        SELECT ${k}, 0 FROM ${p.sql} WHERE ${l} IS NULL OR ${l} = ${k}
        UNION ALL SELECT t.${k}, d.depth + 1 FROM ${p.sql} t JOIN d ON t.${l} = d.k WHERE t.${l} <> t.${k} AND d.depth < 200)
      SELECT (SELECT count(*) FROM ${p.sql} WHERE ${l} IS NULL OR ${l} = ${k}) AS roots, (SELECT max(depth) FROM d) AS depth,
        (SELECT count(*) FROM ${p.sql} WHERE ${k} NOT IN (SELECT ${l} FROM ${p.sql} WHERE ${l} IS NOT NULL)) AS leaves, (SELECT count(*) FROM ${p.sql}) AS n`);
  const roots = num(r.roots);
  const n = Math.max(1, num(r.n));
  const leaves = num(r.leaves) / n;
  const depth = num(r.depth ?? 0);
  const concentration = round(Math.min(0.95, Math.max(0, 2 - 1 / Math.max(leaves, 0.5))), 3);
  const hierarchy: Json = roots <= 20 ? { roots: Math.max(1, roots) } : { root_share: round(roots / n, 4) };
  hierarchy.concentration = concentration;
  if (depth >= 1) hierarchy.max_depth = depth;
  return { hierarchy, note: `${roots} root(s), depth up to ${depth}, ${(leaves * 100).toFixed(1)} % of rows without children` };
}

/**
 * The renumbered keys of a parent (1..N in the order of its source keys, as text for a text key) held by the
 * child's rows, with their row counts: the weights of a draw of the key.
 */
async function keyWeights(source: Source, child: TableProfile, fk: ForeignKey, parent: TableProfile): Promise<{ keys: (number | string)[]; weights: number[] }> {
  const k = parent.columns.find((x) => x.name === fk.refColumn);
  const order = k?.kind === 'string' ? `${quoteIdent(fk.refColumn)}::VARCHAR` : quoteIdent(fk.refColumn);
  const rows = await source.query(`SELECT p.r AS r, count(*) AS n FROM (SELECT ${quoteIdent(fk.refColumn)} AS k, row_number() OVER (ORDER BY ${order}) AS r FROM ${parent.sql}) p
      JOIN ${child.sql} c ON c.${quoteIdent(fk.column)} = p.k GROUP BY p.r ORDER BY p.r`);
  const text = k?.kind !== 'int';
  return { keys: rows.map((r) => (text ? String(num(r.r)) : num(r.r))), weights: rows.map((r) => num(r.n)) };
}

/** Children per parent row (zeros included), in the order of the parent's keys. */
async function fanoutCounts(source: Source, child: TableProfile, fk: ForeignKey, parent: TableProfile): Promise<number[]> {
  const rows = await source.query(`SELECT count(c.k) AS n FROM (SELECT ${quoteIdent(fk.refColumn)} AS k FROM ${parent.sql}) p
      LEFT JOIN (SELECT ${quoteIdent(fk.column)} AS k FROM ${child.sql}) c ON c.k = p.k GROUP BY p.k ORDER BY p.k`);
  return rows.map((r) => num(r.n));
}

/**
 * The rows of a lookup table for an exact dependency: each combination of the determinants held by at least
 * `minCount` rows, with its dependents' values and its row count (`weight`). Foreign keys are written as the
 * rank of the parent's key (the parent's generated keys are 1..N in the order of its source keys).
 */
async function lookupTable(source: Source, p: TableProfile, fd: FunctionalDependency, fks: ForeignKey[], profiles: TableProfile[], minCount: number): Promise<{ columns: Json[]; kept: number; keptRows: number; weight: string }> {
  const cols = [...fd.determinants, ...fd.dependents];
  const joins: string[] = [];
  const select = cols.map((c, i) => {
    const fk = fks.find((f) => f.column === c);
    // text in the order of its characters (a DuckDB ENUM sorts by its declaration order)
    const text = (col: string, kind: string | undefined) => (kind === 'string' ? `${col}::VARCHAR` : col);
    if (!fk) return `${text(`t.${quoteIdent(c)}`, p.columns.find((x) => x.name === c)?.kind)} AS "c${i}"`;
    const parent = profiles.find((x) => x.name === fk.refTable)!;
    const key = text(quoteIdent(fk.refColumn), parent.columns.find((x) => x.name === fk.refColumn)?.kind);
    joins.push(`LEFT JOIN (SELECT ${quoteIdent(fk.refColumn)} AS k, row_number() OVER (ORDER BY ${key}) AS r FROM ${parent.sql}) j${i} ON j${i}.k = t.${quoteIdent(c)}`);
    return `j${i}.r AS "c${i}"`;
  });
  const notNull = fd.determinants.map((c) => `t.${quoteIdent(c)} IS NOT NULL`).join(' AND ');
  const rows = await source.query(`SELECT ${select.join(', ')}, count(*) AS n FROM ${p.sql} t ${joins.join(' ')} WHERE ${notNull}
      GROUP BY ALL HAVING count(*) >= ${minCount} ORDER BY ${cols.map((_, i) => `"c${i}"`).join(', ')}`);
  const columns: Json[] = cols.map((c, i) => {
    const prof = p.columns.find((x) => x.name === c)!;
    const fk = fks.find((f) => f.column === c);
    const values = rows.map((r) => toJsonValue(r[`c${i}`], prof, !!fk));
    return { name: c, type: specType(prof), generator: { enum_list: { values } } };
  });
  let weight = 'weight';
  while (cols.some((c) => c.toLowerCase() === weight)) weight = `${weight}_rows`;
  columns.push({ name: weight, type: 'int', generator: { enum_list: { values: rows.map((r) => num(r.n)) } } });
  return { columns, kept: rows.length, keptRows: rows.reduce((a, r) => a + num(r.n), 0), weight };
}

function toJsonValue(v: unknown, c: ColumnProfile, isKey: boolean): unknown {
  if (v === null || v === undefined) return null;
  if (isKey) return c.kind === 'int' ? num(v) : String(num(v));
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string') return v;
  if (v instanceof Date) return iso(v.getTime());
  return String(v);
}

const PERSON_TABLE = /(^|_)(users?|customers?|clients?|employees?|members?|persons?|people|contacts?|patients?|students?|staff|authors?|drivers?|passengers?|accounts?|subscribers?|guests?|buyers?|sellers?|owners?|agents?|candidates?|applicants?|players?|athletes?|teachers?|doctors?)($|_)/i;
const PERSON_COLUMN = /(^|_)(e_?mail|first_?name|last_?name|surname|birth|dob|phone|gender|age)($|_)/i;

/** A table of people: named so, or with columns only people have (an e-mail, a first name, a birth date, …). */
function personLike(p: TableProfile): boolean {
  return PERSON_TABLE.test(p.name) || p.columns.some((c) => PERSON_COLUMN.test(c.name));
}

/** A column's generator from its values (helper B's fits), by kind. */
async function fitColumn(source: Source, p: TableProfile, sample: string, c: ColumnProfile, minCount: number, warnings: string[], timeframe: { start: string; end: string }): Promise<ColumnFit> {
  const categorical = async () => fitCategorical(await topValues(source, p, c), c.nonNull, c.distinct, { minCount });
  switch (c.kind) {
    case 'bool':
      return (await categorical()) ?? { generator: { choice: { choices: [true, false] } }, evidence: { n: c.nonNull, family: 'choice', note: 'too few rows per value: equal weights' } };
    case 'date':
    case 'datetime': {
      const v = await sampleNumbers(source, sample, c);
      // a column without values (empty table, all null) spans the spec's timeframe
      const lo = typeof c.min === 'number' ? c.min : Date.parse(timeframe.start);
      const hi = typeof c.max === 'number' ? c.max : Date.parse(timeframe.end);
      return fitTime(v, { start: iso(lo), end: iso(Math.max(hi, lo + 1000)), freq: c.grain });
    }
    case 'int':
    case 'float':
    case 'decimal': {
      const numeric = fitNumeric(await sampleNumbers(source, sample, c), { integer: c.kind === 'int', minCount });
      // A few integer values: a count family when one is accepted (seats ~ Poisson), else their exact weights.
      if (c.kind === 'int' && c.distinct <= SMALL_INT_DISTINCT && !numeric.generator.distribution) {
        const f = await categorical();
        if (f) return f;
      }
      return numeric;
    }
    case 'uuid':
      return { generator: { faker: { method: 'uuid4' } }, evidence: { n: c.nonNull, family: 'faker:uuid4', note: 'a UUID column' } };
    case 'string': {
      const values = await sampleStrings(source, sample, c);
      const pii = detectPii(c.name, values);
      // a bare `name` is a person's only in a table of people: an airport's or a product's name is not
      if (pii && !(c.name.toLowerCase() === 'name' && (pii.generator.faker as Json | undefined)?.method === 'name' && !personLike(p))) return pii;
      if (c.distinct <= CATEGORY_DISTINCT) {
        const f = await categorical();
        if (f) return f;
      }
      return fitText(values);
    }
    default:
      warnings.push(`${p.name}.${c.name}: type ${c.sqlType} is not supported: a TODO generator (a constant "TODO") to edit`);
      return { generator: { choice: { choices: ['TODO'] } }, evidence: { n: 0, family: 'todo', note: `unsupported type ${c.sqlType}` } };
  }
}
