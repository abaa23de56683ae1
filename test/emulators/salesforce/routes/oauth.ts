/**
 * The OAuth 2.0 web server flow on the production login host and, under `/sandbox`, the sandbox
 * one: authorize (approves at once), token (authorization_code, refresh_token), revoke, and the
 * identity URL / userinfo that the token response points at.
 */

import { createHash, createHmac } from 'node:crypto';
import type { LoginHost, Session } from '../auth/oauth-store';
import { normalizeId } from '../core/ids';
import type { Org } from '../core/org';
import { formatDateTime } from '../core/time';
import type { RequestContext } from '../http/context';
import { sendEmpty, sendJson, sendText } from '../http/context';
import type { Route } from '../http/router';
import { route } from '../http/router';

const DEFAULT_SCOPES = ['api', 'refresh_token', 'id'];
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function prefixOf(host: LoginHost): string {
  return host === 'sandbox' ? '/sandbox' : '';
}

export function identityUrl(ctx: RequestContext, host: LoginHost, orgId: string, userId: string): string {
  return `${ctx.baseUrl}${prefixOf(host)}/id/${orgId}/${userId}`;
}

function errorPage(ctx: RequestContext, error: string, description: string): void {
  const escape = (s: string): string => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  sendText(
    ctx,
    400,
    'text/html;charset=UTF-8',
    `<!DOCTYPE html><html><head><title>Authorization Error</title></head><body>` +
      `<h1>OAUTH_APPROVAL_ERROR</h1><p>error=${escape(error)}</p><p>${escape(description)}</p></body></html>`,
  );
}

