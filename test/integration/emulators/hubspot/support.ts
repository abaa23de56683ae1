/** Shared setup for the HubSpot emulator's tests: one emulator per file, SDK clients per token. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@hubspot/api-client';
import {
  startHubSpotEmulator,
  type HubSpotEmulator,
  type HubSpotEmulatorOptions,
} from '../../../emulators/hubspot';

export const BRIDGE = {
  appId: 54321,
  clientId: 'bridge-test-client',
  clientSecret: 'bridge-test-secret',
  name: 'Bridge',
};

export function startEmulator(options: HubSpotEmulatorOptions = {}): Promise<HubSpotEmulator> {
  return startHubSpotEmulator({ apps: { bridge: BRIDGE }, env: {}, ...options });
}

/**
 * An SDK client against the emulator. The SDK keeps its retry decorator in a process-wide singleton that every
 * `new Client()` replaces, so every client in these tests uses the same setting: no automatic retries, so that
 * each test sees exactly the answers the emulator gives.
 */
export function sdk(emulator: HubSpotEmulator, accessToken?: string): Client {
  return new Client({
    basePath: emulator.baseUrl,
    numberOfApiCallRetries: 0,
    ...(accessToken ? { accessToken } : {}),
  });
}

export interface ErrorBody {
  status: string;
  message: string;
  correlationId: string;
  category: string;
  context?: Record<string, unknown>;
  errors?: Array<{ message: string; in?: string; context?: Record<string, string[]> }>;
  [extra: string]: unknown;
}

/** The ApiException fields a test asserts on, from whatever the SDK threw. */
export async function apiError(
  promise: Promise<unknown>,
): Promise<{ code: number; body: ErrorBody; headers: Record<string, string> }> {
  try {
    await promise;
  } catch (caught) {
    const error = caught as { code?: unknown; body?: unknown; headers?: Record<string, string> };
    if (typeof error.code !== 'number') throw caught;
    return { code: error.code, body: error.body as ErrorBody, headers: error.headers ?? {} };
  }
  throw new Error('expected the call to fail');
}

/** Follows the authorize redirect like a browser that approves, returning code and state. */
export async function authorize(
  emulator: HubSpotEmulator,
  query: Record<string, string>,
): Promise<{
  status: number;
  location: string | null;
  code: string | null;
  state: string | null;
  text: string;
}> {
  const url = new URL('/oauth/authorize', emulator.baseUrl);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  const response = await fetch(url, { redirect: 'manual' });
  const location = response.headers.get('location');
  const target = location ? new URL(location) : null;
  return {
    status: response.status,
    location,
    code: target?.searchParams.get('code') ?? null,
    state: target?.searchParams.get('state') ?? null,
    text: await response.text(),
  };
}

export interface ReceivedRequest {
  method: string;
  /** The full URL the request was sent to, as the sender signed it. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

type Answer = { status: number; body?: unknown } | 'hang';

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  /** The most requests that were being answered at the same time. */
  maxInFlight(): number;
  close(): Promise<void>;
}

/**
 * A real HTTP listener standing in for the bridge's webhook endpoint or card backend. `answer` decides each
 * response (status and body); 'hang' never answers.
 */
export async function startReceiver(
  answer: (request: ReceivedRequest, index: number) => Answer | Promise<Answer> = () => ({ status: 204 }),
  path = '/webhooks/hubspot',
): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const server = http.createServer((req, res) => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => {
      inFlight -= 1;
    });
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      const request: ReceivedRequest = {
        method: req.method ?? '',
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${req.url ?? ''}`,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      const decision = await answer(request, requests.length - 1);
      if (decision === 'hang') return;
      const text = decision.body === undefined ? '' : JSON.stringify(decision.body);
      res.writeHead(decision.status, text ? { 'Content-Type': 'application/json' } : {});
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${path}`,
    requests,
    maxInFlight: () => maxInFlight,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
