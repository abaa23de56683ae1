/**
 * The Salesforce API emulator: an HTTP server that the unmodified jsforce works against, with
 * in-memory orgs, and a control API for tests, the sandbox and benchmarks. See README.md.
 */

import { SalesforceControlClient } from './control/client';
import type { OrgSettings } from './core/org';
import { EmulatorState } from './core/state';
import { seedOrg } from './data/seed';
import type { SeedOptions } from './data/seed';
import { listen } from './server';

export interface SalesforceEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** The connected app's consumer key; default SALESFORCE_CLIENT_ID, else `bridge-client-id`. */
  clientId?: string;
  /** Default SALESFORCE_CLIENT_SECRET, else `bridge-client-secret`. */
  clientSecret?: string;
  /** Settings every org starts with (e.g. `{ rotateRefreshTokens: true }`). */
  orgDefaults?: Partial<OrgSettings>;
  /** Seed the default org at start (true for the default amounts). */
  seed?: boolean | SeedOptions;
}

export interface SalesforceEmulator {
  /** `http://127.0.0.1:PORT`: both the jsforce loginUrl and the instance_url (no trailing slash). */
  baseUrl: string;
  /** jsforce loginUrl for sandbox orgs: `${baseUrl}/sandbox`. */
  sandboxLoginUrl: string;
  port: number;
  clientId: string;
  clientSecret: string;
  control: SalesforceControlClient;
  close(): Promise<void>;
}

export async function startSalesforceEmulator(
  options: SalesforceEmulatorOptions = {},
): Promise<SalesforceEmulator> {
  const clientId = options.clientId ?? process.env.SALESFORCE_CLIENT_ID ?? 'bridge-client-id';
  const clientSecret = options.clientSecret ?? process.env.SALESFORCE_CLIENT_SECRET ?? 'bridge-client-secret';
  const host = options.host ?? '127.0.0.1';
  const state = new EmulatorState({ clientId, clientSecret }, options.orgDefaults);
  const publicHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const server = await listen(state, options.port ?? 0, host, (port) => `http://${publicHost}:${port}`);
  const baseUrl = `http://${publicHost}:${server.port}`;
  if (options.seed) {
    const org = state.orgByName('default');
    if (org) seedOrg(state, org, options.seed === true ? {} : options.seed);
  }
  return {
    baseUrl,
    sandboxLoginUrl: `${baseUrl}/sandbox`,
    port: server.port,
    clientId,
    clientSecret,
    control: new SalesforceControlClient(baseUrl),
    close: () => server.close(),
  };
}

export { SalesforceControlClient, ControlApiError } from './control/client';
export type * from './control/types';
export type * from './control/schemas';
