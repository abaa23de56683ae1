import type { RequestHandler } from 'express';
import { z } from 'zod';
import { assertNever } from '../../../src/domain/result';
import { MAX_SAMPLE_SIZE } from '../../../src/sync/settingsDryRun/sample';
import { dryRunSettings } from '../../../src/sync/settingsDryRun/run';
import type { AppDeps } from '../../deps';
import { sendError } from '../../middleware/errors';
import { parseSignedBody } from '../settings/body';
import { signedInstallation } from '../settings/signed-installation';

const DryRunBody = z
  .object({
    /** The edited document, as PUT /api/settings would take it. */
    document: z.record(z.string(), z.json()),
    /** Linked pairs to look at (default 200). */
    sampleSize: z.number().int().min(1).max(MAX_SAMPLE_SIZE).optional(),
  })
  .strict();

/**
 * "Preview changes": what a sync would write, over a sample of linked pairs, if the edited settings were
 * saved. Writes nothing. Refused like a save (422 with one message per problem) when the document could not
 * be saved, 503 when the systems cannot be read now.
 */
export function postSettingsDryRun(deps: AppDeps): RequestHandler {
  return async (_req, res) => {
    const body = parseSignedBody(DryRunBody, res);
    if (!body) return;
    const installation = await signedInstallation(deps, res);
    if (!installation) return;
    const result = await dryRunSettings(
      { ...deps.context.engine, liveMetadata: deps.context.liveMetadata },
      installation.id,
      body.sampleSize === undefined
        ? { document: body.document }
        : { document: body.document, sampleSize: body.sampleSize },
    );
    if (result.ok) {
      res.json(result.value);
      return;
    }
    const refusal = result.error;
    switch (refusal.code) {
      case 'invalid_settings': {
        const errors = refusal.messages.filter((message) => message.severity === 'error');
        sendError(
          res,
          422,
          'invalid_settings',
          `These settings could not be saved: ${errors.length} problem${errors.length === 1 ? '' : 's'} to fix. ${errors[0]?.message ?? ''}`.trim(),
          { messages: refusal.messages, metadataProblems: refusal.metadataProblems },
        );
        return;
      }
      case 'budget_exhausted':
        res.setHeader(
          'Retry-After',
          String(Math.max(1, Math.ceil((refusal.resumesAt - deps.context.now()) / 1000))),
        );
        sendError(
          res,
          503,
          'budget_exhausted',
          `The preview needs API calls this installation cannot spend now. ${refusal.message}`,
          { resumesAt: refusal.resumesAt },
        );
        return;
      case 'unavailable':
        sendError(res, 503, 'unavailable', `The preview could not read the records: ${refusal.message}`);
        return;
      default:
        assertNever(refusal, 'preview refusal');
    }
  };
}
