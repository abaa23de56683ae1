import type { RequestHandler } from 'express';
import { HUBSPOT_INSTALL_PATH } from '../../../src/auth/bridgeContext';
import { completeSalesforceConnect } from '../../../src/install/salesforceConnect';
import type { AppDeps } from '../../deps';
import { readBrowserId } from '../../middleware/browser-cookie';
import { installErrorPage, salesforceConnectedPage } from '../../pages/oauth-pages';
import { CallbackQuery, parseQuery } from './query';

/** Salesforce sends the admin back: store the connection, check the org, show the result. */
export function getSalesforceCallback(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const query = parseQuery(CallbackQuery, req, res);
    if (!query) return;
    const result = await completeSalesforceConnect(deps.context, {
      state: query.state,
      code: query.code,
      error: query.error,
      errorDescription: query.error_description,
      browserId: readBrowserId(req),
    });
    if (!result.ok) {
      const { error, retryLinks } = result.error;
      deps.context.logger.warn({ code: error.code, provider: 'salesforce' }, 'Salesforce connection refused');
      res
        .status(error.httpStatus)
        .type('html')
        .send(installErrorPage(error, HUBSPOT_INSTALL_PATH, retryLinks));
      return;
    }
    res.status(200).type('html').send(salesforceConnectedPage(result.value));
  };
}
