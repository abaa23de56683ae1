/**
 * The shapes the bridge's `/api/…` endpoints answer with, as the card and the settings page read them. The
 * server is the source of truth (docs/change-detection.md lists the endpoints); these types describe what
 * the extensions rely on and nothing more.
 */

export type Side = 'hubspot' | 'salesforce';

/** HubSpot object types the bridge knows, by the objectTypeId HubSpot gives a card. */
export const objectTypeById = { '0-1': 'contacts', '0-2': 'companies', '0-3': 'deals' } as const;
export type HubSpotObjectType = (typeof objectTypeById)[keyof typeof objectTypeById];

export interface RecordRef {
  readonly side: Side;
  readonly objectType: string;
  readonly recordId: string;
}

export type SyncState =
  | 'in_sync'
  | 'syncing'
  | 'conflict'
  | 'error'
  | 'not_linked'
  | 'waiting_for_person'
  | 'deleted_in_salesforce'
  | 'paused'
  | 'not_connected';

/** A value as the planner sees it: plain JSON, or a raw value that could not be read as the field's type. */
export type ObservedValue =
  | string
  | number
  | boolean
  | null
  | readonly string[]
  | { readonly unrepresentable: string; readonly code: string };

export interface FieldPlan {
  readonly key: string;
  readonly label: string;
  readonly rule: string;
  readonly salesforceField: string | null;
  readonly hubspot: ObservedValue | null;
  readonly salesforce: ObservedValue | null;
  readonly shadow: ObservedValue | null;
  readonly decision: { readonly action: string; readonly to: Side | null; readonly reason: unknown };
  readonly failureCode: string | null;
  /**
   * An association's value as people know it: the associated records' names (their ids where a name could
   * not be read). Absent for other fields, and from bridges that predate it.
   */
  readonly hubspotDisplay?: string;
  readonly salesforceDisplay?: string;
}

export interface Conflict {
  readonly id: string;
  readonly linkId: string;
  readonly fieldKey: string;
  /** How people know the field, and both values and the last synced one as display text. */
  readonly fieldLabel?: string;
  readonly hubspotDisplay?: string;
  readonly salesforceDisplay?: string;
  readonly lastSyncedDisplay?: string | null;
  readonly hubspotValue: ObservedValue;
  readonly salesforceValue: ObservedValue;
  readonly shadowValue?: ObservedValue;
  readonly hubspotChangedAt: number | null;
  readonly salesforceChangedAt: number | null;
  readonly openedAt: number;
}

export interface Failure {
  readonly id: string;
  readonly record: RecordRef;
  readonly kind: 'dead_letter' | 'quarantine';
  readonly category: string;
  readonly code: string;
  readonly message: string;
  readonly title?: string;
  readonly whatToDo?: string;
  readonly attempts: number;
  readonly state: 'open' | 'retrying' | 'resolved';
  readonly firstFailedAt: number;
  readonly lastFailedAt: number;
}

export interface MatchCandidate {
  readonly record: RecordRef;
  readonly matchedBy: string;
  readonly label: string;
  readonly name?: string | null;
  readonly email?: string | null;
  readonly company?: string | null;
  readonly objectType?: string | null;
  readonly lastModifiedAt?: number | null;
  readonly salesforceUrl?: string | null;
}

export interface PendingMatch {
  readonly id: string;
  readonly record: RecordRef;
  readonly candidates: readonly MatchCandidate[];
  readonly reason: string;
  readonly openedAt: number;
}

