import type { RequestHandler } from 'express';
import { z } from 'zod';
import { OPERATOR } from '../../../src/domain/actors';
import { setAdminPause } from '../../../src/settings/pause';
import type { AppDeps } from '../../deps';

const Params = z.object({ installationId: z.uuid() });

/**
 * Pause or resume an installation's sync from the dashboard: the admin's own switch (the settings page shows
 * it moved), so resuming never starts a sync a lost connection holds. The audit log names the operator.
 */
export function postPause(deps: AppDeps, paused: boolean): RequestHandler {
  return async (req, res) => {
    const params = Params.safeParse(req.params);
    if (!params.success) {
      res.redirect(303, '/ops?notice=missing');
      return;
    }
    const { installationId } = params.data;
    const result = await setAdminPause(deps.context, installationId, paused, OPERATOR);
    if (!result.ok) {
      res.redirect(303, '/ops?notice=missing');
      return;
    }
    deps.context.logger.info({ installationId, paused }, 'operator changed the pause from the dashboard');
    res.redirect(303, `/ops?notice=${paused ? 'paused' : 'resumed'}#installation-${installationId}`);
  };
}
