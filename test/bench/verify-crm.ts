/**
 * Companies, deals and their associations checked from outside after a sync, as `verify.ts` checks people:
 * every company and Account, deal and Opportunity linked exactly once (the planned domain pairs to each
 * other), no domain on two live records of one side, every converging field equal, and every association
 * the same on both sides through the links: a contact's primary company and its Contact's Account, a deal's
 * primary company and its Opportunity's Account, a deal's contacts and its Opportunity's contact roles.
 * Nothing the seed associated may be gone.
 *
 * Read through the emulators' control API and SOQL as a rep, after the call counters were read.
 */
import type { CountryCode } from 'libphonenumber-js';
import { LINKS, type LinkRow } from '../../src/db/links';
import type { Settings } from '../../src/domain/settings/schema';
import { canonicalEquals } from '../../src/domain/transforms/canonical';
import { createTransform } from '../../src/domain/transforms/index';
import { indexOwners } from '../../src/domain/transforms/owner';
import { normalizeDomain } from '../../src/domain/transforms/text';
import type { RawRecord } from '../emulators/hubspot/control/client';
import { salesforceSessionOf } from '../support/stack/salesforce-login';
import type { Stack } from '../support/stack/stack';
import type { CrmExpectations } from './dataset-crm';
import { SALESFORCE_SEED_USER, type SeededCrm } from './seed';
import { CONVERGING_RULES, currentSettings } from './verify';

/** HubSpot's association type ids: primary company of a contact, of a deal; a deal's contacts. */
const CONTACT_PRIMARY_COMPANY = 1;
const DEAL_PRIMARY_COMPANY = 5;

export interface CrmVerification {
  equal: boolean;
  companyLinks: number;
  expectedCompanyLinks: number;
  dealLinks: number;
  expectedDealLinks: number;
  /** Live records of each kind not linked (all must be). */
  unlinked: { companies: number; accounts: number; deals: number; opportunities: number };
  /** Planned domain pairs not linked to each other. */
  companyPairsMissed: number;
  /** Domains held by more than one live record of one side. */
  duplicateDomains: { hubspot: number; salesforce: number };
  /** Linked records whose field differs, per `object.field`. */
  fieldMismatches: Record<string, number>;
  /** Linked records whose association differs between the sides, per association. */
  associationMismatches: Record<string, number>;
  /** Associations the seed made that are gone after the sync, per association. */
  associationsLost: Record<string, number>;
  /** Contact roles or deal contacts naming the same person twice. */
  duplicateAssociations: number;
  samples: string[];
}

interface SalesforceRow {
  Id: string;
  fields: Record<string, unknown>;
}

const id15 = (id: unknown) => String(id ?? '').slice(0, 15);

