/**
 * The contact-role poll: Salesforce stamps an OpportunityContactRole, not its Opportunity, when a role is
 * added, changed or taken along by its Contact's delete, so the Opportunity poll never sees a deal's contacts
 * change. This poll reads the roles written since its cursor (one queryAll per 2,000 roles, keyset pages as
 * the object polls have) and marks their Opportunities; the worker reads each Opportunity with its roles.
 *
 * A role deleted on its own leaves nothing a query can see (it skips the recycle bin): the replication API's
 * `getDeleted` names it by its id alone, so every read of roles remembers each role's Opportunity
 * (`contact_roles_seen`), and one `getDeleted` call per window of at least two minutes (its own cursor) leads
 * the deleted roles back to their Opportunities. A role the bridge never read (deleted before it looked) is
 * left to reconciliation, which compares every linked deal's contacts.
 *
 * Its first run marks nothing: it starts after the newest role, since every Opportunity is read anyway
 * when deals start to sync.
 */
import type { Connection } from 'jsforce';
import type { CallGate } from '../connectors/gate';
import {
  keyMovesForward,
  readContactRoleChanges,
  readDeletedContactRoles,
  readMoreContactRoleChanges,
  readNewestContactRole,
  type ChangeKey,
  type ContactRoleBatch,
  type ContactRoleChange,
} from '../connectors/salesforce/changes';
import { SalesforceCallError } from '../connectors/salesforce/errors';
import * as contactRolesSeen from '../db/contactRolesSeen';
import * as cursors from '../db/cursors';
import * as dirty from '../db/dirty';
import { toDirtyPayload } from '../queue/payload';
import { decodePollCursor, fingerprintOf } from '../domain/changes/pollCursor';
import type { ChangeDetectionDeps } from './start';
import { CursorMoved, handOverPage, readCursorState, type PollItem } from './pollStep';
import {
  SALESFORCE_POLL_OVERLAP_MS,
  type SalesforcePollOptions,
  type SalesforcePollOutcome,
} from './salesforcePoll';

export const CONTACT_ROLE_CURSOR = 'salesforce:OpportunityContactRole:SystemModstamp';
export const DELETED_CONTACT_ROLE_CURSOR = 'salesforce:OpportunityContactRole:deleted';
/** The replication API covers whole minutes: a shorter window waits for a later run and costs no call. */
export const DELETED_ROLES_MIN_WINDOW_MS = 2 * 60_000;

const MINUTE_MS = 60_000;

export interface ContactRolePollOutcome extends SalesforcePollOutcome {
  /** Of `calls`, those that asked Salesforce for deleted roles (none while the window is shorter than two minutes). */
  deletedRoleCalls: number;
}

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
): Promise<ContactRolePollOutcome> {
  const overlapMs = options.overlapMs ?? SALESFORCE_POLL_OVERLAP_MS;
  const connection = await deps.clients.salesforce(installationId);
  if (!connection.ok) throw new Error(`Salesforce contact-role poll: ${connection.error.message}`);
  const gate = deps.budget.gateFor(installationId);
  const state = await readCursorState(deps, installationId, CONTACT_ROLE_CURSOR, decodePollCursor);
  const outcome: ContactRolePollOutcome = {
    initial: state.cursor === null,
    calls: 0,
    read: 0,
    handedOver: 0,
    complete: false,
    stalled: false,
    deletedRoleCalls: 0,
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
      await pollDeletedContactRoles(deps, installationId, connection.value, gate, outcome);
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
      await rememberRoles(deps, installationId, batch.roles);
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
    await pollDeletedContactRoles(deps, installationId, connection.value, gate, outcome);
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

/** Live roles are remembered with their Opportunity; roles in the recycle bin are forgotten. */
async function rememberRoles(
  deps: ChangeDetectionDeps,
  installationId: string,
  roles: readonly ContactRoleChange[],
): Promise<void> {
  const live = roles.filter((role) => !role.deleted);
  await contactRolesSeen.remember(
    deps.db,
    installationId,
    live.map((role) => ({ roleId: role.id, opportunityId: role.opportunityId })),
    deps.now(),
  );
  const binned = roles.filter((role) => role.deleted).map((role) => role.id);
  if (binned.length > 0) await contactRolesSeen.forget(deps.db, installationId, binned);
}

/**
 * Roles deleted on their own since the deletions cursor (a time, the start of a minute): one `getDeleted`
 * call, the Opportunities the bridge saw them on marked, the cursor moved to what Salesforce covered, in one
 * transaction. The first run starts the cursor at the current minute and calls nothing.
 */
async function pollDeletedContactRoles(
  deps: ChangeDetectionDeps,
  installationId: string,
  connection: Connection,
  gate: CallGate,
  outcome: ContactRolePollOutcome,
): Promise<void> {
  const stored = (await cursors.get(deps.db, installationId, DELETED_CONTACT_ROLE_CURSOR))?.value ?? null;
  const now = deps.now();
  const thisMinute = Math.floor(now / MINUTE_MS) * MINUTE_MS;
  const startMs = stored === null ? Number.NaN : Number(stored);
  const move = async (toMs: number, opportunityIds: readonly string[], roleIds: readonly string[]) => {
    await deps.db.transaction(async (trx) => {
      const moved = await cursors.advance(
        trx,
        installationId,
        DELETED_CONTACT_ROLE_CURSOR,
        { from: stored, to: String(toMs) },
        now,
      );
      if (!moved) throw new CursorMoved(DELETED_CONTACT_ROLE_CURSOR);
      await dirty.markMany(
        trx,
        opportunityIds.map((recordId) => ({
          installationId,
          record: { side: 'salesforce' as const, objectType: 'Opportunity' as const, recordId },
          source: 'poll' as const,
          payload: toDirtyPayload({}),
          correlationId: deps.correlationId ?? null,
        })),
        now,
      );
      if (roleIds.length > 0) await contactRolesSeen.forget(trx, installationId, roleIds);
    });
  };
  if (!Number.isFinite(startMs)) {
    await move(thisMinute, [], []);
    return;
  }
  if (now - startMs < DELETED_ROLES_MIN_WINDOW_MS) return;
  let deleted;
  try {
    deleted = await readDeletedContactRoles(connection, gate, { startMs, endMs: now });
  } catch (error) {
    if (!(error instanceof SalesforceCallError && error.code === 'INVALID_REPLICATION_DATE')) throw error;
    // The window starts before what Salesforce still keeps (the polls stopped for weeks): start again now;
    // reconciliation compares every deal's contacts and covers the gap.
    outcome.calls += 1;
    outcome.deletedRoleCalls += 1;
    deps.logger.warn(
      { installationId, cursor: DELETED_CONTACT_ROLE_CURSOR, err: error },
      'Salesforce no longer reports contact roles deleted that long ago; deleted roles are read from now on',
    );
    await move(thisMinute, [], []);
    return;
  }
  outcome.calls += 1;
  outcome.deletedRoleCalls += 1;
  const opportunities = await contactRolesSeen.opportunitiesOf(deps.db, installationId, deleted.roleIds);
  const opportunityIds = [...new Set(opportunities.values())];
  await move(Math.max(startMs, deleted.latestCoveredMs), opportunityIds, deleted.roleIds);
  outcome.handedOver += opportunityIds.length;
}
