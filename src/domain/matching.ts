/**
 * Matching before any create: which existing record on the other side is the same person, if any.
 *
 * Levels, in order: the stored cross-id (the Salesforce id in a HubSpot property, the HubSpot id in a
 * Salesforce external-id field), then the normalized email (Salesforce Contacts before unconverted Leads)
 * or, for companies, the normalized web domain (HubSpot `domain` ⇄ Account `Website`),
 * then, for a HubSpot record whose create in Salesforce got no answer, the record that create made (see
 * lostCreates.ts).
 * The first level that finds anything decides: exactly one candidate links; two or more mean no guess,
 * a person picks. A candidate already linked to another record is never taken over. No candidate at any
 * level means the record may be created.
 *
 * The caller finds the candidates (a SOQL query or a HubSpot search by id and email) and passes them all;
 * the levels are decided here.
 */
import type {
  HubspotRecord,
  HubspotRef,
  SalesforceObjectType,
  SalesforceRecord,
  SalesforceRef,
} from './records';
import { hubspotRef, salesforceRef, sameSalesforceId } from './records';
import { normalizeDomain, normalizeEmail } from './transforms/text';

export type MatchBasis = 'cross_id' | 'email' | 'domain' | 'created_by_bridge';

export type MatchResult<Ref, Rec> =
  | { readonly kind: 'link'; readonly basis: MatchBasis; readonly target: Ref; readonly record: Rec | null }
  | { readonly kind: 'create' }
  | { readonly kind: 'ambiguous'; readonly basis: MatchBasis; readonly candidates: readonly Ref[] }
  | { readonly kind: 'linked_elsewhere'; readonly basis: MatchBasis; readonly candidate: Ref };

export type SalesforceMatch = MatchResult<SalesforceRef, SalesforceRecord>;
export type HubspotMatch = MatchResult<HubspotRef, HubspotRecord>;

/** Where each system keeps the values matching reads. */
export interface MatchKeys {
  /** The HubSpot property holding the Salesforce id. */
  readonly crossIdProperty: string;
  /** The Salesforce field holding the HubSpot id, per object (null: none). */
  readonly salesforceCrossIdField: Partial<Record<SalesforceObjectType, string | null>>;
  /** The HubSpot email property, when email is mapped. */
  readonly emailProperty: string | null;
  readonly salesforceEmailField: Partial<Record<SalesforceObjectType, string | null>>;
  /** Companies: the HubSpot domain property and the Salesforce field holding the web address. */
  readonly domainProperty?: string | null;
  readonly salesforceDomainField?: Partial<Record<SalesforceObjectType, string | null>>;
}