export interface RecordStatus {
  readonly record: RecordRef;
  readonly summary: { readonly state: SyncState; readonly title: string; readonly message: string };
  readonly link: {
    readonly id: string;
    readonly state: string;
    readonly origin: string;
    readonly hubspot: RecordRef;
    readonly salesforce: RecordRef;
    readonly lastSyncedAt: number | null;
    readonly tombstonedAt: number | null;
  } | null;
  /** While the link is tombstoned: which side deleted, until when a restore revives it, where it is marked. */
  readonly deletion?: {
    readonly deletedSide: 'hubspot' | 'salesforce';
    readonly deletedAt: number;
    readonly graceEndsAt: number;
    readonly markedIn: 'hubspot_properties' | 'salesforce_field' | 'bridge';
    readonly salesforceFlagField: string | null;
    readonly afterGrace: {
      readonly outcome: string;
      readonly reason: string;
      readonly decidedAt: number;
    } | null;
    readonly canRelink: boolean;
  } | null;
  /** The mass-delete brake holds this record's delete for an admin. */
  readonly deleteHeld?: boolean;
  readonly salesforce: { readonly instanceUrl: string | null; readonly recordUrl: string | null } | null;
  readonly lastSync: {
    readonly toHubspotAt: number | null;
    readonly toSalesforceAt: number | null;
    readonly at: number | null;
  } | null;
  readonly queue: {
    readonly state: 'pending' | 'claimed';
    readonly attempts: number;
    readonly nextAttemptAt: number;
    readonly lastError: string | null;
  } | null;
  readonly dryRun: {
    readonly outcome: string;
    readonly summary: string;
    readonly fields: readonly FieldPlan[];
  } | null;
  readonly dryRunError: string | null;
  readonly conflicts: readonly Conflict[];
  readonly failures: readonly Failure[];
  readonly pendingMatch: PendingMatch | null;
  /**
   * Salesforce records that match this record but could not link to it, because it syncs with another one
   * (a person who is both a Lead and a Contact). Absent from bridges that predate it.
   */
  readonly possibleDuplicates?: ReadonlyArray<{
    readonly questionId: string;
    readonly record: RecordRef;
    readonly salesforceUrl: string | null;
    readonly openedAt: number;
    /** What a person can do about it (absent from bridges that predate it). */
    readonly whatToDo?: string;
  }>;
  /**
   * Associated records (a company or Account, a deal's contact) this record's associations wait for: not
   * linked yet, so those associations are written once they sync. Absent from bridges that predate it.
   */
  readonly waitingFor?: ReadonlyArray<{
    readonly record: { readonly side: 'hubspot' | 'salesforce'; readonly recordId: string };
    readonly salesforceUrl: string | null;
  }>;
}

export interface HistoryEntry {
  readonly id: string;
  readonly at: number;
  readonly kind: string;
  readonly title: string;
  readonly detail: string | null;
  readonly actor: {
    readonly kind: 'hubspot_user' | 'salesforce_user' | 'bridge' | 'operator';
    readonly name: string | null;
    readonly userId: string | null;
    readonly email: string | null;
  };
}

export interface RecordHistory {
  readonly entries: readonly HistoryEntry[];
  readonly nextBefore: string | null;
}

export type ConflictChoice = { readonly keep: 'hubspot' | 'salesforce' };

export type MatchChoice =
  | { readonly kind: 'link'; readonly record: RecordRef }
  | { readonly kind: 'create_new' }
  | { readonly kind: 'skip' };

export interface Me {
  readonly portalId: string;
  readonly user: { readonly id: string | null; readonly email: string | null };
  readonly canManageSettings: boolean;
  readonly superAdmin: boolean;
  readonly reason: string | null;
}

export interface ScopeCheck {
  readonly granted: readonly string[];
  readonly required: readonly string[];
  readonly missing: readonly string[];
}

/** A HubSpot user as the bridge recorded them (either may be missing). */
export interface HubSpotUser {
  readonly userId: string | null;
  readonly email: string | null;
}

export interface InstallationStatus {
  readonly installationId: string;
  readonly portalId: string;
  readonly status: 'awaiting_salesforce' | 'active' | 'needs_reauth' | 'uninstalled' | string;
  readonly sync: { readonly paused: boolean; readonly reason: string | null };
  readonly hubspot: {
    readonly state: string;
    readonly hubDomain: string | null;
    readonly installedBy: string | null;
    readonly scopes: ScopeCheck;
    readonly properties: { readonly ok: boolean; readonly problems: readonly string[] } | null;
    readonly reinstallUrl: string;
  };
  readonly salesforce: {
    readonly state: string;
    readonly environment: 'production' | 'sandbox' | null;
    readonly instanceUrl: string | null;
    readonly orgId: string | null;
    readonly username: string | null;
    readonly connectedAt: number | null;
    readonly scopes: ScopeCheck;
    readonly capabilities: unknown;
    /** Made from a settings-page link and not yet confirmed: nothing syncs until a settings manager confirms. */
    readonly awaitingConfirmation: boolean;
    /** How the connection was made and who asked for the link; null when the bridge did not record it. */
    readonly origin: {
      readonly via: 'install_page' | 'settings_link' | string;
      readonly requestedBy: HubSpotUser;
      readonly confirmedBy: HubSpotUser | null;
      readonly confirmedAt: number | null;
    } | null;
    readonly reconnectUrl: string | null;
  };
  readonly lastError: { readonly code?: string; readonly message: string; readonly at?: number } | null;
}

