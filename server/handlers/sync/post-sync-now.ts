import type { RequestHandler } from 'express';
import { z } from 'zod';
import { syncNow } from '../../../src/sync/engineApi';
import type { AppDeps } from '../../deps';
import { parseSignedBody } from '../settings/body';
import { signedInstallation } from '../settings/signed-installation';
import { personOf, recordFromPath } from './engine-answers';

/** "Sync now": the record goes ahead of its installation's queue. */
export function postSyncNow(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    if (!parseSignedBody(z.object({}).strict(), res)) return;
    const record = recordFromPath(req, res);
    if (!record) return;
    const installation = await signedInstallation(deps, res);
    if (!installation) return;
    await syncNow(deps.context.engine, installation.id, record, personOf(res));
    res.status(202).json({ queued: record });
  };
}
