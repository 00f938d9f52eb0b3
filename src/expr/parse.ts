/**
 * Parse an expression once with mathjs and validate the tree into the small AST of types.ts.
 * Only the DSL's operators, functions, constants and `table.column` references get through; every
 * problem is collected (not just the first) as an ExprError with a hint.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { MathNode } from 'mathjs';
import { didYouMean } from '../diagnostics/suggest.ts';
import { FUNCTIONS, FUNCTION_NAMES, isFnName, isRandomFn } from './functions.ts';
import { preprocess } from './preprocess.ts';
import { inferTypes } from './typecheck.ts';
import { disallowedNode, disallowedOperator, locate, syntaxError } from './errors.ts';
import type { ArithOp, CmpOp, ExprError, ExprNode, ExprRef, ParseResult } from './types.ts';

/*
 * mathjs's parser, built on the first parse only. Loading `mathjs/number` creates every function mathjs has (~0.5–0.8 s
 * of start-up for any spec with an expression, in each process and worker); `create({ parseDependencies })` from its
 * own factory modules builds the parser and what it needs (~0.1 s) — the same parse function (the number build's
 * dependencies; tests/unit/engine/expression.test.ts compares the trees). Those modules are not in mathjs's package
 * exports, so they are required by file path; if a mathjs release moves them, the whole number build is the fallback.
 */
let mathParse: ((code: string) => MathNode) | undefined;
export function mathjsParser(): (code: string) => MathNode {
  if (mathParse) return mathParse;
  const require = createRequire(import.meta.url);
  try {
    const root = dirname(require.resolve('mathjs/package.json'));
    const { create } = require(join(root, 'lib', 'cjs', 'core', 'create.js')) as { create: (deps: object) => { parse: (c: string) => MathNode } };
    const { parseDependencies } = require(join(root, 'lib', 'cjs', 'entry', 'dependenciesNumber', 'dependenciesParse.generated.js')) as { parseDependencies: object };
    mathParse = create({ parseDependencies }).parse;
  } catch {
    mathParse = (require('mathjs/number') as { parse: (c: string) => MathNode }).parse;
  }
  return mathParse;
}
function parse(code: string): MathNode {
  return (mathParse ?? mathjsParser())(code);
}

const ARITH: Readonly<Record<string, ArithOp>> = { add: '+', subtract: '-', multiply: '*', divide: '/', pow: '^', mod: '%' };
const CMP: Readonly<Record<string, CmpOp>> = { equal: '==', unequal: '!=', smaller: '<', smallerEq: '<=', larger: '>', largerEq: '>=' };
const CONSTANTS: Readonly<Record<string, number>> = { pi: Math.PI, e: Math.E };

/* mathjs node shapes we read (its typings do not narrow on `type`). */
type Op = MathNode & { fn: string; op: string; args: MathNode[]; implicit: boolean; isPercentage: boolean };
type Fn = MathNode & { fn: MathNode; args: MathNode[] };
type Accessor = MathNode & { object: MathNode; index: MathNode & { dimensions: MathNode[]; dotNotation: boolean }; optionalChaining: boolean };

export function parseExpression(code: string): ParseResult {
  if (code.trim() === '') {
    return { ok: false, errors: [{ code: 'expr/empty', message: 'the expression is empty', hint: 'write a formula, e.g. "price * quantity"' }] };
  }
  if (code.length > EXPR_LIMITS.length) {
    return { ok: false, errors: [{ code: 'expr/too-long', message: `the expression has ${code.length.toLocaleString('en-US')} characters; the limit is ${EXPR_LIMITS.length.toLocaleString('en-US')}`, hint: 'split the computation over several columns: an expression can read the columns before it' }] };
  }
  const nested = nestingExceeded(code, EXPR_LIMITS.nesting);
  if (nested !== undefined) return { ok: false, errors: [tooDeep(`parentheses are nested more than ${EXPR_LIMITS.nesting} levels deep`, nested)] };
  const pre = preprocess(code);
  let root: MathNode;
  try {
    root = parse(pre.text);
  } catch (e) {
    if (e instanceof RangeError) return { ok: false, errors: [tooDeep('the expression is nested too deeply for the parser')] };
    return { ok: false, errors: [syntaxError(e, code, pre.map)] };
  }
  if (treeDepth(root) > EXPR_LIMITS.depth) {
    return { ok: false, errors: [tooDeep(`the expression nests more than ${EXPR_LIMITS.depth} operations inside one another (a long chain of operators or of unary minus)`)] };
  }
  const b = new Builder(code);
  const ast = b.build(root);
  if (ast === null || b.errors.length > 0) return { ok: false, errors: b.errors };
  const typed = inferTypes(ast, b.refs, () => 'unknown');
  if (typed.errors.length > 0) return { ok: false, errors: typed.errors };
  return { ok: true, expr: Object.freeze({ code, refs: Object.freeze(b.refs), ast, resultType: typed.type, randomSites: b.sites }) };
}

