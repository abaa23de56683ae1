/**
 * Hands out ready-to-use API clients for an installation and keeps their tokens alive.
 *
 * - HubSpot access tokens live 30 minutes; one is refreshed when it has less than `HUBSPOT_REFRESH_MARGIN_MS`
 *   left (HubSpot advises tracking expiry rather than waiting for a 401), or when a caller reports that
 *   HubSpot rejected it.
 * - Salesforce tokens carry no expiry; jsforce calls our refresh function on a 401. That function persists
 *   a rotated refresh token (jsforce's own refresh drops it, and the next refresh would then fail).
 * - Refreshes go through the RefreshCoordinator: one at a time per installation and provider, across
 *   processes, none running forever (tokenRefresh.ts does the refreshing; storedTokens.ts the reading).
 *   A final refusal changes the installation's state (see connectionLoss.ts).
 *
 * Connectors never see the database: they get clients from here.
 */
import type { Client } from '@hubspot/api-client';
import type { Connection } from 'jsforce';
import { createHubSpotClient } from '../connectors/hubspot/client';
import { createSalesforceConnection } from '../connectors/salesforce/client';
import type { BridgeContext } from './bridgeContext';
import * as installations from '../db/installations';
import { ok, type Result } from '../domain/result';
import type { ApiProvider } from '../metrics';
import type { CredentialsError } from './errors';
import { RefreshCoordinator, type RefreshTiming } from './refreshCoordinator';
import { openToken } from './sealedColumns';
import {
  connectedSalesforce,
  storedHubSpotToken,
  storedSalesforceToken,
  type HubSpotAccess,
  type SalesforceAccess,
} from './storedTokens';
import { refreshHubSpot, refreshSalesforce } from './tokenRefresh';

export { HUBSPOT_REFRESH_MARGIN_MS, type HubSpotAccess, type SalesforceAccess } from './storedTokens';

export class Credentials {
  private readonly coordinator: RefreshCoordinator;

  constructor(
    private readonly ctx: BridgeContext,
    timing?: Partial<RefreshTiming>,
  ) {
    this.coordinator = new RefreshCoordinator(ctx.db, ctx.now, timing);
  }

  /**
   * A valid HubSpot access token. Pass `rejectedAccessToken` when HubSpot answered 401 to a token this
   * returned earlier: it is then refreshed even if it should still be valid.
   */
  async getHubSpotAccessToken(
    installationId: string,
    options: { rejectedAccessToken?: string } = {},
  ): Promise<Result<HubSpotAccess, CredentialsError>> {
    const usable = await storedHubSpotToken(this.ctx, installationId, options.rejectedAccessToken);
    if (!usable.ok || usable.value !== null) return usable as Result<HubSpotAccess, CredentialsError>;
    return this.coordinator.run({
      installationId,
      provider: 'hubspot',
      current: () => storedHubSpotToken(this.ctx, installationId, options.rejectedAccessToken),
      refresh: (guard) => this.counted('hubspot', refreshHubSpot(this.ctx, installationId, guard)),
    });
  }

  /** A `@hubspot/api-client` Client for the installation's portal; ask again for each unit of work. */
  async getHubSpotClient(installationId: string): Promise<Result<Client, CredentialsError>> {
    const access = await this.getHubSpotAccessToken(installationId);
    if (!access.ok) return access;
    return ok(
      createHubSpotClient({
        basePath: this.ctx.app.hubspot.apiBaseUrl,
        accessToken: access.value.accessToken,
      }),
    );
  }

  /**
   * A jsforce Connection (API 62.0) for the installation's org. It refreshes itself on a 401, persisting
   * the new tokens; a refresh refused for good fails the call with a `[salesforce_needs_reauth]` message
   * (see `credentialsErrorCodeOf`) and moves the installation to needs_reauth.
   */
  async getSalesforceConnection(installationId: string): Promise<Result<Connection, CredentialsError>> {
    const installation = await installations.findById(this.ctx.db, installationId);
    const usable = connectedSalesforce(installationId, installation);
    if (!usable.ok) return usable;
    const { loginUrl, instanceUrl, accessToken } = usable.value;
    const opened = openToken(this.ctx.cipher, installationId, 'salesforce_access_token', accessToken);
    if (!opened.ok) return opened;
    const connection = createSalesforceConnection({
      loginUrl,
      instanceUrl,
      accessToken: opened.value,
      refreshFn: (conn, callback) => {
        this.refreshSalesforceFor(installationId, conn.accessToken ?? null)
          .then((result) => {
            if (!result.ok) return callback(result.error);
            conn.instanceUrl = result.value.instanceUrl;
            callback(null, result.value.accessToken);
          })
          .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
      },
    });
    return ok(connection);
  }

  /** The current Salesforce access token after a refresh, unless the stored one already differs from `rejected`. */
  refreshSalesforceFor(
    installationId: string,
    rejectedAccessToken: string | null,
  ): Promise<Result<SalesforceAccess, CredentialsError>> {
    return this.coordinator.run({
      installationId,
      provider: 'salesforce',
      current: () => storedSalesforceToken(this.ctx, installationId, rejectedAccessToken),
      refresh: (guard) => this.counted('salesforce', refreshSalesforce(this.ctx, installationId, guard)),
    });
  }

  /** Tells the metrics how a refresh this process ran ended. */
  private async counted<T>(
    provider: ApiProvider,
    refresh: Promise<Result<T, CredentialsError>>,
  ): Promise<Result<T, CredentialsError>> {
    const result = await refresh.catch((error: unknown) => {
      this.ctx.metrics?.tokenRefresh(provider, 'unexpected_error');
      throw error;
    });
    this.ctx.metrics?.tokenRefresh(provider, result.ok ? 'refreshed' : result.error.code);
    return result;
  }
}
