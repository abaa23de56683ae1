/**
 * Factories for the bridge's dependencies in tests: an app configuration pointing wherever the test says, a
 * logger whose lines the test can read, a clock the test can move, and the full app context around them
 * (composed as every process composes it, src/app/appContext.ts).
 */
import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import { composeAppContext, type AppContext } from '../../src/app/appContext';
import { createLogger } from '../../src/app/logger';
import type { BridgeApp } from '../../src/auth/bridgeContext';
import type { RefreshTiming } from '../../src/auth/refreshCoordinator';
import { createTokenCipher, type TokenCipher } from '../../src/auth/tokenCipher';
import type { Db } from '../../src/db/knex';

export const TEST_HUBSPOT_APP = {
  clientId: 'bridge-test-client',
  clientSecret: 'bridge-test-secret-123',
  appId: '424242',
};
export const TEST_SALESFORCE_APP = { clientId: 'bridge-sf-client', clientSecret: 'bridge-sf-secret-123' };
export const TEST_OPS_TOKEN = 'ops-token-for-tests-0123456789';

export function testBridgeApp(
  overrides: {
    publicBaseUrl?: string;
    hubspotBaseUrl?: string;
    salesforceBaseUrl?: string;
    oauthTimeoutMs?: number;
  } = {},
): BridgeApp {
  const hubspot = overrides.hubspotBaseUrl ?? 'http://127.0.0.1:9';
  const salesforce = overrides.salesforceBaseUrl ?? 'http://127.0.0.1:9';
  return {
    publicBaseUrl: overrides.publicBaseUrl ?? 'http://127.0.0.1:9',
    hubspot: { ...TEST_HUBSPOT_APP, apiBaseUrl: hubspot, authorizeUrl: `${hubspot}/oauth/authorize` },
    salesforce: { ...TEST_SALESFORCE_APP, loginUrl: salesforce, sandboxLoginUrl: `${salesforce}/sandbox` },
    ...(overrides.oauthTimeoutMs ? { oauthTimeoutMs: overrides.oauthTimeoutMs } : {}),
  };
}

/** A logger that keeps every line it writes, so a test can search them. */
export function capturingLogger(): { logger: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { logger: createLogger({ level: 'debug', destination }), lines };
}

export interface TestClock {
  now: () => number;
  advance(ms: number): void;
}

export function testClock(start = Date.now()): TestClock {
  let current = start;
  return { now: () => current, advance: (ms) => (current += ms) };
}

export interface TestContext extends AppContext {
  clock: TestClock;
  lines: string[];
}

export function testContext(
  db: Db,
  options: { app?: BridgeApp; cipher?: TokenCipher; clock?: TestClock; timing?: Partial<RefreshTiming> } = {},
): TestContext {
  const clock = options.clock ?? testClock();
  const { logger, lines } = capturingLogger();
  const base = {
    db,
    cipher: options.cipher ?? createTokenCipher(crypto.randomBytes(32)),
    app: options.app ?? testBridgeApp(),
    logger,
    now: clock.now,
  };
  return composeAppContext({ ...base, clock, lines }, options.timing ? { timing: options.timing } : {});
}
