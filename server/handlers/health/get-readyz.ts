import type { RequestHandler } from 'express';
import { checkReadiness } from '../../../src/ops/readiness';
import type { AppDeps } from '../../deps';
import { sendError } from '../../middleware/errors';

/**
 * Readiness: the database answers, every migration is applied and a worker's heartbeat is fresh (200 with
 * each check), or 503 saying which check failed and why. `/healthz` says only that this process answers.
 */
export function getReadyz(deps: AppDeps): RequestHandler {
  return async (_req, res) => {
    const readiness = await checkReadiness(deps.context);
    res.set('Cache-Control', 'no-store');
    if (!readiness.ready) {
      sendError(res, 503, 'not_ready', readiness.reasons.join(' '), {
        reasons: readiness.reasons,
        checks: readiness.checks,
      });
      return;
    }
    res.json({ status: 'ready', checks: readiness.checks });
  };
}
