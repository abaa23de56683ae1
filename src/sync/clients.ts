/**
 * Where the worker gets an installation's API clients. Production hands in the install flow's Credentials
 * (tokens refreshed and persisted there); tests hand in clients made from emulator tokens. The worker never
 * sees a token.
 */
import type { Client } from '@hubspot/api-client';
import type { Connection } from 'jsforce';
import type { Result } from '../domain/result';

export interface InstallationClients {
  readonly hubspot: Client;
  readonly salesforce: Connection;
}

/** Why an installation's clients cannot be had now (uninstalled, Salesforce needs reconnecting, …). */
export interface ClientsUnavailable {
  readonly code: string;
  readonly message: string;
}

export interface ClientSource {
  /** Ask again for each batch: clients may hold short-lived tokens. */
  clientsFor(installationId: string): Promise<Result<InstallationClients, ClientsUnavailable>>;
}
