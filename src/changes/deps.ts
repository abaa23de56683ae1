/**
 * What change detection needs from the rest of the bridge: the database, a clock and a logger, our HubSpot
 * app id (to recognise our own writes), the API clients of an installation, and the budget every API call
 * passes. Tests build it around the emulators; `changeDetectionDeps` builds it from the shared context.
 */
import { clientsBySide, type ClientsBySide } from '../auth/clients';
import { Budget } from '../budget/budget';
import type { CallBudget } from '../connectors/gate';
import type { Db } from '../db/knex';
import type { InstallContext } from '../install/context';
import type { Logger } from '../logger';

export interface ChangeDetectionDeps {
  db: Db;
  logger: Logger;
  now: () => number;
  /** Our HubSpot app id: events our own writes caused carry it as their sourceId. */
  hubspotAppId: string;
  clients: ClientsBySide;
  /** Every API call of a poll passes the installation's gate. */
  budget: CallBudget;
}

/** The dependencies from the context every process builds at boot. */
export function changeDetectionDeps(context: InstallContext, budget?: CallBudget): ChangeDetectionDeps {
  return {
    db: context.db,
    logger: context.logger,
    now: context.now,
    hubspotAppId: context.app.hubspot.appId,
    clients: clientsBySide(context.credentials),
    budget: budget ?? new Budget({ db: context.db, now: context.now, logger: context.logger }),
  };
}
