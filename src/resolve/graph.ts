import graphlib from '@dagrejs/graphlib';
import { diag, type Diagnostic, pointer } from '../diagnostics/diagnostic.ts';
import type { Json } from '../spec/json.ts';

const { Graph, alg } = graphlib;

export interface Resolution {
  /** Tables per level; level k depends only on levels < k; declared order inside a level. */
  levels: string[][];
  levelOf: Map<string, number>;
}

/**
 * Build the table dependency graph (parents, lookups, choices_ref, effect tables, picks), report
 * cycles by naming them, and assign levels (longest path from the roots). Deterministic: ties
 * are broken by the order nodes are declared in.
 */
export function resolveGraph(tables: { id: string; dependsOn: string[] }[], declared: string[], diags: Diagnostic[]): Resolution | undefined {
  const g = new Graph({ directed: true });
  for (const t of tables) g.setNode(t.id);
  for (const t of tables) for (const d of t.dependsOn) if (g.hasNode(d)) g.setEdge(d, t.id);
  const cycles = alg.findCycles(g);
  if (cycles.length > 0) {
    for (const cycle of cycles) {
      const ordered = [...cycle].sort((a, b) => declared.indexOf(a) - declared.indexOf(b));
      const path = ordered.map((id) => id);
      diags.push(diag('DG_CYCLE', pointer('nodes', declared.indexOf(ordered[0])), `tables depend on each other in a cycle: ${[...path, path[0]].join(' → ')}`, 'a table can only read tables generated before it: remove one lookup/parent/effect of the cycle'));
    }
    return undefined;
  }
  const levelOf = new Map<string, number>();
  for (const id of alg.topsort(g)) {
    const preds = (g.predecessors(id) ?? []) as string[];
    levelOf.set(id, preds.length ? Math.max(...preds.map((p) => levelOf.get(p)! + 1)) : 0);
  }
  const levels: string[][] = [];
  for (const id of declared) {
    if (!levelOf.has(id)) continue;
    const l = levelOf.get(id)!;
    (levels[l] ??= []).push(id);
  }
  return { levels, levelOf };
}

/** An explicit `dag` is checked against the dependencies, never trusted. */
export function checkDag(dag: Json, tables: { id: string; dependsOn: string[] }[], diags: Diagnostic[]): void {
  if (dag === undefined) return;
  if (!Array.isArray(dag)) return;
  const levelIn = new Map<string, number>();
  dag.forEach((level: Json, i: number) => {
    (Array.isArray(level) ? level : [level]).forEach((id: Json, j: number) => {
      if (levelIn.has(id)) diags.push(diag('DG_DAG_MISMATCH', pointer('dag', i, j), `"${id}" appears twice in dag`, 'list each node once'));
      levelIn.set(id, i);
      if (!tables.some((t) => t.id === id)) diags.push(diag('DG_UNKNOWN_TABLE', pointer('dag', i, j), `dag names "${id}", which is not a node`, 'remove it from dag'));
    });
  });
  for (const t of tables) {
    const own = levelIn.get(t.id);
    if (own === undefined) {
      diags.push(diag('DG_DAG_MISMATCH', pointer('dag'), `dag does not list node "${t.id}"`, 'add it to the level after its dependencies, or remove "dag" (datagen computes it)'));
      continue;
    }
    for (const d of t.dependsOn) {
      const dl = levelIn.get(d);
      if (dl !== undefined && dl >= own) {
        diags.push(diag('DG_DAG_MISMATCH', pointer('dag', own), `dag puts "${t.id}" at level ${own} but it depends on "${d}" at level ${dl}`, `move "${t.id}" to a level after ${dl}, or remove "dag"`));
      }
    }
  }
}