export async function verifyCrm(
  stack: Stack,
  installationId: string,
  expected: CrmExpectations,
  seeded: SeededCrm,
): Promise<CrmVerification> {
  const db = stack.db();
  const settings = await currentSettings(db, installationId);
  const [portal, users, companies, contacts, deals, links] = await Promise.all([
    stack.hubspot.control.portal(stack.portalId),
    stack.salesforce.control.listUsers(),
    stack.hubspot.control.records(stack.portalId, 'companies'),
    stack.hubspot.control.records(stack.portalId, 'contacts'),
    stack.hubspot.control.records(stack.portalId, 'deals'),
    db<LinkRow>(LINKS).where({ installation_id: installationId, state: 'active' }),
  ]);
  const live = (records: { results: RawRecord[] }) =>
    new Map(records.results.filter((record) => !record.archived).map((record) => [record.id, record]));
  const hubspot = { companies: live(companies), contacts: live(contacts), deals: live(deals) };
  const salesforce = await readSalesforce(stack, settings);

  const linksOf = (type: string) => links.filter((link) => link.hubspot_object_type === type);
  const toSalesforce = (type: string) =>
    new Map(linksOf(type).map((link) => [link.hubspot_id, id15(link.salesforce_id)]));
  const companyLinks = linksOf('companies');
  const dealLinks = linksOf('deals');
  const accountOfCompany = toSalesforce('companies');
  const salesforceContactOf = toSalesforce('contacts');

  const samples: string[] = [];
  const note = (line: string) => {
    if (samples.length < 12) samples.push(line);
  };
  const fieldMismatches = compareFields(
    settings,
    { portal, users },
    [
      ['companies', 'Account', companyLinks, hubspot.companies, salesforce.Account],
      ['deals', 'Opportunity', dealLinks, hubspot.deals, salesforce.Opportunity],
    ],
    note,
  );

  const associationMismatches: Record<string, number> = {};
  const differ = (key: string, line: string) => {
    associationMismatches[key] = (associationMismatches[key] ?? 0) + 1;
    note(line);
  };
  const primaryOf = (record: RawRecord, typeId: number) =>
    record.associations.companies?.find((target) => target.typeIds.includes(typeId))?.id ?? null;
  for (const link of linksOf('contacts')) {
    const contact = hubspot.contacts.get(link.hubspot_id);
    const row = salesforce.Contact.get(id15(link.salesforce_id));
    if (!contact || !row) continue; // a Lead has no Account
    const company = primaryOf(contact, CONTACT_PRIMARY_COMPANY);
    const want = company === null ? '' : (accountOfCompany.get(company) ?? `unlinked company ${company}`);
    if (want !== id15(row.fields.AccountId))
      differ(
        'contact primary company',
        `contact ${contact.id} company ${company} ≠ Contact ${row.Id} Account ${String(row.fields.AccountId)}`,
      );
  }
  const roles = new Map<string, string[]>();
  for (const role of salesforce.OpportunityContactRole.values()) {
    const key = id15(role.fields.OpportunityId);
    roles.set(key, [...(roles.get(key) ?? []), id15(role.fields.ContactId)]);
  }
  let duplicateAssociations = 0;
  for (const link of dealLinks) {
    const deal = hubspot.deals.get(link.hubspot_id);
    const row = salesforce.Opportunity.get(id15(link.salesforce_id));
    if (!deal || !row) continue;
    const company = primaryOf(deal, DEAL_PRIMARY_COMPANY);
    const want = company === null ? '' : (accountOfCompany.get(company) ?? `unlinked company ${company}`);
    if (want !== id15(row.fields.AccountId))
      differ(
        'deal primary company',
        `deal ${deal.id} company ${company} ≠ Opportunity ${row.Id} Account ${String(row.fields.AccountId)}`,
      );
    const dealContacts = (deal.associations.contacts ?? []).map((target) => target.id);
    const contactRoles = roles.get(row.Id.slice(0, 15)) ?? [];
    if (new Set(contactRoles).size !== contactRoles.length) duplicateAssociations += 1;
    if (new Set(dealContacts).size !== dealContacts.length) duplicateAssociations += 1;
    const left = [
      ...new Set(dealContacts.map((id) => salesforceContactOf.get(id) ?? `unlinked ${id}`)),
    ].sort();
    const right = [...new Set(contactRoles)].sort();
    if (left.join() !== right.join())
      differ(
        'deal contacts',
        `deal ${deal.id} contacts [${left.join(' ')}] ≠ Opportunity ${row.Id} roles [${right.join(' ')}]`,
      );
  }

  const associationsLost = lostAssociations(seeded, hubspot, salesforce, roles);
  const duplicateDomains = {
    hubspot: duplicates([...hubspot.companies.values()].map((record) => record.properties.domain)),
    salesforce: duplicates(
      [...salesforce.Account.values()].map((row) => row.fields.Website as string | null),
    ),
  };
  const linkedHubspot = (type: string) => new Set(linksOf(type).map((link) => link.hubspot_id));
  const linkedSalesforce = (type: string) => new Set(linksOf(type).map((link) => id15(link.salesforce_id)));
  const unlinked = {
    companies: [...hubspot.companies.keys()].filter((id) => !linkedHubspot('companies').has(id)).length,
    accounts: [...salesforce.Account.keys()].filter((id) => !linkedSalesforce('companies').has(id)).length,
    deals: [...hubspot.deals.keys()].filter((id) => !linkedHubspot('deals').has(id)).length,
    opportunities: [...salesforce.Opportunity.keys()].filter((id) => !linkedSalesforce('deals').has(id))
      .length,
  };
  const companyPairsMissed = seeded.plan.companies.filter((_, index) => {
    const hubspotId = seeded.hubspotCompanyIds[index];
    const accountId = seeded.accountIds[index];
    return hubspotId && accountId && accountOfCompany.get(hubspotId) !== id15(accountId);
  }).length;
  const expectedCompanyLinks = expected.hubspotCompanies + expected.salesforceOnlyAccounts;
  const expectedDealLinks = expected.hubspotDeals + expected.salesforceOpportunities;
  const result: Omit<CrmVerification, 'equal'> = {
    companyLinks: companyLinks.length,
    expectedCompanyLinks,
    dealLinks: dealLinks.length,
    expectedDealLinks,
    unlinked,
    companyPairsMissed,
    duplicateDomains,
    fieldMismatches,
    associationMismatches,
    associationsLost,
    duplicateAssociations,
    samples,
  };
  return {
    ...result,
    equal:
      companyLinks.length === expectedCompanyLinks &&
      dealLinks.length === expectedDealLinks &&
      Object.values(unlinked).every((count) => count === 0) &&
      companyPairsMissed === 0 &&
      duplicateDomains.hubspot === 0 &&
      duplicateDomains.salesforce === 0 &&
      Object.keys(fieldMismatches).length === 0 &&
      Object.keys(associationMismatches).length === 0 &&
      Object.keys(associationsLost).length === 0 &&
      duplicateAssociations === 0,
  };
}

