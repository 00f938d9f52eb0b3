import { ColumnData } from '../../model/column-data.ts';
import { compileExpression, type ExprRef, parseExpression, type ParsedExpression } from '../../expr/expression.ts';
import { keyedRows } from '../../engine/keyed-pick.ts';
import { edgeEndRows } from '../relations/edges.ts';
import type { GeneratorKernel } from '../types.ts';

const parsed = new Map<string, ParsedExpression>();

/** Arithmetic/logic over columns of the row and linked tables, parsed once (mathjs) and compiled to JS. */
export const expression: GeneratorKernel<'expression'> = (p, col, ctx) => {
  let expr = parsed.get(p.code);
  if (!expr) {
    const r = parseExpression(p.code);
    if (!r.ok) throw new Error(`expression no longer parses: ${p.code}`);
    parsed.set(p.code, (expr = r.expr));
  }
  const parents = ctx.table.rows.kind !== 'fixed' ? ctx.table.rows.parent : null;
  const bind = (ref: ExprRef) => {
    if (ref.kind === 'column') return ctx.cols.get(ref.column)!.values();
    const end = p.refs.find((r) => r.end === ref.table && r.column === ref.column);
    if (end) return ctx.store.column(end.table!, ref.column).gather(edgeEndRows(ctx, end.end!), ctx.n).values();
    const table = ref.table === 'parent' ? parents! : ref.table;
    const pick = p.refs.find((r) => r.table === table && r.pick)?.pick;
    return ctx.store.column(table, ref.column).gather(pick ? keyedRows(pick, ctx) : ctx.linkedRows(table), ctx.n).values();
  };
  const fn = compileExpression(expr, bind, p.rand ? { keys: p.rand, start: ctx.start } : undefined);
  if (col.type === 'string' || col.type === 'json') {
    const out: (string | null)[] = new Array(ctx.n);
    for (let i = 0; i < ctx.n; i++) {
      const v = fn(i);
      out[i] = v === null ? null : String(v);
    }
    return ColumnData.strings(out);
  }
  const out = new Float64Array(ctx.n);
  for (let i = 0; i < ctx.n; i++) {
    const v = fn(i);
    out[i] = v === null ? NaN : typeof v === 'boolean' ? (v ? 1 : 0) : Number(v);
  }
  return ColumnData.numbers(out);
};
