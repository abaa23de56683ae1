/**
 * The HTTP surface: an express app built from its dependencies, so tests start it on port 0 next to the
 * emulators. Handlers are thin (one file per endpoint) and call into src/.
 */
import express, { type Express } from 'express';
import { isSecureOrigin, type AppDeps } from './deps';
import { getMe } from './handlers/access/get-me';
import { getRoles } from './handlers/access/get-roles';
import { getHealthz } from './handlers/health/get-healthz';
import { getReadyz } from './handlers/health/get-readyz';
import { getHelp } from './handlers/help/get-help';
import { getHubSpotCallback } from './handlers/oauth/get-hubspot-callback';
import { getHubSpotInstall } from './handlers/oauth/get-hubspot-install';
import { getSalesforceCallback } from './handlers/oauth/get-salesforce-callback';
import { getSalesforceStart } from './handlers/oauth/get-salesforce-start';
import { postSalesforceStart, startFormBody } from './handlers/oauth/post-salesforce-start';
import { getDashboard } from './handlers/ops/get-dashboard';
import { getInstallation } from './handlers/ops/get-installation';
import { getInstallations } from './handlers/ops/get-installations';
import { getMetrics } from './handlers/ops/get-metrics';
import { postLogin } from './handlers/ops/post-login';
import { postLogout } from './handlers/ops/post-logout';
import { postPause } from './handlers/ops/post-pause';
import { postReconcile } from './handlers/ops/post-reconcile';
import { postRetryFailure } from './handlers/ops/post-retry-failure';
import { getInstallationStatus } from './handlers/settings/get-installation-status';
import { postSalesforceConfirm } from './handlers/settings/post-salesforce-confirm';
import { postSalesforceConnectUrl } from './handlers/settings/post-salesforce-connect-url';
import { postSalesforceDisconnect } from './handlers/settings/post-salesforce-disconnect';
import { errorHandler, notFound } from './middleware/errors';
import { accessLog, securityHeaders } from './middleware/http-basics';
import {
  refuseReplayedSignatures,
  requireHubSpotSignature,
  requireSignedPortal,
} from './middleware/hubspot-signature';
import { requireOpsToken } from './middleware/ops-auth';
import { opsSessions } from './middleware/ops-session';
import { requireSettingsManager } from './middleware/settings-manager';
import { createEngineRouter } from './routes/engine';
import { createWebhookRouter } from './routes/webhooks';

/** The dashboard's forms: a token and a form token at most. */
const opsFormBody = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 5 });

/** hubspot.fetch bodies are at most 1 MB; the settings API needs far less. */
export const SIGNED_BODY_LIMIT = '64kb';

export function createApp(deps: AppDeps): Express {
  const { context } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders({ hsts: isSecureOrigin(deps) }));
  app.use(accessLog(context.logger));

  app.get('/healthz', getHealthz(deps));
  app.get('/readyz', getReadyz(deps));
  // The marketplace listing's documentation and support links.
  app.get(['/docs', '/support'], getHelp(deps));

  app.get('/oauth/hubspot/install', getHubSpotInstall(deps));
  app.get('/oauth/hubspot/callback', getHubSpotCallback(deps));
  app.get('/oauth/salesforce/start', getSalesforceStart(deps));
  app.post('/oauth/salesforce/start', startFormBody, postSalesforceStart(deps));
  app.get('/oauth/salesforce/callback', getSalesforceCallback(deps));

  const signedByHubSpot = [
    express.raw({ type: () => true, limit: SIGNED_BODY_LIMIT }),
    requireHubSpotSignature({
      clientSecret: context.app.hubspot.clientSecret,
      publicBaseUrl: context.app.publicBaseUrl,
      now: context.now,
    }),
    refuseReplayedSignatures({ db: context.db, now: context.now }),
    requireSignedPortal({ appId: context.app.hubspot.appId }),
  ];
  const manager = requireSettingsManager(deps);
  app.get('/api/me', ...signedByHubSpot, getMe(deps));
  app.get('/api/settings/roles', ...signedByHubSpot, getRoles(deps));
  app.get('/api/settings/installation', ...signedByHubSpot, getInstallationStatus(deps));
  app.post(
    '/api/settings/salesforce/connect-url',
    ...signedByHubSpot,
    manager,
    postSalesforceConnectUrl(deps),
  );
  app.post('/api/settings/salesforce/confirm', ...signedByHubSpot, manager, postSalesforceConfirm(deps));
  app.post(
    '/api/settings/salesforce/disconnect',
    ...signedByHubSpot,
    manager,
    postSalesforceDisconnect(deps),
  );

  app.use(createWebhookRouter(deps));
  app.use(createEngineRouter(deps));

  const operator = requireOpsToken(deps.opsToken);
  app.get('/metrics', operator, getMetrics(deps));

  // The dashboard, for a browser: a session cookie from a login form, and forms that carry its token.
  const sessions = opsSessions({
    opsToken: deps.opsToken,
    publicBaseUrl: context.app.publicBaseUrl,
    now: context.now,
  });
  const opsForm = [opsFormBody, sessions.requireSameOrigin()];
  const signedIn = [...opsForm, sessions.requireSessionForm()];
  app.get('/ops', getDashboard(deps, sessions));
  app.post('/ops/login', ...opsForm, postLogin(deps, sessions));
  app.post('/ops/logout', ...signedIn, postLogout(sessions));
  app.post('/ops/installations/:installationId/pause', ...signedIn, postPause(deps, true));
  app.post('/ops/installations/:installationId/resume', ...signedIn, postPause(deps, false));
  app.post('/ops/installations/:installationId/reconcile', ...signedIn, postReconcile(deps));
  app.post(
    '/ops/installations/:installationId/failures/:failureId/retry',
    ...signedIn,
    postRetryFailure(deps),
  );
  // The JSON API, for tooling: the bearer.
  app.use('/ops', operator);
  app.get('/ops/installations', getInstallations(deps));
  app.get('/ops/installations/:installationId', getInstallation(deps));

  app.use(notFound);
  app.use(errorHandler(context.logger));
  return app;
}
