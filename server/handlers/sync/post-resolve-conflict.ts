import type { RequestHandler } from 'express';
import { z } from 'zod';
import { resolveConflict } from '../../../src/sync/engineApi';
import type { AppDeps } from '../../deps';
import { parseSignedBody } from '../settings/body';
import { signedInstallation } from '../settings/signed-installation';
import { personOf, sendEngineError } from './engine-answers';

const ChoiceBody = z.discriminatedUnion('keep', [
  z.object({ keep: z.enum(['hubspot', 'salesforce']) }).strict(),
  z
    .object({
      keep: z.literal('value'),
      value: z.union([z.string(), z.number(), z.boolean(), z.array(z.string()), z.null()]),
    })
    .strict(),
]);

/**
 * A person settles a conflict: keep one side's value (`keep: value` is accepted only with one of the two
 * values); the pair syncs at once.
 */
export function postResolveConflict(deps: AppDeps): RequestHandler {
  return async (req, res) => {
    const choice = parseSignedBody(ChoiceBody, res);
    if (!choice) return;
    const installation = await signedInstallation(deps, res);
    if (!installation) return;
    const conflictId = String(req.params.conflictId);
    const result = await resolveConflict(
      deps.context.engine,
      installation.id,
      conflictId,
      choice,
      personOf(res),
    );
    if (!result.ok) {
      sendEngineError(res, result.error);
      return;
    }
    res.json({ conflict: result.value });
  };
}
