/**
 * One rule for re-pinning golden files (tests/golden/): `UPDATE_GOLDEN=1` rewrites them, unset (or empty, or 0)
 * compares. Any other value is refused rather than guessed at, so `UPDATE_GOLDEN=true` cannot mean "update" in one
 * file and "compare" in another.
 */
export function updateGolden(value: string | undefined = process.env.UPDATE_GOLDEN): boolean {
  if (value === undefined || value === '' || value === '0') return false;
  if (value === '1') return true;
  throw new Error(`UPDATE_GOLDEN=${value}: set UPDATE_GOLDEN=1 to rewrite the golden files, or leave it unset (or 0) to compare with them`);
}
