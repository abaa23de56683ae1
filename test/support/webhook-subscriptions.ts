/**
 * The app's webhook subscriptions as the HubSpot project declares them
 * (hubspot-app/src/app/webhooks/webhooks-hsmeta.json), set on a HubSpot emulator through its control API, so
 * tests and the sandbox receive exactly the events a real portal would send.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { HubSpotEmulator } from '../emulators/hubspot';

const Subscription = z.object({
  subscriptionType: z.string(),
  objectType: z.string().optional(),
  propertyName: z.string().optional(),
  active: z.boolean().default(true),
});

const WebhooksMeta = z.object({
  uid: z.string(),
  type: z.literal('webhooks'),
  config: z.object({
    settings: z.object({ targetUrl: z.string().url(), maxConcurrentRequests: z.number().int() }),
    subscriptions: z.object({
      crmObjects: z.array(Subscription).default([]),
      legacyCrmObjects: z.array(Subscription).default([]),
      hubEvents: z.array(Subscription).default([]),
    }),
  }),
});
export type WebhooksMeta = z.infer<typeof WebhooksMeta>;

export const WEBHOOKS_META_PATH = path.join(
  __dirname,
  '..',
  '..',
  'hubspot-app',
  'src',
  'app',
  'webhooks',
  'webhooks-hsmeta.json',
);

export function readWebhooksMeta(): WebhooksMeta {
  return WebhooksMeta.parse(JSON.parse(fs.readFileSync(WEBHOOKS_META_PATH, 'utf8')));
}

export function declaredSubscriptions(meta: WebhooksMeta = readWebhooksMeta()) {
  const { crmObjects, legacyCrmObjects, hubEvents } = meta.config.subscriptions;
  return [...crmObjects, ...legacyCrmObjects, ...hubEvents];
}

/** Subscribes the bridge app on the emulator as its project would, delivering to `bridgeBaseUrl`. */
export async function subscribeBridgeWebhooks(
  emulator: HubSpotEmulator,
  bridgeBaseUrl: string,
  options: { maxConcurrentRequests?: number } = {},
): Promise<void> {
  const meta = readWebhooksMeta();
  await emulator.control.setWebhooks(emulator.bridgeApp.appId, {
    targetUrl: `${bridgeBaseUrl}${new URL(meta.config.settings.targetUrl).pathname}`,
    maxConcurrentRequests: options.maxConcurrentRequests ?? meta.config.settings.maxConcurrentRequests,
    subscriptions: declaredSubscriptions(meta).map((subscription) => ({
      subscriptionType: subscription.subscriptionType,
      ...(subscription.objectType ? { objectType: subscription.objectType } : {}),
      ...(subscription.propertyName ? { propertyName: subscription.propertyName } : {}),
      active: subscription.active,
    })),
  });
}
