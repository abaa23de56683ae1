import type { RequestHandler } from 'express';
import { z } from 'zod';
import * as installations from '../../../src/db/installations';
import { statusView } from '../../../src/install/status';
import type { AppDeps } from '../../deps';
import { sendError } from '../../middleware/errors';

const Params = z.object({ installationId: z.uuid() });

export function getInstallation(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const params = Params.safeParse(req.params);
    if (!params.success) {
      sendError(res, 400, 'invalid_installation_id', 'An installation id is a UUID.');
      return;
    }
    const installation = await installations.findById(deps.context.db, params.data.installationId);
    if (!installation) {
      sendError(res, 404, 'installation_not_found', 'No installation has this id.', {
        installationId: params.data.installationId,
      });
      return;
    }
    res.json({ installation: statusView(deps.context.app, installation) });
  };
}
