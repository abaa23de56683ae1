import type { RequestHandler } from 'express';
import { z } from 'zod';
import { relinkRecord } from '../../../src/sync/deletesApi';
import type { AppDeps } from '../../deps';
import { parseSignedBody } from '../settings/body';
import { signedInstallation } from '../settings/signed-installation';
import { personOf, recordFromPath, sendEngineError } from './engine-answers';

/** "Relink": a record's deleted (tombstoned) link syncs again, also after the grace period. */
export function postRelink(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    if (!parseSignedBody(z.object({}).strict(), res)) return;
    const record = recordFromPath(req, res);
    if (!record) return;
    const installation = await signedInstallation(deps, res);
    if (!installation) return;
    const result = await relinkRecord(deps.context.engine, installation.id, record, personOf(res));
    if (!result.ok) {
      sendEngineError(res, result.error);
      return;
    }
    res.status(202).json({ link: { id: result.value.id, state: result.value.state } });
  };
}
