/**
 * A preference score split by what its parts read (docs/behaviours/relations.md, "Preference-driven picks"): the
 * top-level terms of a sum (softmax scores: w = exp(Σ terms / T)) or factors of a product (plain weights), each
 * reading only the candidate (`candidate.x`), only the row, or both. A pick then weighs each candidate once by its
 * candidate-only part, and each group of candidates sharing the values of the columns the mixed parts read once per
 * row — exact, and O(groups) per row instead of O(candidates).
 */
import type { ExprNode, ExprRef, ParsedExpression } from './types.ts';
import { show } from './show.ts';

export interface ScoreParts {
  /** Terms (factors) reading only candidate columns. */
  candidate: ExprNode[];
  /** Terms reading the candidate and the row. */
  mixed: ExprNode[];
  /** Terms reading no candidate column (the same for every candidate of a row). */
  row: ExprNode[];
  /** Candidate columns the mixed terms read: candidates with equal values form a group. */
  group: string[];
}

/** The pseudo-table of a score's candidate references: `candidate.popularity`. */
export const CANDIDATE = 'candidate';

const isCandidate = (r: ExprRef): boolean => r.kind === 'table' && r.table === CANDIDATE;

/** Top-level terms of a sum (a − b is a + (−b)) or factors of a product. */
function flatten(n: ExprNode, mode: 'sum' | 'product', out: ExprNode[]): void {
  if (n.k === 'arith' && mode === 'sum' && (n.op === '+' || n.op === '-')) {
    flatten(n.a, mode, out);
    if (n.op === '+') flatten(n.b, mode, out);
    else out.push({ k: 'neg', arg: n.b });
    return;
  }
  if (n.k === 'arith' && mode === 'product' && n.op === '*') {
    flatten(n.a, mode, out);
    flatten(n.b, mode, out);
    return;
  }
  out.push(n);
}

/** The references a node reads (indexes into the expression's refs). */
function refsOf(n: ExprNode, out = new Set<number>()): Set<number> {
  switch (n.k) {
    case 'lit':
      break;
    case 'ref':
      out.add(n.ref);
      break;
    case 'neg':
    case 'pos':
    case 'not':
      refsOf(n.arg, out);
      break;
    case 'arith':
    case 'cmp':
    case 'and':
    case 'or':
      refsOf(n.a, out);
      refsOf(n.b, out);
      break;
    case 'if':
      refsOf(n.c, out);
      refsOf(n.a, out);
      refsOf(n.b, out);
      break;
    case 'index':
      refsOf(n.list, out);
      refsOf(n.at, out);
      break;
    case 'call':
      for (const a of n.args) refsOf(a, out);
      break;
  }
  return out;
}

export function splitScore(expr: ParsedExpression, mode: 'sum' | 'product'): ScoreParts {
  const terms: ExprNode[] = [];
  flatten(expr.ast, mode, terms);
  const out: ScoreParts = { candidate: [], mixed: [], row: [], group: [] };
  const group = new Set<string>();
  for (const t of terms) {
    const refs = [...refsOf(t)].map((k) => expr.refs[k]);
    const cand = refs.filter(isCandidate);
    if (cand.length === 0) out.row.push(t);
    else if (cand.length === refs.length) out.candidate.push(t);
    else {
      out.mixed.push(t);
      for (const r of cand) group.add((r as { column: string }).column);
    }
  }
  out.group = [...group].sort();
  return out;
}

/** A part of a score as an expression of its own (same references, so one binding serves every part). */
export function partExpression(expr: ParsedExpression, ast: ExprNode): ParsedExpression {
  return Object.freeze({ code: show(ast, expr.refs), refs: expr.refs, ast, resultType: 'number', randomSites: 0 });
}
