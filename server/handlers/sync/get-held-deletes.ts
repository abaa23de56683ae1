import type { RequestHandler } from 'express';
import { settingsFor } from '../../../src/settings/installationSettings';
import { deleteBrakeStatus, recentDeletes } from '../../../src/sync/deletesApi';
import type { AppDeps } from '../../deps';
import { signedInstallation } from '../settings/signed-installation';

/**
 * The mass-delete brake for the settings page: whether it holds deletes, the held list (which record was
 * deleted on which side, and its counterpart), the threshold now and the deletes of the last hour.
 */
export function getHeldDeletes(deps: AppDeps): RequestHandler {
  return async (_req, res) => {
    const installation = await signedInstallation(deps, res);
    if (!installation) return;
    const settings = await settingsFor(deps.context.db, installation.id);
    const [status, recent] = await Promise.all([
      deleteBrakeStatus(deps.context.engine, installation.id, settings),
      recentDeletes(deps.context.engine, installation.id),
    ]);
    res.json({
      on: status.on,
      thresholdPerHour: status.thresholdPerHour,
      linkedRecords: status.linkedRecords,
      deletesLastHour: recent,
      held: status.held.map((hold) => ({
        id: hold.id,
        linkId: hold.linkId,
        deletedSide: hold.deletedSide,
        hubspot: { objectType: hold.hubspotObjectType, id: hold.hubspotId },
        salesforce: { objectType: hold.salesforceObjectType, id: hold.salesforceId },
        heldAt: hold.heldAt,
      })),
    });
  };
}
