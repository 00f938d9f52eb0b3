/**
 * Static types of an expression's nodes. References take the type the caller knows for them
 * (`unknown` at parse time, the column's type when the spec is resolved, `number` for typed arrays
 * at compile time). Errors: strings in arithmetic or functions, strings compared with numbers.
 */
import { FUNCTIONS } from './functions.ts';
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
    if (types.get(n) === 'list') {
      errors.push({
        code: 'expr/type',
        message: `${text(n)} is a list, used as a single value in ${text(parent)}`,
        hint: 'read one item (x[1], x[argmax(x)]) or reduce the list: sum(x), len(x), dot(x, y), argmax(x), contains(x, v)',
      });
    }
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
        if (a === 'list' || b === 'list') {
          errors.push({ code: 'expr/type', message: `${text(n)} compares a list: lists cannot be compared`, hint: 'compare an item (x[1] == "a"), use contains(x, v), or compare len(x)' });
        }
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
      case 'index': {
        listArg(n.list, visit(n.list), n);
        visit(n.at);
        numeric(n.at, n);
        return 'unknown';
      }
      case 'if': {
        visit(n.c);
        const a = visit(n.a);
        const b = visit(n.b);
        return a === b ? a : 'unknown';
      }
      case 'call': {
        const spec = FUNCTIONS[n.fn];
        n.args.forEach((arg, i) => {
          const t = visit(arg);
          if (spec.lists?.includes(i)) listArg(arg, t, n);
          else if (!spec.values?.includes(i)) numeric(arg, n);
          else if (t === 'list') numeric(arg, n);
        });
        if (spec.returns) return spec.returns;
        return n.fn === 'bernoulli' ? 'boolean' : 'number';
      }
    }
  };

  /** A list argument: a list, or a reference whose type is not known yet. */
  function listArg(arg: ExprNode, t: ExprType, parent: ExprNode): void {
    if (t === 'list' || t === 'unknown') return;
    errors.push({
      code: 'expr/type',
      message: `${text(arg)} is a ${t}, but ${text(parent)} needs a list`,
      hint: 'pass a list column (list<float>, list<int>, list<string>) of the row or of a linked table (parent.taste)',
    });
  }

  const type = visit(ast);
  return { type, errors, types };
}

/**
 * Why an expression whose static result type is `result` cannot fill a column of `columnType` (a string
 * result in a numeric, bool, date or datetime column: every value would read as NULL), or undefined.
 */
export function resultTypeProblem(result: ExprType, columnType: string): ExprError | undefined {
  if (result === 'list') {
    return {
      code: 'expr/result-type',
      message: 'the expression yields a list: an expression computes one value per row',
      hint: 'reduce the list (sum, len, dot, argmax, an item x[1]), or fill a list column with a lookup of the list',
    };
  }
  if (result !== 'string' || columnType === 'string' || columnType === 'json') return undefined;
  return {
    code: 'expr/result-type',
    message: `the expression yields a string but the column type is "${columnType}": every value would be NULL`,
    hint: `make the column type "string", or compute a ${columnType === 'bool' ? 'condition' : 'number'} (a string column can be compared: status == "paid")`,
  };
}
