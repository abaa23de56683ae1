import type { RequestHandler } from 'express';
import { z } from 'zod';
import { HISTORY_MAX_LIMIT, recordHistory } from '../../../src/sync/recordHistory';
import type { AppDeps } from '../../deps';
import { sendError } from '../../middleware/errors';
import { signedInstallation } from '../settings/signed-installation';
import { recordFromPath } from './engine-answers';

const Query = z.object({
  limit: z.coerce.number().int().min(1).max(HISTORY_MAX_LIMIT).optional(),
  before: z.string().min(1).max(64).optional(),
});

/** A record's history, newest first, a page at a time (`?limit=&before=`, `before` from `nextBefore`). */
export function getRecordHistory(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const record = recordFromPath(req, res);
    if (!record) return;
    const query = Query.safeParse({ limit: req.query.limit, before: req.query.before });
    if (!query.success) {
      sendError(
        res,
        400,
        'invalid_query',
        `limit must be a number from 1 to ${HISTORY_MAX_LIMIT}, and before the nextBefore of a previous page.`,
      );
      return;
    }
    const installation = await signedInstallation(deps, res);
    if (!installation) return;
    const page = await recordHistory(deps.context.db, installation.id, record, {
      ...(query.data.limit ? { limit: query.data.limit } : {}),
      ...(query.data.before ? { before: query.data.before } : {}),
    });
    if (!page.ok) {
      sendError(res, 400, 'invalid_query', page.error.message);
      return;
    }
    res.json(page.value);
  };
}
