/** The page's calls to its server (same origin; the browser adds the Origin header the server checks). */

export interface Diagnostic { severity: 'error' | 'warning'; code: string; path: string; message: string; hint: string; line: number; column: number; file?: string }
export interface TableInfo {
  id: string; kind: string; level: number; pk: string | null; estimatedRows: number;
  dependsOn: { table: string; how: 'parent' | 'lookup' | 'effect' | 'reads' }[];
  columns: { name: string; type: string }[];
  printout: string;
}
export interface CompileAnswer { diagnostics: Diagnostic[]; ok: boolean; tables: TableInfo[] | null; params: Record<string, unknown> | null; presets: { name: string; description: string }[] }
interface ColumnProfile {
  name: string; type: string; nulls: number; distinct: number; distinctApprox?: boolean;
  min?: number | string | null; max?: number | string | null; mean?: number | null; chart: unknown;
}
export interface TablePreview { table: string; rows: number; columns: string[]; types: string[]; firstRows: unknown[][]; profiles: ColumnProfile[] }
export interface PreviewAnswer { ok?: boolean; cancelled?: boolean; message?: string; scale?: number; seconds?: number; serverSeconds?: number; tables?: TablePreview[]; error?: ApiError }
export interface ApiError { code: string; message: string; hint: string }
export interface Generation {
  state: 'running' | 'done' | 'failed';
  progress: Record<string, { rows: number; total: number; seconds: number }>;
  phase: 'generate' | 'validate';
  seconds: number;
  result?: { rows: number; seconds: number; tables: { table: string; rows: number; seconds: number }[]; score: number; verdict: boolean; labels: number; bytes: number };
  error?: ApiError;
}

export class RequestFailed extends Error {
  constructor(readonly status: number, readonly error: ApiError) {
    super(`${error.code}: ${error.message}${error.hint ? ` (hint: ${error.hint})` : ''}`);
  }
}

export async function call<T>(method: string, url: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const r = await fetch(url, { method, signal, headers: body === undefined ? {} : { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await r.json();
  if (!r.ok || data?.error) throw new RequestFailed(r.status, data.error ?? { code: `HTTP_${r.status}`, message: r.statusText, hint: '' });
  return data as T;
}
