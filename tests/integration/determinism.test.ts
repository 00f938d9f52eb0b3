/*
 * Determinism (DSL.md §4, DESIGN.md decisions 2–3): same document + same seed → identical tables
 * whatever the chunk size; a different seed changes them; adding a column or a table never changes
 * the values of the others; scale changes row counts proportionally.
 *
 * Two inputs: the compat spec simple_users_events.json and PROBE below, a small spec of our own that
 * exercises a vocab, choices_ref, picked and `on` lookups, weights_by, a fact of a fact (child
 * identity), table- and column-level effects, trend, jitter, time_jitter, seasonality, outliers
 * (labels), expressions (parent.*, bool, date) and null_rate.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { runPlan, type RunOptions } from '../../src/run/run.ts';
import { canonicalJson } from '../../src/plan/canonical.ts';
import { compile, type CompileOptions } from '../../src/plan/compile.ts';
import { quoteIdent as q } from '../../src/sinks/sql.ts';
import { COMPAT_DIR, compileOrThrow, Db, readJson, tempFile } from '../support/run-spec.ts';

const clone = <T>(x: T): T => structuredClone(x);

const HOURS = [0.2, 0.1, 0.1, 0.1, 0.1, 0.3, 0.6, 1.0, 1.3, 1.5, 1.5, 1.4, 1.4, 1.4, 1.4, 1.5, 1.6, 1.7, 1.6, 1.3, 1.0, 0.7, 0.5, 0.3];

const PROBE = {
  version: '1.0',
  metadata: { name: 'Determinism Probe' },
  timeframe: { start: '2024-01-01T00:00:00Z', end: '2024-06-30T23:59:59Z', freq: 'H' },
  seed: 11,
  nodes: [
    {
      id: 'region', kind: 'vocab', pk: 'code',
      columns: [
        { name: 'code', type: 'string', generator: { enum_list: { values: ['N', 'S', 'E', 'W'] } } },
        { name: 'lift', type: 'float', generator: { enum_list: { values: [1.0, 1.2, 0.8, 1.5] } } },
      ],
    },
    {
      id: 'promo', kind: 'entity', pk: 'promo_id', rows: 12,
      columns: [
        { name: 'promo_id', type: 'int', generator: { sequence: { start: 1 } } },
        { name: 'region', type: 'string', generator: { choice: { choices_ref: 'region.code' } } },
        { name: 'starts_at', type: 'datetime', generator: { datetime_series: { within: 'timeframe', freq: 'D' } } },
        { name: 'ends_at', type: 'datetime', generator: { expression: { code: 'starts_at + 10 * 86400000' } } },
        { name: 'boost', type: 'float', generator: { distribution: { type: 'uniform', params: { low: 1.2, high: 2.0 } } } },
      ],
    },
    {
      id: 'customer', kind: 'entity', pk: 'customer_id', rows: 400,
      columns: [
        { name: 'customer_id', type: 'int', generator: { sequence: { start: 1000, step: 3 } } },
        { name: 'name', type: 'string', generator: { faker: { method: 'name' } } },
        { name: 'region', type: 'string', generator: { lookup: { from: 'region.code' } } },
        { name: 'tier', type: 'string', generator: { choice: { choices: ['a', 'b', 'c'], weights_kind: 'zipf@1.3' } } },
        { name: 'credit', type: 'float', nullable: true, null_rate: 0.1, generator: { distribution: { type: 'gamma', params: { shape: 2, scale: 50 } } } },
        { name: 'signup', type: 'date', generator: { datetime_series: { within: 'timeframe', freq: 'D' } } },
      ],
    },
    {
      id: 'product', kind: 'entity', pk: 'product_id', rows: 60,
      columns: [
        { name: 'product_id', type: 'int', generator: { sequence: {} } },
        { name: 'price', type: 'float', generator: { distribution: { type: 'lognormal', params: { mean: 3, sigma: 0.6 }, clamp: [1, 500] } } },
        { name: 'popularity', type: 'float', generator: { distribution: { type: 'pareto', params: { alpha: 1.5, scale: 1 } } } },
      ],
    },
    {
      id: 'order', kind: 'fact', pk: 'order_id', parents: ['customer', 'product'],
      fanout: { distribution: 'negative_binomial', lambda: 5, k: 2, min: 0, max: 40 },
      modifiers: [{ transform: 'effect', args: { effect_table: 'promo', on: {}, window: { start_col: 'starts_at', end_col: 'ends_at' }, map: { field: 'boost', op: 'mul', default: 1 } } }],
      columns: [
        { name: 'order_id', type: 'int', generator: { sequence: {} } },
        { name: 'customer_id', type: 'int', generator: { lookup: { from: 'customer.customer_id' } } },
        { name: 'region', type: 'string', generator: { lookup: { from: 'customer.region' } } },
        { name: 'product_id', type: 'int', generator: { lookup: { from: 'product.product_id', weights_by: 'product.popularity' } } },
        { name: 'unit_price', type: 'float', generator: { lookup: { from: 'product.price' } }, modifiers: [{ transform: 'jitter', args: { std: 0.05, mode: 'mul' } }] },
        {
          name: 'ordered_at', type: 'datetime',
          generator: { datetime_series: { within: 'timeframe', freq: 'H', pattern: { dimension: 'dow', weights: [1, 1, 1, 1, 1.2, 0.7, 0.6] } } },
          modifiers: [{ transform: 'seasonality', args: { dimension: 'hour', weights: HOURS } }, { transform: 'time_jitter', args: { std_minutes: 15 } }],
        },
        { name: 'qty', type: 'int', generator: { distribution: { type: 'poisson', params: { lambda: 2 }, clamp: [1, 20] } } },
        {
          name: 'amount', type: 'float', generator: { expression: { code: 'unit_price * qty' } },
          modifiers: [
            { transform: 'effect', args: { effect_table: 'promo', on: { region: 'region' }, window: { start_col: 'starts_at', end_col: 'ends_at' }, map: { field: 'boost', op: 'mul', default: 1 } } },
            { transform: 'trend', args: { type: 'linear', growth_rate: 0.2, time_reference: 'ordered_at' } },
            { transform: 'outliers', args: { rate: 0.03, mode: 'spike', magnitude_dist: { type: 'uniform', params: { low: 2, high: 5 } } } },
          ],
        },
        { name: 'big', type: 'bool', generator: { expression: { code: 'amount > 100' } } },
        { name: 'ship_day', type: 'date', generator: { expression: { code: 'ordered_at + 2 * 86400000' } } },
        { name: 'channel', type: 'string', nullable: true, null_rate: 0.05, generator: { choice: { choices: ['web', 'app'], weights: [0.6, 0.4] } } },
        { name: 'region_lift', type: 'float', generator: { lookup: { from: 'region.lift', on: { region: 'code' } } } },
      ],
    },
    {
      id: 'order_line', kind: 'fact', pk: 'line_id', parents: ['order'],
      fanout: { distribution: 'poisson', lambda: 1.5, min: 1, max: 6 },
      columns: [
        { name: 'line_id', type: 'int', generator: { sequence: {} } },
        { name: 'order_id', type: 'int', generator: { lookup: { from: 'order.order_id' } } },
        { name: 'note', type: 'string', generator: { faker: { method: 'word' } } },
        { name: 'share', type: 'float', generator: { expression: { code: 'parent.amount / 2' } } },
        { name: 'returned', type: 'bool', generator: { choice: { choices: [true, false], weights: [0.1, 0.9] } } },
      ],
    },
  ],
  constraints: {},
};

const SIMPLE = readJson(new URL('simple_users_events.json', COMPAT_DIR));
/** Every v1 generator and modifier, a vocab node, a table-level effect and labelled outliers. */
const PATTERNS = readJson(new URL('test_patterns.json', COMPAT_DIR));
/** Segments, vintage and a stage funnel (DSL §5.1–5.3): children per parent, stage rows and picks must not depend on chunking. */
const HEALTHCARE = readJson(new URL('healthcare_patient_journey.json', COMPAT_DIR));

