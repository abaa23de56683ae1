/**
 * The apps the emulator knows: the bridge (from HUBSPOT_CLIENT_ID / HUBSPOT_CLIENT_SECRET / HUBSPOT_APP_ID unless
 * options say otherwise) and, always, a second integration installed in every portal, so that tests can make
 * changes that come from "another app" (changeSource INTEGRATION with a different sourceId).
 */

export interface AppDefinition {
  appId: number;
  clientId: string;
  clientSecret: string;
  name: string;
}

export const OTHER_INTEGRATION: AppDefinition = Object.freeze({
  appId: 990001,
  clientId: 'other-integration',
  clientSecret: 'other-integration-secret',
  name: 'Other integration',
});

export const DEFAULT_BRIDGE_APP: AppDefinition = Object.freeze({
  appId: 2000001,
  clientId: 'bridge-client-id',
  clientSecret: 'bridge-client-secret',
  name: 'Salesforce Bridge',
});

/** Every scope the emulator checks; tokens issued by the control API default to all of them. */
export const ALL_SCOPES = [
  'oauth',
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.objects.companies.read',
  'crm.objects.companies.write',
  'crm.objects.deals.read',
  'crm.objects.deals.write',
  'crm.objects.owners.read',
  'crm.schemas.contacts.read',
  'crm.schemas.contacts.write',
  'crm.schemas.companies.read',
  'crm.schemas.companies.write',
  'crm.schemas.deals.read',
  'crm.schemas.deals.write',
  'settings.users.read',
];

export interface WebhookSubscription {
  id: number;
  /** e.g. `contact.propertyChange`, `object.creation`, `contact.privacyDeletion`. */
  subscriptionType: string;
  /** For generic `object.*` types: the object type id (`0-1`) the subscription covers. */
  objectTypeId: string | null;
  propertyName: string | null;
  active: boolean;
}

export interface WebhookSettings {
  targetUrl: string;
  maxConcurrentRequests: number;
  subscriptions: WebhookSubscription[];
}

export interface AppRuntime extends AppDefinition {
  rotateRefreshTokens: boolean;
  webhooks: WebhookSettings | null;
}

/** Resolves the bridge app from explicit options first, then the environment, then fixed defaults. */
export function bridgeAppFrom(
  env: Record<string, string | undefined>,
  override: Partial<AppDefinition> = {},
): AppDefinition {
  const envAppId =
    env.HUBSPOT_APP_ID && /^\d+$/.test(env.HUBSPOT_APP_ID) ? Number(env.HUBSPOT_APP_ID) : undefined;
  return {
    appId: override.appId ?? envAppId ?? DEFAULT_BRIDGE_APP.appId,
    clientId: override.clientId ?? (env.HUBSPOT_CLIENT_ID || DEFAULT_BRIDGE_APP.clientId),
    clientSecret: override.clientSecret ?? (env.HUBSPOT_CLIENT_SECRET || DEFAULT_BRIDGE_APP.clientSecret),
    name: override.name ?? DEFAULT_BRIDGE_APP.name,
  };
}
