/**
 * Associations as mapped fields, compared through the links between the records at their other end:
 *
 * - **a primary company** (`to: 'companies'`): the HubSpot company a contact or a deal is associated with as
 *   primary ⇄ the Account its Salesforce record looks up (`AccountId`). The canonical value is the company's
 *   HubSpot id.
 * - **a deal's contacts** (`to: 'contacts'`): the contacts a deal is associated with ⇄ the Contacts of its
 *   Opportunity's contact roles (`OpportunityContactRole`). The canonical value is the sorted list of the
 *   contacts' HubSpot ids. On the wire, Salesforce's side is `contactId:roleId;…` (the roles' ids are what
 *   removing one needs); HubSpot's side is `id;id;…`.
 *
 * A Salesforce record stands for the HubSpot record it is linked to; one that is not linked yet (on either
 * side) cannot be represented on the other side, and is reported as `association_unlinked` with its id: the
 * sync waits for that link (it never writes a dangling or a wrong id) and comes back when it is made. The
 * index of links is data the caller reads for the records at hand.
 */
import { err, ok } from '../result';
import type { FieldTransform, TransformResult } from './canonical';
import { invalid, isBlankWire } from './canonical';

/** The name a primary-company mapping gives its HubSpot side: no HubSpot property can hold a dot. */
export const PRIMARY_COMPANY_PROPERTY = 'association.primary_company';
/** The name a deal-contacts mapping gives its HubSpot side. */
export const CONTACTS_PROPERTY = 'association.contacts';
/** The name a deal-contacts mapping gives its Salesforce side: the Opportunity's contact roles. */
export const CONTACT_ROLES_FIELD = 'OpportunityContactRoles';

/** Whether a mapped HubSpot "property" is an association the sync reads and writes through its own API. */
export function isAssociationProperty(name: string): boolean {
  return name.startsWith('association.');
}

/** Active links of one object type between the records at hand. */
export interface LinkIndex {
  /** HubSpot id → Salesforce id (18 characters). */
  readonly salesforceOf: ReadonlyMap<string, string>;
  /** Salesforce id (18 characters, and its 15-character form) → HubSpot id. */
  readonly hubspotOf: ReadonlyMap<string, string>;
}

/** The links an association compares through: companies ⇄ Accounts, contacts ⇄ Contacts. */
export interface AssociationLinks {
  readonly companies: LinkIndex;
  readonly contacts: LinkIndex;
}

export function indexLinks(
  pairs: ReadonlyArray<{ readonly hubspotId: string; readonly salesforceId: string }>,
): LinkIndex {
  const salesforceOf = new Map<string, string>();
  const hubspotOf = new Map<string, string>();
  for (const { hubspotId, salesforceId } of pairs) {
    salesforceOf.set(hubspotId, salesforceId);
    hubspotOf.set(salesforceId, hubspotId);
    hubspotOf.set(salesforceId.slice(0, 15), hubspotId);
  }
  return { salesforceOf, hubspotOf };
}

export const noAssociationLinks: AssociationLinks = { companies: indexLinks([]), contacts: indexLinks([]) };

function unlinked(raw: string, reason: string): TransformResult<never> {
  return err({ code: 'association_unlinked', raw, reason });
}

function hubspotIdOf(index: LinkIndex, salesforceId: string): string | undefined {
  return index.hubspotOf.get(salesforceId) ?? index.hubspotOf.get(salesforceId.slice(0, 15));
}

function primaryCompanyTransform(index: LinkIndex): FieldTransform {
  return {
    fromHubspot(wire) {
      if (isBlankWire(wire)) return ok(null);
      return ok(wire.trim());
    },
    fromSalesforce(wire) {
      if (isBlankWire(wire)) return ok(null);
      if (typeof wire !== 'string') return invalid(wire, 'is not a Salesforce record id');
      const company = hubspotIdOf(index, wire.trim());
      if (company) return ok(company);
      return unlinked(wire.trim(), 'is a Salesforce Account not linked to a HubSpot company yet');
    },
    toHubspot(value) {
      if (value === null) return ok('');
      if (typeof value !== 'string') return invalid(value, 'is not a HubSpot company id');
      return ok(value);
    },
    toSalesforce(value) {
      if (value === null) return ok(null);
      if (typeof value !== 'string') return invalid(value, 'is not a HubSpot company id');
      const account = index.salesforceOf.get(value);
      if (account) return ok(account);
      return unlinked(value, 'is a HubSpot company not linked to a Salesforce Account yet');
    },
  };
}

/** The ids of a list on the wire (`a;b;c`, Salesforce's entries `contactId:roleId`), without roles. */
export function idsOfWire(wire: string): string[] {
  return wire
    .split(';')
    .map((entry) => entry.split(':')[0]?.trim() ?? '')
    .filter((id) => id.length > 0);
}

function sortedUnique(ids: readonly string[]): string[] {
  return [...new Set(ids)].sort();
}

function contactsTransform(index: LinkIndex): FieldTransform {
  return {
    fromHubspot(wire) {
      if (isBlankWire(wire)) return ok(null);
      const ids = sortedUnique(idsOfWire(wire));
      return ok(ids.length > 0 ? ids : null);
    },
    fromSalesforce(wire) {
      if (isBlankWire(wire)) return ok(null);
      if (typeof wire !== 'string') return invalid(wire, 'is not a list of Salesforce Contacts');
      const ids: string[] = [];
      for (const contactId of idsOfWire(wire)) {
        const hubspotId = hubspotIdOf(index, contactId);
        if (!hubspotId)
          return unlinked(contactId, 'is a Salesforce Contact not linked to a HubSpot contact yet');
        ids.push(hubspotId);
      }
      const sorted = sortedUnique(ids);
      return ok(sorted.length > 0 ? sorted : null);
    },
    toHubspot(value) {
      if (value === null) return ok('');
      if (!Array.isArray(value)) return invalid(value, 'is not a list of HubSpot contacts');
      return ok(sortedUnique(value).join(';'));
    },
    toSalesforce(value) {
      if (value === null) return ok(null);
      if (!Array.isArray(value)) return invalid(value, 'is not a list of HubSpot contacts');
      const contacts: string[] = [];
      for (const hubspotId of sortedUnique(value)) {
        const contactId = index.salesforceOf.get(hubspotId);
        if (!contactId)
          return unlinked(hubspotId, 'is a HubSpot contact not linked to a Salesforce Contact yet');
        contacts.push(contactId);
      }
      return ok(contacts.join(';'));
    },
  };
}

export function createAssociationTransform(
  to: 'companies' | 'contacts',
  links: AssociationLinks,
): FieldTransform {
  return to === 'companies' ? primaryCompanyTransform(links.companies) : contactsTransform(links.contacts);
}