/** Order-sensitive (insertion order = rowid) digest of some columns (default all) of a table. */
async function digest(db: Db, table: string, columns?: string[]): Promise<string> {
  const cols = columns ?? (await db.rows(`SELECT column_name FROM information_schema.columns WHERE table_name = '${table}' ORDER BY ordinal_position`)).map((r) => r.column_name as string);
  return String(await db.value(`SELECT md5(string_agg(md5(CAST(ROW(${cols.map(q).join(', ')}) AS VARCHAR)), '' ORDER BY rowid)) || ':' || count(*) FROM ${q(table)}`));
}

interface Output { db: Db; digests: Record<string, string>; rows: Record<string, number> }
const opened: Db[] = [];
afterAll(() => opened.forEach((d) => d.close()));

/** Compile + run; digest every node table and _labels (not the manifest: it holds timings). */
async function produce(doc: unknown, opts: CompileOptions & RunOptions = {}): Promise<Output> {
  const plan = compileOrThrow(doc, opts);
  const out = tempFile(`${plan.slug}.duckdb`);
  const r = await runPlan(plan, { ...opts, out });
  const db = await Db.open(out);
  opened.push(db);
  const digests: Record<string, string> = {};
  for (const t of [...plan.tables.map((t) => t.id), '_labels', '_label_events']) digests[t] = await digest(db, t);
  return { db, digests, rows: Object.fromEntries(r.tables.map((t) => [t.table, t.rows])) };
}

