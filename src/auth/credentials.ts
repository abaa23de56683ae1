/**
 * Hands out ready-to-use API clients for an installation and keeps their tokens alive.
 *
 * - HubSpot access tokens live 30 minutes; one is refreshed when it has less than `HUBSPOT_REFRESH_MARGIN_MS`
 *   left (HubSpot advises tracking expiry rather than waiting for a 401), or when a caller reports that
 *   HubSpot rejected it.
 * - Salesforce tokens carry no expiry; jsforce calls our refresh function on a 401. That function persists
 *   a rotated refresh token (jsforce's own refresh drops it, and the next refresh would then fail).
 * - Refreshes go through the RefreshCoordinator: one at a time per installation and provider, across
 *   processes. A final refusal changes the installation's state (see connection-loss.ts).
 *
 * Connectors never see the database: they get clients from here.
 */
import type { Client } from '@hubspot/api-client';
import type { Connection } from 'jsforce';
import { createHubSpotClient } from '../connectors/hubspot/client';
import { HubSpotOAuthError, refreshHubSpotTokens } from '../connectors/hubspot/oauth';
import { createSalesforceConnection } from '../connectors/salesforce/connection';
import { SalesforceOAuthError, refreshSalesforceToken } from '../connectors/salesforce/oauth';
import { hubspotOAuthApp, salesforceOAuthApp, type BridgeContext } from '../context';
import * as installations from '../db/installations';
import { err, ok, type Result } from '../domain/result';
import { markHubSpotUninstalled, markSalesforceNeedsReauth, recordLastError } from './connection-loss';
import { CredentialsError } from './errors';
import { RefreshCoordinator, type RefreshGuard, type RefreshTiming } from './refresh-coordinator';
import { openToken, sealToken } from './sealed-columns';

export const HUBSPOT_REFRESH_MARGIN_MS = 5 * 60_000;

export interface HubSpotAccess {
  accessToken: string;
  /** Epoch ms; a client built from this token is good until shortly before then. */
  expiresAt: number;
  portalId: string;
}

