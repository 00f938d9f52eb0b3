/* The foreign keys compare reads from a spec (docs/compare.md#keys), and how the spec's and the source's merge. */
import { describe, expect, it } from 'vitest';
import { keysFromSpec, mergeKeys } from '../../../src/compare/keys.ts';

const lookup = (from: string, extra: Record<string, unknown> = {}) => ({ lookup: { from, ...extra } });

describe('keysFromSpec', () => {
  const doc = {
    nodes: [
      { id: 'users', kind: 'entity', pk: 'user_id', columns: [{ name: 'user_id' }, { name: 'country' }] },
      { id: 'merchants', kind: 'entity', pk: 'merchant_id', columns: [{ name: 'merchant_id' }, { name: 'category' }] },
      {
        id: 'orders', kind: 'fact', pk: 'order_id', parents: ['users'],
        columns: [
          { name: 'order_id' },
          { name: 'user_id', generator: lookup('users.user_id') },
          { name: 'country', generator: lookup('users.country') }, // a copied value, not a key
          { name: 'merchant_id', generator: lookup('merchants.merchant_id', { on: { category: 'category' } }) },
          { name: 'vendor', generator: lookup('vendors.vendor_id') }, // a node the spec does not have
        ],
      },
      { id: 'employee', kind: 'entity', pk: 'employee_id', columns: [{ name: 'employee_id' }, { name: 'manager_id', generator: lookup('employee.employee_id') }] },
    ],
  };

  it('a lookup of another node\'s primary key is a foreign key, a lookup of any other column is not', () => {
    const keys = keysFromSpec(doc);
    expect([...keys.pk]).toEqual([['users', 'user_id'], ['merchants', 'merchant_id'], ['orders', 'order_id'], ['employee', 'employee_id']]);
    expect(keys.fks.map((f) => `${f.table}.${f.column} → ${f.refTable}.${f.refColumn}`)).toEqual([
      'orders.user_id → users.user_id', 'orders.merchant_id → merchants.merchant_id', 'employee.manager_id → employee.employee_id',
    ]);
    expect(keys.fks.every((f) => f.origin === 'spec')).toBe(true);
  });

  it('anything that is not a spec has no keys', () => {
    for (const x of [null, 3, [], {}, { nodes: 'x' }, { nodes: [null, { id: 'a', columns: [{ generator: null }] }] }]) expect(keysFromSpec(x).fks).toEqual([]);
  });
});

describe('mergeKeys', () => {
  it('the first set wins for a column; the second adds the columns and primary keys the first lacks', () => {
    const spec = { pk: new Map([['airports', 'iata']]), fks: [{ table: 'flights', column: 'origin', refTable: 'airports', refColumn: 'iata', origin: 'spec' as const }] };
    const found = {
      pk: new Map([['airports', 'code'], ['planes', 'tail']]),
      fks: [
        { table: 'flights', column: 'origin', refTable: 'airports', refColumn: 'code', origin: 'found' as const },
        { table: 'flights', column: 'destination', refTable: 'airports', refColumn: 'iata', origin: 'found' as const },
      ],
    };
    const merged = mergeKeys(spec, found);
    expect([...merged.pk]).toEqual([['airports', 'iata'], ['planes', 'tail']]);
    expect(merged.fks.map((f) => `${f.column}:${f.refColumn}:${f.origin}`)).toEqual(['origin:iata:spec', 'destination:iata:found']);
  });
});