const nodeIds = (doc: any): string[] => doc.nodes.map((n: any) => n.id);
const columnNames = (doc: any, table: string): string[] => doc.nodes.find((n: any) => n.id === table).columns.map((c: any) => c.name);

/** A table whose columns are all sequences / enum lists does not depend on the seed. */
const hasRandomColumns = (node: any): boolean => node.columns.some((c: any) => !('sequence' in c.generator || 'enum_list' in c.generator));

for (const [name, doc] of [['simple_users_events', SIMPLE], ['test_patterns', PATTERNS], ['probe', PROBE], ['healthcare_patient_journey', HEALTHCARE]] as const) {
  describe(`determinism: ${name}`, () => {
    it('compiling is pure: the same document twice gives the same plan', () => {
      expect(canonicalJson(compileOrThrow(doc))).toBe(canonicalJson(compileOrThrow(clone(doc))));
    });

    it('same seed → identical tables across two runs and across chunk sizes 1000, 65536 and 7', async () => {
      const base = await produce(doc, { seed: 5 });
      const again = await produce(doc, { seed: 5 });
      expect(again.digests).toEqual(base.digests);
      for (const chunkRows of [1000, 65_536, 7]) {
        const r = await produce(doc, { seed: 5, chunkRows });
        expect(r.digests, `chunkRows ${chunkRows}`).toEqual(base.digests);
      }
      // Sanity: the probe really produced labelled outliers, so _labels took part in the comparison.
      if (name !== 'simple_users_events' && name !== 'healthcare_patient_journey') expect(await base.db.value('SELECT count(*) FROM _labels')).toBeGreaterThan(0);
    });

    it('a different seed changes every table that has random columns (pure enum lists stay)', async () => {
      const a = await produce(doc, { seed: 5 });
      const b = await produce(doc, { seed: 6 });
      for (const n of (doc as any).nodes) {
        if (hasRandomColumns(n)) expect(b.digests[n.id], n.id).not.toBe(a.digests[n.id]);
        else expect(b.digests[n.id], n.id).toBe(a.digests[n.id]);
      }
      expect(b.digests._labels === a.digests._labels).toBe(name === 'simple_users_events' || name === 'healthcare_patient_journey'); // no labels there: both empty
    });
  });
}

describe('determinism: the spec seed and --seed', () => {
  it('the spec `seed` is the default; passing the same seed explicitly gives the same plan; another seed differs', () => {
    const implicit = compileOrThrow(PROBE);
    expect(implicit.seed).toBe(11);
    expect(canonicalJson(compileOrThrow(PROBE, { seed: 11 }))).toBe(canonicalJson(implicit));
    expect(compileOrThrow(PROBE, { seed: 12 }).seed).toBe(12);
    expect(compileOrThrow(SIMPLE).seed).toBe(42); // no seed in the spec: default 42
  });
});

