/**
 * Relations between rows (docs/behaviours/relations.md): hierarchies (a self-lookup's tree) and edge tables.
 * Expected values come from the spec's options and the documented semantics, never from the generator's model:
 * exact promises (acyclic, every row reachable from a root, no self-loops, unique pairs, source < target,
 * max_depth, roots) are hard; statistical ones (branching, mean depth, degree, reciprocity, homophily) are soft
 * with binomial tolerances.
 */
import type { ColumnPlan, TablePlan } from '../ir/types.ts';
import { docColumn, nodePath } from './structural.ts';
import { examples, ident, n, one } from './sql.ts';
import type { CheckModule, CheckResult } from './types.ts';
import { lifetimeModel } from './behaviour/lifetime-model.ts';

type Lookup = Extract<ColumnPlan['generator'], { kind: 'lookup' }>;

function lookupCols(t: TablePlan, via: Lookup['via']): { col: ColumnPlan; g: Lookup }[] {
  return t.columns.flatMap((c) => (c.generator.kind === 'lookup' && c.generator.via === via && c.modifiers.length === 0 ? [{ col: c, g: c.generator }] : []));
}

function result(r: Omit<CheckResult, 'examples' | 'status'> & { ok: boolean; examples?: unknown[] }): CheckResult {
  const { ok, ...rest } = r;
  return { ...rest, examples: r.examples ?? [], status: ok ? 'pass' : r.hard ? 'fail' : 'warn' };
}

