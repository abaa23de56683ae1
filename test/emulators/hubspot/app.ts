/** Wires the routes into one router. Literal routes are registered before the parameterised ones they shadow. */
import { registerUserRoutes } from './account/user-routes';
import { registerOAuthRoutes } from './auth/oauth-routes';
import { registerActionRoutes } from './control/action-routes';
import { registerAdminRoutes } from './control/admin-routes';
import { registerUserControlRoutes } from './control/user-routes';
import { registerWebhookRoutes } from './control/webhook-routes';
import { registerAssociationRoutes } from './crm/association-routes';
import { registerBatchRoutes } from './crm/batch-routes';
import { registerObjectRoutes } from './crm/object-routes';
import { registerOwnerRoutes } from './crm/owner-routes';
import { registerPipelineRoutes } from './crm/pipelines';
import { registerPropertyRoutes } from './crm/property-routes';
import { registerSearchRoutes } from './crm/search';
import { registerFetchProxyRoute } from './fetch-proxy';
import { Router } from './http/router';
import type { EmulatorState } from './state/emulator-state';

export function buildRouter(state: EmulatorState, bridgeAppId: number): Router {
  const router = new Router();
  registerOAuthRoutes(router, state);
  registerAssociationRoutes(router, state);
  registerBatchRoutes(router, state);
  registerSearchRoutes(router, state);
  registerObjectRoutes(router, state);
  registerOwnerRoutes(router);
  registerPipelineRoutes(router);
  registerUserRoutes(router);
  registerPropertyRoutes(router, state);
  registerActionRoutes(router, state);
  registerAdminRoutes(router, state, bridgeAppId);
  registerUserControlRoutes(router, state);
  registerWebhookRoutes(router, state);
  registerFetchProxyRoute(router, state, bridgeAppId);
  return router;
}
