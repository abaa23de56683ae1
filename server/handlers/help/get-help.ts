import type { RequestHandler } from 'express';
import { HUBSPOT_INSTALL_PATH } from '../../../src/auth/bridgeContext';
import type { AppDeps } from '../../deps';
import { helpPage } from '../../pages/help-page';

/** The documentation and support page the marketplace listing links to. */
export function getHelp(deps: AppDeps): RequestHandler {
  return (_req, res) => {
    res
      .type('html')
      .send(helpPage({ installUrl: `${deps.context.app.publicBaseUrl}${HUBSPOT_INSTALL_PATH}` }));
  };
}
