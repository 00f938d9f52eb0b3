/**
 * The evidence of `datagen infer` as JSON (machine-readable) and as a self-contained HTML page (no script, no
 * request: inline CSS only), like the validate report. What it shows is described in docs/infer.md#the-report.
 */
import { VERSION } from '../version.ts';
import type { InferEvidence, InferResult } from './infer.ts';

/** The JSON evidence file: `{"datagenInfer": <version>, ...evidence}`. */
export function evidenceJson(r: InferResult): string {
  return JSON.stringify({ datagenInfer: VERSION, ...r.evidence }, null, 2) + '\n';
}

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const pct = (x: number | undefined) => (x === undefined ? '' : `${(x * 100).toFixed(x >= 0.999 && x < 1 ? 2 : 1)} %`);
const fmt = (x: number | undefined) => (x === undefined || x === null ? '' : Math.abs(x) >= 1000 ? Math.round(x).toLocaleString('en-US') : String(Math.round(x * 10000) / 10000));

function table(head: string[], rows: string[][], cls = ''): string {
  if (!rows.length) return '<p class="none">none</p>';
  return `<table class="${cls}"><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

/** A bar chart of children per parent (inline SVG): how many parents have 0, 1, 2, … children (the last bar: ≥). */
function fanoutBars(ev: NonNullable<InferEvidence['tables'][number]['fanout']>): string {
  const counts = ev.histogram;
  if (!counts.length) return '';
  const max = Math.max(...counts);
  const w = 14;
  const h = 60;
  const bars = counts.map((c, i) => `<rect x="${i * w}" y="${h - (max ? (c / max) * h : 0)}" width="${w - 2}" height="${max ? (c / max) * h : 0}"><title>${i === counts.length - 1 ? '≥ ' : ''}${i} children: ${c} parents</title></rect>`).join('');
  return `<svg class="bars" width="${counts.length * w}" height="${h}" role="img" aria-label="parents by number of children">${bars}</svg>`;
}

export function renderInferHtml(r: InferResult): string {
  const e = r.evidence;
  const parts: string[] = [];
  parts.push(`<h1>datagen infer</h1><p class="meta">source <code>${esc(e.source.location)}</code> (${esc(e.source.kind)}) · sample ${fmt(e.options.sample)} rows per table · literals need ≥ ${e.options.minCount} rows · datagen ${esc(VERSION)}</p>`);
  if (e.specDiagnostics.length) parts.push(`<div class="bad"><b>The spec does not compile</b> (a bug of infer: please report it):<ul>${e.specDiagnostics.map((d) => `<li>${esc(d)}</li>`).join('')}</ul></div>`);
  if (e.warnings.length) parts.push(`<div class="warn"><b>Warnings</b><ul>${e.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></div>`);

  parts.push('<h2>Tables</h2>');
  parts.push(table(['table', 'rows', 'node', 'why', 'primary parent', 'fanout'], e.tables.map((t) => [
    `<a href="#t-${esc(t.table)}">${esc(t.table)}</a>`, fmt(t.rows), esc(t.node.kind), esc(t.node.why),
    t.primaryParent ? `${esc(t.primaryParent.table)} via <code>${esc(t.primaryParent.column)}</code> (${esc(t.primaryParent.why)})` : '',
    t.fanout ? `<code>${esc(JSON.stringify(t.fanout.fanout))}</code><br>mean ${fmt(t.fanout.mean)}, ${fmt(t.fanout.zeros)} of ${fmt(t.fanout.parents)} parents without children` : '',
  ])));

  parts.push('<h2>Keys</h2><h3>Primary keys</h3>');
  parts.push(table(['table', 'column', 'declared', 'score', 'evidence'], e.keys.primaryKeys.map((k) => [esc(k.table), `<code>${esc(k.column)}</code>`, k.declared ? 'yes' : 'no', fmt(k.evidence.score), esc(`${fmt(k.evidence.distinct)} distinct of ${fmt(k.evidence.rows)} rows; ${k.evidence.reasons.join(', ')}`)])));
  parts.push('<h3>Foreign keys</h3>');
  parts.push(table(['from', 'to', 'declared', 'coverage (rows)', 'coverage (values)', 'child / parent distinct', 'name similarity', 'score', 'evidence'], e.keys.foreignKeys.map((f) => [
    `<code>${esc(f.table)}.${esc(f.column)}</code>`, `<code>${esc(f.refTable)}.${esc(f.refColumn)}</code>`, f.declared ? 'yes' : 'no', pct(f.evidence.coverage), pct(f.evidence.distinctCoverage),
    `${fmt(f.evidence.childDistinct)} / ${fmt(f.evidence.parentDistinct)}`, fmt(f.evidence.nameSimilarity), fmt(f.evidence.score), esc(f.evidence.reasons.join(', ')),
  ])));
  parts.push(`<details><summary>Candidates not kept (${e.keys.rejected.length})</summary>${table(['from', 'to', 'why', 'coverage', 'score'], e.keys.rejected.map((x) => [
    `<code>${esc(x.table)}.${esc(x.column)}</code>`, `<code>${esc(x.refTable)}.${esc(x.refColumn)}</code>`, esc(x.reason), pct(x.coverage), fmt(x.score),
  ]))}</details>`);

  parts.push('<h2>Exact dependencies</h2>');
  parts.push(table(['table', 'determined by', 'columns', 'emitted as', 'evidence'], e.dependencies.map((d) => {
    const lt = e.lookupTables.find((l) => l.table === d.table && l.determinants.join() === d.determinants.join());
    const how = d.via === 'parent' ? 'lookups of the parent' : lt ? `lookup table <code>${esc(lt.id)}</code>: ${fmt(lt.kept)} of ${fmt(lt.combinations)} combinations (those with ≥ ${e.options.minCount} rows; ${pct(lt.keptRows / lt.rows)} of rows)` : 'not emitted (see warnings)';
    return [esc(d.table), esc(d.determinants.join(', ')), esc(d.dependents.join(', ')), how, esc(d.evidence.note)];
  })));
  parts.push('<h3>Time inequalities</h3>');
  parts.push(table(['table', 'inequality', 'rows checked', 'equal'], e.inequalities.map((q) => [esc(q.table), `<code>${esc(q.left)} ${esc(q.op)} ${esc(q.right)}</code>`, fmt(q.evidence.rows), fmt(q.evidence.equal)])));

  for (const t of e.tables) {
    parts.push(`<h2 id="t-${esc(t.table)}">${esc(t.table)}</h2><p class="meta">${fmt(t.rows)} rows, ${fmt(t.sampleRows)} sampled · ${esc(t.node.kind)}: ${esc(t.node.why)}</p>`);
    if (t.fanout) {
      parts.push(`<p>Children per <b>${esc(t.primaryParent?.table)}</b> row: <code>${esc(JSON.stringify(t.fanout.fanout))}</code> — ${esc(t.fanout.evidence.family)}${t.fanout.evidence.ks !== undefined ? `, KS ${fmt(t.fanout.evidence.ks)}` : ''}${t.fanout.evidence.runnerUp ? `; runner-up ${esc(t.fanout.evidence.runnerUp.family)}${t.fanout.evidence.runnerUp.ks !== undefined ? ` (KS ${fmt(t.fanout.evidence.runnerUp.ks)})` : ''}` : ''}${t.fanout.evidence.note ? ` — ${esc(t.fanout.evidence.note)}` : ''}</p>`);
      parts.push(fanoutBars(t.fanout));
    }
    if (t.added?.length) {
      parts.push(`<p>Hidden columns infer added: ${t.added.map((a) => `<code>${esc(a.name)}</code> (<code>${esc(a.generator)}</code>) — ${esc(a.why)}`).join('; ')}</p>`);
    }
    parts.push(table(['column', 'source type', 'null rate', 'distinct', 'role', 'generator', 'family', 'n', 'score (1 − KS/TVD)', 'BIC', 'runner-up', 'note'], t.columns.map((c) => [
      `<code>${esc(c.name)}</code>`, esc(c.sqlType) + (c.storedAs ? ` <span class="tag">date stored as ${esc(c.storedAs)}</span>` : ''), pct(c.nullRate), fmt(c.distinct),
      c.role === 'todo' ? '<span class="tag bad">TODO</span>' : esc(c.role), `<code>${esc(c.generator)}</code>`, esc(c.fit?.family), fmt(c.fit?.n), fmt(c.fit?.score), fmt(c.fit?.bic),
      c.fit?.runnerUp ? esc(`${c.fit.runnerUp.family}${c.fit.runnerUp.ks !== undefined ? ` (KS ${fmt(c.fit.runnerUp.ks)})` : ''}`) : '', esc(c.note ?? c.fit?.note ?? ''),
    ]), 'cols'));
  }
  parts.push('<h2>Privacy</h2><p>No source row is copied into the spec: a category, a lookup-table row or a fanout count is written only when at least '
    + `${e.options.minCount} source rows hold it; rarer values and free text become faker or pattern generators; columns that look like personal data (names, e-mails, phones, addresses, IPs, IBANs, card numbers) become faker generators; keys are renumbered.</p>`);

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>datagen infer — ${esc(e.source.location)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px auto;max-width:1280px;padding:0 16px;color:#1d2230}
h1{margin:0 0 4px}h2{margin-top:32px;border-bottom:1px solid #dde1ea;padding-bottom:4px}
.meta{color:#5b6376}code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f3f5f9;padding:1px 3px;border-radius:3px}
table{border-collapse:collapse;margin:8px 0;width:100%}th,td{border-bottom:1px solid #e6e9f0;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f7f8fb;font-weight:600}table.cols td:nth-child(n+3):nth-child(-n+4),table.cols td:nth-child(n+8):nth-child(-n+10){text-align:right}
.tag{font-size:11px;background:#e8eefc;border-radius:3px;padding:0 4px}.tag.bad{background:#fde2e2}
.warn{background:#fff7e0;border:1px solid #f0d48a;padding:8px 12px;border-radius:6px;margin:12px 0}
.bad{background:#fdecec;border:1px solid #eaa;padding:8px 12px;border-radius:6px;margin:12px 0}
.none{color:#8a90a0}.bars rect{fill:#4c78a8}details{margin:8px 0}
</style></head><body>
${parts.join('\n')}
</body></html>
`;
}
