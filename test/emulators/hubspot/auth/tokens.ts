/**
 * OAuth state: authorization codes, refresh tokens and access tokens, with their lifecycles.
 *
 *   code ──exchange (once, same redirect_uri, ≤ 10 min)──► refresh token + access token (1800 s)
 *   refresh token ──refresh──► new access token (+ a new refresh token when the app rotates them)
 *   refresh token ──revoke / uninstall──► dead (refresh refused: BAD_REFRESH_TOKEN)
 *
 * Access tokens stay valid until they expire, even after a refresh, as HubSpot's do; uninstalling an app
 * kills them at once.
 */
import crypto from 'node:crypto';

export interface TokenGrant {
  token: string;
  appId: number;
  portalId: number;
  userId: number;
  userEmail: string;
  scopes: string[];
  issuedAtMs: number;
  expiresAtMs: number;
  revoked: boolean;
  refreshToken: string | null;
}

export interface RefreshTokenRecord {
  token: string;
  appId: number;
  clientId: string;
  portalId: number;
  userId: number;
  userEmail: string;
  scopes: string[];
  createdAtMs: number;
  revoked: boolean;
}

export interface AuthorizationCode {
  code: string;
  appId: number;
  portalId: number;
  userId: number;
  userEmail: string;
  scopes: string[];
  redirectUri: string;
  expiresAtMs: number;
  used: boolean;
}

export type AccessTokenLookup =
  | { state: 'valid'; grant: TokenGrant }
  | { state: 'expired'; grant: TokenGrant; expiredForMs: number }
  | { state: 'unknown' };

export class TokenStore {
  private readonly codes = new Map<string, AuthorizationCode>();
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  private readonly accessTokens = new Map<string, TokenGrant>();

  issueCode(input: Omit<AuthorizationCode, 'code' | 'used'>): AuthorizationCode {
    const code: AuthorizationCode = { ...input, code: crypto.randomUUID(), used: false };
    this.codes.set(code.code, code);
    return code;
  }

  /** The code if it can still be exchanged; marks it used, so a replay fails. */
  consumeCode(code: string, nowMs: number): AuthorizationCode | null {
    const found = this.codes.get(code);
    if (!found || found.used || found.expiresAtMs <= nowMs) return null;
    found.used = true;
    return found;
  }

  issueRefreshToken(input: Omit<RefreshTokenRecord, 'token' | 'revoked'>): RefreshTokenRecord {
    const hex = crypto.randomBytes(16).toString('hex');
    const token = `na1-${hex.slice(0, 4)}-${hex.slice(4, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 28)}`;
    const record: RefreshTokenRecord = { ...input, token, revoked: false };
    this.refreshTokens.set(token, record);
    return record;
  }

  issueAccessToken(input: Omit<TokenGrant, 'token' | 'revoked'>): TokenGrant {
    const token = `CN${crypto.randomBytes(96).toString('base64url')}`;
    const grant: TokenGrant = { ...input, token, revoked: false };
    this.accessTokens.set(token, grant);
    return grant;
  }

  refreshToken(token: string): RefreshTokenRecord | null {
    return this.refreshTokens.get(token) ?? null;
  }

  lookupAccessToken(token: string, nowMs: number): AccessTokenLookup {
    const grant = this.accessTokens.get(token);
    if (!grant || grant.revoked) return { state: 'unknown' };
    if (grant.expiresAtMs <= nowMs)
      return { state: 'expired', grant, expiredForMs: nowMs - grant.expiresAtMs };
    return { state: 'valid', grant };
  }

  revokeRefreshToken(token: string): boolean {
    const record = this.refreshTokens.get(token);
    if (!record || record.revoked) return false;
    record.revoked = true;
    return true;
  }

  revokeAccessToken(token: string): boolean {
    const grant = this.accessTokens.get(token);
    if (!grant || grant.revoked) return false;
    grant.revoked = true;
    return true;
  }

  /** Makes every live access token of the app (optionally in one portal) expire now. Returns how many. */
  expireAccessTokens(appId: number, nowMs: number, portalId?: number): number {
    let count = 0;
    for (const grant of this.accessTokens.values()) {
      if (grant.appId !== appId || grant.revoked || grant.expiresAtMs <= nowMs) continue;
      if (portalId !== undefined && grant.portalId !== portalId) continue;
      grant.expiresAtMs = nowMs;
      count += 1;
    }
    return count;
  }

  /** Uninstall: every refresh and access token of the app in the portal dies. Returns how many refresh tokens. */
  revokeInstallation(appId: number, portalId: number): number {
    let count = 0;
    for (const record of this.refreshTokens.values()) {
      if (record.appId === appId && record.portalId === portalId && !record.revoked) {
        record.revoked = true;
        count += 1;
      }
    }
    for (const grant of this.accessTokens.values()) {
      if (grant.appId === appId && grant.portalId === portalId) grant.revoked = true;
    }
    return count;
  }

  clear(): void {
    this.codes.clear();
    this.refreshTokens.clear();
    this.accessTokens.clear();
  }
}
