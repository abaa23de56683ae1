/**
 * Every jsforce Connection the bridge makes comes from here, so the API version is never jsforce's default
 * (50.0, whose upsert responses differ) and a refresh always goes through the caller's refresh function.
 */
import { Connection, OAuth2 } from 'jsforce';
import type { TokenResponse } from 'jsforce/lib/oauth2';

export const SALESFORCE_API_VERSION = '62.0';

/** jsforce's refresh hook: call back with the new access token, or with an error to fail the request. */
export type SalesforceRefreshFn = (
  connection: Connection,
  callback: (error: Error | null, accessToken?: string, response?: TokenResponse) => void,
) => void;

export interface SalesforceConnectionOptions {
  loginUrl: string;
  instanceUrl: string;
  accessToken: string;
  /**
   * Called on a 401. jsforce's built-in refresh drops a rotated refresh token, so the caller supplies its
   * own; the Connection never holds the refresh token itself.
   */
  refreshFn: SalesforceRefreshFn;
}

export function createSalesforceConnection(options: SalesforceConnectionOptions): Connection {
  return new Connection({
    oauth2: new OAuth2({ loginUrl: options.loginUrl }),
    loginUrl: options.loginUrl,
    instanceUrl: options.instanceUrl,
    accessToken: options.accessToken,
    version: SALESFORCE_API_VERSION,
    refreshFn: options.refreshFn,
  });
}
