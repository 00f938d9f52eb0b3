/**
 * The studio's error codes (src/studio/, answered by its HTTP API as `{error: {code, message, hint}}`) and the test
 * of tests/integration/studio-errors.test.ts that pins each: its exact HTTP status, message and hint.
 * tests/golden/diagnostics.test.ts counts a code listed here as pinned only when that test file declares
 * `itPins('<code>'` and names the code in an expect…(…) call. A module of its own (not the test file) so the golden
 * test can import it without running the studio's tests.
 */
export const PINNED = {
  DG_STUDIO_REFUSED: 'a foreign Host, a foreign Origin, a cross-site fetch and a change without Origin are refused',
  DG_STUDIO_BAD_REQUEST: 'a body that is not JSON',
  DG_STUDIO_TOO_LARGE: 'a request body over the limit, and a file too large to edit',
  DG_STUDIO_PATH_REFUSED: 'paths outside the folder, a symbolic link leading out, a file that is not .json',
  DG_STUDIO_NOT_FOUND: 'a missing file, a save into a missing folder, an unknown download',
  DG_STUDIO_CHANGED: 'a save over a file changed or removed on disk since it was opened',
  DG_STUDIO_WRITE_FAILED: 'a save into a read-only folder (as nobody when the tests run as root)',
  DG_STUDIO_SPEC_ERRORS: 'generate with a spec that has errors',
  DG_STUDIO_NOTHING_GENERATED: 'report, download and SQL before anything was generated',
  DG_STUDIO_SQL: 'an empty query',
  DG_STUDIO_INTERNAL: 'a fault: the generated file removed from the studio\'s work folder under it',
  DG_STUDIO_BUSY: 'a generate while one runs',
  DG_STUDIO_CANCELLED: 'a running generation stopped',
  DG_STUDIO_JOB_FAILED: 'a fault: the generation\'s job process killed',
  DG_STUDIO_PORT: 'the port is in use (startStudio and `datagen studio --port`)',
} as const;

export type StudioCode = keyof typeof PINNED;