/** One problem with a settings document, as the server words it; `fieldKey` names the mapping it is about. */
export interface SettingsMessage {
  readonly code: string;
  readonly message: string;
  readonly fieldKey?: string | null;
  readonly object?: string | null;
  readonly path?: string | null;
  readonly severity?: 'error' | 'warning';
}

export interface StoredSettings {
  readonly version: number;
  /** The document as stored (what an admin edits and sends back). */
  readonly document: SettingsDocument;
  /** The same with every default filled in. */
  readonly settings: SettingsDocument;
  readonly messages: readonly SettingsMessage[];
  readonly metadataProblems: readonly unknown[];
}

export interface SettingsValidation {
  readonly valid: boolean;
  readonly messages: readonly SettingsMessage[];
  readonly metadataProblems: readonly unknown[];
}

export interface SavedSettings {
  readonly version: number;
  readonly messages: readonly SettingsMessage[];
  readonly metadataProblems: readonly unknown[];
  readonly paused: boolean;
}

export type OwnershipRule =
  | 'hubspot'
  | 'salesforce'
  | 'two_way'
  | 'prefer_hubspot_unless_blank'
  | 'prefer_salesforce_unless_blank'
  | 'review'
  | 'on_create'
  | 'none';

export interface PicklistGroup {
  readonly hubspot: readonly string[];
  readonly salesforce: readonly string[];
}

/** One HubSpot pipeline's stage map (`recordType`: the Opportunity record type of its deals, or null). */
export interface StagePipeline {
  readonly pipeline: string;
  readonly label?: string;
  readonly recordType?: string | null;
  readonly stages: readonly PicklistGroup[];
}

export type TransformSpec =
  | { readonly kind: 'email' | 'domain' | 'phone' | 'boolean' | 'date' | 'datetime' | 'owner' }
  /** `salesforceBlank`: what Salesforce holds for blank in a field it requires (a Lead's Company). */
  | { readonly kind: 'text'; readonly salesforceBlank?: string }
  | { readonly kind: 'number'; readonly decimalPlaces?: number }
  /** A record's primary company ⇄ its Account lookup (`association.primary_company` ⇄ `AccountId`). */
  | { readonly kind: 'association'; readonly to: 'companies' }
  | {
      readonly kind: 'picklist' | 'multiselect';
      readonly options: readonly PicklistGroup[];
      readonly passThrough?: boolean;
    }
  /** A deal's stage ⇄ StageName, one map per HubSpot pipeline. */
  | { readonly kind: 'stages'; readonly pipelines: readonly StagePipeline[] };

export interface FieldMapping {
  readonly key: string;
  readonly label?: string;
  readonly hubspotProperty: string;
  readonly salesforceFields: Readonly<Record<string, string | null>>;
  readonly rule: OwnershipRule;
  readonly transform: TransformSpec;
}

export type FilterOperator = 'eq' | 'neq' | 'contains' | 'in' | 'not_in' | 'has_value' | 'has_no_value';

export interface Filter {
  readonly property: string;
  readonly operator: FilterOperator;
  readonly value?: string;
  readonly values?: readonly string[];
}

export interface Condition {
  readonly anyOf: ReadonlyArray<{ readonly allOf: readonly Filter[] }>;
}

export interface ObjectSettings {
  readonly enabled: boolean;
  readonly fields: readonly FieldMapping[];
  readonly scope?: Condition | null;
  readonly createInSalesforce: {
    readonly default: string;
    readonly rules?: ReadonlyArray<{ readonly when: Condition; readonly createAs: string }>;
  };
  readonly createInHubspot: Readonly<Record<string, boolean>>;
  readonly crossId: {
    readonly hubspotProperty?: string;
    readonly salesforceField: Readonly<Record<string, string | null>>;
  };
}

