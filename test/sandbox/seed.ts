/**
 * The sandbox's data: both emulators' own realistic seeds (messy names, emails and phones, duplicates,
 * converted Leads, Opportunities), plus people who exist on both sides under the same email, so the first
 * sync has matches to find as well as records to create.
 */
import type { Stack } from '../support/stack/stack';
import { seedBothSides } from '../bench/seed';

export interface SandboxSeedSizes {
  hubspotContacts: number;
  salesforceRecords: number;
}

export const DEFAULT_SANDBOX_SEED: SandboxSeedSizes = { hubspotContacts: 120, salesforceRecords: 80 };

export async function seedSandbox(stack: Stack, sizes = DEFAULT_SANDBOX_SEED): Promise<string> {
  // Salesforce's own seed first: it adds the sellers, who then get HubSpot owners like everyone else.
  const salesforceSeed = await stack.salesforce.control.seed({ randomSeed: 7 });
  const planned = await seedBothSides(stack.hubspot.control, stack.salesforce.control, stack.portalId, {
    hubspotContacts: sizes.hubspotContacts,
    salesforceRecords: sizes.salesforceRecords,
    randomSeed: 7,
  });
  const counts = Object.entries(salesforceSeed)
    .filter(([, ids]) => Array.isArray(ids))
    .map(([kind, ids]) => `${(ids as unknown[]).length} ${kind}`)
    .join(', ');
  const { expected } = planned.dataset;
  return (
    `HubSpot: ${expected.hubspotContacts} contacts; Salesforce: ${expected.salesforceContacts} Contacts and ` +
    `${expected.salesforceLeads} Leads (${expected.matched} of them the same people as in HubSpot), plus its own seed (${counts})`
  );
}
