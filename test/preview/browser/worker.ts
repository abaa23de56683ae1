/**
 * The extension's side of the preview, run in a Web Worker as HubSpot runs extensions: no `window`, no DOM,
 * only the worker globals `@hubspot/ui-extensions` reads. This module must be evaluated before the
 * extension's entry (the bundler imports it first): the package captures `self.extend_V2` and
 * `self.logger` when it loads.
 *
 *   extension entry ── hubspot.extend(cb) ──▶ self.extend_V2 stores cb
 *   host ── render(channel, api) ──▶ cb({context, actions, runServerlessFunction}) rendered with
 *           @remote-ui/react into a remote root that sends the tree to `channel` (the page's receiver)
 */
import { createRemoteRoot, createRoot } from '@remote-ui/react';
import { createEndpoint, retain, type MessageEndpoint } from '@remote-ui/rpc';
import { Component, createElement, type ReactElement, type ReactNode } from 'react';
import type { FetchRelayRequest, HostApi, PreviewContext, WorkerApi } from '../protocol';

type RenderCallback = (api: {
  context: PreviewContext;
  actions: HostApi['actions'];
  runServerlessFunction: typeof runServerlessFunction;
}) => ReactElement;

interface HubSpotFetchOptions {
  method?: FetchRelayRequest['method'];
  timeout?: number;
  body?: Record<string, unknown>;
  headers?: Headers | Record<string, string>;
}

/** The globals HubSpot's worker defines (WorkerGlobalsInternal in the package, plus hsFetch). */
interface ExtensionWorkerScope {
  __HUBSPOT_EXTENSION_WORKER__: boolean;
  extend_V2(callback: RenderCallback): void;
  hsFetch(url: string | URL, options?: HubSpotFetchOptions): Promise<Response>;
  serverless(name: string, options?: unknown): Promise<unknown>;
  logger: Record<'debug' | 'info' | 'warn' | 'error', (data: string | number) => void>;
  hsWorkerAPI: Record<string, (...args: never[]) => unknown>;
}

const scope = self as unknown as ExtensionWorkerScope & {
  addEventListener(type: 'error', listener: (event: ErrorEvent) => void): void;
  addEventListener(type: 'unhandledrejection', listener: (event: PromiseRejectionEvent) => void): void;
};

let renderCallback: RenderCallback | null = null;
let extendCalls = 0;
let resolveApi: (api: HostApi) => void = () => undefined;
const apiReady = new Promise<HostApi>((resolve) => (resolveApi = resolve));
let currentApi: HostApi | null = null;

function requireApi(hook: string): HostApi {
  if (!currentApi) throw new Error(`${hook} was called before the extension was rendered`);
  return currentApi;
}

/**
 * hubspot.fetch: the preview server relays the call to the HubSpot emulator's signing proxy, which calls the
 * backend signed as HubSpot would; its status, content type and body come back as this Response.
 */
async function hsFetch(url: string | URL, options: HubSpotFetchOptions = {}): Promise<Response> {
  const api = await apiReady;
  const headers =
    options.headers instanceof Headers ? Object.fromEntries(options.headers.entries()) : options.headers;
  const request: FetchRelayRequest = {
    url: String(url),
    method: options.method ?? 'GET',
    portalId: api.context.portal.id,
    userId: api.context.user.id,
    ...(options.body !== undefined ? { body: options.body } : {}),
    ...(headers !== undefined ? { headers } : {}),
    ...(options.timeout !== undefined ? { timeout: options.timeout } : {}),
  };
  return fetch('/preview/api/fetch', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(request),
  });
}

/** The answer the package's data hooks expect when the host cannot serve them: they surface `error`. */
function unavailable(what: string): () => Promise<Response> {
  return async () =>
    new Response(JSON.stringify({ error: `${what} is not available in the local preview` }), {
      headers: { 'content-type': 'application/json' },
    });
}

async function fetchCrmProperties(propertyNames: string[] | '*'): Promise<Response> {
  const api = await apiReady;
  const { context } = api;
  if (context.location === 'settings') return unavailable('useCrmProperties on the settings page')();
  const query = new URLSearchParams({
    portalId: String(context.portal.id),
    objectTypeId: context.crm.objectTypeId,
    objectId: String(context.crm.objectId),
    properties: propertyNames === '*' ? '*' : propertyNames.join(','),
  });
  return fetch(`/preview/api/crm-properties?${query.toString()}`);
}

async function runServerlessFunction(params: { name: string }) {
  return {
    status: 'ERROR' as const,
    message: `Serverless function "${params.name}" cannot run in the local preview; use hubspot.fetch.`,
  };
}

function log(level: 'debug' | 'info' | 'warn' | 'error') {
  return (data: string | number) => console[level === 'debug' ? 'log' : level](`[extension] ${data}`);
}

scope.__HUBSPOT_EXTENSION_WORKER__ = true;
scope.extend_V2 = (callback) => {
  extendCalls += 1;
  renderCallback = callback;
};
scope.hsFetch = hsFetch;
scope.serverless = async (name) => runServerlessFunction({ name });
scope.logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
scope.hsWorkerAPI = {
  useExtensionContext: () => requireApi('useExtensionContext').context,
  useExtensionActions: () => requireApi('useExtensionActions').actions,
  useExtensionApi: () => {
    const api = requireApi('useExtensionApi');
    return { context: api.context, actions: api.actions, runServerlessFunction };
  },
  useAppPageLocation: () => ({ pathname: '/', params: {} }),
  fetchCrmProperties,
  fetchCrmSearch: unavailable('useCrmSearch'),
  fetchAssociations: unavailable('useAssociations'),
  fetchHubSpotApi: unavailable('The HubSpot API client'),
  formatCrmProperties: unavailable('formatCrmProperties'),
};

/** Catches render errors so the host can show them, as HubSpot shows a card that crashed. */
class ErrorBoundary extends Component<
  { onError: (error: Error) => void; children?: ReactNode },
  { failed: boolean }
> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override componentDidCatch(error: Error) {
    this.props.onError(error);
  }
  override render() {
    return this.state.failed ? null : this.props.children;
  }
}

const workerApi: WorkerApi = {
  async render(channel, api) {
    // Both arrive as proxies that would be released when this call returns; the tree and the actions
    // are used for as long as the page is open.
    retain(channel);
    retain(api);
    currentApi = api;
    resolveApi(api);
    const report = (error: unknown, fatal: boolean) => {
      const failure = error instanceof Error ? error : new Error(String(error));
      void api.reportError(failure.message, failure.stack ?? null, fatal);
    };
    // Errors outside rendering (a timer, a rejected promise) are shown but leave the card running; handled
    // here, they do not reach the page's Worker error event, which means the worker itself failed.
    scope.addEventListener('error', (event) => {
      event.preventDefault();
      report(event.error ?? event.message, false);
    });
    scope.addEventListener('unhandledrejection', (event) => {
      event.preventDefault();
      report(event.reason, false);
    });
    if (!renderCallback) {
      throw new Error('The entry file never called hubspot.extend(): there is nothing to render.');
    }
    if (extendCalls > 1) {
      scope.logger.warn(`hubspot.extend() was called ${extendCalls} times; the last call is rendered`);
    }
    const root = createRemoteRoot(channel);
    const element = renderCallback({ context: api.context, actions: api.actions, runServerlessFunction });
    // A legacy (synchronous) React root: the whole first tree exists before mount() sends it.
    createRoot(root).render(
      createElement(ErrorBoundary, { onError: (error: Error) => report(error, true) }, element),
    );
    await root.mount();
  },
};

createEndpoint(self as unknown as MessageEndpoint).expose({ ...workerApi });
