import type { RequestHandler } from 'express';
import { HUBSPOT_INSTALL_PATH } from '../../../src/auth/bridgeContext';
import { completeHubSpotInstall } from '../../../src/install/hubspotInstall';
import type { AppDeps } from '../../deps';
import { readBrowserId } from '../../middleware/browser-cookie';
import { installCompletePage, installErrorPage } from '../../pages/oauth-pages';
import { CallbackQuery, parseQuery } from './query';

/** Step 2: HubSpot sends the admin back; finish the install and offer the Salesforce step. */
export function getHubSpotCallback(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const query = parseQuery(CallbackQuery, req, res);
    if (!query) return;
    const result = await completeHubSpotInstall(deps.context, {
      state: query.state,
      code: query.code,
      error: query.error,
      errorDescription: query.error_description,
      browserId: readBrowserId(req),
    });
    if (!result.ok) {
      deps.context.logger.warn({ code: result.error.code, provider: 'hubspot' }, 'install refused');
      res
        .status(result.error.httpStatus)
        .type('html')
        .send(installErrorPage(result.error, HUBSPOT_INSTALL_PATH, null));
      return;
    }
    res.status(200).type('html').send(installCompletePage(result.value));
  };
}
