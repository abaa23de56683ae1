/**
 * Puts a planned dataset into the emulators through their control APIs, in bulk: one call seeds the whole
 * HubSpot portal, one call per Salesforce object creates its records (the control API takes 50,000 at once).
 * Nothing here spends an API call the benchmarks count.
 */
import type { HubSpotEmulatorControl } from '../emulators/hubspot';
import type { SalesforceControlClient } from '../emulators/salesforce';
import {
  blockedInSalesforce,
  creationTargetOf,
  planDataset,
  type Dataset,
  type HubspotContactSnapshot,
  type PlannedAccount,
} from './dataset';
import { crmExpectations, planAssociations, planCompanies, type CrmPlan } from './dataset-crm';

/** The user records are made by: not the user the bridge connects as, so no seed looks like an echo. */
export const SALESFORCE_SEED_USER = 'rep@sandbox.example';
const CREATE_CHUNK = 50_000;

export interface SeedSizes {
  hubspotContacts: number;
  salesforceRecords: number;
  randomSeed: number;
  /** Companies and Accounts in all (0: the portal's own few companies, and no Accounts to match them). */
  companies?: number;
  /** Deals and Opportunities in all. */
  deals?: number;
}

/** The companies and deals seeded beside the people, with the ids each side gave them. */
export interface SeededCrm {
  plan: CrmPlan;
  /** Per company of the plan: its HubSpot id, or null when HubSpot does not hold it. */
  hubspotCompanyIds: Array<string | null>;
  /** Per company of the plan: its Account id, or null when Salesforce does not hold it. */
  accountIds: Array<string | null>;
  hubspotDealIds: string[];
  opportunityIds: string[];
}

export interface SeededData {
  dataset: Dataset;
  hubspotContactIds: string[];
  /** Salesforce ids in the order of `dataset.records`. */
  salesforceIds: string[];
  /** HubSpot id → Salesforce id of the people planned on both sides. */
  sharedPairs: Map<string, string>;
  crm: SeededCrm | null;
  seedMs: number;
}

