import type { RequestHandler } from 'express';
import { z } from 'zod';
import { disconnectSalesforce } from '../../../src/install/salesforceDisconnect';
import { statusView } from '../../../src/install/status';
import type { AppDeps } from '../../deps';
import { sendError } from '../../middleware/errors';
import { personOf } from '../sync/engine-answers';
import { parseSignedBody } from './body';
import { signedInstallation } from './signed-installation';

/** Disconnects Salesforce: tokens revoked and deleted, sync paused, links and settings kept. */
export function postSalesforceDisconnect(deps: AppDeps): RequestHandler {
  return async (_req, res) => {
    if (!parseSignedBody(z.object({}).strict(), res)) return;
    const installation = await signedInstallation(deps, res);
    if (!installation) return;
    const result = await disconnectSalesforce(deps.context, installation.id, personOf(res));
    if (!result.ok) {
      sendError(res, result.error.httpStatus, result.error.code, result.error.message);
      return;
    }
    res.json({
      revoked: result.value.revoked,
      installation: statusView(deps.context.app, result.value.installation),
    });
  };
}
