/**
 * What the preview server, the page (the host) and the extension's worker say to each other. Types only:
 * this file is compiled both for Node (the server) and for the browser (test/preview/browser), so it uses
 * neither Node's nor the DOM's types.
 *
 *   server ──boot JSON in the page──▶ host (page) ──render(channel, api) over postMessage──▶ worker
 *   worker ──hubspot.fetch──▶ server /preview/api/fetch ──▶ HubSpot emulator's signing proxy ──▶ bridge
 */
import type { CrmContext, SettingsContext } from '@hubspot/ui-extensions';
import type { RemoteChannel } from '@remote-ui/core';

/** The extension points the preview can show: the CRM record ones and the app's settings page. */
export type CrmLocation = CrmContext['location'];
export type PreviewLocation = CrmLocation | 'settings';

export const CRM_LOCATIONS: readonly CrmLocation[] = [
  'crm.record.tab',
  'crm.record.sidebar',
  'crm.preview',
  'helpdesk.sidebar',
];

/** The context an extension receives, exactly as HubSpot's types define it. */
export type PreviewContext = CrmContext | SettingsContext;

/** One card or settings page on a preview page, with everything its worker needs. */
export interface ExtensionBoot {
  uid: string;
  /** The card's name (its `config.name`), or "Settings". */
  title: string;
  location: PreviewLocation;
  /** Where its bundle (the preview's worker runtime followed by the extension's entry) is served. */
  workerUrl: string;
  /** The entry file, relative to the repository, for the frame's caption. */
  entrypoint: string;
  /** True when the project ships no extension of this kind yet and the preview's own fixture stands in. */
  fixture: boolean;
  context: PreviewContext;
  /** Set when the bundle did not build: the page shows these instead of running the extension. */
  buildErrors: string[];
}

export interface RecordSummary {
  objectTypeId: string;
  objectType: string;
  /** "Contact", "Company", "Deal". */
  singular: string;
  objectId: string;
  /** The record's display name ("Ada Lovelace", "Acme Inc"), or null when the emulator has no such record. */
  name: string | null;
  /** A few properties for the left column, in order. */
  highlights: Array<{ label: string; value: string }>;
}

export interface UserSummary {
  userId: number;
  email: string;
  name: string;
}

/** Everything a preview page needs, embedded in it as JSON. */
export interface PreviewBoot {
  page: 'card' | 'settings';
  appName: string;
  portalId: number;
  userId: number;
  /** The portal's users, to switch who the page is rendered for. */
  users: UserSummary[];
  record: RecordSummary | null;
  extensions: ExtensionBoot[];
  /** Why the page has nothing to show, when that is the case. */
  notice: string | null;
}

/** The body of `POST /preview/api/fetch`: one `hubspot.fetch` call, and who makes it. */
export interface FetchRelayRequest {
  url: string;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
  timeout?: number;
  portalId: number;
  userId: number;
}

/** `addAlert`'s argument (HubSpot's AddAlertAction). */
export interface AlertInput {
  type?: 'info' | 'warning' | 'success' | 'danger' | 'tip';
  message: string;
  title?: string;
}

/**
 * What the host hands the worker with `render`: the context, the actions (functions that run in the page),
 * and a way to report errors: `fatal` when rendering failed (the card is gone, as in HubSpot), otherwise an
 * uncaught error or rejection the card survives. Functions cross the worker boundary as proxies, so they
 * return promises.
 */
export interface HostApi {
  context: PreviewContext;
  actions: Record<string, (...args: never[]) => unknown>;
  reportError(message: string, stack: string | null, fatal: boolean): void;
}

/** What the worker exposes to the host. */
export interface WorkerApi {
  /** Renders the extension into a remote root whose updates go to `channel` (the host's receiver). */
  render(channel: RemoteChannel, api: HostApi): Promise<void>;
}
