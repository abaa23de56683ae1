import type { RequestHandler } from 'express';
import { z } from 'zod';
import { checkSettings } from '../../../src/settings/saveSettings';
import type { AppDeps } from '../../deps';
import { parseSignedBody } from '../settings/body';
import { signedInstallation } from '../settings/signed-installation';

const ValidateBody = z.object({ document: z.record(z.string(), z.json()) }).strict();

/**
 * Checks a settings document as a save would, without saving: `{ valid, messages, metadataProblems }`, with
 * the same per-field messages a refused save gives, so the page can show them under each field first.
 */
export function postValidateSettings(deps: AppDeps): RequestHandler {
  return async (_req, res) => {
    const body = parseSignedBody(ValidateBody, res);
    if (!body) return;
    const installation = await signedInstallation(deps, res);
    if (!installation) return;
    res.json(
      await checkSettings(
        { context: deps.context, metadata: deps.context.liveMetadata },
        installation,
        body.document,
      ),
    );
  };
}
