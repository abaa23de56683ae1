/**
 * The one-line state of a record on its sync card: a state, the tag text, and a sentence for a rep saying
 * what it means and what to do. Decided here, from facts the caller has read, first match wins:
 *
 *   not connected / needs reauth ─► not_connected
 *   connection not yet confirmed ─► paused
 *   paused by an admin ───────────► paused
 *   link tombstoned, Salesforce record deleted ─► deleted_in_salesforce
 *   a pending match ──────────────► waiting_for_person
 *   an open conflict ─────────────► conflict
 *   an unresolved failure ────────► error
 *   queued or being synced ───────► syncing
 *   no active link ───────────────► not_linked
 *   otherwise ────────────────────► in_sync
 *
 * Pure: no I/O, no clock.
 */
import type { HubSpotConnectionState, SalesforceConnectionState } from './installationState';
import type { LinkState } from './linkStates';
import type { Side } from './records';
import { assertNever } from './result';

export const recordSyncStates = [
  'in_sync',
  'syncing',
  'conflict',
  'error',
  'not_linked',
  'waiting_for_person',
  'deleted_in_salesforce',
  'paused',
  'not_connected',
] as const;
export type RecordSyncState = (typeof recordSyncStates)[number];

export interface RecordSummaryFacts {
  readonly installation: {
    readonly hubspot: HubSpotConnectionState;
    readonly salesforce: SalesforceConnectionState;
    readonly awaitingConfirmation: boolean;
    readonly pausedByAdmin: boolean;
  };
  /** The record's current link (active, else tombstoned), if any. */
  readonly link: { readonly state: LinkState; readonly tombstonedSide: Side | null } | null;
  /** The Salesforce object the record is linked to (`Lead`, `Contact`), for the wording. */
  readonly salesforceObject: string | null;
  readonly pendingMatch: boolean;
  /** The question is about a possible duplicate: its Lead converted into a Contact another record syncs with. */
  readonly possibleDuplicate?: boolean;
  readonly openConflicts: number;
  readonly unresolvedFailures: number;
  readonly queued: boolean;
  /** How long a deleted Salesforce record can come back and sync again (the settings' grace period). */
  readonly graceDays: number;
  /**
   * Associated records (a company, an Account, a deal's contact) this record's associations wait for: not
   * linked yet, so that association is not written until they sync (absent: none).
   */
  readonly waitingAssociations?: number;
}

export interface RecordSummary {
  readonly state: RecordSyncState;
  /** The tag on the card. */
  readonly title: string;
  /** What it means and what to do, for a rep. */
  readonly message: string;
}

export function recordSyncState(facts: RecordSummaryFacts): RecordSyncState {
  const { installation, link } = facts;
  if (installation.hubspot !== 'connected' || installation.salesforce !== 'connected') return 'not_connected';
  if (installation.awaitingConfirmation || installation.pausedByAdmin) return 'paused';
  if (link?.state === 'tombstoned' && link.tombstonedSide === 'salesforce') return 'deleted_in_salesforce';
  if (facts.pendingMatch) return 'waiting_for_person';
  if (facts.openConflicts > 0) return 'conflict';
  if (facts.unresolvedFailures > 0) return 'error';
  if (facts.queued) return 'syncing';
  if (link?.state !== 'active') return 'not_linked';
  return 'in_sync';
}

export function recordSummary(facts: RecordSummaryFacts): RecordSummary {
  const state = recordSyncState(facts);
  const object = facts.salesforceObject ?? 'record';
  switch (state) {
    case 'not_connected':
      return {
        state,
        title: 'Not connected',
        message:
          facts.installation.salesforce === 'needs_reauth'
            ? 'The connection to Salesforce has expired, so nothing syncs for now; ask an admin to reconnect Salesforce in the app settings. Changes are kept and sync once it is back.'
            : 'The app is not connected to Salesforce, so nothing syncs for now; ask an admin to connect Salesforce in the app settings.',
      };
    case 'paused':
      return {
        state,
        title: 'Paused',
        message: facts.installation.awaitingConfirmation
          ? 'A Salesforce org was just connected and waits for an admin to confirm it in the app settings, so nothing syncs yet. Changes are kept and sync once it is confirmed.'
          : 'An admin paused the sync for this portal. Changes are kept and sync on their own when it resumes.',
      };
    case 'deleted_in_salesforce':
      return {
        state,
        title: 'Deleted in Salesforce',
        message: `The linked Salesforce ${object} was deleted, so this record no longer syncs. If it is restored from the Salesforce recycle bin within ${facts.graceDays} days, syncing picks up again; otherwise nothing needs doing.`,
      };
    case 'waiting_for_person':
      return {
        state,
        title: 'Waiting for a person',
        message: facts.possibleDuplicate
          ? "This record's Salesforce Lead was converted into a Contact that another HubSpot record already syncs with, so the two may be one person and this one does not sync for now: merge them in HubSpot (listed below), and the one kept syncs with the Contact."
          : 'More than one Salesforce record could be this one, so the sync is waiting for you: pick the right record below, or ask for a new one.',
      };
    case 'conflict':
      return {
        state,
        title: 'Conflict',
        message:
          facts.openConflicts === 1
            ? 'A field was changed to different values in HubSpot and Salesforce; pick the value to keep below and the sync writes it to both.'
            : `${facts.openConflicts} fields were changed to different values in HubSpot and Salesforce; pick the value to keep for each below.`,
      };
    case 'error':
      return {
        state,
        title: 'Error',
        message: 'The last sync of this record failed; what went wrong and what to do are shown below.',
      };
    case 'syncing':
      return {
        state,
        title: 'Syncing',
        message:
          'A change to this record is on its way to the other system; this usually takes under a minute.',
      };
    case 'not_linked':
      return {
        state,
        title: 'Not linked',
        message:
          'This record has no Salesforce counterpart: it has not synced yet, or the sync rules leave it out. Press Sync now to check it against the rules.',
      };
    case 'in_sync': {
      const waiting = facts.waitingAssociations ?? 0;
      return {
        state,
        title: 'In sync',
        message:
          waiting === 0
            ? `This record and its Salesforce ${object} agree as of the last sync; edits on either side sync on their own.`
            : `This record and its Salesforce ${object} agree as of the last sync, except for ${waiting === 1 ? 'an associated record' : `${waiting} associated records`} not synced yet (below): ${waiting === 1 ? 'that association is' : 'those associations are'} written once ${waiting === 1 ? 'it syncs' : 'they sync'}. A record the sync rules leave out never does.`,
      };
    }
    default:
      return assertNever(state, 'record sync state');
  }
}
