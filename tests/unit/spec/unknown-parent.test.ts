/** Fuzzer finding F12: a behaviour fact (panel) whose parent is not a node made compile throw in planGrain. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/plan/compile.ts';

const example = (f: string) => JSON.parse(readFileSync(new URL(`../../../examples/${f}`, import.meta.url), 'utf8'));

describe('an unknown parent of a behaviour fact', () => {
  it.each([
    ['usage_costs.json', 2],
    ['gym_memberships.json', 1],
    ['gym_memberships.json', 2],
    ['gym_memberships.json', 3],
  ])('%s nodes[%i]: DG_UNKNOWN_TABLE at its parents entry, no exception', (file, i) => {
    const doc = example(file);
    doc.nodes[i].parents = ['missing_parent'];
    const errors = compile(doc).diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => d.path)).toContain(`/nodes/${i}/parents/0`);
    expect(errors.find((d) => d.path === `/nodes/${i}/parents/0`)?.code).toBe('DG_UNKNOWN_TABLE');
  });
});
