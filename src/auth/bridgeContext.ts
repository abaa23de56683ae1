/**
 * What the install flow and the credentials module need to run: the database, the token cipher, the app's
 * OAuth registration, a logger and a clock; and the app's OAuth clients and routes derived from it. Built
 * once per process by the composition root (src/app/appContext.ts); tests build their own.
 */
import type { HubSpotOAuthApp } from '../connectors/hubspot/oauth';
import type { SalesforceOAuthApp } from '../connectors/salesforce/oauth';
import type { SalesforceEnvironment } from '../db/installations';
import type { Db } from '../db/knex';
import type { Logger } from '../logger';
import type { Metrics } from '../metrics';
import type { TokenCipher } from './tokenCipher';

export interface BridgeApp {
  /** The public origin browsers and HubSpot reach; OAuth redirect URIs are built from it. */
  publicBaseUrl: string;
  hubspot: {
    clientId: string;
    clientSecret: string;
    appId: string;
    apiBaseUrl: string;
    authorizeUrl: string;
  };
  salesforce: {
    clientId: string;
    clientSecret: string;
    loginUrl: string;
    sandboxLoginUrl: string;
  };
  /** Deadline of one OAuth call to either provider (default: each connector's own, 15 s). */
  oauthTimeoutMs?: number;
}

export interface BridgeContext {
  db: Db;
  cipher: TokenCipher;
  app: BridgeApp;
  logger: Logger;
  /** Epoch milliseconds; injected so tests can move time. */
  now: () => number;
  /** Told of token refreshes; default none. */
  metrics?: Metrics;
}

export const HUBSPOT_CALLBACK_PATH = '/oauth/hubspot/callback';
export const SALESFORCE_CALLBACK_PATH = '/oauth/salesforce/callback';
export const HUBSPOT_INSTALL_PATH = '/oauth/hubspot/install';
export const SALESFORCE_START_PATH = '/oauth/salesforce/start';

export function hubspotOAuthApp(app: BridgeApp): HubSpotOAuthApp {
  return {
    clientId: app.hubspot.clientId,
    clientSecret: app.hubspot.clientSecret,
    apiBaseUrl: app.hubspot.apiBaseUrl,
    authorizeUrl: app.hubspot.authorizeUrl,
    redirectUri: `${app.publicBaseUrl}${HUBSPOT_CALLBACK_PATH}`,
    ...(app.oauthTimeoutMs ? { timeoutMs: app.oauthTimeoutMs } : {}),
  };
}

export function salesforceLoginUrlFor(app: BridgeApp, environment: SalesforceEnvironment): string {
  return environment === 'sandbox' ? app.salesforce.sandboxLoginUrl : app.salesforce.loginUrl;
}

/** The OAuth client for one login host (the installation's, once connected: it may be a My Domain). */
export function salesforceOAuthApp(app: BridgeApp, loginUrl: string): SalesforceOAuthApp {
  return {
    clientId: app.salesforce.clientId,
    clientSecret: app.salesforce.clientSecret,
    loginUrl,
    redirectUri: `${app.publicBaseUrl}${SALESFORCE_CALLBACK_PATH}`,
    ...(app.oauthTimeoutMs ? { timeoutMs: app.oauthTimeoutMs } : {}),
  };
}
