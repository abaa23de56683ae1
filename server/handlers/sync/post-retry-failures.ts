import type { RequestHandler } from 'express';
import { z } from 'zod';
import { retryAllFailures, retryFailure } from '../../../src/sync/engineApi';
import type { AppDeps } from '../../deps';
import { ensureSettingsManager } from '../../middleware/settings-manager';
import { parseSignedBody } from '../settings/body';
import { signedInstallation } from '../settings/signed-installation';
import { personOf, sendEngineError } from './engine-answers';

const RetryBody = z
  .object({
    /** One failure; without it, every open failure of the installation. */
    failureId: z.string().min(1).max(64).optional(),
  })
  .strict();

/**
 * "Retry": failed records go back to the queue; the next sync resolves them or records them again. Anyone in
 * the portal may retry one failure from its record's card; retrying every failure at once is for settings
 * managers.
 */
export function postRetryFailures(deps: AppDeps): RequestHandler {
  return async (_req, res) => {
    const body = parseSignedBody(RetryBody, res);
    if (!body) return;
    const installation = await signedInstallation(deps, res);
    if (!installation) return;
    if (!body.failureId) {
      if (!(await ensureSettingsManager(deps, res))) return;
      res.json({ retried: await retryAllFailures(deps.context.engine, installation.id, personOf(res)) });
      return;
    }
    const result = await retryFailure(deps.context.engine, installation.id, body.failureId, personOf(res));
    if (!result.ok) {
      sendEngineError(res, result.error);
      return;
    }
    res.json({ retried: 1, failure: result.value });
  };
}
