import type { RequestHandler } from 'express';
import { z } from 'zod';
import { confirmSalesforceConnection } from '../../../src/install/connectionConfirm';
import { statusView } from '../../../src/install/status';
import type { AppDeps } from '../../deps';
import { sendError } from '../../middleware/errors';
import { personOf } from '../sync/engine-answers';
import { parseSignedBody } from './body';
import { signedInstallation } from './signed-installation';

/** The org the settings manager saw on the Connection tab: a confirmation applies to that org only. */
const Body = z.object({ orgId: z.string().min(1).max(64) }).strict();

/** Confirms a Salesforce connection made from a settings-page link; sync starts (unless paused by an admin). */
export function postSalesforceConfirm(deps: AppDeps): RequestHandler {
  return async (_req, res) => {
    const body = parseSignedBody(Body, res);
    if (!body) return;
    const installation = await signedInstallation(deps, res);
    if (!installation) return;
    const result = await confirmSalesforceConnection(
      deps.context,
      installation.id,
      body.orgId,
      personOf(res),
    );
    if (!result.ok) {
      sendError(res, 409, result.error.code, result.error.message);
      return;
    }
    res.json({ installation: statusView(deps.context.app, result.value) });
  };
}