export interface SalesforceAccess {
  accessToken: string;
  instanceUrl: string;
}

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
    const usable = await this.storedHubSpotToken(installationId, options.rejectedAccessToken);
    if (!usable.ok || usable.value !== null) return usable as Result<HubSpotAccess, CredentialsError>;
    return this.coordinator.run({
      installationId,
      provider: 'hubspot',
      current: () => this.storedHubSpotToken(installationId, options.rejectedAccessToken),
      refresh: (guard) => this.refreshHubSpot(installationId, guard),
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
    const usable = this.connectedSalesforce(installationId, installation);
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
      current: () => this.storedSalesforceToken(installationId, rejectedAccessToken),
      refresh: (guard) => this.refreshSalesforce(installationId, guard),
    });
  }

  private async storedHubSpotToken(
    installationId: string,
    rejected: string | undefined,
  ): Promise<Result<HubSpotAccess | null, CredentialsError>> {
    const installation = await installations.findById(this.ctx.db, installationId);
    if (!installation) return err(notFound(installationId));
    const { accessToken, refreshToken, tokenExpiresAt } = installation.hubspot;
    if (installation.state.hubspot !== 'connected' || !accessToken || !refreshToken) {
      return err(
        new CredentialsError(
          'hubspot_uninstalled',
          'the app is not installed in this HubSpot portal; install it again',
        ),
      );
    }
    const opened = openToken(this.ctx.cipher, installationId, 'hubspot_access_token', accessToken);
    if (!opened.ok) return opened;
    const fresh = tokenExpiresAt !== null && tokenExpiresAt - this.ctx.now() > HUBSPOT_REFRESH_MARGIN_MS;
    if (!fresh || opened.value === rejected) return ok(null);
    return ok({ accessToken: opened.value, expiresAt: tokenExpiresAt, portalId: installation.portalId });
  }

  private async refreshHubSpot(
    installationId: string,
    guard: RefreshGuard,
  ): Promise<Result<HubSpotAccess, CredentialsError>> {
    const installation = await installations.findById(this.ctx.db, installationId);
    if (!installation?.hubspot.refreshToken) return err(notFound(installationId));
    const refreshToken = openToken(
      this.ctx.cipher,
      installationId,
      'hubspot_refresh_token',
      installation.hubspot.refreshToken,
    );
    if (!refreshToken.ok) return refreshToken;
    try {
      const tokens = await refreshHubSpotTokens(hubspotOAuthApp(this.ctx.app), refreshToken.value);
      const expiresAt = this.ctx.now() + tokens.expiresInSeconds * 1000;
      const stored = await this.storeRefreshed(installationId, 'hubspot', guard, {
        hubspotAccessToken: sealToken(
          this.ctx.cipher,
          installationId,
          'hubspot_access_token',
          tokens.accessToken,
        ),
        // HubSpot usually returns the same refresh token; store whatever it sent in case it rotated.
        hubspotRefreshToken: sealToken(
          this.ctx.cipher,
          installationId,
          'hubspot_refresh_token',
          tokens.refreshToken,
        ),
        hubspotTokenExpiresAt: expiresAt,
        ...(installation.lastError?.side === 'hubspot' ? { lastError: null } : {}),
      });
      if (!stored.ok) return stored;
      this.ctx.logger.info({ installationId, expiresAt }, 'HubSpot access token refreshed');
      return ok({ accessToken: tokens.accessToken, expiresAt, portalId: installation.portalId });
    } catch (error) {
      if (!(error instanceof HubSpotOAuthError)) throw error;
      return err(await this.hubspotRefreshFailed(installationId, error));
    }
  }

  private async hubspotRefreshFailed(
    installationId: string,
    error: HubSpotOAuthError,
  ): Promise<CredentialsError> {
    switch (error.code) {
      case 'invalid_grant':
        await markHubSpotUninstalled(this.ctx, installationId, error.message);
        return new CredentialsError(
          'hubspot_uninstalled',
          'HubSpot refused the refresh token: the app was uninstalled',
        );
      case 'unavailable':
        await recordLastError(this.ctx, installationId, 'hubspot', 'provider_unavailable', error.message);
        return new CredentialsError('provider_unavailable', error.message);
      case 'invalid_client':
      case 'redirect_uri_mismatch':
      case 'rejected':
        await recordLastError(this.ctx, installationId, 'hubspot', 'app_misconfigured', error.message);
        return new CredentialsError(
          'app_misconfigured',
          `${error.message} (check HUBSPOT_CLIENT_ID and HUBSPOT_CLIENT_SECRET)`,
        );
    }
  }

  private connectedSalesforce(
    installationId: string,
    installation: installations.Installation | null,
  ): Result<
    {
      loginUrl: string;
      instanceUrl: string;
      accessToken: NonNullable<installations.Installation['salesforce']['accessToken']>;
      installation: installations.Installation;
    },
    CredentialsError
  > {
    if (!installation) return err(notFound(installationId));
    if (installation.state.hubspot !== 'connected') {
      return err(
        new CredentialsError('hubspot_uninstalled', 'the app is not installed in this HubSpot portal'),
      );
    }
    if (installation.state.salesforce === 'needs_reauth') {
      return err(
        new CredentialsError(
          'salesforce_needs_reauth',
          'Salesforce must be reconnected before sync can resume',
        ),
      );
    }
    const { loginUrl, instanceUrl, accessToken } = installation.salesforce;
    if (installation.state.salesforce !== 'connected' || !loginUrl || !instanceUrl || !accessToken) {
      return err(
        new CredentialsError(
          'salesforce_not_connected',
          'no Salesforce org is connected to this installation',
        ),
      );
    }
    return ok({ loginUrl, instanceUrl, accessToken, installation });
  }

  private async storedSalesforceToken(
    installationId: string,
    rejected: string | null,
  ): Promise<Result<SalesforceAccess | null, CredentialsError>> {
    const installation = await installations.findById(this.ctx.db, installationId);
    const usable = this.connectedSalesforce(installationId, installation);
    if (!usable.ok) return usable;
    const opened = openToken(
      this.ctx.cipher,
      installationId,
      'salesforce_access_token',
      usable.value.accessToken,
    );
    if (!opened.ok) return opened;
    return ok(
      opened.value === rejected ? null : { accessToken: opened.value, instanceUrl: usable.value.instanceUrl },
    );
  }

  private async refreshSalesforce(
    installationId: string,
    guard: RefreshGuard,
  ): Promise<Result<SalesforceAccess, CredentialsError>> {
    const installation = await installations.findById(this.ctx.db, installationId);
    const usable = this.connectedSalesforce(installationId, installation);
    if (!usable.ok) return usable;
    const stored = usable.value.installation.salesforce.refreshToken;
    if (!stored)
      return err(new CredentialsError('salesforce_not_connected', 'no Salesforce refresh token is stored'));
    const refreshToken = openToken(this.ctx.cipher, installationId, 'salesforce_refresh_token', stored);
    if (!refreshToken.ok) return refreshToken;
    try {
      const grant = await refreshSalesforceToken(
        salesforceOAuthApp(this.ctx.app, usable.value.loginUrl),
        refreshToken.value,
      );
      const written = await this.storeRefreshed(installationId, 'salesforce', guard, {
        salesforceAccessToken: sealToken(
          this.ctx.cipher,
          installationId,
          'salesforce_access_token',
          grant.accessToken,
        ),
        // With refresh token rotation on, the old refresh token is dead from now on: keep the new one.
        ...(grant.refreshToken
          ? {
              salesforceRefreshToken: sealToken(
                this.ctx.cipher,
                installationId,
                'salesforce_refresh_token',
                grant.refreshToken,
              ),
            }
          : {}),
        salesforceInstanceUrl: grant.instanceUrl,
        salesforceTokenIssuedAt: grant.issuedAt ?? this.ctx.now(),
        ...(usable.value.installation.lastError?.side === 'salesforce' ? { lastError: null } : {}),
      });
      if (!written.ok) return written;
      this.ctx.logger.info(
        { installationId, rotated: grant.refreshToken !== null },
        'Salesforce access token refreshed',
      );
      return ok({ accessToken: grant.accessToken, instanceUrl: grant.instanceUrl });
    } catch (error) {
      if (!(error instanceof SalesforceOAuthError)) throw error;
      switch (error.code) {
        case 'invalid_grant':
          await markSalesforceNeedsReauth(this.ctx, installationId, error.message);
          return err(
            new CredentialsError(
              'salesforce_needs_reauth',
              'Salesforce refused the refresh token; reconnect Salesforce',
            ),
          );
        case 'unavailable':
          await recordLastError(
            this.ctx,
            installationId,
            'salesforce',
            'provider_unavailable',
            error.message,
          );
          return err(new CredentialsError('provider_unavailable', error.message));
        case 'invalid_client':
        case 'redirect_uri_mismatch':
        case 'rejected':
          await recordLastError(this.ctx, installationId, 'salesforce', 'app_misconfigured', error.message);
          return err(
            new CredentialsError(
              'app_misconfigured',
              `${error.message} (check SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET)`,
            ),
          );
      }
    }
  }

  /**
   * Stores refreshed tokens, unless the refresh no longer holds its lease (it was abandoned at its deadline,
   * or the lease expired and another process took it): then what it got is dropped, and the caller answers
   * a retryable error; the stored tokens are whatever the process that holds the lease now wrote.
   */
  private async storeRefreshed(
    installationId: string,
    provider: 'hubspot' | 'salesforce',
    guard: RefreshGuard,
    patch: installations.InstallationPatch,
  ): Promise<Result<void, CredentialsError>> {
    const stored = await this.ctx.db.transaction(async (trx) => {
      if (!(await guard.holds(trx))) return false;
      await installations.update(trx, installationId, this.ctx.now(), patch);
      return true;
    });
    if (stored) return ok(undefined);
    this.ctx.logger.warn(
      { installationId, provider },
      `a ${provider} token refresh finished after giving up its lease; its tokens were not stored`,
    );
    return err(
      new CredentialsError(
        'refresh_busy',
        `the ${provider} token refresh outlived its lease; try again shortly`,
      ),
    );
  }
}

function notFound(installationId: string): CredentialsError {
  return new CredentialsError('installation_not_found', `installation ${installationId} does not exist`);
}
