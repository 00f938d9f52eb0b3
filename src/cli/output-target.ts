/**
 * What an output option (`run -o`, `compile -o`, `labels -o`, `validate --report/--html`) may replace: checked
 * before anything is written. docs/security.md ("Outputs") states the rules:
 * - a new name in an existing folder is fine;
 * - an existing output is replaced only when datagen wrote it: a DuckDB database ("DUCK" at byte 8), a Parquet
 *   folder of datagen (it holds `_datagen_manifest/`, or is empty), a plan / report / labels file recognised by
 *   its first bytes, or an empty file; anything else needs `--force`;
 * - never (not even with --force): a symbolic link (datagen neither follows one nor replaces it), a device, a FIFO,
 *   a socket, a folder where a file goes (or a file where the Parquet folder goes), the command's own input
 *   (the spec, the plan, the database read: same file by device and inode).
 */
import { accessSync, closeSync, constants, lstatSync, openSync, readdirSync, readSync, type Stats, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { EVENT_COLUMNS, LABEL_COLUMNS } from '../sinks/labels.ts';
import { UserError } from './io.ts';

export type OutputKind = 'duckdb' | 'parquet' | 'plan' | 'labels' | 'report-json' | 'report-html' | 'score-json' | 'score-html' | 'compare-json' | 'compare-html' | 'infer-spec' | 'infer-json' | 'infer-html';

export interface OutputTarget {
  /** The option as the user wrote it, e.g. `-o` or `--report`. */
  option: string;
  kind: OutputKind;
  force?: boolean;
  /** Files the command reads (spec, plan, database): never replaced. */
  inputs?: string[];
}

/** Longest file name (bytes) for an output: NAME_MAX 255 less the temporary suffix `.tmp-<pid>-<ms>` (≤ 30). */
const MAX_OUTPUT_NAME_BYTES = 225;
/** Longest output path (bytes): PATH_MAX 4096 less the temporary suffix and DuckDB's `.wal`. */
const MAX_OUTPUT_PATH_BYTES = 4000;

const WHAT: Record<OutputKind, string> = {
  duckdb: 'a DuckDB database', parquet: 'a Parquet folder of datagen', plan: 'a datagen plan', labels: 'a labels export of datagen',
  'report-json': 'a JSON report of datagen validate', 'report-html': 'an HTML report of datagen validate', 'score-json': 'a JSON report of datagen score', 'score-html': 'an HTML report of datagen score',
  'compare-json': 'a JSON report of datagen compare', 'compare-html': 'an HTML report of datagen compare',
  'infer-spec': 'a spec written by datagen infer', 'infer-json': 'a JSON evidence file of datagen infer', 'infer-html': 'an HTML report of datagen infer',
};

/** Check that `given` (relative to `cwd`) may be written as output `t`; returns the absolute path or throws a UserError. */
export function checkOutputTarget(given: string, cwd: string, t: OutputTarget): string {
  const name = `${t.option} ${JSON.stringify(given)}`;
  const fail = (code: string, what: string, hint: string): never => {
    throw new UserError(`${name}: ${what}`, code, hint);
  };
  if (given === '') fail('DG_OUTPUT_PATH_EMPTY', 'the output path is empty', `give a file name, e.g. ${t.option} ${example(t.kind)}`);
  if (given.includes('\0')) fail('DG_OUTPUT_PATH_INVALID', 'the output path contains a NUL character', 'use a plain file name');
  const path = resolve(cwd, given);
  const longest = Math.max(...path.split('/').map((s) => Buffer.byteLength(s)));
  if (longest > MAX_OUTPUT_NAME_BYTES || Buffer.byteLength(path) > MAX_OUTPUT_PATH_BYTES) {
    fail('DG_OUTPUT_PATH_TOO_LONG', longest > MAX_OUTPUT_NAME_BYTES ? `a name in the path is ${longest} bytes long, more than ${MAX_OUTPUT_NAME_BYTES}` : `the path is ${Buffer.byteLength(path)} bytes long, more than ${MAX_OUTPUT_PATH_BYTES}`,
      `file names are at most ${MAX_OUTPUT_NAME_BYTES} bytes (datagen adds a temporary suffix to the 255 the file system allows); choose a shorter name`);
  }
  if (/[/\\]$/.test(given) && t.kind !== 'parquet') fail('DG_OUTPUT_IS_DIRECTORY', 'the output path ends with a slash, but this output is a file', `give a file name, e.g. ${t.option} ${example(t.kind)}`);
  const parent = dirname(path);
  let dir: Stats | null = null;
  try {
    dir = statSync(parent);
  } catch {
    // missing (or not reachable): below
  }
  if (!dir) fail('DG_OUTPUT_DIR_MISSING', `the folder ${JSON.stringify(dirname(given) === '.' ? parent : dirname(given))} does not exist`, `create it first (mkdir -p ${shellWord(dirname(given))}) or write somewhere else`);
  if (!dir!.isDirectory()) fail('DG_OUTPUT_DIR_MISSING', `${JSON.stringify(dirname(given))} is not a folder`, 'write into an existing folder');
  try {
    accessSync(parent, constants.W_OK | constants.X_OK);
  } catch {
    fail('DG_OUTPUT_DIR_NOT_WRITABLE', `the folder ${JSON.stringify(parent)} is not writable`, 'write somewhere you may create files');
  }

  let st: Stats;
  try {
    st = lstatSync(path);
  } catch {
    return path; // a new name
  }
  for (const input of t.inputs ?? []) {
    const inp = safeStat(resolve(cwd, input));
    if (inp && inp.dev === st.dev && inp.ino === st.ino) fail('DG_OUTPUT_IS_INPUT', `is ${JSON.stringify(input)}, which this command reads; it is left as it is`, 'write the output to another file');
  }
  if (st.isSymbolicLink()) fail('DG_OUTPUT_SYMLINK', 'is a symbolic link; datagen neither follows it nor replaces it', 'give the path of the real file (or folder), or remove the link');
  if (st.isCharacterDevice() || st.isBlockDevice() || st.isFIFO() || st.isSocket()) {
    const kind = st.isFIFO() ? 'a FIFO (named pipe)' : st.isSocket() ? 'a socket' : 'a device';
    fail('DG_OUTPUT_SPECIAL_FILE', `is ${kind}; datagen writes only regular files${t.kind === 'parquet' ? ' and folders' : ''}`, t.kind === 'labels' ? 'leave out -o to write the labels to standard output, or give a file name' : 'give the name of a regular file');
  }
  if (t.kind === 'parquet') {
    if (!st.isDirectory()) fail('DG_OUTPUT_NOT_A_DIRECTORY', 'is an existing file, but --format parquet writes a folder', 'choose another name for the Parquet folder');
    if (!t.force && !isParquetFolder(path)) fail('DG_OUTPUT_NOT_OURS', 'is a folder that datagen did not write (it has files but no _datagen_manifest/)', 'choose a new or empty folder, or pass --force to write the Parquet tables into it');
    return path;
  }
  if (st.isDirectory()) fail('DG_OUTPUT_IS_DIRECTORY', `is a folder, but this output is a file (${WHAT[t.kind]})`, `give a file name, e.g. ${t.option} ${shellWord(given.replace(/\/+$/, ''))}/${example(t.kind)}`);
  if (!t.force && st.size > 0 && !looksLike(path, t.kind)) {
    fail('DG_OUTPUT_NOT_OURS', `is an existing file that is not ${WHAT[t.kind]}; datagen leaves it as it is`, 'choose another name, or pass --force to replace it');
  }
  return path;
}

function safeStat(p: string): Stats | null {
  try {
    return statSync(p);
  } catch {
    return null;
  }
}

/**
 * A Parquet folder datagen wrote, or is writing: it has the manifest, or everything in it is datagen's —
 * `<table>/shard=<i>/` folders and the `.datagen-tmp-…` folders of runs in progress (shard runs started at once
 * into a new folder find each other's) — or it is empty.
 */
function isParquetFolder(dir: string): boolean {
  if (safeStat(resolve(dir, '_datagen_manifest'))?.isDirectory()) return true;
  try {
    return readdirSync(dir, { withFileTypes: true }).every((e) => e.isDirectory()
      && (/^\.datagen-tmp-\d+-\d+-\d+$/.test(e.name) || readdirSync(resolve(dir, e.name), { withFileTypes: true }).every((x) => x.isDirectory() && /^shard=\d+$/.test(x.name))));
  } catch {
    return false;
  }
}

/** The first `n` bytes of a file. */
function head(path: string, n: number): Buffer {
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    return buf.subarray(0, readSync(fd, buf, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

/** Whether a regular file is what datagen writes for `kind`, from its first bytes. */
function looksLike(path: string, kind: OutputKind): boolean {
  const b = head(path, 4096);
  const text = b.toString('utf8');
  switch (kind) {
    case 'duckdb': return b.length >= 12 && b.toString('latin1', 8, 12) === 'DUCK';
    case 'plan': return /^\{\s*"algorithmVersion":\s*\d+,\s*"datagenVersion":/.test(text);
    case 'report-json': return /^\{\s*"spec":[^\n]*\n\s*"database":[^\n]*\n\s*"datagenVersion":/.test(text);
    case 'report-html': return /^<!doctype html>/i.test(text) && text.includes('<title>datagen validate');
    // cell labels (with or without event_id, written before events existed) or events (--level event; with or without time/entity columns)
    case 'labels': return text.startsWith('{"label_id":') || text.startsWith('{"event_id":') || [LABEL_COLUMNS.join(','), LABEL_COLUMNS.filter((c) => c !== 'event_id').join(','), EVENT_COLUMNS.join(','), EVENT_COLUMNS.filter((c) => c !== 'time_column' && c !== 'entity_column').join(',')].includes(text.split(/\r?\n/, 1)[0]);
    case 'score-json': return /^\{\s*"datagenScore":/.test(text);
    case 'score-html': return /^<!doctype html>/i.test(text) && text.includes('<title>datagen score');
    case 'compare-json': return /^\{\s*"datagenCompare":/.test(text);
    case 'compare-html': return /^<!doctype html>/i.test(text) && text.includes('<title>datagen compare');
    case 'infer-spec': return /^\{\s*"version":/.test(text) && text.includes('"description": "Inferred by datagen infer');
    case 'infer-json': return /^\{\s*"datagenInfer":/.test(text);
    case 'infer-html': return /^<!doctype html>/i.test(text) && text.includes('<title>datagen infer');
    default: return false;
  }
}

function example(kind: OutputKind): string {
  return { duckdb: 'out.duckdb', parquet: 'out-parquet', plan: 'plan.json', labels: 'labels.jsonl', 'report-json': 'report.json', 'report-html': 'report.html', 'score-json': 'score.json', 'score-html': 'score.html', 'compare-json': 'compare.json', 'compare-html': 'compare.html', 'infer-spec': 'spec.json', 'infer-json': 'evidence.json', 'infer-html': 'infer.html' }[kind];
}

function shellWord(s: string): string {
  return /^[\w./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
