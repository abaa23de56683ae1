/**
 * The engine's endpoints for the settings page and the record card, all behind HubSpot signature v3 with
 * the portal taken from the signed query: a portal only ever reaches its own installation. Thin handlers
 * over src/settings/ and the engine API (src/sync/engineApi.ts).
 */
import express, { type Router } from 'express';
import type { AppDeps } from '../deps';
import { getAudit } from '../handlers/sync/get-audit';
import { getConflicts } from '../handlers/sync/get-conflicts';
import { getHealth } from '../handlers/sync/get-health';
import { getHeldDeletes } from '../handlers/sync/get-held-deletes';
import { getPendingMatches } from '../handlers/sync/get-pending-matches';
import { getReconcileReports } from '../handlers/sync/get-reconcile-reports';
import { getRecordHistory } from '../handlers/sync/get-record-history';
import { getRecordStatus } from '../handlers/sync/get-record-status';
import { getSettings } from '../handlers/sync/get-settings';
import { getSettingsMetadata } from '../handlers/sync/get-settings-metadata';
import { postDecideHeldDeletes } from '../handlers/sync/post-decide-held-deletes';
import { postRelink } from '../handlers/sync/post-relink';
import { postReconcile } from '../handlers/sync/post-reconcile';
import { postResolveConflict } from '../handlers/sync/post-resolve-conflict';
import { postResolvePendingMatch } from '../handlers/sync/post-resolve-pending-match';
import { postRetryFailures } from '../handlers/sync/post-retry-failures';
import { postSettingsDryRun } from '../handlers/sync/post-settings-dry-run';
import { postSyncNow } from '../handlers/sync/post-sync-now';
import { postValidateSettings } from '../handlers/sync/post-validate-settings';
import { putPause } from '../handlers/sync/put-pause';
import { putSettings } from '../handlers/sync/put-settings';
import {
  refuseReplayedSignatures,
  requireHubSpotSignature,
  requireSignedPortal,
} from '../middleware/hubspot-signature';
import { requireSettingsManager } from '../middleware/settings-manager';

/** A settings document with a hundred mappings is far below this. */
export const ENGINE_BODY_LIMIT = '256kb';

/**
 * Settings changes (`manager`) are for HubSpot super admins and the roles the settings name; everything the
 * record card does is open to every user of the portal.
 */
export function createEngineRouter(deps: AppDeps): Router {
  const { context } = deps;
  const manager = requireSettingsManager(deps);
  const signed = [
    express.raw({ type: () => true, limit: ENGINE_BODY_LIMIT }),
    requireHubSpotSignature({
      clientSecret: context.app.hubspot.clientSecret,
      publicBaseUrl: context.app.publicBaseUrl,
      now: context.now,
    }),
    refuseReplayedSignatures({ db: context.db, now: context.now }),
    requireSignedPortal({ appId: context.app.hubspot.appId }),
  ];
  const router = express.Router();
  router.get('/api/settings', ...signed, getSettings(deps));
  router.put('/api/settings', ...signed, manager, putSettings(deps));
  router.get('/api/settings/metadata', ...signed, getSettingsMetadata(deps));
  router.post('/api/settings/validate', ...signed, manager, postValidateSettings(deps));
  router.post('/api/settings/dry-run', ...signed, manager, postSettingsDryRun(deps));
  router.put('/api/sync/pause', ...signed, manager, putPause(deps));
  router.get('/api/sync/health', ...signed, getHealth(deps));
  router.post('/api/sync/reconcile', ...signed, manager, postReconcile(deps));
  router.get('/api/sync/reconcile/reports', ...signed, getReconcileReports(deps));
  router.get('/api/sync/audit', ...signed, manager, getAudit(deps));
  const record = '/api/sync/records/:side/:objectType/:recordId';
  router.get(record, ...signed, getRecordStatus(deps));
  router.get(`${record}/history`, ...signed, getRecordHistory(deps));
  router.post(`${record}/sync-now`, ...signed, postSyncNow(deps));
  router.post(`${record}/relink`, ...signed, manager, postRelink(deps));
  router.get('/api/sync/deletes/held', ...signed, getHeldDeletes(deps));
  router.post('/api/sync/deletes/held/release', ...signed, manager, postDecideHeldDeletes(deps, 'release'));
  router.post('/api/sync/deletes/held/discard', ...signed, manager, postDecideHeldDeletes(deps, 'discard'));
  router.post('/api/sync/failures/retry', ...signed, postRetryFailures(deps));
  router.get('/api/sync/conflicts', ...signed, getConflicts(deps));
  router.post('/api/sync/conflicts/:conflictId/resolve', ...signed, postResolveConflict(deps));
  router.get('/api/sync/pending-matches', ...signed, getPendingMatches(deps));
  router.post('/api/sync/pending-matches/:matchId/resolve', ...signed, postResolvePendingMatch(deps));
  return router;
}
