import { describe, expect, it } from 'vitest';
import { col, compileDoc, entity, fact, idCol, runColumns, runDoc, spec } from '../../../support/harness.ts';

// sequence is deterministic (no randomness), so every check is exact: start + step × row ordinal.
const N = 10_000;

describe('sequence', () => {
  it('defaults to start 1, step 1: row i holds i + 1', () => {
    const t = runColumns(N, [col('s', 'int', { sequence: {} })]);
    const s = t.num('s');
    expect(s.length).toBe(N);
    for (let i = 0; i < N; i++) if (s[i] !== i + 1) expect.fail(`row ${i}: ${s[i]}`);
  });

  it('start + step × ordinal (also negative steps, and on float / string columns)', () => {
    const t = runColumns(N, [
      col('a', 'int', { sequence: { start: 1000, step: 7 } }),
      col('b', 'int', { sequence: { start: 0, step: -3 } }),
      col('c', 'float', { sequence: { start: -5, step: 2 } }),
      col('d', 'string', { sequence: { start: 10 } }),
    ]);
    const [a, b, c, d] = [t.num('a'), t.num('b'), t.num('c'), t.str('d')];
    for (let i = 0; i < N; i++) {
      if (a[i] !== 1000 + 7 * i || b[i] !== -3 * i || c[i] !== -5 + 2 * i || d[i] !== String(10 + i)) expect.fail(`row ${i}: ${a[i]} ${b[i]} ${c[i]} ${d[i]}`);
    }
  });

  it('start and step must be integers (schema)', () => {
    const r = compileDoc(spec([entity('t', 10, [idCol(), col('s', 'float', { sequence: { start: 0.5, step: 0.25 } })])]));
    expect(r.plan).toBeNull();
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['DG_SCHEMA', 'DG_SCHEMA']);
  });

  it('does not depend on the chunk size (the ordinal is global to the table)', () => {
    const doc = spec([entity('t', N, [idCol(), col('s', 'int', { sequence: { start: 5, step: 2 } })])]);
    const whole = runDoc(doc).table('t').num('s');
    const chunked = runDoc(doc, { chunkRows: 777 }).table('t').num('s');
    expect(Array.from(chunked)).toEqual(Array.from(whole));
  });

  it('in a fact table the ordinal runs over all children, across parents', () => {
    const doc = spec([
      entity('p', 3000, [idCol('pid')]),
      fact('c', ['p'], [idCol('cid'), col('pid', 'int', { lookup: { from: 'p.pid' } })], { fanout: { distribution: 'poisson', lambda: 4 } }),
    ]);
    const r = runDoc(doc, { chunkRows: 1000 });
    const c = r.table('c');
    expect(c.rows).toBeGreaterThan(N);
    const ids = c.num('cid');
    for (let i = 0; i < c.rows; i++) if (ids[i] !== i + 1) expect.fail(`child ${i}: ${ids[i]}`);
  });
});
