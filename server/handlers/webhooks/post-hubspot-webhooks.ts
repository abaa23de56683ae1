import type { RequestHandler } from 'express';
import { parseWebhookDelivery, receiveHubspotEvents } from '../../../src/changes/hubspotWebhooks';
import type { AppDeps } from '../../deps';
import { sendError } from '../../middleware/errors';
import type { SignedRequest } from '../../middleware/hubspot-signature';

/**
 * HubSpot's webhook deliveries (after the signature check): the events are stored and their records marked
 * dirty before the answer, which comes within milliseconds; the sync itself runs later from the queue.
 * A body that is not a list of events is refused with what is wrong; nothing already stored is touched.
 */
export function postHubSpotWebhooks(deps: AppDeps): RequestHandler {
  const { context } = deps;
  const receiverDeps = {
    db: context.db,
    logger: context.logger,
    now: context.now,
    hubspotAppId: context.app.hubspot.appId,
  };
  return async (_req, res) => {
    const { rawBody } = res.locals.signed as SignedRequest;
    let body: unknown;
    try {
      body = JSON.parse(rawBody);
    } catch {
      sendError(res, 400, 'invalid_json', 'The body is not JSON; HubSpot sends a JSON array of events.');
      return;
    }
    const delivery = parseWebhookDelivery(body);
    if (!delivery.ok) {
      const first = delivery.problems[0];
      sendError(
        res,
        400,
        'invalid_events',
        `The body is not a list of HubSpot webhook events: ${first?.path ? `${first.path}: ` : ''}${first?.message ?? 'invalid'}.`,
        { problems: delivery.problems },
      );
      return;
    }
    const receipt = await receiveHubspotEvents(receiverDeps, delivery.events);
    context.metrics.webhookReceived(receipt);
    res.status(200).json(receipt);
  };
}
