/**
 * The OAuth scopes the app asks for. They must equal `requiredScopes` in hubspot-app/src/app/app-hsmeta.json
 * (a test checks it): HubSpot refuses an install whose requested scopes differ from the app's settings.
 * `settings.users.read` lets the bridge ask who a signed-in user is (super admin, roles) before it lets them
 * change the settings.
 */
export const HUBSPOT_REQUIRED_SCOPES = [
  'oauth',
  'crm.objects.contacts.read',
  'crm.objects.contacts.write',
  'crm.objects.companies.read',
  'crm.objects.companies.write',
  'crm.objects.deals.read',
  'crm.objects.deals.write',
  'crm.objects.owners.read',
  'crm.schemas.contacts.write',
  'crm.schemas.companies.write',
  'crm.schemas.deals.write',
  'settings.users.read',
] as const;

export type HubSpotScope = (typeof HUBSPOT_REQUIRED_SCOPES)[number];

/** Required scopes a grant lacks; an empty list means the grant is complete. */
export function missingHubSpotScopes(granted: readonly string[]): string[] {
  const have = new Set(granted);
  return HUBSPOT_REQUIRED_SCOPES.filter((scope) => !have.has(scope));
}