export async function seedBothSides(
  hubspot: HubSpotEmulatorControl,
  salesforce: SalesforceControlClient,
  portalId: number,
  sizes: SeedSizes,
): Promise<SeededData> {
  const startedAt = Date.now();
  const withCrm = (sizes.companies ?? 0) > 0 || (sizes.deals ?? 0) > 0;
  const seeded = await hubspot.seed(portalId, {
    seed: sizes.randomSeed,
    owners: 4,
    // With companies planned here, the portal's own (near-duplicate, domain-less) companies stay out.
    companies: withCrm ? 0 : Math.max(5, Math.round(sizes.hubspotContacts / 25)),
    contacts: sizes.hubspotContacts,
    deals: 0,
  });
  const portal = await hubspot.portal(portalId);
  const hubspotOwners = new Map(portal.users.map((user) => [user.ownerId, user.email.toLowerCase()]));
  const { results } = await hubspot.records(portalId, 'contacts');
  let contacts: HubspotContactSnapshot[] = results
    .filter((record) => !record.archived)
    .map((record) => ({ id: record.id, properties: record.properties }));

  const ownerEmails = [...new Set(hubspotOwners.values())].sort();
  const crmSizes = { companies: sizes.companies ?? 0, deals: sizes.deals ?? 0 };
  const companies = withCrm
    ? planCompanies({ hubspotContacts: contacts, ownerEmails, sizes: crmSizes, randomSeed: sizes.randomSeed })
    : null;
  if (companies) {
    contacts = contacts.map((contact) => {
      const company = companies.companyText.get(contact.id);
      return company ? { id: contact.id, properties: { ...contact.properties, company } } : contact;
    });
  }
  let dataset = planDataset({
    hubspotContacts: contacts,
    hubspotOwners,
    salesforceRecords: sizes.salesforceRecords,
    randomSeed: sizes.randomSeed,
    ...(companies
      ? {
          accounts: companies.accountCompanyIndexes.map(
            (index) => companies.companies[index]!.salesforce as PlannedAccount,
          ),
        }
      : {}),
  });
  let plan: CrmPlan | null = null;
  if (companies) {
    const shared = new Set(dataset.records.flatMap((record) => (record.hubspotId ? [record.hubspotId] : [])));
    const hubspotOnlyContactIds = contacts
      .filter(
        (contact) =>
          !shared.has(contact.id) &&
          !blockedInSalesforce(contact.properties) &&
          creationTargetOf(contact.properties) === 'Contact',
      )
      .map((contact) => contact.id);
    const associations = planAssociations({
      companies,
      records: dataset.records,
      hubspotOnlyContactIds,
      ownerEmails,
      sizes: crmSizes,
      randomSeed: sizes.randomSeed,
    });
    plan = { ...companies, deals: associations.deals, opportunities: associations.opportunities };
    dataset = {
      ...dataset,
      records: associations.records,
      expected: { ...dataset.expected, crm: crmExpectations(plan, associations.records) },
    };
  }

  const userIds = await ensureOwnersOnBothSides(hubspot, salesforce, portalId, [...hubspotOwners.values()]);
  const accountIds = await createInChunks(
    salesforce,
    'Account',
    dataset.accounts.map((account, index) => {
      const ownerEmail = plan?.companies[plan.accountCompanyIndexes[index]!]?.ownerEmail;
      const ownerId = ownerEmail ? userIds.get(ownerEmail) : undefined;
      return { ...account, ...(ownerId ? { OwnerId: ownerId } : {}) };
    }),
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
  const crm = plan
    ? await seedCrm(hubspot, salesforce, portalId, {
        plan,
        hubspotOwners,
        userIds,
        accountIds,
        salesforceIds,
      })
    : null;
  return {
    dataset,
    hubspotContactIds: seeded.contactIds,
    salesforceIds,
    sharedPairs,
    crm,
    seedMs: Date.now() - startedAt,
  };
}

interface CrmSeedInput {
  plan: CrmPlan;
  hubspotOwners: ReadonlyMap<string, string>;
  /** Email → Salesforce User id. */
  userIds: ReadonlyMap<string, string>;
  /** Account ids in the order of `plan.accountCompanyIndexes`. */
  accountIds: readonly string[];
  /** Salesforce ids in the order of the people plan's records. */
  salesforceIds: readonly string[];
}

/**
 * HubSpot's companies, the contacts' primary companies, the company names some contacts hold as text and
 * the deals with their associations (one control call each: the control API has no bulk create), then
 * Salesforce's Opportunities and contact roles (one control call per object). None is an API call.
 */
async function seedCrm(
  hubspot: HubSpotEmulatorControl,
  salesforce: SalesforceControlClient,
  portalId: number,
  input: CrmSeedInput,
): Promise<SeededCrm> {
  const { plan } = input;
  const user = hubspot.asUser(portalId);
  const ownerIdOf = new Map([...input.hubspotOwners].map(([ownerId, email]) => [email, ownerId]));
  const withOwner = (properties: Record<string, string>, email: string) => {
    const ownerId = ownerIdOf.get(email);
    return ownerId ? { ...properties, hubspot_owner_id: ownerId } : properties;
  };
  const hubspotCompanyIds: Array<string | null> = await inParallel(plan.companies, async (company) =>
    company.hubspot
      ? (await user.create('companies', withOwner(company.hubspot, company.ownerEmail))).id
      : null,
  );
  await inParallel([...plan.contactCompany], async ([contactId, companyIndex]) =>
    user.associate('contacts', contactId, 'companies', hubspotCompanyIds[companyIndex]!, { primary: true }),
  );
  await inParallel([...plan.companyText], async ([contactId, company]) =>
    user.update('contacts', contactId, { company }),
  );
  const hubspotDealIds = await inParallel(plan.deals, async (deal) => {
    const company = deal.companyIndex === null ? null : hubspotCompanyIds[deal.companyIndex];
    const created = await user.create('deals', withOwner(deal.hubspot, deal.ownerEmail), [
      ...(company ? [{ toObjectType: 'companies', toObjectId: company, primary: true }] : []),
      ...deal.hubspotContactIds.map((id) => ({ toObjectType: 'contacts', toObjectId: id })),
    ]);
    return created.id;
  });

  const accountIds: Array<string | null> = plan.companies.map(() => null);
  plan.accountCompanyIndexes.forEach((companyIndex, position) => {
    accountIds[companyIndex] = input.accountIds[position] ?? null;
  });
  const opportunityIds = await createInChunks(
    salesforce,
    'Opportunity',
    plan.opportunities.map((opportunity) => {
      const ownerId = input.userIds.get(opportunity.ownerEmail);
      const accountId = opportunity.accountIndex === null ? null : input.accountIds[opportunity.accountIndex];
      return {
        ...opportunity.salesforce,
        ...(ownerId ? { OwnerId: ownerId } : {}),
        ...(accountId ? { AccountId: accountId } : {}),
      };
    }),
  );
  await createInChunks(
    salesforce,
    'OpportunityContactRole',
    plan.opportunities.flatMap((opportunity, index) =>
      opportunity.contactRecordIndexes.map((recordIndex, position) => ({
        OpportunityId: opportunityIds[index]!,
        ContactId: input.salesforceIds[recordIndex]!,
        ...(position === 0 ? { IsPrimary: true, Role: 'Decision Maker' } : {}),
      })),
    ),
  );
  return { plan, hubspotCompanyIds, accountIds, hubspotDealIds, opportunityIds };
}

/** Runs `task` over the items, a few at a time, keeping their order. */
async function inParallel<T, R>(items: readonly T[], task: (item: T) => Promise<R>, width = 8): Promise<R[]> {
  const results = new Array<R>(items.length);
  let nextIndex = 0;
  const worker = async () => {
    while (nextIndex < items.length) {
      const index = nextIndex;
      nextIndex += 1;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  return results;
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
