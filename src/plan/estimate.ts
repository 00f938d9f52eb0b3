import type { ColumnType, FanoutPlan, TablePlan } from './types.ts';

const BYTES: Record<ColumnType, number> = { int: 8, float: 8, string: 16, bool: 1, datetime: 8, date: 4, decimal: 8, json: 32 };

/** Expected children per parent: E[clamp(X, min, max)] for the fanout distribution (no behaviour multipliers). */
export function expectedFanout(f: FanoutPlan): number {
  if (f.distribution === 'uniform') return f.mean;
  const lo = f.min ?? 0;
  const hi = f.max ?? Infinity;
  const pmf = pmfFor(f);
  if (!pmf) return Math.min(hi, Math.max(lo, f.mean));
  let mean = 0;
  let mass = 0;
  const sd = f.distribution === 'geometric' ? Math.sqrt(f.mean * (1 + f.mean)) : f.k ? Math.sqrt(f.mean + (f.mean * f.mean) / f.k) : Math.sqrt(f.mean);
  const limit = Math.ceil(f.mean + 40 * sd + 30);
  if (limit > 5_000_000) return Math.min(hi, Math.max(lo, f.mean));
  for (let x = 0; x <= limit; x++) {
    const p = pmf(x);
    mass += p;
    mean += p * Math.min(hi, Math.max(lo, x));
  }
  return mean + (1 - mass) * Math.min(hi, Math.max(lo, limit));
}

function pmfFor(f: FanoutPlan): ((x: number) => number) | null {
  const m = f.mean;
  if (f.distribution === 'poisson') return (x) => Math.exp(x * Math.log(m || 1e-300) - m - logFactorial(x));
  if (f.distribution === 'geometric') {
    const p = 1 / (1 + m);
    return (x) => p * Math.pow(1 - p, x);
  }
  if (f.distribution === 'negative_binomial' && f.k) {
    const k = f.k;
    const p = k / (k + m);
    return (x) => Math.exp(logGamma(x + k) - logGamma(k) - logFactorial(x) + k * Math.log(p) + x * Math.log(1 - p || 1e-300));
  }
  return null;
}

function logFactorial(n: number): number {
  return logGamma(n + 1);
}

/** Lanczos approximation of ln Γ(x), x > 0. */
export function logGamma(x: number): number {
  const g = 7;
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Fill estimatedRows / estimatedBytes in dependency order. */
export function estimate(tables: TablePlan[]): void {
  const rows = new Map<string, number>();
  for (const t of tables) {
    const n = t.rows.kind === 'fixed' ? t.rows.count : Math.round((rows.get(t.rows.parent) ?? 0) * expectedFanout(t.rows.fanout));
    rows.set(t.id, n);
    t.estimatedRows = n;
    t.estimatedBytes = n * t.columns.reduce((a, c) => a + BYTES[c.type], 0);
  }
}