type FieldCheck = [
  object: 'companies' | 'deals',
  salesforceType: 'Account' | 'Opportunity',
  links: LinkRow[],
  hubspot: Map<string, RawRecord>,
  salesforce: Map<string, SalesforceRow>,
];

function compareFields(
  settings: Settings,
  directory: {
    portal: Awaited<ReturnType<Stack['hubspot']['control']['portal']>>;
    users: Awaited<ReturnType<Stack['salesforce']['control']['listUsers']>>;
  },
  checks: FieldCheck[],
  note: (line: string) => void,
): Record<string, number> {
  const owners = indexOwners({
    hubspotOwners: directory.portal.users.map((user) => ({
      id: user.ownerId,
      email: user.email,
      archived: user.archived,
    })),
    salesforceUsers: directory.users.map((user) => ({
      id: user.id,
      email: user.email,
      isActive: user.isActive,
    })),
  });
  const context = { phoneDefaultCountry: settings.phoneDefaultCountry as CountryCode, owners };
  const mismatches: Record<string, number> = {};
  for (const [object, type, links, hubspot, salesforce] of checks) {
    const mappings = convergingMappings(settings, object);
    const transforms = mappings.map((mapping) => ({
      mapping,
      field: (mapping.salesforceFields as Partial<Record<string, string | null>>)[type],
      transform: createTransform(mapping.transform, context),
    }));
    for (const link of links) {
      const hs = hubspot.get(link.hubspot_id);
      const sf = salesforce.get(id15(link.salesforce_id));
      if (!hs || !sf) continue;
      for (const { mapping, field, transform } of transforms) {
        if (!field) continue;
        const left = transform.fromHubspot(hs.properties[mapping.hubspotProperty] ?? null);
        const right = transform.fromSalesforce(
          (sf.fields[field] as string | number | boolean | null) ?? null,
        );
        if (left.ok && right.ok && canonicalEquals(left.value, right.value)) continue;
        const key = `${object}.${mapping.key}`;
        mismatches[key] = (mismatches[key] ?? 0) + 1;
        note(
          `${key}: HubSpot ${hs.id} "${String(hs.properties[mapping.hubspotProperty])}" ≠ ${type} ${sf.Id} "${String(sf.fields[field])}"`,
        );
      }
    }
  }
  return mismatches;
}

function convergingMappings(settings: Settings, object: 'companies' | 'deals') {
  return settings.objects[object].fields.filter(
    (mapping) => CONVERGING_RULES.has(mapping.rule) && mapping.transform.kind !== 'association',
  );
}

