import type { RequestHandler } from 'express';
import { readSettings } from '../../../src/settings/saveSettings';
import type { AppDeps } from '../../deps';
import { signedInstallation } from '../settings/signed-installation';

/** The portal's settings document, what the engine runs with, and how it fares against live metadata. */
export function getSettings(deps: AppDeps): RequestHandler {
  return async (_req, res) => {
    const installation = await signedInstallation(deps, res);
    if (!installation) return;
    res.json(
      await readSettings({ context: deps.context, metadata: deps.context.liveMetadata }, installation),
    );
  };
}
