/**
 * Preference-driven picks (docs/behaviours/relations.md, "Preference-driven picks"): a lookup with a `score` picks
 * the candidate row j of the looked-up table with probability ∝ exp(score / temperature) (or ∝ max(0, score) without
 * a temperature), the score reading the candidate (`candidate.x`) and the row (its own columns, `parent.x`). Checked
 * here once per lookup (with diagnostics) and computed silently when picks are grouped (src/plan/picks.ts).
 */
import { parseExpression, typeCheckExpression, type ExprRef, type ExprType } from '../expr/expression.ts';
import { CANDIDATE, splitScore } from '../expr/separable.ts';
import { error, findColumn, isNumber, type Json, type PlanContext } from './context.ts';
import type { PreferencePlan } from '../ir/types.ts';

type Report = ((code: string, path: string, message: string, hint: string) => undefined) | null;

const typeOf = (t: unknown): ExprType => (typeof t !== 'string' ? 'unknown' : t.startsWith('list<') ? 'list' : t === 'string' || t === 'json' ? 'string' : 'number');

/**
 * The preference of `lookup` (raw spec args) of `node` into `table`: null without a `score`, undefined when it is
 * invalid (reported at `path` when `report`).
 */
export function planPreference(ctx: PlanContext, node: Json, table: string, lookup: Json, path: string, report: boolean): PreferencePlan | null | undefined {
  const { score, temperature, distinct } = lookup ?? {};
  if (score === undefined && temperature === undefined && distinct === undefined) return null;
  const fail: Report = report ? (code, p, message, hint) => error(ctx, code, p, message, hint) : () => undefined;
  const other = ctx.nodes.get(table)?.node;
  if (!other) return undefined;
  if (typeof score !== 'string') return fail!('DG_BAD_PARAM', `${path}${score === undefined ? '' : '/score'}`, score === undefined ? 'temperature and distinct shape a preference score: the lookup needs "score"' : 'score must be an expression (text)', 'e.g. "score": "log(candidate.popularity) + 2 * parent.taste[candidate.category]"');
  if (temperature !== undefined && !(isNumber(temperature) && temperature > 0)) return fail!('DG_OUT_OF_RANGE', `${path}/temperature`, `temperature must be a number > 0 (got ${JSON.stringify(temperature)})`, 'weights are exp(score / temperature): small temperatures concentrate the picks on the best candidates');
  if (distinct !== undefined && typeof distinct !== 'boolean') return fail!('DG_BAD_PARAM', `${path}/distinct`, 'distinct must be true or false', 'true: the children of one parent never pick the same row twice');
  const r = parseExpression(score);
  if (!r.ok) return fail!('DG_BAD_EXPRESSION', `${path}/score`, r.errors[0].message, r.errors[0].hint);
  if (r.expr.randomSites > 0) return fail!('DG_BAD_EXPRESSION', `${path}/score`, 'a score cannot draw random numbers (rand, bernoulli, normal)', 'the pick itself is the random draw: temperature sets how random it is');
  const parents: string[] = Array.isArray(node.parents) ? node.parents : [];
  const parentNode = parents[0] ? ctx.nodes.get(parents[0])?.node : undefined;
  const out: PreferencePlan = { score, temperature: temperature ?? null, distinct: distinct === true, candidate: [], group: [], columns: [], parent: [] };
  const types = new Map<ExprRef, ExprType>();
  for (const ref of r.expr.refs) {
    if (ref.kind === 'column') {
      const c = findColumn(node, ref.column);
      if (!c) return fail!('DG_UNKNOWN_COLUMN', `${path}/score`, `the score reads column "${ref.column}", which table "${node.id}" does not have`, `candidate columns are written ${CANDIDATE}.x (e.g. ${CANDIDATE}.${ref.column}), the row's own by name, the parent's as parent.x`);
      out.columns.push(ref.column);
      types.set(ref, typeOf(c.type));
    } else if (ref.table === CANDIDATE) {
      const c = findColumn(other, ref.column);
      if (!c) return fail!('DG_UNKNOWN_COLUMN', `${path}/score`, `the score reads ${CANDIDATE}.${ref.column}, but table "${table}" has no column "${ref.column}"`, `${CANDIDATE}.x reads a column of "${table}", the table looked up`);
      out.candidate.push(ref.column);
      types.set(ref, typeOf(c.type));
    } else if (ref.table === 'parent') {
      const c = parentNode && findColumn(parentNode, ref.column);
      if (!c) return fail!('DG_UNKNOWN_COLUMN', `${path}/score`, parentNode ? `the score reads parent.${ref.column}, but the parent "${parents[0]}" has no column "${ref.column}"` : `the score reads parent.${ref.column}, but "${node.id}" has no parent`, 'parent.x reads a column of the primary parent (parents[0])');
      out.parent.push(ref.column);
      types.set(ref, typeOf(c.type));
    } else {
      return fail!('DG_NOT_SUPPORTED', `${path}/score`, `the score reads ${ref.table}.${ref.column}: a score reads the candidate (${CANDIDATE}.x), the row's own columns and parent.x`, `look ${ref.table}.${ref.column} up into a column of the row first and read that column`);
    }
  }
  const checked = typeCheckExpression(r.expr, (ref) => types.get(ref) ?? 'unknown');
  if (checked.errors.length) return fail!('DG_BAD_EXPRESSION', `${path}/score`, checked.errors[0].message, checked.errors[0].hint);
  if (checked.type !== 'number' && checked.type !== 'unknown' && checked.type !== 'boolean') return fail!('DG_BAD_EXPRESSION', `${path}/score`, `the score yields a ${checked.type}; it must be a number`, 'compute a number from the candidate and the row');
  if (out.candidate.length === 0) return fail!('DG_BAD_PARAM', `${path}/score`, `the score reads no candidate column: every candidate would weigh the same`, `read the candidate as ${CANDIDATE}.x (e.g. ${CANDIDATE}.popularity), or drop the score for a uniform pick`);
  out.group = splitScore(r.expr, out.temperature === null ? 'product' : 'sum').group;
  if (out.distinct) {
    if (!parentNode) return fail!('DG_BAD_PARAM', `${path}/distinct`, `distinct means "the children of one parent never pick the same row twice", but "${node.id}" has no parent`, 'give the table parents, or drop distinct');
    // Every child of a parent must draw from the same distribution: the score and the keys read the parent only.
    const own = [...out.columns, ...onLocals(lookup.on)].filter((c) => !isParentLookup(findColumn(node, c), parents[0]));
    if (own.length) return fail!('DG_NOT_SUPPORTED', `${path}/distinct`, `a distinct pick reads the row's own column${own.length > 1 ? 's' : ''} ${own.map((c) => `"${c}"`).join(', ')}: its children would not share one distribution to draw without replacement from`, `read the parent's columns instead (parent.x in the score, or keys that are lookups of ${parents[0]})`);
  }
  out.candidate = [...new Set(out.candidate)].sort();
  out.columns = [...new Set(out.columns)].sort();
  out.parent = [...new Set(out.parent)].sort();
  return out;
}

function onLocals(on: unknown): string[] {
  if (!on || typeof on !== 'object' || Array.isArray(on)) return [];
  const o = on as Record<string, unknown>;
  return 'this_key' in o ? [String(o.this_key)] : Object.keys(o);
}

/** A column that is a plain lookup of the primary parent (the same value for all of a parent's children). */
function isParentLookup(c: Json, parent: string): boolean {
  const l = c?.generator?.lookup;
  return !!l && typeof l.from === 'string' && l.from.startsWith(`${parent}.`) && l.on === undefined && l.score === undefined && !c.modifiers?.length && !c.null_rate;
}
