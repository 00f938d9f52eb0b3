import { type Diagnostic, diag, hasErrors, pointer, sortDiagnostics } from '../diagnostics/diagnostic.ts';
import { ALGORITHM_VERSION } from '../model/rng.ts';
import { checkDag, resolveGraph } from '../resolve/graph.ts';
import { schemaDiagnostics } from '../spec/schema-check.ts';
import { type AuthorOptions, authorSpec, relate } from '../spec/author.ts';
import { VERSION } from '../version.ts';
import { canonicalJson, sha256 } from './canonical.ts';
import { planBehaviours, withSegmentColumn } from './behaviours.ts';
import { planConstraints } from './constraints.ts';
import { planScenarios } from './scenarios.ts';
import type { Json, PlanContext } from './context.ts';
import { estimate } from './estimate.ts';
import { checkIgnoredRows, checkNames, checkSeed, explainEarlyYears, jsonValueProblems } from './spec-checks.ts';
import { assignEnums } from './enums.ts';
import { computeRetain } from './retain.ts';
import { orderColumns, planInheritedTime, planTable, type TableDraft } from './tables.ts';
import { isoString, parseFreq, parseInstant } from './time.ts';
import { type Plan, PLAN_VERSION, type TablePlan } from '../ir/types.ts';

/** `preset` and `set` (params, presets, overrides) are applied first, by the authoring stage (src/spec/author.ts). */
export interface CompileOptions extends AuthorOptions {
  /** Master seed; overrides the spec's `seed` (default 42). */
  seed?: number;
  /** Multiplies every entity / parentless row count. */
  scale?: number;
  /** Warnings become errors. */
  strict?: boolean;
}

export interface CompileResult {
  plan: Plan | null;
  diagnostics: Diagnostic[];
  /** The document compiled: parameters replaced, the preset and overrides applied (docs/authoring.md). */
  spec?: unknown;
}

/** Pure: spec document → diagnostics and (when there are no errors) the plan. */
export function compile(input: unknown, opts: CompileOptions = {}): CompileResult {
  // A library caller can hand in what no JSON text holds (NaN, a BigInt, a cycle): refused before anything reads it.
  const notJson = jsonValueProblems(input);
  if (notJson.length) return { plan: null, diagnostics: sortDiagnostics(notJson) };
  const authored = authorSpec(input, opts);
  const strictly = (d: Diagnostic) => (opts.strict && d.severity === 'warning' ? { ...d, severity: 'error' as const, message: d.message.replace(/ \(ignored\)$/, '') } : d);
  if (authored.doc === undefined && input !== undefined) return { plan: null, diagnostics: sortDiagnostics(relate(authored.diagnostics, authored.origins, authored.renames).map(strictly)) };
  const doc = authored.doc;
  const diags: Diagnostic[] = schemaDiagnostics(doc);
  let plan: Plan | null = null;
  try {
    plan = isObject(doc) ? build(doc, opts, diags) : null;
  } catch (e) {
    // On a document the schema rejected, the semantic checks are best effort: one that trips over a value of
    // the wrong type adds nothing to the schema's diagnostics. On a valid document it is a bug: let it show.
    if (!hasErrors(diags.filter((d) => d.code === 'DG_SCHEMA' || d.code === 'DG_MISSING_KEY' || d.code === 'DG_UNKNOWN_KEY'))) throw e;
  }
  const all = relate([...authored.diagnostics, ...mergeDiagnostics(explainEarlyYears(doc, diags))], authored.origins, authored.renames).map(tidyMessage).map(strictly);
  const sorted = sortDiagnostics(all);
  if (plan && authored.preset !== undefined) plan.preset = authored.preset;
  return { plan: hasErrors(sorted) ? null : plan, diagnostics: sorted, spec: doc };
}

