import type { RequestHandler } from 'express';
import { statusView } from '../../../src/install/status';
import type { AppDeps } from '../../deps';
import { signedInstallation } from './signed-installation';

/** The settings page's view of its own installation (the portal comes from the signed request). */
export function getInstallationStatus(deps: AppDeps): RequestHandler {
  return async (_req, res) => {
    const installation = await signedInstallation(deps, res);
    if (!installation) return;
    res.json({ installation: statusView(deps.context.app, installation) });
  };
}
