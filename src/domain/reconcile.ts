/**
 * Reconciliation: what a full comparison of both systems with the links finds, decided without I/O. The
 * walk (src/reconcile/run.ts) reads every record of both sides page by page; these functions say what each
 * record, link and pair of unlinked records means. Nothing here writes: a finding becomes a dirty mark, and
 * the sync worker decides from the records' current state, by the same rules as any change.
 *
 * A run's report moves through:
 *
 *   requested ──take──► running ──► completed
 *       │                  ├──────► incomplete   (the API budget ran out, or the process stopped: partial counts)
 *       └── (scheduled     └──────► failed       (an error, or the process died: found interrupted later)
 *            runs start at running)
 */
import { conditionHolds } from './conditions';
import type { ChangedSide } from './echo';
import { standInFor } from './plan/fields';
import { transformContextOf, type ShadowMap } from './planner';
import type {
  HubspotObjectType,
  HubspotRecord,
  Link,
  SalesforceObjectType,
  SalesforceRecord,
} from './records';
import type { ObjectSettings, Settings } from './settings/schema';
import type { AssociationLinks } from './transforms/association';
import { canonicalEquals, observed } from './transforms/canonical';
import { createTransform } from './transforms/index';
import { normalizeDomain, normalizeEmail } from './transforms/text';
import type { OwnerIndex } from './transforms/owner';

/** What a run can find, each a reason to mark a record dirty. */
export const reconcileFindingKinds = [
  /** An active link's HubSpot record is archived (its deletion webhook never arrived). */
  'hubspot_deleted',
  /** An active link's HubSpot record is neither live nor archived (GDPR-deleted, merged away, purged). */
  'hubspot_missing',
  /** An active link's Salesforce record is in the recycle bin (deleted or merged away, unseen by the poll). */
  'salesforce_deleted',
  /** An active link's Salesforce record is not found at all (purged from the recycle bin). */
  'salesforce_missing',
  /** A linked HubSpot record's values differ from what was last synced. */
  'hubspot_changed',
  /** A linked Salesforce record's values differ from what was last synced. */
  'salesforce_changed',
  /** A record no link names, whose email (contacts) or domain (companies) an unlinked record on the other side has. */
  'unlinked_match',
] as const;
export type ReconcileFindingKind = (typeof reconcileFindingKinds)[number];

export type ReconcileCounts = Record<ReconcileFindingKind, number>;

export function emptyCounts(): ReconcileCounts {
  return Object.fromEntries(reconcileFindingKinds.map((kind) => [kind, 0])) as ReconcileCounts;
}

export const reconcileTriggers = ['scheduled', 'on_demand'] as const;
export type ReconcileTrigger = (typeof reconcileTriggers)[number];

export const reconcileStates = ['requested', 'running', 'completed', 'incomplete', 'failed'] as const;
export type ReconcileState = (typeof reconcileStates)[number];

const moves: ReadonlyArray<readonly [ReconcileState, ReconcileState]> = [
  ['requested', 'running'],
  ['running', 'completed'],
  ['running', 'incomplete'],
  ['running', 'failed'],
  ['requested', 'failed'],
];

/** Whether a report may move from one state to another; finished reports never change. */
export function canMove(from: ReconcileState, to: ReconcileState): boolean {
  return moves.some(([a, b]) => a === from && b === to);
}

/**
 * Whether a linked record read by the walk holds a value other than the one last synced, so it changed
 * without an event the bridge saw; or is a Lead converted since (a conversion the poll missed). Only fields
 * that have synced count: a field without a shadow is one the sync could not settle (a failure, an owner
 * with no counterpart), which the failures already show and every sync of the record tries again; counting
 * it would report the same record on every run. An owner is judged as the sync judges it: one a side holds
 * only because the shadow's owner has no counterpart there (nobody in HubSpot, the user the bridge acts as or
 * the admin's default) is that owner, not a change. Associations count once the walk has read them into the
 * record (its reserved properties and fields) and passed the links they name.
 */
