/**
 * Static types of an expression's nodes. References take the type the caller knows for them
 * (`unknown` at parse time, the column's type when the spec is resolved, `number` for typed arrays
 * at compile time). Errors: strings in arithmetic or functions, strings compared with numbers.
 */
import { show } from './show.ts';
import type { ExprError, ExprNode, ExprRef, ExprType } from './types.ts';

export interface Typed {
  readonly type: ExprType;
  readonly errors: ExprError[];
  /** Static type of every node. */
  readonly types: ReadonlyMap<ExprNode, ExprType>;
}

export function inferTypes(ast: ExprNode, refs: readonly ExprRef[], refType: (ref: ExprRef, index: number) => ExprType): Typed {
  const types = new Map<ExprNode, ExprType>();
  const errors: ExprError[] = [];
  const text = (n: ExprNode): string => show(n, refs);

  const numeric = (n: ExprNode, parent: ExprNode): void => {
    if (types.get(n) === 'string') {
      errors.push({
        code: 'expr/type',
        message: `${text(n)} is a string, used as a number in ${text(parent)}`,
        hint: 'strings can only be compared (==, !=, <, …) or returned; arithmetic and functions need numbers',
      });
    }
  };

  const visit = (n: ExprNode): ExprType => {
    const t = typeOf(n);
    types.set(n, t);
    return t;
  };

  const typeOf = (n: ExprNode): ExprType => {
    switch (n.k) {
      case 'lit':
        return typeof n.value === 'string' ? 'string' : typeof n.value === 'boolean' ? 'boolean' : 'number';
      case 'ref':
        return refType(refs[n.ref], n.ref);
      case 'neg':
      case 'pos':
        visit(n.arg);
        numeric(n.arg, n);
        return 'number';
      case 'not':
        visit(n.arg);
        return 'boolean';
      case 'arith':
        visit(n.a);
        visit(n.b);
        numeric(n.a, n);
        numeric(n.b, n);
        return 'number';
      case 'cmp': {
        const a = visit(n.a);
        const b = visit(n.b);
        const mixed = (a === 'string' && (b === 'number' || b === 'boolean')) || (b === 'string' && (a === 'number' || a === 'boolean'));
        if (mixed) {
          errors.push({
            code: 'expr/type',
            message: `${text(n)} compares a string with a number: it is never true`,
            hint: 'compare strings with quoted strings (status == "Paid") and numbers with numbers',
          });
        }
        return 'boolean';
      }
      case 'and':
      case 'or':
        visit(n.a);
        visit(n.b);
        return 'boolean';
      case 'if': {
        visit(n.c);
        const a = visit(n.a);
        const b = visit(n.b);
        return a === b ? a : 'unknown';
      }
      case 'call':
        for (const arg of n.args) {
          visit(arg);
          numeric(arg, n);
        }
        return n.fn === 'bernoulli' ? 'boolean' : 'number';
    }
  };

  const type = visit(ast);
  return { type, errors, types };
}

/**
 * Why an expression whose static result type is `result` cannot fill a column of `columnType` (a string
 * result in a numeric, bool, date or datetime column: every value would read as NULL), or undefined.
 */
export function resultTypeProblem(result: ExprType, columnType: string): ExprError | undefined {
  if (result !== 'string' || columnType === 'string' || columnType === 'json') return undefined;
  return {
    code: 'expr/result-type',
    message: `the expression yields a string but the column type is "${columnType}": every value would be NULL`,
    hint: `make the column type "string", or compute a ${columnType === 'bool' ? 'condition' : 'number'} (a string column can be compared: status == "paid")`,
  };
}
