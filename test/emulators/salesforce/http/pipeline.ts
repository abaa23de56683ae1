/**
 * What every API call goes through before its handler: the latency knob, routing (with the
 * `_HttpMethod` override), for the versioned REST API the version check, the session, the daily
 * quota, then armed faults; and after it, the call counter.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors, SfError } from '../core/errors';
import type { Fault } from '../core/faults';
import type { EmulatorState } from '../core/state';
import { NEWEST_VERSION, OLDEST_VERSION, RETIRED_FROM } from '../routes/versions';
import type { RequestContext } from './context';
import { sendError, sendJson, sendText } from './context';
import type { Route } from './router';
import { matchRoute, patternKey, segmentsOf } from './router';

const MAX_BODY_BYTES = 64 * 1024 * 1024;

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function checkVersion(ctx: RequestContext): void {
  const match = /^v(\d+)\.0$/.exec(ctx.params.version ?? '');
  const major = match ? Number(match[1]) : NaN;
  if (major >= RETIRED_FROM && major < OLDEST_VERSION) {
    throw new SfError(410, 'GONE', `API version ${major}.0 is no longer supported`);
  }
  if (!(major >= OLDEST_VERSION && major <= NEWEST_VERSION)) throw errors.notFound();
  ctx.version = `${major}.0`;
}

function authenticate(ctx: RequestContext): void {
  const header = ctx.req.headers.authorization ?? '';
  const token = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(header.trim())?.[1];
  const peek = token ? ctx.state.oauth.peekSession(token) : undefined;
  const org = peek ? ctx.state.orgs.get(peek.orgId) : undefined;
  const session =
    token && org
      ? ctx.state.oauth.useSession(token, ctx.state.nowMs(), org.settings.accessTokenTtlMs)
      : undefined;
  if (!session || !org || org.get(session.userId)?.fields.IsActive !== true) throw errors.invalidSession();
  if (!session.scope.some((s) => s === 'api' || s === 'full' || s === 'web')) {
    throw errors.invalidSession('This session is not valid for use with the REST API');
  }
  ctx.org = org;
  ctx.session = session;
  org.purgeBin(ctx.state.nowMs() - org.settings.recycleBinDays * 86_400_000);
}

function chargeQuota(ctx: RequestContext): void {
  const org = ctx.org;
  if (!org) return;
  const nowMs = ctx.state.nowMs();
  if (org.usage.used(nowMs) >= org.settings.dailyApiLimit) throw errors.requestLimitExceeded();
  org.usage.record(nowMs);
}

const STATUS_CODES: Record<number, string> = {
  429: 'REQUEST_LIMIT_EXCEEDED',
  500: 'UNKNOWN_EXCEPTION',
  502: 'BAD_GATEWAY',
  503: 'SERVER_UNAVAILABLE',
  504: 'GATEWAY_TIMEOUT',
};

/** Applies an armed fault; true when the call has been answered (or will never be). */
async function applyFault(ctx: RequestContext, fault: Fault): Promise<boolean> {
  switch (fault.kind) {
    case 'slow':
      await sleep(fault.delayMs ?? 1000);
      return false;
    case 'hang':
      if (fault.delayMs !== undefined) setTimeout(() => ctx.req.socket.destroy(), fault.delayMs).unref();
      return true;
    case 'http_error': {
      const status = fault.status ?? 503;
      const errorCode = STATUS_CODES[status] ?? `HTTP_${status}`;
      sendJson(ctx, status, [{ message: fault.message ?? `injected ${status}`, errorCode }]);
      return true;
    }
    case 'access_denied':
      return false;
    default:
      if (ctx.routePattern.includes('/composite/sobjects')) {
        ctx.fault = fault;
        return false;
      }
      throw dmlFaultError(fault, ctx.params.id);
  }
}

export function dmlFaultError(fault: Fault, id: string | undefined): SfError {
  if (fault.kind === 'validation_rule') {
    return errors.validationRule(fault.message ?? 'This record failed a validation rule', fault.fields ?? []);
  }
  if (fault.kind === 'duplicates_detected') return errors.duplicatesDetected();
  return errors.lockRow(id);
}

