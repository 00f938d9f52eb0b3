/** Round half to even (banker's rounding): 2.5 → 2, 3.5 → 4, -2.5 → -2. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}
