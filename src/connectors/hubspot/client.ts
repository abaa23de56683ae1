/**
 * Every `@hubspot/api-client` Client the bridge makes comes from here.
 *
 * The SDK keeps its retry decorators in a process-wide singleton that each `new Client()` overwrites, so
 * clients built with different retry settings silently share the last one's. One factory, one setting: no
 * SDK retries (the bridge retries with its own backoff, where it can also count and log the attempts).
 */
import { Client } from '@hubspot/api-client';

export interface HubSpotClientOptions {
  /** The API origin, e.g. https://api.hubapi.com (or an emulator in tests). */
  basePath: string;
  accessToken?: string;
}

export function createHubSpotClient(options: HubSpotClientOptions): Client {
  return new Client({
    basePath: options.basePath,
    ...(options.accessToken ? { accessToken: options.accessToken } : {}),
    numberOfApiCallRetries: 0,
  });
}

export type { Client as HubSpotClient };
