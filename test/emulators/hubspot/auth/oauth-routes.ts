/**
 * OAuth 2.0 as HubSpot serves it to public apps: the authorize page (auto-approving, like a user clicking
 * "Connect app"), the v3 token, introspect and revoke endpoints (and their date-versioned twins), and the v1
 * endpoints the SDK wraps (token, token and refresh-token info, refresh-token delete) until their sunset.
 */
import { HubSpotApiError } from '../http/errors';
import type { HandlerResult, RequestContext, Router } from '../http/router';
import type { AppRuntime } from '../state/apps';
import type { EmulatorState } from '../state/emulator-state';
import type { Portal } from '../state/portal';
import type { RefreshTokenRecord, TokenGrant } from './tokens';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function errorPage(status: number, title: string, detail: string): HandlerResult {
  return {
    status,
    html: `<!doctype html><html><head><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p></body></html>`,
  };
}

/** HubSpot's OAuth errors: its legacy fields (status, message) plus the RFC 6749 ones (error, error_description). */
class OAuthFailure extends HubSpotApiError {
  constructor(
    readonly oauthStatus: string,
    error: string,
    message: string,
  ) {
    super(400, 'VALIDATION_ERROR', message, { error, error_description: message });
  }

  override body(correlationId: string): Record<string, unknown> {
    return { ...super.body(correlationId), status: this.oauthStatus };
  }
}

export function isLoopbackRedirect(uri: string): boolean {
  try {
    const parsed = new URL(uri);
    return (
      (parsed.protocol === 'http:' || parsed.protocol === 'https:') && LOOPBACK_HOSTS.has(parsed.hostname)
    );
  } catch {
    return false;
  }
}

export function tokenResponse(
  state: EmulatorState,
  grant: TokenGrant,
  refresh: RefreshTokenRecord,
): Record<string, unknown> {
  return {
    token_type: 'bearer',
    refresh_token: refresh.token,
    access_token: grant.token,
    expires_in: Math.max(0, Math.round((grant.expiresAtMs - state.nowMs()) / 1000)),
    hub_id: grant.portalId,
    scopes: grant.scopes,
  };
}

/** Issues an access token from a refresh token (and installs the app in the portal). */
export function issueAccessToken(state: EmulatorState, refresh: RefreshTokenRecord): TokenGrant {
  const nowMs = state.nowMs();
  state.portals.get(refresh.portalId)?.installedApps.add(refresh.appId);
  return state.tokens.issueAccessToken({
    appId: refresh.appId,
    portalId: refresh.portalId,
    userId: refresh.userId,
    userEmail: refresh.userEmail,
    scopes: refresh.scopes,
    issuedAtMs: nowMs,
    expiresAtMs: nowMs + state.settings.oauth.accessTokenTtlSeconds * 1000,
    refreshToken: refresh.token,
  });
}

/** A fresh installation: refresh token + access token for the app, portal and user. */
export function install(
  state: EmulatorState,
  app: AppRuntime,
  portal: Portal,
  userId: number,
  userEmail: string,
  scopes: string[],
): { grant: TokenGrant; refresh: RefreshTokenRecord } {
  const refresh = state.tokens.issueRefreshToken({
    appId: app.appId,
    clientId: app.clientId,
    portalId: portal.id,
    userId,
    userEmail,
    scopes,
    createdAtMs: state.nowMs(),
  });
  return { grant: issueAccessToken(state, refresh), refresh };
}

function authorize(state: EmulatorState, ctx: RequestContext): HandlerResult {
  const clientId = ctx.query.get('client_id') ?? '';
  const redirectUri = ctx.query.get('redirect_uri') ?? '';
  const app = state.appByClientId(clientId);
  if (!app) return errorPage(400, 'Unknown app', `No app has the client id "${clientId}".`);
  if (!redirectUri)
    return errorPage(400, 'Missing redirect_uri', 'The authorize request has no redirect_uri.');
  if (!isLoopbackRedirect(redirectUri)) {
    return errorPage(
      400,
      'Redirect URI not allowed',
      `"${redirectUri}" is not on a loopback host (127.0.0.1, localhost, [::1]); this emulator only redirects there.`,
    );
  }
  const scopes = [ctx.query.get('scope'), ctx.query.get('optional_scope')]
    .flatMap((value) => (value ?? '').split(/[\s,+]+/))
    .filter((scope) => scope.length > 0);
  if (scopes.length === 0) return errorPage(400, 'Missing scope', 'The authorize request asks for no scope.');
  const portalParam = ctx.query.get('portal_id');
  if (portalParam !== null && !/^\d+$/.test(portalParam)) {
    return errorPage(400, 'Bad portal_id', `portal_id must be numeric, got "${portalParam}".`);
  }
  const portal = state.ensurePortal(portalParam === null ? state.defaultPortalId : Number(portalParam));
  const userParam = ctx.query.get('user');
  const user = userParam ? portal.findUser(userParam) : portal.admin;
  if (!user) return errorPage(400, 'Unknown user', `Portal ${portal.id} has no user "${userParam}".`);
  const code = state.tokens.issueCode({
    appId: app.appId,
    portalId: portal.id,
    userId: user.userId,
    userEmail: user.email,
    scopes: [...new Set(scopes)],
    redirectUri,
    expiresAtMs: state.nowMs() + state.settings.oauth.authorizationCodeTtlSeconds * 1000,
  });
  const target = new URL(redirectUri);
  target.searchParams.set('code', code.code);
  const stateParam = ctx.query.get('state');
  if (stateParam !== null) target.searchParams.set('state', stateParam);
  return { status: 302, redirect: target.toString() };
}