function isLoopback(uri: string): boolean {
  try {
    const url = new URL(uri);
    return (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_HOSTS.has(url.hostname);
  } catch {
    return false;
  }
}

function redirectWith(ctx: RequestContext, redirectUri: string, params: Record<string, string>): void {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  sendEmpty(ctx, 302, { Location: url.toString() });
}

function authorize(host: LoginHost) {
  return (ctx: RequestContext): void => {
    const q = ctx.url.searchParams;
    const state = q.get('state');
    const withState = (p: Record<string, string>): Record<string, string> =>
      state === null ? p : { ...p, state };
    if (q.get('client_id') !== ctx.state.app.clientId) {
      return errorPage(ctx, 'invalid_client_id', 'client identifier invalid');
    }
    const redirectUri = q.get('redirect_uri') ?? '';
    if (!isLoopback(redirectUri))
      return errorPage(ctx, 'redirect_uri_mismatch', 'redirect_uri must match configuration');
    if (q.get('response_type') !== 'code') {
      return redirectWith(
        ctx,
        redirectUri,
        withState({ error: 'unsupported_response_type', error_description: 'response type not supported' }),
      );
    }
    const kind = host === 'sandbox' ? 'sandbox' : 'production';
    const hint = q.get('login_hint');
    let org: Org | undefined;
    let userId: string | undefined;
    if (hint) {
      const found = ctx.state.userByUsername(hint);
      if (!found) return errorPage(ctx, 'invalid_login_hint', `No user with the username ${hint} exists`);
      ({ org, userId } = found);
      if (org.kind !== kind) {
        return errorPage(
          ctx,
          'invalid_login_hint',
          `${hint} belongs to a ${org.kind} org; log in at the ${org.kind} login host`,
        );
      }
    } else {
      org = ctx.state.defaultOrgFor(kind);
      if (!org)
        return errorPage(ctx, 'no_org', `There is no ${kind} org; create one through /_emulator/orgs`);
      userId = ctx.state.userIdWithRole(org, 'admin');
    }
    ctx.org = org;
    const fault = ctx.state.faults.take(
      { method: ctx.method, route: ctx.routePattern, sobject: null, orgId: org.id },
      ['access_denied'],
    );
    if (fault) {
      return redirectWith(
        ctx,
        redirectUri,
        withState({ error: 'access_denied', error_description: 'end-user denied authorization' }),
      );
    }
    if (org.get(userId)?.fields.IsActive !== true) {
      return redirectWith(
        ctx,
        redirectUri,
        withState({ error: 'access_denied', error_description: 'user is inactive' }),
      );
    }
    const requested = (q.get('scope') ?? '').split(/[\s+]+/).filter(Boolean);
    const code = ctx.state.oauth.issueCode(
      {
        clientId: ctx.state.app.clientId,
        redirectUri,
        orgId: org.id,
        userId,
        scope: requested.length > 0 ? requested : DEFAULT_SCOPES,
        host,
        codeChallenge: q.get('code_challenge'),
      },
      ctx.state.nowMs(),
    );
    redirectWith(ctx, redirectUri, withState({ code }));
  };
}

function tokenError(ctx: RequestContext, error: string, description: string): void {
  sendJson(ctx, 400, { error, error_description: description });
}

function base64Url(buffer: Buffer): string {
  return buffer.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function tokenResponse(ctx: RequestContext, session: Session, refreshToken: string | null): void {
  const issuedAt = String(session.issuedAtMs);
  const id = identityUrl(ctx, session.host, session.orgId, session.userId);
  const signature = createHmac('sha256', ctx.state.app.clientSecret)
    .update(id + issuedAt)
    .digest('base64');
  sendJson(ctx, 200, {
    access_token: session.token,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    signature,
    scope: session.scope.join(' '),
    instance_url: ctx.baseUrl,
    id,
    token_type: 'Bearer',
    issued_at: issuedAt,
  });
}

function token(host: LoginHost) {
  return (ctx: RequestContext): void => {
    const form = new URLSearchParams(ctx.body.toString('utf8'));
    const grantType = form.get('grant_type');
    const { app, oauth } = ctx.state;
    const nowMs = ctx.state.nowMs();
    if (form.get('client_id') !== app.clientId)
      return tokenError(ctx, 'invalid_client_id', 'client identifier invalid');
    if (form.get('client_secret') !== app.clientSecret)
      return tokenError(ctx, 'invalid_client', 'invalid client credentials');
    if (grantType === 'authorization_code') {
      const code = oauth.takeCode(form.get('code') ?? '');
      if (!code || code.host !== host || code.clientId !== app.clientId) {
        return tokenError(ctx, 'invalid_grant', 'invalid authorization code');
      }
      if (code.expiresAtMs < nowMs) return tokenError(ctx, 'invalid_grant', 'expired authorization code');
      if (form.get('redirect_uri') !== code.redirectUri) {
        return tokenError(ctx, 'redirect_uri_mismatch', 'redirect_uri must match configuration');
      }
      if (code.codeChallenge) {
        const verifier = form.get('code_verifier') ?? '';
        if (base64Url(createHash('sha256').update(verifier).digest()) !== code.codeChallenge) {
          return tokenError(ctx, 'invalid_grant', 'invalid code verifier');
        }
      }
      const org = ctx.state.orgs.get(code.orgId);
      if (!org || org.get(code.userId)?.fields.IsActive !== true) {
        return tokenError(ctx, 'invalid_grant', 'authentication failure');
      }
      ctx.org = org;
      const wantsRefresh = code.scope.some(
        (s) => s === 'refresh_token' || s === 'offline_access' || s === 'full',
      );
      const grant = wantsRefresh
        ? oauth.issueGrant(
            { clientId: app.clientId, orgId: org.id, userId: code.userId, scope: code.scope, host },
            nowMs,
          )
        : null;
      if (grant)
        oauth.enforceGrantLimit(
          org.id,
          code.userId,
          app.clientId,
          org.settings.maxRefreshTokensPerUser,
          nowMs,
        );
      const session = oauth.issueSession(
        {
          clientId: app.clientId,
          orgId: org.id,
          userId: code.userId,
          scope: code.scope,
          host,
          refreshToken: grant?.token ?? null,
        },
        org.id.slice(0, 15),
        nowMs,
      );
      return tokenResponse(ctx, session, grant?.token ?? null);
    }
    if (grantType === 'refresh_token') {
      const grant = oauth.grant(form.get('refresh_token') ?? '');
      if (!grant || grant.host !== host || grant.clientId !== app.clientId) {
        return tokenError(ctx, 'invalid_grant', 'expired access/refresh token');
      }
      const org = ctx.state.orgs.get(grant.orgId);
      if (!org) return tokenError(ctx, 'invalid_grant', 'expired access/refresh token');
      ctx.org = org;
      if (org.get(grant.userId)?.fields.IsActive !== true)
        return tokenError(ctx, 'invalid_grant', 'inactive user');
      grant.lastUsedMs = nowMs;
      let current = grant;
      let issued: string | null = null;
      if (org.settings.rotateRefreshTokens) {
        // Rotation: the presented token dies (its sessions live on) and a new one is handed out.
        oauth.revokeGrant(grant, nowMs, true);
        current = oauth.issueGrant(
          { clientId: grant.clientId, orgId: grant.orgId, userId: grant.userId, scope: grant.scope, host },
          nowMs,
        );
        issued = current.token;
      }
      const session = oauth.issueSession(
        {
          clientId: app.clientId,
          orgId: org.id,
          userId: grant.userId,
          scope: grant.scope,
          host,
          refreshToken: current.token,
        },
        org.id.slice(0, 15),
        nowMs,
      );
      return tokenResponse(ctx, session, issued);
    }
    tokenError(ctx, 'unsupported_grant_type', 'grant type not supported');
  };
}

function revoke(ctx: RequestContext): void {
  const form = new URLSearchParams(ctx.body.toString('utf8'));
  const tokenValue = form.get('token') ?? ctx.url.searchParams.get('token') ?? '';
  const session = ctx.state.oauth.peekSession(tokenValue);
  const grant = ctx.state.oauth.grant(tokenValue);
  ctx.org = ctx.state.orgs.get(session?.orgId ?? grant?.orgId ?? '') ?? null;
  if (!ctx.state.oauth.revokeToken(tokenValue, ctx.state.nowMs())) {
    return sendText(
      ctx,
      400,
      'application/x-www-form-urlencoded',
      'error=invalid_token&error_description=invalid%20token',
    );
  }
  sendEmpty(ctx, 200);
}

/** The bearer token of a request: `Authorization: Bearer|OAuth <token>` or `oauth_token=`. */
export function presentedToken(ctx: RequestContext): string | null {
  const header = ctx.req.headers.authorization ?? '';
  const match = /^(?:Bearer|OAuth)\s+(.+)$/i.exec(header.trim());
  return match?.[1] ?? ctx.url.searchParams.get('oauth_token');
}

function identity(host: LoginHost) {
  return (ctx: RequestContext): void => {
    const org = ctx.state.findOrg(ctx.params.orgId ?? '');
    const tokenValue = presentedToken(ctx);
    const session =
      org && tokenValue
        ? ctx.state.oauth.useSession(tokenValue, ctx.state.nowMs(), org.settings.accessTokenTtlMs)
        : undefined;
    if (!org || !session || session.orgId !== org.id)
      return sendText(ctx, 403, 'text/plain', 'Bad_OAuth_Token');
    ctx.org = org;
    const userId = normalizeId(ctx.params.userId ?? '');
    const user = userId ? org.get(userId) : undefined;
    if (!user || user.type !== 'User') return sendText(ctx, 404, 'text/plain', 'Bad_Id');
    sendJson(ctx, 200, identityBody(ctx, host, org, user.fields));
  };
}

function identityBody(
  ctx: RequestContext,
  host: LoginHost,
  org: Org,
  user: Record<string, unknown>,
): Record<string, unknown> {
  const userId = user.Id as string;
  const base = ctx.baseUrl;
  return {
    id: identityUrl(ctx, host, org.id, userId),
    asserted_user: true,
    user_id: userId,
    organization_id: org.id,
    username: user.Username,
    nick_name: String(user.Username).split('@')[0],
    display_name: user.Name,
    email: user.Email,
    email_verified: true,
    first_name: user.FirstName,
    last_name: user.LastName,
    timezone: user.TimeZoneSidKey,
    photos: { picture: `${base}/profilephoto/005/F`, thumbnail: `${base}/profilephoto/005/T` },
    urls: {
      enterprise: `${base}/services/Soap/c/{version}/${org.id.slice(0, 15)}`,
      partner: `${base}/services/Soap/u/{version}/${org.id.slice(0, 15)}`,
      rest: `${base}/services/data/v{version}/`,
      sobjects: `${base}/services/data/v{version}/sobjects/`,
      query: `${base}/services/data/v{version}/query/`,
      recent: `${base}/services/data/v{version}/recent/`,
      profile: `${base}/${userId}`,
      custom_domain: base,
    },
    active: user.IsActive,
    user_type: 'STANDARD',
    language: 'en_US',
    locale: 'en_US',
    utcOffset: 0,
    last_modified_date: formatDateTime(user.LastModifiedDate as number).replace('.000+0000', 'Z'),
  };
}

function userinfo(host: LoginHost) {
  return (ctx: RequestContext): void => {
    const tokenValue = presentedToken(ctx);
    const peek = tokenValue ? ctx.state.oauth.peekSession(tokenValue) : undefined;
    const org = peek ? ctx.state.orgs.get(peek.orgId) : undefined;
    const session =
      org && tokenValue
        ? ctx.state.oauth.useSession(tokenValue, ctx.state.nowMs(), org.settings.accessTokenTtlMs)
        : undefined;
    const user = session && org ? org.get(session.userId) : undefined;
    if (!org || !session || !user) return sendText(ctx, 403, 'text/plain', 'Bad_OAuth_Token');
    ctx.org = org;
    const body = identityBody(ctx, host, org, user.fields);
    sendJson(ctx, 200, {
      sub: body.id,
      user_id: body.user_id,
      organization_id: body.organization_id,
      preferred_username: body.username,
      nickname: body.nick_name,
      name: body.display_name,
      email: body.email,
      email_verified: true,
      given_name: body.first_name,
      family_name: body.last_name,
      zoneinfo: body.timezone,
      photos: body.photos,
      urls: body.urls,
      active: body.active,
      user_type: 'STANDARD',
      language: 'en_US',
      locale: 'en_US',
      utcOffset: 0,
      updated_at: body.last_modified_date,
    });
  };
}

export function oauthRoutes(): Route[] {
  return (['production', 'sandbox'] as const).flatMap((host) => {
    const p = prefixOf(host);
    return [
      route('GET', `${p}/services/oauth2/authorize`, 'open', authorize(host)),
      route('POST', `${p}/services/oauth2/token`, 'open', token(host)),
      route('POST', `${p}/services/oauth2/revoke`, 'open', revoke),
      route('GET', `${p}/services/oauth2/revoke`, 'open', revoke),
      route('GET', `${p}/services/oauth2/userinfo`, 'open', userinfo(host)),
      route('POST', `${p}/services/oauth2/userinfo`, 'open', userinfo(host)),
      route('GET', `${p}/id/:orgId/:userId`, 'open', identity(host)),
    ];
  });
}
