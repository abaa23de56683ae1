/**
 * A typed client for the /_emulator/ control API. It speaks plain HTTP, so a test, the sandbox or a benchmark
 * in another process drives the emulator exactly the same way.
 */
import type { z } from 'zod';
import type { CallCounts } from '../http/calls';
import type { Fault, FaultInput } from '../http/faults';
import type { EmulatorSettings, SettingsPatch } from '../settings';
import type { WebhookSettings } from '../state/apps';
import type { DeliveryRecord, DispatcherStatus } from '../webhooks/dispatcher';
import type { DealPipelineInput, FetchProxySchema, SeedSchema, WebhookSettingsInputSchema } from './schemas';

/** A deal pipeline as `GET /crm/v3/pipelines/deals` answers it. */
export interface WirePipeline {
  id: string;
  label: string;
  displayOrder: number;
  archived: boolean;
  stages: Array<{
    id: string;
    label: string;
    displayOrder: number;
    metadata: { isClosed: string; probability: string };
  }>;
}

export class ControlApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    what: string,
  ) {
    super(`${what} answered ${status}: ${typeof body === 'string' ? body : JSON.stringify(body)}`);
    this.name = 'ControlApiError';
  }
}

export interface AppView {
  appId: number;
  clientId: string;
  name: string;
  rotateRefreshTokens: boolean;
  installedPortalIds: number[];
  webhooks: WebhookSettings | null;
}

export interface PortalUser {
  ownerId: string;
  userId: number;
  email: string;
  firstName: string;
  lastName: string;
  archived: boolean;
  superAdmin: boolean;
  roleIds: string[];
}

/** A role (permission set) of a portal. */
export interface PortalRole {
  id: string;
  name: string;
  requiresBillingWrite: boolean;
}

export interface UserAccessPatch {
  superAdmin?: boolean;
  roleIds?: string[];
  firstName?: string;
  lastName?: string;
}

export interface PortalView {
  portalId: number;
  domain: string;
  installedAppIds: number[];
  users: PortalUser[];
  counts: Record<'contacts' | 'companies' | 'deals', { live: number; archived: number }>;
  rateLimits: EmulatorSettings['rateLimits'];
}

export interface IssuedToken {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  appId: number;
  portalId: number;
  userId: number;
  scopes: string[];
}

export interface RateLimitOverride {
  enabled?: boolean;
  intervalMs?: number;
  maxPerInterval?: number;
  searchPerSecond?: number;
}

/** A record as the emulator holds it: every property, full history, aliases and associations. */
export interface RawRecord {
  id: string;
  objectType: 'contacts' | 'companies' | 'deals';
  archived: boolean;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
  properties: Record<string, string>;
  propertiesWithHistory: Record<
    string,
    Array<{
      value: string;
      timestamp: string;
      sourceType: string;
      sourceId?: string;
      updatedByUserId?: number;
    }>
  >;
  mergedFromIds: string[];
  associations: Record<string, Array<{ id: string; typeIds: number[] }>>;
}

export interface UserAssociationInput {
  toObjectType: string;
  toObjectId: string;
  primary?: boolean;
}

export type WebhookSettingsInput = z.input<typeof WebhookSettingsInputSchema>;
export type SeedInput = z.input<typeof SeedSchema>;
export type FetchProxyInput = z.input<typeof FetchProxySchema>;

export interface SeedResult {
  ownerIds: string[];
  companyIds: string[];
  contactIds: string[];
  dealIds: string[];
}

/** Simulated actions by a person in HubSpot's UI: history `CRM_UI`, webhooks changeSource `CRM_UI`. */
export class UserActions {
  constructor(
    private readonly control: HubSpotEmulatorControl,
    private readonly portalId: number,
    private readonly user?: string | number,
  ) {}

  private path(suffix: string): string {
    return `/portals/${this.portalId}${suffix}`;
  }

  create(
    objectType: string,
    properties: Record<string, unknown>,
    associations: UserAssociationInput[] = [],
  ): Promise<RawRecord> {
    return this.control.request('POST', this.path(`/objects/${objectType}`), {
      user: this.user,
      properties,
      associations,
    });
  }

  update(objectType: string, objectId: string, properties: Record<string, unknown>): Promise<RawRecord> {
    return this.control.request('PATCH', this.path(`/objects/${objectType}/${objectId}`), {
      user: this.user,
      properties,
    });
  }

  archive(objectType: string, objectId: string): Promise<RawRecord> {
    return this.control.request('POST', this.path(`/objects/${objectType}/${objectId}/archive`), {
      user: this.user,
    });
  }

  restore(objectType: string, objectId: string): Promise<RawRecord> {
    return this.control.request('POST', this.path(`/objects/${objectType}/${objectId}/restore`), {
      user: this.user,
    });
  }

  merge(objectType: string, primaryObjectId: string, objectIdToMerge: string): Promise<RawRecord> {
    return this.control.request('POST', this.path(`/objects/${objectType}/merge`), {
      user: this.user,
      primaryObjectId,
      objectIdToMerge,
    });
  }

