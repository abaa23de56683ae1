import type { Response } from 'express';
import * as installations from '../../../src/db/installations';
import type { AppDeps } from '../../deps';
import { sendError } from '../../middleware/errors';
import type { SignedPortal } from '../../middleware/hubspot-signature';

/** The installation of the portal that signed the request; answers 404 itself when there is none. */
export async function signedInstallation(
  deps: AppDeps,
  res: Response,
): Promise<installations.Installation | null> {
  const portal = res.locals.portal as SignedPortal;
  const installation = await installations.findByPortalId(deps.context.db, portal.portalId);
  if (!installation) {
    sendError(res, 404, 'installation_not_found', 'The app is not installed in this HubSpot portal.', {
      portalId: portal.portalId,
    });
    return null;
  }
  return installation;
}
