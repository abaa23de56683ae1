import express, { type RequestHandler } from 'express';
import { z } from 'zod';
import { HUBSPOT_INSTALL_PATH } from '../../../src/auth/bridgeContext';
import { salesforceEnvironments } from '../../../src/db/installations';
import { beginSalesforceConnect } from '../../../src/install/salesforceStart';
import type { AppDeps } from '../../deps';
import { readBrowserId } from '../../middleware/browser-cookie';
import { errorPage, installErrorPage } from '../../pages/oauth-pages';

/** The connect link page's form: three short fields. */
export const startFormBody = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });

const StartForm = z.object({
  link: z.string().min(1).max(512),
  environment: z.enum(salesforceEnvironments),
  confirm: z.string().min(1).max(128),
});

/** "Continue to Salesforce": uses the link up, binds this browser, and redirects to the login host. */
export function postSalesforceStart(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const form = StartForm.safeParse(req.body);
    if (!form.success) {
      res
        .status(400)
        .type('html')
        .send(
          errorPage({
            title: 'This request is malformed',
            whatHappened: 'The form that continues to Salesforce arrived incomplete.',
            whatToDo: 'Open the connect link again and press "Continue to Salesforce" on the page it shows.',
            retry: [],
          }),
        );
      return;
    }
    const result = await beginSalesforceConnect(deps.context, {
      link: form.data.link,
      environment: form.data.environment,
      confirmToken: form.data.confirm,
      browserId: readBrowserId(req),
    });
    if (!result.ok) {
      deps.context.logger.warn({ code: result.error.code, provider: 'salesforce' }, 'connect link refused');
      res
        .status(result.error.httpStatus)
        .type('html')
        .send(installErrorPage(result.error, HUBSPOT_INSTALL_PATH, null));
      return;
    }
    // 303: the browser follows with a GET, as Salesforce's authorize endpoint expects.
    res.redirect(303, result.value);
  };
}
