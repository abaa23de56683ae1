/** What a handler sees of one request, and the small set of ways it answers. */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Session } from '../auth/oauth-store';
import { errors, SfError } from '../core/errors';
import type { Fault } from '../core/faults';
import type { Org } from '../core/org';
import type { EmulatorState } from '../core/state';
import type { WriteContext } from '../data/dml';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  /** After the `_HttpMethod` override Salesforce honours on POST. */
  method: string;
  url: URL;
  params: Record<string, string>;
  /** `METHOD /pattern`, the key of the call counter. */
  routeKey: string;
  routePattern: string;
  body: Buffer;
  state: EmulatorState;
  baseUrl: string;
  org: Org | null;
  session: Session | null;
  /** API version of a /services/data/vXX.X call, e.g. `62.0`. */
  version: string;
  /** A DML fault armed for this call (collections apply it per record). */
  fault: Fault | null;
  /**
   * The object(s) the call touched when the route does not name one (`Contact`, or `Contact+Lead` for a
   * collection of both): a query's FROM, a collection's record types. Counted beside the route.
   */
  callObject?: string | undefined;
}

export const JSON_TYPE = 'application/json;charset=UTF-8';

function limitHeader(ctx: RequestContext): Record<string, string> {
  if (!ctx.org || !ctx.routePattern.startsWith('/services/data/vXX.X')) return {};
  const used = ctx.org.usage.used(ctx.state.nowMs());
  return { 'Sforce-Limit-Info': `api-usage=${used}/${ctx.org.settings.dailyApiLimit}` };
}

export function sendJson(
  ctx: RequestContext,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (ctx.res.headersSent) return;
  const text = JSON.stringify(body);
  ctx.res.writeHead(status, {
    'Content-Type': JSON_TYPE,
    'Content-Length': Buffer.byteLength(text),
    ...limitHeader(ctx),
    ...headers,
  });
  ctx.res.end(text);
}

export function sendEmpty(ctx: RequestContext, status: number, headers: Record<string, string> = {}): void {
  if (ctx.res.headersSent) return;
  ctx.res.writeHead(status, { ...limitHeader(ctx), ...headers });
  ctx.res.end();
}

export function sendText(ctx: RequestContext, status: number, contentType: string, text: string): void {
  if (ctx.res.headersSent) return;
  ctx.res.writeHead(status, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    ...limitHeader(ctx),
  });
  ctx.res.end(text);
}

export function sendError(ctx: RequestContext, error: SfError): void {
  sendJson(ctx, error.httpStatus, [error.toBody()]);
}

/** The JSON body of a REST call, with Salesforce's error for malformed JSON. */
export function jsonBody(ctx: RequestContext): unknown {
  const text = ctx.body.toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch (error) {
    throw errors.jsonParser(`Unexpected character in JSON body: ${(error as Error).message}`);
  }
}

export function jsonObjectBody(ctx: RequestContext): Record<string, unknown> {
  const body = jsonBody(ctx);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw errors.jsonParser('Cannot deserialize instance of SObject from START_ARRAY token');
  }
  return body as Record<string, unknown>;
}

/** The authenticated org of a REST call (the pipeline guarantees one). */
export function orgOf(ctx: RequestContext): Org {
  if (!ctx.org) throw new SfError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
  return ctx.org;
}

/** Writes made by a REST call are attributed to the session's user, at second precision. */
export function writeContextOf(ctx: RequestContext): WriteContext {
  const org = orgOf(ctx);
  const nowMs = ctx.state.nowMs();
  return { org, actorId: ctx.session?.userId ?? '', nowMs: nowMs - (nowMs % 1000), ids: ctx.state.ids };
}
