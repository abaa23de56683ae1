/**
 * Puts a planned dataset into the emulators through their control APIs, in bulk: one call seeds the whole
 * HubSpot portal, one call per Salesforce object creates its records (the control API takes 50,000 at once).
 * Nothing here spends an API call the benchmarks count.
 */
import type { HubSpotEmulatorControl } from '../emulators/hubspot';
import type { SalesforceControlClient } from '../emulators/salesforce';
import { planDataset, type Dataset, type HubspotContactSnapshot } from './dataset';

/** The user records are made by: not the user the bridge connects as, so no seed looks like an echo. */
export const SALESFORCE_SEED_USER = 'rep@sandbox.example';
const CREATE_CHUNK = 50_000;

export interface SeedSizes {
  hubspotContacts: number;
  salesforceRecords: number;
  randomSeed: number;
}

export interface SeededData {
  dataset: Dataset;
  hubspotContactIds: string[];
  /** Salesforce ids in the order of `dataset.records`. */
  salesforceIds: string[];
  /** HubSpot id → Salesforce id of the people planned on both sides. */
  sharedPairs: Map<string, string>;
  seedMs: number;
}

export async function seedBothSides(
  hubspot: HubSpotEmulatorControl,
  salesforce: SalesforceControlClient,
  portalId: number,
  sizes: SeedSizes,
): Promise<SeededData> {
  const startedAt = Date.now();
  const seeded = await hubspot.seed(portalId, {
    seed: sizes.randomSeed,
    owners: 4,
    companies: Math.max(5, Math.round(sizes.hubspotContacts / 25)),
    contacts: sizes.hubspotContacts,
    deals: 0,
  });
  const portal = await hubspot.portal(portalId);
  const hubspotOwners = new Map(portal.users.map((user) => [user.ownerId, user.email.toLowerCase()]));
  const { results } = await hubspot.records(portalId, 'contacts');
  const contacts: HubspotContactSnapshot[] = results
    .filter((record) => !record.archived)
    .map((record) => ({ id: record.id, properties: record.properties }));

  const dataset = planDataset({
    hubspotContacts: contacts,
    hubspotOwners,
    salesforceRecords: sizes.salesforceRecords,
    randomSeed: sizes.randomSeed,
  });

  const userIds = await ensureOwnersOnBothSides(hubspot, salesforce, portalId, [...hubspotOwners.values()]);
  const accountIds = await createInChunks(
    salesforce,
    'Account',
    dataset.accounts.map((account) => ({ ...account })),
  );
  const salesforceIds: string[] = new Array<string>(dataset.records.length);
  for (const type of ['Contact', 'Lead'] as const) {
    const indexes = dataset.records.flatMap((record, index) => (record.type === type ? [index] : []));
    const rows = indexes.map((index) => {
      const record = dataset.records[index]!;
      const ownerId = userIds.get(record.ownerEmail);
      if (!ownerId) throw new Error(`no Salesforce user for owner ${record.ownerEmail}`);
      const accountId = record.accountIndex === null ? null : accountIds[record.accountIndex];
      return { ...record.fields, OwnerId: ownerId, ...(accountId ? { AccountId: accountId } : {}) };
    });
    const ids = await createInChunks(salesforce, type, rows);
    indexes.forEach((recordIndex, position) => (salesforceIds[recordIndex] = ids[position]!));
  }
  const sharedPairs = new Map<string, string>();
  dataset.records.forEach((record, index) => {
    if (record.hubspotId) sharedPairs.set(record.hubspotId, salesforceIds[index]!);
  });
  return {
    dataset,
    hubspotContactIds: seeded.contactIds,
    salesforceIds,
    sharedPairs,
    seedMs: Date.now() - startedAt,
  };
}

/**
 * Every HubSpot owner gets a Salesforce User with the same email, and the Salesforce users who own records
 * by default (the admin the bridge connects as, the rep) get HubSpot owners: owners map both ways.
 * Returns email → Salesforce User id.
 */
async function ensureOwnersOnBothSides(
  hubspot: HubSpotEmulatorControl,
  salesforce: SalesforceControlClient,
  portalId: number,
  hubspotOwnerEmails: string[],
): Promise<Map<string, string>> {
  const users = await salesforce.listUsers();
  const byEmail = new Map(users.map((user) => [user.email.toLowerCase(), user.id]));
  for (const email of hubspotOwnerEmails) {
    if (byEmail.has(email)) continue;
    const [local = 'owner'] = email.split('@');
    const created = await salesforce.createUser({ username: email, email, lastName: local });
    byEmail.set(email, created.id);
  }
  const known = new Set(hubspotOwnerEmails);
  for (const user of users) {
    const email = user.email.toLowerCase();
    if (!user.isActive || known.has(email)) continue;
    await hubspot.addOwner(portalId, { email, lastName: user.name });
  }
  return byEmail;
}

async function createInChunks(
  salesforce: SalesforceControlClient,
  type: string,
  rows: ReadonlyArray<Record<string, unknown>>,
): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < rows.length; start += CREATE_CHUNK) {
    const chunk = rows.slice(start, start + CREATE_CHUNK) as Record<string, unknown>[];
    ids.push(...(await salesforce.createRecords(type, chunk, { asUser: SALESFORCE_SEED_USER })));
  }
  return ids;
}
