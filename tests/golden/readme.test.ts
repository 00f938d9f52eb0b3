import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/plan/compile.ts';

/** Every ```json block of README.md is a spec that compiles without diagnostics (docs that cannot rot). */
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const blocks = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]);

describe('README examples', () => {
  it('has at least one spec example', () => expect(blocks.length).toBeGreaterThan(0));
  blocks.forEach((text, i) => {
    it(`json block ${i + 1} compiles cleanly`, () => {
      const r = compile(JSON.parse(text));
      expect(r.diagnostics.map((d) => `${d.path} ${d.code} ${d.message}`)).toEqual([]);
      expect(r.plan).not.toBeNull();
    });
  });
});
