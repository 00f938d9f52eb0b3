import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import type { DatagenSpec } from '../../../generated/datagen.ts';
import { GENERATED_TYPES_PATH, generateTypes } from '../../../src/spec/gen-types.ts';
import { DOCUMENT_SCHEMA_ID, SCHEMA_ID_BASE, createAjv, getDocumentValidator, loadSchemas, schemaFiles } from '../../../src/spec/schema-registry.ts';

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
/** The earlier tool's specs (DSL 1.0), as copied into tests/fixtures. */
const COMPAT_DIR = join(REPO, 'tests/fixtures/compat');
const UNKNOWN_NODE_OR_COLUMN_KEY = /^\/nodes\/\d+(\/columns\/\d+)?$/;

type Err = Pick<ErrorObject, 'instancePath' | 'keyword' | 'params'>;
type Doc = any; // documents under test are deliberately mutated into invalid shapes

function errorsOf(doc: unknown): Err[] {
  const validate = getDocumentValidator();
  validate(doc);
  return (validate.errors ?? []).map(({ instancePath, keyword, params }) => ({ instancePath, keyword, params }));
}

const base = () =>
  ({
    $schema: DOCUMENT_SCHEMA_ID,
    version: '1.0',
    metadata: { name: 'tiny', owner: 'free-form metadata keys are kept' },
    timeframe: { start: '2024-01-01T00:00:00Z', end: '2024-03-31T23:59:59Z', freq: 'D' },
    nodes: [
      { id: 'user', kind: 'entity', pk: 'user_id', rows: 10, columns: [
        { name: 'user_id', type: 'int', generator: { sequence: {} } },
        { name: 'segment', type: 'string', generator: { choice: { choices: ['a', 'b'], weights: [1, 2] } } },
        { name: 'created_at', type: 'datetime', generator: { datetime_series: { within: 'timeframe', pattern: { dimension: 'dow', weights: [1, 1, 1, 1, 1, 1, 1] } } } },
      ] },
      { id: 'event', kind: 'fact', pk: 'event_id', parents: ['user'], fanout: { distribution: 'poisson', lambda: 3 }, columns: [
        { name: 'event_id', type: 'int', generator: { sequence: { start: 1, step: 1 } } },
        { name: 'user_id', type: 'int', generator: { lookup: { from: 'user.user_id' } } },
        { name: 'ts', type: 'datetime', generator: { datetime_series: {} } },
        { name: 'amount', type: 'float', nullable: true, null_rate: 0.1,
          generator: { distribution: { type: 'lognormal', params: { mean: 3, sigma: 1 }, clamp: [0, null] } },
          modifiers: [{ transform: 'multiply', args: { factor: 2 } }] },
      ] },
    ],
    constraints: {},
  }) satisfies DatagenSpec;

