/** Shapes shared by the fuzzer's parts: what a case is (arbitraries.ts), what the runner answers (runner.ts). */

/** A file written into the case's temporary folder before the command runs. */
export interface CaseFile {
  data: string;
  /** 'latin1' writes each character as one byte (invalid UTF-8 on purpose). */
  enc?: 'utf8' | 'latin1';
  /** Write a small valid DuckDB database instead of `data`. */
  duckdb?: boolean;
}

export interface FuzzCase {
  /** What the case is, for messages (which example, which mutations). */
  label: string;
  files?: Record<string, CaseFile>;
  /** Folders to create (relative to the case folder). */
  dirs?: string[];
  /** name → link target (relative links stay inside the case folder). */
  symlinks?: Record<string, string>;
  /** The CLI's argv (without node and script); none: the case only compiles through the library. */
  argv?: string[];
  /** A second command run after `argv` exits 0 (`compile` succeeded, so `run` must too). */
  thenArgv?: string[];
  /** A spec document handed to `compile` directly (may hold values JSON cannot: NaN, Infinity). */
  compileDoc?: unknown;
  compileOptions?: { seed?: number; scale?: number; strict?: boolean };
  /** Whether a clean library compile promises a clean CLI exit (the argv runs this very document at a small scale). */
  cleanCompileMustRun?: boolean;
  /** Files and folders that must be left exactly as they were whatever the command does. */
  untouchable?: string[];
  /** The harness's own test: the runner hangs, allocates without end, or throws outside the case's promise. */
  selfTest?: 'hang' | 'memory' | 'stray';
}

export type Snapshot =
  | { kind: 'file'; sha: string }
  | { kind: 'symlink'; target: string }
  | { kind: 'dir' }
  | { kind: 'other' }
  | { kind: 'missing' };

export interface LibraryCompile {
  ok: boolean;
  diagnostics: { code: string; severity: string; path: string; message: string }[];
  threw?: string;
}

export interface CaseResult {
  /** main's exit code; null when it threw (or never ran). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** main rejected instead of resolving to an exit code. */
  threw?: string;
  library?: LibraryCompile;
  /** The result of `thenArgv` (when `argv` exited 0). */
  then?: { code: number | null; stdout: string; stderr: string; threw?: string };
  /** Uncaught exceptions / unhandled rejections seen while the case ran. */
  stray: string[];
  before: Record<string, Snapshot>;
  after: Record<string, Snapshot>;
  ms: number;
  /** Set by the harness: the runner process was stopped (hang) or died (memory, crash). */
  killed?: 'timeout' | 'memory' | 'crash';
  /** Set by the harness: the runner's peak resident memory (MB) seen while the case ran. */
  peakRssMb?: number;
  /** Set by the harness: what the dead runner wrote to its own stderr. */
  crashText?: string;
}
