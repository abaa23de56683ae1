/**
 * The HubSpot API emulator: an HTTP server with in-memory portals that the unmodified @hubspot/api-client
 * works against (give it `basePath: emulator.baseUrl`). See README.md in this folder for every route and knob.
 */
import type { AddressInfo } from 'node:net';
import { buildRouter } from './app';
import { systemClock, type Clock } from './clock';
import { HubSpotEmulatorControl } from './control/client';
import { createHttpServer } from './http/server';
import { applySettingsPatch, DEFAULT_SETTINGS, type SettingsPatch } from './settings';
import { bridgeAppFrom, OTHER_INTEGRATION, type AppDefinition } from './state/apps';
import { EmulatorState } from './state/emulator-state';

export interface HubSpotEmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  apps?: {
    /** Overrides HUBSPOT_CLIENT_ID / HUBSPOT_CLIENT_SECRET / HUBSPOT_APP_ID. */
    bridge?: Partial<AppDefinition>;
    /** More apps the authorize page and token endpoint accept. */
    extra?: AppDefinition[];
  };
  /** Base clock; the control API can shift it further. Default: the system clock. */
  clock?: Clock;
  /** The portal `/oauth/authorize` approves for when no portal_id is given (default 62515). */
  defaultPortalId?: number;
  /** Initial knobs; `POST /_emulator/reset` returns to these. */
  settings?: SettingsPatch;
  /** Where the bridge app's credentials are read from (default process.env). */
  env?: Record<string, string | undefined>;
}

export interface HubSpotEmulator {
  /** `http://127.0.0.1:PORT`, no trailing slash: the SDK's basePath and the OAuth authorize host. */
  baseUrl: string;
  port: number;
  bridgeApp: AppDefinition;
  otherIntegration: AppDefinition;
  defaultPortalId: number;
  /** Typed client for the /_emulator/ control API (works the same from another process). */
  control: HubSpotEmulatorControl;
  close(): Promise<void>;
}

export async function startHubSpotEmulator(options: HubSpotEmulatorOptions = {}): Promise<HubSpotEmulator> {
  const bridgeApp = bridgeAppFrom(options.env ?? process.env, options.apps?.bridge);
  if (bridgeApp.appId === OTHER_INTEGRATION.appId || bridgeApp.clientId === OTHER_INTEGRATION.clientId) {
    throw new Error('the bridge app must differ from the built-in other-integration app');
  }
  const defaultPortalId = options.defaultPortalId ?? 62515;
  const state = new EmulatorState({
    apps: [bridgeApp, ...(options.apps?.extra ?? [])],
    clock: options.clock ?? systemClock,
    settings: applySettingsPatch(DEFAULT_SETTINGS, options.settings ?? {}),
    defaultPortalId,
  });
  const { server, close } = createHttpServer(state, buildRouter(state, bridgeApp.appId));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  return {
    baseUrl,
    port,
    bridgeApp,
    otherIntegration: OTHER_INTEGRATION,
    defaultPortalId,
    control: new HubSpotEmulatorControl(baseUrl),
    close: async () => {
      state.webhooks.reset();
      await close();
    },
  };
}

export { HubSpotEmulatorControl } from './control/client';
export { OTHER_INTEGRATION } from './state/apps';
export type { AppDefinition } from './state/apps';
export type { EmulatorSettings, SettingsPatch } from './settings';
export { signatureV1, signatureV2, signatureV3, canonicalUri } from './webhooks/signature';
