/**
 * The Salesforce polls, per synced object (Leads and Contacts for contacts, Accounts for companies):
 * - changes: records whose SystemModstamp moved (edits by anyone, system updates, undeletes, and lead
 *   conversion, which stamps the Lead: that is the conversion check — the Lead arrives with IsConverted and
 *   its Converted*Id, and the worker moves the link);
 * - deletions: the recycle bin through queryAll (IsDeleted = true), including the losers of a merge, which
 *   carry MasterRecordId.
 * - contact roles, while a deal's contacts sync (src/changes/contactRolePoll.ts).
 * Each hands the records it read over as payloads, with a hint for deletions and merges, and keeps its own
 * cursor. The first run for an installation walks every record (the initial sync), up to 2,000 per call
 * (Salesforce decides a batch's size: fewer when rows are large, then queryMore fetches the rest).
 */
import {
  keyMovesForward,
  readChanges,
  readMoreChanges,
  type ChangeKey,
  type ChangesBatch,
} from '../connectors/salesforce/changes';
import { describeFields } from '../connectors/salesforce/metadata';
import { SalesforceCallError } from '../connectors/salesforce/errors';
import * as cursors from '../db/cursors';
import { decodePollCursor, fingerprintOf } from '../domain/changes/pollCursor';
import type { SalesforceObjectType, SalesforceRecord } from '../domain/records';
import { contactRolesSync, enabledSalesforceTypes } from '../domain/settings/readLists';
import { salesforceFieldsToRead } from '../settings/fields';
import { settingsFor } from '../settings/installationSettings';
import type { DirtyPayload } from '../queue/payload';
import { pollContactRoles, type ContactRolePollOutcome } from './contactRolePoll';
import type { ChangeDetectionDeps } from './start';
import type { PollOutcome } from './hubspotPoll';
import { handOverPage, readCursorState, type PollItem } from './pollStep';

/** Covers transactions that commit after a poll with an older SystemModstamp, and its one-second precision. */
export const SALESFORCE_POLL_OVERLAP_MS = 60_000;

export type SalesforcePollKind = 'changes' | 'deletions';

/**
 * How long a field found missing stays left out before a poll tries it again (the admin may add it). Each
 * try costs two calls (the refused query and a describe), and a shipped mapping can name a field most orgs
 * lack (an Opportunity's CurrencyIsoCode, only in multi-currency orgs): once an hour, not every few polls.
 */
export const MISSING_FIELD_RECHECK_MS = 60 * 60_000;

/** Per installation and object: mapped fields the org lacks, and when that was found (this process). */
const missingFields = new Map<string, { names: Set<string>; foundAt: number }>();

export interface SalesforcePollOptions {
  overlapMs?: number;
  /** Records per call (at most 2,000, one SOQL batch); lower in tests. */
  pageSize?: number;
  shouldStop?: () => boolean;
}

export interface SalesforcePollOutcome extends PollOutcome {
  /**
   * The run ended where it started although Salesforce said more records remained: the next run would read
   * the same records again. Counted on the cursor (`stalls`, shown by the health endpoint) and logged.
   */
  stalled: boolean;
}

export function salesforceCursorName(type: SalesforceObjectType, kind: SalesforcePollKind): string {
  return kind === 'changes' ? `salesforce:${type}:SystemModstamp` : `salesforce:${type}:deleted`;
}

export function payloadOf(record: SalesforceRecord, kind: SalesforcePollKind): DirtyPayload {
  if (kind === 'changes') return { record };
  if (record.masterRecordId) {
    return { record, hint: 'merged', event: { survivorId: record.masterRecordId, mergedIds: [record.id] } };
  }
  return { record, hint: 'deleted' };
}

function itemOf(record: SalesforceRecord, kind: SalesforcePollKind): PollItem {
  return {
    change: { id: record.id, changedMs: record.systemModstampMs, fingerprint: fingerprintOf(record.fields) },
    ref: { side: 'salesforce', objectType: record.type, recordId: record.id },
    payload: payloadOf(record, kind),
  };
}

