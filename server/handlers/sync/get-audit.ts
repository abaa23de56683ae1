import type { RequestHandler } from 'express';
import { z } from 'zod';
import { auditFeed, FEED_MAX_LIMIT } from '../../../src/sync/auditFeed';
import type { AppDeps } from '../../deps';
import { sendError } from '../../middleware/errors';
import { signedInstallation } from '../settings/signed-installation';

const Query = z.object({
  objectType: z
    .string()
    .regex(/^[A-Za-z_]{1,32}$/)
    .optional(),
  fieldKey: z.string().min(1).max(128).optional(),
  actor: z.string().min(1).max(254).optional(),
  limit: z.coerce.number().int().min(1).max(FEED_MAX_LIMIT).optional(),
  before: z.coerce.number().int().positive().optional(),
});

/**
 * The portal's recent changes, newest first, a page at a time (`?objectType=&fieldKey=&actor=&limit=&before=`,
 * `before` from `nextBefore`): every write and decision with the person whose change it carried.
 */
export function getAudit(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const query = Query.safeParse(req.query);
    if (!query.success) {
      sendError(
        res,
        400,
        'invalid_query',
        `objectType is an object name (contacts, Lead), fieldKey a field key, actor a stored actor or an email, limit a number from 1 to ${FEED_MAX_LIMIT}, and before the nextBefore of a previous page.`,
        {
          problems: query.error.issues.map((issue) => ({
            path: issue.path.join('.'),
            message: issue.message,
          })),
        },
      );
      return;
    }
    const installation = await signedInstallation(deps, res);
    if (!installation) return;
    const { objectType, fieldKey, actor, limit, before } = query.data;
    res.json(
      await auditFeed(
        deps.context.db,
        installation.id,
        {
          ...(objectType !== undefined ? { objectType } : {}),
          ...(fieldKey !== undefined ? { fieldKey } : {}),
          ...(actor !== undefined ? { actor } : {}),
        },
        { ...(limit !== undefined ? { limit } : {}), ...(before !== undefined ? { before } : {}) },
      ),
    );
  };
}
