import { clientsFromCredentials } from '../src/changes/deps';
import { LiveMetadataReader } from '../src/settings/liveMetadata';
import { Budget } from '../src/sync/budget';
import type { AppDeps } from './deps';

/** What the engine's endpoints share in one server process: the budget and the live-metadata cache. */
export interface EngineDeps extends AppDeps {
  budget: Budget;
  metadata: LiveMetadataReader;
}

export function engineDeps(deps: AppDeps): EngineDeps {
  const { context } = deps;
  const budget = new Budget({ db: context.db, now: context.now, logger: context.logger });
  const metadata = new LiveMetadataReader({
    clients: clientsFromCredentials(context.credentials),
    budget,
    now: context.now,
    logger: context.logger,
  });
  return { ...deps, budget, metadata };
}
