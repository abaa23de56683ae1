import type { RequestHandler } from 'express';
import * as reports from '../../../src/db/reconcileReports';
import type { AppDeps } from '../../deps';
import { signedInstallation } from '../settings/signed-installation';

/**
 * The installation's last reconciliation reports, newest first: what each run found by kind (its drift over
 * time), how it ended and the API calls it spent.
 */
export function getReconcileReports(deps: AppDeps): RequestHandler {
  return async (_req, res) => {
    const installation = await signedInstallation(deps, res);
    if (!installation) return;
    res.json({ reports: await reports.listRecent(deps.context.db, installation.id) });
  };
}