function clientFrom(state: EmulatorState, form: URLSearchParams): AppRuntime {
  const clientId = form.get('client_id');
  const app = clientId ? state.appByClientId(clientId) : undefined;
  if (!app) throw new OAuthFailure('BAD_CLIENT_ID', 'invalid_client', 'missing or unknown client id');
  if (form.get('client_secret') !== app.clientSecret) {
    throw new OAuthFailure('BAD_CLIENT_SECRET', 'invalid_client', 'missing or invalid client secret');
  }
  return app;
}

function token(state: EmulatorState, ctx: RequestContext): HandlerResult {
  const form = ctx.form;
  const grantType = form.get('grant_type');
  if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
    throw new OAuthFailure(
      'BAD_GRANT_TYPE',
      'unsupported_grant_type',
      `unsupported grant_type "${grantType ?? ''}"`,
    );
  }
  const app = clientFrom(state, form);
  if (grantType === 'authorization_code') {
    const code = form.get('code') ?? '';
    const redirectUri = form.get('redirect_uri') ?? '';
    if (!redirectUri) throw new OAuthFailure('BAD_REDIRECT_URI', 'invalid_request', 'missing redirect_uri');
    const consumed = state.tokens.consumeCode(code, state.nowMs());
    if (!consumed || consumed.appId !== app.appId) {
      throw new OAuthFailure('BAD_AUTH_CODE', 'invalid_grant', 'missing or invalid auth code');
    }
    if (consumed.redirectUri !== redirectUri) {
      throw new OAuthFailure(
        'BAD_REDIRECT_URI',
        'invalid_grant',
        'redirect_uri does not match the one used to authorize',
      );
    }
    const portal = state.ensurePortal(consumed.portalId);
    const { grant, refresh } = install(
      state,
      app,
      portal,
      consumed.userId,
      consumed.userEmail,
      consumed.scopes,
    );
    return { status: 200, body: tokenResponse(state, grant, refresh) };
  }
  const refreshToken = form.get('refresh_token') ?? '';
  const record = state.tokens.refreshToken(refreshToken);
  if (!record || record.revoked || record.appId !== app.appId) {
    throw new OAuthFailure(
      'BAD_REFRESH_TOKEN',
      'invalid_grant',
      'refresh token is invalid, expired or revoked',
    );
  }
  let refresh = record;
  if (app.rotateRefreshTokens) {
    state.tokens.revokeRefreshToken(record.token);
    refresh = state.tokens.issueRefreshToken({ ...record, createdAtMs: state.nowMs() });
  }
  const grant = issueAccessToken(state, refresh);
  return { status: 200, body: tokenResponse(state, grant, refresh) };
}

function accessTokenInfo(state: EmulatorState, grant: TokenGrant): Record<string, unknown> {
  const portal = state.portals.get(grant.portalId);
  return {
    token: grant.token,
    user: grant.userEmail,
    hub_domain: portal?.domain ?? '',
    scopes: grant.scopes,
    hub_id: grant.portalId,
    app_id: grant.appId,
    expires_in: Math.max(0, Math.floor((grant.expiresAtMs - state.nowMs()) / 1000)),
    user_id: grant.userId,
    token_type: 'access',
    is_private_distribution: false,
  };
}

function refreshTokenInfo(state: EmulatorState, record: RefreshTokenRecord): Record<string, unknown> {
  return {
    token: record.token,
    user: record.userEmail,
    hub_domain: state.portals.get(record.portalId)?.domain ?? '',
    scopes: record.scopes,
    hub_id: record.portalId,
    client_id: record.clientId,
    user_id: record.userId,
    token_type: 'refresh',
  };
}

