/**
 * What the operator dashboard shows, read through the functions the settings page's health tab and
 * /metrics use: each installation's status (src/install/status.ts), whether its sync runs and its API
 * budget (src/sync/syncState.ts), the engine's health counters (src/sync/engineApi.ts), records synced in
 * the last hour, its dead letters, its open alerts (src/db/alerts.ts), and the samples the charts are drawn
 * from.
 */
import type { BudgetStatus } from '../../../src/budget/budget';
import * as alerts from '../../../src/db/alerts';
import * as failures from '../../../src/db/failures';
import * as installations from '../../../src/db/installations';
import * as links from '../../../src/db/links';
import * as opsSamples from '../../../src/db/opsSamples';
import { statusView, type InstallationStatusView } from '../../../src/install/status';
import { installationHealth, type InstallationHealth } from '../../../src/sync/engineApi';
import { syncStateReport, type SyncStateView } from '../../../src/sync/syncState';
import type { AppDeps } from '../../deps';

/** How far back the charts reach. */
export const CHART_WINDOW_MS = 6 * 60 * 60_000;
/** The throughput figure's window. */
export const THROUGHPUT_WINDOW_MS = 60 * 60_000;
/** Dead letters listed per installation (most recent first); the count covers them all. */
export const DEAD_LETTERS_SHOWN = 25;

export interface InstallationPanel {
  readonly status: InstallationStatusView;
  /** The admin's own switch, whatever else holds the sync (the dashboard's Pause and Resume move it). */
  readonly pausedByAdmin: boolean;
  readonly sync: SyncStateView;
  readonly budget: BudgetStatus | null;
  readonly health: InstallationHealth;
  /** Records (links) that synced within THROUGHPUT_WINDOW_MS. */
  readonly syncedLastHour: number;
  /** Unresolved failures, most recent first (at most DEAD_LETTERS_SHOWN). */
  readonly deadLetters: failures.Failure[];
  /** Open alerts, oldest first (src/ops/alerts.ts opens and resolves them). */
  readonly alerts: alerts.Alert[];
  readonly samples: opsSamples.OpsSample[];
}

export interface Dashboard {
  readonly now: number;
  readonly installations: InstallationPanel[];
  /** Installations whose app was uninstalled (not shown). */
  readonly uninstalled: number;
}

async function panelOf(
  deps: AppDeps,
  installation: installations.Installation,
  now: number,
): Promise<InstallationPanel> {
  const { context } = deps;
  const [health, state, syncedLastHour, deadLetters, open, samples] = await Promise.all([
    installationHealth(context.engine, installation.id),
    // Without its budget (unreadable without a Salesforce connection, say), the pause alone says the state.
    syncStateReport(context.db, context.budget, installation).catch((error: unknown) => {
      context.logger.warn(
        { installationId: installation.id, error: String(error) },
        'the dashboard could not read the sync state of an installation',
      );
      return null;
    }),
    links.countSyncedSince(context.db, installation.id, now - THROUGHPUT_WINDOW_MS),
    failures.list(context.db, installation.id, {
      states: ['open', 'retrying'],
      limit: DEAD_LETTERS_SHOWN,
    }),
    alerts.listOpen(context.db, installation.id),
    opsSamples.listSince(context.db, installation.id, now - CHART_WINDOW_MS),
  ]);
  return {
    status: statusView(context.app, installation),
    pausedByAdmin: installation.state.pausedByAdmin,
    sync: state?.sync ?? {
      state: installation.syncPaused ? 'paused' : 'running',
      reason: installation.pauseReason,
      message: null,
      resumesAt: null,
    },
    budget: state?.budget ?? null,
    health,
    syncedLastHour,
    deadLetters,
    alerts: open,
    samples,
  };
}

/** Every installation but the uninstalled ones, oldest first. */
export async function readDashboard(deps: AppDeps): Promise<Dashboard> {
  const now = deps.context.now();
  const all = await installations.list(deps.context.db);
  const current = all.filter((installation) => installation.status !== 'uninstalled');
  return {
    now,
    installations: await Promise.all(current.map((one) => panelOf(deps, one, now))),
    uninstalled: all.length - current.length,
  };
}
