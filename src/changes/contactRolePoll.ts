/**
 * The contact-role poll: Salesforce stamps an OpportunityContactRole, not its Opportunity, when a role is
 * added, changed or taken along by its Contact's delete, so the Opportunity poll never sees a deal's contacts
 * change. This poll reads the roles written since its cursor (one queryAll per 2,000 roles, keyset pages as
 * the object polls have) and marks their Opportunities; the worker reads each Opportunity with its roles.
 *
 * A role deleted on its own leaves nothing a query can see (it skips the recycle bin, and the replication
 * API's `deleted` names only the role): reconciliation compares every linked deal's contacts and catches it.
 *
 * Its first run marks nothing: it starts after the newest role, since every Opportunity is read anyway
 * when deals start to sync.
 */
import {
  keyMovesForward,
  readContactRoleChanges,
  readMoreContactRoleChanges,
  readNewestContactRole,
  type ChangeKey,
  type ContactRoleBatch,
  type ContactRoleChange,
} from '../connectors/salesforce/changes';
import { SalesforceCallError } from '../connectors/salesforce/errors';
import * as cursors from '../db/cursors';
import { decodePollCursor, fingerprintOf } from '../domain/changes/pollCursor';
import type { ChangeDetectionDeps } from './start';
import { handOverPage, readCursorState, type PollItem } from './pollStep';
import {
  SALESFORCE_POLL_OVERLAP_MS,
  type SalesforcePollOptions,
  type SalesforcePollOutcome,
} from './salesforcePoll';

export const CONTACT_ROLE_CURSOR = 'salesforce:OpportunityContactRole:SystemModstamp';

function itemOf(role: ContactRoleChange): PollItem {
  return {
    change: {
      id: role.id,
      changedMs: role.systemModstampMs,
      fingerprint: fingerprintOf({
        OpportunityId: role.opportunityId,
        ContactId: role.contactId,
        IsDeleted: role.deleted,
      }),
    },
    ref: { side: 'salesforce', objectType: 'Opportunity', recordId: role.opportunityId },
    // A plain mark: the worker reads the Opportunity and its roles.
    payload: {},
  };
}

export async function pollContactRoles(
  deps: ChangeDetectionDeps,
  installationId: string,
  options: SalesforcePollOptions = {},
): Promise<SalesforcePollOutcome> {
  const overlapMs = options.overlapMs ?? SALESFORCE_POLL_OVERLAP_MS;
  const connection = await deps.clients.salesforce(installationId);
  if (!connection.ok) throw new Error(`Salesforce contact-role poll: ${connection.error.message}`);
  const gate = deps.budget.gateFor(installationId);
  const state = await readCursorState(deps, installationId, CONTACT_ROLE_CURSOR, decodePollCursor);
  const outcome: SalesforcePollOutcome = {
    initial: state.cursor === null,
    calls: 0,
    read: 0,
    handedOver: 0,
    complete: false,
    stalled: false,
  };
  try {
    if (state.cursor === null) {
      const newest = await readNewestContactRole(connection.value, gate);
      outcome.calls += 1;
      // With no role yet, the next run starts at the beginning and finds only roles written since.
      const start = newest ?? {
        id: '',
        opportunityId: '',
        contactId: '',
        systemModstampMs: 0,
        deleted: false,
      };
      await handOverPage(deps, installationId, state, [itemOf(start)], overlapMs, { mark: false });
      outcome.complete = true;
      return outcome;
    }
    let key: ChangeKey = { kind: 'from', sinceMs: Math.max(0, state.cursor.newestMs - overlapMs) };
    let lastRead: { stampMs: number; id: string } | null = null;
    let locator: string | null = null;
    let moreRemain = false;
    for (;;) {
      if (options.shouldStop?.()) return outcome;
      const batch: ContactRoleBatch | null = locator
        ? await readMoreContactRoleChanges(connection.value, gate, locator).catch((error: unknown) => {
            // A query locator lives 15 minutes unused: start a new page after the last role read instead.
            if (error instanceof SalesforceCallError && error.code === 'INVALID_QUERY_LOCATOR') return null;
            throw error;
          })
        : await readContactRoleChanges(connection.value, gate, key, {
            ...(options.pageSize ? { limit: options.pageSize } : {}),
          });
      outcome.calls += 1;
      if (batch === null) {
        locator = null;
        if (lastRead) key = { kind: 'after', ...lastRead };
        continue;
      }
      if (!locator) moreRemain = batch.limitReached;
      if (!batch.done && !batch.nextRecordsUrl) moreRemain = true;
      outcome.read += batch.roles.length;
      outcome.handedOver += await handOverPage(
        deps,
        installationId,
        state,
        batch.roles.map(itemOf),
        overlapMs,
      );
      const last = batch.roles.at(-1);
      if (last) lastRead = { stampMs: last.systemModstampMs, id: last.id };
      locator = batch.nextRecordsUrl;
      if (locator) continue;
      if (!moreRemain || !lastRead) break;
      const next: ChangeKey & { kind: 'after' } = { kind: 'after', ...lastRead };
      if (!keyMovesForward(key, next)) break;
      key = next;
      moreRemain = false;
    }
    outcome.complete = true;
    outcome.stalled = moreRemain;
    if (outcome.stalled) {
      await cursors.noteStall(deps.db, installationId, state.name, deps.now());
      deps.logger.warn(
        { installationId, cursor: state.name, read: outcome.read },
        `Salesforce contact-role poll stalled: it read ${outcome.read} role(s) but could not move its ` +
          `cursor past them although Salesforce said more remain; the next run reads the same roles again`,
      );
    }
    return outcome;
  } finally {
    await gate.settled();
  }
}
