/**
 * What change detection may hand the sync worker along with a dirty mark (the `payload` column of `dirty`).
 *
 * - `record`: the record as the marker just read it (a poll's page), so the worker does not read that side
 *   again. A HubspotRecord for a HubSpot mark, a SalesforceRecord for a Salesforce mark; it must name the
 *   same record as the mark (a payload about another record is ignored).
 * - `hint`: what the marker saw happen (a webhook's deletion, restore, merge or privacy deletion), with the
 *   event's details. Hints only save reads: the worker always decides from the records' current state.
 *
 * Marking with a payload: `dirty.mark(db, { …, payload: toDirtyPayload({ record }) }, now)`.
 * Reading it back: `readDirtyPayload(item)`; a payload that does not parse is treated as absent (the worker
 * then reads the record itself), never as an error, because an absent payload only costs a read.
 */
import { z } from 'zod';
import type { Payload } from '../db/dirty';
import type { RecordRef } from '../db/recordRefs';
import {
  HubspotRecordSchema,
  SalesforceRecordSchema,
  sameSalesforceId,
  type HubspotRecord,
  type SalesforceRecord,
} from '../domain/records';

export const syncHints = ['deleted', 'restored', 'merged', 'privacy_deleted'] as const;
export type SyncHint = (typeof syncHints)[number];

export const SyncEventSchema = z.object({
  /** When the change happened (a webhook's occurredAt), epoch ms. */
  occurredAtMs: z.number().int().optional(),
  /** Who made the change, as a HubSpot webhook names it: `CRM_UI` with `userId:<id>` for a person. */
  changeSource: z.string().max(64).optional(),
  sourceId: z.string().max(128).optional(),
  /** A merge: the id of the surviving record (HubSpot's newObjectId, Salesforce's MasterRecordId). */
  survivorId: z.string().min(1).optional(),
  /** A merge: the ids that were merged away. */
  mergedIds: z.array(z.string().min(1)).optional(),
});
export type SyncEvent = z.infer<typeof SyncEventSchema>;

export const DirtyPayloadSchema = z.object({
  record: z.union([HubspotRecordSchema, SalesforceRecordSchema]).optional(),
  hint: z.enum(syncHints).optional(),
  event: SyncEventSchema.optional(),
});
export type DirtyPayload = z.infer<typeof DirtyPayloadSchema>;

export function isHubspotRecord(record: HubspotRecord | SalesforceRecord): record is HubspotRecord {
  return 'objectType' in record;
}

/** The payload as the dirty table stores it (validated, so a bad payload never reaches the queue). */
export function toDirtyPayload(payload: DirtyPayload): Payload {
  return JSON.parse(JSON.stringify(DirtyPayloadSchema.parse(payload))) as Payload;
}

/** Whether a carried record is the record the mark is about. */
export function payloadNamesRecord(record: HubspotRecord | SalesforceRecord, ref: RecordRef): boolean {
  if (isHubspotRecord(record)) {
    return ref.side === 'hubspot' && record.objectType === ref.objectType && record.id === ref.recordId;
  }
  return (
    ref.side === 'salesforce' && record.type === ref.objectType && sameSalesforceId(record.id, ref.recordId)
  );
}

export interface ReadPayload {
  readonly hubspot: HubspotRecord | null;
  readonly salesforce: SalesforceRecord | null;
  readonly hint: SyncHint | null;
  readonly event: SyncEvent;
}

const EMPTY: ReadPayload = { hubspot: null, salesforce: null, hint: null, event: {} };

/**
 * The payload of a dirty item as the worker uses it. Anything unusable (absent, malformed, about another
 * record) reads as "nothing carried", which only means the worker reads the record itself.
 */
export function readDirtyPayload(item: { record: RecordRef; payload: Payload | null }): ReadPayload {
  if (item.payload === null) return EMPTY;
  const parsed = DirtyPayloadSchema.safeParse(item.payload);
  if (!parsed.success) return EMPTY;
  const { record, hint, event } = parsed.data;
  const usable = record && payloadNamesRecord(record, item.record) ? record : null;
  return {
    hubspot: usable && isHubspotRecord(usable) ? usable : null,
    salesforce: usable && !isHubspotRecord(usable) ? usable : null,
    hint: hint ?? null,
    event: event ?? {},
  };
}
