/** /_emulator/ control routes for the emulator itself: reset, settings, clock, apps, portals, tokens, faults, calls. */
import { install } from '../auth/oauth-routes';
import { parseInput } from '../crm/route-helpers';
import { errors } from '../http/errors';
import { FaultInputSchema } from '../http/faults';
import type { RequestContext, Router } from '../http/router';
import { applySettingsPatch, SettingsPatchSchema } from '../settings';
import { ALL_SCOPES, type AppRuntime } from '../state/apps';
import type { EmulatorState } from '../state/emulator-state';
import type { Portal } from '../state/portal';
import {
  AppPatchSchema,
  ClockSchema,
  OwnerCreateSchema,
  PortalCreateSchema,
  PortalScopedSchema,
  RateLimitOverrideSchema,
  TokenIssueSchema,
} from './schemas';
import { userView } from './user-routes';

export function appView(app: AppRuntime, state: EmulatorState): Record<string, unknown> {
  return {
    appId: app.appId,
    clientId: app.clientId,
    name: app.name,
    rotateRefreshTokens: app.rotateRefreshTokens,
    installedPortalIds: [...state.portals.values()]
      .filter((portal) => portal.installedApps.has(app.appId))
      .map((portal) => portal.id),
    webhooks: app.webhooks,
  };
}

export function portalView(portal: Portal, state: EmulatorState): Record<string, unknown> {
  return {
    portalId: portal.id,
    domain: portal.domain,
    installedAppIds: [...portal.installedApps],
    users: [...portal.owners.values()].map(userView),
    counts: Object.fromEntries(
      Object.entries(portal.tables).map(([type, table]) => {
        let live = 0;
        let archived = 0;
        for (const record of table.records.values()) {
          if (record.archived) archived += 1;
          else live += 1;
        }
        return [type, { live, archived }];
      }),
    ),
    rateLimits: state.rateLimitsFor(portal.id),
  };
}

export function portalParam(state: EmulatorState, ctx: RequestContext): Portal {
  const portal = state.portals.get(Number(ctx.params.portalId));
  if (!portal) throw errors.notFound(`No portal ${ctx.params.portalId}`);
  return portal;
}

export function appParam(state: EmulatorState, ctx: RequestContext): AppRuntime {
  const app = state.apps.get(Number(ctx.params.appId));
  if (!app) throw errors.notFound(`No app ${ctx.params.appId}`);
  return app;
}

