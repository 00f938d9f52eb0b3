/** Print an expression AST back as (fully parenthesised) DSL text, for messages and debugging. */
import type { ExprNode, ExprRef } from './types.ts';

export function refName(ref: ExprRef): string {
  return ref.kind === 'column' ? ref.column : `${ref.table}.${ref.column}`;
}

export function show(node: ExprNode, refs: readonly ExprRef[]): string {
  const s = (n: ExprNode): string => show(n, refs);
  switch (node.k) {
    case 'lit':
      return typeof node.value === 'string' ? JSON.stringify(node.value) : String(node.value);
    case 'ref':
      return refName(refs[node.ref]);
    case 'neg':
      return `-${s(node.arg)}`;
    case 'pos':
      return `+${s(node.arg)}`;
    case 'not':
      return `not ${s(node.arg)}`;
    case 'arith':
    case 'cmp':
      return `(${s(node.a)} ${node.op} ${s(node.b)})`;
    case 'and':
    case 'or':
      return `(${s(node.a)} ${node.k} ${s(node.b)})`;
    case 'if':
      return `if(${s(node.c)}, ${s(node.a)}, ${s(node.b)})`;
    case 'call':
      return `${node.fn}(${node.args.map(s).join(', ')})`;
    case 'index':
      return `${s(node.list)}[${s(node.at)}]`;
    default:
      return assertNever(node);
  }
}

export function assertNever(x: never): never {
  throw new Error(`unexpected expression node ${JSON.stringify(x)}`);
}
