/**
 * Where an installation's API clients come from. Production hands out the install flow's Credentials
 * (tokens refreshed and persisted there); tests hand in clients made from emulator tokens. Nothing that
 * uses a client ever sees a token.
 *
 * Two ways to ask: one side at a time (`ClientsBySide`: a poll or a settings check needs one system), or
 * both at once (`ClientSource`: a sync batch needs both, and is held back when either is missing).
 */
import type { Client } from '@hubspot/api-client';
import type { Connection } from 'jsforce';
import { err, ok, type Result } from '../domain/result';
import type { Credentials } from './credentials';

/** Both API clients of one installation, ready to use. */
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

/** An installation's clients one side at a time; a failure says why (uninstalled, needs a reconnect, …). */
export interface ClientsBySide {
  hubspot(installationId: string): Promise<Result<Client, ClientsUnavailable>>;
  salesforce(installationId: string): Promise<Result<Connection, ClientsUnavailable>>;
}

/** The credentials' clients, one side at a time. */
export function clientsBySide(credentials: Credentials): ClientsBySide {
  return {
    hubspot: (installationId) => credentials.getHubSpotClient(installationId),
    salesforce: (installationId) => credentials.getSalesforceConnection(installationId),
  };
}

/**
 * The production ClientSource: the credentials hand out a HubSpot client (tokens refreshed ahead of expiry)
 * and a Salesforce Connection (refreshing itself on a 401) per installation.
 */
export function credentialsClientSource(credentials: Credentials): ClientSource {
  return {
    async clientsFor(installationId) {
      const hubspot = await credentials.getHubSpotClient(installationId);
      if (!hubspot.ok) return err({ code: hubspot.error.code, message: hubspot.error.message });
      const salesforce = await credentials.getSalesforceConnection(installationId);
      if (!salesforce.ok) return err({ code: salesforce.error.code, message: salesforce.error.message });
      return ok({ hubspot: hubspot.value, salesforce: salesforce.value });
    },
  };
}
