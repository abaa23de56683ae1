/**
 * The fewest API calls an initial sync of a dataset can make, given the batch sizes the APIs allow. The
 * benchmark reports the calls the bridge made next to this floor (target: at most 1.25 times it).
 *
 * What the floor assumes the sync must do, per side:
 * - read every record once: HubSpot search pages of 200, Salesforce SOQL batches of 2,000 per object;
 * - create every record the other side lacks: HubSpot batches of 100, Salesforce collections of 200 per
 *   object (an upsert on the external id names one object);
 * - write every record that existed before once: a linked record carries its counterpart's id (HubSpot
 *   `salesforce_record_id`, Salesforce `HubSpot_Id__c`) and gets the values it lacked in the same write;
 *   records the bridge created carry the id from the start. Salesforce updates may mix objects.
 * Nothing else is in the floor: no owner or metadata lookups, no re-reads, no retries.
 */
import type { DatasetExpectations } from './dataset';

export const BATCH_SIZES = {
  hubspotSearchPage: 200,
  hubspotBatchWrite: 100,
  salesforceQueryBatch: 2_000,
  salesforceCollection: 200,
} as const;

export const CALLS_TARGET_RATIO = 1.25;

export interface FloorTerm {
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
  /** The rule, in words, independent of the numbers. */
  rule: string;
}

export type FloorInput = DatasetExpectations;

function term(what: string, records: number, perCall: number): FloorTerm {
  return { what, records, perCall, calls: Math.ceil(records / perCall) };
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
  return {
    hubspot: side([
      term('search pages', input.hubspotContacts, sizes.hubspotSearchPage),
      term('batch creates', input.salesforceOnly, sizes.hubspotBatchWrite),
      term('batch updates', input.matched + input.hubspotOnlyCreatable, sizes.hubspotBatchWrite),
    ]),
    salesforce: side([
      term('Contact query batches', input.salesforceContacts, sizes.salesforceQueryBatch),
      term('Lead query batches', input.salesforceLeads, sizes.salesforceQueryBatch),
      term('Contact upserts', input.hubspotOnlyCreatableAs.Contact, sizes.salesforceCollection),
      term('Lead upserts', input.hubspotOnlyCreatableAs.Lead, sizes.salesforceCollection),
      term('collection updates', input.matched + input.salesforceOnly, sizes.salesforceCollection),
    ]),
    rule:
      'per side: read every record once (HubSpot search pages of 200; Salesforce SOQL batches of 2,000 per ' +
      'object) + create what the other side lacks (HubSpot batches of 100; Salesforce collections of 200 ' +
      'per object) + write every pre-existing linked record once (its cross-id and missing values; ' +
      'HubSpot batches of 100, Salesforce collections of 200)',
  };
}