/** Hierarchies: the parent column of a table's self-lookups (derive "parent") against its key. */
const hierarchyChecks: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const t of ctx.plan.tables) {
    if (!ctx.present.has(t.id)) continue;
    const parent = lookupCols(t, 'self').find((x) => x.g.hierarchy?.derive === 'parent');
    if (!parent) continue;
    const h = parent.g.hierarchy!;
    const T = ident(t.id);
    const K = ident(parent.g.column);
    const P = ident(parent.col.name);
    const specPath = docColumn(ctx, t.id, parent.col.name)?.path;
    const rows = ctx.rows.get(t.id) ?? n((await one(ctx, `SELECT count(*) AS c FROM ${T}`)).c);
    const guard = Math.max(rows, 1) + 1;
    const walk = `WITH RECURSIVE down(id, d) AS (SELECT ${K}, 0 FROM ${T} WHERE ${P} IS NULL
      UNION ALL SELECT c.${K}, down.d + 1 FROM ${T} c JOIN down ON c.${P} = down.id WHERE down.d < ${guard})`;
    const w = await one(ctx, `${walk} SELECT count(DISTINCT id) AS reached, max(d) AS deepest, avg(d) AS mean, count(*) FILTER (WHERE d = 0) AS roots FROM down`);
    const unreached = rows - n(w.reached);
    out.push(result({
      check: 'hierarchy_acyclic', category: 'structural', table: t.id, column: parent.col.name, hard: true, specPath,
      ok: unreached === 0, expected: 0, observed: unreached, tolerance: 0,
      examples: unreached ? await examples(ctx, `${walk} SELECT CAST(${K} AS VARCHAR) AS k FROM ${T} WHERE ${K} NOT IN (SELECT id FROM down) ORDER BY ${K}`) : [],
      message: unreached === 0 ? `every row of ${t.id} reaches a root through ${parent.col.name} (no cycle, no dangling parent)` : `${unreached} rows of ${t.id} never reach a root through ${parent.col.name} (a cycle or a dangling parent)`,
    }));
    if (h.maxDepth !== null) {
      const deepest = n(w.deepest);
      out.push(result({
        check: 'hierarchy_max_depth', category: 'structural', table: t.id, column: parent.col.name, hard: true, specPath,
        ok: deepest <= h.maxDepth, expected: `≤ ${h.maxDepth}`, observed: deepest, tolerance: 0,
        message: `the deepest row of ${t.id} is at depth ${deepest} (max_depth ${h.maxDepth}, roots at 0)`,
      }));
    }
    const roots = n(w.roots);
    if (h.withinParent) {
      // One tree per parent row: a row and its parent share the parent's key (the lookup's `on` columns).
      const same = parent.g.on.map((k) => `p.${ident(k.remote)} IS NOT DISTINCT FROM c.${ident(k.local)}`).join(' AND ');
      const from = `FROM ${T} c JOIN ${T} p ON p.${K} = c.${P} WHERE NOT (${same})`;
      const bad = n((await one(ctx, `SELECT count(*) AS c ${from}`)).c);
      out.push(result({
        check: 'hierarchy_same_parent', category: 'structural', table: t.id, column: parent.col.name, hard: true, specPath,
        ok: bad === 0, expected: 0, observed: bad, tolerance: 0, examples: bad ? await examples(ctx, `SELECT CAST(c.${K} AS VARCHAR) AS k ${from} ORDER BY c.${K}`) : [],
        message: bad === 0 ? `every row of ${t.id} points at a row with the same ${parent.g.on.map((k) => k.local).join(', ')}` : `${bad} rows of ${t.id} point at a row of another ${parent.g.on.map((k) => k.local).join(', ')}`,
      }));
      continue;
    }
    if (h.roots !== null) {
      const expected = Math.min(h.roots, rows);
      out.push(result({
        check: 'hierarchy_roots', category: 'structural', table: t.id, column: parent.col.name, hard: true, specPath,
        ok: roots === expected, expected, observed: roots, tolerance: 0, message: `${roots} roots in ${t.id} (roots: ${h.roots})`,
      }));
    } else if (rows > 1) {
      const p = h.rootShare!;
      const mean = 1 + p * (rows - 1);
      const tol = 4 * Math.sqrt(p * (1 - p) * (rows - 1)) + 1;
      out.push(result({
        check: 'hierarchy_roots', category: 'behavioural', table: t.id, column: parent.col.name, hard: false, specPath,
        ok: Math.abs(roots - mean) <= tol, expected: round(mean), observed: roots, tolerance: round(tol), message: `${roots} roots in ${t.id}, ${round(mean)} expected from root_share ${p}`,
      }));
    }
    // Branching and depth: the documented process without max_depth (which moves attachments up the tree).
    if (h.maxDepth === null && h.roots !== null && rows >= 1000) {
      const r = h.concentration;
      const leaves = n((await one(ctx, `SELECT count(*) AS c FROM ${T} WHERE ${K} NOT IN (SELECT ${P} FROM ${T} WHERE ${P} IS NOT NULL)`)).c) / rows;
      const expected = 1 / (2 - r);
      const tol = 4 / Math.sqrt(rows) + 0.01 + h.roots / rows;
      out.push(result({
        check: 'hierarchy_branching', category: 'behavioural', table: t.id, column: parent.col.name, hard: false, specPath,
        ok: Math.abs(leaves - expected) <= tol, expected: round(expected), observed: round(leaves), tolerance: round(tol),
        message: `share of ${t.id} rows without children ${round(leaves)}, 1/(2 − concentration) = ${round(expected)} expected`,
      }));
      const meanDepth = expectedMeanDepth(rows, h.roots, r);
      const observed = n(w.mean);
      const dtol = 0.5 + 0.15 * meanDepth;
      out.push(result({
        check: 'hierarchy_depth', category: 'behavioural', table: t.id, column: parent.col.name, hard: false, specPath,
        ok: Math.abs(observed - meanDepth) <= dtol, expected: round(meanDepth), observed: round(observed), tolerance: round(dtol),
        message: `mean depth of ${t.id} rows ${round(observed)}, ${round(meanDepth)} expected`,
      }));
    }
  }
  return out;
};

/**
 * Mean depth over rows 0..n−1 when the first `roots` rows are roots and row i ≥ roots picks a uniform earlier row j
 * and attaches to j's parent with probability r when j has one (depth d_j), else to j (depth d_j + 1):
 * E[d_i] = mean_{j<i} E[d_j] + 1 − r · (non-roots among j < i) / i.
 */
function expectedMeanDepth(rows: number, roots: number, r: number): number {
  let sum = 0;
  for (let i = roots; i < rows; i++) sum += sum / i + 1 - (r * (i - roots)) / i;
  return sum / rows;
}

