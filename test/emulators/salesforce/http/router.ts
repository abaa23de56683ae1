/** A small path router: literal segments, `:param` for one segment, `*param` for the rest. */

import type { RequestContext } from './context';

export type Handler = (ctx: RequestContext) => void | Promise<void>;

/** rest: versioned REST API (auth, quota, limit header); open: no session needed. */
export type RouteKind = 'rest' | 'open';

export interface Route {
  method: string;
  pattern: string;
  kind: RouteKind;
  handler: Handler;
  parts: string[];
}

export function route(method: string, pattern: string, kind: RouteKind, handler: Handler): Route {
  return { method, pattern, kind, handler, parts: pattern.split('/').filter(Boolean) };
}

export type Match = { route: Route; params: Record<string, string> } | { allowed: string[] } | null;

function matchParts(parts: string[], segments: string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k] as string;
    if (part.startsWith('*')) {
      if (k >= segments.length) return null;
      params[part.slice(1)] = segments.slice(k).join('/');
      return params;
    }
    const segment = segments[k];
    if (segment === undefined) return null;
    if (part.startsWith(':')) params[part.slice(1)] = segment;
    else if (part.toLowerCase() !== segment.toLowerCase()) return null;
  }
  return parts.length === segments.length ? params : null;
}

/** Splits a raw path into decoded segments; a trailing slash is ignored (`/query/?q=` works). */
export function segmentsOf(pathname: string): string[] | null {
  try {
    return pathname
      .split('/')
      .filter((s, k, all) => s !== '' || (k > 0 && k < all.length - 1))
      .map((s) => decodeURIComponent(s));
  } catch {
    return null;
  }
}

export function matchRoute(routes: Route[], method: string, segments: string[]): Match {
  const allowed: string[] = [];
  for (const candidate of routes) {
    const params = matchParts(candidate.parts, segments);
    if (!params) continue;
    if (candidate.method === method) return { route: candidate, params };
    allowed.push(candidate.method);
  }
  return allowed.length > 0 ? { allowed } : null;
}

/** The call counter's key: the pattern with the version placeholder spelled `vXX.X`. */
export function patternKey(pattern: string): string {
  return pattern.replace(':version', 'vXX.X');
}
