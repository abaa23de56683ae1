/**
 * The bridge's `/api/…` endpoints as an extension reaches them: through the HubSpot emulator's signing
 * proxy, for one portal and (by default) its admin. Answers come back as status and parsed JSON.
 */
import type { HubSpotEmulator } from '../emulators/hubspot';

export type Json = Record<string, unknown>;

export type SignedApi = (
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: Json,
  user?: string | number,
) => Promise<{ status: number; body: Json }>;

export function signedApi(hubspot: HubSpotEmulator, bridgeBaseUrl: string, portalId: number): SignedApi {
  return async (method, path, body, user) => {
    const response = await hubspot.control.hubspotFetch({
      url: `${bridgeBaseUrl}${path}`,
      method,
      portalId,
      ...(user !== undefined ? { user } : {}),
      ...(body ? { body } : {}),
    });
    return { status: response.status, body: (await response.json()) as Json };
  };
}
