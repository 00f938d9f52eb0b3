/** The authoring stage (docs/authoring.md): params, presets, overrides, includes and shares, through compile and loadSpec. */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDiagnostics } from '../../../src/diagnostics/format.ts';
import { compile } from '../../../src/plan/compile.ts';
import { authorSpec } from '../../../src/spec/author.ts';
import { mergePatch } from '../../../src/spec/json-tree.ts';
import { loadSpec, loadSpecText } from '../../../src/spec/load.ts';
import { parseSetting } from '../../../src/spec/overrides.ts';
import { sharesProblem } from '../../../src/spec/shares.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const FIX = join(ROOT, 'tests/fixtures/authoring');

/** A small valid spec with parameters; `extra` is merged at the top level. */
function spec(extra: Record<string, unknown> = {}, rows: unknown = { $param: 'n' }): Record<string, unknown> {
  return {
    version: '1.0',
    metadata: { name: 'p' },
    params: { n: 20, letters: ['a', 'b'] },
    timeframe: { start: '2025-01-01T00:00:00Z', end: '2025-01-02T00:00:00Z', freq: 'H' },
    nodes: [{ id: 't', kind: 'entity', pk: 'id', rows, columns: [
      { name: 'id', type: 'int', generator: { sequence: {} } },
      { name: 'l', type: 'string', generator: { choice: { choices: { $param: 'letters' } } } },
    ] }],
    constraints: {},
    ...extra,
  };
}
const codes = (r: { diagnostics: { code: string }[] }) => r.diagnostics.map((d) => d.code);

describe('params', () => {
  it('a reference takes its parameter\'s value whole (a number, an array); the compiled spec has no params', () => {
    const r = compile(spec());
    expect(r.diagnostics).toEqual([]);
    expect(r.plan!.tables[0].estimatedRows).toBe(20);
    const t = (r.spec as any).nodes[0];
    expect(t.rows).toBe(20);
    expect(t.columns[1].generator.choice.choices).toEqual(['a', 'b']);
    expect('params' in (r.spec as object)).toBe(false);
  });

  it('a spec with params compiles to the same plan as the spec written out (same spec hash)', () => {
    const written = spec({}, 20) as any;
    written.nodes[0].columns[1].generator.choice.choices = ['a', 'b'];
    delete written.params;
    expect(compile(spec()).plan!.specHash).toBe(compile(written).plan!.specHash);
  });

  it('parameters may reference parameters; a cycle is DG_PARAM_CYCLE', () => {
    expect(compile(spec({ params: { n: { $param: 'm' }, m: 7, letters: ['x'] } })).plan!.tables[0].estimatedRows).toBe(7);
    const r = compile(spec({ params: { n: { $param: 'm' }, m: { $param: 'n' }, letters: ['x'] } }));
    expect(r.plan).toBeNull();
    expect(codes(r)).toContain('DG_PARAM_CYCLE');
    expect(r.diagnostics.find((d) => d.code === 'DG_PARAM_CYCLE')!.message).toMatch(/"n" → "m" → "n"|"m" → "n" → "m"/);
  });

  it('an undefined parameter is DG_UNDEFINED_PARAM at the reference, with the nearest name', () => {
    const r = compile(spec({}, { $param: 'nn' }));
    expect(r.plan).toBeNull();
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'DG_UNDEFINED_PARAM', path: '/nodes/0/rows', hint: 'did you mean "n"?' })]);
  });

  it('a malformed reference is DG_BAD_PARAM_REF; an unused parameter a warning (an error with strict)', () => {
    expect(codes(compile(spec({}, { $param: 'n', default: 3 })))).toContain('DG_BAD_PARAM_REF');
    expect(codes(compile(spec({}, { $param: 4 })))).toContain('DG_BAD_PARAM_REF');
    const unused = compile(spec({ params: { n: 5, letters: ['a'], spare: 1 } }));
    expect(unused.plan).not.toBeNull();
    expect(unused.diagnostics).toEqual([expect.objectContaining({ code: 'DG_UNUSED_PARAM', severity: 'warning', path: '/params/spare' })]);
    expect(compile(spec({ params: { n: 5, letters: ['a'], spare: 1 } }), { strict: true }).plan).toBeNull();
  });

  it('a problem in a substituted value points at the reference and names the parameter (with its line:col)', () => {
    const text = JSON.stringify(spec({ params: { n: -4, letters: ['a'] } }), null, 2);
    const loaded = loadSpecText(text, 'p.json');
    const r = compile(loaded.doc);
    const out = formatDiagnostics(loaded.map.annotate(r.diagnostics), 'p.json');
    const refLine = text.split('\n').findIndex((l) => l.includes('"rows"')) + 1;
    const paramLine = text.split('\n').findIndex((l) => l.includes('"n": -4')) + 1;
    expect(out).toMatch(new RegExp(`^p\\.json:${refLine}:\\d+ /nodes/0/rows  DG_OUT_OF_RANGE: .*; the value of parameter "n" at p\\.json:${paramLine}:\\d+ /params/n \\(hint: `));
  });
});

