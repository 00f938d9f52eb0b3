/**
 * mathjs spells logic `and or not`; the DSL also accepts `&& || !` (and JavaScript's `=== !==`).
 * This rewrites them outside string literals and comments, and keeps a map from rewritten to original offsets so
 * that syntax errors point into the text the user wrote. A `!` right after a value (`x!`) is left
 * alone: mathjs reads it as factorial, which the validator then rejects.
 */
export interface Preprocessed {
  readonly text: string;
  /** `map[j]` is the original offset of rewritten character j; `map[text.length]` is the end. */
  readonly map: readonly number[];
}

const VALUE_END = /[\p{L}\p{N}_$)\]'"]\s*$/u;
const TRAILING_WORD = /[\p{L}_$][\p{L}\p{N}_$]*\s*$/u;
const OPERATOR_WORDS = new Set(['and', 'or', 'not', 'xor', 'mod', 'to', 'in']);

/** Does a `!` at the end of `before` follow a value (factorial) rather than start an operand (not)? */
function followsValue(before: string): boolean {
  if (!VALUE_END.test(before)) return false;
  const word = TRAILING_WORD.exec(before);
  return !(word && OPERATOR_WORDS.has(word[0].trim()));
}

export function preprocess(code: string): Preprocessed {
  let text = '';
  const map: number[] = [];
  const emit = (s: string, at: number): void => {
    text += s;
    for (let k = 0; k < s.length; k++) map.push(at);
  };
  let i = 0;
  while (i < code.length) {
    const c = code[i];
    if (c === '"' || c === "'") {
      const end = stringEnd(code, i);
      for (let k = i; k < end; k++) emit(code[k], k);
      i = end;
      continue;
    }
    if (c === '#') {
      const nl = code.indexOf('\n', i);
      const end = nl < 0 ? code.length : nl;
      for (let k = i; k < end; k++) emit(code[k], k);
      i = end;
      continue;
    }
    const three = code.slice(i, i + 3);
    if (three === '===' || three === '!==') {
      emit(three.slice(0, 2), i);
      i += 3;
      continue;
    }
    const two = code.slice(i, i + 2);
    if (two === '&&' || two === '||') {
      emit(two === '&&' ? ' and ' : ' or ', i);
      i += 2;
      continue;
    }
    if (c === '!' && code[i + 1] !== '=' && !followsValue(text)) {
      emit(' not ', i);
      i += 1;
      continue;
    }
    emit(c, i);
    i += 1;
  }
  map.push(code.length);
  return { text, map };
}

/** Index just past the string literal opening at `start` (or the end of the code if unterminated). */
function stringEnd(code: string, start: number): number {
  const quote = code[start];
  let i = start + 1;
  while (i < code.length) {
    if (code[i] === '\\') i += 2;
    else if (code[i] === quote) return i + 1;
    else i += 1;
  }
  return code.length;
}
