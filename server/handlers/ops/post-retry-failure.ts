import type { RequestHandler } from 'express';
import { z } from 'zod';
import { OPERATOR } from '../../../src/domain/actors';
import { retryFailure } from '../../../src/sync/engineApi';
import type { AppDeps } from '../../deps';

const Params = z.object({ installationId: z.uuid(), failureId: z.string().min(1).max(64) });

/** An operator's "Retry" on a dead letter: the record goes back to the queue, as from the record's card. */
export function postRetryFailure(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const params = Params.safeParse(req.params);
    if (!params.success) {
      res.redirect(303, '/ops?notice=not_open');
      return;
    }
    const { installationId, failureId } = params.data;
    // The audit line names the operator: someone signed in to the dashboard, no person of the portal.
    const result = await retryFailure(deps.context.engine, installationId, failureId, OPERATOR);
    deps.context.logger.info(
      { installationId, failureId, retried: result.ok },
      'operator retried a failure from the dashboard',
    );
    res.redirect(303, `/ops?notice=${result.ok ? 'retried' : 'not_open'}#installation-${installationId}`);
  };
}
