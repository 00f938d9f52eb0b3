import { readFileSync } from 'node:fs';
import { diag, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { parseJsonText, SourceMap } from '../diagnostics/source-map.ts';

export interface LoadedSpec {
  file: string;
  /** The parsed document (undefined when the JSON is invalid). */
  doc: unknown;
  map: SourceMap;
  diagnostics: Diagnostic[];
}

/** Parse spec text; syntax errors become diagnostics with line/column. */
export function loadSpecText(text: string, file = 'spec.json'): LoadedSpec {
  const { value, map, diagnostics } = parseJsonText(text);
  return { file, doc: value, map, diagnostics };
}

/** Read and parse a spec file (the only I/O of the compile stage). */
export function loadSpec(file: string, displayName = file): LoadedSpec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const d = diag('DG_FILE', '', code === 'ENOENT' ? `file not found: ${displayName}` : code === 'EISDIR' ? `${displayName} is a directory, not a spec file` : `cannot read ${displayName}: ${code ?? (e as Error).message}`, 'check the path');
    return { file, doc: undefined, map: new SourceMap('', undefined), diagnostics: [d] };
  }
  return loadSpecText(text, file);
}
