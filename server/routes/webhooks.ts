/**
 * Where HubSpot delivers webhook events: `POST /webhooks/hubspot`, signature v3 on the raw body (the
 * subscriptions are in hubspot-app/src/app/webhooks/webhooks-hsmeta.json).
 *
 * HubSpot signs hubspot.fetch requests from cards with the same secret and the same algorithm, so a valid
 * signature alone does not make a webhook delivery: a card's request carries the user's identity in the query,
 * which HubSpot never adds to a delivery, and is refused here. Each event's `appId` is checked too (in the
 * receiver), since the portal the events name comes from the body.
 */
import express, { type RequestHandler, type Router } from 'express';
import type { BridgeMetrics, WebhookRequestOutcome } from '../../src/ops/metrics';
import type { AppDeps } from '../deps';
import { postHubSpotWebhooks } from '../handlers/webhooks/post-hubspot-webhooks';
import { sendError } from '../middleware/errors';
import { requireHubSpotSignature } from '../middleware/hubspot-signature';

export const HUBSPOT_WEBHOOK_PATH = '/webhooks/hubspot';
/** HubSpot sends at most 100 events of well under a kilobyte each. */
export const WEBHOOK_BODY_LIMIT = '512kb';

/** What HubSpot's proxy appends to a hubspot.fetch request (lower-cased); webhook deliveries carry none. */
const IDENTITY_PARAMETERS = new Set(['userid', 'portalid', 'useremail', 'appid']);

export const refuseSignedFetchRequests: RequestHandler = (req, res, next) => {
  const found = Object.keys(req.query).filter((key) => IDENTITY_PARAMETERS.has(key.toLowerCase()));
  if (found.length > 0) {
    sendError(
      res,
      403,
      'not_a_webhook_delivery',
      'This request carries the identity parameters HubSpot adds to hubspot.fetch requests from cards; ' +
        'webhook deliveries never do, so it is not accepted as one.',
      { parameters: found },
    );
    return;
  }
  next();
};

/** A delivery's outcome, from the status it was answered with (every refusal below has its own). */
export function webhookOutcomeOf(status: number): WebhookRequestOutcome {
  switch (status) {
    case 200:
      return 'accepted';
    case 401:
      return 'invalid_signature';
    case 403:
      return 'not_a_webhook_delivery';
    case 413:
      return 'body_too_large';
    default:
      return status >= 500 ? 'error' : 'invalid_body';
  }
}

/** Counts every delivery by how it was answered, refusals included (bridge_webhook_requests_total). */
function countDeliveries(metrics: BridgeMetrics): RequestHandler {
  return (_req, res, next) => {
    res.on('finish', () => metrics.webhookRequest(webhookOutcomeOf(res.statusCode)));
    next();
  };
}

export function createWebhookRouter(deps: AppDeps): Router {
  const { context } = deps;
  const router = express.Router();
  router.post(
    HUBSPOT_WEBHOOK_PATH,
    countDeliveries(context.metrics),
    refuseSignedFetchRequests,
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