function build(doc: Json, opts: CompileOptions, diags: Diagnostic[]): Plan | null {
  const scale = opts.scale ?? 1;
  if (!(scale > 0)) diags.push(diag('DG_OUT_OF_RANGE', '', `scale ${scale} must be positive`, 'e.g. --scale 0.01'));
  checkSeed(doc, diags);
  checkIgnoredRows(doc, diags);
  const seed = opts.seed ?? (Number.isSafeInteger(doc.seed) ? doc.seed : 42);
  const timeframe = planTimeframe(doc.timeframe, diags);
  if (!Array.isArray(doc.nodes) || !timeframe) return null;
  const nodes = new Map<string, { node: Json; index: number }>();
  doc.nodes.forEach((declared: Json, index: number) => {
    if (typeof declared?.id !== 'string') return;
    const node = withSegmentColumn(declared);
    if (nodes.has(node.id)) diags.push(diag('DG_DUPLICATE_NODE', pointer('nodes', index, 'id'), `node id "${node.id}" is used twice`, 'node ids name tables and must be unique'));
    else nodes.set(node.id, { node, index });
  });
  checkNames(doc, nodes, diags);
  // User-supplied calls (faker probes) run only on a document the schema accepts.
  const ctx: PlanContext = { doc, seed, diags, nodes, timeframe, schemaValid: !hasErrors(diags) };
  const unsupported: { path: string; what: string }[] = [];
  const drafts = new Map<string, TableDraft>();
  for (const { node, index } of nodes.values()) {
    const t = planTable(ctx, node, index, scale, unsupported);
    if (t) drafts.set(t.id, t);
  }
  if (drafts.size !== nodes.size) return null;
  planBehaviours(ctx, drafts);
  planInheritedTime(ctx, drafts);
  const declared = [...nodes.keys()];
  const res = resolveGraph([...drafts.values()], declared, diags);
  if (!res) return null;
  checkDag(doc.dag, [...drafts.values()], diags);
  planConstraints(ctx, doc, drafts);
  const campaigns = planScenarios(ctx, doc, drafts);
  // Enforced inequalities add same-row dependencies: order the columns again.
  for (const d of drafts.values()) d.evalOrder = orderColumns(ctx, nodes.get(d.id)!.node, pointer('nodes', nodes.get(d.id)!.index), d.columns, d.pk) ?? d.evalOrder;
  const tables: TablePlan[] = res.levels.flat().map((id) => ({ ...drafts.get(id)!, level: res.levelOf.get(id)!, estimatedRows: 0, estimatedBytes: 0, retain: [] }));
  assignEnums(tables);
  computeRetain(tables);
  estimate(tables);
  const name = String(doc.metadata?.name ?? 'dataset');
  return {
    planVersion: PLAN_VERSION,
    datagenVersion: VERSION,
    algorithmVersion: ALGORITHM_VERSION,
    name,
    slug: slugify(name),
    specHash: sha256(canonicalJson(doc)),
    seed,
    scale,
    timeframe: { start: isoString(timeframe.startMs), end: isoString(timeframe.endMs), ...timeframe },
    levels: res.levels,
    tables,
    unsupported,
    ...(campaigns.length ? { campaigns } : {}),
  };
}

function planTimeframe(tf: Json, diags: Diagnostic[]): PlanContext['timeframe'] | undefined {
  // A missing or malformed timeframe (or start/end) is the schema's DG_MISSING_KEY / DG_SCHEMA.
  if (!isObject(tf) || tf.start === undefined || tf.end === undefined) return undefined;
  const startMs = parseInstant(tf?.start);
  const endMs = parseInstant(tf?.end);
  const freq = parseFreq(tf?.freq ?? 'H');
  if (startMs === undefined) diags.push(diag('DG_BAD_DATETIME', '/timeframe/start', `timeframe.start ${JSON.stringify(tf?.start)} is not an ISO-8601 instant`, 'e.g. "2024-01-01T00:00:00Z"'));
  if (endMs === undefined) diags.push(diag('DG_BAD_DATETIME', '/timeframe/end', `timeframe.end ${JSON.stringify(tf?.end)} is not an ISO-8601 instant`, 'e.g. "2024-12-31T23:59:59Z"'));
  if (!freq) diags.push(diag('DG_BAD_FREQ', '/timeframe/freq', `unknown freq ${JSON.stringify(tf?.freq)}`, 'one of T (minute), H, D, W, M (month end), MS (month start)'));
  if (startMs === undefined || endMs === undefined || !freq) return undefined;
  if (endMs < startMs) {
    diags.push(diag('DG_OUT_OF_RANGE', '/timeframe', 'timeframe ends before it starts', 'swap start and end'));
    return undefined;
  }
  return { startMs, endMs, freq };
}

export function slugify(name: string): string {
  return name.normalize('NFKD').replace(/[^\w\s-]/g, '').trim().replace(/[\s-]+/g, '_').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase() || 'dataset';
}

/**
 * Drop schema errors whose path a semantic check already explains (the semantic message is more precise) —
 * except a value of the wrong JSON type ("fanout": "poisson" where an object belongs): there the schema's
 * "must be object, got string" with the expected shape says more than a check that read the value as an
 * empty object, so the semantic errors at that path give way.
 */
function mergeDiagnostics(diags: Diagnostic[]): Diagnostic[] {
  const isSchema = (d: Diagnostic) => d.code === 'DG_SCHEMA' || d.code === 'DG_MISSING_KEY';
  const wrongType = new Set(diags.filter((d) => d.code === 'DG_SCHEMA' && /^must be (object|array), got (string|number|boolean|null)$/.test(d.message)).map((d) => d.path));
  const semantic = diags.filter((d) => !isSchema(d) && d.severity === 'error' && !wrongType.has(d.path));
  const depth = (p: string) => p.split('/').length;
  return diags.filter((d) => {
    if (!isSchema(d)) return !wrongType.has(d.path) || d.severity !== 'error';
    return !semantic.some((s) => s.path === d.path || d.path.startsWith(s.path + '/') || (s.path.startsWith(d.path + '/') && depth(s.path) - depth(d.path) <= 2));
  });
}

function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * A check that prints a missing value with JSON.stringify writes "undefined" into its prose ("unknown
 * curve_type undefined"): outside quoted parts, say "(missing)" instead.
 */
function tidyMessage(d: Diagnostic): Diagnostic {
  if (!d.message.includes('undefined')) return d;
  const message = d.message.split(/("(?:[^"\\]|\\.)*")/).map((part, i) => (i % 2 ? part : part.replace(/\bundefined\b/g, '(missing)'))).join('');
  return message === d.message ? d : { ...d, message };
}
