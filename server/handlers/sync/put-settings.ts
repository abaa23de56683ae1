import type { RequestHandler } from 'express';
import { z } from 'zod';
import { saveSettings } from '../../../src/settings/saveSettings';
import type { AppDeps } from '../../deps';
import { sendError } from '../../middleware/errors';
import { parseSignedBody } from '../settings/body';
import { signedInstallation } from '../settings/signed-installation';
import { personOf } from './engine-answers';

const SaveBody = z
  .object({
    /** The whole document; defaults may be left out. */
    document: z.record(z.string(), z.json()),
    /** The version the page loaded (0 when it showed the shipped defaults). */
    baseVersion: z.number().int().min(0),
  })
  .strict();

/**
 * Saves a new settings version after checking it against live metadata. Refused with 422 and one message
 * per problem (tied to its mapped field), or 409 when someone saved since the page loaded.
 */
export function putSettings(deps: AppDeps): RequestHandler {
  return async (_req, res) => {
    const body = parseSignedBody(SaveBody, res);
    if (!body) return;
    const installation = await signedInstallation(deps, res);
    if (!installation) return;
    const result = await saveSettings(
      { context: deps.context, metadata: deps.context.liveMetadata },
      installation,
      {
        document: body.document,
        baseVersion: body.baseVersion,
        savedBy: personOf(res),
      },
    );
    if (result.ok) {
      res.json(result.value);
      return;
    }
    const refusal = result.error;
    if (refusal.code === 'stale_base') {
      const who = refusal.savedBy ? `, by ${refusal.savedBy}` : '';
      sendError(
        res,
        409,
        'stale_base',
        `Someone else saved the settings after this page loaded them (version ${refusal.currentVersion}${who}); reload the page to see their changes, then make yours again.`,
        { currentVersion: refusal.currentVersion, savedBy: refusal.savedBy, savedAt: refusal.savedAt },
      );
      return;
    }
    const errors = refusal.messages.filter((message) => message.severity === 'error');
    sendError(
      res,
      422,
      'invalid_settings',
      `The settings were not saved: ${errors.length} problem${errors.length === 1 ? '' : 's'} to fix. ${errors[0]?.message ?? ''}`.trim(),
      { messages: refusal.messages, metadataProblems: refusal.metadataProblems },
    );
  };
}
