import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { diag, type Diagnostic } from '../diagnostics/diagnostic.ts';
import { parseJsonText, SourceMap } from '../diagnostics/source-map.ts';
import { hasIncludes, resolveIncludes } from './includes.ts';

/** The largest spec file datagen reads (docs/diagnostics.md, "Limits"). */
export const MAX_SPEC_BYTES = 50 * 1024 * 1024;

export interface LoadedSpec {
  file: string;
  /** The parsed document (undefined when the JSON is invalid). */
  doc: unknown;
  map: SourceMap;
  /** Errors: when there is one, `doc` is undefined. */
  diagnostics: Diagnostic[];
  /** Warnings about the text itself (DG_DUPLICATE_KEY): the document is still usable; report them with compile's. */
  warnings: Diagnostic[];
}

const BOM = '\uFEFF';

/** Parse spec text; syntax errors become diagnostics with line/column. A leading byte-order mark is skipped. */
export function loadSpecText(text: string, file = 'spec.json'): LoadedSpec {
  const { value, map, diagnostics, warnings } = parseJsonText(text.startsWith(BOM) ? text.slice(1) : text);
  return { file, doc: value, map, diagnostics, warnings };
}

/**
 * Read and parse a spec file (the only I/O of the compile stage). Only a regular file is read (a FIFO
 * or a device such as /dev/zero is refused without reading it), of at most MAX_SPEC_BYTES, in UTF-8
 * (a byte-order mark is accepted; an invalid byte is an error with its position). The files it includes
 * and its preset files are read and merged in (src/spec/includes.ts, docs/authoring.md): `doc` is the merged
 * document and `map` locates each of its parts in its own file.
 */
export function loadSpec(file: string, displayName = file): LoadedSpec {
  const spec = loadJsonFile(file, displayName);
  if (spec.diagnostics.length || !hasIncludes(spec.doc)) return spec;
  const r = resolveIncludes(spec as LoadedSpec & { doc: Record<string, never> }, file, displayName, loadJsonFile);
  return { file, doc: r.doc, map: r.map, diagnostics: r.diagnostics, warnings: [...spec.warnings, ...r.warnings] };
}

/** Read and parse one JSON file (a spec, an included file or a preset file), with the limits above. */
export function loadJsonFile(file: string, displayName = file): LoadedSpec {
  const fail = (message: string, hint = 'check the path'): LoadedSpec => ({ file, doc: undefined, map: new SourceMap('', undefined), diagnostics: [diag('DG_FILE', '', message, hint)], warnings: [] });
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused below, unread).
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return fail(`file not found: ${displayName}`);
    if (code === 'EISDIR') return fail(`${displayName} is a directory, not a spec file`);
    if (code === 'EACCES' || code === 'EPERM') return fail(`cannot read ${displayName}: permission denied`, 'check the file\'s permissions');
    return fail(`cannot read ${displayName}: ${code ?? (e as Error).message}`);
  }
  let bytes: Buffer;
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) return fail(`${displayName} is a directory, not a spec file`);
    if (!st.isFile()) return fail(`${displayName} is ${kindOf(st)}, not a regular file: datagen reads specs only from regular files`, 'save the spec to a file and pass its path');
    if (st.size > MAX_SPEC_BYTES) return tooLarge(fail, displayName, st.size);
    // Read to the end but never more than one byte past the limit: a file that grows (or whose size
    // fstat does not know, as in /proc) is refused once it passes the limit, not read whole.
    let buf = Buffer.allocUnsafe(Math.min(st.size, MAX_SPEC_BYTES) + 1);
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (n > MAX_SPEC_BYTES) return tooLarge(fail, displayName, n);
        const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2 + 4096, MAX_SPEC_BYTES + 1));
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
      }
      const r = readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
    }
    bytes = buf.subarray(0, n);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(code === 'EISDIR' ? `${displayName} is a directory, not a spec file` : `cannot read ${displayName}: ${code ?? (e as Error).message}`);
  } finally {
    closeSync(fd);
  }
  const text = decodeUtf8(bytes);
  if (typeof text !== 'string') {
    const d = diag('DG_INVALID_JSON', '', `the file is not valid UTF-8: byte 0x${bytes[text.offset].toString(16).padStart(2, '0')} at offset ${text.offset} cannot start or continue a character here`, 'save the spec as UTF-8 (JSON text is UTF-8)');
    return { file, doc: undefined, map: new SourceMap('', undefined), diagnostics: [{ ...d, ...text.position }], warnings: [] };
  }
  return loadSpecText(text, file);
}

function tooLarge(fail: (m: string, h?: string) => LoadedSpec, name: string, size: number): LoadedSpec {
  const mb = (x: number) => `${(x / 1024 / 1024).toFixed(x < 1024 * 1024 * 10 ? 1 : 0)} MB`;
  return fail(`${name} is ${size > MAX_SPEC_BYTES + 1 ? mb(size) : `more than ${mb(MAX_SPEC_BYTES)}`}: spec files are limited to ${mb(MAX_SPEC_BYTES)}`, 'a spec describes how to generate data rather than listing it: generate long value lists (faker, distributions) instead of writing them out');
}

function kindOf(st: Stats): string {
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** The text, or where the first invalid UTF-8 sequence starts (offset, line, column). */
function decodeUtf8(bytes: Buffer): string | { offset: number; position: { line: number; column: number } } {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < offset; i++) if (bytes[i] === 10) line++, (lineStart = i + 1);
    return { offset, position: { line, column: offset - lineStart + 1 } };
  }
}

/** Offset of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629). */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f; // no surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= n; k++) {
      const x = b[i + k];
      if (x === undefined || x < (k === 1 ? lo : 0x80) || x > (k === 1 ? hi : 0xbf)) return i;
    }
    i += n + 1;
  }
  return b.length;
}
