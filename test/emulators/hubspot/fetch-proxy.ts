/**
 * The hubspot.fetch proxy: what HubSpot does between a card and its backend. The request is signed with the
 * app's client secret exactly as HubSpot signs it (v2 and v3 with X-HubSpot-Request-Timestamp) after
 * userId, portalId, userEmail and appId are appended to the URL; only an Authorization header passes through;
 * redirects are not followed; a connection failure or 5xx is retried once.
 */
import { parseInput } from './crm/route-helpers';
import { errors, HubSpotApiError } from './http/errors';
import type { Router } from './http/router';
import type { EmulatorState } from './state/emulator-state';
import { FetchProxySchema } from './control/schemas';
import { signatureV2, signatureV3 } from './webhooks/signature';

interface Attempt {
  response: Response | null;
  error: string | null;
}

export function registerFetchProxyRoute(router: Router, state: EmulatorState, bridgeAppId: number): void {
  router.add({
    method: 'POST',
    pattern: '/_emulator/fetch-proxy',
    kind: 'control',
    body: 'json',
    handler: async (ctx) => {
      const input = parseInput(FetchProxySchema, ctx.body);
      const app = state.apps.get(input.appId ?? bridgeAppId);
      if (!app) throw errors.notFound(`No app ${input.appId}`);
      const portal = state.ensurePortal(input.portalId ?? state.defaultPortalId);
      const user = input.user === undefined ? portal.admin : portal.findUser(input.user);
      if (!user) throw errors.notFound(`Portal ${portal.id} has no user ${input.user}`);

      const headerNames = Object.keys(input.headers ?? {});
      if (headerNames.length > 1) throw errors.validation("Only 'Authorization' header is allowed");
      if (headerNames.length === 1 && headerNames[0]?.toLowerCase() !== 'authorization') {
        throw errors.validation(
          "Invalid Request Headers provided. Only 'Authorization' header is allowed from hubspot.fetch()",
        );
      }

      const url = new URL(input.url);
      if (state.settings.fetchProxy.appendIdentity) {
        url.searchParams.append('userId', String(user.userId));
        url.searchParams.append('portalId', String(portal.id));
        url.searchParams.append('userEmail', user.email);
        url.searchParams.append('appId', String(app.appId));
      }
      const target = url.toString();
      const body = input.method !== 'GET' && input.body !== undefined ? JSON.stringify(input.body) : '';
      const timeoutMs = input.timeout ?? state.settings.fetchProxy.timeoutMs;
      const deadline = Date.now() + timeoutMs;

      const send = async (): Promise<Attempt> => {
        const timestamp = String(state.nowMs());
        const headers: Record<string, string> = {
          'X-HubSpot-Signature': signatureV2(app.clientSecret, input.method, target, body),
          'X-HubSpot-Signature-Version': 'v2',
          'X-HubSpot-Signature-v3': signatureV3(app.clientSecret, input.method, target, body, timestamp),
          'X-HubSpot-Request-Timestamp': timestamp,
        };
        if (body !== '') headers['Content-Type'] = 'application/json';
        const authorization = Object.entries(input.headers ?? {})[0];
        if (authorization) headers.Authorization = authorization[1];
        try {
          const response = await fetch(target, {
            method: input.method,
            headers,
            redirect: 'manual',
            signal: AbortSignal.timeout(Math.max(1, deadline - Date.now())),
            ...(body !== '' ? { body } : {}),
          });
          return { response, error: null };
        } catch (caught) {
          return { response: null, error: caught instanceof Error ? caught.message : String(caught) };
        }
      };

      let attempt = await send();
      let attempts = 1;
      const failed = (result: Attempt) => result.response === null || result.response.status >= 500;
      if (failed(attempt) && Date.now() < deadline) {
        await attempt.response?.arrayBuffer().catch(() => undefined);
        attempt = await send();
        attempts = 2;
      }
      const proxyHeaders = { 'X-HubSpot-Proxy-Attempts': String(attempts) };
      if (!attempt.response) {
        const timedOut = Date.now() >= deadline;
        throw new HubSpotApiError(
          timedOut ? 504 : 502,
          timedOut ? 'GATEWAY_TIMEOUT' : 'BAD_GATEWAY',
          `${timedOut ? 'Timed out' : 'Failed'} calling ${target}: ${attempt.error}`,
          {},
          proxyHeaders,
        );
      }
      const response = attempt.response;
      if (response.status >= 300 && response.status < 400) {
        await response.arrayBuffer().catch(() => undefined);
        throw new HubSpotApiError(
          502,
          'BAD_GATEWAY',
          'Error returned from Request Uri',
          {
            errors: [{ message: `Unacceptable HTTP status ${response.status} calling ${target}` }],
          },
          proxyHeaders,
        );
      }
      const text = await response.text();
      const contentType = response.headers.get('content-type');
      return {
        status: response.status,
        headers: { ...proxyHeaders, ...(contentType ? { 'Content-Type': contentType } : {}) },
        raw: text,
      };
    },
  });
}
