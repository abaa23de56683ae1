import type { RequestHandler } from 'express';
import { z } from 'zod';
import { setAdminPause } from '../../../src/settings/pause';
import type { AppDeps } from '../../deps';
import { sendError } from '../../middleware/errors';
import { parseSignedBody } from '../settings/body';
import { signedInstallation } from '../settings/signed-installation';
import { personOf } from './engine-answers';

/**
 * The admin's pause switch. While paused, changes are still recorded (webhooks and polls keep marking
 * records); on resume the queue catches up.
 */
export function putPause(deps: AppDeps): RequestHandler {
  return async (_req, res) => {
    const body = parseSignedBody(z.object({ paused: z.boolean() }).strict(), res);
    if (!body) return;
    const installation = await signedInstallation(deps, res);
    if (!installation) return;
    const result = await setAdminPause(deps.context, installation.id, body.paused, personOf(res));
    if (!result.ok) {
      sendError(res, 409, result.error.code, result.error.message);
      return;
    }
    res.json({
      pausedByAdmin: result.value.state.pausedByAdmin,
      syncPaused: result.value.syncPaused,
      reason: result.value.pauseReason,
    });
  };
}
