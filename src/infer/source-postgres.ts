/** PostgreSQL sources (issue 21): being built; see src/infer/source.ts for the Source contract. */
import { SourceError, maskUrl, type Source } from './source.ts';

export async function openPostgres(url: string): Promise<Source> {
  throw new SourceError(`PostgreSQL sources are not supported yet (${maskUrl(url)})`, 'DG_SOURCE_FORMAT', 'export the tables to Parquet or a DuckDB file');
}
