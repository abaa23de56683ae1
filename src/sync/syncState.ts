/**
 * Whether an installation's sync runs now and, if not, why, in words for the admin: paused (by the admin,
 * or because a side is disconnected) or waiting for its API budget. Shown next to the engine's health
 * counters; also which poll cursors moved when.
 */
import * as cursors from '../db/cursors';
import type { Installation } from '../db/installations';
import type { Queryable } from '../db/support';
import type { PauseReason } from '../domain/installationState';
import type { Budget, BudgetStatus } from '../budget/budget';

export type SyncState = 'running' | 'paused' | 'waiting_for_budget';

export interface SyncStateView {
  state: SyncState;
  /** Why it does not run: the pause reason, or `api_budget`. */
  reason: PauseReason | 'api_budget' | null;
  /** A sentence for the admin, when sync does not run. */
  message: string | null;
  /** When a budget wait ends, epoch ms. */
  resumesAt: number | null;
}

export interface SyncStateReport {
  sync: SyncStateView;
  budget: BudgetStatus;
  /**
   * Each poll cursor: when it last moved, and how many runs stalled (ended although the source said more
   * records remained, so the next run reads the same ones again) and when the last did.
   */
  polls: Array<{ name: string; movedAt: number; stalls: number; lastStalledAt: number | null }>;
}

const pauseMessages: Record<PauseReason, string> = {
  hubspot_uninstalled: 'The app was uninstalled from this HubSpot portal; install it again to resume.',
  salesforce_not_connected: 'No Salesforce org is connected; connect one to start syncing.',
  salesforce_needs_reauth: 'Salesforce refused the saved login; reconnect Salesforce to resume.',
  awaiting_connection_confirmation:
    'A Salesforce org was connected from a link made on the settings page, and nothing syncs until a settings ' +
    'manager confirms it on the Connection tab (or disconnects it).',
  paused_by_admin: 'An admin paused sync. Changes are still recorded and sync catches up on resume.',
};

export function syncStateOf(installation: Installation, budget: BudgetStatus): SyncStateView {
  if (installation.syncPaused) {
    return {
      state: 'paused',
      reason: installation.pauseReason,
      message: installation.pauseReason ? pauseMessages[installation.pauseReason] : null,
      resumesAt: null,
    };
  }
  // Sync resumes when every wait has ended.
  const longestWait = [...budget.waits].sort((a, b) => b.resumesAt - a.resumesAt)[0];
  if (longestWait) {
    return {
      state: 'waiting_for_budget',
      reason: 'api_budget',
      message: longestWait.message,
      resumesAt: longestWait.resumesAt,
    };
  }
  return { state: 'running', reason: null, message: null, resumesAt: null };
}

export async function syncStateReport(
  db: Queryable,
  budget: Budget,
  installation: Installation,
): Promise<SyncStateReport> {
  const [status, pollCursors] = await Promise.all([
    budget.status(installation.id),
    cursors.list(db, installation.id),
  ]);
  return {
    sync: syncStateOf(installation, status),
    budget: status,
    polls: pollCursors.map((cursor) => ({
      name: cursor.name,
      movedAt: cursor.updatedAt,
      stalls: cursor.stalls,
      lastStalledAt: cursor.lastStalledAt,
    })),
  };
}
