/**
 * The studio page (docs/studio.md): the spec editor on the left; on the right the table graph, the live preview
 * (first rows and column profiles of a small run after each valid edit), Generate (progress, verdict, report,
 * downloads) and a read-only SQL box over the generated file.
 */
import type { EditorView } from '@codemirror/view';
import { h, render, type VNode } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { type ApiError, call, type CompileAnswer, type Diagnostic, type Generation, type PreviewAnswer, RequestFailed, type TablePreview } from './api.ts';
import { Chart, quickChart } from './chart.ts';
import { createEditor, setText } from './editor.ts';
import { fmtRows, Graph } from './graph.ts';
import './studio.css';

interface State { folder: string; files: string[]; spec: string | null; generated: boolean }
interface Opened { path: string | null; hash: string | null; saved: string }
type Tab = 'preview' | 'graph' | 'generate' | 'sql';

const cell = (v: unknown): string => (v === null || v === undefined ? '∅' : typeof v === 'object' ? JSON.stringify(v) : String(v));
const fmtNum = (v: unknown): string => (typeof v === 'number' ? (Number.isInteger(v) ? v.toLocaleString('en-US') : String(Number(v.toPrecision(4)))) : v === null || v === undefined ? '' : String(v));
const errorText = (e: unknown): string => (e instanceof RequestFailed ? e.message : e instanceof Error ? e.message : String(e));

function ErrorBox(props: { error: ApiError | string | null }): VNode<any> | null {
  if (!props.error) return null;
  const e = typeof props.error === 'string' ? { code: '', message: props.error, hint: '' } : props.error;
  return h('div', { class: 'error', role: 'alert' }, [e.code ? h('code', null, e.code) : null, ` ${e.message}`, e.hint ? h('div', { class: 'hint' }, `hint: ${e.hint}`) : null]);
}

function DiagnosticList(props: { diags: Diagnostic[]; onPick: (d: Diagnostic) => void }): VNode<any> {
  if (!props.diags.length) return h('div', { class: 'diagnostics ok' }, 'no problems');
  return h('ul', { class: 'diagnostics' }, props.diags.map((d) => h('li', { class: d.severity, 'data-line': d.line, 'data-code': d.code, onClick: () => props.onPick(d) }, [
    h('span', { class: 'pos' }, `${d.file ? `${d.file}:` : ''}${d.line}:${d.column}`), ' ', h('code', null, d.code), ' ', d.message, d.hint ? h('span', { class: 'hint' }, ` (hint: ${d.hint})`) : null,
    d.path ? h('span', { class: 'path' }, ` ${d.path}`) : null,
  ])));
}

function RowsTable(props: { columns: string[]; rows: unknown[][]; caption?: string }): VNode<any> {
  return h('div', { class: 'rows-wrap' }, h('table', { class: 'rows' }, [
    props.caption ? h('caption', null, props.caption) : null,
    h('thead', null, h('tr', null, props.columns.map((c) => h('th', null, c)))),
    h('tbody', null, props.rows.map((r) => h('tr', null, r.map((v) => h('td', { class: v === null ? 'null' : typeof v === 'number' ? 'num' : '' }, cell(v)))))),
  ]));
}

function TablePreviewView(props: { t: TablePreview }): VNode<any> {
  const t = props.t;
  return h('section', { class: 'table-preview', 'data-table': t.table }, [
    h('h3', null, [t.table, h('small', null, ` ${t.rows.toLocaleString('en-US')} rows in the preview`)]),
    h(RowsTable, { columns: t.columns, rows: t.firstRows }),
    h('div', { class: 'profiles' }, t.profiles.map((p) => h('figure', { class: 'profile', 'data-column': p.name }, [
      h('figcaption', null, [h('code', null, p.name), ` ${p.type.toLowerCase()}`, h('span', { class: 'stats' },
        ` · nulls ${t.rows ? ((100 * p.nulls) / t.rows).toFixed(1) : 0} % · distinct ${p.distinctApprox ? '≈' : ''}${fmtNum(p.distinct)}${p.mean !== undefined && p.mean !== null ? ` · mean ${fmtNum(p.mean)}` : ''}`)]),
      p.chart ? h(Chart, { spec: p.chart, label: `${t.table}.${p.name} distribution` }) : h('div', { class: 'no-chart' }, 'no values'),
    ]))),
  ]);
}

interface Author { preset: string; params: Record<string, unknown> }

