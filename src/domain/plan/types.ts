/**
 * What the planner takes and what it returns. A plan is data: the sync worker carries it out (writes,
 * then links, shadows, audit, conflicts and failures in one transaction), the card shows it as a dry run.
 */
import type { DecisionReason, FieldDecision } from '../ownership';
import type { SyncFailure } from '../failures';
import type { MatchBasis } from '../matching';
import type {
  HubspotObjectType,
  HubspotRecord,
  HubspotRef,
  Link,
  SalesforceObjectType,
  SalesforceRecord,
  SalesforceRef,
  Side,
} from '../records';
import type { OwnershipRule, Settings } from '../settings/schema';
import type { CanonicalValue, ObservedJson, SalesforceWireValue } from '../transforms/canonical';
import type { AssociationLinks } from '../transforms/association';
import type { OwnerIndex } from '../transforms/owner';

export interface PlanContext {
  readonly settings: Settings;
  /** The time of this sync, epoch ms: the only clock the planner knows. */
  readonly nowMs: number;
  readonly owners: OwnerIndex;
  /**
   * Fields Salesforce requires on create, per object (see requiredFieldsFromDescribe). When absent, the
   * standard ones: LastName and Company on Leads, LastName on Contacts.
   */
  readonly salesforceRequiredFields?: Partial<Record<SalesforceObjectType, readonly string[]>>;
  /**
   * The Salesforce user the bridge acts as: the owner Salesforce gives a record the bridge creates when it
   * could not name one (its owner in HubSpot has no Salesforce user).
   */
  readonly salesforceUserId?: string | null;
  /** The links between companies and Accounts the records at hand name, for primary-company associations. */
  readonly associationLinks?: AssociationLinks;
}

/** The last synced canonical value of each mapped field of one link, by field key. */
export type ShadowMap = Readonly<Record<string, CanonicalValue>>;

/** A person's answer to a conflict. */
export type ConflictResolution =
  { readonly keep: 'hubspot' | 'salesforce' } | { readonly keep: 'value'; readonly value: CanonicalValue };

export interface LinkedInput {
  readonly kind: 'linked';
  readonly link: Link;
  readonly shadows: ShadowMap;
  /** null: the record was not found at all (purged, or GDPR-deleted). */
  readonly hubspot: HubspotRecord | null;
  readonly salesforce: SalesforceRecord | null;
  /** Fields with a conflict still open in the review queue, so the plan can say which ones to close. */
  readonly openConflictKeys?: readonly string[];
  readonly resolutions?: Readonly<Record<string, ConflictResolution>>;
}

export interface UnlinkedHubspotInput {
  readonly kind: 'unlinked_hubspot';
  readonly hubspot: HubspotRecord;
  /** Salesforce records found by this record's cross-ids and by its email. */
  readonly candidates: readonly SalesforceRecord[];
  /** Which of the candidates already have an active link. */
  readonly linkedSalesforceIds?: readonly string[];
  /** Records an earlier create of this record may have made in Salesforce, its answer lost. */
  readonly createdByBridge?: readonly SalesforceRecord[];
}

export interface UnlinkedSalesforceInput {
  readonly kind: 'unlinked_salesforce';
  readonly salesforce: SalesforceRecord;
  readonly candidates: readonly HubspotRecord[];
  readonly linkedHubspotIds?: readonly string[];
}

export type PlanInput = LinkedInput | UnlinkedHubspotInput | UnlinkedSalesforceInput;

export const planOutcomes = [
  'synced',
  'in_sync',
  'linked',
  'created',
  'blocked',
  'awaiting_match',
  'out_of_scope',
  'not_created',
  'paused',
  'object_disabled',
  'lead_converted',
  'tombstoned',
  'restored',
  'merged',
  'skipped',
] as const;
export type PlanOutcome = (typeof planOutcomes)[number];

export type HubspotWrite =
  | {
      readonly kind: 'update';
      readonly objectType: HubspotObjectType;
      readonly id: string;
      readonly properties: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: 'create';
      readonly objectType: HubspotObjectType;
      readonly properties: Readonly<Record<string, string>>;
      /** Upsert on this unique property so a retried create finds the first one. */
      readonly upsertBy: { readonly property: string; readonly value: string } | null;
    };

export type SalesforceWrite =
  | {
      readonly kind: 'update';
      readonly type: SalesforceObjectType;
      readonly id: string;
      readonly fields: Readonly<Record<string, SalesforceWireValue>>;
    }
  | {
      readonly kind: 'create';
      readonly type: SalesforceObjectType;
      readonly fields: Readonly<Record<string, SalesforceWireValue>>;
      /** Upsert on this external-id field so a retried create finds the first one. */
      readonly upsertBy: { readonly field: string; readonly value: string } | null;
    };

