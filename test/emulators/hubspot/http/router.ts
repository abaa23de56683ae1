/**
 * A small path router. Patterns are `/`-separated with `:name` segments; the first registered match wins, so
 * literal routes are registered before parameterised ones. Every route names the kind of traffic it is, which
 * decides the pipeline it goes through (auth, scopes, rate limits, faults, counters).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TokenGrant } from '../auth/tokens';
import type { Portal } from '../state/portal';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** api: CRM/owner routes behind a bearer token. oauth: token endpoints. control: /_emulator/. page: HTML. */
export type RouteKind = 'api' | 'oauth' | 'control' | 'page';

export type BodyKind = 'json' | 'form' | 'none';

export type RateLimitClass = 'standard' | 'search';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  method: HttpMethod;
  path: string;
  url: URL;
  params: Record<string, string>;
  query: URLSearchParams;
  correlationId: string;
  rawBody: string;
  /** Parsed JSON body (json routes) or undefined. */
  body: unknown;
  /** Parsed form body (form routes). */
  form: URLSearchParams;
  /** Set on api routes once the bearer token is accepted. */
  grant?: TokenGrant;
  portal?: Portal | undefined;
  /** The counter key, e.g. `GET /crm/v3/objects/contacts/{objectId}`. */
  routeKey: string;
}

export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** An HTML page instead of JSON. */
  html?: string;
  /** A 302 to this location. */
  redirect?: string;
  /** A body passed through as is (the fetch proxy); its content type comes from `headers`. */
  raw?: string;
}

export type Handler = (ctx: RequestContext) => HandlerResult | Promise<HandlerResult>;

export interface RouteSpec {
  method: HttpMethod;
  pattern: string;
  kind: RouteKind;
  body?: BodyKind;
  /** Scopes for api routes: the caller needs at least one of them. */
  scopes?: (ctx: RequestContext) => string[];
  rateLimit?: RateLimitClass;
  handler: Handler;
}

interface CompiledRoute extends RouteSpec {
  segments: string[];
}

export interface RouteMatch {
  route: RouteSpec;
  params: Record<string, string>;
  routeKey: string;
}

// Parameters whose values are few and meaningful in a counter key (object types); the rest are ids.
const KEYED_PARAMS = new Set(['objectType', 'fromObjectType', 'toObjectType']);

export class Router {
  private readonly routes: CompiledRoute[] = [];

  add(spec: RouteSpec): void {
    this.routes.push({ ...spec, segments: splitPath(spec.pattern) });
  }

  match(method: string, path: string): RouteMatch | { allowed: HttpMethod[] } | null {
    const segments = splitPath(path);
    const allowed: HttpMethod[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      if (route.method !== method) {
        allowed.push(route.method);
        continue;
      }
      return { route, params, routeKey: `${route.method} ${keyOf(route.segments, params)}` };
    }
    return allowed.length > 0 ? { allowed } : null;
  }
}

function splitPath(path: string): string[] {
  return path.split('/').filter((segment) => segment.length > 0);
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | null {
  if (pattern.length !== actual.length) return null;
  const params: Record<string, string> = {};
  for (let index = 0; index < pattern.length; index += 1) {
    const expected = pattern[index] as string;
    const value = actual[index] as string;
    if (expected.startsWith(':')) {
      let decoded: string;
      try {
        decoded = decodeURIComponent(value);
      } catch {
        return null;
      }
      params[expected.slice(1)] = decoded;
    } else if (expected !== value) {
      return null;
    }
  }
  return params;
}

function keyOf(pattern: string[], params: Record<string, string>): string {
  return (
    '/' +
    pattern
      .map((segment) => {
        if (!segment.startsWith(':')) return segment;
        const name = segment.slice(1);
        return KEYED_PARAMS.has(name) ? (params[name] ?? segment) : `{${name}}`;
      })
      .join('/')
  );
}