describe('determinism: adding columns and tables', () => {
  it('adding columns to an entity (in the middle and at the end) changes none of its other columns and no other table', async () => {
    const base = await produce(PROBE);
    const doc = clone(PROBE) as any;
    const customer = doc.nodes.find((n: any) => n.id === 'customer');
    customer.columns.splice(2, 0, { name: 'email', type: 'string', generator: { faker: { method: 'email' } } });
    customer.columns.push({ name: 'score', type: 'float', generator: { distribution: { type: 'normal', params: { mean: 0, std: 1 } } } });
    customer.columns.push({ name: 'home', type: 'string', generator: { lookup: { from: 'region.code' } } }); // shares the row picked from region
    const grown = await produce(doc);
    expect(await digest(grown.db, 'customer', columnNames(PROBE, 'customer'))).toBe(base.digests.customer);
    for (const t of nodeIds(PROBE).filter((t) => t !== 'customer')) expect(grown.digests[t], t).toBe(base.digests[t]);
    expect(grown.digests._labels).toBe(base.digests._labels);
  });

  it('adding columns to a fact (a lookup from a new pick table, a faker, a derived expression) leaves its other columns and its children unchanged', async () => {
    const base = await produce(PROBE);
    const doc = clone(PROBE) as any;
    const order = doc.nodes.find((n: any) => n.id === 'order');
    order.columns.splice(3, 0, { name: 'promo_id', type: 'int', generator: { lookup: { from: 'promo.promo_id' } } });
    order.columns.splice(6, 0, { name: 'coupon', type: 'string', nullable: true, null_rate: 0.3, generator: { faker: { method: 'bothify', args: { text: '??-####' } } } });
    order.columns.push({ name: 'amount_x2', type: 'float', generator: { expression: { code: 'amount * 2' } } });
    order.columns.push({ name: 'noise', type: 'float', generator: { distribution: { type: 'normal', params: { mean: 0, std: 1 } } }, modifiers: [{ transform: 'outliers', args: { rate: 0.1, mode: 'drop', magnitude_dist: { type: 'uniform', params: { low: 1, high: 2 } } } }] });
    const grown = await produce(doc);
    expect(await digest(grown.db, 'order', columnNames(PROBE, 'order'))).toBe(base.digests.order);
    for (const t of nodeIds(PROBE).filter((t) => t !== 'order')) expect(grown.digests[t], t).toBe(base.digests[t]);
    // The old labels are still there, unchanged (the new outliers column adds its own; amount_x2 follows amount's outliers).
    const old = "SELECT md5(string_agg(md5(CAST(ROW(kind, \"table\", \"column\", row_key, expected, observed, magnitude) AS VARCHAR)), '' ORDER BY \"table\", \"column\", row_key::BIGINT)) FROM _labels WHERE \"column\" NOT IN ('noise', 'amount_x2')";
    expect(await grown.db.value(old)).toBe(await base.db.value(old));
    expect(await grown.db.value(`SELECT count(*) FROM _labels WHERE "column" = 'noise'`)).toBeGreaterThan(0);
  });

  it('adding a column to simple_users_events.user changes neither user’s other columns nor event', async () => {
    const base = await produce(SIMPLE);
    const doc = clone(SIMPLE);
    doc.nodes[0].columns.splice(1, 0, { name: 'country', type: 'string', generator: { choice: { choices: ['US', 'DE'], weights: [0.7, 0.3] } } });
    const grown = await produce(doc);
    expect(await digest(grown.db, 'user', columnNames(SIMPLE, 'user'))).toBe(base.digests.user);
    expect(grown.digests.event).toBe(base.digests.event);
  });

  it('adding tables (an entity listed first, a fact of an existing table, a fact of the new entity) changes no existing table', async () => {
    const base = await produce(PROBE);
    const doc = clone(PROBE) as any;
    doc.nodes.unshift({
      id: 'warehouse', kind: 'entity', pk: 'warehouse_id', rows: 7,
      columns: [
        { name: 'warehouse_id', type: 'int', generator: { sequence: {} } },
        { name: 'city', type: 'string', generator: { faker: { method: 'city' } } },
        { name: 'capacity', type: 'int', generator: { distribution: { type: 'uniform', params: { low: 100, high: 1000 } } } },
      ],
    });
    doc.nodes.push(
      {
        id: 'review', kind: 'fact', pk: 'review_id', parents: ['customer', 'product'], fanout: { distribution: 'poisson', lambda: 2 },
        columns: [
          { name: 'review_id', type: 'int', generator: { sequence: {} } },
          { name: 'customer_id', type: 'int', generator: { lookup: { from: 'customer.customer_id' } } },
          { name: 'product_id', type: 'int', generator: { lookup: { from: 'product.product_id', weights_by: 'product.popularity' } } },
          { name: 'stars', type: 'int', generator: { distribution: { type: 'uniform', params: { low: 1, high: 5 } } }, modifiers: [{ transform: 'outliers', args: { rate: 0.05, mode: 'drop', magnitude_dist: { type: 'uniform', params: { low: 1, high: 2 } } } }] },
        ],
      },
      {
        id: 'stock', kind: 'fact', pk: 'stock_id', parents: ['warehouse', 'product'], fanout: { distribution: 'fixed', value: 3 },
        columns: [
          { name: 'stock_id', type: 'int', generator: { sequence: {} } },
          { name: 'warehouse_id', type: 'int', generator: { lookup: { from: 'warehouse.warehouse_id' } } },
          { name: 'product_id', type: 'int', generator: { lookup: { from: 'product.product_id' } } },
        ],
      },
    );
    const grown = await produce(doc);
    for (const t of nodeIds(PROBE)) expect(grown.digests[t], t).toBe(base.digests[t]);
    expect(grown.rows.warehouse).toBe(7);
    expect(grown.rows.stock).toBe(21);
    // Labels of the old tables are unchanged; the new table adds its own.
    const old = "SELECT md5(string_agg(md5(CAST(ROW(kind, \"table\", \"column\", row_key, expected, observed, magnitude) AS VARCHAR)), '' ORDER BY \"table\", \"column\", row_key::BIGINT)) FROM _labels WHERE \"table\" <> 'review'";
    expect(await grown.db.value(old)).toBe(await base.db.value(old));
  });
});

