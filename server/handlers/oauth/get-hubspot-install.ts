import type { RequestHandler } from 'express';
import { beginHubSpotInstall } from '../../../src/install/hubspotInstall';
import { isSecureOrigin, type AppDeps } from '../../deps';
import { ensureBrowserId } from '../../middleware/browser-cookie';

/** Step 1: bind the browser and send the admin to HubSpot to approve the install. */
export function getHubSpotInstall(deps: AppDeps): RequestHandler {
  return (req, res) => {
    const browserId = ensureBrowserId(req, res, isSecureOrigin(deps));
    res.redirect(302, beginHubSpotInstall(deps.context, browserId));
  };
}
