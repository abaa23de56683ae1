/**
 * After `requireSignedPortal`: lets a request through only when the signed HubSpot user may change the
 * settings (a super admin, or holding a role the settings name; see src/settings/access.ts). Anyone else gets
 * `403 forbidden` with a sentence saying who can and whom to ask; a request HubSpot signed without a user is
 * refused the same way. When HubSpot cannot say who the user is, the answer is `503`, never a pass.
 *
 * The answer is left in `res.locals.settingsManager` for the handler (the audit line names the user).
 */
import type { RequestHandler, Response } from 'express';
import type { SettingsAccessAnswer } from '../../src/settings/access';
import type { AppDeps } from '../deps';
import { signedInstallation } from '../handlers/settings/signed-installation';
import { sendError } from './errors';
import type { SignedPortal } from './hubspot-signature';

/** Checks the signed user; answers the request itself and returns false when they may not go on. */
export async function ensureSettingsManager(deps: AppDeps, res: Response): Promise<boolean> {
  const installation = await signedInstallation(deps, res);
  if (!installation) return false;
  const portal = res.locals.portal as SignedPortal;
  const checked = await deps.context.settingsAccess.check(installation, {
    userId: portal.userId,
    userEmail: portal.userEmail,
  });
  if (!checked.ok) {
    sendError(res, 503, checked.error.code, checked.error.message, { reason: checked.error.reason });
    return false;
  }
  const { decision } = checked.value;
  if (!decision.allowed) {
    sendError(res, 403, 'forbidden', decision.reason, { basis: decision.basis });
    return false;
  }
  res.locals.settingsManager = checked.value satisfies SettingsAccessAnswer;
  return true;
}

export function requireSettingsManager(deps: AppDeps): RequestHandler {
  return async (_req, res, next) => {
    if (await ensureSettingsManager(deps, res)) next();
  };
}