describe('determinism: scale', () => {
  /*
   * Entity/parentless counts are exactly round(rows × scale). Fact counts are sums of per-parent
   * draws, so they scale in expectation: for simple_users_events, events | n users ~ Poisson(8n)
   * (the max of 50 cuts off P < 1e-20), so events/n has sd √(8/n); we allow 5 sd around 8, which
   * a correct generator misses with p < 1e-6.
   */
  it('simple_users_events: users = 1000 × scale exactly, events/user stays ≈ 8 at scales 0.5, 1, 2', async () => {
    for (const scale of [0.5, 1, 2]) {
      const r = await produce(SIMPLE, { scale });
      const users = 1000 * scale;
      expect(r.rows.user).toBe(users);
      expect(Math.abs(r.rows.event / users - 8), `scale ${scale}`).toBeLessThan(5 * Math.sqrt(8 / users));
      expect(await r.db.value('SELECT DISTINCT scale FROM _datagen_manifest')).toBe(scale);
    }
  });

  it('probe: entities scale exactly (rounded), the vocab list does not, facts follow their parents', async () => {
    const one = await produce(PROBE);
    const tenth = await produce(PROBE, { scale: 0.25 });
    expect(tenth.rows).toMatchObject({ region: 4, promo: 3, customer: 100, product: 15 });
    expect(one.rows).toMatchObject({ region: 4, promo: 12, customer: 400, product: 60 });
    // order_line: ≥ 1 line per order, ≤ 6.
    for (const r of [one, tenth]) {
      expect(r.rows.order_line).toBeGreaterThanOrEqual(r.rows.order);
      expect(r.rows.order_line).toBeLessThanOrEqual(6 * r.rows.order);
    }
    // Orders per customer: NB(mean ≈ 5 × time-averaged promo boost, k = 2), variance m + m²/k ≤ 40 for
    // m ≤ 7; the two estimates differ by < 5·√(40/400 + 40/100) ≈ 3.5 with p < 1e-6.
    expect(Math.abs(one.rows.order / 400 - tenth.rows.order / 100)).toBeLessThan(5 * Math.sqrt(40 / 400 + 40 / 100));
  });

  it('compile refuses a non-positive scale', () => {
    expect(compile(SIMPLE, { scale: 0 }).plan).toBeNull();
    expect(compile(SIMPLE, { scale: -1 }).diagnostics.some((d) => d.severity === 'error')).toBe(true);
  });
});
