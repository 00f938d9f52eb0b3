/*
 * Self-references (issue 14 §1, docs/behaviours/relations.md): the v1 self-lookup runs unmodified; every row points
 * at an EARLIER row (or is a null root), the tree is acyclic and the same for any chunk size and worker count;
 * depth, path and root agree with the parent links; the non-nullable rule is a compile error.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runPlan, type RunOptions } from '../../src/run/run.ts';
import { compile } from '../../src/plan/compile.ts';
import { compileOrThrow, Db, EXAMPLES_DIR, readJson, tempFile } from '../support/run-spec.ts';

const opened: Db[] = [];
afterAll(() => opened.forEach((d) => d.close()));

/** The earlier tool's spelling, unmodified: a nullable manager_id looked up from the node's own key. */
const V1 = {
  version: '1.0',
  metadata: { name: 'v1 self lookup' },
  timeframe: { start: '2024-01-01', end: '2024-12-31', freq: 'D' },
  nodes: [
    {
      id: 'employee', kind: 'entity', rows: 3000, pk: 'employee_id',
      columns: [
        { name: 'employee_id', type: 'int', generator: { sequence: { start: 1 } } },
        { name: 'name', type: 'string', generator: { faker: { method: 'name' } } },
        { name: 'manager_id', nullable: true, type: 'int', generator: { lookup: { from: 'employee.employee_id' } } },
      ],
    },
  ],
  constraints: {},
};

let lastWorkers = 0;

async function open(doc: unknown, opts: RunOptions = {}): Promise<Db> {
  const plan = compileOrThrow(doc);
  const out = tempFile(`${plan.slug}.duckdb`);
  lastWorkers = (await runPlan(plan, { ...opts, out })).workers;
  const db = await Db.open(out);
  opened.push(db);
  return db;
}

