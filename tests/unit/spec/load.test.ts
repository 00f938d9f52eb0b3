/**
 * Issue 19: reading a spec. Only regular files, at most MAX_SPEC_BYTES, UTF-8 (a BOM accepted), nesting at
 * most MAX_JSON_DEPTH levels, numbers a double holds; duplicate keys are warnings. Every refusal is a
 * diagnostic with a code (and a position where there is one), never an exception or a hang.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { depthExceeded, MAX_JSON_DEPTH } from '../../../src/diagnostics/source-map.ts';
import { firstInvalidUtf8, loadSpec, loadSpecText, MAX_SPEC_BYTES } from '../../../src/spec/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'datagen-load-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const codes = (s: { diagnostics: { code: string }[] }) => s.diagnostics.map((d) => d.code);

describe('loadSpec: what it reads', () => {
  it('refuses a FIFO without waiting for a writer', () => {
    const fifo = join(dir, 'spec.fifo');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return; // no mkfifo on this system
    const s = loadSpec(fifo, 'spec.fifo');
    expect(s.diagnostics).toEqual([expect.objectContaining({ code: 'DG_FILE', path: '', message: 'spec.fifo is a FIFO (named pipe), not a regular file: datagen reads specs only from regular files' })]);
  });

  it('refuses a device such as /dev/zero without reading it', () => {
    if (!existsSync('/dev/zero')) return;
    const s = loadSpec('/dev/zero');
    expect(s.diagnostics[0]).toMatchObject({ code: 'DG_FILE', message: '/dev/zero is a character device, not a regular file: datagen reads specs only from regular files' });
  });

  it('refuses a directory and a missing file', () => {
    expect(loadSpec(dir, 'd').diagnostics[0].message).toBe('d is a directory, not a spec file');
    expect(loadSpec(join(dir, 'nope.json'), 'nope.json').diagnostics[0].message).toBe('file not found: nope.json');
  });

  it('refuses a file above the size limit before reading it', () => {
    const big = join(dir, 'big.json');
    writeFileSync(big, Buffer.alloc(MAX_SPEC_BYTES + 1, 0x20));
    const s = loadSpec(big, 'big.json');
    expect(s.diagnostics).toEqual([expect.objectContaining({ code: 'DG_FILE', message: 'big.json is more than 50 MB: spec files are limited to 50 MB' })]);
    rmSync(big);
  });

  it('accepts a UTF-8 byte-order mark; positions count from after it', () => {
    const file = join(dir, 'bom.json');
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a": 1}')]));
    const s = loadSpec(file);
    expect(s.diagnostics).toEqual([]);
    expect(s.doc).toEqual({ a: 1 });
    expect(loadSpecText('\uFEFF{"a": }').diagnostics[0]).toMatchObject({ code: 'DG_INVALID_JSON', line: 1, column: 7 });
  });

  it('refuses invalid UTF-8 with the byte, its offset and its line/column', () => {
    const file = join(dir, 'latin1.json');
    writeFileSync(file, Buffer.from('{\n  "name": "caf\xe9"\n}', 'latin1'));
    const s = loadSpec(file);
    expect(s.diagnostics).toEqual([expect.objectContaining({ code: 'DG_INVALID_JSON', line: 2, column: 15, message: 'the file is not valid UTF-8: byte 0xe9 at offset 16 cannot start or continue a character here' })]);
  });
});

describe('firstInvalidUtf8', () => {
  const at = (...b: number[]) => firstInvalidUtf8(Uint8Array.from(b));
  it('finds overlong forms, surrogates, truncated sequences and stray continuation bytes', () => {
    expect(at(0x61, 0xc3, 0xa9, 0x62)).toBe(4); // "aéb" is valid
    expect(at(0xf0, 0x9f, 0x99, 0x82)).toBe(4); // 🙂
    expect(at(0x61, 0x80)).toBe(1); // continuation byte without a lead
    expect(at(0xc0, 0xaf)).toBe(0); // overlong "/"
    expect(at(0xed, 0xa0, 0x80)).toBe(0); // UTF-16 surrogate
    expect(at(0x61, 0xe2, 0x82)).toBe(1); // truncated €
    expect(at(0xf5, 0x80, 0x80, 0x80)).toBe(0); // beyond U+10FFFF
  });
});

describe('parseJsonText (through loadSpecText)', () => {
  it('refuses nesting deeper than the limit with the position of the first level too deep, without recursing', () => {
    const text = '['.repeat(100_000) + ']'.repeat(100_000);
    const s = loadSpecText(text);
    expect(s.diagnostics).toEqual([expect.objectContaining({ code: 'DG_INVALID_JSON', line: 1, column: MAX_JSON_DEPTH + 1 })]);
    expect(s.diagnostics[0].message).toBe(`invalid JSON: arrays and objects are nested more than ${MAX_JSON_DEPTH} levels deep`);
    const ok = '['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH);
    expect(loadSpecText(ok).diagnostics).toEqual([]);
  });

  it('does not count brackets inside strings (escaped quotes included)', () => {
    expect(depthExceeded(`{"a": "${'['.repeat(1000)}\\"${'{'.repeat(1000)}"}`, 4)).toBeUndefined();
    expect(depthExceeded('[[[[[', 4)).toBe(4);
  });

  it('refuses a number a double cannot hold, at its pointer', () => {
    const s = loadSpecText('{"nodes": [{"rows": 1e999}, {"rows": -2e400}]}');
    expect(s.diagnostics.map((d) => [d.code, d.path])).toEqual([['DG_OUT_OF_RANGE', '/nodes/0/rows'], ['DG_OUT_OF_RANGE', '/nodes/1/rows']]);
    expect(s.diagnostics[0].message).toBe('the number 1e999 is too large: it is beyond the largest double (about 1.8e308)');
    expect(s.doc).toBeUndefined();
  });

  it('warns about a key repeated in one object (at the repeat), not about the same key in different objects', () => {
    const s = loadSpecText('{"a": {"x": 1, "y": 2, "x": 3}, "b": {"x": 1}, "c": [{"k": 1}, {"k": 2}]}');
    expect(s.diagnostics).toEqual([]);
    expect(s.warnings).toEqual([expect.objectContaining({ code: 'DG_DUPLICATE_KEY', severity: 'warning', path: '/a/x', line: 1, column: 24 })]);
    expect(s.doc).toEqual({ a: { x: 3, y: 2 }, b: { x: 1 }, c: [{ k: 1 }, { k: 2 }] });
  });

  it('reports what JSON.parse refuses even when the tolerant scanner accepted it', () => {
    const s = loadSpecText('{"a": "x\u0001y"}');
    expect(codes(s)).toEqual(['DG_INVALID_JSON']);
  });
});