/** Every DSL extension once, in a shape a user would write (typed by the generated types too). */
const kitchenSink = (): DatagenSpec => {
  const doc: DatagenSpec = base();
  doc.seed = 7;
  doc.dag = [['user'], ['event']];
  doc.targets = null;
  const [user, event] = doc.nodes;
  user.segment_behavior = { segment_column: 'segment', behaviors: { a: { fanout_multiplier: 2, value_multiplier: 1.5 } }, segments: { a: { base_probability: 0.3 }, b: { base_probability: 0.7 } }, applies_to_columns: ['amount'] };
  user.vintage_behavior = { created_at_column: 'created_at', age_based_multipliers: { decay: { curve: [1, 0.8, 0.6], time_unit: 'month', applies_to: 'fanout' }, value: { curve: { curve_type: 'logarithmic', params: { a: 1, b: 0.2 } }, applies_to: ['amount'], comment: 'note' } } };
  event.grain = { every: 'day', active_probability: 0.4 };
  event.stage_config = { stages: [{ stage_name: 's0', transition_rate: 1 }, { stage_name: 's1', transition_rate: 0.5, delay: '2h' }, { stage_name: 's2', transition_rate: 0.5, delay: { distribution: 'lognormal', params: { mean: 1, sigma: 0.5 }, unit: 'hour' } }], segment_variation: { a: { transition_multiplier: 1.2 } } };
  event.state_transition_model = { initial_state: 'active', states: { active: { transition_prob_per_period: 0.1, next_states: { churned: 1 } }, churned: { terminal: true } }, period_unit: 'month', segment_variation: { a: { churn_multiplier: 0.5 } }, emit: 'periods', amount: { distribution: { type: 'gamma', params: { shape: 2, scale: 10 } } } };
  event.lifecycle_model = { stages: [{ stage_name: 'onboarding', duration: { distribution: 'lognormal', params: { mean: 3, sigma: 1 } }, events_during_stage: { event_types: ['login'], frequency: 'high' }, exit_probability: 0.7, next_stages: ['active'] }, { stage_name: 'active', events_during_stage: { event_types: ['use'], frequency: 3 }, churn_probability_per_period: 0.05 }] };
  event.adoption_model = { curve_type: 's_curve', innovation_diffusion: { innovators: { pct: 0.025, time_to_adopt_days: 7 } }, engagement_frequency: { high: { pct: 0.2, events_per_week: 10 } } };
  event.attribution_chain = { touchpoint_types: ['ad', 'email'], touchpoints_per_conversion: { distribution: 'poisson', lambda: 3, min: 1, max: 10 }, attribution_window_days: 30, conversion_probability: { base: 0.02, multiplier_per_touch: 1.4, saturation_at: 8 } };
  event.modifiers = [{ transform: 'effect', args: { effect_table: 'user', on: {}, window: { start_col: 'created_at', end_col: 'created_at' }, map: { field: 'user_id' } } }];
  event.columns.push(
    { name: 'tags', type: 'list<string>', generator: { faker: { method: 'bothify', locale: 'en_US', args: { text: '??-##' } } } },
    { name: 'prefs', type: 'list<float>', generator: { distribution: { type: 'dirichlet', params: { alpha: [1, 2, 3] } } } },
    { name: 'clicks', type: 'int', generator: { distribution: { type: 'binomial', params: { n: 'event_id', p: 0.1 } } },
      modifiers: [
        { transform: 'seasonality', args: { dimension: 'month', weights: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2], time_reference: 'ts' } },
        { transform: 'trend', args: { type: 'linear', growth_rate: 0.1, time_reference: 'ts', origin: '2024-01-01' } },
        { transform: 'anomaly', args: { spike_dates: ['2024-02-01'], spike_multiplier: 3, windows: [{ start: '2024-03-01', duration: '3d', multiplier: 0.2, kind: 'drop', scope: { segment: ['a'] } }], time_reference: 'ts' } },
        { transform: 'outliers', args: { rate: 0.01, mode: 'drop', magnitude_dist: { type: 'uniform', params: { low: 1, high: 2 } } } },
      ] },
    { name: 'pick', type: 'string', generator: { choice: { choices_ref: 'user.segment', weights_kind: 'head_tail@{0.6, 1.5}' } }, constraints: { values: ['a', 'b'] } },
  );
  doc.scenarios = [{ id: 'cost_spike_1', type: 'cost_spike', target: 'event.amount', selection: { strategy: 'random_k', k: 3 }, window: { start: '2024-02-10', duration: '7d' }, params: { magnitude: 3 }, seed: 1, difficulty: 'hard', description_template: 'cost x{magnitude}' }];
  return doc;
};

function mutated(edit: (d: Doc) => void): Doc {
  const d: Doc = structuredClone(base());
  edit(d);
  return d;
}

const col = (d: Doc, n: number, c: number) => d.nodes[n].columns[c];
const C = (n: number, c: number, rest = '') => `/nodes/${n}/columns/${c}${rest}`;

