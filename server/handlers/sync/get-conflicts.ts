import type { RequestHandler } from 'express';
import { z } from 'zod';
import { listConflicts } from '../../../src/sync/engineApi';
import type { AppDeps } from '../../deps';
import { sendError } from '../../middleware/errors';
import { signedInstallation } from '../settings/signed-installation';

const Query = z.object({
  linkId: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

/** The installation's open conflicts (or one link's), newest first. */
export function getConflicts(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const query = Query.safeParse({ linkId: req.query.linkId, limit: req.query.limit });
    if (!query.success) {
      sendError(res, 400, 'invalid_query', 'linkId must be a link id and limit a number from 1 to 500.');
      return;
    }
    const installation = await signedInstallation(deps, res);
    if (!installation) return;
    const options = {
      ...(query.data.linkId ? { linkId: query.data.linkId } : {}),
      ...(query.data.limit ? { limit: query.data.limit } : {}),
    };
    res.json({ conflicts: await listConflicts(deps.context.engine, installation.id, options) });
  };
}
