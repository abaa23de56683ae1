import type { RequestHandler } from 'express';
import type { AppDeps } from '../../deps';
import type { SignedPortal } from '../../middleware/hubspot-signature';
import { signedInstallation } from '../settings/signed-installation';

/**
 * Who the signed-in user is and whether they may change the settings, so the settings page shows a rep a
 * read-only page with a note instead of buttons that fail. When HubSpot cannot say, the answer is "not now"
 * with the reason, rather than an error the page would have to handle.
 */
export function getMe(deps: AppDeps): RequestHandler {
  return async (_req, res) => {
    const installation = await signedInstallation(deps, res);
    if (!installation) return;
    const portal = res.locals.portal as SignedPortal;
    const checked = await deps.context.settingsAccess.check(installation, {
      userId: portal.userId,
      userEmail: portal.userEmail,
    });
    if (!checked.ok) {
      res.json({
        portalId: portal.portalId,
        user: { id: portal.userId, email: portal.userEmail },
        canManageSettings: false,
        superAdmin: false,
        reason: checked.error.message,
      });
      return;
    }
    res.json({
      portalId: portal.portalId,
      user: checked.value.user,
      canManageSettings: checked.value.decision.allowed,
      superAdmin: checked.value.superAdmin,
      reason: checked.value.decision.reason,
    });
  };
}
