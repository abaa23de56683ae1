/**
 * privacy_tombstones: what remains of a person HubSpot deleted for privacy. No values: a hash of the
 * normalized email (salted with the installation, so the same address hashes differently per portal) and the
 * ids their records had. An unlinked Salesforce record whose email hashes to one of these is never created
 * in HubSpot again; the purged links block the records they name.
 */
import crypto from 'node:crypto';
import { z } from 'zod';
import type { HubspotObjectType } from '../domain/records';
import { normalizeEmail } from '../domain/transforms/text';
import { parseJsonColumn, type Queryable } from './support';

export const PRIVACY_TOMBSTONES = 'privacy_tombstones';

export interface PrivacyTombstoneRow {
  id: number;
  installation_id: string;
  hubspot_object_type: string;
  hubspot_id: string;
  email_hash: string | null;
  salesforce_ids: string;
  created_at: number;
}

export interface PrivacyTombstone {
  hubspotObjectType: string;
  hubspotId: string;
  emailHash: string | null;
  salesforceIds: string[];
  createdAt: number;
}

/** The stored hash of an email: null for a value that is not an email. */
export function emailHashOf(installationId: string, email: unknown): string | null {
  if (typeof email !== 'string') return null;
  const normalized = normalizeEmail(email);
  if (!normalized) return null;
  return crypto.createHash('sha256').update(`${installationId}\u0000${normalized}`).digest('hex');
}

/** Records (or extends) the tombstone of a HubSpot record deleted for privacy. */
export async function record(
  db: Queryable,
  input: {
    installationId: string;
    hubspotObjectType: HubspotObjectType;
    hubspotId: string;
    emailHashes: ReadonlyArray<string | null>;
    salesforceIds: readonly string[];
  },
  now: number,
): Promise<void> {
  const hashes = [...new Set(input.emailHashes.filter((hash): hash is string => hash !== null))];
  const existing = await db<PrivacyTombstoneRow>(PRIVACY_TOMBSTONES)
    .where({ installation_id: input.installationId, hubspot_id: input.hubspotId })
    .select('email_hash');
  const known = new Set(existing.map((row) => row.email_hash));
  const fresh = (hashes.length > 0 ? hashes : [null]).filter((hash) => !known.has(hash));
  if (fresh.length === 0) return;
  await db<PrivacyTombstoneRow>(PRIVACY_TOMBSTONES).insert(
    fresh.map((hash) => ({
      installation_id: input.installationId,
      hubspot_object_type: input.hubspotObjectType,
      hubspot_id: input.hubspotId,
      email_hash: hash,
      salesforce_ids: JSON.stringify([...new Set(input.salesforceIds)]),
      created_at: now,
    })),
  );
}

/** Which of these email hashes belong to a person deleted for privacy. */
export async function blockedHashes(
  db: Queryable,
  installationId: string,
  hashes: readonly string[],
): Promise<Set<string>> {
  const wanted = [...new Set(hashes)];
  const blocked = new Set<string>();
  for (let index = 0; index < wanted.length; index += 500) {
    const rows = await db<PrivacyTombstoneRow>(PRIVACY_TOMBSTONES)
      .where({ installation_id: installationId })
      .whereIn('email_hash', wanted.slice(index, index + 500))
      .select('email_hash');
    for (const row of rows) if (row.email_hash) blocked.add(row.email_hash);
  }
  return blocked;
}

export async function listForInstallation(
  db: Queryable,
  installationId: string,
): Promise<PrivacyTombstone[]> {
  const rows = await db<PrivacyTombstoneRow>(PRIVACY_TOMBSTONES)
    .where({ installation_id: installationId })
    .orderBy('id');
  return rows.map((row) => ({
    hubspotObjectType: row.hubspot_object_type,
    hubspotId: row.hubspot_id,
    emailHash: row.email_hash,
    salesforceIds: parseJsonColumn(z.array(z.string()), row.salesforce_ids, PRIVACY_TOMBSTONES),
    createdAt: Number(row.created_at),
  }));
}
