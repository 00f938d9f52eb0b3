import { ColumnData } from './column-data.ts';

/** Columns of generated tables that later tables read (lookups, effects, expressions). */
export interface TableStore {
  rows: number;
  columns: Map<string, ColumnData>;
}

export class Store {
  private readonly tables = new Map<string, TableStore>();

  set(table: string, entry: TableStore): void {
    this.tables.set(table, entry);
  }

  has(table: string): boolean {
    return this.tables.has(table);
  }

  table(table: string): TableStore {
    const t = this.tables.get(table);
    if (!t) throw new Error(`internal: table "${table}" was not generated before it was read`);
    return t;
  }

  column(table: string, column: string): ColumnData {
    const c = this.table(table).columns.get(column);
    if (!c) throw new Error(`internal: column "${table}.${column}" was not retained`);
    return c;
  }
}
