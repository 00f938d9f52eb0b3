/**
 * Types of the `expression` generator: references, errors, and the small frozen AST that the
 * mathjs parse tree is validated into (see parse.ts) and that codegen.ts translates to JavaScript.
 */

/** `base_a` → column of the same row; `parent.x` / `orders.x` → column of a linked table's row. */
export type ExprRef =
  | { readonly kind: 'column'; readonly column: string }
  | { readonly kind: 'table'; readonly table: string; readonly column: string };

/** A compile error; `offset` is a 0-based index into the expression's source text, when known. */
export interface ExprError {
  /** Stable machine code, e.g. `expr/unknown-function`. */
  readonly code: string;
  readonly message: string;
  readonly hint: string;
  readonly offset?: number;
}

/**
 * Static value types. `unknown` is a reference whose column type is not known (yet): at run time it
 * may hold a number, a string, a boolean or null.
 */
export type ExprType = 'number' | 'boolean' | 'string' | 'unknown' | 'list';

export type ArithOp = '+' | '-' | '*' | '/' | '^' | '%';
export type CmpOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

/** Built-in functions (besides `if`, which is a node of its own). */
export type FnName =
  | 'min'
  | 'max'
  | 'abs'
  | 'round'
  | 'floor'
  | 'ceil'
  | 'sqrt'
  | 'exp'
  | 'log'
  | 'pow'
  | 'clamp'
  | 'hour'
  | 'dow'
  | 'month'
  | 'year'
  | 'day'
  | 'days_between'
  | 'years_between'
  /** Lists (list<float>, list<int>, list<string> columns): docs/behaviours/relations.md, "Lists and vectors". */
  | 'dot'
  | 'argmax'
  | 'len'
  | 'contains'
  | 'sum'
  /** Keyed randomness (docs/authoring.md, "Randomness in expressions"): each call site draws from its own stream. */
  | 'rand'
  | 'bernoulli'
  | 'normal';

export type ExprNode =
  | { readonly k: 'lit'; readonly value: number | string | boolean }
  /** `ref` indexes `ParsedExpression.refs`. */
  | { readonly k: 'ref'; readonly ref: number }
  | { readonly k: 'neg' | 'pos' | 'not'; readonly arg: ExprNode }
  | { readonly k: 'arith'; readonly op: ArithOp; readonly a: ExprNode; readonly b: ExprNode }
  | { readonly k: 'cmp'; readonly op: CmpOp; readonly a: ExprNode; readonly b: ExprNode }
  | { readonly k: 'and' | 'or'; readonly a: ExprNode; readonly b: ExprNode }
  | { readonly k: 'if'; readonly c: ExprNode; readonly a: ExprNode; readonly b: ExprNode }
  /** `list[at]`: the item at 1-based position `at` (negative: from the end), null outside the list. */
  | { readonly k: 'index'; readonly list: ExprNode; readonly at: ExprNode }
  /** `site`: for a random function, its call-site index (0, 1, … in order of appearance), which picks its stream. */
  | { readonly k: 'call'; readonly fn: FnName; readonly args: readonly ExprNode[]; readonly site?: number };

export interface ParsedExpression {
  /** The source text as written in the spec. */
  readonly code: string;
  /** Every referenced column, deduplicated, in order of first appearance. */
  readonly refs: readonly ExprRef[];
  /** Validated AST (internal; consumed by codegen). */
  readonly ast: ExprNode;
  /** Static result type with all references of unknown type (see `typeCheckExpression`). */
  readonly resultType: ExprType;
  /** Calls of random functions (rand, bernoulli, normal): each needs its own stream key when compiled. */
  readonly randomSites: number;
}

export type ParseResult = { ok: true; expr: ParsedExpression } | { ok: false; errors: ExprError[] };

/** A row value as seen by and produced by an evaluator. */
export type ExprValue = number | string | boolean | null;
