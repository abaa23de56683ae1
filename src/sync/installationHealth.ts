/**
 * An installation's health at a glance, for the settings page and the operator dashboard: whether sync runs
 * (and if not, why: paused, disconnected, API budget spent), how much waits in the queue and for how long,
 * what needs a person (conflicts, failures), and when each poll last moved its cursor.
 */
import * as conflicts from '../db/conflicts';
import * as cursors from '../db/cursors';
import * as dirty from '../db/dirty';
import * as failures from '../db/failures';
import type { Installation } from '../db/installations';
import type { Queryable } from '../db/support';
import type { PauseReason } from '../domain/installationState';
import type { Budget, BudgetStatus } from './budget';

export type SyncState = 'running' | 'paused' | 'waiting_for_budget';

export interface InstallationHealth {
  installationId: string;
  portalId: string;
  sync: {
    state: SyncState;
    /** Why it does not run: the pause reason, or the budget's longest wait. */
    reason: PauseReason | 'api_budget' | null;
    /** A sentence for the admin, when sync does not run. */
    message: string | null;
    /** When a budget wait ends, epoch ms. */
    resumesAt: number | null;
  };
  queue: dirty.QueueCounts;
  openConflicts: number;
  unresolvedFailures: number;
  budget: BudgetStatus;
  polls: Array<{ name: string; movedAt: number }>;
}

const pauseMessages: Record<PauseReason, string> = {
  hubspot_uninstalled: 'The app was uninstalled from this HubSpot portal; install it again to resume.',
  salesforce_not_connected: 'No Salesforce org is connected; connect one to start syncing.',
  salesforce_needs_reauth: 'Salesforce refused the saved login; reconnect Salesforce to resume.',
  paused_by_admin: 'An admin paused sync. Changes are still recorded and sync catches up on resume.',
};

export async function installationHealth(
  db: Queryable,
  budget: Budget,
  installation: Installation,
  now: number,
): Promise<InstallationHealth> {
  const [queue, openConflicts, unresolvedFailures, budgetStatus, pollCursors] = await Promise.all([
    dirty.counts(db, installation.id, now),
    conflicts.countOpen(db, installation.id),
    failures.countUnresolved(db, installation.id),
    budget.status(installation.id),
    cursors.list(db, installation.id),
  ]);
  // Sync resumes when every wait has ended.
  const longestWait = [...budgetStatus.waits].sort((a, b) => b.resumesAt - a.resumesAt)[0];
  const sync: InstallationHealth['sync'] = installation.syncPaused
    ? {
        state: 'paused',
        reason: installation.pauseReason,
        message: installation.pauseReason ? pauseMessages[installation.pauseReason] : null,
        resumesAt: null,
      }
    : longestWait
      ? {
          state: 'waiting_for_budget',
          reason: 'api_budget',
          message: longestWait.message,
          resumesAt: longestWait.resumesAt,
        }
      : { state: 'running', reason: null, message: null, resumesAt: null };
  return {
    installationId: installation.id,
    portalId: installation.portalId,
    sync,
    queue,
    openConflicts,
    unresolvedFailures,
    budget: budgetStatus,
    polls: pollCursors.map((cursor) => ({ name: cursor.name, movedAt: cursor.updatedAt })),
  };
}
