/** Small builders for storage tests: an installation row, record references, link inputs. */
import crypto from 'node:crypto';
import type { Queryable } from '../../src/db/support';
import type { NewLink } from '../../src/db/links';
import type { RecordRef } from '../../src/db/recordRefs';

let sequence = 0;
const next = () => ++sequence;

/** Inserts a minimal installation and returns its id. */
export async function insertInstallation(
  db: Queryable,
  overrides: { syncPaused?: boolean; now?: number } = {},
): Promise<string> {
  const id = crypto.randomUUID();
  const now = overrides.now ?? 1_700_000_000_000;
  await db('installations').insert({
    id,
    hubspot_portal_id: String(100_000 + next()),
    status: 'active',
    hubspot_state: 'connected',
    salesforce_state: 'connected',
    sync_paused: overrides.syncPaused ?? false,
    created_at: now,
    updated_at: now,
  });
  return id;
}

export async function setPaused(db: Queryable, installationId: string, paused: boolean): Promise<void> {
  await db('installations').where({ id: installationId }).update({ sync_paused: paused });
}

/** An 18-character Salesforce id with the given key prefix (00Q Lead, 003 Contact, 001 Account, 006 Opportunity). */
export function salesforceId(prefix: '00Q' | '003' | '001' | '006' = '003', n: number = next()): string {
  return `${prefix}${String(n).padStart(12, '0')}AAA`;
}

export function hubspotId(n: number = next()): string {
  return String(1000 + n);
}

export function hubspotContact(id: string = hubspotId()): RecordRef {
  return { side: 'hubspot', objectType: 'contacts', recordId: id };
}

export function salesforceContact(id: string = salesforceId('003')): RecordRef {
  return { side: 'salesforce', objectType: 'Contact', recordId: id };
}

export function contactLink(installationId: string, overrides: Partial<NewLink> = {}): NewLink {
  return {
    installationId,
    hubspotObjectType: 'contacts',
    hubspotId: hubspotId(),
    salesforceObjectType: 'Contact',
    salesforceId: salesforceId('003'),
    origin: 'matched',
    ...overrides,
  };
}

export const context = (now: number, reason = 'test') => ({
  now,
  actor: 'bridge',
  reason,
  correlationId: null,
});