export interface SettingsDocument {
  readonly schemaVersion: number;
  readonly paused?: boolean;
  readonly phoneDefaultCountry?: string;
  readonly objects: {
    readonly contacts: ObjectSettings;
    readonly companies?: ObjectSettings;
    readonly deals?: ObjectSettings;
  };
  readonly polling?: { readonly hubspotIntervalMs?: number; readonly salesforceIntervalMs?: number };
  readonly apiBudget?: { readonly salesforceDailyPercent?: number; readonly hubspotCallsPer10s?: number };
  /** Who owns a record whose owner has no counterpart on that side (emails; null: left as it is). */
  readonly owners?: {
    readonly hubspotDefaultOwnerEmail?: string | null;
    readonly salesforceDefaultUserEmail?: string | null;
  };
  /** Which of a Lead and a Contact with one email a HubSpot contact links to. */
  readonly matching?: { readonly leadContactPreference?: 'contacts_first' | 'most_recently_modified' };
  readonly deletes?: {
    readonly policy?: 'keep_flagged' | 'archive_counterpart';
    readonly graceDays?: number;
    readonly salesforceFlag?: 'when_present' | 'off';
    readonly salesforceFlagField?: string | null;
    readonly brake?: {
      readonly maxPerHour?: number;
      readonly linkedPercent?: number;
      readonly minPerHour?: number;
    };
  };
  readonly access?: { readonly settingsRoleIds?: readonly string[] };
  /** The daily comparison of both systems with the links. */
  readonly reconciliation?: { readonly enabled?: boolean; readonly intervalHours?: number };
  /** A HubSpot privacy deletion's Salesforce side, and how long personal values are kept. */
  readonly privacy?: {
    readonly salesforceRecord?: 'keep' | 'mark' | 'clear';
    readonly auditValueRetentionDays?: number;
    readonly webhookPayloadRetentionDays?: number;
  };
}

export type ReconcileFindingKind =
  | 'hubspot_deleted'
  | 'hubspot_missing'
  | 'salesforce_deleted'
  | 'salesforce_missing'
  | 'hubspot_changed'
  | 'salesforce_changed'
  | 'unlinked_match';

/** One reconciliation run: what it found by kind, how it ended, the calls it spent. */
export interface ReconcileReport {
  readonly id: string;
  readonly trigger: 'scheduled' | 'on_demand';
  readonly requestedBy: string | null;
  readonly state: 'requested' | 'running' | 'completed' | 'incomplete' | 'failed';
  readonly counts: Readonly<Record<ReconcileFindingKind, number>>;
  readonly calls: { readonly hubspot: number; readonly salesforce: number };
  readonly message: string | null;
  readonly requestedAt: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
}

/** One line of the portal's recent changes. */
export interface RecentChange {
  readonly id: number;
  readonly at: number;
  readonly action: string;
  readonly linkId: string | null;
  readonly record: RecordRef | null;
  readonly fieldKey: string | null;
  readonly fieldLabel: string | null;
  readonly direction: 'to_hubspot' | 'to_salesforce' | 'none';
  readonly rule: string | null;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly reason: string;
  readonly actor: HistoryEntry['actor'];
  readonly correlationId: string | null;
}

export interface RecentChanges {
  readonly entries: readonly RecentChange[];
  readonly nextBefore: number | null;
}

export interface RecentChangesFilter {
  readonly objectType?: string;
  readonly fieldKey?: string;
  /** A stored actor (`hubspot-user:12`, `salesforce-user:005…`) or a person's email. */
  readonly actor?: string;
  readonly limit?: number;
  readonly before?: number | null;
}

export interface HubSpotPropertyInfo {
  readonly name: string;
  readonly label: string;
  readonly type: string;
  readonly fieldType?: string;
  readonly options?: ReadonlyArray<{ readonly label: string; readonly value: string }>;
  readonly readOnly?: boolean;
}

export interface SalesforceFieldInfo {
  readonly name: string;
  readonly label: string;
  readonly type: string;
  readonly picklistValues?: ReadonlyArray<{ readonly label: string; readonly value: string }>;
  readonly updateable?: boolean;
  readonly createable?: boolean;
  readonly nillable?: boolean;
}

/** A HubSpot deal pipeline and its stages (the ids a deal stage map names). */
export interface DealPipelineInfo {
  readonly id: string;
  readonly label: string;
  readonly stages: readonly { readonly id: string; readonly label: string }[];
}

export interface LiveMetadata {
  readonly hubspot: Readonly<Record<string, readonly HubSpotPropertyInfo[]>>;
  readonly salesforce: Readonly<Record<string, readonly SalesforceFieldInfo[]>>;
  /** HubSpot's deal pipelines (absent: deals do not sync yet, or they could not be read). */
  readonly dealPipelines?: readonly DealPipelineInfo[];
  /** What could not be read (an object the org lacks, say), in sentences. */
  readonly problems?: readonly string[];
}

export interface HubSpotRole {
  readonly id: string;
  readonly name: string;
}

