/**
 * The control API under `/_emulator/`: what tests, the sandbox and benchmarks use to drive the
 * emulator from outside (orgs, users, OAuth knobs, simulated user actions, faults, latency, call
 * counts, quota, clock, schema, seed). JSON in and out; errors as `{ error: { code, message, details } }`.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { ZodError } from 'zod';
import { SfError } from '../core/errors';
import type { EmulatorState } from '../core/state';
import type { RequestContext } from '../http/context';
import { sendJson } from '../http/context';
import { readBody } from '../http/pipeline';
import type { Route } from '../http/router';
import { matchRoute, route, segmentsOf } from '../http/router';
import { orgRoutes } from './org-routes';
import { recordRoutes } from './record-routes';
import { knobRoutes } from './knob-routes';
import { ControlError } from './helpers';

export function controlRoutes(): Route[] {
  return [
    route('POST', '/_emulator/reset', 'open', (ctx) => {
      ctx.state.reset();
      sendJson(ctx, 200, { ok: true });
    }),
    ...orgRoutes(),
    ...recordRoutes(),
    ...knobRoutes(),
  ];
}

function sendControlError(
  ctx: RequestContext,
  status: number,
  code: string,
  message: string,
  details?: unknown,
): void {
  sendJson(ctx, status, { error: { code, message, ...(details === undefined ? {} : { details }) } });
}

export async function handleControlCall(
  state: EmulatorState,
  routes: Route[],
  baseUrl: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const url = new URL(req.url ?? '/', baseUrl);
  const method = (req.method ?? 'GET').toUpperCase();
  const segments = segmentsOf(url.pathname);
  const match = segments ? matchRoute(routes, method, segments) : null;
  const ctx: RequestContext = {
    req,
    res,
    method,
    url,
    params: match && 'route' in match ? match.params : {},
    routePattern: match && 'route' in match ? match.route.pattern : '(unmatched)',
    routeKey: `${method} ${url.pathname}`,
    body: await readBody(req),
    state,
    baseUrl,
    org: null,
    session: null,
    version: '62.0',
    fault: null,
  };
  try {
    if (!match) throw new ControlError(404, 'not_found', `No control route ${method} ${url.pathname}`);
    if ('allowed' in match)
      throw new ControlError(405, 'method_not_allowed', `Allowed: ${match.allowed.join(', ')}`);
    await match.route.handler(ctx);
  } catch (error) {
    if (error instanceof ControlError)
      return sendControlError(ctx, error.status, error.code, error.message, error.details);
    if (error instanceof ZodError)
      return sendControlError(ctx, 400, 'invalid_request', 'The request body is invalid', error.issues);
    if (error instanceof SfError) {
      return sendControlError(ctx, error.httpStatus, error.errorCode, error.message, {
        errors: [error.toBody()],
      });
    }
    if (error instanceof Error) return sendControlError(ctx, 409, 'conflict', error.message);
    throw error;
  }
}
