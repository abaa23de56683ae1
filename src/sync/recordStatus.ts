/**
 * The record card's view of one record: its link, its place in the queue, what is wrong with it and what a
 * rep can do, in words. Read from the database only (a dry run also reads both records): the summary, the
 * Salesforce link, the last writes each way, failures with their advice, the candidates of a pending match as
 * they were read when the question was asked, and open conflicts as display text.
 */
import * as associationWaits from '../db/associationWaits';
import * as auditEntries from '../db/auditEntries';
import * as conflictsTable from '../db/conflicts';
import * as deleteExpiries from '../db/deleteExpiries';
import * as deleteHolds from '../db/deleteHolds';
import * as dirty from '../db/dirty';
import * as failures from '../db/failures';
import * as installations from '../db/installations';
import * as links from '../db/links';
import * as pendingMatches from '../db/pendingMatches';
import type { RecordRef } from '../db/recordRefs';
import { asFailureCategory, failureAdvice } from '../domain/failures';
import { graceEndsAtMs } from '../domain/deletes';
import { currentLinkOf } from '../domain/linkStates';
import type { PlanOutcome } from '../domain/planner';
import { recordSummary, type RecordSummary } from '../domain/recordSummary';
import type { SalesforceObjectType } from '../domain/records';
import { findMapping } from '../domain/settings/defaults';
import { fieldLabel, type Settings } from '../domain/settings/schema';
import { displayStored } from '../domain/transforms/canonical';
import { salesforceRecordUrl } from './appProperties';
import type { EngineDeps } from './engineApi';
import type { NamedFieldPlan } from './associationNames';
import { planDryRun } from './dryRunRecord';
import { salesforceDeleteMark } from '../settings/deleteMark';
import { salesforceTypeOfId } from '../settings/fields';
import { settingsFor } from '../settings/installationSettings';

export interface FailureView extends failures.Failure {
  /** A few words for the card: what kind of problem it is. */
  readonly title: string;
  /** What to do about it (often: nothing, the sync retries on its own). */
  readonly whatToDo: string;
}

export interface CandidateView extends pendingMatches.Candidate {
  readonly objectType: string;
  /** The candidate's Salesforce record page, when it is a Salesforce record and the org is known. */
  readonly salesforceUrl: string | null;
}

export interface ConflictView extends conflictsTable.Conflict {
  /** The mapping's label, as the settings name the field. */
  readonly fieldLabel: string;
  readonly hubspotDisplay: string | null;
  readonly salesforceDisplay: string | null;
  /** The value both sides last agreed on; null when the field never synced. */
  readonly lastSyncedDisplay: string | null;
}

