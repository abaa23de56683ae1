import type { RequestHandler } from 'express';
import { z } from 'zod';
import * as installations from '../../../src/db/installations';
import { installationStatuses } from '../../../src/domain/installationState';
import { statusView } from '../../../src/install/status';
import type { AppDeps } from '../../deps';
import { sendError } from '../../middleware/errors';

const Query = z.object({ status: z.enum(installationStatuses).optional() }).strict();

/** Every installation's status, optionally only those in one status (needs_reauth, say). */
export function getInstallations(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const query = Query.safeParse(req.query);
    if (!query.success) {
      sendError(res, 400, 'invalid_query', `status must be one of ${installationStatuses.join(', ')}.`);
      return;
    }
    const all = await installations.list(deps.context.db);
    const selected = query.data.status
      ? all.filter((installation) => installation.status === query.data.status)
      : all;
    res.json({ installations: selected.map((installation) => statusView(deps.context.app, installation)) });
  };
}
