import type { Response } from 'express';
import type { z } from 'zod';
import { sendError } from '../../middleware/errors';
import type { SignedRequest } from '../../middleware/hubspot-signature';

/** Parses the signed raw body as JSON against `schema` (an empty body reads as `{}`); null means answered. */
export function parseSignedBody<T>(schema: z.ZodType<T>, res: Response): T | null {
  const { rawBody } = res.locals.signed as SignedRequest;
  let json: unknown;
  try {
    json = rawBody.trim() === '' ? {} : JSON.parse(rawBody);
  } catch {
    sendError(res, 400, 'invalid_json', 'The request body is not valid JSON.');
    return null;
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    sendError(res, 400, 'invalid_body', 'The request body is not what this endpoint accepts.', {
      issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    });
    return null;
  }
  return parsed.data;
}
