/**
 * Translate a validated expression to the source of a JavaScript row evaluator `(i) => value`.
 * Reference k reads `rk[i]`. References bound to typed arrays are known numbers and read raw;
 * others (strings, nulls, booleans, numbers mixed) go through the `$` helpers of runtime.ts in
 * numeric and comparison contexts. Inside, a missing number is NaN and propagates through
 * arithmetic; the result turns NaN/±Infinity into null. Random calls (rand, bernoulli, normal) read the
 * uniform of their call site k for the row: `$u(k<k>, $s + i)`, with `k<k>` the site's stream key and `$s` the
 * chunk's first row ordinal (bound by compileExpression), so a value never depends on how rows are chunked.
 */
import { FUNCTIONS } from './functions.ts';
import { assertNever, refName } from './show.ts';
import { inferTypes } from './typecheck.ts';
import type { CmpOp, ExprNode, ExprType, ParsedExpression } from './types.ts';

/** What the compiler knows about a bound reference: a typed array holds numbers, anything else may hold anything. */
export type RefKind = 'number' | 'unknown';

export function generate(expr: ParsedExpression, kinds: readonly RefKind[]): string {
  // Type errors were reported by parseExpression / typeCheckExpression. One can only appear here when
  // a typed (numeric) column meets a string literal, and the code below then compares as "never equal".
  const typed = inferTypes(expr.ast, expr.refs, (_, k) => kinds[k] ?? 'unknown');
  const g = new Gen(typed.types);
  const root = expr.ast;
  let body: string;
  switch (typed.type) {
    case 'number':
      body = `const v = ${g.num(root)};\n  return v - v === 0 ? v : null;`;
      break;
    case 'boolean':
      body = `return ${g.bool(root)};`;
      break;
    case 'string':
      body = `return ${g.val(root)};`;
      break;
    case 'list':
    case 'unknown':
      body = `return $out(${g.val(root)});`;
      break;
  }
  const legend = expr.refs.map((r, k) => `r${k} = ${refName(r)}`).join(', ');
  return `${legend ? `// ${legend}\n` : ''}function expression(i) {\n  ${body}\n}`;
}

function numberLiteral(v: number): string {
  const s = Object.is(v, -0) ? '-0' : String(v);
  return v < 0 || Object.is(v, -0) ? `(${s})` : s;
}

const isNumeric = (t: ExprType): boolean => t === 'number' || t === 'boolean';

class Gen {
  constructor(private readonly types: ReadonlyMap<ExprNode, ExprType>) {}

  private t(n: ExprNode): ExprType {
    return this.types.get(n) ?? 'unknown';
  }

  /** A JS expression that evaluates to a number (NaN for null). */
  num(n: ExprNode): string {
    switch (n.k) {
      case 'lit':
        return typeof n.value === 'number' ? numberLiteral(n.value) : typeof n.value === 'boolean' ? (n.value ? '1' : '0') : 'NaN';
      case 'ref':
        return this.t(n) === 'number' ? `r${n.ref}[i]` : `$n(r${n.ref}[i])`;
      case 'neg':
        return `(-${this.num(n.arg)})`;
      case 'pos':
        return this.num(n.arg);
      case 'arith': {
        const a = this.num(n.a);
        const b = this.num(n.b);
        if (n.op === '/') return `$div(${a}, ${b})`;
        if (n.op === '%') return `$mod(${a}, ${b})`;
        if (n.op === '^') return `Math.pow(${a}, ${b})`;
        return `(${a} ${n.op} ${b})`;
      }
      case 'if':
        return `(${this.bool(n.c)} ? ${this.num(n.a)} : ${this.num(n.b)})`;
      case 'index':
        return `$n(${this.val(n)})`;
      case 'call':
        if (FUNCTIONS[n.fn].lists) return this.listCall(n);
        // A random call site k draws $u(k<k>, $s + i): its own stream key, the row's ordinal in its table.
        return FUNCTIONS[n.fn].emit(n.args.map((a) => this.num(a)), n.site === undefined ? '' : `$u(k${n.site}, $s + i, 0)`);
      case 'cmp':
      case 'and':
      case 'or':
      case 'not':
        return `(${this.bool(n)} ? 1 : 0)`;
      default:
        return assertNever(n);
    }
  }

  /** A JS expression that evaluates to a boolean (null, NaN, 0 and "" are false). */
  bool(n: ExprNode): string {
    switch (n.k) {
      case 'lit':
        return typeof n.value === 'boolean' ? String(n.value) : String(Boolean(n.value));
      case 'cmp':
        return this.cmp(n.op, n.a, n.b);
      case 'and':
        return `(${this.bool(n.a)} && ${this.bool(n.b)})`;
      case 'or':
        return `(${this.bool(n.a)} || ${this.bool(n.b)})`;
      case 'not': {
        const arg = this.bool(n.arg);
        return arg.startsWith('!!') ? arg.slice(1) : `!${arg}`;
      }
      case 'if':
        if (this.t(n) === 'boolean') return `(${this.bool(n.c)} ? ${this.bool(n.a)} : ${this.bool(n.b)})`;
        return `!!${this.val(n)}`;
      case 'ref':
        return `!!r${n.ref}[i]`;
      case 'neg':
      case 'pos':
      case 'arith':
      case 'call':
        return `!!${this.num(n)}`;
      case 'index':
        return `!!${this.val(n)}`;
      default:
        return assertNever(n);
    }
  }

  /** A JS expression for the value itself, whatever its type. */
  val(n: ExprNode): string {
    const t = this.t(n);
    if (t === 'number') return this.num(n);
    if (t === 'boolean') return this.bool(n);
    if (n.k === 'lit') return JSON.stringify(n.value);
    if (n.k === 'ref') return `r${n.ref}[i]`;
    if (n.k === 'if') return `(${this.bool(n.c)} ? ${this.val(n.a)} : ${this.val(n.b)})`;
    if (n.k === 'index') return `$at(${this.val(n.list)}, ${this.num(n.at)})`;
    throw new Error(`no value code for ${n.k} of type ${t}`);
  }

  /** A call of a list function: list (and any-value) arguments as values, the others as numbers; booleans as 1/0. */
  private listCall(n: Extract<ExprNode, { k: 'call' }>): string {
    const spec = FUNCTIONS[n.fn];
    const js = spec.emit(n.args.map((a, k) => (spec.lists!.includes(k) || spec.values?.includes(k) ? this.val(a) : this.num(a))), '');
    return spec.returns === 'boolean' ? `(${js} ? 1 : 0)` : js;
  }

  private cmp(op: CmpOp, a: ExprNode, b: ExprNode): string {
    const ta = this.t(a);
    const tb = this.t(b);
    const js = op === '==' ? '===' : op === '!=' ? '!==' : op;
    // Against a number, a value of unknown type compares as a number ($n: null and strings are NaN).
    if (isNumeric(ta) || isNumeric(tb)) return `(${this.num(a)} ${js} ${this.num(b)})`;
    const strings = ta === 'string' || tb === 'string';
    if (op === '==' || op === '!=') {
      // A string never equals null, a number or a boolean, so plain === is exact.
      if (strings) return `(${this.val(a)} ${js} ${this.val(b)})`;
      return `${op === '!=' ? '!' : ''}$eq(${this.val(a)}, ${this.val(b)})`;
    }
    if (ta === 'string' && tb === 'string') return `(${this.val(a)} ${js} ${this.val(b)})`;
    return `($ord(${this.val(a)}, ${this.val(b)}) ${js} 0)`;
  }
}
