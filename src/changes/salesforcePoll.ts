/**
 * The Salesforce polls, per synced object (Leads and Contacts for contacts):
 * - changes: records whose SystemModstamp moved (edits by anyone, system updates, undeletes, and lead
 *   conversion, which stamps the Lead: that is the conversion check — the Lead arrives with IsConverted and
 *   its Converted*Id, and the worker moves the link);
 * - deletions: the recycle bin through queryAll (IsDeleted = true), including the losers of a merge, which
 *   carry MasterRecordId.
 * Each hands the records it read over as payloads, with a hint for deletions and merges, and keeps its own
 * cursor. The first run for an installation walks every record (the initial sync), 2,000 per call.
 */
import { readChanges, type ChangeKey } from '../connectors/salesforce/changes';
import { describeFields } from '../connectors/salesforce/metadata';
import { SalesforceCallError } from '../connectors/salesforce/record-errors';
import { decodePollCursor, fingerprintOf } from '../domain/changes/pollCursor';
import type { SalesforceObjectType, SalesforceRecord } from '../domain/records';
import { enabledSalesforceTypes } from '../domain/settings/readLists';
import { salesforceFieldsToRead } from '../sync/fields';
import { settingsFor } from '../sync/installationSettings';
import type { DirtyPayload } from '../sync/payload';
import type { ChangeDetectionDeps } from './deps';
import type { PollOutcome } from './hubspotPoll';
import { handOverPage, readCursorState, type PollItem } from './pollStep';

/** Covers transactions that commit after a poll with an older SystemModstamp, and its one-second precision. */
export const SALESFORCE_POLL_OVERLAP_MS = 60_000;

export type SalesforcePollKind = 'changes' | 'deletions';

/** How long a field found missing stays left out before a poll tries it again (the admin may add it). */
export const MISSING_FIELD_RECHECK_MS = 10 * 60_000;

/** Per installation and object: mapped fields the org lacks, and when that was found (this process). */
const missingFields = new Map<string, { names: Set<string>; foundAt: number }>();

export interface SalesforcePollOptions {
  overlapMs?: number;
  /** Records per call (at most 2,000, one SOQL batch); lower in tests. */
  pageSize?: number;
  shouldStop?: () => boolean;
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
): Promise<PollOutcome> {
  const overlapMs = options.overlapMs ?? SALESFORCE_POLL_OVERLAP_MS;
  const connection = await deps.clients.salesforce(installationId);
  if (!connection.ok) throw new Error(`Salesforce poll of ${type}: ${connection.error.message}`);
  const settings = await settingsFor(deps.db, installationId);
  const missingKey = `${installationId}:${type}`;
  const missing = missingFields.get(missingKey);
  if (missing && deps.now() - missing.foundAt >= MISSING_FIELD_RECHECK_MS) missingFields.delete(missingKey);
  const leftOut = missingFields.get(missingKey)?.names ?? new Set<string>();
  if (type !== 'Lead' && type !== 'Contact')
    throw new Error(`polling Salesforce ${type} is not available yet`);
  // The worker's own list, so a record handed over has everything it compares and is not read again.
  let fields = salesforceFieldsToRead(settings, type).filter((name) => !leftOut.has(name.toLowerCase()));
  const gate = deps.budget.gateFor(installationId);
  const state = await readCursorState(
    deps,
    installationId,
    salesforceCursorName(type, kind),
    decodePollCursor,
  );
  const outcome: PollOutcome = {
    initial: state.cursor === null,
    calls: 0,
    read: 0,
    handedOver: 0,
    complete: false,
  };
  let key: ChangeKey = {
    kind: 'from',
    sinceMs: state.cursor ? Math.max(0, state.cursor.newestMs - overlapMs) : 0,
  };
  try {
    for (;;) {
      if (options.shouldStop?.()) return outcome;
      const read = () =>
        readChanges(connection.value, gate, type, fields, key, {
          deleted: kind === 'deletions',
          ...(options.pageSize ? { limit: options.pageSize } : {}),
        });
      const page = await read().catch(async (error: unknown) => {
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
        return read();
      });
      outcome.calls += 1;
      outcome.read += page.records.length;
      outcome.handedOver += await handOverPage(
        deps,
        installationId,
        state,
        page.records.map((record) => itemOf(record, kind)),
        overlapMs,
      );
      const last = page.records.at(-1);
      if (!page.more || !last) break;
      key = { kind: 'after', stampMs: last.systemModstampMs, id: last.id };
    }
  } finally {
    // Usage reports are written in the background; let them land before the run counts as done.
    await gate.settled();
  }
  outcome.complete = true;
  return outcome;
}

export interface SalesforcePollRun {
  byObject: Array<{ type: SalesforceObjectType; kind: SalesforcePollKind; outcome: PollOutcome }>;
}

/** Every Salesforce poll the installation's settings call for, changes before deletions per object. */
export async function pollSalesforce(
  deps: ChangeDetectionDeps,
  installationId: string,
  options: SalesforcePollOptions = {},
): Promise<SalesforcePollRun> {
  const settings = await settingsFor(deps.db, installationId);
  const run: SalesforcePollRun = { byObject: [] };
  for (const type of enabledSalesforceTypes(settings)) {
    for (const kind of ['changes', 'deletions'] as const) {
      const outcome = await pollSalesforceObject(deps, installationId, type, kind, options);
      run.byObject.push({ type, kind, outcome });
      if (!outcome.complete) return run;
    }
  }
  return run;
}
