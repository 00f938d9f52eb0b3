/** Earlier shapes accepted by the authoring stage (src/spec/shapes.ts, docs/authoring.md "Accepted shapes"). */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatDiagnostics } from '../../../src/diagnostics/format.ts';
import { compile } from '../../../src/plan/compile.ts';
import { loadSpec, loadSpecText } from '../../../src/spec/load.ts';

const FIX = fileURLToPath(new URL('../../fixtures/authoring', import.meta.url));

function doc(columns: unknown[], extra: Record<string, unknown> = {}): any {
  return {
    version: '1.0', metadata: { name: 's' },
    timeframe: { start: '2024-01-01T00:00:00Z', end: '2024-03-01T00:00:00Z', freq: 'D' },
    nodes: [{ id: 't', kind: 'entity', pk: 'id', rows: 10, columns: [{ name: 'id', type: 'int', generator: { sequence: {} } }, ...columns], ...extra }],
  };
}
const gen = (r: ReturnType<typeof compile>, i = 1) => r.plan!.tables[0].columns[i].generator as any;

describe('accepted shapes', () => {
  it('inline faker arguments become args (the earlier tool\'s form); given twice is DG_BAD_PARAM', () => {
    const r = compile(doc([{ name: 's', type: 'string', generator: { faker: { method: 'bothify', text: 'DEV-####-????' } } }]));
    expect(r.diagnostics).toEqual([]);
    expect((r.spec as any).nodes[0].columns[1].generator.faker).toEqual({ method: 'bothify', args: { text: 'DEV-####-????' } });
    const twice = compile(doc([{ name: 's', type: 'string', generator: { faker: { method: 'bothify', text: 'A', args: { text: 'B' } } } }]));
    expect(twice.diagnostics).toContainEqual(expect.objectContaining({ code: 'DG_BAD_PARAM', path: '/nodes/0/columns/1/generator/faker/text' }));
  });

  it('a problem in an inline faker argument points at the argument as written', () => {
    const text = JSON.stringify(doc([{ name: 'n', type: 'string', generator: { faker: { method: 'bothify', text: 'x'.repeat(10_001) } } }]), null, 2);
    const s = loadSpecText(text, 'f.json');
    const r = compile(s.doc);
    expect(r.plan).toBeNull();
    for (const d of r.diagnostics) expect(d.path.startsWith('/nodes/0/columns/1/generator/faker')).toBe(true);
    expect(r.diagnostics.some((d) => d.path.includes('/args'))).toBe(false);
    expect(formatDiagnostics(s.map.annotate(r.diagnostics), 'f.json')).not.toMatch(/f\.json:1:1 /);
  });

  it('"curve": "logarithmic" with params beside it is the parametric curve', () => {
    const vb = (m: Record<string, unknown>) => ({ vintage_behavior: { created_at_column: 'at', age_based_multipliers: { g: { applies_to: 'fanout', time_unit: 'month', ...m } } } });
    const cols = [{ name: 'at', type: 'datetime', generator: { datetime_series: { within: 'timeframe', freq: 'D' } } }];
    const short = compile(doc(cols, vb({ curve: 'logarithmic', params: { a: 1, b: 0.15 } })));
    const long = compile(doc(cols, vb({ curve: { curve_type: 'logarithmic', params: { a: 1, b: 0.15 } } })));
    // (No fact reads the curve here: the same DG_IGNORED_OPTION note for both forms, nothing else.)
    expect(short.diagnostics).toEqual(long.diagnostics);
    expect(short.diagnostics.map((d) => d.code)).toEqual(['DG_IGNORED_OPTION']);
    expect(short.plan!.specHash).toBe(long.plan!.specHash);
    const noParams = compile(doc(cols, vb({ curve: 'exponential' })));
    expect(noParams.diagnostics).toContainEqual(expect.objectContaining({ code: 'DG_MISSING_PARAM', path: '/nodes/0/vintage_behavior/age_based_multipliers/g' }));
    const badParams = compile(doc(cols, vb({ curve: 'linear', params: { a: 1 } })));
    expect(badParams.plan).toBeNull();
    expect(badParams.diagnostics.filter((d) => d.severity === 'error').map((d) => d.path)).toEqual(['/nodes/0/vintage_behavior/age_based_multipliers/g/params']);
  });

  it('lognormal median / mean_value are the log-scale mean; a large mean warns (DG_LOGNORMAL_SCALE)', () => {
    const ln = (params: Record<string, unknown>) => compile(doc([{ name: 'x', type: 'float', generator: { distribution: { type: 'lognormal', params } } }]));
    expect(gen(ln({ median: 250, sigma: 0.5 })).params.mean).toBeCloseTo(Math.log(250), 12);
    expect(gen(ln({ mean_value: 40, sigma: 0.6 })).params.mean).toBeCloseTo(Math.log(40) - 0.18, 12);
    expect(ln({ median: 250, mean: 3, sigma: 1 }).diagnostics).toEqual([expect.objectContaining({ code: 'DG_BAD_PARAM' })]);
    expect(ln({ median: -1, sigma: 1 }).diagnostics).toEqual([expect.objectContaining({ code: 'DG_OUT_OF_RANGE', path: '/nodes/0/columns/1/generator/distribution/params/median' })]);
    const big = ln({ mean: 250, sigma: 0.8 });
    expect(big.plan).not.toBeNull();
    expect(big.diagnostics).toEqual([expect.objectContaining({ code: 'DG_LOGNORMAL_SCALE', severity: 'warning', path: '/nodes/0/columns/1/generator/distribution/params/mean' })]);
    expect(ln({ mean: 3, sigma: 0.8 }).diagnostics).toEqual([]);
    expect(ln({ mean: 2, sigma: 25 }).diagnostics).toEqual([expect.objectContaining({ code: 'DG_LOGNORMAL_SCALE', path: '/nodes/0/columns/1/generator/distribution/params/sigma' })]);
  });

  it('segments by name (the seed\'s segment_behavior) read from the one column whose choices hold them', () => {
    const seg = { choices: ['a', 'b', 'c'], weights: [0.15, 0.6, 0.25] };
    const cols = [{ name: 'segment', type: 'string', generator: { choice: seg } }];
    const behaviors = { a: { fanout_multiplier: 3.5, value_multiplier: 5 }, b: { fanout_multiplier: 1 }, c: { fanout_multiplier: 0.8 } };
    const short = compile(doc(cols, { segment_behavior: behaviors }));
    const long = compile(doc(cols, { segment_behavior: { segment_column: 'segment', behaviors } }));
    expect(short.diagnostics).toEqual(long.diagnostics);
    expect(short.plan!.specHash).toBe(long.plan!.specHash);
    const twoColumns = compile(doc([...cols, { name: 'other', type: 'string', generator: { choice: seg } }], { segment_behavior: behaviors }));
    expect(twoColumns.diagnostics).toContainEqual(expect.objectContaining({ code: 'DG_MISSING_PARAM', path: '/nodes/0/segment_behavior', message: expect.stringContaining('several columns ("segment", "other")') }));
    const none = compile(doc([], { segment_behavior: behaviors }));
    expect(none.diagnostics).toContainEqual(expect.objectContaining({ code: 'DG_MISSING_PARAM', message: expect.stringContaining('no column of "t" draws them all') }));
  });

  it('constraints may be absent (docs/language.md)', () => {
    const r = compile(doc([]));
    expect(r.diagnostics).toEqual([]);
    expect(r.plan).not.toBeNull();
  });

  it('the fixture of earlier shapes compiles with --strict semantics (no warning at all)', () => {
    const s = loadSpec(join(FIX, 'v1-shapes.json'));
    expect(compile(s.doc, { strict: true }).diagnostics).toEqual([]);
  });
});
