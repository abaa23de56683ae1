/**
 * Personal data across the tables: the one module that knows every table holding values of CRM records, so a
 * privacy deletion reaches them all and the retention job prunes them on time. Each table keeps its own
 * module for everything else; this one only removes. `test/e2e/changes/privacy.test.ts` reads every column
 * of every table after a purge, so a table added later without a line here is found.
 *
 * What a purge keeps: ids (links in state `purged`, link events, the privacy tombstone with a hash of the
 * email), so the person is never re-created; and the facts of the audit log (who did what, when, by which
 * rule) without the values.
 */
import type { RecordRef } from '../domain/records';
import { AUDIT_ENTRIES } from './auditEntries';
import { CONFLICTS } from './conflicts';
import { CREATES_IN_DOUBT } from './createsInDoubt';
import { DIRTY } from './dirty';
import { FAILURES } from './failures';
import { PENDING_MATCHES } from './pendingMatches';
import { SHADOWS } from './shadows';
import type { Queryable } from './support';
import { WEBHOOK_EVENTS } from './webhookEvents';

/** What a stored webhook payload becomes once its values are gone (the row stays: it recognises redeliveries). */
export const REDACTED_PAYLOAD = JSON.stringify({ redacted: true });

export interface PersonRecords {
  readonly installationId: string;
  /** The HubSpot record deleted for privacy. */
  readonly hubspot: Extract<RecordRef, { side: 'hubspot' }>;
  /** The Salesforce records its links named. */
  readonly salesforce: ReadonlyArray<Extract<RecordRef, { side: 'salesforce' }>>;
  /** Every link the person had, in any state. */
  readonly linkIds: readonly string[];
}

export interface PurgeCounts {
  shadows: number;
  conflicts: number;
  auditValues: number;
  webhookPayloads: number;
  pendingMatches: number;
  failures: number;
  queuePayloads: number;
  createsInDoubt: number;
}

/** Removes every stored value about the person, in the caller's transaction. */
export async function purgePerson(db: Queryable, person: PersonRecords): Promise<PurgeCounts> {
  const { installationId, linkIds } = person;
  const records: RecordRef[] = [person.hubspot, ...person.salesforce];
  const recordIds = [...new Set(records.map((record) => record.recordId))];
  const counts: PurgeCounts = {
    shadows: 0,
    conflicts: 0,
    auditValues: 0,
    webhookPayloads: 0,
    pendingMatches: 0,
    failures: 0,
    queuePayloads: 0,
    createsInDoubt: 0,
  };
  if (linkIds.length > 0) {
    counts.shadows = await db(SHADOWS)
      .where({ installation_id: installationId })
      .whereIn('link_id', [...linkIds])
      .delete();
    counts.conflicts = await db(CONFLICTS)
      .where({ installation_id: installationId })
      .whereIn('link_id', [...linkIds])
      .delete();
  }
  // The audit keeps its lines (what happened, by which rule, who) without the values.
  const audit = db(AUDIT_ENTRIES)
    .where({ installation_id: installationId })
    .where((where) => {
      if (linkIds.length > 0) where.whereIn('link_id', [...linkIds]);
      where.orWhereIn('record_id', recordIds);
    })
    .where((where) => where.whereNotNull('before_value').orWhereNotNull('after_value'));
  counts.auditValues = await audit.update({ before_value: null, after_value: null });
  counts.webhookPayloads = await db(WEBHOOK_EVENTS)
    .where({ installation_id: installationId, object_id: person.hubspot.recordId })
    .whereNot({ payload: REDACTED_PAYLOAD })
    .update({ payload: REDACTED_PAYLOAD });
  // Questions about the person, and questions that list them as a candidate (asked again on the next sync).
  counts.pendingMatches = await db(PENDING_MATCHES)
    .where({ installation_id: installationId })
    .where((where) => {
      where.whereIn('record_id', recordIds);
      for (const id of recordIds) where.orWhere('candidates', 'like', `%"${id}"%`);
    })
    .delete();
  counts.failures = await db(FAILURES)
    .where({ installation_id: installationId })
    .whereIn('record_id', recordIds)
    .delete();
  counts.queuePayloads = await db(DIRTY)
    .where({ installation_id: installationId })
    .whereIn('record_id', recordIds)
    .whereNotNull('payload')
    .update({ payload: null });
  counts.createsInDoubt = await db(CREATES_IN_DOUBT)
    .where({ installation_id: installationId, hubspot_id: person.hubspot.recordId })
    .delete();
  return counts;
}

/**
 * Retention: the values of audit lines older than `auditValuesBefore` and the payloads of webhook events
 * received before `webhookPayloadsBefore` (epoch ms), for one installation. Returns how many of each.
 */
export async function pruneExpired(
  db: Queryable,
  installationId: string,
  cutoffs: { auditValuesBefore: number; webhookPayloadsBefore: number },
): Promise<{ auditValues: number; webhookPayloads: number }> {
  const auditValues = await db(AUDIT_ENTRIES)
    .where({ installation_id: installationId })
    .where('occurred_at', '<', cutoffs.auditValuesBefore)
    .where((where) => where.whereNotNull('before_value').orWhereNotNull('after_value'))
    .update({ before_value: null, after_value: null });
  const webhookPayloads = await db(WEBHOOK_EVENTS)
    .where({ installation_id: installationId })
    .where('received_at', '<', cutoffs.webhookPayloadsBefore)
    .whereNot({ payload: REDACTED_PAYLOAD })
    .update({ payload: REDACTED_PAYLOAD });
  return { auditValues, webhookPayloads };
}
