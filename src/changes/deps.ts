/**
 * What change detection needs from the rest of the bridge: the database, a clock and a logger, our HubSpot
 * app id (to recognise our own writes), the API clients of an installation, and the budget every API call
 * passes. Tests build it around the emulators; `changeDetectionDeps` builds it from the shared context.
 */
import type { Client as HubSpotClient } from '@hubspot/api-client';
import type { Connection } from 'jsforce';
import type { Credentials } from '../auth/credentials';
import type { Db } from '../db/knex';
import type { Result } from '../domain/result';
import type { InstallContext } from '../install/context';
import type { QueueLogger } from '../queue/logger';
import { Budget, type CallBudget } from '../budget/budget';

export interface ClientProblem {
  code: string;
  message: string;
}

/** Ready-to-use API clients of one installation; a failure says why (uninstalled, needs a reconnect, …). */
export interface InstallationClients {
  hubspot(installationId: string): Promise<Result<HubSpotClient, ClientProblem>>;
  salesforce(installationId: string): Promise<Result<Connection, ClientProblem>>;
}

export interface ChangeDetectionDeps {
  db: Db;
  logger: QueueLogger;
  now: () => number;
  /** Our HubSpot app id: events our own writes caused carry it as their sourceId. */
  hubspotAppId: string;
  clients: InstallationClients;
  /** Every API call of a poll passes the installation's gate. */
  budget: CallBudget;
}

export function clientsFromCredentials(credentials: Credentials): InstallationClients {
  return {
    hubspot: (installationId) => credentials.getHubSpotClient(installationId),
    salesforce: (installationId) => credentials.getSalesforceConnection(installationId),
  };
}

/** The dependencies from the context every process builds at boot. */
export function changeDetectionDeps(context: InstallContext, budget?: CallBudget): ChangeDetectionDeps {
  return {
    db: context.db,
    logger: context.logger,
    now: context.now,
    hubspotAppId: context.app.hubspot.appId,
    clients: clientsFromCredentials(context.credentials),
    budget: budget ?? new Budget({ db: context.db, now: context.now, logger: context.logger }),
  };
}
