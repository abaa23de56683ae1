/**
 * What a HubSpot webhook event means for the sync: which record to mark dirty and with which hint, or why
 * nothing needs to happen. Pure: the receiver stores every event first and then asks this.
 *
 * - creation and propertyChange mark the record; a change to a property the settings do not read needs no sync;
 * - deletion, restore and privacyDeletion mark the record with the matching hint;
 * - merge marks the surviving record (HubSpot gives it a new id) with the ids that were merged into it;
 * - an event caused by the bridge's own write (changeSource INTEGRATION with our app id as sourceId) is its
 *   echo and is dropped; a privacy deletion never is, because it obliges us to purge;
 * - an association change between a contact or a deal and a company marks the contact or deal when its
 *   primary company syncs (the sync reads which company is primary); other association changes and object
 *   types that do not sync are kept but mark nothing.
 */
import { z } from 'zod';
import type { HubspotObjectType } from '../records';

const numericId = z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]).transform(String);

/** One event as HubSpot sends it. Unknown fields pass through: HubSpot adds fields over time. */
export const HubspotWebhookEventSchema = z.looseObject({
  eventId: numericId,
  subscriptionId: numericId,
  portalId: numericId,
  appId: numericId.optional(),
  occurredAt: z.number().int().nonnegative(),
  subscriptionType: z.string().min(3).max(64),
  attemptNumber: z.number().int().nonnegative().default(0),
  objectId: numericId.optional(),
  objectTypeId: z.string().max(16).optional(),
  propertyName: z.string().max(256).optional(),
  changeSource: z.string().max(64).optional(),
  sourceId: z.string().max(128).optional(),
  primaryObjectId: numericId.optional(),
  mergedObjectIds: z.array(numericId).optional(),
  newObjectId: numericId.optional(),
  /** associationChange: the two records, and the association type (legacy `CONTACT_TO_COMPANY`, or ids). */
  fromObjectId: numericId.optional(),
  toObjectId: numericId.optional(),
  associationType: z.string().max(64).optional(),
  fromObjectTypeId: z.string().max(16).optional(),
  toObjectTypeId: z.string().max(16).optional(),
  associationRemoved: z.boolean().optional(),
});
export type HubspotWebhookEvent = z.infer<typeof HubspotWebhookEventSchema>;

/** HubSpot sends at most 100 events per request; anything far larger is not HubSpot. */
export const MAX_EVENTS_PER_REQUEST = 1_000;

export const eventHints = ['deleted', 'restored', 'merged', 'privacy_deleted'] as const;
export type EventHint = (typeof eventHints)[number];

export const skipReasons = [
  'own_echo',
  'object_not_synced',
  'property_not_synced',
  'association_change',
  'unknown_event_type',
] as const;
export type SkipReason = (typeof skipReasons)[number];

export interface RecordMark {
  readonly objectType: HubspotObjectType;
  readonly recordId: string;
  readonly hint: EventHint | null;
  readonly occurredAtMs: number;
  /** Who made the change, as HubSpot names it (`CRM_UI` and `userId:<id>` for a person in HubSpot). */
  readonly changeSource?: string;
  readonly sourceId?: string;
  /** A merge: the survivor (the record marked) and the ids merged into it. */
  readonly survivorId?: string;
  readonly mergedIds?: readonly string[];
}

export type EventDecision =
  | { readonly kind: 'mark'; readonly mark: RecordMark }
  | { readonly kind: 'skip'; readonly reason: SkipReason };

export interface EventContext {
  /** Our HubSpot app id: events our own writes caused carry it as sourceId. */
  readonly appId: string;
  /** The object types whose sync is on. */
  readonly syncedObjects: ReadonlySet<HubspotObjectType>;
  /** Whether a change of this (lower-cased) property of this object type can matter to the sync. */
  readonly propertyMatters: (object: HubspotObjectType, property: string) => boolean;
  /** Whether this object's association with `to` syncs (absent: none does). */
  readonly associationSynced?: (object: HubspotObjectType, to: 'companies' | 'contacts') => boolean;
}

const legacyPrefixes: Record<string, HubspotObjectType> = {
  contact: 'contacts',
  company: 'companies',
  deal: 'deals',
};
const objectTypeIds: Record<string, HubspotObjectType> = {
  '0-1': 'contacts',
  '0-2': 'companies',
  '0-3': 'deals',
};

const eventKinds = [
  'creation',
  'deletion',
  'propertyChange',
  'merge',
  'restore',
  'privacyDeletion',
  'associationChange',
] as const;
type EventKind = (typeof eventKinds)[number];

function isEventKind(value: string): value is EventKind {
  return (eventKinds as readonly string[]).includes(value);
}

/** `contact.propertyChange` or `object.propertyChange` + objectTypeId → the object type and the kind. */
export function parseSubscriptionType(
  event: Pick<HubspotWebhookEvent, 'subscriptionType' | 'objectTypeId'>,
): { object: HubspotObjectType | null; kind: EventKind } | null {
  const [prefix = '', kind = ''] = event.subscriptionType.split('.');
  if (!isEventKind(kind)) return null;
  if (prefix === 'object') return { object: objectTypeIds[event.objectTypeId ?? ''] ?? null, kind };
  const object = legacyPrefixes[prefix];
  return object ? { object, kind } : { object: null, kind };
}

