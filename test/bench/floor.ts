/**
 * The fewest API calls an initial sync of a dataset can make, given the batch sizes the APIs allow. The
 * benchmark reports the calls the bridge made next to this floor (target: at most 1.25 times it), in all and
 * per object type (people, companies, deals, associations).
 *
 * What the floor assumes the sync must do, per side and object:
 * - read every record once: HubSpot search pages of 200, Salesforce SOQL batches of 2,000 per object (200
 *   for Accounts and Opportunities: their mapped Description is a Long Text Area);
 * - create every record the other side lacks: HubSpot batches of 100, Salesforce collections of 200 per
 *   object (an upsert on the external id names one object);
 * - write every record that existed before once: a linked record carries its counterpart's id (HubSpot
 *   `salesforce_record_id`, Salesforce `HubSpot_Id__c`) and gets the values it lacked in the same write;
 *   records the bridge created carry the id from the start. Salesforce updates may mix objects.
 * Associations: HubSpot's are read once per record with v4 batch reads of 1,000 (contacts' companies,
 * deals' companies, deals' contacts); a primary company the other side has is one label write per 100, a
 * deal's contact one association write per 100. A Salesforce record's Account travels in its own write;
 * contact roles are read with one query per IN list of Opportunity ids a URL holds and created 200 a call.
 * Nothing else is in the floor: no owner or metadata lookups, no re-reads, no retries.
 */
import { packInClauses } from '../../src/connectors/salesforce/soql';
import type { DatasetExpectations } from './dataset';

export const BATCH_SIZES = {
  hubspotSearchPage: 200,
  hubspotBatchWrite: 100,
  /** A v4 associations batch read (`HUBSPOT_ASSOCIATION_READ_SIZE`). */
  hubspotAssociationRead: 1_000,
  salesforceQueryBatch: 2_000,
  /**
   * Salesforce hands out at most 200 rows a batch when a query selects a Long Text Area field: the shipped
   * Account and Opportunity mappings read `Description`.
   */
  salesforceLongTextQueryBatch: 200,
  salesforceCollection: 200,
} as const;

/** What the calls and the floor are broken down by: the synced object types, and their associations. */
export const OBJECT_GROUPS = ['people', 'companies', 'deals', 'associations'] as const;
export type ObjectGroup = (typeof OBJECT_GROUPS)[number];

/**
 * How many Opportunities' contact roles one query reads: as many 18-character ids as the IN list of
 * `readContactRoles` fits in a query's URL (the connector packs them the same way).
 */
