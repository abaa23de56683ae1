import type { RequestHandler } from 'express';
import { openAlerts } from '../../../src/ops/alerts';
import { installationHealth } from '../../../src/sync/engineApi';
import { syncStateReport } from '../../../src/sync/syncState';
import type { AppDeps } from '../../deps';
import { signedInstallation } from '../settings/signed-installation';

/**
 * The portal's sync health: whether sync runs (or why not: paused, disconnected, API budget spent, with
 * when it resumes), the queue, conflicts, pending matches and failures, the API budget, the polls, and the
 * installation's open alerts.
 */
export function getHealth(deps: AppDeps): RequestHandler {
  return async (_req, res) => {
    const installation = await signedInstallation(deps, res);
    if (!installation) return;
    const [counters, state, alerts] = await Promise.all([
      installationHealth(deps.context.engine, installation.id),
      syncStateReport(deps.context.db, deps.context.budget, installation),
      openAlerts(deps.context.db, installation.id),
    ]);
    res.json({
      installationId: installation.id,
      portalId: installation.portalId,
      ...state,
      ...counters,
      alerts: alerts.map((alert) => ({
        id: alert.id,
        kind: alert.kind,
        severity: alert.severity,
        message: alert.message,
        openedAt: alert.openedAt,
      })),
    });
  };
}
