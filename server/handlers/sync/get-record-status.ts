import type { RequestHandler } from 'express';
import { recordSyncStatus } from '../../../src/sync/engineApi';
import type { AppDeps } from '../../deps';
import { signedInstallation } from '../settings/signed-installation';
import { recordFromPath } from './engine-answers';

/** The card's view of one record; `?dryRun=true` adds what a sync now would do, field by field. */
export function getRecordStatus(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const record = recordFromPath(req, res);
    if (!record) return;
    const installation = await signedInstallation(deps, res);
    if (!installation) return;
    const dryRun = req.query.dryRun === 'true';
    res.json(await recordSyncStatus(deps.context.engine, installation.id, record, { dryRun }));
  };
}
