/** Control routes for faults, latency, call counters and the clock. */

import type { RequestContext } from '../http/context';
import { sendJson } from '../http/context';
import type { Route } from '../http/router';
import { route } from '../http/router';
import { ControlError, parseBody } from './helpers';
import { advanceClockBody, faultBody, latencyBody, requestSizeBody } from './schemas';

function orgIdFromQuery(ctx: RequestContext): string | undefined {
  const ref = ctx.url.searchParams.get('org');
  if (!ref) return undefined;
  const org = ctx.state.findOrg(ref);
  if (!org) throw new ControlError(404, 'org_not_found', `No org named or with id ${ref}`);
  return org.id;
}

function clock(ctx: RequestContext): void {
  const nowMs = ctx.state.nowMs();
  sendJson(ctx, 200, { nowMs, iso: new Date(nowMs).toISOString() });
}

export function knobRoutes(): Route[] {
  return [
    route('POST', '/_emulator/faults', 'open', (ctx) => {
      const { org, ...spec } = parseBody(ctx, faultBody);
      let orgId: string | undefined;
      if (org) {
        const found = ctx.state.findOrg(org);
        if (!found) throw new ControlError(404, 'org_not_found', `No org named or with id ${org}`);
        orgId = found.id;
      }
      sendJson(ctx, 201, ctx.state.faults.add({ ...spec, orgId }));
    }),
    route('GET', '/_emulator/faults', 'open', (ctx) =>
      sendJson(ctx, 200, { faults: ctx.state.faults.list() }),
    ),
    route('DELETE', '/_emulator/faults', 'open', (ctx) => {
      ctx.state.faults.clear();
      sendJson(ctx, 200, { ok: true });
    }),
    route('PUT', '/_emulator/latency', 'open', (ctx) => {
      ctx.state.latencyMs = parseBody(ctx, latencyBody).ms;
      sendJson(ctx, 200, { ms: ctx.state.latencyMs });
    }),
    route('GET', '/_emulator/latency', 'open', (ctx) => sendJson(ctx, 200, { ms: ctx.state.latencyMs })),
    route('GET', '/_emulator/request-size', 'open', (ctx) =>
      sendJson(ctx, 200, {
        maxRequestBytes: ctx.state.maxRequestBytes,
        largest: ctx.state.largestRequest,
      }),
    ),
    route('PUT', '/_emulator/request-size', 'open', (ctx) => {
      ctx.state.maxRequestBytes = parseBody(ctx, requestSizeBody).maxRequestBytes;
      sendJson(ctx, 200, { maxRequestBytes: ctx.state.maxRequestBytes, largest: ctx.state.largestRequest });
    }),
    route('DELETE', '/_emulator/request-size', 'open', (ctx) => {
      ctx.state.largestRequest = null;
      sendJson(ctx, 200, { maxRequestBytes: ctx.state.maxRequestBytes, largest: null });
    }),
    route('GET', '/_emulator/calls', 'open', (ctx) =>
      sendJson(ctx, 200, ctx.state.calls.snapshot(orgIdFromQuery(ctx))),
    ),
    route('DELETE', '/_emulator/calls', 'open', (ctx) => {
      ctx.state.calls.reset(orgIdFromQuery(ctx));
      sendJson(ctx, 200, { ok: true });
    }),
    route('GET', '/_emulator/clock', 'open', clock),
    route('POST', '/_emulator/clock/advance', 'open', (ctx) => {
      ctx.state.clock.advance(parseBody(ctx, advanceClockBody).ms);
      clock(ctx);
    }),
  ];
}