describe('self-references (hierarchies)', () => {
  it('runs the v1 self-lookup unmodified: one null root, every other row points at an earlier row', async () => {
    const db = await open(V1);
    const r = (await db.rows(`SELECT count(*) AS n, count(*) FILTER (WHERE manager_id IS NULL) AS roots,
      count(*) FILTER (WHERE manager_id >= employee_id) AS not_earlier,
      count(*) FILTER (WHERE manager_id IS NOT NULL AND manager_id NOT IN (SELECT employee_id FROM employee)) AS dangling FROM employee`))[0];
    expect(r).toEqual({ n: 3000, roots: 1, not_earlier: 0, dangling: 0 });
    // Acyclic: walking up from every row reaches the root.
    const reached = await db.value(`WITH RECURSIVE up(id, m, d) AS (SELECT employee_id, manager_id, 0 FROM employee
      UNION ALL SELECT up.id, e.manager_id, up.d + 1 FROM up JOIN employee e ON e.employee_id = up.m WHERE up.d < 3000)
      SELECT count(DISTINCT id) FROM up WHERE m IS NULL`);
    expect(reached).toBe(3000);
    // Default concentration 0.5: the share of employees nobody reports to tends to 1/(2 − 0.5) = 2/3.
    const leaves = await db.value('SELECT count(*) FROM employee WHERE employee_id NOT IN (SELECT manager_id FROM employee WHERE manager_id IS NOT NULL)');
    expect(Math.abs(leaves / 3000 - 2 / 3)).toBeLessThan(0.03);
  });

  it('org_chart example: depth, path and title agree with the links; max_depth holds', async () => {
    const db = await open(readJson(new URL('org_chart.json', EXAMPLES_DIR)));
    const bad = await db.value(`SELECT count(*) FROM employee e LEFT JOIN employee m ON m.employee_id = e.manager_id
      WHERE NOT (CASE WHEN e.manager_id IS NULL THEN e.level = 0 AND e.reporting_path = CAST(e.employee_id AS VARCHAR)
                 ELSE e.level = m.level + 1 AND e.reporting_path = m.reporting_path || '/' || CAST(e.employee_id AS VARCHAR) END)`);
    expect(bad).toBe(0);
    expect(await db.value('SELECT max(level) FROM employee')).toBe(6);
    expect(await db.value("SELECT count(*) FROM employee WHERE (level = 0) <> (title = 'CEO')")).toBe(0);
    // The approver of an expense is the filer's manager.
    expect(await db.value('SELECT count(*) FROM expense x JOIN employee e USING (employee_id) WHERE x.approver_id IS DISTINCT FROM e.manager_id')).toBe(0);
  });

  it('is the same tree for any chunk size and worker count', async () => {
    const doc = structuredClone(readJson(new URL('org_chart.json', EXAMPLES_DIR)));
    doc.nodes[0].rows = 30_000;
    const digest = async (opts: RunOptions) => {
      const db = await open(doc, opts);
      return db.value("SELECT md5(string_agg(concat_ws(',', employee_id, manager_id, level, reporting_path), ';' ORDER BY rowid)) FROM employee");
    };
    const base = await digest({ workers: 1 });
    expect(await digest({ workers: 1, chunkRows: 777 })).toBe(base);
    expect(await digest({ workers: 3, chunkRows: 1000, workerTaskRows: 5000, workerMinRows: 1 })).toBe(base);
    expect(lastWorkers).toBeGreaterThan(1); // the ranges really went to generation workers
  });

  it('replies within a post: on the parent key, one tree per parent row, the same for any chunking', async () => {
    const doc = {
      version: '1.0', metadata: { name: 'threads' }, timeframe: { start: '2024-01-01', end: '2024-12-31', freq: 'D' }, seed: 5,
      nodes: [
        { id: 'post', kind: 'entity', rows: 1500, pk: 'post_id', columns: [{ name: 'post_id', type: 'int', generator: { sequence: { start: 1 } } }] },
        {
          id: 'comment', kind: 'fact', parents: ['post'], pk: 'comment_id', fanout: { distribution: 'poisson', lambda: 8 },
          columns: [
            { name: 'comment_id', type: 'int', generator: { sequence: { start: 1 } } },
            { name: 'post_id', type: 'int', generator: { lookup: { from: 'post.post_id' } } },
            { name: 'reply_to', type: 'int', nullable: true, generator: { lookup: { from: 'comment.comment_id', on: { post_id: 'post_id' }, hierarchy: { root_share: 0.3 } } } },
            { name: 'depth', type: 'int', generator: { lookup: { from: 'comment.comment_id', on: { post_id: 'post_id' }, derive: 'depth' } } },
          ],
        },
      ],
      constraints: {},
    };
    const db = await open(doc);
    const r = (await db.rows(`SELECT count(*) AS n,
        count(*) FILTER (WHERE c.reply_to IS NOT NULL AND (p.comment_id IS NULL OR p.post_id <> c.post_id OR p.comment_id >= c.comment_id)) AS bad,
        count(*) FILTER (WHERE c.depth <> coalesce(p.depth + 1, 0)) AS bad_depth,
        count(*) FILTER (WHERE c.reply_to IS NULL) AS roots
      FROM comment c LEFT JOIN comment p ON p.comment_id = c.reply_to`))[0];
    expect(r.bad).toBe(0);
    expect(r.bad_depth).toBe(0);
    // Every post's first comment is a root; the others with probability 0.3.
    const posts = await db.value('SELECT count(DISTINCT post_id) FROM comment');
    const expected = posts + 0.3 * (r.n - posts);
    expect(Math.abs(r.roots - expected)).toBeLessThan(5 * Math.sqrt(0.21 * (r.n - posts)));
    expect(await db.value('SELECT count(*) FROM (SELECT post_id, min(comment_id) AS first FROM comment GROUP BY 1) f JOIN comment c ON c.comment_id = f.first WHERE c.reply_to IS NOT NULL')).toBe(0);
    const digest = (d: Db) => d.value("SELECT md5(string_agg(concat_ws(',', comment_id, reply_to, depth), ';' ORDER BY rowid)) FROM comment");
    const base = await digest(db);
    expect(await digest(await open(doc, { workers: 1, chunkRows: 333 }))).toBe(base);
    expect(await digest(await open(doc, { workers: 3, chunkRows: 500, workerTaskRows: 2000, workerMinRows: 1 }))).toBe(base);
  });

  it('a uuid4 key: parents, depth and root read the evaluated keys, the same for any chunking and workers', async () => {
    const doc = structuredClone(V1);
    doc.nodes[0].rows = 6000;
    doc.nodes[0].columns[0] = { name: 'employee_id', type: 'string', generator: { faker: { method: 'uuid4' } } } as never;
    (doc.nodes[0].columns[2] as Record<string, unknown>).type = 'string';
    doc.nodes[0].columns.push({ name: 'lvl', type: 'int', generator: { lookup: { from: 'employee.employee_id', derive: 'depth' } as never } } as never);
    doc.nodes[0].columns.push({ name: 'boss', type: 'string', generator: { lookup: { from: 'employee.employee_id', derive: 'root' } as never } } as never);
    const db = await open(doc, { workers: 1, chunkRows: 700 });
    const r = (await db.rows(`SELECT count(*) FILTER (WHERE e.manager_id IS NULL) AS roots,
        count(*) FILTER (WHERE e.manager_id IS NOT NULL AND m.employee_id IS NULL) AS dangling,
        count(*) FILTER (WHERE e.lvl <> coalesce(m.lvl + 1, 0) OR e.boss <> coalesce(m.boss, e.employee_id)) AS incoherent
      FROM employee e LEFT JOIN employee m ON m.employee_id = e.manager_id`))[0];
    expect(r).toEqual({ roots: 1, dangling: 0, incoherent: 0 });
    const digest = (d: Db) => d.value("SELECT md5(string_agg(concat_ws(',', employee_id, manager_id, lvl, boss), ';' ORDER BY rowid)) FROM employee");
    const base = await digest(db);
    expect(await digest(await open(doc, { workers: 1 }))).toBe(base);
    expect(await digest(await open(doc, { workers: 3, chunkRows: 500, workerTaskRows: 1500, workerMinRows: 1 }))).toBe(base);
  });

  it('refuses a non-nullable self-lookup and options it cannot honour, with pointers', () => {
    const notNull = structuredClone(V1);
    (notNull.nodes[0].columns[2] as Record<string, unknown>).nullable = false;
    const d = compile(notNull).diagnostics.filter((x) => x.severity === 'error');
    expect(d.map((x) => [x.code, x.path])).toEqual([['DG_SELF_LOOKUP', '/nodes/0/columns/2/nullable']]);
    const keyed = structuredClone(V1);
    (keyed.nodes[0].columns[2].generator.lookup as Record<string, unknown>).on = { name: 'name' };
    expect(compile(keyed).diagnostics.filter((x) => x.severity === 'error').map((x) => [x.code, x.path])).toEqual([['DG_NOT_SUPPORTED', '/nodes/0/columns/2/generator/lookup/on']]);
    const weighted = structuredClone(V1);
    (weighted.nodes[0].columns[2].generator.lookup as Record<string, unknown>).weights_by = 'employee.employee_id';
    expect(compile(weighted).diagnostics.filter((x) => x.severity === 'error').map((x) => [x.code, x.path])).toEqual([['DG_NOT_SUPPORTED', '/nodes/0/columns/2/generator/lookup/weights_by']]);
    const clash = structuredClone(V1);
    clash.nodes[0].columns.push({ name: 'depth', type: 'int', generator: { lookup: { from: 'employee.employee_id', derive: 'depth', hierarchy: { max_depth: 3 } } as never } } as never);
    (clash.nodes[0].columns[2].generator.lookup as Record<string, unknown>).hierarchy = { max_depth: 4 };
    expect(compile(clash).diagnostics.some((x) => x.code === 'DG_CONFLICTING_PICK')).toBe(true);
  });
});
