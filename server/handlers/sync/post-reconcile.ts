import type { RequestHandler } from 'express';
import { z } from 'zod';
import { requestReconciliation } from '../../../src/reconcile/job';
import type { AppDeps } from '../../deps';
import { parseSignedBody } from '../settings/body';
import { signedInstallation } from '../settings/signed-installation';
import { personOf } from './engine-answers';

/**
 * "Reconcile now" on the settings page: a full comparison of both systems with the links, taken by the next
 * worker tick. A run already waiting or going on is answered instead of a second one (`alreadyPending`).
 */
export function postReconcile(deps: AppDeps): RequestHandler {
  return async (_req, res) => {
    if (!parseSignedBody(z.object({}).strict(), res)) return;
    const installation = await signedInstallation(deps, res);
    if (!installation) return;
    const { report, alreadyPending } = await requestReconciliation(
      deps.context.db,
      installation.id,
      personOf(res),
      deps.context.now(),
    );
    res.status(202).json({ report, alreadyPending });
  };
}
