import type { RequestHandler } from 'express';
import type { AppDeps } from '../../deps';
import { sendError } from '../../middleware/errors';
import { signedInstallation } from '../settings/signed-installation';

/** The portal's HubSpot roles, for the settings page's "who may change settings" picker. */
export function getRoles(deps: AppDeps): RequestHandler {
  return async (_req, res) => {
    const installation = await signedInstallation(deps, res);
    if (!installation) return;
    const roles = await deps.context.settingsAccess.roles(installation);
    if (!roles.ok) {
      sendError(res, 503, roles.error.code, roles.error.message, { reason: roles.error.reason });
      return;
    }
    res.json({ roles: roles.value.map((role) => ({ id: role.id, name: role.name })) });
  };
}