/**
 * Size limits of an expression (docs/diagnostics.md, "Limits"): the parser, the validator and the code
 * generator recurse once per level, so depth is bounded well inside the stack; real formulas are far smaller.
 */
export const EXPR_LIMITS = {
  /** Characters of `code`. */
  length: 10_000,
  /** Levels of ( [ { inside one another. */
  nesting: 64,
  /** Levels of the syntax tree (operators inside operators, e.g. 1+1+…+1 or ----x). */
  depth: 256,
};

function tooDeep(message: string, offset?: number): ExprError {
  const hint = 'split the computation over several columns (an expression can read the columns before it), or remove redundant parentheses';
  return offset === undefined ? { code: 'expr/too-deep', message, hint } : { code: 'expr/too-deep', message, hint, offset };
}

/** Offset of the first ( [ { nested deeper than `max` outside string literals, or undefined. */
function nestingExceeded(code: string, max: number): number | undefined {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[' || c === '{') {
      if (++depth > max) return i;
    } else if (c === ')' || c === ']' || c === '}') depth--;
  }
  return undefined;
}

/** Depth of a mathjs tree, without recursion. */
function treeDepth(root: MathNode): number {
  let max = 0;
  const stack: [MathNode, number][] = [[root, 1]];
  while (stack.length) {
    const [n, d] = stack.pop()!;
    if (d > max) max = d;
    n.forEach((child: MathNode) => void stack.push([child, d + 1]));
  }
  return max;
}

class Builder {
  readonly refs: ExprRef[] = [];
  readonly errors: ExprError[] = [];
  /** Calls of random functions so far: the next one's call-site index. */
  sites = 0;
  private readonly keys = new Map<string, number>();

  constructor(private readonly code: string) {}

  private fail(code: string, message: string, hint: string, offset?: number): null {
    this.errors.push(offset === undefined ? { code, message, hint } : { code, message, hint, offset });
    return null;
  }

  private ref(ref: ExprRef): ExprNode {
    const key = ref.kind === 'column' ? `c\u0000${ref.column}` : `t\u0000${ref.table}\u0000${ref.column}`;
    let idx = this.keys.get(key);
    if (idx === undefined) {
      idx = this.refs.push(Object.freeze(ref)) - 1;
      this.keys.set(key, idx);
    }
    return { k: 'ref', ref: idx };
  }

  /** Build every child (to collect all errors), then the node itself if they all succeeded. */
  private all(nodes: readonly MathNode[]): ExprNode[] | null {
    const out = nodes.map((n) => this.build(n));
    return out.every((n) => n !== null) ? (out as ExprNode[]) : null;
  }

  build(node: MathNode): ExprNode | null {
    switch (node.type) {
      case 'ConstantNode':
        return this.constant((node as MathNode & { value: unknown }).value);
      case 'SymbolNode': {
        const name = (node as MathNode & { name: string }).name;
        if (Object.prototype.hasOwnProperty.call(CONSTANTS, name)) return { k: 'lit', value: CONSTANTS[name] };
        return this.ref({ kind: 'column', column: name });
      }
      case 'ParenthesisNode':
        return this.build((node as MathNode & { content: MathNode }).content);
      case 'OperatorNode':
        return this.operator(node as Op);
      case 'ConditionalNode': {
        const n = node as MathNode & { condition: MathNode; trueExpr: MathNode; falseExpr: MathNode };
        const parts = this.all([n.condition, n.trueExpr, n.falseExpr]);
        return parts && { k: 'if', c: parts[0], a: parts[1], b: parts[2] };
      }
      case 'RelationalNode':
        return this.chain(node as MathNode & { conditionals: string[]; params: MathNode[] });
      case 'FunctionNode':
        return this.call(node as Fn);
      case 'AccessorNode':
        return this.accessor(node as Accessor);
      default: {
        const d = disallowedNode(node, this.code);
        return this.fail(d.code, d.message, d.hint, d.offset);
      }
    }
  }

  private constant(value: unknown): ExprNode | null {
    if (typeof value === 'string' || typeof value === 'boolean') return { k: 'lit', value };
    if (typeof value === 'number' && Number.isFinite(value)) return { k: 'lit', value };
    const shown = value === null ? 'null' : value === undefined ? 'undefined' : String(value);
    return this.fail('expr/constant', `"${shown}" is not allowed in an expression`, 'the only named constants are true, false, pi and e', locate(this.code, shown));
  }

