/**
 * The compiled plan's tables as a dependency graph: dagre lays the tables out left to right (parents before
 * children), drawn as SVG. Edges: primary parent (solid), lookup (dashed), effect (dotted), other reads (thin).
 * A node shows the table, its kind and estimated rows; clicking it selects it (its printout shows below).
 */
import dagre from '@dagrejs/dagre';
import { h, type VNode } from 'preact';
import type { TableInfo } from './api.ts';

const NODE_W = 200;
const NODE_H = 46;
const KIND_COLOUR: Record<string, string> = { entity: '#2563eb', fact: '#0f766e', vocab: '#9333ea' };

export const fmtRows = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)} M` : Math.round(n).toLocaleString('en-US'));

function layout(tables: TableInfo[]) {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 56, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const t of tables) g.setNode(t.id, { width: NODE_W, height: NODE_H });
  const ids = new Set(tables.map((t) => t.id));
  for (const t of tables) for (const d of t.dependsOn) if (ids.has(d.table)) g.setEdge(d.table, t.id, { how: d.how }, `${d.table}->${t.id}`);
  dagre.layout(g);
  const nodes = tables.map((t) => ({ t, x: g.node(t.id).x, y: g.node(t.id).y }));
  const edges = g.edges().map((e: { v: string; w: string; name?: string }) => ({ from: e.v, to: e.w, how: (g.edge(e) as { how: string }).how, points: (g.edge(e) as { points: { x: number; y: number }[] }).points }));
  const graph = g.graph();
  return { nodes, edges, width: (graph.width ?? 0) + 16, height: (graph.height ?? 0) + 16 };
}

export function Graph(props: { tables: TableInfo[]; selected: string | null; onSelect: (id: string) => void }): VNode<any> {
  const { nodes, edges, width, height } = layout(props.tables);
  const dash: Record<string, string> = { parent: '', lookup: '6 4', effect: '2 3', reads: '1 3' };
  return h('svg', { class: 'graph', width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-label': 'tables and their dependencies' }, [
    h('defs', null, h('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, h('path', { d: 'M0,0 L10,5 L0,10 z', fill: '#64748b' }))),
    ...edges.map((e: (typeof edges)[number]) => h('path', {
      class: `edge ${e.how}`, 'data-from': e.from, 'data-to': e.to, 'data-how': e.how,
      d: e.points.map((p: { x: number; y: number }, i: number) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' '),
      fill: 'none', stroke: '#64748b', 'stroke-width': e.how === 'parent' ? 1.8 : 1.2, 'stroke-dasharray': dash[e.how] || undefined, 'marker-end': 'url(#arrow)',
    }, h('title', null, `${e.to} ← ${e.from} (${e.how})`))),
    ...nodes.map(({ t, x, y }) => h('g', {
      class: `node${props.selected === t.id ? ' selected' : ''}`, 'data-table': t.id, transform: `translate(${x - NODE_W / 2},${y - NODE_H / 2})`,
      onClick: () => props.onSelect(t.id), tabIndex: 0, role: 'button', 'aria-label': `table ${t.id}`,
      onKeyDown: (ev: KeyboardEvent) => (ev.key === 'Enter' || ev.key === ' ') && props.onSelect(t.id),
    }, [
      h('rect', { width: NODE_W, height: NODE_H, rx: 6, fill: '#fff', stroke: KIND_COLOUR[t.kind] ?? '#475569', 'stroke-width': props.selected === t.id ? 3 : 1.5 }),
      h('rect', { width: 6, height: NODE_H, rx: 3, fill: KIND_COLOUR[t.kind] ?? '#475569' }),
      h('text', { x: 14, y: 19, class: 'node-id' }, t.id),
      h('text', { x: 14, y: 36, class: 'node-rows' }, `${t.kind} · level ${t.level} · ~${fmtRows(t.estimatedRows)} rows`),
    ])),
  ]);
}