describe('presets', () => {
  const presets = { presets: { big: { description: 'more', params: { n: 90 } }, renamed: { metadata: { name: 'q' } } } };

  it('a preset is a merge patch over params and the spec; the plan records it', () => {
    const base = compile(spec(presets));
    expect(base.plan!.tables[0].estimatedRows).toBe(20);
    expect(base.plan!.preset).toBeUndefined();
    const big = compile(spec(presets), { preset: 'big' });
    expect(big.plan!.tables[0].estimatedRows).toBe(90);
    expect(big.plan!.preset).toBe('big');
    expect(compile(spec(presets), { preset: 'renamed' }).plan!.name).toBe('q');
  });

  it('an unknown preset, a preset of an undeclared parameter, a preset that is not an object', () => {
    const r = compile(spec(presets), { preset: 'bigg' });
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'DG_UNKNOWN_PRESET', hint: 'did you mean "big"?' })]);
    expect(r.diagnostics[0].message).toContain('"big", "renamed"');
    expect(compile(spec({ presets: { x: { params: { nn: 1 } } } })).diagnostics).toEqual([expect.objectContaining({ code: 'DG_UNDEFINED_PARAM', path: '/presets/x/params/nn' })]);
    expect(codes(compile(spec({ presets: { x: 3 } })))).toEqual(['DG_BAD_PRESET']);
    expect(codes(compile(spec({ presets: { x: { nodez: [] } } })))).toEqual(['DG_UNKNOWN_KEY']);
  });

  it('RFC 7396: objects merge, null deletes, arrays replace', () => {
    const wrote: string[] = [];
    const out = mergePatch({ a: { b: 1, c: 2 }, d: [1, 2], e: 'x' }, { a: { b: null, z: 3 }, d: [9], f: { g: 1 } }, (p) => wrote.push(p));
    expect(out).toEqual({ a: { c: 2, z: 3 }, d: [9], e: 'x', f: { g: 1 } });
    expect(wrote.sort()).toEqual(['/a/b', '/a/z', '/d', '/f']);
  });
});

describe('overrides (--set)', () => {
  it('a dotted path or a JSON pointer, a JSON value or else a string; applied after the preset', () => {
    expect(parseSetting('params.n=5')).toMatchObject({ segments: ['params', 'n'], value: 5 });
    expect(parseSetting('/metadata/name=Shop')).toMatchObject({ segments: ['metadata', 'name'], value: 'Shop' });
    expect(parseSetting('a.b=[1, "x"]')).toMatchObject({ value: [1, 'x'] });
    const r = compile(spec({ presets: { big: { params: { n: 90 } } } }), { preset: 'big', set: ['params.n=33', 'metadata.name="s"'] });
    expect(r.plan!.tables[0].estimatedRows).toBe(33);
    expect(r.plan!.name).toBe('s');
    expect(compile(spec(), { set: { '/nodes/0/rows': 12 } }).plan!.tables[0].estimatedRows).toBe(12);
  });

  it('problems are DG_BAD_OVERRIDE / DG_UNDEFINED_PARAM naming the option', () => {
    const bad = (set: string[]) => compile(spec(), { set }).diagnostics;
    expect(bad(['params']) [0]).toMatchObject({ code: 'DG_BAD_OVERRIDE', message: expect.stringContaining('--set params: has no "="') });
    expect(bad(['params.nn=1'])[0]).toMatchObject({ code: 'DG_UNDEFINED_PARAM', hint: 'did you mean "n"?' });
    expect(bad(['nodes.3.rows=1'])[0]).toMatchObject({ code: 'DG_BAD_OVERRIDE', message: expect.stringContaining('/nodes is an array of 1 item(s)') });
    expect(bad(['metadata.name.x=1'])[0]).toMatchObject({ code: 'DG_BAD_OVERRIDE', message: expect.stringContaining('/metadata/name is string') });
    expect(bad(['timefram.start=1'])[0]).toMatchObject({ code: 'DG_BAD_OVERRIDE', hint: 'did you mean "timeframe"?' });
  });

  it('a value an override wrote names the override in its diagnostics', () => {
    const r = compile(spec(), { set: ['nodes.0.rows=-2'] });
    expect(r.diagnostics.find((d) => d.code === 'DG_OUT_OF_RANGE')!.related).toEqual({ path: '', message: 'set by --set nodes.0.rows=-2' });
  });
});

