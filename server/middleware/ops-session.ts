/**
 * The operator dashboard's browser session. Signing in posts the OPS_TOKEN once (compared in constant time);
 * the answer is a session cookie: HttpOnly, SameSite=Strict, `Secure` when the public origin is https, scoped
 * to /ops, holding an expiry and a random id signed with a key derived from the OPS_TOKEN (so every server
 * behind a load balancer accepts it, and changing the token signs everyone out). The token itself never
 * travels in a URL or a cookie.
 *
 * Every form the dashboard posts carries a token derived from the session id (a CSRF token a page of another
 * site cannot read), and a POST whose Origin is not the bridge's own is refused before that.
 *
 *   no session ─► login page ─► POST /ops/login (token) ─► session cookie ─► dashboard ─► POST /ops/logout
 */
import crypto from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';

export const OPS_SESSION_COOKIE = 'bridge_ops_session';
export const OPS_COOKIE_PATH = '/ops';
/** A working day; signing in again after it is cheap, a stolen cookie's use is bounded. */
export const OPS_SESSION_TTL_MS = 12 * 60 * 60_000;

export interface OpsSession {
  readonly id: string;
  readonly expiresAt: number;
  /** The token every dashboard form carries back. */
  readonly csrfToken: string;
}

export interface OpsSessions {
  /** Whether the presented token is the OPS_TOKEN (constant time, whatever its length). */
  tokenMatches(presented: string): boolean;
  /** Starts a session: sets its cookie and returns it. */
  start(res: Response): OpsSession;
  /** The request's session, when its cookie is present, signed by us and not expired. */
  read(req: Request): OpsSession | null;
  end(res: Response): void;
  /** Refuses a POST whose Origin is another site's (403). */
  requireSameOrigin(): RequestHandler;
  /** Sends a POST without a session to the login page, and refuses one without the session's form token. */
  requireSessionForm(): RequestHandler;
}

const SESSION_PATTERN = /^(\d{1,16})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

function cookieOf(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}

const sameBytes = (a: string, b: string): boolean => {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && crypto.timingSafeEqual(left, right);
};

export function opsSessions(options: {
  opsToken: string;
  /** The bridge's public origin: cookies are `Secure` under https, and forms are accepted from it only. */
  publicBaseUrl: string;
  now: () => number;
}): OpsSessions {
  const expected = crypto.createHash('sha256').update(options.opsToken).digest();
  const key = crypto.createHmac('sha256', options.opsToken).update('bridge ops session v1').digest();
  const sign = (text: string) => crypto.createHmac('sha256', key).update(text).digest('base64url');
  const secure = options.publicBaseUrl.startsWith('https://');
  const publicOrigin = new URL(options.publicBaseUrl).origin;
  // Browsers send Origin with every POST; a client that sends none is not a browser a page could drive.
  // Either the public origin, or the host this request reached (an operator on an internal name).
  const sameOrigin = (origin: string | undefined, host: string | undefined): boolean => {
    if (origin === undefined) return true;
    if (origin === publicOrigin) return true;
    try {
      return host !== undefined && new URL(origin).host === host;
    } catch {
      return false;
    }
  };
  const sessionOf = (id: string, expiresAt: number): OpsSession => ({
    id,
    expiresAt,
    csrfToken: sign(`csrf:${id}`),
  });

  const read = (req: Request): OpsSession | null => {
    const match = SESSION_PATTERN.exec(cookieOf(req, OPS_SESSION_COOKIE) ?? '');
    if (!match) return null;
    const [, expiry = '', id = '', signature = ''] = match;
    if (!sameBytes(signature, sign(`${expiry}.${id}`))) return null;
    const expiresAt = Number(expiry);
    return expiresAt > options.now() ? sessionOf(id, expiresAt) : null;
  };

  return {
    tokenMatches(presented) {
      // Hashing both sides gives equal lengths, so timingSafeEqual never leaks the token's length.
      return crypto.timingSafeEqual(expected, crypto.createHash('sha256').update(presented).digest());
    },
    start(res) {
      const id = crypto.randomBytes(16).toString('base64url');
      const expiresAt = options.now() + OPS_SESSION_TTL_MS;
      res.cookie(OPS_SESSION_COOKIE, `${expiresAt}.${id}.${sign(`${expiresAt}.${id}`)}`, {
        httpOnly: true,
        sameSite: 'strict',
        secure,
        path: OPS_COOKIE_PATH,
        maxAge: OPS_SESSION_TTL_MS,
      });
      return sessionOf(id, expiresAt);
    },
    read,
    end(res) {
      res.clearCookie(OPS_SESSION_COOKIE, {
        httpOnly: true,
        sameSite: 'strict',
        secure,
        path: OPS_COOKIE_PATH,
      });
    },
    requireSameOrigin() {
      return (req, res, next) => {
        if (!sameOrigin(req.get('origin'), req.get('host'))) {
          res.status(403).type('text').send("This form may be posted only from the bridge's own pages.");
          return;
        }
        next();
      };
    },
    requireSessionForm() {
      return (req, res, next) => {
        const session = read(req);
        if (!session) {
          res.redirect(303, OPS_COOKIE_PATH);
          return;
        }
        const body = (req.body ?? {}) as Record<string, unknown>;
        if (!sameBytes(typeof body.csrf === 'string' ? body.csrf : '', session.csrfToken)) {
          res.status(403).type('text').send('This form has expired: reload the dashboard and try again.');
          return;
        }
        res.locals.opsSession = session;
        next();
      };
    },
  };
}