/** The changeOrigin of change events: the API and version, plus `Sforce-Call-Options: client=…`. */
function changeOrigin(ctx: RequestContext): string {
  const options = ctx.req.headers['sforce-call-options'];
  const client = /client=([^,\s]+)/.exec(Array.isArray(options) ? options.join(',') : (options ?? ''))?.[1];
  return `com/salesforce/api/rest/${ctx.version}${client ? `;client=${client}` : ''}`;
}

/** The bytes of a request's URI (as sent, URL-encoded) and of its header lines. */
export function requestSizeOf(req: IncomingMessage): { uriBytes: number; headerBytes: number } {
  let headerBytes = 0;
  for (let index = 0; index + 1 < req.rawHeaders.length; index += 2) {
    headerBytes += Buffer.byteLength(`${req.rawHeaders[index]}: ${req.rawHeaders[index + 1]}\r\n`);
  }
  return { uriBytes: Buffer.byteLength(req.url ?? '/'), headerBytes };
}

/**
 * Salesforce refuses a request whose URI and headers exceed 16,384 bytes before any API sees it: 414 when
 * the URI alone is too long, else 431. Such a request counts against no quota. True when refused.
 */
function refuseOversized(state: EmulatorState, ctx: RequestContext): boolean {
  const size = requestSizeOf(ctx.req);
  const total = size.uriBytes + size.headerBytes;
  if (!state.largestRequest || total > state.largestRequest.uriBytes + state.largestRequest.headerBytes) {
    state.largestRequest = { ...size, route: ctx.routeKey };
  }
  if (total <= state.maxRequestBytes) return false;
  const status = size.uriBytes > state.maxRequestBytes ? 414 : 431;
  const title = status === 414 ? 'URI Too Long' : 'Request Header Fields Too Large';
  sendText(
    ctx,
    status,
    'text/html; charset=utf-8',
    `<html><head><title>${status} ${title}</title></head><body><h1>${title}</h1></body></html>`,
  );
  return true;
}

export async function handleApiCall(
  state: EmulatorState,
  routes: Route[],
  baseUrl: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', baseUrl);
  if (state.latencyMs > 0) await sleep(state.latencyMs);
  const override = req.method === 'POST' ? url.searchParams.get('_HttpMethod') : null;
  const method = (override ?? req.method ?? 'GET').toUpperCase();
  const segments = segmentsOf(url.pathname);
  const match = segments ? matchRoute(routes, method, segments) : null;
  const body = await readBody(req);
  const found = match && 'route' in match ? match : null;
  const ctx: RequestContext = {
    req,
    res,
    method,
    url,
    params: found?.params ?? {},
    routePattern: found ? patternKey(found.route.pattern) : '(unmatched)',
    routeKey: `${method} ${found ? patternKey(found.route.pattern) : '(unmatched)'}`,
    body,
    state,
    baseUrl,
    org: null,
    session: null,
    version: '',
    fault: null,
  };
  res.on('finish', () =>
    state.calls.record(ctx.org?.id ?? null, ctx.routeKey, ctx.callObject ?? ctx.params.sobject ?? null),
  );
  if (refuseOversized(state, ctx)) return;
  try {
    if (!found) {
      if (match && 'allowed' in match) throw errors.methodNotAllowed(method, match.allowed);
      if (url.pathname.startsWith('/services/')) throw errors.notFound();
      return sendText(ctx, 404, 'text/plain', 'Not Found');
    }
    if (found.route.kind === 'rest') {
      checkVersion(ctx);
      authenticate(ctx);
      chargeQuota(ctx);
    }
    const fault = state.faults.take(
      { method, route: ctx.routePattern, sobject: ctx.params.sobject ?? null, orgId: ctx.org?.id ?? null },
      ['unable_to_lock_row', 'validation_rule', 'duplicates_detected', 'http_error', 'hang', 'slow'],
    );
    if (fault && (await applyFault(ctx, fault))) return;
    if (ctx.org) ctx.org.changeOrigin = changeOrigin(ctx);
    try {
      await found.route.handler(ctx);
    } finally {
      if (ctx.org) ctx.org.changeOrigin = '';
    }
  } catch (error) {
    if (error instanceof SfError) return sendError(ctx, error);
    console.error('salesforce emulator: unexpected error', error);
    sendJson(ctx, 500, [
      {
        message: 'An unexpected error occurred. Please include this ErrorId if you contact support: 0-0',
        errorCode: 'UNKNOWN_EXCEPTION',
      },
    ]);
  }
}
