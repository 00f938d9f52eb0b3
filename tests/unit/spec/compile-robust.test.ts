/**
 * Issue 19: `compile` never throws on a document, whatever its values — every problem is a diagnostic
 * with a DG_ code and a JSON pointer. Systematically: every value of a small realistic spec replaced by
 * every JSON type; and library documents with values no JSON text holds.
 */
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/plan/compile.ts';

const BASE = {
  version: '1.0',
  metadata: { name: 'robust' },
  timeframe: { start: '2024-01-01T00:00:00Z', end: '2024-03-31T23:59:59Z', freq: 'H' },
  seed: 7,
  nodes: [
    {
      id: 'users', kind: 'entity', pk: 'user_id', rows: 50,
      segment_behavior: { segment_column: 'tier', segments: { gold: { base_probability: 0.2 }, basic: { base_probability: 0.8 } } },
      columns: [
        { name: 'user_id', type: 'int', generator: { sequence: { start: 1, step: 1 } } },
        { name: 'name', type: 'string', generator: { faker: { method: 'name' } } },
        { name: 'country', type: 'string', generator: { choice: { choices: ['US', 'DE'], weights: [0.7, 0.3] } } },
        { name: 'age', type: 'int', generator: { distribution: { type: 'normal', params: { mean: 36, std: 11 }, clamp: [18, 90] } }, modifiers: [{ transform: 'jitter', args: { std: 1 } }] },
        { name: 'signup', type: 'datetime', generator: { datetime_series: { within: 'timeframe', freq: 'H', pattern: { dimension: 'dow', weights: [1, 1, 1, 1, 1, 0.5, 0.5] } } } },
      ],
    },
    {
      id: 'events', kind: 'fact', pk: 'event_id', parents: ['users'],
      fanout: { distribution: 'poisson', lambda: 3, min: 0, max: 20 },
      columns: [
        { name: 'event_id', type: 'int', generator: { sequence: {} } },
        { name: 'user_id', type: 'int', generator: { lookup: { from: 'users.user_id' } } },
        { name: 'at', type: 'datetime', generator: { datetime_series: { within: 'timeframe' } }, modifiers: [{ transform: 'seasonality', args: { dimension: 'hour', weights: new Array(24).fill(1) } }] },
        { name: 'amount', type: 'float', generator: { expression: { code: 'parent.age * 2 + 1' } }, null_rate: 0.1 },
      ],
    },
  ],
  constraints: { unique: ['users.user_id'], foreign_keys: [{ from: 'events.user_id', to: 'users.user_id' }], ranges: [{ attr: 'users.age', min: 18, max: 90 }] },
  targets: { mean_in_range: { table: 'users', column: 'age', min: 30, max: 40 } },
};

type Path = (string | number)[];

function paths(v: unknown, at: Path = []): Path[] {
  const here = at.length ? [at] : [];
  if (Array.isArray(v)) return [...here, ...v.flatMap((x, i) => paths(x, [...at, i]))];
  if (v && typeof v === 'object') return [...here, ...Object.entries(v).flatMap(([k, x]) => paths(x, [...at, k]))];
  return here;
}

const DELETE = Symbol('delete the key');

function withValue(doc: unknown, path: Path, value: unknown): unknown {
  const copy = structuredClone(doc) as Record<string | number, unknown>;
  let o: Record<string | number, unknown> = copy;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (value !== DELETE) o[last] = value;
  else if (Array.isArray(o)) o.splice(last as number, 1);
  else delete o[last];
  return copy;
}

/** Message prose outside quoted parts (a value the author wrote may be anything). */
const unquoted = (s: string) => s.replace(/"(?:[^"\\]|\\.)*"/g, '""');

const REPLACEMENTS: unknown[] = [5, -1, 1e308, 0.5, 'x', '', [], [1, 'a'], {}, { a: 1 }, null, true, DELETE];

describe('compile never throws', () => {
  it('the base spec compiles cleanly', () => {
    expect(compile(BASE).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('on any value of the spec replaced by any JSON type, it returns coded diagnostics with pointers (or a plan)', () => {
    const all = paths(BASE);
    expect(all.length).toBeGreaterThan(100);
    let cases = 0;
    for (const path of all) {
      for (const value of REPLACEMENTS) {
        const doc = withValue(BASE, path, value);
        let r;
        try {
          r = compile(doc);
        } catch (e) {
          throw new Error(`compile threw at /${path.join('/')} = ${String(value)}: ${(e as Error).stack}`);
        }
        cases++;
        for (const d of r.diagnostics) {
          expect(d.code, `/${path.join('/')} = ${String(value)}`).toMatch(/^DG_[A-Z_]+$/);
          expect(d.path === '' || d.path.startsWith('/'), `${d.code} ${d.path}`).toBe(true);
          expect(d.message, `${d.code} at ${d.path}`).not.toMatch(/TypeError|Cannot read propert|is not a function|Maximum call stack/);
          expect(unquoted(d.message), `${d.code} at ${d.path}`).not.toMatch(/\bundefined\b|\[object Object\]/);
        }
        if (!r.plan) expect(r.diagnostics.some((d) => d.severity === 'error'), `/${path.join('/')} = ${String(value)}: no plan and no error`).toBe(true);
      }
    }
    expect(cases).toBe(all.length * REPLACEMENTS.length);
  });

  it('refuses values no JSON text holds, at their pointers, before reading anything', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const doc = withValue(withValue(withValue(withValue(BASE, ['nodes', 0, 'rows'], NaN), ['seed'], 10n), ['metadata'], cyclic), ['nodes', 1, 'columns', 3, 'null_rate'], Infinity) as Record<string, unknown>;
    const sparse = [1, , 3]; // eslint-disable-line no-sparse-arrays
    (doc.constraints as Record<string, unknown>).unique = sparse;
    const r = compile(doc);
    expect(r.plan).toBeNull();
    expect(r.diagnostics.map((d) => [d.code, d.path, d.message])).toEqual([
      ['DG_SCHEMA', '/constraints/unique/1', 'a hole in a sparse array is not a JSON value'],
      ['DG_SCHEMA', '/metadata/self', 'a reference back to an enclosing object (a cycle) is not a JSON value'],
      ['DG_SCHEMA', '/nodes/0/rows', 'NaN is not a JSON value'],
      ['DG_SCHEMA', '/nodes/1/columns/3/null_rate', 'Infinity is not a JSON value'],
      ['DG_SCHEMA', '/seed', 'the BigInt 10n is not a JSON value'],
    ]);
    expect(compile(withValue(BASE, ['nodes', 0, 'columns', 1, 'generator'], () => 1)).diagnostics[0]).toMatchObject({ code: 'DG_SCHEMA', message: 'a function is not a JSON value' });
    // An undefined property is what JSON.stringify leaves out: not a problem.
    expect(compile(withValue(BASE, ['metadata', 'note'], undefined)).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});