export function contactRoleIdsPerQuery(): number {
  const ids = Array.from({ length: 2_000 }, (_, index) => `006${String(index).padStart(12, '0')}AAA`);
  const around = (where: string) =>
    `SELECT Id, OpportunityId, ContactId FROM OpportunityContactRole WHERE ${where} ORDER BY Id`;
  const clauses = packInClauses([{ field: 'OpportunityId', values: ids }], around);
  return (clauses[0]?.match(/'/g)?.length ?? 2) / 2;
}

export const CALLS_TARGET_RATIO = 1.25;

export interface FloorTerm {
  object: ObjectGroup;
  what: string;
  records: number;
  perCall: number;
  calls: number;
}

export interface SideFloor {
  terms: FloorTerm[];
  calls: number;
  /** The sum written out with this dataset's numbers. */
  formula: string;
}

export interface CallFloor {
  hubspot: SideFloor;
  salesforce: SideFloor;
  /** The same terms per object group (people alone when the data has no companies or deals). */
  byObject: Partial<Record<ObjectGroup, { hubspot: SideFloor; salesforce: SideFloor }>>;
  /** The rule, in words, independent of the numbers. */
  rule: string;
}

export type FloorInput = DatasetExpectations;

function term(object: ObjectGroup, what: string, records: number, perCall: number): FloorTerm {
  return { object, what, records, perCall, calls: Math.ceil(records / perCall) };
}

function side(terms: FloorTerm[]): SideFloor {
  const calls = terms.reduce((sum, item) => sum + item.calls, 0);
  const parts = terms.map((item) => `⌈${item.records}/${item.perCall}⌉ ${item.what}`);
  return {
    terms,
    calls,
    formula: `${parts.join(' + ')} = ${terms.map((item) => item.calls).join(' + ')} = ${calls}`,
  };
}

export function callFloor(input: FloorInput): CallFloor {
  const sizes = BATCH_SIZES;
  const hubspot: FloorTerm[] = [
    term('people', 'search pages', input.hubspotContacts, sizes.hubspotSearchPage),
    term('people', 'batch creates', input.salesforceOnly, sizes.hubspotBatchWrite),
    term('people', 'batch updates', input.matched + input.hubspotOnlyCreatable, sizes.hubspotBatchWrite),
  ];
  const salesforce: FloorTerm[] = [
    term('people', 'Contact query batches', input.salesforceContacts, sizes.salesforceQueryBatch),
    term('people', 'Lead query batches', input.salesforceLeads, sizes.salesforceQueryBatch),
    term('people', 'Contact upserts', input.hubspotOnlyCreatableAs.Contact, sizes.salesforceCollection),
    term('people', 'Lead upserts', input.hubspotOnlyCreatableAs.Lead, sizes.salesforceCollection),
    term('people', 'collection updates', input.matched + input.salesforceOnly, sizes.salesforceCollection),
  ];
  const crm = input.crm;
  if (crm) {
    hubspot.push(
      term('companies', 'company search pages', crm.hubspotCompanies, sizes.hubspotSearchPage),
      term('companies', 'company batch creates', crm.salesforceOnlyAccounts, sizes.hubspotBatchWrite),
      term('companies', 'company batch updates', crm.hubspotCompanies, sizes.hubspotBatchWrite),
      term('deals', 'deal search pages', crm.hubspotDeals, sizes.hubspotSearchPage),
      term('deals', 'deal batch creates', crm.salesforceOpportunities, sizes.hubspotBatchWrite),
      term('deals', 'deal batch updates', crm.hubspotDeals, sizes.hubspotBatchWrite),
      term('associations', 'contact→company reads', input.hubspotContacts, sizes.hubspotAssociationRead),
      term('associations', 'deal→company reads', crm.hubspotDeals, sizes.hubspotAssociationRead),
      term('associations', 'deal→contact reads', crm.hubspotDeals, sizes.hubspotAssociationRead),
      term(
        'associations',
        'contact primary-company labels',
        crm.contactCompaniesToHubspot,
        sizes.hubspotBatchWrite,
      ),
      term(
        'associations',
        'deal primary-company labels',
        crm.dealCompaniesToHubspot,
        sizes.hubspotBatchWrite,
      ),
      term('associations', 'deal–contact creates', crm.dealContactsToHubspot, sizes.hubspotBatchWrite),
    );
    salesforce.push(
      term('companies', 'Account query batches', crm.salesforceAccounts, sizes.salesforceLongTextQueryBatch),
      term('companies', 'Account upserts', crm.hubspotOnlyCompanies, sizes.salesforceCollection),
      term('companies', 'Account updates', crm.salesforceAccounts, sizes.salesforceCollection),
      term(
        'deals',
        'Opportunity query batches',
        crm.salesforceOpportunities,
        sizes.salesforceLongTextQueryBatch,
      ),
      term('deals', 'Opportunity upserts', crm.hubspotDeals, sizes.salesforceCollection),
      term('deals', 'Opportunity updates', crm.salesforceOpportunities, sizes.salesforceCollection),
      term('associations', 'contact-role queries', crm.salesforceOpportunities, contactRoleIdsPerQuery()),
      term('associations', 'contact-role creates', crm.contactRolesToSalesforce, sizes.salesforceCollection),
    );
  }
  const byObject: CallFloor['byObject'] = {};
  for (const object of OBJECT_GROUPS) {
    const own = (terms: FloorTerm[]) => terms.filter((item) => item.object === object);
    if (own(hubspot).length + own(salesforce).length === 0) continue;
    byObject[object] = { hubspot: side(own(hubspot)), salesforce: side(own(salesforce)) };
  }
  return {
    hubspot: side(hubspot),
    salesforce: side(salesforce),
    byObject,
    rule:
      'per side and object: read every record once (HubSpot search pages of 200; Salesforce SOQL batches of ' +
      '2,000 per object, 200 for Accounts and Opportunities, whose Description is long text) + create what the other side lacks (HubSpot batches of 100; Salesforce collections ' +
      'of 200 per object) + write every pre-existing linked record once (its cross-id and missing values; ' +
      'HubSpot batches of 100, Salesforce collections of 200). Associations: HubSpot v4 batch reads of 1,000 ' +
      "records per association (contact→company, deal→company, deal→contact); a Salesforce record's Account " +
      'travels in its own write, a HubSpot primary company is one label write per 100, a deal–contact ' +
      'association one write per 100; contact roles are read with one query per IN list of Opportunity ids ' +
      'a URL holds and created 200 per collection.',
  };
}
