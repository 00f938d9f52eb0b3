import { describe, expect, it } from 'vitest';
import { renderDescription, severityOf, type LabelRow } from '../../../src/engine/labels.ts';
import { formatLabels, LABEL_COLUMNS, type Label } from '../../../src/sinks/labels.ts';

describe('label severity', () => {
  it('is the relative change |Δ| / |expected| banded at 0.1, 0.25 and 0.5; nulls are high, a change from 0 critical', () => {
    expect(severityOf(100, 109.99)).toBe('low');
    expect(severityOf(100, 90)).toBe('medium');
    expect(severityOf(-100, -124.99)).toBe('medium');
    expect(severityOf(100, 125)).toBe('high');
    expect(severityOf(100, 50.01)).toBe('high');
    expect(severityOf(100, 50)).toBe('critical');
    expect(severityOf(100, 300)).toBe('critical');
    expect(severityOf(0, 1)).toBe('critical');
    expect(severityOf(5, null)).toBe('high');
    expect(severityOf(null, 5)).toBe('high');
  });
});

describe('label descriptions', () => {
  const l: LabelRow = {
    table: 't', column: 'x', row: 7, rowKey: '1007', entityKey: null, kind: 'spike', level: 'cell', scenario: 's1', start: Date.parse('2025-03-05T00:00:00Z'), end: Date.parse('2025-03-06T00:00:00Z'),
    expected: 10, observed: 1 / 3, delta: 1 / 3 - 10, magnitude: 2, severity: 'critical', description: '',
  };
  it('fills the label\'s fields (numbers to 4 decimals, instants as ISO) and extra vars; unknown names stay', () => {
    expect(renderDescription('{scenario} {kind} {table}.{column} row {row} [{start}, {end}) {expected} → {observed} Δ{delta} ×{magnitude} {severity} {target_rate} {nope}', l, { target_rate: 0.42 }))
      .toBe('s1 spike t.x row 1007 [2025-03-05T00:00:00Z, 2025-03-06T00:00:00Z) 10 → 0.3333 Δ-9.6667 ×2 critical 0.42 {nope}');
  });
});

describe('label export', () => {
  const label: Label = {
    label_id: 1, scenario: null, kind: 'anomaly_spike', level: 'cell', table: 't', column: 'x', entity_key: null, row_key: '3', start: '2025-03-05T00:00:00.000Z', end: '2025-03-06T00:00:00.000Z',
    expected: 1.5, observed: 3, delta: 1.5, magnitude: 2, severity: 'critical', description: 'a "quoted", two-line\ntext', event_id: null,
  };
  it('jsonl: one object per line with the columns in order; csv: RFC 4180 quoting, nulls empty', () => {
    const jsonl = formatLabels([label, { ...label, label_id: 2 }], 'jsonl');
    expect(jsonl.split('\n')).toHaveLength(3);
    expect(Object.keys(JSON.parse(jsonl.split('\n')[0]))).toEqual(LABEL_COLUMNS);
    expect(JSON.parse(jsonl.split('\n')[1])).toEqual({ ...label, label_id: 2 });
    const csv = formatLabels([label], 'csv');
    expect(csv).toBe(`${LABEL_COLUMNS.join(',')}\n1,,anomaly_spike,cell,t,x,,3,2025-03-05T00:00:00.000Z,2025-03-06T00:00:00.000Z,1.5,3,1.5,2,critical,"a ""quoted"", two-line\ntext",\n`);
    expect(formatLabels([], 'jsonl')).toBe('');
  });
});
