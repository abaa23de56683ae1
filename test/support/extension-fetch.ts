/**
 * `hubspot.fetch` for extension tests, as HubSpot does it: each request goes through the HubSpot emulator's
 * signing proxy (which appends the portal and user and signs with the app's secret) to the real bridge. The
 * extensions call the stamped public origin; like HubSpot's local.json proxy, that origin is mapped to
 * wherever the bridge listens.
 */
import { hubspot } from '@hubspot/ui-extensions';
import { BRIDGE_ORIGIN } from '../../hubspot-app/src/app/packages/bridge-client/src/origin';
import type { HubSpotEmulator } from '../emulators/hubspot';

export interface ExtensionFetchTarget {
  hubspot: HubSpotEmulator;
  /** Where the bridge listens (a closed port stands for a bridge that is down). */
  bridgeBaseUrl: string;
  portalId: number;
  /** The portal user the request is signed for (id or email); the portal's admin by default. */
  user?: string | number;
}

export interface ExtensionFetch {
  /** Every request the extension made, in order. */
  readonly requests: Array<{ method: string; url: string; body?: unknown }>;
  /** Changes where the next requests go, or as whom. */
  retarget(change: Partial<ExtensionFetchTarget>): void;
  restore(): void;
}

export function routeHubSpotFetch(initial: ExtensionFetchTarget): ExtensionFetch {
  let target = initial;
  const requests: ExtensionFetch['requests'] = [];
  const spy = jest.spyOn(hubspot, 'fetch').mockImplementation(async (input, options = {}) => {
    const url = String(input);
    requests.push({ method: options.method ?? 'GET', url, ...(options.body ? { body: options.body } : {}) });
    const local = url.startsWith(BRIDGE_ORIGIN)
      ? `${target.bridgeBaseUrl}${url.slice(BRIDGE_ORIGIN.length)}`
      : url;
    return target.hubspot.control.hubspotFetch({
      url: local,
      method: options.method ?? 'GET',
      portalId: target.portalId,
      ...(options.body ? { body: options.body as Record<string, unknown> } : {}),
      ...(options.timeout ? { timeout: options.timeout } : {}),
      ...(target.user !== undefined ? { user: target.user } : {}),
    });
  });
  return {
    requests,
    retarget: (change) => {
      target = { ...target, ...change };
    },
    restore: () => spy.mockRestore(),
  };
}
