import type { RequestHandler } from 'express';
import { installationHealth } from '../../../src/sync/installationHealth';
import type { EngineDeps } from '../../engine-deps';
import { signedInstallation } from '../settings/signed-installation';

/** The portal's sync health: running or why not, queue, conflicts, failures, API budget, polls. */
export function getHealth(deps: EngineDeps): RequestHandler {
  return async (_req, res) => {
    const installation = await signedInstallation(deps, res);
    if (!installation) return;
    res.json(await installationHealth(deps.context.db, deps.budget, installation, deps.context.now()));
  };
}
