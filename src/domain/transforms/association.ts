/**
 * A record's primary company: the HubSpot company it is associated with as primary ⇄ the Account its
 * Salesforce record looks up (`AccountId`).
 *
 * The canonical value is the HubSpot company's id. A Salesforce Account stands for the company it is linked
 * to; an Account or a company that is not linked yet cannot be represented on the other side, and is
 * reported as `association_unlinked` with its id: the sync waits for that link (it never writes a dangling
 * or a wrong id) and comes back when it is made. The index of links is data the caller reads for the
 * records at hand.
 */
import { err, ok } from '../result';
import type { FieldTransform, TransformResult } from './canonical';
import { invalid, isBlankWire } from './canonical';

/** The name a primary-company mapping gives its HubSpot side: no HubSpot property can hold a dot. */
export const PRIMARY_COMPANY_PROPERTY = 'association.primary_company';

/** Whether a mapped HubSpot "property" is an association the sync reads and writes through its own API. */
export function isAssociationProperty(name: string): boolean {
  return name.startsWith('association.');
}

/** Active links between HubSpot companies and Salesforce Accounts, for the records of one batch. */
export interface CompanyLinkIndex {
  /** HubSpot company id → Account id (18 characters). */
  readonly accountOf: ReadonlyMap<string, string>;
  /** Account id (18 characters, and its 15-character form) → HubSpot company id. */
  readonly companyOf: ReadonlyMap<string, string>;
}

export function indexCompanyLinks(
  pairs: ReadonlyArray<{ readonly companyId: string; readonly accountId: string }>,
): CompanyLinkIndex {
  const accountOf = new Map<string, string>();
  const companyOf = new Map<string, string>();
  for (const { companyId, accountId } of pairs) {
    accountOf.set(companyId, accountId);
    companyOf.set(accountId, companyId);
    companyOf.set(accountId.slice(0, 15), companyId);
  }
  return { accountOf, companyOf };
}

export const emptyCompanyLinkIndex: CompanyLinkIndex = indexCompanyLinks([]);

function unlinked(raw: string, reason: string): TransformResult<never> {
  return err({ code: 'association_unlinked', raw, reason });
}

export function createAssociationTransform(index: CompanyLinkIndex): FieldTransform {
  return {
    fromHubspot(wire) {
      if (isBlankWire(wire)) return ok(null);
      return ok(wire.trim());
    },
    fromSalesforce(wire) {
      if (isBlankWire(wire)) return ok(null);
      if (typeof wire !== 'string') return invalid(wire, 'is not a Salesforce record id');
      const id = wire.trim();
      const company = index.companyOf.get(id) ?? index.companyOf.get(id.slice(0, 15));
      if (company) return ok(company);
      return unlinked(id, 'is a Salesforce Account not linked to a HubSpot company yet');
    },
    toHubspot(value) {
      if (value === null) return ok('');
      if (typeof value !== 'string') return invalid(value, 'is not a HubSpot company id');
      return ok(value);
    },
    toSalesforce(value) {
      if (value === null) return ok(null);
      if (typeof value !== 'string') return invalid(value, 'is not a HubSpot company id');
      const account = index.accountOf.get(value);
      if (account) return ok(account);
      return unlinked(value, 'is a HubSpot company not linked to a Salesforce Account yet');
    },
  };
}
