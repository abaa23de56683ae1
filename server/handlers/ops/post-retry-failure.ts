import type { RequestHandler } from 'express';
import { z } from 'zod';
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
    // The audit line of a retry names a HubSpot person; an operator is none, so it names nobody.
    const result = await retryFailure(deps.context.engine, installationId, failureId, {
      userId: null,
      email: null,
    });
    deps.context.logger.info(
      { installationId, failureId, retried: result.ok },
      'operator retried a failure from the dashboard',
    );
    res.redirect(303, `/ops?notice=${result.ok ? 'retried' : 'not_open'}#installation-${installationId}`);
  };
}