export function registerAdminRoutes(router: Router, state: EmulatorState, bridgeAppId: number): void {
  const add = (
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    pattern: string,
    handler: (ctx: RequestContext) => unknown,
    status = 200,
  ) =>
    router.add({
      method,
      pattern: `/_emulator${pattern}`,
      kind: 'control',
      body: 'json',
      handler: async (ctx) => {
        const body = await handler(ctx);
        return body === undefined ? { status: 204 } : { status, body };
      },
    });

  add('POST', '/reset', () => {
    state.reset();
    return { ok: true };
  });
  add('GET', '/settings', () => state.settings);
  add('PATCH', '/settings', (ctx) => {
    state.settings = applySettingsPatch(state.settings, parseInput(SettingsPatchSchema, ctx.body ?? {}));
    return state.settings;
  });

  add('GET', '/clock', () => ({ nowMs: state.nowMs(), offsetMs: state.clock.currentOffsetMs }));
  add('POST', '/clock', (ctx) => {
    const input = parseInput(ClockSchema, ctx.body);
    if ('advanceMs' in input) state.clock.advance(input.advanceMs);
    else state.clock.set(input.nowMs);
    return { nowMs: state.nowMs(), offsetMs: state.clock.currentOffsetMs };
  });

  add('GET', '/apps', () => ({
    bridgeAppId,
    results: [...state.apps.values()].map((app) => appView(app, state)),
  }));
  add('PATCH', '/apps/:appId', (ctx) => {
    const app = appParam(state, ctx);
    const input = parseInput(AppPatchSchema, ctx.body ?? {});
    if (input.rotateRefreshTokens !== undefined) app.rotateRefreshTokens = input.rotateRefreshTokens;
    return appView(app, state);
  });
  add('POST', '/apps/:appId/expire-tokens', (ctx) => {
    const app = appParam(state, ctx);
    const input = parseInput(PortalScopedSchema, ctx.body ?? {});
    return { expired: state.tokens.expireAccessTokens(app.appId, state.nowMs(), input.portalId) };
  });
  add('POST', '/apps/:appId/uninstall', (ctx) => {
    const app = appParam(state, ctx);
    const input = parseInput(PortalScopedSchema, ctx.body ?? {});
    const portalIds = input.portalId !== undefined ? [input.portalId] : [...state.portals.keys()];
    let revoked = 0;
    for (const portalId of portalIds) {
      revoked += state.tokens.revokeInstallation(app.appId, portalId);
      state.portals.get(portalId)?.installedApps.delete(app.appId);
    }
    return { revokedRefreshTokens: revoked };
  });

  add('GET', '/portals', () => ({
    defaultPortalId: state.defaultPortalId,
    results: [...state.portals.values()].map((portal) => portalView(portal, state)),
  }));
  add(
    'POST',
    '/portals',
    (ctx) => portalView(state.ensurePortal(parseInput(PortalCreateSchema, ctx.body ?? {}).portalId), state),
    201,
  );
  add('GET', '/portals/:portalId', (ctx) => portalView(portalParam(state, ctx), state));
  add('PUT', '/portals/:portalId/rate-limits', (ctx) => {
    const portal = portalParam(state, ctx);
    state.rateLimitOverrides.set(portal.id, parseInput(RateLimitOverrideSchema, ctx.body ?? {}));
    return state.rateLimitsFor(portal.id);
  });
  add(
    'POST',
    '/portals/:portalId/owners',
    (ctx) => {
      const portal = portalParam(state, ctx);
      return userView(portal.addOwner(parseInput(OwnerCreateSchema, ctx.body), state.nowMs()));
    },
    201,
  );
  add(
    'POST',
    '/portals/:portalId/tokens',
    (ctx) => {
      const portal = portalParam(state, ctx);
      const input = parseInput(TokenIssueSchema, ctx.body ?? {});
      const app =
        input.appId !== undefined
          ? state.apps.get(input.appId)
          : input.clientId !== undefined
            ? state.appByClientId(input.clientId)
            : state.apps.get(bridgeAppId);
      if (!app) throw errors.notFound(`No app ${input.appId ?? input.clientId}`);
      const user = input.user !== undefined ? portal.findUser(input.user) : portal.admin;
      if (!user) throw errors.notFound(`Portal ${portal.id} has no user ${input.user}`);
      const { grant, refresh } = install(
        state,
        app,
        portal,
        user.userId,
        user.email,
        input.scopes ?? ALL_SCOPES,
      );
      return {
        accessToken: grant.token,
        refreshToken: refresh.token,
        expiresIn: state.settings.oauth.accessTokenTtlSeconds,
        appId: app.appId,
        portalId: portal.id,
        userId: user.userId,
        scopes: grant.scopes,
      };
    },
    201,
  );

  add('GET', '/calls', () => state.calls.snapshot());
  add('DELETE', '/calls', () => {
    state.calls.reset();
    return undefined;
  });

  add('GET', '/faults', () => ({ results: state.faults.list() }));
  add('POST', '/faults', (ctx) => state.faults.add(parseInput(FaultInputSchema, ctx.body)), 201);
  add('DELETE', '/faults', () => {
    state.faults.clear();
    return undefined;
  });
  add('DELETE', '/faults/:faultId', (ctx) => {
    if (!state.faults.remove(Number(ctx.params.faultId)))
      throw errors.notFound(`No fault ${ctx.params.faultId}`);
    return undefined;
  });
}