describe('includes and preset files (loadSpec)', () => {
  it('merges the included file (params deep, nodes appended) and reads preset files', () => {
    const s = loadSpec(join(FIX, 'shop.json'), 'shop.json');
    expect(s.diagnostics).toEqual([]);
    const doc = s.doc as any;
    expect(doc.nodes.map((n: any) => n.id)).toEqual(['merchants', 'customers', 'orders']);
    expect(Object.keys(doc.params).sort()).toEqual(['countries', 'country_shares', 'merchant_names', 'n_customers', 'orders_per_customer']);
    expect(doc.presets.busy).toEqual({ description: 'Three times the orders per customer', params: { orders_per_customer: 9 } });
    expect('include' in doc).toBe(false);
    const busy = compile(doc, { preset: 'busy' });
    expect(busy.plan!.tables.find((t) => t.id === 'orders')!.estimatedRows).toBe(3600);
  });

  it('a diagnostic about an included value points into the included file (file:line:col)', () => {
    const s = loadSpec(join(FIX, 'bad-include.json'), 'tests/fixtures/authoring/bad-include.json');
    const r = compile(s.doc);
    const lines = formatDiagnostics(s.map.annotate(r.diagnostics), 'tests/fixtures/authoring/bad-include.json').split('\n');
    // The spec's own node is /nodes/1 of the merged spec (the included one comes first) but /nodes/0 of its file:
    // positions and pointers are those of the file each line names.
    expect(r.diagnostics.map((d) => d.path)).toEqual(['/nodes/0/columns/0/generator/sequence', '/nodes/1/rows']);
    expect(lines).toEqual([
      expect.stringMatching(/^tests\/fixtures\/authoring\/shared\/bad-node\.json:4:\d+ \/nodes\/0\/columns\/0\/generator\/sequence  DG_BAD_PARAM: /),
      expect.stringMatching(/^tests\/fixtures\/authoring\/bad-include\.json:7:\d+ \/nodes\/0\/rows  DG_OUT_OF_RANGE: /),
    ]);
  });

  it('a cycle of includes is DG_INCLUDE_CYCLE at the include entry; a missing file DG_FILE there', () => {
    const c = loadSpec(join(FIX, 'cycle-a.json'), 'cycle-a.json');
    expect(c.doc).toBeUndefined();
    expect(c.diagnostics).toEqual([expect.objectContaining({ code: 'DG_INCLUDE_CYCLE', path: '/include/0', file: 'shared/cycle-b.json', message: expect.stringContaining('cycle-a.json → shared/cycle-b.json → cycle-a.json') })]);
    const m = loadSpecText('{"include": ["nope.json"]}', 'x.json');
    expect(m.doc).toEqual({ include: ['nope.json'] }); // text is not resolved: compile refuses it
    expect(codes(compile(m.doc))).toContain('DG_INCLUDE');
  });

  it('authorSpec leaves a document without authoring keys untouched (same object)', () => {
    const d = spec({}, 5) as any;
    delete d.params;
    d.nodes[0].columns[1].generator.choice.choices = ['a'];
    expect(authorSpec(d).doc).toBe(d);
  });
});

