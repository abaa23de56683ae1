/** The bridge's HTTP server on a free port, wired to a test database and to wherever the emulators listen. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RefreshTiming } from '../../src/auth/refreshCoordinator';
import type { TokenCipher } from '../../src/auth/tokenCipher';
import type { Db } from '../../src/db/knex';
import { createApp } from '../../server/app';
import {
  testBridgeApp,
  testContext,
  TEST_OPS_TOKEN,
  type TestClock,
  type TestContext,
} from './bridge-context';

export interface RunningBridge {
  baseUrl: string;
  context: TestContext;
  close(): Promise<void>;
}

export async function startBridge(options: {
  db: Db;
  hubspotBaseUrl: string;
  salesforceBaseUrl: string;
  clock?: TestClock;
  cipher?: TokenCipher;
  timing?: Partial<RefreshTiming>;
  /** Deadline of one OAuth call (default: the connectors' own). */
  oauthTimeoutMs?: number;
}): Promise<RunningBridge> {
  // The public URL (and so the OAuth redirect URIs) needs the port before the app is built.
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const context = testContext(options.db, {
    app: testBridgeApp({
      publicBaseUrl: baseUrl,
      hubspotBaseUrl: options.hubspotBaseUrl,
      salesforceBaseUrl: options.salesforceBaseUrl,
      ...(options.oauthTimeoutMs ? { oauthTimeoutMs: options.oauthTimeoutMs } : {}),
    }),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.cipher ? { cipher: options.cipher } : {}),
    ...(options.timing ? { timing: options.timing } : {}),
  });
  server.on('request', createApp({ context, opsToken: TEST_OPS_TOKEN }));
  return {
    baseUrl,
    context,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
