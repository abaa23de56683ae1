import type { RequestHandler } from 'express';
import { z } from 'zod';
import { discardHeldDeletes, releaseHeldDeletes } from '../../../src/sync/deletesApi';
import type { AppDeps } from '../../deps';
import { parseSignedBody } from '../settings/body';
import { signedInstallation } from '../settings/signed-installation';
import { personOf } from './engine-answers';

const DecisionBody = z
  .object({
    /** The holds to decide; all held deletes when left out. */
    ids: z.array(z.string().uuid()).min(1).max(1000).optional(),
  })
  .strict();

/**
 * An admin's answer to the mass-delete brake: `release` handles the held deletes as usual (links
 * tombstoned, the other side marked), `discard` drops them (nothing marked, links left as they are).
 */
export function postDecideHeldDeletes(deps: AppDeps, decision: 'release' | 'discard'): RequestHandler {
  return async (_req, res) => {
    const body = parseSignedBody(DecisionBody, res);
    if (!body) return;
    const installation = await signedInstallation(deps, res);
    if (!installation) return;
    const decide = decision === 'release' ? releaseHeldDeletes : discardHeldDeletes;
    const decided = await decide(deps.context.engine, installation.id, personOf(res), body.ids);
    res.json({ decision, decided });
  };
}
