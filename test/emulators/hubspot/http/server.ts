/**
 * The request pipeline. API calls go through: count → latency → fault → auth → scopes → rate limit → handler;
 * OAuth calls skip auth, scopes and rate limits; control calls (/_emulator/) skip everything but the handler.
 * Every JSON answer carries X-HubSpot-Correlation-Id and `application/json;charset=utf-8`.
 */
import http from 'node:http';
import type { Socket } from 'node:net';
import type { EmulatorState } from '../state/emulator-state';
import { errors, HubSpotApiError, newCorrelationId } from './errors';
import type { Fault } from './faults';
import { secondlyError, tenSecondlyError } from './rate-limit';
import { readRawBody } from './request';
import type { HandlerResult, HttpMethod, RequestContext, RouteSpec, Router } from './router';

const JSON_TYPE = 'application/json;charset=utf-8';

export interface EmulatorServer {
  server: http.Server;
  /** Closes the server, dropping open (hung, keep-alive) connections. */
  close(): Promise<void>;
}

export function createHttpServer(state: EmulatorState, router: Router): EmulatorServer {
  const sockets = new Set<Socket>();
  const pendingTimers = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    handle(state, router, req, res, pendingTimers).catch((caught: unknown) => {
      console.error('hubspot emulator: unhandled error', caught);
      if (!res.headersSent)
        send(res, errors.internal().httpStatus, errors.internal().body(newCorrelationId()), {});
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of pendingTimers) clearTimeout(timer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function sleep(ms: number, timers: Set<NodeJS.Timeout>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      resolve();
    }, ms);
    timers.add(timer);
  });
}

async function handle(
  state: EmulatorState,
  router: Router,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  timers: Set<NodeJS.Timeout>,
): Promise<void> {
  const correlationId = newCorrelationId();
  const url = new URL(req.url ?? '/', `http://${req.headers.host ?? '127.0.0.1'}`);
  const method = (req.method ?? 'GET').toUpperCase();
  const baseHeaders: Record<string, string> = { 'X-HubSpot-Correlation-Id': correlationId };
  const match = router.match(method, url.pathname);
  if (!match) {
    await drain(req);
    return sendError(res, errors.routeNotFound(method, url.pathname), correlationId, baseHeaders);
  }
  if ('allowed' in match) {
    await drain(req);
    const error = new HubSpotApiError(405, 'VALIDATION_ERROR', `${method} is not allowed on ${url.pathname}`);
    return sendError(res, error, correlationId, { ...baseHeaders, Allow: match.allowed.join(', ') });
  }
  const { route, params, routeKey } = match;
  const ctx: RequestContext = {
    req,
    res,
    method: method as HttpMethod,
    path: url.pathname,
    url,
    params,
    query: url.searchParams,
    correlationId,
    rawBody: '',
    body: undefined,
    form: new URLSearchParams(),
    routeKey,
  };

  let headers = baseHeaders;
  try {
    if (route.kind !== 'control') {
      const bearer = bearerToken(req);
      const lookup = bearer
        ? state.tokens.lookupAccessToken(bearer, state.nowMs())
        : { state: 'unknown' as const };
      const grant = lookup.state === 'unknown' ? undefined : lookup.grant;
      state.calls.record(routeKey, grant?.portalId);
      if (state.settings.latencyMs > 0) await sleep(state.settings.latencyMs, timers);
      const fault = state.faults.take({
        method,
        path: url.pathname,
        routeKey,
        portalId: grant?.portalId,
        appId: grant?.appId,
      });
      if (
        fault &&
        (await applyFault(fault, state, req, res, correlationId, timers, grant?.portalId)) === 'answered'
      )
        return;
      if (route.kind === 'api') {
        if (lookup.state === 'unknown') throw errors.missingAuthentication();
        if (lookup.state === 'expired') throw errors.expiredAuthentication(lookup.expiredForMs);
        ctx.grant = lookup.grant;
        ctx.portal = state.portals.get(lookup.grant.portalId);
        if (!ctx.portal) throw errors.missingAuthentication();
        checkScopes(route, ctx);
        const decision = state.rateLimiter.check(
          `${lookup.grant.portalId}:${lookup.grant.appId}`,
          route.rateLimit ?? 'standard',
          state.rateLimitsFor(lookup.grant.portalId),
          state.nowMs(),
        );
        if (!decision.allowed) throw decision.error;
        headers = { ...headers, ...decision.headers };
      }
    }
    await readBody(route, ctx);
    const result = await route.handler(ctx);
    respond(res, result, headers);
  } catch (caught) {
    if (caught instanceof HubSpotApiError) return sendError(res, caught, correlationId, headers);
    console.error(`hubspot emulator: ${routeKey} failed`, caught);
    return sendError(res, errors.internal(), correlationId, headers);
  }
}

function bearerToken(req: http.IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(header.trim());
  return match?.[1];
}

function checkScopes(route: RouteSpec, ctx: RequestContext): void {
  const needed = route.scopes?.(ctx) ?? [];
  if (needed.length === 0) return;
  const granted = ctx.grant?.scopes ?? [];
  if (!needed.some((scope) => granted.includes(scope))) throw errors.missingScopes(needed);
}

