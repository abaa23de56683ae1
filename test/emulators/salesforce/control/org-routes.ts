/** Control routes for orgs, users, OAuth knobs, quota and seeding. */

import type { Org } from '../core/org';
import { seedOrg } from '../data/seed';
import type { RequestContext } from '../http/context';
import { sendJson } from '../http/context';
import type { Route } from '../http/router';
import { route } from '../http/router';
import { ControlError, orgParam, parseBody } from './helpers';
import {
  createOrgBody,
  createUserBody,
  seedBody,
  settingsBody,
  tokensBody,
  updateUserBody,
  usageBody,
} from './schemas';
import type { OrgInfo, UserInfo } from './types';

function userInfo(org: Org, id: string): UserInfo {
  const fields = org.get(id)?.fields ?? {};
  return {
    id,
    username: String(fields.Username),
    name: String(fields.Name),
    email: String(fields.Email),
    role: org.userRoles.get(id) ?? 'user',
    isActive: fields.IsActive === true,
  };
}

export function orgInfo(ctx: RequestContext, org: Org): OrgInfo {
  return {
    id: org.id,
    name: org.name,
    kind: org.kind,
    loginUrl: org.kind === 'sandbox' ? `${ctx.baseUrl}/sandbox` : ctx.baseUrl,
    instanceUrl: ctx.baseUrl,
    settings: { ...org.settings },
    users: [...org.userRoles.keys()].map((id) => userInfo(org, id)),
    apiUsage: { used: org.usage.used(ctx.state.nowMs()), limit: org.settings.dailyApiLimit },
  };
}

function userParam(ctx: RequestContext, org: Org): string {
  const found = ctx.state.userByUsername(ctx.params.username ?? '');
  if (!found || found.org !== org)
    throw new ControlError(
      404,
      'user_not_found',
      `${ctx.params.username ?? ''} is not a user of ${org.name}`,
    );
  return found.userId;
}

function optionalUser(ctx: RequestContext, org: Org, username: string | undefined): string | undefined {
  if (!username) return undefined;
  const found = ctx.state.userByUsername(username);
  if (!found || found.org !== org)
    throw new ControlError(404, 'user_not_found', `${username} is not a user of ${org.name}`);
  return found.userId;
}

export function orgRoutes(): Route[] {
  const org = '/_emulator/orgs/:org';
  return [
    route('GET', '/_emulator/orgs', 'open', (ctx) =>
      sendJson(ctx, 200, { orgs: [...ctx.state.orgs.values()].map((o) => orgInfo(ctx, o)) }),
    ),
    route('POST', '/_emulator/orgs', 'open', (ctx) => {
      const body = parseBody(ctx, createOrgBody);
      const created = ctx.state.createOrg(body);
      if (body.seed) seedOrg(ctx.state, created, body.seed);
      sendJson(ctx, 201, orgInfo(ctx, created));
    }),
    route('GET', org, 'open', (ctx) => sendJson(ctx, 200, orgInfo(ctx, orgParam(ctx)))),
    route('PATCH', `${org}/settings`, 'open', (ctx) => {
      const target = orgParam(ctx);
      Object.assign(target.settings, parseBody(ctx, settingsBody));
      sendJson(ctx, 200, orgInfo(ctx, target));
    }),
    route('GET', `${org}/users`, 'open', (ctx) =>
      sendJson(ctx, 200, { users: orgInfo(ctx, orgParam(ctx)).users }),
    ),
    route('POST', `${org}/users`, 'open', (ctx) => {
      const target = orgParam(ctx);
      const id = ctx.state.createUser(target, { ...parseBody(ctx, createUserBody), role: 'user' });
      sendJson(ctx, 201, userInfo(target, id));
    }),
    route('PATCH', `${org}/users/:username`, 'open', (ctx) => {
      const target = orgParam(ctx);
      const id = userParam(ctx, target);
      const { isActive } = parseBody(ctx, updateUserBody);
      const record = target.get(id);
      if (record) target.put(id, 'User', { ...record, fields: { ...record.fields, IsActive: isActive } });
      if (!isActive) ctx.state.oauth.expireSessions({ orgId: target.id, userId: id });
      sendJson(ctx, 200, userInfo(target, id));
    }),
    route('POST', `${org}/oauth/expire-access-tokens`, 'open', (ctx) => {
      const target = orgParam(ctx);
      const body = parseBody(ctx, tokensBody);
      const userId = optionalUser(ctx, target, body.username);
      sendJson(ctx, 200, {
        expired: ctx.state.oauth.expireSessions({ orgId: target.id, ...(userId ? { userId } : {}) }),
      });
    }),
    route('POST', `${org}/oauth/revoke-refresh-tokens`, 'open', (ctx) => {
      const target = orgParam(ctx);
      const body = parseBody(ctx, tokensBody);
      const userId = optionalUser(ctx, target, body.username);
      const revoked = ctx.state.oauth.revokeGrants(
        { orgId: target.id, ...(userId ? { userId } : {}) },
        ctx.state.nowMs(),
        body.keepAccessTokens === true,
      );
      sendJson(ctx, 200, { revoked });
    }),
    route('GET', `${org}/oauth/grants`, 'open', (ctx) => {
      const target = orgParam(ctx);
      const nowMs = ctx.state.nowMs();
      sendJson(ctx, 200, {
        refreshTokens: ctx.state.oauth.liveGrants(target.id).map((g) => ({
          username: String(target.get(g.userId)?.fields.Username),
          createdAtMs: g.createdAtMs,
          lastUsedMs: g.lastUsedMs,
        })),
        activeSessions: ctx.state.oauth.liveSessions(target.id, nowMs, target.settings.accessTokenTtlMs)
          .length,
      });
    }),
    route('GET', `${org}/api-usage`, 'open', (ctx) => {
      const target = orgParam(ctx);
      sendJson(ctx, 200, {
        used: target.usage.used(ctx.state.nowMs()),
        limit: target.settings.dailyApiLimit,
      });
    }),
    route('PUT', `${org}/api-usage`, 'open', (ctx) => {
      const target = orgParam(ctx);
      target.usage.set(ctx.state.nowMs(), parseBody(ctx, usageBody).used);
      sendJson(ctx, 200, {
        used: target.usage.used(ctx.state.nowMs()),
        limit: target.settings.dailyApiLimit,
      });
    }),
    route('POST', `${org}/seed`, 'open', (ctx) => {
      const target = orgParam(ctx);
      sendJson(ctx, 200, seedOrg(ctx.state, target, parseBody(ctx, seedBody)));
    }),
  ];
}
