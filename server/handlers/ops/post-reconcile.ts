import type { RequestHandler } from 'express';
import { z } from 'zod';
import * as installations from '../../../src/db/installations';
import { OPERATOR } from '../../../src/domain/actors';
import { requestReconciliation } from '../../../src/reconcile/job';
import type { AppDeps } from '../../deps';

const Params = z.object({ installationId: z.uuid() });

/**
 * "Reconcile now" from the dashboard: asks for a full comparison of the installation's two systems, which
 * the next worker tick takes (a run already waiting or going on stands instead of a second one).
 */
export function postReconcile(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const params = Params.safeParse(req.params);
    const installation = params.success
      ? await installations.findById(deps.context.db, params.data.installationId)
      : null;
    if (!installation) {
      res.redirect(303, '/ops?notice=missing');
      return;
    }
    const { report, alreadyPending } = await requestReconciliation(
      deps.context.db,
      installation.id,
      OPERATOR,
      deps.context.now(),
    );
    deps.context.logger.info(
      { installationId: installation.id, reportId: report.id, alreadyPending },
      'operator asked for a reconciliation from the dashboard',
    );
    res.redirect(303, `/ops?notice=reconcile_requested#installation-${installation.id}`);
  };
}