export interface RecordSyncStatus {
  readonly record: RecordRef;
  /** What the card's tag says, and a sentence for a rep. */
  readonly summary: RecordSummary;
  readonly link: {
    readonly id: string;
    readonly state: links.Link['state'];
    readonly origin: links.Link['origin'];
    readonly hubspot: RecordRef;
    readonly salesforce: RecordRef;
    readonly lastSyncedAt: number | null;
    readonly tombstonedAt: number | null;
  } | null;
  /** The linked Salesforce record's page (Lightning), or null when there is none or the org is unknown. */
  readonly salesforce: { readonly instanceUrl: string; readonly recordUrl: string } | null;
  /** The bridge's latest write to each system for this record (any of its links), and the link's last sync. */
  readonly lastSync: {
    readonly toHubspotAt: number | null;
    readonly toSalesforceAt: number | null;
    readonly at: number | null;
  };
  /** The record's place in the queue, if it is waiting or being synced. */
  readonly queue: {
    readonly state: 'pending' | 'claimed';
    readonly attempts: number;
    readonly nextAttemptAt: number;
    readonly lastError: string | null;
  } | null;
  /** A dry run: what a sync now would do, field by field (null when not asked for or not possible). */
  readonly dryRun: {
    readonly outcome: PlanOutcome;
    readonly summary: string;
    /** Association fields carry the associated records' names (`hubspotDisplay`, `salesforceDisplay`). */
    readonly fields: readonly NamedFieldPlan[];
  } | null;
  readonly dryRunError: string | null;
  readonly conflicts: readonly ConflictView[];
  readonly failures: readonly FailureView[];
  readonly pendingMatch:
    | (Omit<pendingMatches.PendingMatch, 'candidates'> & {
        readonly candidates: CandidateView[];
      })
    | null;
  /**
   * While the link is tombstoned: which side deleted its record and when, until when a restore revives the
   * link, where the other side's record carries the mark (HubSpot's properties, the Salesforce checkbox, or
   * only the bridge when the org has no checkbox), whether the mass-delete brake holds it, what the policy
   * did when the grace period ended, and whether an admin can relink the pair.
   */
  readonly deletion: {
    readonly deletedSide: 'hubspot' | 'salesforce';
    readonly deletedAt: number;
    readonly graceEndsAt: number;
    readonly markedIn: 'hubspot_properties' | 'salesforce_field' | 'bridge';
    readonly salesforceFlagField: string | null;
    readonly afterGrace: {
      readonly outcome: deleteExpiries.DeleteExpiry['outcome'];
      readonly reason: string;
      readonly decidedAt: number;
    } | null;
    readonly canRelink: boolean;
  } | null;
  /** The mass-delete brake holds this record's delete for an admin: nothing is marked yet. */
  readonly deleteHeld: boolean;
  /**
   * Records that may be the same person as this HubSpot record, each with the question waiting about it and
   * what a person can do:
   * - Salesforce records that match it but could not link to it, because it syncs with another one (a person
   *   who is both a Lead and a Contact): possible duplicates in Salesforce.
   * - When a Lead converted into a Contact that another HubSpot record syncs with: on the Lead's HubSpot
   *   record, that Contact and the other HubSpot record; on the other HubSpot record, the Lead's.
   */
  readonly possibleDuplicates: ReadonlyArray<{
    readonly questionId: string;
    readonly record: RecordRef;
    readonly salesforceUrl: string | null;
    readonly openedAt: number;
    readonly whatToDo: string;
  }>;
  /**
   * Associated records this record's associations wait for (its company or Account, a deal's contact): not
   * linked yet, so those associations are written once they sync. Nothing has failed.
   */
  readonly waitingFor: ReadonlyArray<{
    readonly record: { readonly side: 'hubspot' | 'salesforce'; readonly recordId: string };
    readonly salesforceUrl: string | null;
  }>;
}

function linkRecords(link: links.Link): [RecordRef, RecordRef] {
  return [
    { side: 'hubspot', objectType: link.hubspotObjectType, recordId: link.hubspotId },
    { side: 'salesforce', objectType: link.salesforceObjectType, recordId: link.salesforceId },
  ];
}

function failureView(failure: failures.Failure): FailureView {
  const side =
    failure.details.side === 'hubspot' || failure.details.side === 'salesforce' ? failure.details.side : null;
  return { ...failure, ...failureAdvice(asFailureCategory(failure.category), side) };
}

async function deletionView(
  deps: EngineDeps,
  installationId: string,
  link: links.Link,
  settings: Settings,
  installation: installations.Installation | null,
): Promise<RecordSyncStatus['deletion']> {
  if (link.state !== 'tombstoned' || link.tombstonedAt === null || link.tombstonedSide === null) return null;
  const expiry = await deleteExpiries.findForTombstone(deps.db, link.id, link.tombstonedAt);
  const mark =
    link.tombstonedSide === 'hubspot' &&
    (link.salesforceObjectType === 'Lead' || link.salesforceObjectType === 'Contact')
      ? salesforceDeleteMark(settings, {
          describe: deps.metadata?.cachedDescribe(installationId) ?? null,
          capabilities: installation?.salesforce.capabilities ?? null,
        })
      : null;
  return {
    deletedSide: link.tombstonedSide,
    deletedAt: link.tombstonedAt,
    graceEndsAt: graceEndsAtMs(link.tombstonedAt, settings.deletes.graceDays),
    markedIn: link.tombstonedSide === 'salesforce' ? 'hubspot_properties' : (mark?.markedIn ?? 'bridge'),
    salesforceFlagField: mark?.field ?? null,
    afterGrace: expiry && { outcome: expiry.outcome, reason: expiry.reason, decidedAt: expiry.decidedAt },
    canRelink: true,
  };
}

