/** What the engine handlers share: the record named in the path, and engine refusals as HTTP answers. */
import type { Request, Response } from 'express';
import { RecordRefSchema, type RecordRef } from '../../../src/db/recordRefs';
import type { HubSpotPerson } from '../../../src/domain/actors';
import type { EngineError } from '../../../src/sync/engineApi';
import { sendError } from '../../middleware/errors';
import type { SignedPortal } from '../../middleware/hubspot-signature';

/** `/:side/:objectType/:recordId` → a record reference, or a 400 naming what is wrong (null: answered). */
export function recordFromPath(req: Request, res: Response): RecordRef | null {
  const parsed = RecordRefSchema.safeParse({
    side: req.params.side,
    objectType: req.params.objectType,
    recordId: req.params.recordId,
  });
  if (parsed.success) return parsed.data;
  sendError(res, 400, 'invalid_record', 'The path does not name a record (side, object type, id).', {
    issues: parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
  });
  return null;
}

const statusOf: Record<EngineError['code'], number> = {
  not_found: 404,
  not_open: 409,
  invalid: 400,
  unavailable: 503,
};

export function sendEngineError(res: Response, error: EngineError): void {
  sendError(res, statusOf[error.code], error.code, error.message);
}

/** Who acts, as HubSpot signed it: stored with resolutions and audit lines. */
export function personOf(res: Response): HubSpotPerson {
  const portal = res.locals.portal as SignedPortal;
  return { userId: portal.userId, email: portal.userEmail };
}
