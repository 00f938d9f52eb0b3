/**
 * The spec editor: CodeMirror 6 with JSON, completion and hover docs from the spec's JSON Schema
 * (codemirror-json-schema) and datagen's own diagnostics as lint (the server compiles the text ~300 ms after the
 * last keystroke and answers what `datagen compile` prints, at line:col).
 */
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { json, jsonLanguage } from '@codemirror/lang-json';
import { bracketMatching, defaultHighlightStyle, foldGutter, indentOnInput, syntaxHighlighting, syntaxTree } from '@codemirror/language';
import { type Diagnostic as CmDiagnostic, lintGutter, linter } from '@codemirror/lint';
import { EditorState, type Text } from '@codemirror/state';
import { drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, hoverTooltip, keymap, lineNumbers } from '@codemirror/view';
import { disableErrorLogging } from 'best-effort-json-parser';
import * as jsonSchemaExtensions from 'codemirror-json-schema';
import type { Extension } from '@codemirror/state';

const { jsonCompletion, jsonSchemaHover } = jsonSchemaExtensions;
// codemirror-json-schema reads half-typed JSON with best-effort-json-parser, which logs every incomplete text as a
// console error; the text's real problems are datagen's diagnostics.
disableErrorLogging();
// Re-exported with `export *` from an extensionless path, which TypeScript's NodeNext resolution does not follow.
const { stateExtensions } = jsonSchemaExtensions as unknown as { stateExtensions: (schema?: object) => Extension[] };
type JSONSchema7 = object;
import type { Diagnostic } from './api.ts';

/** Offset of a 1-based line:column in the document (clamped to it). */
function offsetOf(doc: Text, line: number, column: number): number {
  const l = doc.line(Math.max(1, Math.min(doc.lines, line)));
  return Math.min(l.to, l.from + Math.max(0, column - 1));
}

/** Where a diagnostic is underlined: from its position to the end of the smallest JSON value or key starting there. */
function range(view: EditorView, d: Diagnostic): { from: number; to: number } {
  const doc = view.state.doc;
  const from = offsetOf(doc, d.line, d.column);
  let node = syntaxTree(view.state).resolveInner(from, 1);
  while (node.parent && node.parent.from === from && node.parent.to - from < 200) node = node.parent;
  const to = node.from === from && node.to > from ? node.to : Math.min(doc.length, Math.max(from + 1, doc.lineAt(from).to));
  return { from, to: Math.max(from + 1, Math.min(to, doc.length)) };
}

export interface EditorHooks {
  /** Compile the text; resolves to its diagnostics (the hook also updates the rest of the page). */
  check(text: string): Promise<Diagnostic[]>;
  changed(text: string): void;
}

export function createEditor(parent: HTMLElement, text: string, schema: JSONSchema7 | undefined, hooks: EditorHooks): EditorView {
  const lint = linter(async (view) => {
    const diags = await hooks.check(view.state.doc.toString());
    // Problems in included or preset files are listed below the editor, not underlined in this text.
    return diags.filter((d) => !d.file).map((d): CmDiagnostic => ({
      ...range(view, d),
      severity: d.severity === 'error' ? 'error' : 'warning',
      source: d.code,
      message: `${d.message}${d.hint ? ` (hint: ${d.hint})` : ''}`,
    }));
  }, { delay: 300 });
  return new EditorView({
    parent,
    state: EditorState.create({
      doc: text,
      extensions: [
        lineNumbers(), highlightActiveLineGutter(), foldGutter(), history(), drawSelection(), indentOnInput(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }), bracketMatching(), closeBrackets(), highlightActiveLine(),
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap, indentWithTab]),
        json(),
        autocompletion(),
        jsonLanguage.data.of({ autocomplete: jsonCompletion() }),
        hoverTooltip(jsonSchemaHover()),
        stateExtensions(schema),
        lintGutter(),
        lint,
        EditorView.updateListener.of((u) => {
          if (u.docChanged) hooks.changed(u.state.doc.toString());
        }),
        EditorView.theme({ '&': { height: '100%' }, '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace', fontSize: '13px' } }),
      ],
    }),
  });
}

/** Replace the whole text (a file opened): a new state keeps no undo history of the previous file. */
export function setText(view: EditorView, text: string): void {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}
