/**
 * The studio's front door (docs/studio.md, "Security"). The server binds 127.0.0.1 only, but a page on any other
 * site can still make the browser send requests to it (DNS rebinding: evil.example resolving to 127.0.0.1, or
 * a cross-site POST). So every request must name the studio itself:
 *   - Host is `127.0.0.1:<port>` or `localhost:<port>` (a rebinding page's requests carry its own host name);
 *   - Origin, when the browser sends one, is `http://127.0.0.1:<port>` or `http://localhost:<port>`;
 *   - Sec-Fetch-Site, when sent, is `same-origin` or `none` (typed in the address bar);
 *   - a request that changes something (any method but GET/HEAD) comes from the page: Origin present and ours.
 * Refusals are 403 with a one-line JSON error; nothing behind the guard runs.
 */
import type { MiddlewareHandler } from 'hono';

export interface GuardVerdict { ok: boolean; why?: string }

/** Whether a request with these headers may reach the studio listening on `port`. */
export function checkRequest(method: string, headers: { host?: string | null; origin?: string | null; secFetchSite?: string | null }, port: number): GuardVerdict {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const host = (headers.host ?? '').toLowerCase();
  if (!hosts.has(host)) return { ok: false, why: `Host ${JSON.stringify(headers.host ?? '')} is not the studio's (127.0.0.1:${port})` };
  const origin = headers.origin?.toLowerCase();
  if (origin !== undefined && origin !== null && !(origin.startsWith('http://') && hosts.has(origin.slice('http://'.length)))) {
    return { ok: false, why: `Origin ${JSON.stringify(headers.origin)} is not the studio's (http://127.0.0.1:${port})` };
  }
  const site = headers.secFetchSite?.toLowerCase();
  if (site && site !== 'same-origin' && site !== 'none') return { ok: false, why: `a ${site} request (Sec-Fetch-Site) is not from the studio's page` };
  if (method !== 'GET' && method !== 'HEAD' && !origin) return { ok: false, why: `${method} requests come from the studio's page (an Origin header is required)` };
  return { ok: true };
}

/** Hono middleware: the check above, plus headers that keep the page to itself. */
export function guard(port: () => number): MiddlewareHandler {
  return async (c, next) => {
    const v = checkRequest(c.req.method, { host: c.req.header('host'), origin: c.req.header('origin'), secFetchSite: c.req.header('sec-fetch-site') }, port());
    if (!v.ok) return c.json({ error: { code: 'DG_STUDIO_REFUSED', message: v.why, hint: `open the studio at http://127.0.0.1:${port()}/` } }, 403);
    await next();
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'no-referrer');
    c.header('Cross-Origin-Resource-Policy', 'same-origin');
    c.header('Cache-Control', 'no-store');
  };
}
