/**
 * OAuth state: authorization codes, refresh-token grants and access-token sessions. Sessions end
 * after a period of inactivity (as Salesforce session timeouts do) or when revoked; refresh tokens
 * end when revoked, rotated away, or pushed out by a newer grant beyond the per-user limit.
 */

import { randomBytes } from 'node:crypto';

export type LoginHost = 'production' | 'sandbox';

export interface AuthCode {
  code: string;
  clientId: string;
  redirectUri: string;
  orgId: string;
  userId: string;
  scope: string[];
  host: LoginHost;
  codeChallenge: string | null;
  expiresAtMs: number;
}

export interface RefreshGrant {
  token: string;
  clientId: string;
  orgId: string;
  userId: string;
  scope: string[];
  host: LoginHost;
  createdAtMs: number;
  lastUsedMs: number;
  revokedAtMs: number | null;
}

export interface Session {
  token: string;
  clientId: string;
  orgId: string;
  userId: string;
  scope: string[];
  host: LoginHost;
  /** The refresh token this session came from, so revoking it ends the session too. */
  refreshToken: string | null;
  issuedAtMs: number;
  lastUsedMs: number;
  revoked: boolean;
}

const CODE_LIFETIME_MS = 15 * 60 * 1000;

function random(bytes: number): string {
  return randomBytes(bytes).toString('base64').replace(/\+/g, '.').replace(/\//g, '_').replace(/=+$/, '');
}

export class OAuthStore {
  private readonly codes = new Map<string, AuthCode>();
  private readonly grants = new Map<string, RefreshGrant>();
  private readonly sessions = new Map<string, Session>();

  issueCode(fields: Omit<AuthCode, 'code' | 'expiresAtMs'>, nowMs: number): string {
    const code = `aPrx${random(48)}==`;
    this.codes.set(code, { ...fields, code, expiresAtMs: nowMs + CODE_LIFETIME_MS });
    return code;
  }

  /** Codes are single use: taking one removes it whatever happens next. */
  takeCode(code: string): AuthCode | undefined {
    const found = this.codes.get(code);
    this.codes.delete(code);
    return found;
  }

  issueGrant(
    fields: Omit<RefreshGrant, 'token' | 'createdAtMs' | 'lastUsedMs' | 'revokedAtMs'>,
    nowMs: number,
  ): RefreshGrant {
    const grant: RefreshGrant = {
      ...fields,
      token: `5Aep861${random(60)}`,
      createdAtMs: nowMs,
      lastUsedMs: nowMs,
      revokedAtMs: null,
    };
    this.grants.set(grant.token, grant);
    return grant;
  }

  /** Revokes the oldest live grants of a user for a client beyond `max`. */
  enforceGrantLimit(orgId: string, userId: string, clientId: string, max: number, nowMs: number): void {
    const live = [...this.grants.values()]
      .filter(
        (g) => g.orgId === orgId && g.userId === userId && g.clientId === clientId && g.revokedAtMs === null,
      )
      .sort((a, b) => a.createdAtMs - b.createdAtMs);
    for (const grant of live.slice(0, Math.max(0, live.length - max))) this.revokeGrant(grant, nowMs);
  }

  grant(token: string): RefreshGrant | undefined {
    const grant = this.grants.get(token);
    return grant && grant.revokedAtMs === null ? grant : undefined;
  }

  issueSession(
    fields: Omit<Session, 'token' | 'issuedAtMs' | 'lastUsedMs' | 'revoked'>,
    orgId15: string,
    nowMs: number,
  ): Session {
    const session: Session = {
      ...fields,
      token: `${orgId15}!AQ4AQ${random(72)}`,
      issuedAtMs: nowMs,
      lastUsedMs: nowMs,
      revoked: false,
    };
    this.sessions.set(session.token, session);
    return session;
  }

  /** The live session for a token, extending its inactivity timer; undefined when expired. */
  useSession(token: string, nowMs: number, ttlMs: number): Session | undefined {
    const session = this.sessions.get(token);
    if (!session || session.revoked) return undefined;
    if (nowMs - session.lastUsedMs > ttlMs) {
      session.revoked = true;
      return undefined;
    }
    session.lastUsedMs = nowMs;
    return session;
  }

  peekSession(token: string): Session | undefined {
    const session = this.sessions.get(token);
    return session && !session.revoked ? session : undefined;
  }

  revokeGrant(grant: RefreshGrant, nowMs: number, keepSessions = false): void {
    grant.revokedAtMs = nowMs;
    if (keepSessions) return;
    for (const session of this.sessions.values())
      if (session.refreshToken === grant.token) session.revoked = true;
  }

  /** Revokes an access or refresh token; false when the token is unknown or already dead. */
  revokeToken(token: string, nowMs: number): boolean {
    const grant = this.grant(token);
    if (grant) {
      this.revokeGrant(grant, nowMs);
      return true;
    }
    const session = this.peekSession(token);
    if (session) {
      session.revoked = true;
      return true;
    }
    return false;
  }

  expireSessions(filter: { orgId: string; userId?: string }): number {
    let count = 0;
    for (const session of this.sessions.values()) {
      if (session.revoked || session.orgId !== filter.orgId) continue;
      if (filter.userId && session.userId !== filter.userId) continue;
      session.revoked = true;
      count += 1;
    }
    return count;
  }

  revokeGrants(filter: { orgId: string; userId?: string }, nowMs: number, keepSessions = false): number {
    let count = 0;
    for (const grant of this.grants.values()) {
      if (grant.revokedAtMs !== null || grant.orgId !== filter.orgId) continue;
      if (filter.userId && grant.userId !== filter.userId) continue;
      this.revokeGrant(grant, nowMs, keepSessions);
      count += 1;
    }
    return count;
  }

  liveGrants(orgId: string): RefreshGrant[] {
    return [...this.grants.values()].filter((g) => g.orgId === orgId && g.revokedAtMs === null);
  }

  liveSessions(orgId: string, nowMs: number, ttlMs: number): Session[] {
    return [...this.sessions.values()].filter(
      (s) => s.orgId === orgId && !s.revoked && nowMs - s.lastUsedMs <= ttlMs,
    );
  }
}
