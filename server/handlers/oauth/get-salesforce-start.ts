import type { RequestHandler } from 'express';
import { z } from 'zod';
import { HUBSPOT_INSTALL_PATH } from '../../../src/context';
import { salesforceEnvironments } from '../../../src/db/installations';
import { beginSalesforceConnect } from '../../../src/install/salesforce-connect';
import { isSecureOrigin, type AppDeps } from '../../deps';
import { ensureBrowserId } from '../../middleware/browser-cookie';
import { installErrorPage } from '../../pages/oauth-pages';
import { parseQuery } from './query';

const StartQuery = z
  .object({
    link: z.string().min(1).max(512).optional(),
    environment: z.enum(salesforceEnvironments).default('production'),
  })
  .loose();

/** Follows a connect link: bind the browser, then send the admin to the chosen Salesforce login host. */
export function getSalesforceStart(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const query = parseQuery(StartQuery, req, res);
    if (!query) return;
    const browserId = ensureBrowserId(req, res, isSecureOrigin(deps));
    const result = await beginSalesforceConnect(deps.context, {
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
    res.redirect(302, result.value);
  };
}
