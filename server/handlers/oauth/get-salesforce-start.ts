import type { RequestHandler } from 'express';
import { z } from 'zod';
import { HUBSPOT_INSTALL_PATH, SALESFORCE_START_PATH } from '../../../src/auth/bridgeContext';
import { salesforceEnvironments } from '../../../src/db/installations';
import { reviewSalesforceLink } from '../../../src/install/salesforceStart';
import { isSecureOrigin, type AppDeps } from '../../deps';
import { ensureBrowserId } from '../../middleware/browser-cookie';
import { connectLinkPage } from '../../pages/connect-link-page';
import { installErrorPage } from '../../pages/oauth-pages';
import { parseQuery } from './query';

const StartQuery = z
  .object({
    link: z.string().min(1).max(512).optional(),
    environment: z.enum(salesforceEnvironments).default('production'),
  })
  .loose();

/**
 * Opens a connect link: a page naming the HubSpot account and who asked, with a button that continues (see
 * post-salesforce-start.ts). Uses nothing up; only sets the browser cookie if the browser had none.
 */
export function getSalesforceStart(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const query = parseQuery(StartQuery, req, res);
    if (!query) return;
    const browserId = ensureBrowserId(req, res, isSecureOrigin(deps));
    const result = await reviewSalesforceLink(deps.context, {
      link: query.link,
      environment: query.environment,
      browserId,
    });
    if (!result.ok) {
      deps.context.logger.warn({ code: result.error.code, provider: 'salesforce' }, 'connect link refused');
      res
        .status(result.error.httpStatus)
        .type('html')
        .send(installErrorPage(result.error, HUBSPOT_INSTALL_PATH, null));
      return;
    }
    const action = `${deps.context.app.publicBaseUrl}${SALESFORCE_START_PATH}`;
    // The form posts here, and the answer redirects to the login host, which may redirect on to the org's
    // own domain: form-action is checked along the whole chain.
    res.set(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; " +
        `form-action ${new URL(action).origin} ${result.value.loginOrigin} https:`,
    );
    res.status(200).type('html').send(connectLinkPage(result.value, action));
  };
}
