/**
 * Writing a small output file (a plan, labels, a report, an inferred spec) once its target is checked
 * (output-target.ts): stale temporaries of earlier interrupted writes go, the file is written atomically, and a
 * failed write names the option and leaves an existing file as it was. Its own module because sinks/temp.ts
 * loads the DuckDB sink: commands that write no file do not load it (start-up).
 */
import { removeStaleTemps, writeFileAtomic } from '../sinks/temp.ts';
import { UserError } from './io.ts';
import { describeErrno } from './signals.ts';

/** `shown`: how the user named the output, e.g. `--report "r.json"`. */
export function writeOutputFile(path: string, text: string, shown: string): void {
  removeStaleTemps(path);
  try {
    writeFileAtomic(path, text);
  } catch (e) {
    throw new UserError(`${shown}: writing failed: ${describeErrno(e as NodeJS.ErrnoException)}; an existing file is left as it was`, 'DG_OUTPUT_WRITE_FAILED', 'free some space or write somewhere else');
  }
}