export interface DryRunExample {
  /** The HubSpot object of the pair (absent from bridges that preview contacts only). */
  readonly objectType?: string;
  readonly linkId: string;
  readonly hubspotId: string;
  readonly salesforceId: string;
  readonly salesforceObjectType?: string;
}

export interface SettingsDryRun {
  readonly sampled: number;
  readonly sampleLimit: number;
  readonly linkedTotal: number;
  readonly updates: ReadonlyArray<{
    /** contacts, companies or deals (absent from bridges that preview contacts only). */
    readonly objectType?: string;
    readonly fieldKey: string;
    /** A company's or deal's field is named with its object ("Company · Industry"). */
    readonly label: string;
    readonly toHubspot: number;
    readonly toSalesforce: number;
    readonly examples: ReadonlyArray<
      DryRunExample & { readonly direction: string; readonly from: unknown; readonly to: unknown }
    >;
  }>;
  readonly conflicts: {
    readonly count: number;
    readonly byField: ReadonlyArray<{
      readonly objectType?: string;
      readonly fieldKey: string;
      readonly label: string;
      readonly count: number;
    }>;
    readonly examples: ReadonlyArray<
      DryRunExample & {
        readonly fieldKey: string;
        readonly label: string;
        readonly hubspotValue: unknown;
        readonly salesforceValue: unknown;
      }
    >;
  };
  readonly failures: {
    readonly count: number;
    readonly byCode: ReadonlyArray<{
      readonly code: string;
      readonly count: number;
      readonly message: string;
    }>;
    readonly examples: ReadonlyArray<
      DryRunExample & { readonly fieldKey: string | null; readonly code: string; readonly message: string }
    >;
  };
  readonly unchanged: number;
  readonly records?: { readonly missing: number; readonly outOfScope?: number };
  readonly calls: { readonly hubspot: number; readonly salesforce: number };
  readonly generatedAt: number;
}

/** The mass-delete brake, as the settings page shows it. */
export interface HeldDeletes {
  /** True while any delete waits for an admin: new deletes are held too. */
  readonly on: boolean;
  readonly thresholdPerHour: number;
  readonly linkedRecords: number;
  readonly deletesLastHour: { readonly hubspot: number; readonly salesforce: number };
  readonly held: ReadonlyArray<{
    readonly id: string;
    readonly linkId: string;
    readonly deletedSide: 'hubspot' | 'salesforce';
    readonly hubspot: { readonly objectType: string; readonly id: string };
    readonly salesforce: { readonly objectType: string; readonly id: string };
    readonly heldAt: number;
  }>;
}

export interface SyncHealth {
  readonly sync: {
    readonly state: 'running' | 'paused' | 'waiting_for_budget' | string;
    readonly reason: string | null;
    readonly message: string | null;
    readonly resumesAt: number | null;
  };
  readonly budget: {
    readonly state: 'available' | 'waiting';
    readonly salesforce: {
      readonly dailyShare: number;
      readonly usedToday: number;
      readonly org: { readonly used: number; readonly limit: number; readonly observedAt: number } | null;
    };
    readonly hubspot: { readonly callsPerSecond: number; readonly searchesPerSecond: number };
  };
  readonly polls: ReadonlyArray<{ readonly name: string; readonly movedAt: number }>;
  readonly queue: {
    readonly pending: number;
    readonly due: number;
    readonly claimed: number;
    readonly retrying: number;
    readonly oldestMarkedAt: number | null;
  };
  readonly failuresByCategory: Readonly<Record<string, number>>;
  readonly openConflicts: number;
  readonly pendingMatches: number;
  readonly activeLinks: number;
  readonly lastSyncedAt: number | null;
  readonly recent?: {
    readonly windowMs: number;
    readonly synced: number;
    readonly failed: number;
    readonly successRate: number | null;
  };
  /** The installation's open alerts, oldest first (absent from a bridge older than alerts). */
  readonly alerts?: ReadonlyArray<HealthAlert>;
}

/** An alert the bridge raised about this installation and has not seen end yet. */
export interface HealthAlert {
  readonly id: string;
  /** salesforce_needs_reauth, salesforce_api_budget, sync_failure_rate, sync_stalled, … */
  readonly kind: string;
  readonly severity: 'critical' | 'warning' | string;
  /** What is wrong and what to do, in a sentence. */
  readonly message: string;
  readonly openedAt: number;
}

export interface PauseState {
  readonly pausedByAdmin: boolean;
  readonly syncPaused: boolean;
  readonly reason: string | null;
}
