import type { RequestHandler } from 'express';
import type { AppDeps } from '../../deps';
import type { OpsSessions } from '../../middleware/ops-session';
import { loginPage } from '../../pages/ops-page';
import { setOpsPageHeaders } from './ops-page-headers';

/** Wrong tokens a process accepts per minute before it refuses every sign-in until the minute ends. */
export const LOGIN_FAILURES_PER_MINUTE = 10;

/**
 * Signing in: the operator token, posted from the login page, compared in constant time; a session cookie
 * and a redirect to the dashboard when it matches. Guessing is slowed to a few tries a minute per process.
 */
export function postLogin(deps: AppDeps, sessions: OpsSessions): RequestHandler {
  let windowStart = 0;
  let failures = 0;
  return (req, res) => {
    setOpsPageHeaders(res);
    const now = deps.context.now();
    if (now - windowStart >= 60_000) {
      windowStart = now;
      failures = 0;
    }
    if (failures >= LOGIN_FAILURES_PER_MINUTE) {
      res
        .status(429)
        .set('Retry-After', String(Math.ceil((windowStart + 60_000 - now) / 1000)))
        .type('html')
        .send(loginPage({ error: 'Too many wrong tokens: wait a minute, then try again.' }));
      return;
    }
    const body = (req.body ?? {}) as Record<string, unknown>;
    const token = typeof body.token === 'string' ? body.token : '';
    if (!sessions.tokenMatches(token)) {
      failures += 1;
      deps.context.logger.warn({ failures }, 'operator sign-in refused: wrong token');
      res
        .status(401)
        .type('html')
        .send(loginPage({ error: 'That is not the operator token.' }));
      return;
    }
    sessions.start(res);
    deps.context.logger.info({}, 'operator signed in');
    res.redirect(303, '/ops');
  };
}
