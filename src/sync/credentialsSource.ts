/**
 * The production ClientSource: the install flow's Credentials hand out a HubSpot client (tokens refreshed
 * ahead of expiry) and a Salesforce Connection (refreshing itself on a 401) per installation.
 */
import type { Credentials } from '../auth/credentials';
import { err, ok } from '../domain/result';
import type { ClientSource } from './clients';

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