describe('schema registry', () => {
  it('loads every schema file, each with the $id of its path and a title', () => {
    const files = schemaFiles();
    expect(files).toContain('datagen.schema.json');
    const ids = (loadSchemas() as { $id: string; title?: string }[]).map((s) => s.$id);
    expect(ids).toEqual(files.map((f) => SCHEMA_ID_BASE + f));
    for (const s of loadSchemas() as { title?: string }[]) expect(typeof s.title).toBe('string');
  });

  it('compiles every schema in strict mode', () => {
    const ajv = createAjv();
    for (const s of loadSchemas() as { $id: string }[]) expect(ajv.getSchema(s.$id), s.$id).toBeTypeOf('function');
  });

  it('has one part schema per generator, modifier and behaviour, matching the document schema', () => {
    const root = (loadSchemas() as any[]).find((s) => s.$id === DOCUMENT_SCHEMA_ID);
    const stems = (dir: string) => schemaFiles().filter((f) => f.startsWith(`${dir}/`)).map((f) => f.slice(dir.length + 1, -'.schema.json'.length)).sort();
    expect(stems('generators')).toEqual([...root.$defs.generator.propertyNames.enum].sort());
    expect(stems('modifiers')).toEqual([...root.$defs.columnModifier.properties.transform.enum].sort());
    const behaviourKeys = Object.entries(root.$defs.node.properties).filter(([, v]: [string, any]) => String(v.$ref).startsWith('behaviors/')).map(([k]) => k);
    expect(stems('behaviors')).toEqual(behaviourKeys.sort());
  });

  it('describes every property and closes every object of the DSL', () => {
    const problems: string[] = [];
    const walk = (node: unknown, path: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${path}/${i}`));
      if (!node || typeof node !== 'object') return;
      const n = node as Record<string, any>;
      const conditional = /\/(if|then|else|dependentSchemas)(\/|$)/.test(path);
      if (n.properties && !conditional && !('additionalProperties' in n) && !n.propertyNames && !n.oneOf) problems.push(`open object ${path}`);
      for (const [k, v] of Object.entries(n)) {
        if (k === 'enum' || k === 'const' || k === 'default') continue;
        if (k === 'properties' && !conditional) {
          for (const [p, s] of Object.entries(v as object)) if (typeof (s as any)?.description !== 'string') problems.push(`undocumented ${path}/properties/${p}`);
        }
        walk(v, `${path}/${k}`);
      }
    };
    const ours = (loadSchemas() as any[]).filter((s) => /datagen\.schema\.json$|\/(generators|modifiers|behaviors)\//.test(s.$id));
    for (const s of ours) walk(s, s.$id);
    expect(problems).toEqual([]);
  });
});

describe('document schema: compatibility specs', () => {
  const files = readdirSync(COMPAT_DIR).filter((f) => f.endsWith('.json')).sort();

  it('finds the 8 compat specs', () => {
    expect(files).toHaveLength(8);
  });

  it.each(files)('%s has no errors except unknown keys on nodes/columns', (file) => {
    const errors = errorsOf(JSON.parse(readFileSync(join(COMPAT_DIR, file), 'utf8')));
    const others = errors.filter((e) => !(e.keyword === 'additionalProperties' && UNKNOWN_NODE_OR_COLUMN_KEY.test(e.instancePath)));
    expect(others).toEqual([]);
    if (file === 'test_patterns.json') {
      expect(errors.length).toBeGreaterThan(0);
      expect(new Set(errors.map((e) => e.params.additionalProperty))).toEqual(new Set(['comment']));
    } else expect(errors).toEqual([]);
  });
});

describe('document schema: valid documents', () => {
  it('accepts the minimal document and every extension', () => {
    expect(errorsOf(base())).toEqual([]);
    const noConstraints: Doc = base();
    delete noConstraints.constraints; // optional (docs/language.md)
    expect(errorsOf(noConstraints)).toEqual([]);
    expect(errorsOf(kitchenSink())).toEqual([]);
  });
});

describe('document schema: invalid documents', () => {
  const cases: [string, (d: Doc) => void, Partial<Err>][] = [
    ['missing version', (d) => delete d.version, { instancePath: '', keyword: 'required', params: { missingProperty: 'version' } }],
    ['version 2.0', (d) => (d.version = '2.0'), { instancePath: '/version', keyword: 'pattern' }],
    ['missing metadata', (d) => delete d.metadata, { instancePath: '', keyword: 'required', params: { missingProperty: 'metadata' } }],
    ['unknown top-level key', (d) => (d.tables = []), { instancePath: '', keyword: 'additionalProperties', params: { additionalProperty: 'tables' } }],
    ['bad timeframe freq', (d) => (d.timeframe.freq = '15min'), { instancePath: '/timeframe/freq', keyword: 'enum' }],
    ['bad datetime_series freq', (d) => (col(d, 1, 2).generator.datetime_series.freq = 'S'), { instancePath: C(1, 2, '/generator/datetime_series/freq'), keyword: 'enum' }],
    ['timeframe start not ISO', (d) => (d.timeframe.start = 'yesterday'), { instancePath: '/timeframe/start', keyword: 'pattern' }],
    ['bad kind', (d) => (d.nodes[0].kind = 'dimension'), { instancePath: '/nodes/0/kind', keyword: 'enum' }],
    ['negative rows', (d) => (d.nodes[0].rows = -1), { instancePath: '/nodes/0/rows', keyword: 'minimum' }],
    ['fractional rows', (d) => (d.nodes[0].rows = 2.5), { instancePath: '/nodes/0/rows', keyword: 'type' }],
    ['bad fanout distribution', (d) => (d.nodes[1].fanout.distribution = 'binomial'), { instancePath: '/nodes/1/fanout/distribution', keyword: 'enum' }],
    ['unknown fanout key', (d) => (d.nodes[1].fanout.mu = 3), { instancePath: '/nodes/1/fanout', keyword: 'additionalProperties' }],
    ['bad column type', (d) => (col(d, 0, 0).type = 'integer'), { instancePath: C(0, 0, '/type'), keyword: 'enum' }],
    ['null_rate above 1', (d) => (col(d, 1, 3).null_rate = 1.5), { instancePath: C(1, 3, '/null_rate'), keyword: 'maximum' }],
    ['unknown generator key', (d) => (col(d, 0, 0).generator = { seqence: {} }), { instancePath: C(0, 0, '/generator'), keyword: 'propertyNames', params: { propertyName: 'seqence' } }],
    ['two generators in one column', (d) => (col(d, 0, 0).generator.faker = { method: 'name' }), { instancePath: C(0, 0, '/generator'), keyword: 'maxProperties' }],
    ['empty generator', (d) => (col(d, 0, 0).generator = {}), { instancePath: C(0, 0, '/generator'), keyword: 'minProperties' }],
    ['missing generator', (d) => delete col(d, 0, 0).generator, { instancePath: C(0, 0), keyword: 'required', params: { missingProperty: 'generator' } }],
    ['sequence step 0', (d) => (col(d, 1, 0).generator.sequence.step = 0), { instancePath: C(1, 0, '/generator/sequence/step'), keyword: 'not' }],
    ['weights not numbers', (d) => (col(d, 0, 1).generator.choice.weights = [1, 'x']), { instancePath: C(0, 1, '/generator/choice/weights/1'), keyword: 'type' }],
    ['negative weight', (d) => (col(d, 0, 1).generator.choice.weights = [1, -1]), { instancePath: C(0, 1, '/generator/choice/weights/1'), keyword: 'minimum' }],
    ['choices and choices_ref', (d) => (col(d, 0, 1).generator.choice.choices_ref = 'user.segment'), { instancePath: C(0, 1, '/generator/choice/choices_ref'), keyword: 'false schema' }],
    ['neither choices nor choices_ref', (d) => delete col(d, 0, 1).generator.choice.choices, { instancePath: C(0, 1, '/generator/choice'), keyword: 'required', params: { missingProperty: 'choices_ref' } }],
    ['weights and weights_kind', (d) => (col(d, 0, 1).generator.choice.weights_kind = 'uniform'), { instancePath: C(0, 1, '/generator/choice/weights_kind'), keyword: 'false schema' }],
    ['bad weights_kind', (d) => (col(d, 0, 1).generator.choice = { choices: ['a'], weights_kind: 'zipf' }), { instancePath: C(0, 1, '/generator/choice/weights_kind'), keyword: 'pattern' }],
    ['choices_ref without a dot', (d) => (col(d, 0, 1).generator.choice = { choices_ref: 'segment' }), { instancePath: C(0, 1, '/generator/choice/choices_ref'), keyword: 'pattern' }],
    ['unknown distribution', (d) => (col(d, 1, 3).generator.distribution.type = 'lognormall'), { instancePath: C(1, 3, '/generator/distribution/type'), keyword: 'enum' }],
    ['distribution without params', (d) => delete col(d, 1, 3).generator.distribution.params, { instancePath: C(1, 3, '/generator/distribution'), keyword: 'required', params: { missingProperty: 'params' } }],
    ['clamp of three', (d) => (col(d, 1, 3).generator.distribution.clamp = [0, 1, 2]), { instancePath: C(1, 3, '/generator/distribution/clamp'), keyword: 'maxItems' }],
    ['param object', (d) => (col(d, 1, 3).generator.distribution.params.mean = { v: 1 }), { instancePath: C(1, 3, '/generator/distribution/params/mean'), keyword: 'type' }],
    ['within not timeframe', (d) => (col(d, 0, 2).generator.datetime_series.within = 'year'), { instancePath: C(0, 2, '/generator/datetime_series/within'), keyword: 'const' }],
    ['pattern dimension', (d) => (col(d, 0, 2).generator.datetime_series.pattern.dimension = 'weekday'), { instancePath: C(0, 2, '/generator/datetime_series/pattern/dimension'), keyword: 'enum' }],
    ['dow pattern of 6', (d) => col(d, 0, 2).generator.datetime_series.pattern.weights.pop(), { instancePath: C(0, 2, '/generator/datetime_series/pattern/weights'), keyword: 'minItems' }],
    ['faker without method', (d) => (col(d, 0, 1).generator = { faker: { locale_from: 'country' } }), { instancePath: C(0, 1, '/generator/faker'), keyword: 'required' }],
    ['lookup from without a dot', (d) => (col(d, 1, 1).generator.lookup.from = 'user_id'), { instancePath: C(1, 1, '/generator/lookup/from'), keyword: 'pattern' }],
    ['unknown transform', (d) => (col(d, 1, 3).modifiers[0].transform = 'scale'), { instancePath: C(1, 3, '/modifiers/0/transform'), keyword: 'enum' }],
    ['modifier arg of wrong type', (d) => (col(d, 1, 3).modifiers[0].args.factor = '2'), { instancePath: C(1, 3, '/modifiers/0/args/factor'), keyword: 'type' }],
    ['unknown modifier arg', (d) => (col(d, 1, 3).modifiers[0] = { transform: 'jitter', args: { std: 1, sigma: 2 } }), { instancePath: C(1, 3, '/modifiers/0/args'), keyword: 'additionalProperties' }],
    ['bad jitter mode', (d) => (col(d, 1, 3).modifiers[0] = { transform: 'jitter', args: { std: 1, mode: 'mult' } }), { instancePath: C(1, 3, '/modifiers/0/args/mode'), keyword: 'enum' }],
    ['seasonality dow of 6', (d) => (col(d, 1, 3).modifiers[0] = { transform: 'seasonality', args: { dimension: 'dow', weights: [1, 1, 1, 1, 1, 1] } }), { instancePath: C(1, 3, '/modifiers/0/args/weights'), keyword: 'minItems' }],
    ['logarithmic trend without params', (d) => (col(d, 1, 3).modifiers[0] = { transform: 'trend', args: { type: 'logarithmic' } }), { instancePath: C(1, 3, '/modifiers/0/args'), keyword: 'required', params: { missingProperty: 'params' } }],
    ['outliers rate above 1', (d) => (col(d, 1, 3).modifiers[0] = { transform: 'outliers', args: { rate: 5 } }), { instancePath: C(1, 3, '/modifiers/0/args/rate'), keyword: 'maximum' }],
    ['effect without map', (d) => (col(d, 1, 3).modifiers[0] = { transform: 'effect', args: { effect_table: 'user', window: { start_col: 'a', end_col: 'b' } } }), { instancePath: C(1, 3, '/modifiers/0/args'), keyword: 'required', params: { missingProperty: 'map' } }],
    ['anomaly dates without multiplier', (d) => (col(d, 1, 3).modifiers[0] = { transform: 'anomaly', args: { spike_dates: ['2024-02-01'] } }), { instancePath: C(1, 3, '/modifiers/0/args'), keyword: 'dependentRequired' }],
    ['table-level multiply', (d) => (d.nodes[1].modifiers = [{ transform: 'multiply', args: { factor: 2 } }]), { instancePath: '/nodes/1/modifiers/0/transform', keyword: 'enum' }],
    ['stage rate above 1', (d) => (d.nodes[1].stage_config = { stages: [{ stage_name: 'a', transition_rate: 1.2 }] }), { instancePath: '/nodes/1/stage_config/stages/0/transition_rate', keyword: 'maximum' }],
    ['segments without either form', (d) => (d.nodes[0].segment_behavior = { segment_column: 'segment' }), { instancePath: '/nodes/0/segment_behavior', keyword: 'required', params: { missingProperty: 'segments' } }],
    ['unknown segment multiplier', (d) => (d.nodes[0].segment_behavior = { segment_column: 'segment', behaviors: { a: { fanout_mult: 2 } } }), { instancePath: '/nodes/0/segment_behavior/behaviors/a', keyword: 'additionalProperties' }],
    ['vintage curve_type', (d) => (d.nodes[0].vintage_behavior = { created_at_column: 'created_at', age_based_multipliers: { v: { curve: { curve_type: 'sigmoid', params: { a: 1, b: 1 } }, applies_to: 'all' } } }), { instancePath: '/nodes/0/vintage_behavior/age_based_multipliers/v/curve/curve_type', keyword: 'enum' }],
    ['terminal state with next_states', (d) => (d.nodes[1].state_transition_model = { initial_state: 'x', states: { x: { terminal: true, next_states: { y: 1 } } } }), { instancePath: '/nodes/1/state_transition_model/states/x/next_states', keyword: 'false schema' }],
    ['grain every year', (d) => (d.nodes[1].grain = { every: 'year' }), { instancePath: '/nodes/1/grain/every', keyword: 'enum' }],
    ['unknown target', (d) => (d.targets = { weekend_shares: {} }), { instancePath: '/targets', keyword: 'additionalProperties' }],
    ['bad inequality op', (d) => (d.constraints.inequalities = [{ left: 'a.b', op: '=<', right: 'a.c' }]), { instancePath: '/constraints/inequalities/0/op', keyword: 'enum' }],
    ['scenario without type', (d) => (d.scenarios = [{ id: 's1' }]), { instancePath: '/scenarios/0', keyword: 'required', params: { missingProperty: 'type' } }],
  ];

  it.each(cases)('%s', (_name, edit, expected) => {
    const errors = errorsOf(mutated(edit));
    expect(errors).toContainEqual(expect.objectContaining(expected));
    // No error leaks outside the edited place: everything reported is at or around the expected path.
    const anchor = (expected.instancePath ?? '').split('/').slice(0, 4).join('/');
    for (const e of errors) expect(e.instancePath.startsWith(anchor), `${e.instancePath} ${e.keyword}`).toBe(true);
  });

  it('reports unknown node and column keys as additionalProperties at the node/column', () => {
    const errors = errorsOf(mutated((d) => ((d.nodes[1].note = 'x'), (col(d, 1, 2).comment = 'y'))));
    expect(errors).toEqual([
      { instancePath: '/nodes/1', keyword: 'additionalProperties', params: { additionalProperty: 'note' } },
      { instancePath: C(1, 2), keyword: 'additionalProperties', params: { additionalProperty: 'comment' } },
    ]);
  });
});

describe('generated/datagen.ts', () => {
  it('matches the schemas (run `npm run gen:types` after changing them)', async () => {
    const current = existsSync(GENERATED_TYPES_PATH) ? readFileSync(GENERATED_TYPES_PATH, 'utf8') : '';
    expect(current === (await generateTypes()), 'generated/datagen.ts is stale: run `npm run gen:types`').toBe(true);
  });
});
