import type { RequestHandler } from 'express';
import type { OpsSessions } from '../../middleware/ops-session';

/** Signing out: the session cookie goes, and the login page shows. */
export function postLogout(sessions: OpsSessions): RequestHandler {
  return (_req, res) => {
    sessions.end(res);
    res.redirect(303, '/ops');
  };
}