/** The spec a folder without one starts from: users and their events (docs/language.md). */
const STARTER = `{
  "$schema": "https://datagen.dev/schemas/datagen.schema.json",
  "version": "1.0",
  "metadata": { "name": "My dataset" },
  "timeframe": { "start": "2025-01-01T00:00:00Z", "end": "2025-03-31T23:59:59Z", "freq": "H" },
  "nodes": [
    { "id": "users", "kind": "entity", "pk": "user_id", "rows": 1000, "columns": [
      { "name": "user_id", "type": "int", "generator": { "sequence": { "start": 1 } } },
      { "name": "country", "type": "string", "generator": { "choice": { "choices": ["US", "UK", "DE"], "weights": [3, 2, 1] } } }
    ]},
    { "id": "events", "kind": "fact", "pk": "event_id", "parents": ["users"],
      "fanout": { "distribution": "poisson", "lambda": 5 },
      "columns": [
        { "name": "event_id", "type": "int", "generator": { "sequence": {} } },
        { "name": "user_id", "type": "int", "generator": { "lookup": { "from": "users.user_id" } } },
        { "name": "occurred_at", "type": "datetime", "generator": { "datetime_series": { "within": "timeframe", "freq": "H" } } }
      ]}
  ]
}
`;

/**
 * The spec's parameters and presets (docs/authoring.md): a preset picker and one field per parameter; a changed
 * value is sent as an override (`--set params.<name>=…`) and re-previews. The spec text is not changed.
 */
function ParamsForm(props: { params: Record<string, unknown>; presets: { name: string; description: string }[]; author: Author; onChange: (a: Author) => void }): VNode<any> {
  const { author, onChange } = props;
  const setParam = (name: string, value: unknown) => onChange({ ...author, params: { ...author.params, [name]: value } });
  const field = (name: string, written: unknown) => {
    const value = name in author.params ? author.params[name] : written;
    const changed = name in author.params;
    if (typeof written === 'boolean') return h('input', { type: 'checkbox', name, checked: Boolean(value), onChange: (e: Event) => setParam(name, (e.target as HTMLInputElement).checked) });
    if (typeof written === 'number') {
      return h('input', { type: 'number', step: 'any', name, value: String(value), class: changed ? 'changed' : '', onChange: (e: Event) => {
        const v = (e.target as HTMLInputElement).value;
        if (v !== '' && Number.isFinite(Number(v))) setParam(name, Number(v));
      } });
    }
    if (typeof written === 'string') return h('input', { type: 'text', name, value: String(value), class: changed ? 'changed' : '', onChange: (e: Event) => setParam(name, (e.target as HTMLInputElement).value) });
    return h('input', { type: 'text', name, value: JSON.stringify(value), class: `json${changed ? ' changed' : ''}`, title: 'JSON', onChange: (e: Event) => {
      const el = e.target as HTMLInputElement;
      try {
        setParam(name, JSON.parse(el.value));
        el.setCustomValidity('');
      } catch {
        el.setCustomValidity('not valid JSON');
        el.reportValidity();
      }
    } });
  };
  return h('div', { class: 'params' }, [
    props.presets.length ? h('label', { class: 'preset' }, ['preset ', h('select', { name: 'preset', value: author.preset, onChange: (e: Event) => onChange({ ...author, preset: (e.target as HTMLSelectElement).value }) }, [
      h('option', { value: '' }, '(none)'),
      ...props.presets.map((p) => h('option', { value: p.name, title: p.description }, p.description ? `${p.name} — ${p.description}` : p.name)),
    ])]) : null,
    ...Object.entries(props.params).map(([name, written]) => h('label', { class: 'param', 'data-param': name }, [h('span', null, name), field(name, written)])),
    Object.keys(author.params).length || author.preset ? h('button', { class: 'reset-params', onClick: () => onChange({ preset: '', params: {} }) }, 'reset') : null,
  ]);
}

