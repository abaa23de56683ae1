/**
 * Record owners: a HubSpot owner id ⇄ a Salesforce User id, matched by email address.
 *
 * The canonical value is the owner's email (lowercased), the one identity both systems share. The directory
 * of owners and users is data the caller reads once per batch (HubSpot owners API, Salesforce User query).
 * An id that is not in the directory (a Salesforce queue, a deleted owner) cannot be represented, and an
 * owner with no counterpart cannot be written: both are explicit failures, never a silent reassignment.
 */
import { z } from 'zod';
import { err, ok } from '../result';
import type { FieldTransform, TransformResult } from './canonical';
import { invalid, isBlankWire, rawText } from './canonical';
import { sameSalesforceId } from '../records';

export const OwnerDirectorySchema = z.object({
  hubspotOwners: z.array(
    z.object({ id: z.string().min(1), email: z.string(), archived: z.boolean().default(false) }),
  ),
  salesforceUsers: z.array(z.object({ id: z.string().min(15), email: z.string(), isActive: z.boolean() })),
});
export type OwnerDirectory = z.input<typeof OwnerDirectorySchema>;

interface Person {
  readonly id: string;
  readonly email: string;
  readonly usable: boolean;
}

export interface OwnerIndex {
  readonly hubspotById: ReadonlyMap<string, Person>;
  readonly hubspotByEmail: ReadonlyMap<string, readonly Person[]>;
  readonly salesforceUsers: readonly Person[];
  readonly salesforceByEmail: ReadonlyMap<string, readonly Person[]>;
}

function emailKey(email: string): string {
  return email.trim().toLowerCase();
}

function groupByEmail(people: readonly Person[]): Map<string, Person[]> {
  const byEmail = new Map<string, Person[]>();
  // Sorted so that when two accounts share an email the same one is always chosen.
  for (const person of [...people].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    if (person.email === '') continue;
    const list = byEmail.get(person.email) ?? [];
    list.push(person);
    byEmail.set(person.email, list);
  }
  return byEmail;
}

export function indexOwners(directory: OwnerDirectory): OwnerIndex {
  const hubspot = directory.hubspotOwners.map((owner) => ({
    id: owner.id,
    email: emailKey(owner.email),
    usable: !(owner.archived ?? false),
  }));
  const salesforce = directory.salesforceUsers.map((user) => ({
    id: user.id,
    email: emailKey(user.email),
    usable: user.isActive,
  }));
  return {
    hubspotById: new Map(hubspot.map((owner) => [owner.id, owner])),
    hubspotByEmail: groupByEmail(hubspot),
    salesforceUsers: salesforce,
    salesforceByEmail: groupByEmail(salesforce),
  };
}

export const emptyOwnerIndex: OwnerIndex = indexOwners({ hubspotOwners: [], salesforceUsers: [] });

function pick(
  candidates: readonly Person[] | undefined,
  email: string,
  system: string,
): TransformResult<string> {
  if (!candidates || candidates.length === 0) {
    return err({ code: 'owner_not_found', raw: email, reason: `has no ${system} user with this email` });
  }
  const usable = candidates.find((person) => person.usable);
  if (!usable) {
    return err({ code: 'owner_inactive', raw: email, reason: `belongs to an inactive ${system} user` });
  }
  return ok(usable.id);
}

export function createOwnerTransform(index: OwnerIndex): FieldTransform {
  return {
    fromHubspot(wire) {
      if (isBlankWire(wire)) return ok(null);
      const owner = index.hubspotById.get(wire.trim());
      if (owner && owner.email !== '') return ok(owner.email);
      return err({ code: 'owner_not_found', raw: wire, reason: 'is not a HubSpot owner the app knows' });
    },
    fromSalesforce(wire) {
      if (isBlankWire(wire)) return ok(null);
      if (typeof wire !== 'string') return invalid(wire, 'is not a Salesforce user id');
      const user = index.salesforceUsers.find((candidate) => sameSalesforceId(candidate.id, wire.trim()));
      if (user && user.email !== '') return ok(user.email);
      return err({
        code: 'owner_not_found',
        raw: rawText(wire),
        reason: 'is not a Salesforce user (it may be a queue)',
      });
    },
    toHubspot(value) {
      if (value === null) return ok('');
      if (typeof value !== 'string') return invalid(value, 'is not an owner');
      return pick(index.hubspotByEmail.get(value), value, 'HubSpot');
    },
    toSalesforce(value) {
      // Every Salesforce record has an owner, so a cleared HubSpot owner cannot be written.
      if (value === null) return invalid(value, 'cannot be blank: every Salesforce record has an owner');
      if (typeof value !== 'string') return invalid(value, 'is not an owner');
      return pick(index.salesforceByEmail.get(value), value, 'Salesforce');
    },
  };
}

/** The email of a Salesforce user by id (15 or 18 characters), lowercased; null when unknown. */
export function ownerEmailOf(index: OwnerIndex, salesforceUserId: string): string | null {
  const user = index.salesforceUsers.find((candidate) => sameSalesforceId(candidate.id, salesforceUserId));
  return user && user.email !== '' ? user.email : null;
}