/** Edge tables: the ends' key columns (lookups of the node table's key, end source and target). */
const edgeChecks: CheckModule = async (ctx) => {
  const out: CheckResult[] = [];
  for (const t of ctx.plan.tables) {
    if (!ctx.present.has(t.id) || t.rows.kind !== 'fanout' || !t.rows.edges) continue;
    const e = t.rows.edges;
    const node = ctx.table(t.rows.parent);
    if (!node?.pk || !ctx.present.has(node.id)) continue;
    const src = lookupCols(t, 'source').find((x) => x.g.column === node.pk);
    const dst = lookupCols(t, 'target').find((x) => x.g.column === node.pk);
    if (!src || !dst) continue;
    const T = ident(t.id);
    const S = ident(src.col.name);
    const D = ident(dst.col.name);
    const specPath = nodePath(ctx, t.id, 'edges');
    const rows = n((await one(ctx, `SELECT count(*) AS c FROM ${T}`)).c);
    const pair = `concat(CAST(${S} AS VARCHAR), ' → ', CAST(${D} AS VARCHAR))`;
    if (!e.allowSelfLoops) {
      const bad = n((await one(ctx, `SELECT count(*) AS c FROM ${T} WHERE ${S} = ${D}`)).c);
      out.push(result({
        check: 'edge_self_loops', category: 'structural', table: t.id, column: `${src.col.name}, ${dst.col.name}`, hard: true, specPath,
        ok: bad === 0, expected: 0, observed: bad, tolerance: 0, examples: bad ? await examples(ctx, `SELECT ${pair} FROM ${T} WHERE ${S} = ${D} ORDER BY 1`) : [],
        message: bad === 0 ? `no edge of ${t.id} joins a node to itself` : `${bad} edges of ${t.id} join a node to itself (allow_self_loops is false)`,
      }));
    }
    if (e.uniquePairs) {
      const key = e.undirected ? `least(${S}, ${D}), greatest(${S}, ${D})` : `${S}, ${D}`;
      const dup = n((await one(ctx, `SELECT count(*) - count(DISTINCT (${key})) AS c FROM ${T}`)).c);
      out.push(result({
        check: 'edge_unique_pairs', category: 'structural', table: t.id, column: `${src.col.name}, ${dst.col.name}`, hard: true, specPath,
        ok: dup === 0, expected: 0, observed: dup, tolerance: 0,
        examples: dup ? await examples(ctx, `SELECT ${pair} FROM ${T} GROUP BY ${S}, ${D} HAVING count(*) > 1 ORDER BY 1`) : [],
        message: dup === 0 ? `no ${e.undirected ? 'pair' : 'directed pair'} appears twice in ${t.id}` : `${dup} repeated ${e.undirected ? 'pairs' : 'directed pairs'} in ${t.id} (unique_pairs is true)`,
      }));
    }
    if (e.undirected) {
      const bad = n((await one(ctx, `SELECT count(*) AS c FROM ${T} WHERE ${S} ${e.allowSelfLoops ? '>' : '>='} ${D}`)).c);
      out.push(result({
        check: 'edge_orientation', category: 'structural', table: t.id, column: `${src.col.name}, ${dst.col.name}`, hard: true, specPath,
        ok: bad === 0, expected: 0, observed: bad, tolerance: 0, examples: bad ? await examples(ctx, `SELECT ${pair} FROM ${T} WHERE ${S} >= ${D} ORDER BY 1`) : [],
        message: bad === 0 ? `every undirected edge of ${t.id} has ${src.col.name} < ${dst.col.name}` : `${bad} undirected edges of ${t.id} have ${src.col.name} ≥ ${dst.col.name}`,
      }));
    }
    if (rows < 100) continue;
    if (!e.undirected) {
      const recip = n((await one(ctx, `SELECT count(*) AS c FROM ${T} a SEMI JOIN ${T} b ON b.${S} = a.${D} AND b.${D} = a.${S} WHERE a.${S} <> a.${D}`)).c) / rows;
      const r = e.reciprocity;
      // Pairs that both ends drew on their own are reciprocated too: about (edges per node) / nodes of the edges more.
      const nodes = ctx.rows.get(node.id) ?? 1;
      const tol = 4 * Math.sqrt(Math.max(r * (1 - r), 1 / rows) / rows) + 0.01 + (2 * rows) / nodes / nodes;
      out.push(result({
        check: 'edge_reciprocity', category: 'behavioural', table: t.id, column: `${src.col.name}, ${dst.col.name}`, hard: false, specPath: nodePath(ctx, t.id, 'edges'),
        ok: Math.abs(recip - r) <= tol, expected: r, observed: round(recip), tolerance: round(tol),
        message: `share of ${t.id} edges whose reverse exists ${round(recip)}, reciprocity ${r} declared`,
      }));
    }
    // A hidden homophily column (a helper such as argmax(taste), not in the file) cannot be compared: no check.
    if (e.homophily && e.homophily.columns.every((c) => node.columns.some((x) => x.name === c))) {
      const equal = e.homophily.columns.map((c) => `a.${ident(c)} = b.${ident(c)}`).join(' AND ');
      const K = ident(node.pk);
      const N = ident(node.id);
      const same = n((await one(ctx, `SELECT avg(CASE WHEN ${equal} THEN 1 ELSE 0 END) AS s FROM ${T} x JOIN ${N} a ON a.${K} = x.${S} JOIN ${N} b ON b.${K} = x.${D}`)).s);
      const h = e.homophily.probability;
      const tol = 4 * Math.sqrt(Math.max(h * (1 - h), 1 / rows) / rows) + 0.01;
      out.push(result({
        check: 'edge_homophily', category: 'behavioural', table: t.id, column: e.homophily.columns.join(', '), hard: false, specPath: nodePath(ctx, t.id, 'edges', 'homophily'),
        ok: Math.abs(same - h) <= tol, expected: h, observed: round(same), tolerance: round(tol),
        message: `share of ${t.id} edges joining equal ${e.homophily.columns.join(' and ')} ${round(same)}, homophily ${h} declared`,
      }));
    }
    const f = t.rows.fanout;
    // A node table with a lifetime: each node draws mean × its exposure (the share of the edge table's time grid
    // inside its lifetime), read from the file by the lifetime model; other vintage shapes are not modelled.
    const life = t.rows.vintage ? await lifetimeModel(ctx, t) : null;
    const plain = t.rows.effects.length === 0 && t.rows.segments.length === 0 && (!t.rows.vintage || life !== null) && f.min === null && f.max === null;
    if (plain) {
      const nodes = ctx.rows.get(node.id) ?? 0;
      const rho = e.reciprocity / (2 - e.reciprocity);
      const exposure = life ? life.groups.reduce((a, g) => a + g.exposure * g.parents, 0) / Math.max(1, life.parents) : 1;
      const expected = f.mean * exposure * (1 + rho);
      const observed = rows / Math.max(1, nodes);
      const variance = f.distribution === 'negative_binomial' ? f.mean + (f.mean * f.mean) / (f.k ?? 1) : f.distribution === 'geometric' ? f.mean * (1 + f.mean) : f.distribution === 'poisson' ? f.mean : 0;
      const tol = 4 * Math.sqrt((variance + 1) / Math.max(1, nodes)) + 0.05 * expected;
      out.push(result({
        check: 'edge_degree', category: 'behavioural', table: t.id, hard: false, specPath: nodePath(ctx, t.id, 'fanout'),
        ok: Math.abs(observed - expected) <= tol, expected: round(expected), observed: round(observed), tolerance: round(tol),
        message: `${round(observed)} edges per ${node.id} row, ${round(expected)} expected (${f.distribution} mean ${f.mean}${life ? ` × mean exposure ${round(exposure)} inside the ${node.id} lifetimes` : ''}${rho ? ` × (1 + ${round(rho)} answered)` : ''}${e.undirected ? '; undirected pairs drawn by both ends count once' : ''})`,
      }));
    }
  }
  return out;
};

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}

export const RELATION_CHECKS: { name: string; run: CheckModule }[] = [
  { name: 'hierarchy', run: hierarchyChecks },
  { name: 'edges', run: edgeChecks },
];