function App(): VNode<any> {
  const editorEl = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const [state, setState] = useState<State | null>(null);
  const [opened, setOpened] = useState<Opened>({ path: null, hash: null, saved: '' });
  const [text, setTextState] = useState('');
  const [compiled, setCompiled] = useState<CompileAnswer | null>(null);
  const [preview, setPreview] = useState<PreviewAnswer | null>(null);
  const [previewing, setPreviewing] = useState(false);
  const [tab, setTab] = useState<Tab>('preview');
  const [selected, setSelected] = useState<string | null>(null);
  const [notice, setNotice] = useState<string>('');
  const [error, setError] = useState<ApiError | string | null>(null);
  const [generation, setGeneration] = useState<Generation | null>(null);
  const [sql, setSql] = useState('');
  const [sqlResult, setSqlResult] = useState<{ columns: string[]; types: string[]; rows: unknown[][]; more: boolean } | null>(null);
  const [sqlError, setSqlError] = useState<string | null>(null);
  const lastPreviewed = useRef('');
  const previewAbort = useRef<AbortController | null>(null);
  const openedRef = useRef(opened);
  openedRef.current = opened;
  const [author, setAuthor] = useState<Author>({ preset: '', params: {} });
  const authorRef = useRef(author);
  authorRef.current = author;
  /** What every compile, preview and generate request carries besides the text. */
  const context = () => ({ path: openedRef.current.path ?? undefined, preset: authorRef.current.preset || undefined, params: authorRef.current.params });

  async function runPreview(source: string) {
    const key = JSON.stringify([source, authorRef.current]);
    if (key === lastPreviewed.current) return;
    lastPreviewed.current = key;
    previewAbort.current?.abort();
    const ac = new AbortController();
    previewAbort.current = ac;
    setPreviewing(true);
    try {
      const r = await call<PreviewAnswer>('POST', '/api/preview', { text: source, ...context() }, ac.signal);
      if (r.cancelled || ac.signal.aborted) return;
      setPreview(r);
    } catch (e) {
      if (!ac.signal.aborted) setPreview({ ok: false, error: e instanceof RequestFailed ? e.error : { code: '', message: errorText(e), hint: '' } });
    } finally {
      if (previewAbort.current === ac) setPreviewing(false);
    }
  }

  async function check(source: string): Promise<Diagnostic[]> {
    const r = await call<CompileAnswer>('POST', '/api/compile', { text: source, ...context() });
    setCompiled(r);
    if (r.ok) void runPreview(source);
    return r.diagnostics;
  }

  async function open(path: string) {
    if (view.current && view.current.state.doc.toString() !== openedRef.current.saved && !confirm(`Discard the unsaved changes of ${openedRef.current.path ?? 'this spec'}?`)) {
      setOpened({ ...openedRef.current }); // the picker shows the open file again
      return;
    }
    try {
      const f = await call<{ path: string; text: string; hash: string }>('GET', `/api/file?path=${encodeURIComponent(path)}`);
      setOpened({ path: f.path, hash: f.hash, saved: f.text });
      setTextState(f.text);
      if (view.current) setText(view.current, f.text);
      setError(null);
      history.replaceState(null, '', `?file=${encodeURIComponent(f.path)}`);
    } catch (e) {
      setError(e instanceof RequestFailed ? e.error : errorText(e));
    }
  }

  async function save(as?: string, force = false) {
    const path = as ?? opened.path;
    if (!path) return saveAs();
    const current = view.current!.state.doc.toString();
    try {
      const r = await call<{ path: string; hash: string }>('PUT', '/api/file', { path, text: current, base: as && as !== opened.path ? null : opened.hash, force });
      setOpened({ path: r.path, hash: r.hash, saved: current });
      setNotice(`saved ${r.path}`);
      setError(null);
      setState(await call<State>('GET', '/api/state'));
    } catch (e) {
      if (e instanceof RequestFailed && e.error.code === 'DG_STUDIO_CHANGED' && !force) {
        if (confirm(`${path} ${e.error.message.includes('removed') ? 'was removed' : 'changed on disk'} since you opened it. Overwrite it?`)) return save(as, true);
        return;
      }
      setError(e instanceof RequestFailed ? e.error : errorText(e));
    }
  }

  function saveAs() {
    const name = prompt('Save as (a .json file in the spec\'s folder):', opened.path ?? 'spec.json');
    if (name) void save(name.endsWith('.json') ? name : `${name}.json`);
  }

  useEffect(() => {
    // Leaving the page with unsaved changes asks first.
    const guard = (e: BeforeUnloadEvent) => {
      if (view.current && view.current.state.doc.toString() !== openedRef.current.saved) e.preventDefault();
    };
    addEventListener('beforeunload', guard);
    void (async () => {
      const [s, schema] = await Promise.all([call<State>('GET', '/api/state'), call<object>('GET', '/api/schema')]);
      setState(s);
      const wanted = new URLSearchParams(location.search).get('file') ?? s.spec;
      view.current = createEditor(editorEl.current!, '', schema, { check, changed: setTextState });
      if (wanted) await open(wanted);
      else {
        // No spec: a small one to start from (Save asks for its name).
        setText(view.current, STARTER);
        setTextState(STARTER);
      }
    })().catch((e) => setError(errorText(e)));
  }, []);

  function changeAuthor(next: Author) {
    authorRef.current = next;
    setAuthor(next);
    if (view.current) void check(view.current.state.doc.toString());
  }

  async function generate() {
    setError(null);
    try {
      await call('POST', '/api/generate', { text: view.current!.state.doc.toString(), ...context() });
    } catch (e) {
      return setError(e instanceof RequestFailed ? e.error : errorText(e));
    }
    setTab('generate');
    const es = new EventSource('/api/generate/events');
    es.addEventListener('status', (ev) => {
      const g = JSON.parse((ev as MessageEvent).data) as Generation | null;
      setGeneration(g);
      if (g && g.state !== 'running') {
        es.close();
        void call<State>('GET', '/api/state').then(setState);
      }
    });
    es.onerror = () => es.close();
  }

  async function runSql() {
    setSqlError(null);
    try {
      setSqlResult(await call('POST', '/api/sql', { sql }));
    } catch (e) {
      setSqlResult(null);
      setSqlError(errorText(e));
    }
  }

  const dirty = text !== opened.saved;
  const diags = compiled?.diagnostics ?? [];
  const errors = diags.filter((d) => d.severity === 'error').length;
  const tables = compiled?.tables ?? null;
  const sel = tables?.find((t) => t.id === selected) ?? null;
  const g = generation;

  const tabs: [Tab, string][] = [['preview', 'Preview'], ['graph', 'Graph'], ['generate', 'Generate'], ['sql', 'SQL']];
  return h('div', { class: 'studio' }, [
    h('header', null, [
      h('strong', { class: 'brand' }, 'datagen studio'),
      h('select', { class: 'files', 'aria-label': 'open a file', value: opened.path ?? '', onChange: (e: Event) => void open((e.target as HTMLSelectElement).value) }, [
        h('option', { value: '', disabled: true }, state ? `${state.files.length} JSON files in ${state.folder}` : 'loading…'),
        ...(state?.files ?? []).map((f) => h('option', { value: f }, f)),
      ]),
      h('button', { class: 'save', onClick: () => void save(), disabled: !dirty && opened.path !== null, title: 'save (atomic)' }, dirty ? 'Save*' : 'Save'),
      h('button', { class: 'save-as', onClick: saveAs }, 'Save as…'),
      h('span', { class: `status ${errors ? 'bad' : compiled?.ok ? 'good' : ''}` }, compiled ? (errors ? `${errors} error(s)` : `compiles: ${tables?.length ?? 0} tables, ~${fmtRows((tables ?? []).reduce((a, t) => a + t.estimatedRows, 0))} rows`) : ''),
      h('span', { class: 'notice' }, notice),
      h('button', { class: 'generate primary', onClick: () => void generate(), disabled: !compiled?.ok || g?.state === 'running' }, g?.state === 'running' ? 'Generating…' : 'Generate'),
    ]),
    h(ErrorBox, { error }),
    h('main', null, [
      h('div', { class: 'left' }, [
        h('div', { class: 'editor', ref: editorEl }),
        h(DiagnosticList, { diags, onPick: (d) => {
          const v = view.current;
          if (!v) return;
          const line = v.state.doc.line(Math.min(v.state.doc.lines, d.line));
          v.dispatch({ selection: { anchor: Math.min(line.to, line.from + d.column - 1) }, scrollIntoView: true });
          v.focus();
        } }),
      ]),
      h('div', { class: 'right' }, [
        compiled && (compiled.params || compiled.presets.length) ? h(ParamsForm, { params: compiled.params ?? {}, presets: compiled.presets, author, onChange: changeAuthor }) : null,
        h('nav', { class: 'tabs', role: 'tablist' }, tabs.map(([id, label]) => h('button', { role: 'tab', 'aria-selected': tab === id, class: tab === id ? 'active' : '', 'data-tab': id, onClick: () => setTab(id) }, label))),
        tab === 'preview' ? h('div', { class: 'panel preview', 'data-state': previewing ? 'running' : preview?.ok ? 'done' : 'idle' }, [
          previewing ? h('div', { class: 'busy' }, 'previewing…') : null,
          preview?.error ? h(ErrorBox, { error: preview.error }) : null,
          preview && preview.ok === false && preview.message ? h('div', { class: 'muted' }, preview.message) : null,
          preview?.ok ? h('div', { class: 'muted' }, `a run at scale ${Number(preview.scale?.toPrecision(3))} (at most 50,000 rows) in ${preview.serverSeconds?.toFixed(2)} s`) : null,
          ...(preview?.tables ?? []).map((t) => h(TablePreviewView, { t, key: t.table })),
        ]) : null,
        tab === 'graph' ? h('div', { class: 'panel graph-panel' }, tables ? [
          h('div', { class: 'legend' }, 'edges: parent — solid, lookup — dashed, effect — dotted, other reads — fine dots; click a table'),
          h('div', { class: 'graph-wrap' }, h(Graph, { tables, selected, onSelect: setSelected })),
          sel ? h('pre', { class: 'printout', 'data-table': sel.id }, sel.printout) : null,
        ] : h('div', { class: 'muted' }, 'the graph appears when the spec compiles')) : null,
        tab === 'generate' ? h('div', { class: 'panel generate-panel', 'data-state': g?.state ?? 'idle' }, [
          !g ? h('div', { class: 'muted' }, 'Generate runs the spec at full scale, then validates the file against it.') : null,
          g ? h('table', { class: 'progress' }, h('tbody', null, Object.entries(g.progress).map(([t, p]) => h('tr', { 'data-table': t }, [
            h('td', null, t), h('td', null, h('progress', { max: Math.max(1, p.total), value: p.rows })),
            h('td', { class: 'num' }, `${p.rows.toLocaleString('en-US')} / ${p.total.toLocaleString('en-US')}`),
            h('td', { class: 'num rate' }, p.seconds > 0 ? `${Math.round(p.rows / p.seconds).toLocaleString('en-US')} rows/s` : ''),
          ])))) : null,
          g?.state === 'running' ? h('div', { class: 'busy' }, [g.phase === 'validate' ? 'validating… ' : `generating… ${g.seconds.toFixed(1)} s `,
            h('button', { class: 'cancel-generate', onClick: () => void call('POST', '/api/generate/cancel', {}) }, 'Stop')]) : null,
          g?.state === 'failed' ? h(ErrorBox, { error: g.error ?? 'failed' }) : null,
          g?.state === 'done' && g.result ? h('div', { class: 'verdict' }, [
            h('div', { class: `score ${g.result.verdict ? 'good' : 'bad'}`, 'data-score': g.result.score }, `${g.result.verdict ? 'valid' : 'not valid'} · score ${g.result.score}`),
            h('div', { class: 'muted' }, `${g.result.rows.toLocaleString('en-US')} rows in ${g.result.seconds.toFixed(2)} s (${Math.round(g.result.rows / Math.max(0.001, g.result.seconds)).toLocaleString('en-US')} rows/s), ${g.result.labels} labels`),
            h('div', { class: 'downloads' }, [
              h('a', { href: '/api/download/generated.duckdb', download: '' }, 'DuckDB file'),
              h('a', { href: '/api/download/parquet.zip', download: '' }, 'Parquet (zip)'),
              h('a', { href: '/api/download/labels.jsonl', download: '' }, 'labels (JSONL)'),
              h('a', { href: '/api/download/labels.csv', download: '' }, 'labels (CSV)'),
            ]),
            h('iframe', { class: 'report', src: `/api/report.html?${g.seconds}`, sandbox: 'allow-scripts', title: 'validation report' }),
          ]) : null,
        ]) : null,
        tab === 'sql' ? h('div', { class: 'panel sql-panel' }, [
          state?.generated || g?.state === 'done' ? null : h('div', { class: 'muted' }, 'Generate first: the query runs on the generated file (read-only).'),
          h('textarea', { class: 'sql', rows: 4, value: sql, placeholder: `SELECT … FROM ${tables?.[0]?.id ?? '<table>'} LIMIT 10`, onInput: (e: Event) => setSql((e.target as HTMLTextAreaElement).value),
            onKeyDown: (e: KeyboardEvent) => (e.ctrlKey || e.metaKey) && e.key === 'Enter' && void runSql() }),
          h('button', { class: 'run-sql', onClick: () => void runSql() }, 'Run (Ctrl+Enter)'),
          sqlError ? h(ErrorBox, { error: sqlError }) : null,
          sqlResult ? h(RowsTable, { columns: sqlResult.columns, rows: sqlResult.rows, caption: `${sqlResult.rows.length}${sqlResult.more ? '+' : ''} rows` }) : null,
          sqlResult && quickChart(sqlResult.columns, sqlResult.types, sqlResult.rows) ? h(Chart, { spec: quickChart(sqlResult.columns, sqlResult.types, sqlResult.rows), label: 'query result chart' }) : null,
        ]) : null,
      ]),
    ]),
  ]);
}

render(h(App, null), document.getElementById('app')!);
