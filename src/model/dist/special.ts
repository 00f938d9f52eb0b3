/**
 * Special functions for the samplers (log-factorials) and for exact CDFs and moments (incomplete
 * gamma and beta, generalised harmonic numbers). Plain double arithmetic, relative accuracy ~1e-14.
 */

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Stirling correction fc(k) = ln k! - (k+.5) ln(k+1) + (k+1) - ln(2π)/2, used by PTRS and BTRS. */
const FC_SMALL = [
  0.0810614667953272, 0.0413406959554092, 0.0276779256849983, 0.02079067210376509,
  0.0166446911898211, 0.0138761288230707, 0.0118967099458917, 0.010411265261972,
  0.00925546218271273, 0.00833056343336287,
];
export function stirlingTail(k: number): number {
  if (k <= 9) return FC_SMALL[k]!;
  const kp1 = k + 1;
  const sq = kp1 * kp1;
  return (1 / 12 - (1 / 360 - 1 / 1260 / sq) / sq) / kp1;
}

const LOG_FACT = new Float64Array(256);
for (let k = 1; k < 256; k++) LOG_FACT[k] = LOG_FACT[k - 1]! + Math.log(k);

/** ln k! for integer k >= 0 (table below 256, Stirling series above). */
export function logFactorial(k: number): number {
  if (k < 256) return LOG_FACT[k]!;
  return (k + 0.5) * Math.log(k + 1) - (k + 1) + HALF_LOG_2PI + stirlingTail(k);
}

/** ln Γ(x) for x > 0: Stirling series to 1/x^9 after shifting x up to >= 15. */
export function lgamma(x: number): number {
  if (!(x > 0)) return x === 0 ? Infinity : NaN;
  let shift = 0;
  let prod = 1;
  while (x < 15) {
    prod *= x;
    x += 1;
    shift++;
  }
  const inv = 1 / x;
  const inv2 = inv * inv;
  const series = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * (1 / 1680 - inv2 / 1188))));
  const base = (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + series;
  return shift === 0 ? base : base - Math.log(prod);
}

/** Γ(x) for x > 0. */
export function gammaFn(x: number): number {
  return Math.exp(lgamma(x));
}

const EPS = 1e-15;
const TINY = 1e-300;

/** Regularised lower incomplete gamma P(a, x) (series for x < a + 1, else continued fraction). */
export function gammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaCf(a, x);
}

/** Regularised upper incomplete gamma Q(a, x) = 1 - P(a, x), accurate in the upper tail. */
export function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaCf(a, x);
}

function gammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < 10000; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - lgamma(a));
}

/** Modified Lentz evaluation of the continued fraction for Q(a, x). */
function gammaCf(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 10000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - lgamma(a)) * h;
}

/** Regularised incomplete beta I_x(a, b). */
export function betaI(a: number, b: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(lbt) * betaCf(a, b, x)) / a;
  return 1 - (Math.exp(lbt) * betaCf(b, a, 1 - x)) / b;
}

/** Modified Lentz evaluation of the continued fraction of the incomplete beta function. */
function betaCf(a: number, b: number, x: number): number {
  let c = 1;
  let d = 1 / nonZero(1 - ((a + b) * x) / (a + 1));
  let h = d;
  for (let m = 1; m < 10000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 / nonZero(1 + aa * d);
    c = nonZero(1 + aa / c);
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 / nonZero(1 + aa * d);
    c = nonZero(1 + aa / c);
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < EPS) break;
  }
  return h;
}

function nonZero(v: number): number {
  return Math.abs(v) < TINY ? TINY : v;
}

/** Standard normal CDF via the incomplete gamma function (accurate in both tails). */
export function normalCdf(z: number): number {
  const h = 0.5 * gammaQ(0.5, 0.5 * z * z);
  return z < 0 ? h : 1 - h;
}

/**
 * Generalised harmonic number H(n, s) = Σ_{k=1..n} k^-s (n may be Infinity; Infinity when the sum
 * diverges). Direct sum up to 64, Euler–Maclaurin for the rest.
 */
export function harmonic(n: number, s: number): number {
  const K = 64;
  let sum = 0;
  const direct = Math.min(n, K - 1);
  for (let k = direct; k >= 1; k--) sum += Math.pow(k, -s);
  if (n < K) return sum;
  if (n === Infinity && s <= 1) return Infinity;
  const f = (x: number) => Math.pow(x, -s);
  const d1 = (x: number) => -s * Math.pow(x, -s - 1);
  const d3 = (x: number) => -s * (s + 1) * (s + 2) * Math.pow(x, -s - 3);
  const integral =
    s === 1 ? Math.log(n / K) : n === Infinity ? Math.pow(K, 1 - s) / (s - 1) : (Math.pow(n, 1 - s) - Math.pow(K, 1 - s)) / (1 - s);
  const fn = n === Infinity ? 0 : f(n);
  const d1n = n === Infinity ? 0 : d1(n);
  const d3n = n === Infinity ? 0 : d3(n);
  return sum + integral + (f(K) + fn) / 2 + (d1n - d1(K)) / 12 - (d3n - d3(K)) / 720;
}
