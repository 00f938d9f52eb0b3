/** Messages for what the expression language does not allow, and positions in the source text. */
import type { MathNode } from 'mathjs';
import type { ExprError } from './types.ts';

const ALLOWED_OPERATORS = '+ - * / ^ % (mod), == != < <= > >=, and or not (&& || !), c ? a : b';

/** Offset of the first whole-word occurrence of `needle` in `code` (optionally followed by `after`). */
export function locate(code: string, needle: string, after?: RegExp): number | undefined {
  if (needle === '') return undefined;
  const word = /^[\p{L}\p{N}_$]/u.test(needle);
  for (let i = code.indexOf(needle); i >= 0; i = code.indexOf(needle, i + 1)) {
    const before = code[i - 1] ?? '';
    const next = code[i + needle.length] ?? '';
    if (word && (/[\p{L}\p{N}_$.]/u.test(before) || /[\p{L}\p{N}_$]/u.test(next))) continue;
    if (after && !after.test(code.slice(i + needle.length))) continue;
    return i;
  }
  return undefined;
}

/** Offset of the first single "=" (not part of ==, !=, <=, >=). */
function locateAssign(code: string): number | undefined {
  const m = /(?<![=!<>])=(?!=)/.exec(code);
  return m ? m.index : undefined;
}

const SYNTAX_HINTS: readonly [RegExp, string][] = [
  [/Parenthesis \) expected/, 'a "(" is not closed'],
  [/End of string/, 'close the string with the quote it starts with'],
  [/Unexpected end/, 'the expression stops in the middle: an operand or ")" is missing'],
  [/Value expected/, 'an operand is missing, e.g. after an operator'],
  [/Unexpected operator/, 'check for an unbalanced parenthesis or a stray operator'],
];

/** A mathjs SyntaxError ("Value expected (char 4)", 1-based in the rewritten text) as an ExprError. */
export function syntaxError(e: unknown, code: string, map: readonly number[]): ExprError {
  const raw = e instanceof Error ? e.message : String(e);
  const what = raw.replace(/\s*\(char \d+\)\s*$/, '');
  const char = (e as { char?: unknown }).char;
  const offset = typeof char === 'number' && char >= 1 ? map[Math.min(char - 1, map.length - 1)] : undefined;
  const where = offset === undefined ? '' : offset >= code.length ? ' at the end' : ` near "${code.slice(offset, offset + 12)}"`;
  const hint = SYNTAX_HINTS.find(([re]) => re.test(what))?.[1] ?? 'check the operators and parentheses around this position';
  const base = { code: 'expr/syntax', message: `syntax error${where}: ${what}`, hint };
  return offset === undefined ? base : { ...base, offset };
}

type Disallowed = ExprError;

const err = (code: string, message: string, hint: string, offset?: number): Disallowed =>
  offset === undefined ? { code, message, hint } : { code, message, hint, offset };

/** Why a mathjs node type the DSL does not have is rejected. */
export function disallowedNode(node: MathNode, code: string): Disallowed {
  switch (node.type) {
    case 'AssignmentNode':
      return err('expr/assignment', 'assignment is not allowed: an expression only computes the column\'s value', 'write just the formula (the column gets its value); to compare, use ==', locateAssign(code));
    case 'FunctionAssignmentNode':
      return err('expr/function-definition', 'defining functions is not allowed', 'write the formula directly, using the built-in functions', locateAssign(code));
    case 'ArrayNode':
      return err('expr/matrix', 'matrices and lists ([…]) are not supported', 'an expression computes one value per row from scalars', locate(code, '['));
    case 'ObjectNode':
      return err('expr/object', 'objects ({…}) are not supported', 'an expression computes one value per row from scalars', locate(code, '{'));
    case 'RangeNode':
      return err('expr/range', 'ranges (a:b) are not supported', 'for a condition write c ? a : b, or if(c, a, b)', locate(code, ':'));
    case 'BlockNode':
      return err('expr/multiple', 'only one expression is allowed (found ";" or a line break between two expressions)', 'join the parts with an operator, or remove the extra expression');
    default:
      return err('expr/unsupported', `${node.type} "${node.toString()}" is not supported`, `expressions use ${ALLOWED_OPERATORS}, built-in functions and column names`);
  }
}

const OPERATOR_HINTS: Readonly<Record<string, [string, string]>> = {
  factorial: ['factorial (x!) is not supported', 'for logical not, put "not" or "!" before the operand'],
  bitAnd: ['"&" (bitwise and) is not supported', 'for logic write "and" or "&&"'],
  bitOr: ['"|" (bitwise or) is not supported', 'for logic write "or" or "||"'],
  bitXor: ['"^|" (bitwise xor) is not supported', 'write (a or b) and not (a and b)'],
  bitNot: ['"~" (bitwise not) is not supported', 'for logic write "not" or "!"'],
  leftShift: ['"<<" is not supported', 'multiply by a power of 2 instead'],
  rightArithShift: ['">>" is not supported', 'divide by a power of 2 and floor() instead'],
  rightLogShift: ['">>>" is not supported', 'divide by a power of 2 and floor() instead'],
  xor: ['"xor" is not supported', 'write (a or b) and not (a and b)'],
  to: ['unit conversion ("to") is not supported', 'numbers have no units here: multiply by the conversion factor'],
  in: ['unit conversion ("in") is not supported', 'numbers have no units here: multiply by the conversion factor'],
  transpose: ['"\'" (transpose) is not supported', 'strings need a quote at both ends'],
  ctranspose: ['"\'" (transpose) is not supported', 'strings need a quote at both ends'],
  dotMultiply: ['element-wise ".*" is not supported', 'write *'],
  dotDivide: ['element-wise "./" is not supported', 'write /'],
  dotPow: ['element-wise ".^" is not supported', 'write ^'],
  nullish: ['"??" is not supported', 'use if(c, a, b) or c ? a : b'],
};

const ALLOWED_FNS = new Set([
  'add', 'subtract', 'multiply', 'divide', 'pow', 'mod', 'unaryMinus', 'unaryPlus',
  'equal', 'unequal', 'smaller', 'smallerEq', 'larger', 'largerEq', 'and', 'or', 'not',
]);

/** null when the operator is part of the DSL, else why not. */
export function disallowedOperator(node: MathNode & { fn: string; op: string; isPercentage: boolean }, code: string): Disallowed | null {
  if (node.isPercentage) {
    return err('expr/percent', 'percent literals (50%) are not supported', 'write the fraction (0.5); "%" between two values is the modulo', locate(code, '%'));
  }
  if (ALLOWED_FNS.has(node.fn)) return null;
  if (node.op === 'in') return membership(node as typeof node & { args: MathNode[] }, code);
  const [message, hint] = OPERATOR_HINTS[node.fn] ?? [`operator "${node.op}" is not supported`, `expressions use ${ALLOWED_OPERATORS}`];
  return err('expr/operator', message, hint, locate(code, node.op));
}

/** `x in [a, b]`: mathjs reads it as a unit conversion; say what to write instead. */
function membership(node: MathNode & { args: MathNode[] }, code: string): Disallowed {
  const [x, list] = node.args;
  const items = list?.type === 'ArrayNode' ? (list as MathNode & { items: MathNode[] }).items : null;
  const lhs = x ? x.toString() : 'x';
  const hint = items && items.length > 0 && items.length <= 8
    ? `compare with each value: ${items.map((it) => `${lhs} == ${it.toString()}`).join(' or ')}`
    : `compare with each value: ${lhs} == a or ${lhs} == b`;
  return err('expr/in', '"in" (membership in a list) is not supported', hint, locate(code, 'in'));
}
