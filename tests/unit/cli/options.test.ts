/* Option parsers of the CLI (src/cli/options.ts): plain decimal numbers and sizes with units, refused otherwise. */
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parseMemoryLimit, parsePositiveInt, parseScale, parseThreshold } from '../../../src/cli/options.ts';
import { main } from '../../../src/cli/main.ts';

describe('--memory-limit', () => {
  it('accepts a positive size with a unit, normalised for DuckDB', () => {
    expect(parseMemoryLimit('512MB')).toBe('512MB');
    expect(parseMemoryLimit('1gb')).toBe('1GB');
    expect(parseMemoryLimit(' 2 GiB ')).toBe('2GiB');
    expect(parseMemoryLimit('1.5GB')).toBe('1.5GB');
    expect(parseMemoryLimit('16MB')).toBe('16MB');
  });
  it.each(['abc', '-1GB', '0GB', '1', '1 XB', '0x10MB', '', 'GB', '1e3MB', '8MB', 'Infinity GB'])('refuses %j with a message of its own', (v) => {
    expect(() => parseMemoryLimit(v)).toThrow(InvalidArgumentError);
    expect(() => parseMemoryLimit(v)).toThrow(/memory-limit|at least 16MB/);
  });
});

describe('numbers', () => {
  it.each(['0x10', '0o7', '0b1', 'Infinity', '1e', '', ' ', '1,5', '--1'])('--scale %j is refused', (v) => {
    expect(() => parseScale(v)).toThrow(InvalidArgumentError);
  });
  it('decimal forms are accepted', () => {
    expect(parseScale('0.5')).toBe(0.5);
    expect(parseScale('1e-2')).toBe(0.01);
    expect(parseScale('.25')).toBe(0.25);
    expect(parsePositiveInt('65536')).toBe(65536);
    expect(parseThreshold('90')).toBe(90);
  });
  it.each(['0x10', '1.5', '0', '-3', '1e400'])('--chunk-rows %j is refused', (v) => {
    expect(() => parsePositiveInt(v)).toThrow(InvalidArgumentError);
  });
  it.each(['0x50', '101', 'NaN'])('--threshold %j is refused', (v) => {
    expect(() => parseThreshold(v)).toThrow(InvalidArgumentError);
  });
});

describe('through the CLI', () => {
  it.each([['--memory-limit', 'abc'], ['--memory-limit', '-1GB'], ['--scale', '0x10']])('%s %s is a usage error (exit 2) naming the option, without DuckDB advice', async (opt, v) => {
    const err: string[] = [];
    const code = await main(['run', 'spec.json', `${opt}=${v}`], { stdout: { write: () => true }, stderr: { write: (s: string) => err.push(s) }, isTTY: false, cwd: '/nonexistent' });
    expect(code).toBe(2);
    expect(err.join('')).toContain(opt);
    expect(err.join('')).not.toMatch(/Failed to set config|SET threads/);
  });
});
