/**
 * An expression of the spec language (src/expr) as DuckDB SQL, for checks that recompute a declared model over the
 * file (a preference score's weights). Returns null for what has no faithful SQL form here (date functions, random
 * calls, strings compared by order), so the check is skipped rather than approximated.
 */
import type { ExprNode, ExprRef } from '../expr/types.ts';
import { dbl, lit } from './sql.ts';

export function exprSql(n: ExprNode, refs: readonly ExprRef[], ref: (r: ExprRef) => string | null): string | null {
  const s = (x: ExprNode): string | null => exprSql(x, refs, ref);
  const all = (xs: readonly ExprNode[]): string[] | null => {
    const out = xs.map(s);
    return out.every((x) => x !== null) ? (out as string[]) : null;
  };
  switch (n.k) {
    case 'lit':
      return typeof n.value === 'number' ? dbl(n.value) : typeof n.value === 'boolean' ? (n.value ? 'TRUE' : 'FALSE') : lit(n.value);
    case 'ref':
      return ref(refs[n.ref]);
    case 'neg':
    case 'pos':
    case 'not': {
      const a = s(n.arg);
      return a === null ? null : n.k === 'neg' ? `(-(${a}))` : n.k === 'pos' ? a : `(NOT (${a}))`;
    }
    case 'arith': {
      const ab = all([n.a, n.b]);
      if (!ab) return null;
      const [a, b] = ab;
      if (n.op === '/') return `((${a})::DOUBLE / NULLIF(${b}, 0))`;
      if (n.op === '%') return `((((${a}) % NULLIF(${b}, 0)) + (${b})) % NULLIF(${b}, 0))`;
      if (n.op === '^') return `power(${a}, ${b})`;
      return `((${a}) ${n.op} (${b}))`;
    }
    case 'cmp': {
      const ab = all([n.a, n.b]);
      if (!ab) return null;
      const op = n.op === '==' ? '=' : n.op === '!=' ? '<>' : n.op;
      // Null compares as "never equal" in the language: coalesce the comparison to false (true for !=).
      return `coalesce((${ab[0]}) ${op} (${ab[1]}), ${n.op === '!=' ? 'TRUE' : 'FALSE'})`;
    }
    case 'and':
    case 'or': {
      const ab = all([n.a, n.b]);
      return ab && `((${ab[0]}) ${n.k.toUpperCase()} (${ab[1]}))`;
    }
    case 'if': {
      const p = all([n.c, n.a, n.b]);
      return p && `(CASE WHEN ${p[0]} THEN ${p[1]} ELSE ${p[2]} END)`;
    }
    case 'index': {
      const p = all([n.list, n.at]);
      return p && `(${p[0]})[(${p[1]})::BIGINT]`;
    }
    case 'call': {
      const a = all(n.args);
      if (!a) return null;
      switch (n.fn) {
        case 'min': return a.length === 1 ? a[0] : `least(${a.join(', ')})`;
        case 'max': return a.length === 1 ? a[0] : `greatest(${a.join(', ')})`;
        case 'abs': case 'floor': case 'ceil': case 'sqrt': case 'exp': return `${n.fn}(${a[0]})`;
        case 'log': return a.length === 1 ? `ln(${a[0]})` : `(ln(${a[0]}) / NULLIF(ln(${a[1]}), 0))`;
        case 'pow': return `power(${a[0]}, ${a[1]})`;
        case 'clamp': return `least(greatest(${a[0]}, ${a[1]}), ${a[2]})`;
        case 'dot': return `list_dot_product(${a[0]}, ${a[1]})`;
        case 'argmax': return `list_position(${a[0]}, list_max(${a[0]}))`;
        case 'len': return `len(${a[0]})`;
        case 'sum': return `coalesce(list_sum(${a[0]}), 0)`;
        case 'contains': return `coalesce(list_contains(${a[0]}, ${a[1]}), FALSE)`;
        default: return null;
      }
    }
  }
}
