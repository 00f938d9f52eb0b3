/**
 * Inverse standard normal CDF, two versions:
 *  - `normalQuantile` (the samplers): Acklam's rational approximation, one 5/5 rational in the
 *    centre (0.02425 < p < 0.97575, 95% of draws, no log) and a 5/4 rational in sqrt(-2 ln p) in
 *    the tails; relative error < 1.15e-9 everywhere — the same order as the 2^-32 grid of the
 *    uniforms it is fed — and about twice as fast as AS 241 here.
 *  - `normalQuantilePrecise`: Wichura's AS 241 (PPND16, Applied Statistics 37(3), 1988), relative
 *    error ~1e-16, for checks and for callers that need full double accuracy.
 * Both return -Infinity / +Infinity at 0 / 1 and NaN outside [0, 1]. No loop, no allocation.
 */

const K1 = -39.69683028665376, K2 = 220.9460984245205, K3 = -275.9285104469687;
const K4 = 138.357751867269, K5 = -30.66479806614716, K6 = 2.506628277459239;
const L1 = -54.47609879822406, L2 = 161.5858368580409, L3 = -155.6989798598866;
const L4 = 66.80131188771972, L5 = -13.28068155288572;
const M1 = -0.007784894002430293, M2 = -0.3223964580411365, M3 = -2.400758277161838;
const M4 = -2.549732539343734, M5 = 4.374664141464968, M6 = 2.938163982698783;
const N1 = 0.007784695709041462, N2 = 0.3224671290700398, N3 = 2.445134137142996, N4 = 3.754408661907416;

export function normalQuantile(p: number): number {
  const q = p - 0.5;
  // centre: 0.02425 < p < 0.97575 (literal bounds: measurably faster than derived constants)
  if (q > -0.47575 && q < 0.47575) {
    const r = q * q;
    return ((((((K1 * r + K2) * r + K3) * r + K4) * r + K5) * r + K6) * q) / (((((L1 * r + L2) * r + L3) * r + L4) * r + L5) * r + 1);
  }
  const t = q < 0 ? p : 1 - p;
  if (!(t > 0)) return t === 0 ? (q < 0 ? -Infinity : Infinity) : NaN;
  const s = Math.sqrt(-2 * Math.log(t));
  const x = (((((M1 * s + M2) * s + M3) * s + M4) * s + M5) * s + M6) / ((((N1 * s + N2) * s + N3) * s + N4) * s + 1);
  return q < 0 ? x : -x;
}

const A0 = 3.387132872796366608, A1 = 133.14166789178437745, A2 = 1971.5909503065514427;
const A3 = 13731.693765509461125, A4 = 45921.953931549871457, A5 = 67265.770927008700853;
const A6 = 33430.575583588128105, A7 = 2509.0809287301226727;
const B1 = 42.313330701600911252, B2 = 687.1870074920579083, B3 = 5394.1960214247511077;
const B4 = 21213.794301586595867, B5 = 39307.89580009271061, B6 = 28729.085735721942674;
const B7 = 5226.495278852854561;

const C0 = 1.42343711074968357734, C1 = 4.6303378461565452959, C2 = 5.7694972214606914055;
const C3 = 3.64784832476320460504, C4 = 1.27045825245236838258, C5 = 0.24178072517745061177;
const C6 = 0.0227238449892691845833, C7 = 7.7454501427834140764e-4;
const D1 = 2.05319162663775882187, D2 = 1.6763848301838038494, D3 = 0.6897673349851000045;
const D4 = 0.14810397642748007459, D5 = 0.0151986665636164571966, D6 = 5.475938084995344946e-4;
const D7 = 1.05075007164441684324e-9;

const E0 = 6.6579046435011037772, E1 = 5.4637849111641143699, E2 = 1.7848265399172913358;
const E3 = 0.29656057182850489123, E4 = 0.026532189526576123093, E5 = 0.0012426609473880784386;
const E6 = 2.71155556874348757815e-5, E7 = 2.01033439929228813265e-7;
const F1 = 0.59983220655588793769, F2 = 0.13692988092273580531, F3 = 0.0148753612908506148525;
const F4 = 7.868691311456132591e-4, F5 = 1.8463183175100546818e-5, F6 = 1.4215117583164458887e-7;
const F7 = 2.04426310338993978564e-15;

/** AS 241: relative error ~1e-16. */
export function normalQuantilePrecise(u: number): number {
  const q = u - 0.5;
  if (q >= -0.425 && q <= 0.425) {
    const r = 0.180625 - q * q;
    return (
      (q * (((((((A7 * r + A6) * r + A5) * r + A4) * r + A3) * r + A2) * r + A1) * r + A0)) /
      (((((((B7 * r + B6) * r + B5) * r + B4) * r + B3) * r + B2) * r + B1) * r + 1)
    );
  }
  return normalTail(u, q);
}

/** The two tail branches of AS 241 (kept apart so the hot centre branch stays small). */
function normalTail(u: number, q: number): number {
  let r = q < 0 ? u : 1 - u;
  if (!(r > 0)) return r === 0 ? (q < 0 ? -Infinity : Infinity) : NaN;
  r = Math.sqrt(-Math.log(r));
  let z: number;
  if (r <= 5) {
    r -= 1.6;
    z =
      (((((((C7 * r + C6) * r + C5) * r + C4) * r + C3) * r + C2) * r + C1) * r + C0) /
      (((((((D7 * r + D6) * r + D5) * r + D4) * r + D3) * r + D2) * r + D1) * r + 1);
  } else {
    r -= 5;
    z =
      (((((((E7 * r + E6) * r + E5) * r + E4) * r + E3) * r + E2) * r + E1) * r + E0) /
      (((((((F7 * r + F6) * r + F5) * r + F4) * r + F3) * r + F2) * r + F1) * r + 1);
  }
  return q < 0 ? -z : z;
}
