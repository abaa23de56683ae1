/**
 * The one way the extensions talk to the bridge: `hubspot.fetch` to the bridge's `/api/…` endpoints, which
 * HubSpot signs and to which it adds the portal and the user. Every call answers an `ApiResult`: never a
 * throw, so a slow, down or refusing server becomes a message on the card, not a frozen or broken card.
 */
import { hubspot } from '@hubspot/ui-extensions';
import { BRIDGE_ORIGIN } from './origin';
import type { ApiError, ApiResult } from './result';
import type {
  ConflictChoice,
  HeldDeletes,
  HubSpotRole,
  InstallationStatus,
  LiveMetadata,
  MatchChoice,
  Me,
  PauseState,
  RecentChanges,
  RecentChangesFilter,
  ReconcileReport,
  RecordHistory,
  RecordRef,
  RecordStatus,
  SavedSettings,
  SettingsDocument,
  SettingsDryRun,
  SettingsValidation,
  StoredSettings,
  SyncHealth,
} from './types';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

/** `hubspot.fetch`'s contract: JSON bodies only, a timeout in milliseconds. */
export type HubSpotFetch = (
  url: string,
  options: { method: Method; timeout?: number; body?: Record<string, unknown> },
) => Promise<Response>;

/** HubSpot's proxy gives up after 15 s unless asked for longer; a dry run of settings may take longer. */
export const DEFAULT_TIMEOUT_MS = 15_000;
export const LONG_TIMEOUT_MS = 60_000;

const statusWords: Record<number, string> = {
  400: 'The sync service did not understand the request.',
  401: 'HubSpot could not vouch for this request. Reload the page and try again.',
  403: 'You do not have permission to do this.',
  404: 'The sync service does not know this record or portal.',
  409: 'Someone else changed this in the meantime. Reload and try again.',
  422: 'The sync service refused the change.',
  429: 'The sync service is busy. Try again in a moment.',
};

function errorOf(status: number | null, code: string, message: string, details = {}): ApiError {
  return { status, code, message, details };
}