/** Every association the seed made, still there after the sync (on the side it was made). */
function lostAssociations(
  seeded: SeededCrm,
  hubspot: { contacts: Map<string, RawRecord>; deals: Map<string, RawRecord> },
  salesforce: Record<'Contact' | 'Opportunity', Map<string, SalesforceRow>>,
  roles: Map<string, string[]>,
): Record<string, number> {
  const lost: Record<string, number> = {};
  const count = (key: string) => (lost[key] = (lost[key] ?? 0) + 1);
  const companyIds = seeded.hubspotCompanyIds;
  for (const [contactId, companyIndex] of seeded.plan.contactCompany) {
    const contact = hubspot.contacts.get(contactId);
    const primary = contact?.associations.companies?.find((target) =>
      target.typeIds.includes(CONTACT_PRIMARY_COMPANY),
    );
    if (primary?.id !== companyIds[companyIndex]) count('contact primary company');
  }
  seeded.plan.deals.forEach((deal, index) => {
    const record = hubspot.deals.get(seeded.hubspotDealIds[index]!);
    const company = deal.companyIndex === null ? null : companyIds[deal.companyIndex];
    const primary = record?.associations.companies?.find((target) =>
      target.typeIds.includes(DEAL_PRIMARY_COMPANY),
    );
    if (company && primary?.id !== company) count('deal primary company');
    const contacts = new Set((record?.associations.contacts ?? []).map((target) => target.id));
    if (deal.hubspotContactIds.some((id) => !contacts.has(id))) count('deal contacts');
  });
  seeded.plan.opportunities.forEach((opportunity, index) => {
    const id = id15(seeded.opportunityIds[index]);
    const row = salesforce.Opportunity.get(id);
    const accountId =
      opportunity.accountIndex === null
        ? null
        : seeded.accountIds[seeded.plan.accountCompanyIndexes[opportunity.accountIndex]!];
    if (accountId && id15(row?.fields.AccountId) !== id15(accountId)) count('Opportunity Account');
    if ((roles.get(id)?.length ?? 0) < opportunity.contactRecordIndexes.length) count('contact roles');
  });
  return lost;
}

function duplicates(values: Iterable<string | null | undefined>): number {
  const seen = new Map<string, number>();
  for (const value of values) {
    const parsed = value ? normalizeDomain(value) : null;
    if (!parsed) continue;
    seen.set(parsed, (seen.get(parsed) ?? 0) + 1);
  }
  return [...seen.values()].filter((times) => times > 1).length;
}

/** Every live Account, Contact (its Account), Opportunity and contact role, keyed by the 15-character id. */
async function readSalesforce(
  stack: Stack,
  settings: Settings,
): Promise<
  Record<'Account' | 'Contact' | 'Opportunity' | 'OpportunityContactRole', Map<string, SalesforceRow>>
> {
  const connection = await salesforceSessionOf(stack.salesforce, SALESFORCE_SEED_USER);
  const fieldsOf = (object: 'companies' | 'deals', type: string, extra: string[]) => {
    const fields = new Set(['Id', ...extra]);
    for (const mapping of convergingMappings(settings, object)) {
      const field = (mapping.salesforceFields as Partial<Record<string, string | null>>)[type];
      if (field) fields.add(field);
    }
    return [...fields];
  };
  const queries: Array<['Account' | 'Contact' | 'Opportunity' | 'OpportunityContactRole', string[]]> = [
    ['Account', fieldsOf('companies', 'Account', ['Website'])],
    ['Contact', ['Id', 'AccountId']],
    ['Opportunity', fieldsOf('deals', 'Opportunity', ['AccountId'])],
    ['OpportunityContactRole', ['Id', 'OpportunityId', 'ContactId']],
  ];
  const result = {} as Record<(typeof queries)[number][0], Map<string, SalesforceRow>>;
  for (const [type, fields] of queries) {
    const answer = await connection.query<Record<string, unknown>>(
      `SELECT ${fields.join(', ')} FROM ${type}`,
      {
        autoFetch: true,
        maxFetch: 10_000_000,
      },
    );
    result[type] = new Map(
      answer.records.map((record) => [id15(record.Id), { Id: String(record.Id), fields: record }]),
    );
  }
  return result;
}
