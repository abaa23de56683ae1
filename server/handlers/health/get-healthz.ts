import type { RequestHandler } from 'express';
import type { AppDeps } from '../../deps';
import { sendError } from '../../middleware/errors';

/** Liveness and readiness: the process answers and the database responds. */
export function getHealthz(deps: AppDeps): RequestHandler {
  return async (_req, res) => {
    try {
      await deps.context.db.raw('select 1');
    } catch {
      sendError(res, 503, 'database_unavailable', 'The database does not respond.');
      return;
    }
    res.json({ status: 'ok', database: 'ok' });
  };
}