async function readBody(route: RouteSpec, ctx: RequestContext): Promise<void> {
  ctx.rawBody = await readRawBody(ctx.req);
  const kind = route.body ?? 'none';
  if (kind === 'form') {
    ctx.form = new URLSearchParams(ctx.rawBody);
    return;
  }
  if (kind === 'json') {
    if (ctx.rawBody.trim() === '') {
      ctx.body = undefined;
      return;
    }
    try {
      ctx.body = JSON.parse(ctx.rawBody) as unknown;
    } catch (caught) {
      throw errors.badJson(caught instanceof Error ? caught.message : String(caught));
    }
  }
}

async function drain(req: http.IncomingMessage): Promise<void> {
  await readRawBody(req).catch(() => '');
}

async function applyFault(
  fault: Fault,
  state: EmulatorState,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  correlationId: string,
  timers: Set<NodeJS.Timeout>,
  portalId: number | undefined,
): Promise<'answered' | 'continue'> {
  const headers = { 'X-HubSpot-Correlation-Id': correlationId };
  switch (fault.kind) {
    case 'slow':
      await sleep(fault.delayMs ?? 2000, timers);
      return 'continue';
    case 'hang':
      await drain(req);
      if (fault.delayMs !== undefined) {
        await sleep(fault.delayMs, timers);
        res.destroy();
      }
      // Without a delay the socket stays open until the client gives up or the emulator closes.
      return 'answered';
    case 'disconnect':
      req.socket.destroy();
      return 'answered';
    case '429': {
      await drain(req);
      const error = tenSecondlyError(state.rateLimitsFor(portalId ?? state.defaultPortalId));
      sendError(res, error, correlationId, headers);
      return 'answered';
    }
    case 'invalid_grant': {
      // What the token endpoint answers a refresh token it does not accept, as a one-off (the token lives on).
      await drain(req);
      const message = 'refresh token is invalid, expired or revoked';
      const error = new HubSpotApiError(400, 'VALIDATION_ERROR', message, {
        status: 'BAD_REFRESH_TOKEN',
        error: 'invalid_grant',
        error_description: message,
      });
      sendError(res, error, correlationId, headers);
      return 'answered';
    }
    case '429_secondly': {
      await drain(req);
      sendError(res, secondlyError(), correlationId, headers);
      return 'answered';
    }
    case '423': {
      // HubSpot locks a portal's records for about 2 s when a large volume is written in a short time.
      await drain(req);
      const error = new HubSpotApiError(
        423,
        'LOCKED',
        'The resource is locked while a large volume of data is synced; retry after at least 2 seconds.',
      );
      sendError(res, error, correlationId, headers);
      return 'answered';
    }
    case '477': {
      // The account is moving between data hosting locations; Retry-After says when to come back.
      await drain(req);
      const error = new HubSpotApiError(
        477,
        'MIGRATION_IN_PROGRESS',
        'This account is being migrated between data hosting locations; retry after the Retry-After delay.',
        {},
        { 'Retry-After': String(fault.retryAfterSeconds) },
      );
      sendError(res, error, correlationId, headers);
      return 'answered';
    }
    case '500':
    case '502':
    case '503':
    case '504': {
      await drain(req);
      const status = Number(fault.kind);
      if (fault.body === 'html') {
        res.writeHead(status, { ...headers, 'Content-Type': 'text/html; charset=utf-8' });
        res.end(
          `<html><head><title>${status}</title></head><body><h1>${status} ${http.STATUS_CODES[status] ?? ''}</h1></body></html>`,
        );
        return 'answered';
      }
      const message = status === 500 ? 'internal error' : (http.STATUS_CODES[status] ?? 'error');
      const category = status === 500 ? 'INTERNAL_ERROR' : 'SERVICE_UNAVAILABLE';
      sendError(res, new HubSpotApiError(status, category, message), correlationId, headers);
      return 'answered';
    }
  }
}

function respond(res: http.ServerResponse, result: HandlerResult, headers: Record<string, string>): void {
  const merged = { ...headers, ...result.headers };
  if (result.redirect !== undefined) {
    res.writeHead(302, { ...merged, Location: result.redirect });
    res.end();
    return;
  }
  if (result.raw !== undefined) {
    res.writeHead(result.status, { ...merged, 'Content-Length': String(Buffer.byteLength(result.raw)) });
    res.end(result.raw);
    return;
  }
  if (result.html !== undefined) {
    res.writeHead(result.status, { ...merged, 'Content-Type': 'text/html; charset=utf-8' });
    res.end(result.html);
    return;
  }
  if (result.body === undefined) {
    res.writeHead(result.status, merged);
    res.end();
    return;
  }
  send(res, result.status, result.body, merged);
}

function send(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string>,
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': JSON_TYPE,
    'Content-Length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

function sendError(
  res: http.ServerResponse,
  error: HubSpotApiError,
  correlationId: string,
  headers: Record<string, string>,
): void {
  send(res, error.httpStatus, error.body(correlationId), { ...headers, ...error.headers });
}
