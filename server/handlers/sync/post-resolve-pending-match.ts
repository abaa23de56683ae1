import type { RequestHandler } from 'express';
import { z } from 'zod';
import { ChoiceSchema } from '../../../src/db/pendingMatches';
import { resolvePendingMatch } from '../../../src/sync/engineApi';
import type { AppDeps } from '../../deps';
import { parseSignedBody } from '../settings/body';
import { signedInstallation } from '../settings/signed-installation';
import { personOf, sendEngineError } from './engine-answers';

/**
 * A person answers a pending match: link to one of its listed candidates (`{"choice": {"kind": "link",
 * "record": {…}}}`), create a new record, or skip. A record that is not a candidate is refused.
 */
export function postResolvePendingMatch(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const body = parseSignedBody(z.object({ choice: ChoiceSchema }).strict(), res);
    if (!body) return;
    const installation = await signedInstallation(deps, res);
    if (!installation) return;
    const matchId = String(req.params.matchId);
    const result = await resolvePendingMatch(
      deps.context.engine,
      installation.id,
      matchId,
      body.choice,
      personOf(res),
    );
    if (!result.ok) {
      sendEngineError(res, result.error);
      return;
    }
    res.json({ pendingMatch: result.value });
  };
}
