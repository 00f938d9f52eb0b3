/*
 * What `datagen infer` detects on a small DuckDB file built for the purpose: keys and the columns that only look
 * like keys (an age inside the user-id range, a small quantity, a flag, a status), a foreign-key cycle, dates
 * stored as text / epoch seconds / yyyymmdd, a time inequality, an exact copy of a parent's column, unsupported
 * types (a TODO generator and a warning), names that are no spec identifiers; and the CLI's errors.
 */
import { DuckDBInstance } from '@duckdb/node-api';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { compile, inferSpec, run, type InferResult } from '../../src/index.ts';

let dir: string;
let db: string;
let result: InferResult;

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: { write: (s: string) => void (stdout += s) }, stderr: { write: (s: string) => void (stderr += s) }, isTTY: false, cwd: dir });
  return { code, stdout, stderr };
}

type Node = { id: string; kind: string; pk?: string; parents?: string[]; fanout?: unknown; rows?: number; columns: { name: string; type: string; generator: Record<string, unknown>; null_rate?: number }[] };
const node = (id: string) => (result.spec.nodes as Node[]).find((n) => n.id === id)!;
const column = (t: string, c: string) => node(t).columns.find((x) => x.name === c)!;
const fks = () => result.evidence.keys.foreignKeys.map((f) => `${f.table}.${f.column}->${f.refTable}.${f.refColumn}`);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'datagen-infer-detect-'));
  db = join(dir, 'shop.duckdb');
  const inst = await DuckDBInstance.create(db);
  const conn = await inst.connect();
  await conn.run(`
    CREATE TABLE users AS SELECT i AS user_id, 18 + (hash(i, 'age') % 73)::INTEGER AS level, i % 2 = 0 AS active,
      strftime(TIMESTAMP '2024-01-01' + INTERVAL ((hash(i, 's') % 10000000)::BIGINT) SECOND, '%Y-%m-%d %H:%M:%S') AS signup_text,
      epoch(TIMESTAMP '2024-01-01' + INTERVAL ((hash(i, 'c') % 10000000)::BIGINT) SECOND)::BIGINT AS created_ts,
      CAST(strftime(DATE '2024-01-01' + INTERVAL ((hash(i, 'd') % 200)::INTEGER) DAY, '%Y%m%d') AS INTEGER) AS order_date,
      ['gold', 'silver', 'bronze'][1 + i % 3] AS tier,
      INTERVAL (i) MINUTE AS idle, NULL::TIMESTAMP AS closed_at
    FROM range(1, 301) t(i);
    CREATE TABLE orders AS SELECT i AS order_id, 1 + (i * 31) % 300 AS user_id, 1 + (hash(i, 'q') % 10)::INTEGER AS quantity,
      CASE WHEN hash(i, 'st') % 3 = 0 THEN 'paid' ELSE 'open' END AS status, hash(i, 'f') % 5 = 0 AS flag,
      TIMESTAMP '2024-03-01' + INTERVAL (i * 611) SECOND AS started_at,
      TIMESTAMP '2024-03-01' + INTERVAL (i * 611 + 60 + i % 7 * 60) SECOND AS ended_at,
      ['gold', 'silver', 'bronze'][1 + (1 + (i * 31) % 300) % 3] AS user_tier
    FROM range(1, 2001) t(i);
    CREATE TABLE team AS SELECT i AS team_id, 1 + (i * 7) % 50 AS coach_id FROM range(1, 51) t(i);
    CREATE TABLE coach AS SELECT i AS coach_id, 1 + (i * 11) % 50 AS team_id FROM range(1, 51) t(i);
    CREATE TABLE transfers AS SELECT i AS transfer_id, 1 + (hash(i, 'a') % 300)::INTEGER AS from_user, 1 + (hash(i, 'b') % 300)::INTEGER AS to_user, 1 + (hash(i, 'c') % 300)::INTEGER AS via_user
    FROM range(1, 1001) t(i);
    CREATE TABLE staff AS SELECT i AS staff_id, CASE WHEN i = 1 THEN NULL ELSE 1 + (hash(i, 'm') % (i - 1))::INTEGER END AS manager_id FROM range(1, 201) t(i);
    CREATE TABLE alerts AS SELECT i AS alert_id, 1 + (hash(i, 'j') % 250)::INTEGER AS journey_id, 1 + (hash(i, 'r') % 300)::INTEGER AS recipient_id FROM range(1, 2001) t(i);
    CREATE TABLE parcels AS SELECT i AS parcel_id, ['ups', 'dhl', 'fedex'][1 + (hash(i, 'k') % 3)::INTEGER] AS carrier, hash(i, 'z') % 1000 / 10.0 AS size FROM range(1, 601) t(i);
    ALTER TABLE parcels ADD COLUMN weight DOUBLE; UPDATE parcels SET weight = CASE carrier WHEN 'ups' THEN 1.5 WHEN 'dhl' THEN 2.5 ELSE 3.5 END;
    CREATE TABLE categories AS SELECT ['toys', 'food', 'tools', 'books', 'games'][i] AS category, i * 0.05 AS margin FROM range(1, 6) t(i);
    CREATE TABLE products AS SELECT i AS product_id, c.category, c.margin
      FROM range(1, 401) t(i) JOIN categories c ON c.category = ['toys', 'food', 'tools', 'books', 'games'][1 + (hash(i, 'cat') % 5)::INTEGER];
    CREATE TABLE places AS SELECT i AS place_id FROM range(1, 101) t(i);
    CREATE TABLE visits AS SELECT i AS visit_id, 1 + (hash(i, 'vu') % 300)::INTEGER AS user_id,
      1 + floor(100 * pow((hash(i, 'vp') % 1000000) / 1000000.0, 3))::INTEGER AS place_id FROM range(1, 5001) t(i);
    CREATE TABLE audit (audit_id BIGINT, note VARCHAR, logged_at TIMESTAMP);
    CREATE TABLE "order-lines" AS SELECT i AS "line id", 1 + (hash(i, 'o') % 2000)::INTEGER AS order_id, (hash(i, 'p') % 17)::INTEGER * 1.5 AS "unit price" FROM range(1, 4001) t(i);
  `);
  conn.closeSync();
  inst.closeSync();
  result = await inferSpec(db, { name: 'shop twin' });
});
afterAll(() => dir && !process.env.KEEP && rmSync(dir, { recursive: true, force: true }));

