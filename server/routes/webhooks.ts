/**
 * Where HubSpot delivers webhook events: `POST /webhooks/hubspot`, signature v3 on the raw body (the
 * subscriptions are in hubspot-app/src/app/webhooks/webhooks-hsmeta.json).
 */
import express, { type Router } from 'express';
import type { AppDeps } from '../deps';
import { postHubSpotWebhooks } from '../handlers/webhooks/post-hubspot-webhooks';
import { requireHubSpotSignature } from '../middleware/hubspot-signature';

export const HUBSPOT_WEBHOOK_PATH = '/webhooks/hubspot';
/** HubSpot sends at most 100 events of well under a kilobyte each. */
export const WEBHOOK_BODY_LIMIT = '512kb';

export function createWebhookRouter(deps: AppDeps): Router {
  const { context } = deps;
  const router = express.Router();
  router.post(
    HUBSPOT_WEBHOOK_PATH,
    express.raw({ type: () => true, limit: WEBHOOK_BODY_LIMIT }),
    requireHubSpotSignature({
      clientSecret: context.app.hubspot.clientSecret,
      publicBaseUrl: context.app.publicBaseUrl,
      now: context.now,
    }),
    postHubSpotWebhooks(deps),
  );
  return router;
}
