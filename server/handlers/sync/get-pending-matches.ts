import type { RequestHandler } from 'express';
import { listPendingMatches } from '../../../src/sync/engineApi';
import type { AppDeps } from '../../deps';
import { signedInstallation } from '../settings/signed-installation';

/** Records waiting for a person to pick among their candidates. */
export function getPendingMatches(deps: AppDeps): RequestHandler {
  return async (_req, res) => {
    const installation = await signedInstallation(deps, res);
    if (!installation) return;
    res.json({ pendingMatches: await listPendingMatches(deps.context.engine, installation.id) });
  };
}
