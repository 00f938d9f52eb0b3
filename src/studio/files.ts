/**
 * The files the studio may touch: JSON files inside one folder (the spec's, or the working directory). A path
 * from the page is relative to that folder; anything that leaves it — `..`, an absolute path, a symbolic link
 * pointing outside, a NUL byte — is refused before the file system is asked for its content. Saving is atomic
 * (a temporary file beside the target, renamed over it) and refuses to replace a file that changed on disk since
 * the page loaded it unless the page says so (the user confirmed).
 */
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, lstatSync, openSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

export class FileRefused extends Error {
  constructor(message: string, readonly status: 400 | 403 | 404 | 409 | 500, readonly code = 'DG_STUDIO_PATH_REFUSED', readonly hint = 'open files of the spec\'s folder only') {
    super(message);
  }
}

/** The largest file the studio opens (the spec loader's own limit is larger; a spec this big is not edited by hand). */
export const MAX_EDIT_BYTES = 5 * 1024 * 1024;

const hashText = (text: string): string => createHash('sha256').update(text).digest('hex');

export class Folder {
  readonly root: string;
  constructor(dir: string) {
    this.root = realpathSync(dir);
  }

  /** Whether an absolute path is inside the folder once its symbolic links are resolved. */
  contains(abs: string): boolean {
    try {
      return this.inside(realpathSync(abs));
    } catch {
      return this.inside(resolve(abs)); // not there: reading it reports that
    }
  }

  private inside(p: string): boolean {
    return p === this.root || p.startsWith(this.root.endsWith(sep) ? this.root : this.root + sep);
  }

  /** The absolute path of `rel`, checked to stay inside the folder (symbolic links resolved). */
  resolve(rel: string, opts: { mustExist: boolean }): string {
    if (typeof rel !== 'string' || rel === '' || rel.includes('\0')) throw new FileRefused('a file path is required', 400);
    if (isAbsolute(rel) || /^[a-zA-Z]:/.test(rel) || rel.split(/[\\/]/).includes('..')) throw new FileRefused(`${JSON.stringify(rel)} is outside the spec's folder`, 403);
    const abs = resolve(this.root, rel);
    if (!this.inside(abs)) throw new FileRefused(`${JSON.stringify(rel)} is outside the spec's folder`, 403);
    if (!abs.endsWith('.json')) throw new FileRefused(`${JSON.stringify(rel)} is not a .json file: the studio opens and saves specs only`, 403);
    let real: string;
    try {
      real = realpathSync(abs);
    } catch {
      if (opts.mustExist) throw new FileRefused(`${JSON.stringify(rel)} does not exist`, 404, 'DG_STUDIO_NOT_FOUND', 'pick a file from the list');
      // A new file: its folder must exist and be inside.
      let parent: string;
      try {
        parent = realpathSync(dirname(abs));
      } catch {
        throw new FileRefused(`the folder of ${JSON.stringify(rel)} does not exist`, 404, 'DG_STUDIO_NOT_FOUND', 'save into an existing folder');
      }
      if (!this.inside(parent)) throw new FileRefused(`${JSON.stringify(rel)} is outside the spec's folder`, 403);
      return join(parent, basename(abs));
    }
    if (!this.inside(real)) throw new FileRefused(`${JSON.stringify(rel)} leads outside the spec's folder (a symbolic link)`, 403);
    return real;
  }

  /** The folder's .json files (and those of its subfolders, two levels deep), relative, sorted. */
  list(): string[] {
    const out: string[] = [];
    const walk = (dir: string, depth: number) => {
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        if (e.name.startsWith('.') || e.name === 'node_modules') continue;
        const p = join(dir, e.name);
        if (e.isDirectory() && depth < 2) walk(p, depth + 1);
        else if (e.isFile() && e.name.endsWith('.json')) out.push(relative(this.root, p).split(sep).join('/'));
      }
    };
    walk(this.root, 0);
    return out.sort();
  }

  read(rel: string): { path: string; text: string; hash: string } {
    const abs = this.resolve(rel, { mustExist: true });
    const st = statSync(abs);
    if (!st.isFile()) throw new FileRefused(`${JSON.stringify(rel)} is not a regular file`, 403);
    if (st.size > MAX_EDIT_BYTES) throw new FileRefused(`${JSON.stringify(rel)} is ${(st.size / 1048576).toFixed(1)} MB: the studio edits files of at most ${MAX_EDIT_BYTES / 1048576} MB`, 403, 'DG_STUDIO_TOO_LARGE', 'edit it in a text editor');
    const text = readFileSync(abs, 'utf8');
    return { path: rel, text, hash: hashText(text) };
  }

  /**
   * Write `text` to `rel` atomically. `base` is the hash of the text the page loaded (null: a new file); when
   * the file on disk is no longer that text, the write is refused (409) unless `force`.
   */
  write(rel: string, text: string, base: string | null, force: boolean): { path: string; hash: string } {
    const abs = this.resolve(rel, { mustExist: false });
    let current: string | null = null;
    try {
      const st = lstatSync(abs);
      if (!st.isFile()) throw new FileRefused(`${JSON.stringify(rel)} is not a regular file: not replaced`, 403);
      current = hashText(readFileSync(abs, 'utf8'));
    } catch (e) {
      if (e instanceof FileRefused) throw e;
    }
    if (!force && current !== base) {
      throw new FileRefused(current === null ? `${JSON.stringify(rel)} was removed since it was opened` : `${JSON.stringify(rel)} changed on disk since it was opened`, 409, 'DG_STUDIO_CHANGED', 'reload it, or save again to overwrite');
    }
    const tmp = join(dirname(abs), `.${basename(abs)}.studio-${process.pid}-${Date.now()}.tmp`);
    try {
      const fd = openSync(tmp, 'wx', 0o644);
      try {
        writeSync(fd, text);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, abs);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw new FileRefused(`saving ${JSON.stringify(rel)} failed: ${(e as Error).message}; the file is left as it was`, 500, 'DG_STUDIO_WRITE_FAILED', 'free some space or check the folder\'s permissions');
    }
    return { path: rel, hash: hashText(text) };
  }
}