/** One poll of one kind for one object type. */
export async function pollSalesforceObject(
  deps: ChangeDetectionDeps,
  installationId: string,
  type: SalesforceObjectType,
  kind: SalesforcePollKind,
  options: SalesforcePollOptions = {},
): Promise<SalesforcePollOutcome> {
  const overlapMs = options.overlapMs ?? SALESFORCE_POLL_OVERLAP_MS;
  const connection = await deps.clients.salesforce(installationId);
  if (!connection.ok) throw new Error(`Salesforce poll of ${type}: ${connection.error.message}`);
  const settings = await settingsFor(deps.db, installationId);
  const missingKey = `${installationId}:${type}`;
  const missing = missingFields.get(missingKey);
  if (missing && deps.now() - missing.foundAt >= MISSING_FIELD_RECHECK_MS) missingFields.delete(missingKey);
  const leftOut = missingFields.get(missingKey)?.names ?? new Set<string>();
  // The worker's own list, so a record handed over has everything it compares and is not read again.
  let fields = salesforceFieldsToRead(settings, type).filter((name) => !leftOut.has(name.toLowerCase()));
  const gate = deps.budget.gateFor(installationId);
  const state = await readCursorState(
    deps,
    installationId,
    salesforceCursorName(type, kind),
    decodePollCursor,
  );
  const outcome: SalesforcePollOutcome = {
    initial: state.cursor === null,
    calls: 0,
    read: 0,
    handedOver: 0,
    complete: false,
    stalled: false,
  };
  let lastRead: { stampMs: number; id: string } | null = null;
  let key: ChangeKey = {
    kind: 'from',
    sinceMs: state.cursor ? Math.max(0, state.cursor.newestMs - overlapMs) : 0,
  };
  const deleted = kind === 'deletions';
  /** Salesforce said more rows remain beyond what this run read (a batch not done, or a page's LIMIT filled). */
  let moreRemain = false;
  try {
    let locator: string | null = null;
    for (;;) {
      if (options.shouldStop?.()) return outcome;
      const first = () =>
        readChanges(connection.value, gate, type, fields, key, {
          deleted,
          ...(options.pageSize ? { limit: options.pageSize } : {}),
        });
      const batch: ChangesBatch | null = locator
        ? await readMoreChanges(connection.value, gate, type, locator, { deleted }).catch(
            (error: unknown) => {
              // A query locator lives 15 minutes unused: start a new page after the last record read instead.
              if (error instanceof SalesforceCallError && error.code === 'INVALID_QUERY_LOCATOR') return null;
              throw error;
            },
          )
        : await first().catch(async (error: unknown) => {
            if (!(error instanceof SalesforceCallError && error.code === 'INVALID_FIELD')) throw error;
            // A mapped field the org does not have (or the user cannot see) would stop every poll: leave it out.
            const known = await describeFields(connection.value, type, { gate });
            const available = fields.filter((name) =>
              known.some((field) => field.name.toLowerCase() === name.toLowerCase()),
            );
            if (available.length === fields.length) throw error;
            const absent = fields.filter((name) => !available.includes(name));
            missingFields.set(missingKey, {
              names: new Set([...leftOut, ...absent.map((name) => name.toLowerCase())]),
              foundAt: deps.now(),
            });
            deps.logger.warn(
              { installationId, type, missing: absent },
              `Salesforce ${type} lacks mapped field(s) ${absent.join(', ')}; polling without them`,
            );
            fields = available;
            return first();
          });
      outcome.calls += 1;
      if (batch === null) {
        locator = null;
        if (lastRead) key = { kind: 'after', ...lastRead };
        continue;
      }
      if (!locator) moreRemain = batch.limitReached;
      // Not done yet without a locator to the rest: go on after the last record read.
      if (!batch.done && !batch.nextRecordsUrl) moreRemain = true;
      outcome.read += batch.records.length;
      outcome.handedOver += await handOverPage(
        deps,
        installationId,
        state,
        batch.records.map((record) => itemOf(record, kind)),
        overlapMs,
      );
      const last = batch.records.at(-1);
      if (last) lastRead = { stampMs: last.systemModstampMs, id: last.id };
      // Batches can hold fewer rows than the page asked for: follow `done`/`nextRecordsUrl`, never the count.
      locator = batch.nextRecordsUrl;
      if (locator) continue;
      if (!moreRemain || !lastRead) break;
      const next = { kind: 'after' as const, ...lastRead };
      if (!keyMovesForward(key, next)) break;
      key = next;
      moreRemain = false;
    }
  } finally {
    // Usage reports are written in the background; let them land before the run counts as done.
    await gate.settled();
  }
  outcome.complete = true;
  outcome.stalled = moreRemain;
  if (outcome.stalled) {
    await cursors.noteStall(deps.db, installationId, state.name, deps.now());
    deps.logger.warn(
      { installationId, type, kind, cursor: state.name, read: outcome.read },
      `Salesforce ${type} ${kind} poll stalled: it read ${outcome.read} record(s) but could not move its ` +
        `cursor past them although Salesforce said more remain; the next run reads the same records again`,
    );
  }
  return outcome;
}

export interface SalesforcePollRun {
  byObject: Array<{ type: SalesforceObjectType; kind: SalesforcePollKind; outcome: SalesforcePollOutcome }>;
  /** The contact-role poll, while a deal's contacts sync (null otherwise). */
  contactRoles: ContactRolePollOutcome | null;
}

/**
 * Every Salesforce poll the installation's settings call for, changes before deletions per object. The
 * contact roles come first: a first run starts after the newest role, and the Opportunities read after it
 * carry every role written before.
 */
export async function pollSalesforce(
  deps: ChangeDetectionDeps,
  installationId: string,
  options: SalesforcePollOptions = {},
): Promise<SalesforcePollRun> {
  const settings = await settingsFor(deps.db, installationId);
  const run: SalesforcePollRun = { byObject: [], contactRoles: null };
  if (contactRolesSync(settings)) {
    try {
      run.contactRoles = await pollContactRoles(deps, installationId, options);
      if (!run.contactRoles.complete) return run;
    } catch (error) {
      // A refusal that concerns the roles alone (the connected user may not see them) must not stop the polls
      // of the records themselves: the roles' changes then reach HubSpot with their Opportunities' next sync.
      const rolesAlone = ['permission', 'validation', 'not_found'] as const;
      if (
        !(error instanceof SalesforceCallError) ||
        !rolesAlone.some((category) => category === error.category)
      )
        throw error;
      deps.logger.warn(
        { installationId, err: error, code: error.code },
        `Salesforce contact-role poll failed (${error.code}); polling the records without it this run`,
      );
    }
  }
  for (const type of enabledSalesforceTypes(settings)) {
    for (const kind of ['changes', 'deletions'] as const) {
      const outcome = await pollSalesforceObject(deps, installationId, type, kind, options);
      run.byObject.push({ type, kind, outcome });
      if (!outcome.complete) return run;
    }
  }
  return run;
}
