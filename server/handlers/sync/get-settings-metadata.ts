import type { RequestHandler } from 'express';
import { liveMetadataView } from '../../../src/settings/metadataView';
import type { AppDeps } from '../../deps';
import { signedInstallation } from '../settings/signed-installation';

/** The HubSpot properties and Salesforce fields the settings page offers when adding a mapping. */
export function getSettingsMetadata(deps: AppDeps): RequestHandler {
  return async (_req, res) => {
    const installation = await signedInstallation(deps, res);
    if (!installation) return;
    res.json(
      await liveMetadataView({ context: deps.context, metadata: deps.context.liveMetadata }, installation),
    );
  };
}
