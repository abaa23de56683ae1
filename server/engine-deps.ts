import { SettingsAccess } from '../src/settings/access';
import { LiveMetadataReader } from '../src/settings/liveMetadata';
import { Budget } from '../src/budget/budget';
import { clientsBySide, credentialsClientSource } from '../src/auth/clients';
import type { EngineDeps } from '../src/sync/engine-api';
import { OrgMetadataCache } from '../src/sync/orgMetadata';
import type { AppDeps } from './deps';

/**
 * What the engine's endpoints share in one server process: the budget (every API call they cause passes
 * it), the caches of live metadata and of who the portal users are, and the engine API's dependencies.
 * Built once per app (server/app.ts), so every route shares the same caches.
 */
export interface EngineHttpDeps extends AppDeps {
  budget: Budget;
  metadata: LiveMetadataReader;
  access: SettingsAccess;
  engine: EngineDeps;
}

export function engineHttpDeps(deps: AppDeps): EngineHttpDeps {
  const { context } = deps;
  const budget = new Budget({ db: context.db, now: context.now, logger: context.logger });
  const metadata = new LiveMetadataReader({
    clients: clientsBySide(context.credentials),
    budget,
    now: context.now,
    logger: context.logger,
  });
  const access = new SettingsAccess({
    db: context.db,
    clients: clientsBySide(context.credentials),
    budget,
    now: context.now,
    logger: context.logger,
  });
  const engine: EngineDeps = {
    db: context.db,
    now: context.now,
    clients: credentialsClientSource(context.credentials),
    gateFor: (installationId) => budget.gateFor(installationId),
    metadata: new OrgMetadataCache({ now: context.now }),
  };
  return { ...deps, budget, metadata, access, engine };
}
