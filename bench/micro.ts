/**
 * `npm run bench:micro`: single-thread throughput of two inner loops, moved out of the test suite (speed is
 * measured here, never asserted in tests):
 *   faker       values per second of FakerColumn.fill per method, beside a hand loop over faker-js
 *   expression  rows per second of a compiled `base_a * base_b + 2` over 10 M rows in 64 k chunks (best of 3)
 * Figures only; this machine is shared, so compare them with the baseline printed in the same run.
 */
import { fakerEN_US } from '@faker-js/faker';
import { FakerColumn } from '../src/model/faker.ts';
import { compileExpression, parseExpression } from '../src/expr/expression.ts';
import { uniform } from '../src/model/rng.ts';

function faker(): void {
  const lines: string[] = [];
  const out: string[] = new Array(8192);
  for (const method of ['name', 'first_name', 'last_name', 'email', 'company', 'uuid4', 'phone_number', 'bothify', 'city', 'person.fullName']) {
    const col = new FakerColumn({ method, args: method === 'bothify' ? { text: '??-####' } : undefined }, 99);
    const n = method.includes('.') || method === 'city' ? 20_000 : 200_000;
    col.fill(out, 0, 8192);
    const t = performance.now();
    for (let s = 0; s < n; s += 8192) col.fill(out, s, Math.min(8192, n - s));
    lines.push(`${method.padEnd(16)} ${(n / ((performance.now() - t) / 1000) / 1e6).toFixed(2)} M/s`);
  }
  const t = performance.now();
  for (let i = 0; i < 20_000; i++) out[i & 8191] = fakerEN_US.person.fullName();
  const base = 20_000 / ((performance.now() - t) / 1000);
  lines.push(`${'(faker loop)'.padEnd(16)} ${(base / 1e6).toFixed(2)} M/s  person.fullName() baseline`);
  console.log(`faker throughput (1 core):\n${lines.join('\n')}`);
}

function expression(): void {
  const total = 10_000_000;
  const chunk = 65_536;
  const a = Float64Array.from({ length: chunk }, (_, i) => uniform(1, i, 0) * 100);
  const b = Float64Array.from({ length: chunk }, (_, i) => uniform(2, i, 0) * 10);
  const parsed = parseExpression('base_a * base_b + 2');
  if (!parsed.ok) throw new Error('the bench expression does not parse');
  const out = new Float64Array(chunk);
  let best = 0;
  let checksum = 0;
  for (let rep = 0; rep < 3; rep++) {
    checksum = 0;
    const t0 = performance.now();
    for (let start = 0; start < total; start += chunk) {
      const n = Math.min(chunk, total - start);
      const f = compileExpression(parsed.expr, (ref) => (ref.kind === 'column' && ref.column === 'base_a' ? a : b));
      for (let i = 0; i < n; i++) {
        const v = f(i);
        out[i] = v === null ? NaN : (v as number);
      }
      checksum += out[n - 1];
    }
    best = Math.max(best, total / ((performance.now() - t0) / 1000));
  }
  console.log(`expression "base_a * base_b + 2": ${(best / 1e6).toFixed(1)} M rows/s (10M rows, chunks of ${chunk}, best of 3; checksum ${checksum.toFixed(3)})`);
}

const only = process.argv[2];
if (!only || only === 'faker') faker();
if (!only || only === 'expression') expression();
