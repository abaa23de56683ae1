import type { RequestHandler } from 'express';
import { z } from 'zod';
import { salesforceEnvironments } from '../../../src/db/installations';
import { createSalesforceConnectUrl } from '../../../src/install/salesforceLinks';
import type { AppDeps } from '../../deps';
import { sendError } from '../../middleware/errors';
import { personOf } from '../sync/engine-answers';
import { parseSignedBody } from './body';
import { signedInstallation } from './signed-installation';

const Body = z.object({ environment: z.enum(salesforceEnvironments) }).strict();

/** A single-use link (ten minutes) that starts connecting Salesforce for the signed portal's installation. */
export function postSalesforceConnectUrl(deps: AppDeps): RequestHandler {
  return async (_req, res) => {
    const body = parseSignedBody(Body, res);
    if (!body) return;
    const installation = await signedInstallation(deps, res);
    if (!installation) return;
    if (installation.state.hubspot !== 'connected') {
      sendError(
        res,
        409,
        'hubspot_uninstalled',
        'The app is uninstalled from this portal; install it again first.',
      );
      return;
    }
    res.json(await createSalesforceConnectUrl(deps.context, installation, body.environment, personOf(res)));
  };
}
