/**
 * The app's webhook subscriptions, as HubSpot would set them from the project definition
 * (hubspot-app/src/app/webhooks/webhooks-hsmeta.json), installed in the emulator for the bridge app with the
 * target URL of the running bridge. In real life HubSpot reads that file at deploy time; here the emulator's
 * control API plays that part, so the sandbox and the benchmarks receive the same events production would.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { HubSpotEmulatorControl } from '../../emulators/hubspot';
import { PROJECT_ROOT } from './bridge-process';

export const WEBHOOKS_DEFINITION = path.join(
  PROJECT_ROOT,
  'hubspot-app/src/app/webhooks/webhooks-hsmeta.json',
);

const SubscriptionSchema = z.object({
  subscriptionType: z.string(),
  objectType: z.string().optional(),
  propertyName: z.string().optional(),
  active: z.boolean().default(true),
});

const WebhooksDefinitionSchema = z.object({
  type: z.literal('webhooks'),
  config: z.object({
    settings: z.object({
      targetUrl: z.string().url(),
      maxConcurrentRequests: z.number().int().min(1).max(100).default(10),
    }),
    subscriptions: z.object({
      crmObjects: z.array(SubscriptionSchema).default([]),
      legacyCrmObjects: z.array(SubscriptionSchema).default([]),
    }),
  }),
});
export type WebhooksDefinition = z.infer<typeof WebhooksDefinitionSchema>;

/** The project's definition, or null while the project defines no webhooks. */
export function readWebhooksDefinition(file = WEBHOOKS_DEFINITION): WebhooksDefinition | null {
  if (!fs.existsSync(file)) return null;
  return WebhooksDefinitionSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
}

/**
 * Subscribes the bridge app in the emulator. The target keeps the definition's path on the bridge's own
 * origin. Returns how many subscriptions were set (0 when the project defines none).
 */
export async function subscribeBridgeWebhooks(
  control: HubSpotEmulatorControl,
  appId: number,
  bridgeBaseUrl: string,
  definition = readWebhooksDefinition(),
): Promise<number> {
  if (!definition) return 0;
  const { settings, subscriptions } = definition.config;
  const all = [...subscriptions.crmObjects, ...subscriptions.legacyCrmObjects];
  await control.setWebhooks(appId, {
    targetUrl: new URL(new URL(settings.targetUrl).pathname, bridgeBaseUrl).toString(),
    maxConcurrentRequests: settings.maxConcurrentRequests,
    subscriptions: all.map((subscription) => ({
      subscriptionType: subscription.subscriptionType,
      active: subscription.active,
      ...(subscription.objectType ? { objectType: subscription.objectType } : {}),
      ...(subscription.propertyName ? { propertyName: subscription.propertyName } : {}),
    })),
  });
  return all.length;
}