describe('datagen infer detects', () => {
  it('foreign keys, and not the columns that only look like keys', () => {
    expect(result.evidence.keys.primaryKeys.map((k) => `${k.table}.${k.column}`).sort()).toEqual(['alerts.alert_id', 'categories.category', 'coach.coach_id', 'order-lines.line id', 'orders.order_id', 'parcels.parcel_id', 'places.place_id', 'products.product_id', 'staff.staff_id', 'team.team_id', 'transfers.transfer_id', 'users.user_id', 'visits.visit_id']);
    expect(fks()).toContain('orders.user_id->users.user_id');
    expect(fks()).toContain('order-lines.order_id->orders.order_id');
    for (const c of ['users.level', 'orders.quantity', 'orders.flag', 'orders.status']) expect(fks().some((k) => k.startsWith(`${c}->`)), c).toBe(false);
    // a level of 18–90 lies inside orders' keys 1–2000, but covers too little of their range
    const level = result.evidence.keys.rejected.find((r) => r.table === 'users' && r.column === 'level' && r.refTable === 'orders');
    expect(level?.reason).toMatch(/cover .* of the key range/);
    // a role-named key drawing users from the whole range is one; a numbering 1..250 of journeys inside 1..300 is not
    expect(fks()).toContain('alerts.recipient_id->users.user_id');
    expect(fks().some((k) => k.startsWith('alerts.journey_id'))).toBe(false);
    expect(result.evidence.keys.rejected.find((r) => r.column === 'journey_id' && r.refTable === 'users')?.reason).toMatch(/a numbering of its own/);
    const quantity = result.evidence.keys.rejected.find((r) => r.table === 'orders' && r.column === 'quantity' && r.refTable === 'users');
    expect(quantity?.reason).toMatch(/named like a measure/);
  });

  it('no cycle between tables: of team.coach_id → coach and coach.team_id → team, one is left out', () => {
    const kept = fks().filter((k) => k === 'team.coach_id->coach.coach_id' || k === 'coach.team_id->team.team_id');
    expect(kept).toHaveLength(1);
    expect(result.evidence.keys.rejected.some((r) => r.reason === 'would close a cycle between tables')).toBe(true);
  });

  it('dates stored as text, epoch seconds and yyyymmdd, and a time inequality', () => {
    const users = result.evidence.tables.find((t) => t.table === 'users')!;
    const kind = (c: string) => users.columns.find((x) => x.name === c)!;
    expect(kind('signup_text')).toMatchObject({ kind: 'datetime', storedAs: 'text' });
    expect(kind('created_ts')).toMatchObject({ kind: 'datetime', storedAs: 'epoch_s' });
    expect(kind('order_date')).toMatchObject({ kind: 'date', storedAs: 'yyyymmdd' });
    expect(column('users', 'signup_text').type).toBe('datetime');
    expect(column('users', 'order_date').type).toBe('date');
    expect(result.evidence.inequalities.map((q) => `${q.table}: ${q.left} ${q.op} ${q.right}`)).toEqual(['orders: started_at < ended_at']);
    expect((result.spec.constraints as { inequalities: unknown[] }).inequalities).toEqual([{ left: 'orders.started_at', op: '<', right: 'orders.ended_at' }]);
  });

  it('entity and fact nodes, a copy of a parent column as its lookup, a TODO for an unsupported type', () => {
    expect(node('users')).toMatchObject({ kind: 'entity', pk: 'user_id', rows: 300 });
    expect(column('users', 'user_id').generator).toEqual({ sequence: { start: 1, step: 1 } });
    expect(node('orders')).toMatchObject({ kind: 'fact', pk: 'order_id', parents: ['users'] });
    expect(node('orders').fanout).toBeDefined();
    expect(result.evidence.tables.find((t) => t.table === 'orders')!.fanout!.parents).toBe(300);
    expect(column('orders', 'user_tier').generator).toEqual({ lookup: { from: 'users.tier' } });
    expect(column('users', 'idle').generator).toEqual({ choice: { choices: ['TODO'] } });
    expect(result.evidence.warnings.join('\n')).toMatch(/users\.idle: type INTERVAL is not supported/);
  });

  it('a fact with three keys to one parent: the first is the primary parent, the others independent draws', async () => {
    expect(fks().filter((k) => k.startsWith('transfers.'))).toEqual(['transfers.from_user->users.user_id', 'transfers.to_user->users.user_id', 'transfers.via_user->users.user_id']);
    expect(node('transfers')).toMatchObject({ kind: 'fact', parents: ['users'] });
    expect(column('transfers', 'from_user').generator).toEqual({ lookup: { from: 'users.user_id' } });
    expect(column('transfers', 'to_user').generator).toEqual({ choice: { choices_ref: 'users.user_id' } });
    expect(column('transfers', 'via_user').generator).toEqual({ choice: { choices_ref: 'users.user_id' } });
    const twin = join(dir, 'twin.duckdb');
    await run(result.spec as never, { out: twin });
    const inst = await DuckDBInstance.create(twin, { access_mode: 'READ_ONLY' });
    const conn = await inst.connect();
    const [r] = (await conn.runAndReadAll(`SELECT count(*) AS n, count(*) FILTER (WHERE to_user = via_user) AS same,
        count(*) FILTER (WHERE to_user NOT IN (SELECT user_id FROM users) OR via_user NOT IN (SELECT user_id FROM users)) AS dangling FROM transfers`)).getRowObjectsJS();
    conn.closeSync();
    inst.closeSync();
    expect(Number(r.n)).toBeGreaterThan(500);
    expect(Number(r.dangling)).toBe(0);
    expect(Number(r.same) / Number(r.n)).toBeLessThan(0.05); // independent draws over 300 users
  });

  it('a tree: a self-referencing key named as a hierarchy link becomes a lookup of its own table with the tree\'s shape', () => {
    expect(fks()).toContain('staff.manager_id->staff.staff_id');
    const g = column('staff', 'manager_id').generator as { lookup: { from: string; hierarchy: { roots: number; max_depth: number; concentration: number } } };
    expect(g.lookup.from).toBe('staff.staff_id');
    expect(g.lookup.hierarchy.roots).toBe(1);
    expect(g.lookup.hierarchy.max_depth).toBeGreaterThan(2);
    expect(column('staff', 'manager_id').null_rate).toBeUndefined(); // the root's null comes from the tree
    expect(node('staff').kind).toBe('entity');
  });

  it('an exact function of a category becomes a lookup table weighted by its row counts (its weight column named apart)', () => {
    expect(result.evidence.dependencies.filter((d) => d.table === 'parcels').map((d) => [d.determinants, d.dependents])).toEqual([[['carrier'], ['weight']]]);
    const lt = node('parcels_carrier');
    expect(lt.kind).toBe('vocab');
    expect(lt.columns.map((c) => c.name)).toEqual(['carrier', 'weight', 'weight_rows']);
    expect((lt.columns[0].generator as { enum_list: { values: unknown[] } }).enum_list.values).toEqual(['dhl', 'fedex', 'ups']);
    expect((lt.columns[2].generator as { enum_list: { values: number[] } }).enum_list.values.reduce((a, b) => a + b, 0)).toBe(600);
    expect(column('parcels', 'weight').generator).toEqual({ lookup: { from: 'parcels_carrier.weight', weights_by: 'parcels_carrier.weight_rows' } });
    expect(node('parcels')).toMatchObject({ kind: 'entity', pk: 'parcel_id' });
  });

  it('a parent of 5 rows is no fanout: the child keeps its row count and picks the key by weight, copies follow it', async () => {
    expect(fks()).toContain('products.category->categories.category');
    expect(node('products')).toMatchObject({ kind: 'entity', pk: 'product_id', rows: 400 });
    expect(column('products', 'category').generator).toEqual({ lookup: { from: 'categories.category', weights_by: 'categories.products_category_rows' } });
    expect(column('products', 'margin').generator).toEqual({ lookup: { from: 'categories.margin', weights_by: 'categories.products_category_rows' } });
    const hidden = node('categories').columns.find((c) => c.name === 'products_category_rows') as unknown as { hidden?: boolean; generator: { expression: { code: string } } };
    expect(hidden.hidden).toBe(true);
    expect(hidden.generator.expression.code).toMatch(/^category == "1" \? \d+ : category == "2"/);
    const twin = join(dir, 'tiny-twin.duckdb');
    await run(result.spec as never, { out: twin });
    const inst = await DuckDBInstance.create(twin, { access_mode: 'READ_ONLY' });
    const conn = await inst.connect();
    const [r] = (await conn.runAndReadAll(`SELECT count(*) AS n, count(*) FILTER (WHERE p.margin IS NOT DISTINCT FROM c.margin) AS same, count(DISTINCT p.category) AS cats
        FROM products p JOIN categories c ON c.category = p.category`)).getRowObjectsJS();
    conn.closeSync();
    inst.closeSync();
    expect(Number(r.n)).toBe(400);
    expect(Number(r.same)).toBe(400);
    expect(Number(r.cats)).toBe(5);
  });

  it('a second key to another parent is drawn ∝ a fitted popularity of that parent: popular places stay popular', async () => {
    expect(node('visits')).toMatchObject({ kind: 'fact', parents: ['users'] });
    expect(column('visits', 'place_id').generator).toEqual({ lookup: { from: 'places.place_id', weights_by: 'places.visits_place_id_rows' } });
    const hidden = node('places').columns.find((c) => c.name === 'visits_place_id_rows') as { hidden?: boolean; type: string };
    expect(hidden).toMatchObject({ hidden: true, type: 'float' });
    expect(result.evidence.tables.find((t) => t.table === 'places')!.added!.map((a) => a.name)).toEqual(['visits_place_id_rows']);
    const twin = join(dir, 'popular-twin.duckdb');
    await run(result.spec as never, { out: twin });
    // share of the visits held by the 10 busiest places, source vs twin
    const top10 = async (file: string) => {
      const inst = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
      const conn = await inst.connect();
      const [r] = (await conn.runAndReadAll(`SELECT sum(n) FILTER (WHERE rk <= 10) / sum(n) AS share FROM (SELECT count(*) AS n, row_number() OVER (ORDER BY count(*) DESC) AS rk FROM visits GROUP BY place_id)`)).getRowObjectsJS();
      conn.closeSync();
      inst.closeSync();
      return Number(r.share);
    };
    const [src, tw] = [await top10(db), await top10(twin)];
    expect(src).toBeGreaterThan(0.4); // ~46 %: place_id = 1 + ⌊100 u³⌋
    expect(Math.abs(tw - src)).toBeLessThan(0.1); // uniform draws would give ~10 %
  });

  it('an empty table and a column without values still give generators that compile (times over the timeframe)', () => {
    expect(node('audit')).toMatchObject({ kind: 'fact', rows: 0 });
    const tf = result.spec.timeframe as { start: string; end: string };
    expect(column('users', 'closed_at')).toMatchObject({ type: 'datetime', nullable: true, null_rate: 1, generator: { datetime_series: { within: { start: tf.start, end: tf.end } } } });
    expect(column('audit', 'logged_at').generator).toMatchObject({ datetime_series: { within: { start: tf.start, end: tf.end } } });
  });

  it('names that are no identifiers are renamed in the spec, which compiles', () => {
    expect(node('order_lines').columns.map((c) => c.name)).toEqual(['line_id', 'order_id', 'unit_price']);
    expect(node('order_lines')).toMatchObject({ kind: 'fact', parents: ['orders'], pk: 'line_id' });
    expect(result.evidence.tables.some((t) => t.table === 'order-lines')).toBe(true);
    expect(compile(result.spec).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});

describe('datagen infer (CLI)', () => {
  it('writes the spec to standard output without -o, the same as the library', async () => {
    const r = await cli('infer', 'shop.duckdb', '--tables', 'users,orders');
    expect(r.code).toBe(0);
    const spec = JSON.parse(r.stdout);
    expect(spec.nodes.map((n: Node) => n.id)).toEqual(['users', 'orders']);
    expect(spec).toEqual(JSON.parse(JSON.stringify((await inferSpec(db, { tables: ['users', 'orders'], shownAs: 'shop.duckdb' })).spec)));
    expect(r.stderr).toMatch(/warning: users\.idle/);
  });

  it('refuses bad sources and options with a code, before writing anything', async () => {
    let r = await cli('infer', 'nothing.duckdb', '-o', 'spec.json');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/DG_SOURCE_MISSING/);
    r = await cli('infer', 'shop.duckdb', '--tables', 'users,nope', '-o', 'spec.json');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/DG_SOURCE_TABLE.*"nope"/);
    writeFileSync(join(dir, 'notes.json'), '{"mine": true}\n');
    r = await cli('infer', 'shop.duckdb', '-o', 'notes.json');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/DG_OUTPUT_NOT_OURS/);
    expect(readFileSync(join(dir, 'notes.json'), 'utf8')).toBe('{"mine": true}\n');
    r = await cli('infer', 'shop.duckdb', '-o', 'shop.duckdb', '--force');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/DG_OUTPUT_IS_INPUT/);
    r = await cli('infer', 'shop.duckdb', '--sample', '0');
    expect(r.code).toBe(2);
  });

  it('replaces its own outputs, and the evidence and report say what they are', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await cli('infer', 'shop.duckdb', '-o', 'spec.json', '--evidence', 'e.json', '--report', 'r.html', '-q');
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('');
    }
    expect(JSON.parse(readFileSync(join(dir, 'e.json'), 'utf8')).datagenInfer).toBeTypeOf('string');
    const html = readFileSync(join(dir, 'r.html'), 'utf8');
    expect(html).toContain('orders.user_id');
    expect(html).toContain('would close a cycle');
  });
});