function fieldText(record: SalesforceRecord, field: string | null | undefined): string | null {
  if (!field) return null;
  const value = record.fields[field];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function emailOf(value: unknown): string | null {
  return typeof value === 'string' ? normalizeEmail(value) : null;
}

function domainOf(value: unknown): string | null {
  return typeof value === 'string' ? normalizeDomain(value) : null;
}

function isLive(record: SalesforceRecord): boolean {
  return !record.isDeleted;
}

function isConvertedLead(record: SalesforceRecord): boolean {
  return record.type === 'Lead' && record.conversion !== null;
}

function uniqueBy<T>(items: readonly T[], keyOf: (item: T) => string): T[] {
  const seen = new Map<string, T>();
  for (const item of items) if (!seen.has(keyOf(item))) seen.set(keyOf(item), item);
  return [...seen.values()];
}

const id15 = (id: string) => id.slice(0, 15);

/** A converted Lead stands for the Contact it became. */
function resolveConversion(
  record: SalesforceRecord,
  candidates: readonly SalesforceRecord[],
): { ref: SalesforceRef; record: SalesforceRecord | null } | null {
  if (!isConvertedLead(record)) return { ref: salesforceRef(record), record };
  const contactId = record.conversion?.convertedContactId;
  if (!contactId) return null;
  const contact = candidates.find(
    (c) => c.type === 'Contact' && isLive(c) && sameSalesforceId(c.id, contactId),
  );
  return { ref: { type: 'Contact', id: contact?.id ?? contactId }, record: contact ?? null };
}

export function matchHubspotRecord(input: {
  readonly hubspot: HubspotRecord;
  readonly candidates: readonly SalesforceRecord[];
  readonly keys: MatchKeys;
  /** Email matching tries these objects in this order (contacts: Contact, then Lead). */
  readonly emailPreference: readonly SalesforceObjectType[];
  /**
   * `most_recently_modified`: one record of each object with the email (a Lead and a Contact) is no
   * question, the most recently modified links. Default: the objects in `emailPreference` order.
   */
  readonly leadContactPreference?: 'contacts_first' | 'most_recently_modified';
  readonly linkedSalesforceIds?: readonly string[];
  /** Records the bridge's own earlier create of this record may have made, its answer lost. */
  readonly createdByBridge?: readonly SalesforceRecord[];
}): SalesforceMatch {
  const { hubspot, candidates, keys } = input;
  const linked = new Set((input.linkedSalesforceIds ?? []).map(id15));
  const decide = (
    basis: MatchBasis,
    found: { ref: SalesforceRef; record: SalesforceRecord | null }[],
  ): SalesforceMatch | null => {
    const unique = uniqueBy(found, (item) => id15(item.ref.id));
    if (unique.length === 0) return null;
    if (unique.length > 1) return { kind: 'ambiguous', basis, candidates: unique.map((item) => item.ref) };
    const [only] = unique as [{ ref: SalesforceRef; record: SalesforceRecord | null }];
    if (linked.has(id15(only.ref.id))) return { kind: 'linked_elsewhere', basis, candidate: only.ref };
    return { kind: 'link', basis, target: only.ref, record: only.record };
  };

  const storedId = hubspot.properties[keys.crossIdProperty] ?? null;
  const byCrossId = candidates
    .filter(isLive)
    .filter(
      (record) =>
        sameSalesforceId(record.id, storedId) ||
        fieldText(record, keys.salesforceCrossIdField[record.type]) === hubspot.id,
    )
    .map((record) => resolveConversion(record, candidates))
    .filter((item) => item !== null);
  const crossIdMatch = decide('cross_id', byCrossId);
  if (crossIdMatch) return crossIdMatch;

  const createdEarlier = (): SalesforceMatch =>
    decide(
      'created_by_bridge',
      (input.createdByBridge ?? [])
        .filter(isLive)
        .map((record) => resolveConversion(record, candidates))
        .filter((item) => item !== null),
    ) ?? { kind: 'create' };
  const byKey = (
    basis: 'email' | 'domain',
    value: string | null,
    fieldOf: (type: SalesforceObjectType) => string | null | undefined,
    normalize: (value: unknown) => string | null,
  ): SalesforceMatch | null => {
    if (value === null) return null;
    const foundOf = (type: SalesforceObjectType) =>
      uniqueBy(
        candidates.filter(
          (record) =>
            record.type === type &&
            isLive(record) &&
            !isConvertedLead(record) &&
            normalize(fieldText(record, fieldOf(type))) === value,
        ),
        (record) => id15(record.id),
      );
    if (input.leadContactPreference === 'most_recently_modified') {
      const byType = input.emailPreference.map(foundOf);
      // Two records of one object are a duplicate only a person can settle; one of each, the newest links.
      if (byType.every((found) => found.length <= 1)) {
        const newest = byType
          .flat()
          .sort((a, b) => b.lastModifiedAtMs - a.lastModifiedAtMs)
          .slice(0, 1);
        return decide(
          basis,
          newest.map((record) => ({ ref: salesforceRef(record), record })),
        );
      }
    }
    for (const type of input.emailPreference) {
      const match = decide(
        basis,
        foundOf(type).map((record) => ({ ref: salesforceRef(record), record })),
      );
      if (match) return match;
    }
    return null;
  };
  const email = keys.emailProperty ? emailOf(hubspot.properties[keys.emailProperty]) : null;
  const domain = keys.domainProperty ? domainOf(hubspot.properties[keys.domainProperty]) : null;
  return (
    byKey('email', email, (type) => keys.salesforceEmailField[type], emailOf) ??
    byKey('domain', domain, (type) => keys.salesforceDomainField?.[type], domainOf) ??
    createdEarlier()
  );
}

export function matchSalesforceRecord(input: {
  readonly salesforce: SalesforceRecord;
  readonly candidates: readonly HubspotRecord[];
  readonly keys: MatchKeys;
  readonly linkedHubspotIds?: readonly string[];
}): HubspotMatch {
  const { salesforce, keys } = input;
  const linked = new Set(input.linkedHubspotIds ?? []);
  const live = input.candidates.filter((record) => !record.archived);
  const decide = (basis: MatchBasis, found: readonly HubspotRecord[]): HubspotMatch | null => {
    const unique = uniqueBy(found, (record) => record.id);
    if (unique.length === 0) return null;
    if (unique.length > 1) return { kind: 'ambiguous', basis, candidates: unique.map(hubspotRef) };
    const [only] = unique as [HubspotRecord];
    if (linked.has(only.id)) return { kind: 'linked_elsewhere', basis, candidate: hubspotRef(only) };
    return { kind: 'link', basis, target: hubspotRef(only), record: only };
  };

  const storedHubspotId = fieldText(salesforce, keys.salesforceCrossIdField[salesforce.type]);
  const crossIdMatch = decide(
    'cross_id',
    live.filter(
      (record) =>
        record.id === storedHubspotId ||
        sameSalesforceId(record.properties[keys.crossIdProperty], salesforce.id),
    ),
  );
  if (crossIdMatch) return crossIdMatch;

  const email = emailOf(fieldText(salesforce, keys.salesforceEmailField[salesforce.type]));
  const emailProperty = keys.emailProperty;
  const byEmail =
    email !== null && emailProperty
      ? decide(
          'email',
          live.filter((record) => emailOf(record.properties[emailProperty]) === email),
        )
      : null;
  if (byEmail) return byEmail;
  const domain = domainOf(fieldText(salesforce, keys.salesforceDomainField?.[salesforce.type]));
  const domainProperty = keys.domainProperty;
  const byDomain =
    domain !== null && domainProperty
      ? decide(
          'domain',
          live.filter((record) => domainOf(record.properties[domainProperty]) === domain),
        )
      : null;
  return byDomain ?? { kind: 'create' };
}