export function changedSinceSync(args: {
  readonly settings: Settings;
  readonly link: Link;
  readonly changed: ChangedSide;
  readonly shadows: ShadowMap;
  readonly owners: OwnerIndex;
  /** The Salesforce user the bridge acts as, whose records' owner may stand in for one with no user. */
  readonly salesforceUserId: string | null;
  /**
   * The links the record's associations name (read for the page at hand). An association whose other end is
   * not linked is waiting, not changed; without this index every association counts as waiting.
   */
  readonly associationLinks?: AssociationLinks;
}): boolean {
  const { settings, link, changed, shadows } = args;
  if (changed.side === 'salesforce' && changed.record.conversion !== null) return true;
  const context = transformContextOf({
    settings,
    owners: args.owners,
    salesforceUserId: args.salesforceUserId,
    ...(args.associationLinks ? { associationLinks: args.associationLinks } : {}),
  });
  for (const mapping of settings.objects[link.hubspot.objectType].fields) {
    const salesforceField = (mapping.salesforceFields as Partial<Record<string, string | null>>)[
      link.salesforce.type
    ];
    if (!salesforceField || mapping.rule === 'none' || mapping.rule === 'on_create') continue;
    const shadow = shadows[mapping.key];
    if (shadow === undefined) continue;
    const transform = createTransform(mapping.transform, context);
    let read;
    if (changed.side === 'hubspot') {
      if (!Object.prototype.hasOwnProperty.call(changed.record.properties, mapping.hubspotProperty)) continue;
      read = transform.fromHubspot(changed.record.properties[mapping.hubspotProperty] ?? null);
    } else {
      if (!Object.prototype.hasOwnProperty.call(changed.record.fields, salesforceField)) continue;
      read = transform.fromSalesforce(changed.record.fields[salesforceField]);
    }
    // An owner standing in for one with no counterpart on that side is that owner, as the sync takes it.
    const held = standInFor(mapping, observed(read), shadow, changed.side, context);
    if (held.kind === 'value' && !canonicalEquals(held.value, shadow)) return true;
  }
  return false;
}

/** Which mapping says who a record is: email for contacts, the domain for companies, none for deals. */
function identityMapping(objectSettings: ObjectSettings) {
  return (
    objectSettings.fields.find((mapping) => mapping.transform.kind === 'email') ??
    objectSettings.fields.find((mapping) => mapping.transform.kind === 'domain') ??
    null
  );
}

function normalizeIdentity(kind: string, value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  return kind === 'email' ? normalizeEmail(value) : normalizeDomain(value);
}

/** The key an unlinked HubSpot record is matched by, or null (no identity, or outside the sync's scope). */
export function hubspotIdentity(settings: Settings, record: HubspotRecord): string | null {
  const objectSettings = settings.objects[record.objectType];
  if (objectSettings.scope && !conditionHolds(objectSettings.scope, record.properties)) return null;
  const mapping = identityMapping(objectSettings);
  if (!mapping) return null;
  return normalizeIdentity(mapping.transform.kind, record.properties[mapping.hubspotProperty]);
}

/** The key an unlinked Salesforce record is matched by, or null (no identity, converted or deleted). */
export function salesforceIdentity(
  settings: Settings,
  objectType: HubspotObjectType,
  record: SalesforceRecord,
): string | null {
  if (record.isDeleted || record.conversion !== null) return null;
  const mapping = identityMapping(settings.objects[objectType]);
  if (!mapping) return null;
  const field = (mapping.salesforceFields as Partial<Record<SalesforceObjectType, string | null>>)[
    record.type
  ];
  if (!field) return null;
  return normalizeIdentity(mapping.transform.kind, record.fields[field]);
}

/**
 * The HubSpot records (by id) that an unlinked record on the other side matches by identity. The worker's
 * matching then links them, or asks a person when there are several candidates.
 */
export function unlinkedMatches(
  hubspotByIdentity: ReadonlyMap<string, readonly string[]>,
  salesforceIdentities: ReadonlySet<string>,
): string[] {
  const ids: string[] = [];
  for (const [identity, hubspotIds] of hubspotByIdentity) {
    if (salesforceIdentities.has(identity)) ids.push(...hubspotIds);
  }
  return [...new Set(ids)].sort();
}

/**
 * What became of an active link's record on one side, from the complete walk of that side: seen live (the
 * comparison with shadows said the rest), in the recycle bin, or nowhere.
 */
export function goneKind(
  side: 'hubspot' | 'salesforce',
  seenLive: boolean,
  seenDeleted: boolean,
): ReconcileFindingKind | null {
  if (seenLive) return null;
  if (seenDeleted) return side === 'hubspot' ? 'hubspot_deleted' : 'salesforce_deleted';
  return side === 'hubspot' ? 'hubspot_missing' : 'salesforce_missing';
}

/** When the next scheduled run of an installation is due, from the last one that started. */
export function scheduledRunDue(settings: Settings, lastStartedAt: number | null, now: number): boolean {
  if (!settings.reconciliation.enabled) return false;
  if (lastStartedAt === null) return true;
  return now - lastStartedAt >= settings.reconciliation.intervalHours * 3_600_000;
}