export function isOwnEcho(event: HubspotWebhookEvent, appId: string): boolean {
  return event.changeSource === 'INTEGRATION' && event.sourceId === appId;
}

/**
 * The record whose synced associations an association change touched: a contact's or a deal's companies, or
 * a deal's contacts (the direction from the deal; HubSpot sends both). Null for any other.
 */
function associationTouched(
  event: HubspotWebhookEvent,
): { object: HubspotObjectType; id: string; to: 'companies' | 'contacts' } | null {
  if (event.fromObjectId === undefined) return null;
  const legacy: Record<string, { object: HubspotObjectType; to: 'companies' | 'contacts' }> = {
    CONTACT_TO_COMPANY: { object: 'contacts', to: 'companies' },
    DEAL_TO_COMPANY: { object: 'deals', to: 'companies' },
    DEAL_TO_CONTACT: { object: 'deals', to: 'contacts' },
  };
  const generic = (): { object: HubspotObjectType; to: 'companies' | 'contacts' } | undefined => {
    const from = objectTypeIds[event.fromObjectTypeId ?? ''];
    const to = objectTypeIds[event.toObjectTypeId ?? ''];
    if ((from === 'contacts' || from === 'deals') && to === 'companies') return { object: from, to };
    if (from === 'deals' && to === 'contacts') return { object: from, to };
    return undefined;
  };
  const touched = (event.associationType ? legacy[event.associationType] : undefined) ?? generic();
  return touched ? { ...touched, id: event.fromObjectId } : null;
}

function associationDecision(event: HubspotWebhookEvent, context: EventContext): EventDecision {
  const touched = associationTouched(event);
  if (!touched) return { kind: 'skip', reason: 'association_change' };
  if (isOwnEcho(event, context.appId)) return { kind: 'skip', reason: 'own_echo' };
  if (!context.syncedObjects.has(touched.object) || !context.syncedObjects.has(touched.to))
    return { kind: 'skip', reason: 'object_not_synced' };
  if (!context.associationSynced?.(touched.object, touched.to))
    return { kind: 'skip', reason: 'association_change' };
  return {
    kind: 'mark',
    mark: { objectType: touched.object, recordId: touched.id, hint: null, occurredAtMs: event.occurredAt },
  };
}

export function interpretEvent(event: HubspotWebhookEvent, context: EventContext): EventDecision {
  const parsed = parseSubscriptionType(event);
  if (!parsed) return { kind: 'skip', reason: 'unknown_event_type' };
  const { object, kind } = parsed;
  if (kind === 'associationChange') return associationDecision(event, context);
  if (object === null || event.objectId === undefined) return { kind: 'skip', reason: 'unknown_event_type' };
  if (kind !== 'privacyDeletion' && isOwnEcho(event, context.appId))
    return { kind: 'skip', reason: 'own_echo' };
  if (!context.syncedObjects.has(object)) return { kind: 'skip', reason: 'object_not_synced' };
  const base = {
    objectType: object,
    recordId: event.objectId,
    occurredAtMs: event.occurredAt,
    ...(event.changeSource ? { changeSource: event.changeSource } : {}),
    ...(event.sourceId ? { sourceId: event.sourceId } : {}),
  };
  switch (kind) {
    case 'creation':
      return { kind: 'mark', mark: { ...base, hint: null } };
    case 'propertyChange': {
      const property = event.propertyName?.toLowerCase();
      if (property !== undefined && !context.propertyMatters(object, property)) {
        return { kind: 'skip', reason: 'property_not_synced' };
      }
      return { kind: 'mark', mark: { ...base, hint: null } };
    }
    case 'deletion':
      return { kind: 'mark', mark: { ...base, hint: 'deleted' } };
    case 'restore':
      return { kind: 'mark', mark: { ...base, hint: 'restored' } };
    case 'privacyDeletion':
      return { kind: 'mark', mark: { ...base, hint: 'privacy_deleted' } };
    case 'merge': {
      const survivorId = event.newObjectId ?? event.objectId;
      const mergedIds = [...new Set([event.primaryObjectId, ...(event.mergedObjectIds ?? [])])].filter(
        (id): id is string => id !== undefined && id !== survivorId,
      );
      return {
        kind: 'mark',
        mark: { ...base, recordId: survivorId, hint: 'merged', survivorId, mergedIds },
      };
    }
  }
}

/** A privacy deletion outranks everything (it obliges a purge); otherwise the latest event's hint stands. */
function strongerOf(current: RecordMark, next: RecordMark): RecordMark {
  if (current.hint === 'privacy_deleted') return current;
  if (next.hint === 'privacy_deleted') return next;
  const later = next.occurredAtMs >= current.occurredAtMs ? next : current;
  const earlier = later === next ? current : next;
  // A merge's details stay useful even when a later plain change to the survivor arrives with them.
  if (later.hint === null && earlier.hint === 'merged')
    return { ...earlier, occurredAtMs: later.occurredAtMs };
  return later;
}

/** One mark per record: a delivery often carries several events about one record. */
export function combineMarks(marks: readonly RecordMark[]): RecordMark[] {
  const byRecord = new Map<string, RecordMark>();
  for (const mark of marks) {
    const key = `${mark.objectType}:${mark.recordId}`;
    const current = byRecord.get(key);
    byRecord.set(key, current ? strongerOf(current, mark) : mark);
  }
  return [...byRecord.values()];
}