const CONVERT_OR_MERGE_IN_SALESFORCE =
  'Convert the Lead or merge the records in Salesforce; nothing is lost meanwhile.';
const MERGE_IN_HUBSPOT =
  'A Lead converted into a Salesforce Contact that another HubSpot contact already syncs with: the two HubSpot contacts may be one person. Merge them in HubSpot; the one kept syncs with the Contact.';

function isConvertedElsewhere(question: pendingMatches.PendingMatch): boolean {
  return question.candidates.some((candidate) => candidate.matchedBy === pendingMatches.CONVERTED_ELSEWHERE);
}

/** The card's view of one record. With `dryRun`, both records are read (two or three API calls) and planned. */
export async function recordSyncStatus(
  deps: EngineDeps,
  installationId: string,
  record: RecordRef,
  options: { dryRun?: boolean } = {},
): Promise<RecordSyncStatus> {
  const { db } = deps;
  const [allLinks, installation, settings] = await Promise.all([
    links.listForRecord(db, installationId, record),
    installations.findById(db, installationId),
    settingsFor(db, installationId),
  ]);
  // The link the sync uses: a record whose link ended as a duplicate shows its question instead.
  const link = currentLinkOf(allLinks);
  const records = link ? linkRecords(link) : [record];
  const queued = (
    await Promise.all(records.map((ref) => dirty.findByRecord(db, installationId, ref)))
  ).filter((item) => item !== null);
  const waiting = queued[0] ?? null;
  const unresolved = (
    await Promise.all(records.map((ref) => failures.findUnresolved(db, installationId, ref)))
  ).filter((failure) => failure !== null);
  const waits = (
    await Promise.all(records.map((ref) => associationWaits.waitingFor(db, installationId, ref)))
  )
    .flat()
    .filter(
      (wait, index, all) =>
        all.findIndex((other) => other.side === wait.side && other.recordId === wait.recordId) === index,
    );
  const [openConflicts, pendingMatch, writes, duplicates] = await Promise.all([
    link ? conflictsTable.listOpen(db, installationId, { linkId: link.id }) : Promise.resolve([]),
    link ? Promise.resolve(null) : pendingMatches.findOpen(db, installationId, record),
    auditEntries.lastWrites(
      db,
      installationId,
      allLinks.map((candidate) => candidate.id),
    ),
    record.side === 'hubspot'
      ? pendingMatches.listNamingLinkedCandidate(db, installationId, record)
      : Promise.resolve([]),
  ]);
  let dryRun: RecordSyncStatus['dryRun'] = null;
  let dryRunError: string | null = null;
  if (options.dryRun) {
    const planned = await planDryRun(deps, installationId, record);
    if (planned.ok) dryRun = planned.value;
    else dryRunError = planned.error.message;
  }

  const instanceUrl = installation?.salesforce.instanceUrl ?? null;
  const urlOf = (type: string, id: string) =>
    instanceUrl ? salesforceRecordUrl(instanceUrl, type as SalesforceObjectType, id) : null;
  const shownLink = link && (link.state === 'active' || link.state === 'tombstoned') ? link : null;
  const recordUrl = shownLink ? urlOf(shownLink.salesforceObjectType, shownLink.salesforceId) : null;

  const summary = recordSummary({
    installation: installation
      ? {
          hubspot: installation.state.hubspot,
          salesforce: installation.state.salesforce,
          awaitingConfirmation: installation.state.awaitingConfirmation,
          pausedByAdmin: installation.state.pausedByAdmin,
        }
      : {
          hubspot: 'uninstalled',
          salesforce: 'not_connected',
          awaitingConfirmation: false,
          pausedByAdmin: false,
        },
    link: link && { state: link.state, tombstonedSide: link.tombstonedSide },
    salesforceObject: link?.salesforceObjectType ?? null,
    pendingMatch: pendingMatch !== null,
    possibleDuplicate: pendingMatch !== null && isConvertedElsewhere(pendingMatch),
    openConflicts: openConflicts.length,
    unresolvedFailures: unresolved.length,
    queued: waiting !== null,
    graceDays: settings.deletes.graceDays,
    waitingAssociations: waits.length,
  });

  const deletion = link ? await deletionView(deps, installationId, link, settings, installation) : null;
  const held = link ? await deleteHolds.unsettledForLinks(db, installationId, [link.id]) : new Map();
  return {
    record,
    summary,
    deletion,
    deleteHeld: link ? held.get(link.id)?.state === 'held' : false,
    link: link && {
      id: link.id,
      state: link.state,
      origin: link.origin,
      hubspot: linkRecords(link)[0],
      salesforce: linkRecords(link)[1],
      lastSyncedAt: link.lastSyncedAt,
      tombstonedAt: link.tombstonedAt,
    },
    salesforce: instanceUrl && recordUrl ? { instanceUrl, recordUrl } : null,
    lastSync: {
      toHubspotAt: writes.toHubspot,
      toSalesforceAt: writes.toSalesforce,
      at: link?.lastSyncedAt ?? null,
    },
    queue: waiting && {
      state: waiting.state,
      attempts: waiting.attempts,
      nextAttemptAt: waiting.nextAttemptAt,
      lastError: waiting.lastError,
    },
    dryRun,
    dryRunError,
    conflicts: openConflicts.map((conflict) => {
      const mapping = findMapping(settings, conflict.fieldKey);
      return {
        ...conflict,
        fieldLabel: mapping ? fieldLabel(mapping) : conflict.fieldKey,
        hubspotDisplay: displayStored(conflict.hubspotValue),
        salesforceDisplay: displayStored(conflict.salesforceValue),
        lastSyncedDisplay: displayStored(conflict.shadowValue),
      };
    }),
    failures: unresolved.map(failureView),
    possibleDuplicates: [
      ...duplicates.map((question) => ({
        questionId: question.id,
        record: question.record,
        salesforceUrl:
          question.record.side === 'salesforce'
            ? urlOf(question.record.objectType, question.record.recordId)
            : null,
        openedAt: question.openedAt,
        whatToDo: isConvertedElsewhere(question) ? MERGE_IN_HUBSPOT : CONVERT_OR_MERGE_IN_SALESFORCE,
      })),
      ...(pendingMatch && isConvertedElsewhere(pendingMatch)
        ? pendingMatch.candidates.map((candidate) => ({
            questionId: pendingMatch.id,
            record: candidate.record,
            salesforceUrl:
              candidate.record.side === 'salesforce'
                ? urlOf(candidate.record.objectType, candidate.record.recordId)
                : null,
            openedAt: pendingMatch.openedAt,
            whatToDo: MERGE_IN_HUBSPOT,
          }))
        : []),
    ],
    waitingFor: waits.map((wait) => {
      const type = wait.side === 'salesforce' ? salesforceTypeOfId(wait.recordId) : null;
      return { record: wait, salesforceUrl: type ? urlOf(type, wait.recordId) : null };
    }),
    pendingMatch: pendingMatch && {
      ...pendingMatch,
      candidates: pendingMatch.candidates.map((candidate) => ({
        ...candidate,
        objectType: candidate.record.objectType,
        salesforceUrl:
          candidate.record.side === 'salesforce'
            ? urlOf(candidate.record.objectType, candidate.record.recordId)
            : null,
      })),
    },
  };
}
