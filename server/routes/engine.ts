/**
 * The engine's endpoints for the settings page and the record card, all behind HubSpot signature v3 with
 * the portal taken from the signed query: a portal only ever reaches its own installation.
 */
import express, { type Router } from 'express';
import type { AppDeps } from '../deps';
import { engineDeps } from '../engine-deps';
import { getHealth } from '../handlers/sync/get-health';
import { getSettings } from '../handlers/sync/get-settings';
import { putPause } from '../handlers/sync/put-pause';
import { putSettings } from '../handlers/sync/put-settings';
import { requireHubSpotSignature, requireSignedPortal } from '../middleware/hubspot-signature';

/** A settings document with a hundred mappings is far below this. */
export const ENGINE_BODY_LIMIT = '256kb';

export function createEngineRouter(deps: AppDeps): Router {
  const engine = engineDeps(deps);
  const { context } = deps;
  const signed = [
    express.raw({ type: () => true, limit: ENGINE_BODY_LIMIT }),
    requireHubSpotSignature({
      clientSecret: context.app.hubspot.clientSecret,
      publicBaseUrl: context.app.publicBaseUrl,
      now: context.now,
    }),
    requireSignedPortal({ appId: context.app.hubspot.appId }),
  ];
  const router = express.Router();
  router.get('/api/settings', ...signed, getSettings(engine));
  router.put('/api/settings', ...signed, putSettings(engine));
  router.put('/api/sync/pause', ...signed, putPause(engine));
  router.get('/api/sync/health', ...signed, getHealth(engine));
  return router;
}