/** Record a shadow only once the writes it depends on have succeeded (none: record it regardless). */
export interface ShadowUpdate {
  readonly key: string;
  readonly value: CanonicalValue;
  readonly requiresWrites: readonly Side[];
}

export interface ConflictToOpen {
  readonly key: string;
  readonly label: string;
  readonly hubspot: ObservedJson;
  readonly salesforce: ObservedJson;
  /** The last agreed value; null with `hadShadow: false` at a first sync. */
  readonly shadow: CanonicalValue;
  readonly hadShadow: boolean;
  readonly hubspotChangedAtMs: number;
  readonly salesforceChangedAtMs: number;
}

export interface ConflictToClose {
  readonly key: string;
  readonly reason: 'values_agree' | 'superseded' | 'resolved_by_person';
}

export type LinkChange =
  | {
      readonly kind: 'link';
      readonly hubspot: HubspotRef;
      readonly salesforce: SalesforceRef;
      readonly basis: MatchBasis;
    }
  | {
      /** Link the record to the one this plan creates; the created record's id comes from the write. */
      readonly kind: 'link_created';
      readonly created: Side;
      readonly hubspot: HubspotRef | { readonly objectType: HubspotObjectType; readonly id: null };
      readonly salesforce: SalesforceRef | { readonly type: SalesforceObjectType; readonly id: null };
    }
  | {
      readonly kind: 'lead_converted';
      readonly linkId: string;
      readonly leadId: string;
      readonly contactId: string;
      readonly accountId: string | null;
      readonly opportunityId: string | null;
    }
  | {
      readonly kind: 'tombstone';
      readonly linkId: string;
      readonly deletedSide: Side;
      readonly atMs: number;
    }
  | { readonly kind: 'restore'; readonly linkId: string; readonly restoredSide: Side }
  | { readonly kind: 'merge'; readonly linkId: string; readonly side: Side; readonly survivorId: string };

export interface PendingMatch {
  readonly side: Side;
  readonly subjectId: string;
  readonly reason: 'ambiguous' | 'linked_elsewhere';
  readonly basis: MatchBasis;
  readonly candidates: readonly (HubspotRef | SalesforceRef)[];
}

/** What was decided for one mapped field (the whole table, for the card and dry runs). */
export interface FieldPlan {
  readonly key: string;
  readonly label: string;
  readonly rule: OwnershipRule;
  readonly salesforceField: string | null;
  /** null when the field was not read or does not exist on this record's object. */
  readonly hubspot: ObservedJson | null;
  readonly salesforce: ObservedJson | null;
  readonly shadow: CanonicalValue | null;
  readonly decision:
    | { readonly action: FieldDecision['action']; readonly to: Side | null; readonly reason: DecisionReason }
    | { readonly action: 'skipped'; readonly to: null; readonly reason: FieldSkipReason };
  /** Set when the decision could not be carried out (the failure is in the plan's failures). */
  readonly failureCode: string | null;
}

export type FieldSkipReason = 'no_field_on_object' | 'not_read';

/** What an audit line records (the storage layer's `action`). */
export type AuditAction =
  | 'field_written'
  | 'field_agreed'
  | 'field_failed'
  | 'field_waiting'
  | 'conflict_opened'
  | 'conflict_resolved'
  | 'record_created'
  | 'link_created'
  | 'lead_converted'
  | 'link_tombstoned'
  | 'link_restored'
  | 'link_merged'
  | 'match_pending';

export interface AuditEntry {
  readonly action: AuditAction;
  readonly fieldKey: string | null;
  readonly direction: 'to_hubspot' | 'to_salesforce' | 'none';
  readonly rule: OwnershipRule | null;
  readonly before: ObservedJson | null;
  readonly after: ObservedJson | null;
  /** A stable code: a decision reason, a failure code, or an event reason. */
  readonly reason: string;
  readonly message: string;
}

/**
 * An association this plan could not write yet: the record at its other end (a company, an Account) is not
 * linked. The record syncs again when that record is linked.
 */
export interface AssociationWait {
  readonly fieldKey: string;
  /** The side of the record waited for, and its id there. */
  readonly side: Side;
  readonly recordId: string;
}

export interface SyncPlan {
  readonly outcome: PlanOutcome;
  /** One sentence for the card's status line. */
  readonly summary: string;
  readonly hubspotWrite: HubspotWrite | null;
  readonly salesforceWrite: SalesforceWrite | null;
  readonly shadowUpdates: readonly ShadowUpdate[];
  readonly conflicts: readonly ConflictToOpen[];
  readonly closeConflicts: readonly ConflictToClose[];
  readonly linkChanges: readonly LinkChange[];
  readonly pendingMatch: PendingMatch | null;
  readonly fields: readonly FieldPlan[];
  readonly audit: readonly AuditEntry[];
  readonly failures: readonly SyncFailure[];
  readonly waits: readonly AssociationWait[];
}
