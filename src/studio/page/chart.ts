/** A Vega-Lite chart in a Preact component (vega-embed, SVG renderer, no action menu: nothing leaves the page). */
import { h, type VNode } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import embed from 'vega-embed';

export function Chart(props: { spec: unknown; label: string }): VNode<any> {
  const ref = useRef<HTMLDivElement>(null);
  const key = JSON.stringify(props.spec);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let finalize: (() => void) | undefined;
    let stale = false;
    el.removeAttribute('data-rendered');
    embed(el, props.spec as never, { actions: false, renderer: 'svg' }).then((r) => {
      if (stale) return r.finalize();
      finalize = () => r.finalize();
      el.setAttribute('data-rendered', '1');
    }, (e: Error) => {
      el.textContent = `chart failed: ${e.message}`;
    });
    return () => {
      stale = true;
      finalize?.();
    };
  }, [key]);
  return h('div', { class: 'chart', ref, role: 'img', 'aria-label': props.label });
}

/** A quick chart of a query result: bars (or a line over time) of the first numeric column by the first other. */
export function quickChart(columns: string[], types: string[], rows: unknown[][]): unknown | null {
  const numeric = (t: string) => /INT|DOUBLE|FLOAT|DECIMAL|REAL|NUMERIC/i.test(t);
  const y = types.findIndex(numeric);
  const x = types.findIndex((t, i) => i !== y && !numeric(t));
  if (y < 0 || x < 0 || rows.length < 2 || rows.length > 500) return null;
  const temporal = /DATE|TIME/i.test(types[x]);
  const values = rows.map((r) => ({ x: r[x], y: r[y] }));
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: 420, height: 180, data: { values },
    mark: temporal ? { type: 'line', point: true, tooltip: true } : { type: 'bar', tooltip: true, color: '#2563eb' },
    encoding: {
      x: temporal ? { field: 'x', type: 'temporal', title: columns[x] } : { field: 'x', type: 'nominal', title: columns[x], sort: null, axis: { labelLimit: 120 } },
      y: { field: 'y', type: 'quantitative', title: columns[y] },
    },
  };
}