function describeStatus(status: number): string {
  return (
    statusWords[status] ??
    (status >= 500
      ? `The sync service had a problem (HTTP ${status}). Try again in a moment; if it keeps happening, tell your HubSpot admin.`
      : `The sync service answered HTTP ${status}.`)
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads an error answer: the bridge's envelope, HubSpot's proxy envelope, or just the status. */
function errorFromBody(status: number, body: unknown): ApiError {
  if (isRecord(body) && isRecord(body.error) && typeof body.error.message === 'string') {
    const { code, message, details } = body.error;
    return errorOf(
      status,
      typeof code === 'string' ? code : 'error',
      message,
      isRecord(details) ? details : {},
    );
  }
  if (isRecord(body) && body.status === 'error') {
    // HubSpot's proxy: the bridge answered badly, timed out or could not be reached.
    const category = typeof body.category === 'string' ? body.category.toLowerCase() : 'proxy_error';
    const unreachable = category === 'gateway_timeout' || category === 'bad_gateway';
    return errorOf(
      status,
      category,
      unreachable
        ? 'The sync service did not answer in time. Try again in a moment.'
        : typeof body.message === 'string'
          ? body.message
          : describeStatus(status),
    );
  }
  return errorOf(status, `http_${status}`, describeStatus(status));
}

async function readJson(response: Response): Promise<{ ok: true; body: unknown } | { ok: false }> {
  const text = await response.text();
  if (text.trim() === '') return { ok: true, body: null };
  try {
    return { ok: true, body: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

export interface BridgeClientOptions {
  /** Defaults to HubSpot's own `hubspot.fetch`. */
  fetch?: HubSpotFetch;
  /** Defaults to the stamped public origin. */
  origin?: string;
}

export type BridgeClient = ReturnType<typeof createBridgeClient>;

const segment = encodeURIComponent;

function recordPath(record: RecordRef): string {
  return `/api/sync/records/${segment(record.side)}/${segment(record.objectType)}/${segment(record.recordId)}`;
}

export function createBridgeClient(options: BridgeClientOptions = {}) {
  const send: HubSpotFetch = options.fetch ?? ((url, init) => hubspot.fetch(url, init));
  const origin = options.origin ?? BRIDGE_ORIGIN;

  async function request<T>(
    method: Method,
    path: string,
    body?: Record<string, unknown>,
    timeout = DEFAULT_TIMEOUT_MS,
  ): Promise<ApiResult<T>> {
    let response: Response;
    try {
      response = await send(`${origin}${path}`, {
        method,
        timeout,
        ...(body !== undefined ? { body } : method === 'GET' ? {} : { body: {} }),
      });
    } catch (caught) {
      const reason = caught instanceof Error && caught.message ? ` (${caught.message})` : '';
      return {
        ok: false,
        error: errorOf(
          null,
          'unreachable',
          `The sync service could not be reached${reason}. Try again in a moment.`,
        ),
      };
    }
    let parsed: Awaited<ReturnType<typeof readJson>>;
    try {
      parsed = await readJson(response);
    } catch {
      parsed = { ok: false };
    }
    if (!response.ok) {
      return { ok: false, error: errorFromBody(response.status, parsed.ok ? parsed.body : null) };
    }
    if (!parsed.ok) {
      return {
        ok: false,
        error: errorOf(
          response.status,
          'bad_response',
          'The sync service gave an answer this page cannot read.',
        ),
      };
    }
    if (isRecord(parsed.body) && (parsed.body.status === 'error' || isRecord(parsed.body.error))) {
      return { ok: false, error: errorFromBody(response.status, parsed.body) };
    }
    return { ok: true, data: parsed.body as T };
  }

  return {
    me: () => request<Me>('GET', '/api/me'),
    recordStatus: (record: RecordRef, options: { dryRun?: boolean } = {}) =>
      request<RecordStatus>('GET', `${recordPath(record)}${options.dryRun ? '?dryRun=true' : ''}`),
    recordHistory: (record: RecordRef, options: { limit?: number; before?: number | string | null } = {}) => {
      const query = new URLSearchParams();
      if (options.limit) query.set('limit', String(options.limit));
      if (options.before !== undefined && options.before !== null)
        query.set('before', String(options.before));
      const suffix = query.toString() ? `?${query.toString()}` : '';
      return request<RecordHistory>('GET', `${recordPath(record)}/history${suffix}`);
    },
    syncNow: (record: RecordRef) => request<unknown>('POST', `${recordPath(record)}/sync-now`, {}),
    relink: (record: RecordRef) =>
      request<{ link: { id: string; state: string } }>('POST', `${recordPath(record)}/relink`, {}),
    heldDeletes: () => request<HeldDeletes>('GET', '/api/sync/deletes/held'),
    releaseHeldDeletes: (ids?: readonly string[]) =>
      request<{ decided: number }>('POST', '/api/sync/deletes/held/release', ids ? { ids: [...ids] } : {}),
    discardHeldDeletes: (ids?: readonly string[]) =>
      request<{ decided: number }>('POST', '/api/sync/deletes/held/discard', ids ? { ids: [...ids] } : {}),
    retryFailure: (failureId: string) =>
      request<{ retried: number }>('POST', '/api/sync/failures/retry', { failureId }),
    retryAllFailures: () => request<{ retried: number }>('POST', '/api/sync/failures/retry', {}),
    resolveConflict: (conflictId: string, choice: ConflictChoice) =>
      request<unknown>('POST', `/api/sync/conflicts/${segment(conflictId)}/resolve`, { ...choice }),
    resolvePendingMatch: (matchId: string, choice: MatchChoice) =>
      request<unknown>('POST', `/api/sync/pending-matches/${segment(matchId)}/resolve`, { choice }),
    conflicts: (options: { limit?: number } = {}) =>
      request<{ conflicts: RecordStatus['conflicts'] }>(
        'GET',
        `/api/sync/conflicts${options.limit ? `?limit=${options.limit}` : ''}`,
      ),
    pendingMatches: () =>
      request<{ pendingMatches: ReadonlyArray<NonNullable<RecordStatus['pendingMatch']>> }>(
        'GET',
        '/api/sync/pending-matches',
      ),
    health: () => request<SyncHealth>('GET', '/api/sync/health'),
    reconcile: () =>
      request<{ report: ReconcileReport; alreadyPending: boolean }>('POST', '/api/sync/reconcile', {}),
    reconcileReports: () =>
      request<{ reports: readonly ReconcileReport[] }>('GET', '/api/sync/reconcile/reports'),
    recentChanges: (filter: RecentChangesFilter = {}) => {
      const query = new URLSearchParams();
      if (filter.objectType) query.set('objectType', filter.objectType);
      if (filter.fieldKey) query.set('fieldKey', filter.fieldKey);
      if (filter.actor) query.set('actor', filter.actor);
      if (filter.limit) query.set('limit', String(filter.limit));
      if (filter.before !== undefined && filter.before !== null) query.set('before', String(filter.before));
      const suffix = query.toString() ? `?${query.toString()}` : '';
      return request<RecentChanges>('GET', `/api/sync/audit${suffix}`);
    },
    setPaused: (paused: boolean) => request<PauseState>('PUT', '/api/sync/pause', { paused }),
    installation: () => request<{ installation: InstallationStatus }>('GET', '/api/settings/installation'),
    connectUrl: (environment: 'production' | 'sandbox') =>
      request<{ url: string; expiresAt?: number }>('POST', '/api/settings/salesforce/connect-url', {
        environment,
      }),
    confirmConnection: (orgId: string) =>
      request<{ installation: InstallationStatus }>('POST', '/api/settings/salesforce/confirm', { orgId }),
    disconnect: () => request<unknown>('POST', '/api/settings/salesforce/disconnect', {}),
    settings: () => request<StoredSettings>('GET', '/api/settings'),
    saveSettings: (document: SettingsDocument, baseVersion: number) =>
      request<SavedSettings>('PUT', '/api/settings', {
        document: document as unknown as Record<string, unknown>,
        baseVersion,
      }),
    validateSettings: (document: SettingsDocument) =>
      request<SettingsValidation>('POST', '/api/settings/validate', {
        document: document as unknown as Record<string, unknown>,
      }),
    dryRunSettings: (document: SettingsDocument, sampleSize?: number) =>
      request<SettingsDryRun>(
        'POST',
        '/api/settings/dry-run',
        { document: document as unknown as Record<string, unknown>, ...(sampleSize ? { sampleSize } : {}) },
        LONG_TIMEOUT_MS,
      ),
    metadata: () => request<LiveMetadata>('GET', '/api/settings/metadata', undefined, LONG_TIMEOUT_MS),
    roles: () => request<{ roles: readonly HubSpotRole[] }>('GET', '/api/settings/roles'),
  };
}
