/** `datagen presets <spec>`: the spec's presets (docs/authoring.md) with their descriptions, for --preset. */
import { resolve } from 'node:path';
import { SpecError } from '../diagnostics/diagnostic.ts';
import { isObject } from '../spec/json-tree.ts';
import { loadSpec } from '../spec/load.ts';
import { checkPresets } from '../spec/presets.ts';
import type { Io } from './io.ts';

export function presetsCommand(specFile: string, io: Io): number {
  const spec = loadSpec(resolve(io.cwd, specFile), specFile);
  if (spec.diagnostics.length) throw new SpecError(spec.map.annotate(spec.diagnostics), specFile);
  if (!isObject(spec.doc)) throw new SpecError(spec.map.annotate([{ code: 'DG_SCHEMA', severity: 'error', path: '', message: 'a spec is a JSON object', hint: 'see docs/language.md' }]), specFile);
  const { presets, diagnostics } = checkPresets(spec.doc);
  if (diagnostics.some((d) => d.severity === 'error')) throw new SpecError(spec.map.annotate(diagnostics), specFile);
  if (!presets.length) {
    io.stdout.write(`${specFile} has no presets (add them under "presets": docs/authoring.md)\n`);
    return 0;
  }
  const width = Math.max(...presets.map((p) => p.name.length));
  for (const p of presets) io.stdout.write(`${p.name.padEnd(width)}  ${p.description}`.trimEnd() + '\n');
  return 0;
}