describe('shares (DG_SHARES_SUM)', () => {
  it('shares not summing to 1 warn with the sum; relative weights, 0/1 lists and exact shares do not', () => {
    expect(sharesProblem([0.5, 0.2], '/w', 'choice weights')).toMatchObject({ code: 'DG_SHARES_SUM', severity: 'warning', message: expect.stringContaining('sum to 0.7, not 1; they would be rescaled: 0.5 → 71.4 %, 0.2 → 28.6 %') });
    expect(sharesProblem([0.25, 0.25, 0.5], '/w', 'w')).toBeUndefined();
    expect(sharesProblem([0.1, 0.2, 0.7000000001], '/w', 'w')).toBeUndefined();
    expect(sharesProblem([4, 2, 2, 1], '/w', 'w')).toBeUndefined();
    expect(sharesProblem([1, 0.5], '/w', 'w')).toBeDefined();
    expect(sharesProblem([1, 1, 1], '/w', 'w')).toBeUndefined();
    expect(sharesProblem([0.3, 0.3, 0.3], '/w', 'w')?.message).toContain('sum to 0.9');
  });

  it('choice weights and segment shares warn at compile; --strict makes it an error', () => {
    const s = spec() as any;
    s.nodes[0].columns[1].generator.choice.weights = [0.5, 0.2];
    const r = compile(s);
    expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'DG_SHARES_SUM', path: '/nodes/0/columns/1/generator/choice/weights' })]);
    expect(compile(s, { strict: true }).plan).toBeNull();
    const seg = spec() as any;
    seg.nodes[0].segment_behavior = { segment_column: 'tier', segments: { gold: { base_probability: 0.2 }, basic: { base_probability: 0.6 } } };
    expect(compile(seg).diagnostics).toEqual([expect.objectContaining({ code: 'DG_SHARES_SUM', path: '/nodes/0/segment_behavior/segments' })]);
  });
});

describe('robustness', () => {
  it('any JSON in params, presets, include, references and --set: diagnostics, never an exception', () => {
    let compiled = 0;
    let refused = 0;
    const json = fc.jsonValue({ maxDepth: 3 }) as any;
    const often = <T,>(good: T, other: any) => fc.oneof({ arbitrary: fc.constant(good), weight: 3 }, { arbitrary: other, weight: 1 });
    const ref = fc.oneof(fc.record({ $param: fc.oneof(fc.constantFrom('n', 'letters', 'nn', ''), json) }), fc.record({ $param: fc.constant('n'), x: json }));
    const params = often({ n: 20, letters: ['a', 'b'] }, fc.oneof(json, fc.dictionary(fc.constantFrom('n', 'letters', 'm', '1x'), fc.oneof(json, ref))));
    const presets = often({ a: { description: 'A', params: { n: 5 } }, b: { metadata: { name: 'b' } } }, fc.oneof(json, fc.dictionary(fc.constantFrom('a', 'b'), fc.oneof(json, fc.record({ description: json, params: json, metadata: json })))));
    fc.assert(fc.property(
      fc.record({ params, presets, include: fc.option(json, { nil: undefined, freq: 5 }) }, { requiredKeys: ['params', 'presets'] }),
      often({ $param: 'n' }, fc.oneof(ref, json)), fc.option(fc.constantFrom('a', 'b', 'zz'), { nil: undefined }),
      often([] as string[], fc.array(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('params.n=3', 'nodes.0.rows=4', '/metadata/name=x', 'params.n={"$param": "n"}')), { maxLength: 3 })),
      (extra, rows, preset, set) => {
        const r = compile(spec(extra, rows), { preset, set: set as string[] });
        for (const d of r.diagnostics) {
          expect(d.code).toMatch(/^DG_[A-Z_]+$/);
          expect(d.path === '' || d.path.startsWith('/')).toBe(true);
          expect(d.message).not.toMatch(/\bundefined\b|\[object Object\]/);
        }
        if (r.plan === null) expect(r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
        if (r.plan) compiled++;
        else refused++;
      },
    ), { numRuns: 300, seed: 15 });
    // Both outcomes occur: the generator reaches valid and invalid documents.
    expect(compiled).toBeGreaterThan(10);
    expect(refused).toBeGreaterThan(10);
  });
});