  private operator(node: Op): ExprNode | null {
    if (node.implicit) {
      const [a, b] = node.args.map((x) => x.toString());
      return this.fail('expr/missing-operator', `missing operator between "${a}" and "${b}"`, `write "${a} * ${b}" if you mean a product; names cannot contain spaces`, locate(this.code, b));
    }
    const bad = disallowedOperator(node, this.code);
    if (bad) return this.fail(bad.code, bad.message, bad.hint, bad.offset);
    const args = this.all(node.args);
    if (args === null) return null;
    const [a, b] = args;
    if (node.fn in ARITH) return { k: 'arith', op: ARITH[node.fn], a, b };
    if (node.fn in CMP) {
      for (const raw of node.args) {
        if (raw.type === 'OperatorNode' && (raw as Op).fn === 'not') {
          const t = raw.toString();
          const where = locate(this.code, 'not') ?? locate(this.code, '!', /^[^=]/);
          return this.fail('expr/not-precedence', `"${t}" inside a comparison: "not" (or "!") binds tighter than "${node.op}"`, `write "not (${(raw as Op).args[0].toString()} ${node.op} …)" or "(${t})"`, where);
        }
      }
      return { k: 'cmp', op: CMP[node.fn], a, b };
    }
    if (node.fn === 'and' || node.fn === 'or') return { k: node.fn, a, b };
    if (node.fn === 'not') return { k: 'not', arg: a };
    if (node.fn === 'unaryMinus') return { k: 'neg', arg: a };
    return { k: 'pos', arg: a }; // unaryPlus: disallowedOperator lets nothing else through
  }

  /** `a < b <= c` → (a < b) and (b <= c). */
  private chain(node: MathNode & { conditionals: string[]; params: MathNode[] }): ExprNode | null {
    const params = this.all(node.params);
    if (params === null) return null;
    let out: ExprNode | null = null;
    node.conditionals.forEach((fn, i) => {
      const cmp: ExprNode = { k: 'cmp', op: CMP[fn], a: params[i], b: params[i + 1] };
      out = out === null ? cmp : { k: 'and', a: out, b: cmp };
    });
    return out;
  }

  private call(node: Fn): ExprNode | null {
    if (node.fn.type !== 'SymbolNode') {
      const t = node.fn.toString();
      return this.fail('expr/call', `"${t}(…)" is not a function`, `only built-in functions can be called: ${FUNCTION_NAMES.join(', ')}`, locate(this.code, t));
    }
    const name = (node.fn as MathNode & { name: string }).name;
    const known = name === 'if' || isFnName(name);
    if (!known) this.fail('expr/unknown-function', `unknown function "${name}"`, didYouMean(name, FUNCTION_NAMES), locate(this.code, name, /^\s*\(/));
    const args = this.all(node.args);
    if (!known || args === null) return null;
    const n = args.length;
    if (name === 'if') {
      if (n !== 3) return this.fail('expr/arity', `if takes 3 arguments, got ${n}`, 'if(condition, value_if_true, value_if_false)', locate(this.code, name, /^\s*\(/));
      return { k: 'if', c: args[0], a: args[1], b: args[2] };
    }
    if (!isFnName(name)) return null;
    const spec = FUNCTIONS[name];
    if (n < spec.min || n > spec.max) {
      const want = spec.min === spec.max ? `${spec.min}` : spec.max === Infinity ? `at least ${spec.min}` : `${spec.min} or ${spec.max}`;
      return this.fail('expr/arity', `${name} takes ${want} argument${want === '1' ? '' : 's'}, got ${n}`, spec.signature, locate(this.code, name, /^\s*\(/));
    }
    if (isRandomFn(name)) return { k: 'call', fn: name, args, site: this.sites++ };
    return { k: 'call', fn: name, args };
  }

  /** Only `table.column`: a symbol, a dot, a name. */
  private accessor(node: Accessor): ExprNode | null {
    const text = node.toString();
    const dims = node.index.dimensions;
    if (!node.index.dotNotation) {
      // list[at]: one item of a list (1-based, negative from the end).
      if (dims.length !== 1 || node.optionalChaining) return this.fail('expr/index', `"${text}" takes more than one index`, 'a list has one dimension: write x[1], x[-1] or x[argmax(y)]', locate(this.code, '['));
      const parts = this.all([node.object, dims[0]]);
      return parts && { k: 'index', list: parts[0], at: parts[1] };
    }
    if (node.object.type !== 'SymbolNode' || node.optionalChaining || dims.length !== 1) {
      return this.fail('expr/member-access', `"${text}" is not a column reference`, 'only table.column is allowed: a column of this row is written by its name, a linked table\'s as parent.column or <table>.column', locate(this.code, text));
    }
    const table = (node.object as MathNode & { name: string }).name;
    const column = String((dims[0] as MathNode & { value: unknown }).value);
    return this.ref({ kind: 'table', table, column });
  }
}