/**
 * HubSpot sunsets the v1 OAuth API on 2027-02-16. What it will answer afterwards is not documented; the
 * emulator answers 410 Gone with HubSpot's error envelope, so a caller still on v1 fails loudly.
 */
function refuseV1AfterSunset(state: EmulatorState): void {
  const { v1SunsetAtMs, refuseV1Now } = state.settings.oauth;
  if (refuseV1Now || state.nowMs() >= v1SunsetAtMs) {
    throw new HubSpotApiError(
      410,
      'GONE',
      `The v1 OAuth API was sunset on ${new Date(v1SunsetAtMs).toISOString().slice(0, 10)}; use /oauth/v3/token, /oauth/v3/token/introspect and /oauth/v3/token/revoke.`,
    );
  }
}

function tokenNotFound(kind: string): HubSpotApiError {
  return new HubSpotApiError(404, 'OBJECT_NOT_FOUND', `${kind} token is not valid, expired or revoked`);
}

export function registerOAuthRoutes(router: Router, state: EmulatorState): void {
  router.add({
    method: 'GET',
    pattern: '/oauth/authorize',
    kind: 'page',
    handler: (ctx) => authorize(state, ctx),
  });
  router.add({
    method: 'POST',
    pattern: '/oauth/v1/token',
    kind: 'oauth',
    body: 'form',
    handler: (ctx) => {
      refuseV1AfterSunset(state);
      return token(state, ctx);
    },
  });
  for (const pattern of ['/oauth/v3/token', '/oauth/2026-03/token']) {
    router.add({ method: 'POST', pattern, kind: 'oauth', body: 'form', handler: (ctx) => token(state, ctx) });
  }
  router.add({
    method: 'GET',
    pattern: '/oauth/v1/access-tokens/:token',
    kind: 'oauth',
    handler: (ctx) => {
      refuseV1AfterSunset(state);
      const lookup = state.tokens.lookupAccessToken(ctx.params.token ?? '', state.nowMs());
      if (lookup.state !== 'valid') throw tokenNotFound('Access');
      return { status: 200, body: accessTokenInfo(state, lookup.grant) };
    },
  });
  router.add({
    method: 'GET',
    pattern: '/oauth/v1/refresh-tokens/:token',
    kind: 'oauth',
    handler: (ctx) => {
      refuseV1AfterSunset(state);
      const record = state.tokens.refreshToken(ctx.params.token ?? '');
      if (!record || record.revoked) throw tokenNotFound('Refresh');
      return { status: 200, body: refreshTokenInfo(state, record) };
    },
  });
  router.add({
    method: 'DELETE',
    pattern: '/oauth/v1/refresh-tokens/:token',
    kind: 'oauth',
    handler: (ctx) => {
      refuseV1AfterSunset(state);
      if (!state.tokens.revokeRefreshToken(ctx.params.token ?? '')) throw tokenNotFound('Refresh');
      return { status: 204 };
    },
  });
  for (const version of ['v3', '2026-03']) {
    router.add({
      method: 'POST',
      pattern: `/oauth/${version}/token/introspect`,
      kind: 'oauth',
      body: 'form',
      handler: (ctx) => {
        const app = clientFrom(state, ctx.form);
        const value = ctx.form.get('token') ?? '';
        const lookup = state.tokens.lookupAccessToken(value, state.nowMs());
        if (lookup.state === 'valid' && lookup.grant.appId === app.appId) {
          const info = accessTokenInfo(state, lookup.grant);
          return {
            status: 200,
            body: { active: true, ...info, client_id: app.clientId, token_use: 'access' },
          };
        }
        const refresh = state.tokens.refreshToken(value);
        if (refresh && !refresh.revoked && refresh.appId === app.appId) {
          return {
            status: 200,
            body: {
              active: true,
              ...refreshTokenInfo(state, refresh),
              app_id: app.appId,
              token_use: 'refresh',
            },
          };
        }
        return { status: 200, body: { active: false } };
      },
    });
    router.add({
      method: 'POST',
      pattern: `/oauth/${version}/token/revoke`,
      kind: 'oauth',
      body: 'form',
      handler: (ctx) => {
        const app = clientFrom(state, ctx.form);
        const value = ctx.form.get('token') ?? '';
        const refresh = state.tokens.refreshToken(value);
        if (refresh && refresh.appId === app.appId) state.tokens.revokeRefreshToken(value);
        const lookup = state.tokens.lookupAccessToken(value, state.nowMs());
        if (lookup.state !== 'unknown' && lookup.grant.appId === app.appId)
          state.tokens.revokeAccessToken(value);
        // RFC 7009: revoking an unknown token is not an error.
        return { status: 200 };
      },
    });
  }
}