  associate(
    fromObjectType: string,
    fromObjectId: string,
    toObjectType: string,
    toObjectId: string,
    options: { primary?: boolean } = {},
  ): Promise<{ ok: true }> {
    return this.control.request('POST', this.path('/associations'), {
      user: this.user,
      fromObjectType,
      fromObjectId,
      toObjectType,
      toObjectId,
      primary: options.primary ?? false,
    });
  }

  dissociate(
    fromObjectType: string,
    fromObjectId: string,
    toObjectType: string,
    toObjectId: string,
  ): Promise<{ ok: true }> {
    return this.control.request('POST', this.path('/associations/remove'), {
      user: this.user,
      fromObjectType,
      fromObjectId,
      toObjectType,
      toObjectId,
    });
  }

  gdprDelete(target: { objectId: string } | { email: string }): Promise<{ ok: true }> {
    return this.control.request('POST', this.path('/gdpr-delete'), { user: this.user, ...target });
  }
}

export class HubSpotEmulatorControl {
  constructor(readonly baseUrl: string) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}/_emulator${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const parsed: unknown = text === '' ? undefined : safeJson(text);
    if (!response.ok)
      throw new ControlApiError(response.status, parsed ?? text, `${method} /_emulator${path}`);
    return parsed as T;
  }

  /** Back to the start state: one default portal, no tokens, no subscriptions, start settings, clock offset 0. */
  reset(): Promise<{ ok: true }> {
    return this.request('POST', '/reset');
  }

  settings(): Promise<EmulatorSettings> {
    return this.request('GET', '/settings');
  }

  updateSettings(patch: SettingsPatch): Promise<EmulatorSettings> {
    return this.request('PATCH', '/settings', patch);
  }

  clock(): Promise<{ nowMs: number; offsetMs: number }> {
    return this.request('GET', '/clock');
  }

  advanceClock(ms: number): Promise<{ nowMs: number; offsetMs: number }> {
    return this.request('POST', '/clock', { advanceMs: ms });
  }

  setClock(nowMs: number): Promise<{ nowMs: number; offsetMs: number }> {
    return this.request('POST', '/clock', { nowMs });
  }

  apps(): Promise<{ bridgeAppId: number; results: AppView[] }> {
    return this.request('GET', '/apps');
  }

  setRefreshTokenRotation(appId: number, rotate: boolean): Promise<AppView> {
    return this.request('PATCH', `/apps/${appId}`, { rotateRefreshTokens: rotate });
  }

  /** Every live access token of the app (in one portal, or all) expires now: the next API call gets 401. */
  expireAccessTokens(appId: number, portalId?: number): Promise<{ expired: number }> {
    return this.request('POST', `/apps/${appId}/expire-tokens`, portalId === undefined ? {} : { portalId });
  }

  /** The portal uninstalls the app: its refresh and access tokens die, webhooks stop. */
  uninstall(appId: number, portalId?: number): Promise<{ revokedRefreshTokens: number }> {
    return this.request('POST', `/apps/${appId}/uninstall`, portalId === undefined ? {} : { portalId });
  }

  portals(): Promise<{ defaultPortalId: number; results: PortalView[] }> {
    return this.request('GET', '/portals');
  }

  createPortal(portalId?: number): Promise<PortalView> {
    return this.request('POST', '/portals', portalId === undefined ? {} : { portalId });
  }

  portal(portalId: number): Promise<PortalView> {
    return this.request('GET', `/portals/${portalId}`);
  }

  setPortalRateLimits(
    portalId: number,
    override: RateLimitOverride,
  ): Promise<EmulatorSettings['rateLimits']> {
    return this.request('PUT', `/portals/${portalId}/rate-limits`, override);
  }

  addOwner(
    portalId: number,
    owner: { email: string; firstName?: string; lastName?: string },
  ): Promise<PortalUser> {
    return this.request('POST', `/portals/${portalId}/owners`, owner);
  }

  /** A new user of the portal (also an owner), optionally a super admin or holding roles of the portal. */
  addUser(
    portalId: number,
    user: {
      email: string;
      firstName?: string;
      lastName?: string;
      superAdmin?: boolean;
      roleIds?: string[];
    },
  ): Promise<PortalUser> {
    return this.request('POST', `/portals/${portalId}/users`, user);
  }

  /** Changes a user's super admin flag, roles or name; `user` is an email, user id or owner id. */
  updateUser(portalId: number, user: string | number, patch: UserAccessPatch): Promise<PortalUser> {
    return this.request('PATCH', `/portals/${portalId}/users/${encodeURIComponent(String(user))}`, patch);
  }

  roles(portalId: number): Promise<{ results: PortalRole[] }> {
    return this.request('GET', `/portals/${portalId}/roles`);
  }

  addRole(
    portalId: number,
    role: { id?: string; name: string; requiresBillingWrite?: boolean },
  ): Promise<PortalRole> {
    return this.request('POST', `/portals/${portalId}/roles`, role);
  }

  /** Replaces the portal's roles; users keep only the role ids that still exist. */
  setRoles(
    portalId: number,
    roles: Array<{ id?: string; name: string; requiresBillingWrite?: boolean }>,
  ): Promise<{ results: PortalRole[] }> {
    return this.request('PUT', `/portals/${portalId}/roles`, { roles });
  }

  /** Installs the app (default: the bridge) in the portal without the browser flow and returns its tokens. */
  issueToken(
    portalId: number,
    options: { appId?: number; clientId?: string; scopes?: string[]; user?: string | number } = {},
  ): Promise<IssuedToken> {
    return this.request('POST', `/portals/${portalId}/tokens`, options);
  }

  calls(): Promise<CallCounts> {
    return this.request('GET', '/calls');
  }

  resetCalls(): Promise<void> {
    return this.request('DELETE', '/calls');
  }

  addFault(fault: FaultInput): Promise<Fault> {
    return this.request('POST', '/faults', fault);
  }

  faults(): Promise<{ results: Fault[] }> {
    return this.request('GET', '/faults');
  }

  clearFaults(): Promise<void> {
    return this.request('DELETE', '/faults');
  }

  setWebhooks(appId: number, settings: WebhookSettingsInput): Promise<WebhookSettings> {
    return this.request('PUT', `/apps/${appId}/webhooks`, settings);
  }

  webhooks(appId: number): Promise<WebhookSettings | null> {
    return this.request('GET', `/apps/${appId}/webhooks`);
  }

  removeWebhooks(appId: number): Promise<void> {
    return this.request('DELETE', `/apps/${appId}/webhooks`);
  }

  deliveries(filter: { appId?: number } = {}): Promise<{ results: DeliveryRecord[] }> {
    return this.request(
      'GET',
      `/webhooks/deliveries${filter.appId === undefined ? '' : `?appId=${filter.appId}`}`,
    );
  }

  clearDeliveries(): Promise<void> {
    return this.request('DELETE', '/webhooks/deliveries');
  }

  /**
   * Loses the app's next `count` webhook deliveries for good, unsent, as HubSpot does once every retry of a
   * delivery failed; the delivery log lists them as dropped.
   */
  dropWebhookDeliveries(appId: number, count = 1): Promise<void> {
    return this.request('POST', `/apps/${appId}/webhooks/drop`, { count });
  }

  webhookStatus(): Promise<DispatcherStatus> {
    return this.request('GET', '/webhooks/status');
  }

  /** Resolves once nothing is queued, in flight or waiting for a retry (polls every 20 ms). */
  async waitForWebhooksIdle(timeoutMs = 10_000): Promise<DispatcherStatus> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const status = await this.webhookStatus();
      if (status.queued === 0 && status.inFlight === 0 && status.retriesScheduled === 0) return status;
      if (Date.now() > deadline)
        throw new Error(`webhooks still busy after ${timeoutMs} ms: ${JSON.stringify(status)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Actions by a person in the portal (default: its admin), as HubSpot's UI would make them. */
  /** Replaces a portal's lifecycle stages (contacts by default), in stage order. */
  setLifecycleStages(
    portalId: number,
    stages: Array<{ value: string; label?: string }>,
    objectType: 'contacts' | 'companies' = 'contacts',
  ): Promise<{ objectType: string; stages: Array<{ value: string; label: string; displayOrder: number }> }> {
    return this.request('PUT', `/portals/${portalId}/lifecycle-stages`, { objectType, stages });
  }

  /** An admin adds a deal pipeline; the answer is the pipeline as the pipelines API reads it (numeric ids). */
  addDealPipeline(portalId: number, input: DealPipelineInput): Promise<WirePipeline> {
    return this.request('POST', `/portals/${portalId}/deal-pipelines`, input);
  }

  /**
   * One of HubSpot's own processes updates a record: its last-modified date moves, and the HubSpot-owned
   * properties given (if any) change, with no synced property touched and no webhook.
   */
  systemUpdate(
    portalId: number,
    objectType: string,
    objectId: string,
    properties: Record<string, string> = {},
  ): Promise<RawRecord> {
    return this.request('POST', `/portals/${portalId}/objects/${objectType}/${objectId}/system-update`, {
      properties,
    });
  }

  asUser(portalId: number, user?: string | number): UserActions {
    return new UserActions(this, portalId, user);
  }

  /** A record as stored (any state, every property and history entry); no token or rate limit involved. */
  record(portalId: number, objectType: string, objectId: string): Promise<RawRecord> {
    return this.request('GET', `/portals/${portalId}/objects/${objectType}/${objectId}`);
  }

  records(portalId: number, objectType: string): Promise<{ results: RawRecord[] }> {
    return this.request('GET', `/portals/${portalId}/objects/${objectType}`);
  }

  seed(portalId: number, options: SeedInput = {}): Promise<SeedResult> {
    return this.request('POST', `/portals/${portalId}/seed`, options);
  }

  /**
   * Sends a card's request through the hubspot.fetch proxy: the backend receives it signed as HubSpot signs it;
   * the backend's status, headers and body come back as the Response.
   */
  hubspotFetch(input: FetchProxyInput): Promise<Response> {
    return fetch(`${this.baseUrl}/_emulator/fetch-proxy`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(input),
    });
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
