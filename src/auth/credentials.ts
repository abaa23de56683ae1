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
import {
  HubSpotOAuthError,
  introspectHubSpotToken,
  refreshHubSpotTokens,
  type HubSpotTokenSet,
} from '../connectors/hubspot/oauth';
import { createSalesforceConnection } from '../connectors/salesforce/connection';
import {
  SalesforceOAuthError,
  refreshSalesforceToken,
  revokeSalesforceToken,
  type SalesforceTokenGrant,
} from '../connectors/salesforce/oauth';
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
    const sealedRefreshToken = installation?.hubspot.refreshToken;
    if (!installation || !sealedRefreshToken) return err(notFound(installationId));
    const used: installations.TokenExpectation = { side: 'hubspot', refreshToken: sealedRefreshToken };
    const refreshToken = openToken(
      this.ctx.cipher,
      installationId,
      'hubspot_refresh_token',
      sealedRefreshToken,
    );
    if (!refreshToken.ok) return refreshToken;
    let tokens: HubSpotTokenSet;
    try {
      tokens = await refreshHubSpotTokens(hubspotOAuthApp(this.ctx.app), refreshToken.value);
    } catch (error) {
      if (!(error instanceof HubSpotOAuthError)) throw error;
      return this.hubspotRefreshFailed(installationId, guard, used, refreshToken.value, error);
    }
    const expiresAt = this.ctx.now() + tokens.expiresInSeconds * 1000;
    const stored = await this.storeRefreshed(installationId, guard, used, {
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
    if (!stored) return this.hubspotAfterRace(installationId);
    this.ctx.logger.info({ installationId, expiresAt }, 'HubSpot access token refreshed');
    return ok({ accessToken: tokens.accessToken, expiresAt, portalId: installation.portalId });
  }

  private async hubspotRefreshFailed(
    installationId: string,
    guard: RefreshGuard,
    used: installations.TokenExpectation,
    refreshToken: string,
    error: HubSpotOAuthError,
  ): Promise<Result<HubSpotAccess, CredentialsError>> {
    switch (error.code) {
      case 'invalid_grant': {
        if (!(await this.stillCurrent(installationId, guard, used)))
          return this.hubspotAfterRace(installationId);
        return this.confirmUninstall(installationId, used, refreshToken, error);
      }
      case 'unavailable':
        await recordLastError(this.ctx, installationId, 'hubspot', 'provider_unavailable', error.message);
        return err(new CredentialsError('provider_unavailable', error.message));
      case 'invalid_client':
      case 'redirect_uri_mismatch':
      case 'rejected':
        await recordLastError(this.ctx, installationId, 'hubspot', 'app_misconfigured', error.message);
        return err(
          new CredentialsError(
            'app_misconfigured',
            `${error.message} (check HUBSPOT_CLIENT_ID and HUBSPOT_CLIENT_SECRET)`,
          ),
        );
    }
  }

  /**
   * One refused refresh is not proof of an uninstall (and an uninstall deletes every token, the Salesforce one
   * revoked): HubSpot's introspection must say the refresh token is no longer active. Until it does, the
   * refusal is a passing failure, and the next refresh tries again.
   */
  private async confirmUninstall(
    installationId: string,
    used: installations.TokenExpectation,
    refreshToken: string,
    refusal: HubSpotOAuthError,
  ): Promise<Result<HubSpotAccess, CredentialsError>> {
    let active: boolean;
    try {
      active = (await introspectHubSpotToken(hubspotOAuthApp(this.ctx.app), refreshToken, 'refresh_token'))
        .active;
    } catch (error) {
      if (!(error instanceof HubSpotOAuthError)) throw error;
      const message = `HubSpot refused the refresh token and could not say whether it is still active (${error.message}); the next refresh tries again`;
      await recordLastError(this.ctx, installationId, 'hubspot', 'provider_unavailable', message);
      return err(new CredentialsError('provider_unavailable', message));
    }
    if (active) {
      const message = `HubSpot refused the refresh token (${refusal.message}) but says it is still active; the next refresh tries again`;
      this.ctx.logger.warn({ installationId }, message);
      await recordLastError(this.ctx, installationId, 'hubspot', 'provider_unavailable', message);
      return err(new CredentialsError('provider_unavailable', message));
    }
    if (!(await markHubSpotUninstalled(this.ctx, installationId, refusal.message, used.refreshToken))) {
      return this.hubspotAfterRace(installationId);
    }
    return err(
      new CredentialsError(
        'hubspot_uninstalled',
        'HubSpot refused the refresh token and says it is no longer active: the app was uninstalled',
      ),
    );
  }

  /** After a refresh lost a race (its lease, or the stored token changed): whatever is stored now. */
  private async hubspotAfterRace(installationId: string): Promise<Result<HubSpotAccess, CredentialsError>> {
    const current = await this.storedHubSpotToken(installationId, undefined);
    if (!current.ok) return current;
    if (current.value) return ok(current.value);
    return err(raceLost('hubspot'));
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
    const used: installations.TokenExpectation = { side: 'salesforce', refreshToken: stored };
    const refreshToken = openToken(this.ctx.cipher, installationId, 'salesforce_refresh_token', stored);
    if (!refreshToken.ok) return refreshToken;
    const app = salesforceOAuthApp(this.ctx.app, usable.value.loginUrl);
    let grant: SalesforceTokenGrant;
    try {
      grant = await refreshSalesforceToken(app, refreshToken.value);
    } catch (error) {
      if (!(error instanceof SalesforceOAuthError)) throw error;
      return this.salesforceRefreshFailed(installationId, guard, used, error);
    }
    const written = await this.storeRefreshed(installationId, guard, used, {
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
    if (!written) {
      // Disconnected, reconnected or refreshed elsewhere meanwhile: a rotated token nobody keeps is revoked.
      if (grant.refreshToken) {
        await revokeSalesforceToken(app, grant.refreshToken).catch(() => undefined);
      }
      return this.salesforceAfterRace(installationId);
    }
    this.ctx.logger.info(
      { installationId, rotated: grant.refreshToken !== null },
      'Salesforce access token refreshed',
    );
    return ok({ accessToken: grant.accessToken, instanceUrl: grant.instanceUrl });
  }

  private async salesforceRefreshFailed(
    installationId: string,
    guard: RefreshGuard,
    used: installations.TokenExpectation,
    error: SalesforceOAuthError,
  ): Promise<Result<SalesforceAccess, CredentialsError>> {
    switch (error.code) {
      case 'invalid_grant':
        // A refusal of a token that is no longer ours to use (rotated by another refresh, replaced by a
        // reconnect, or this refresh outlived its lease) says nothing about the connection.
        if (
          !(await this.stillCurrent(installationId, guard, used)) ||
          !(await markSalesforceNeedsReauth(this.ctx, installationId, error.message, used.refreshToken))
        ) {
          return this.salesforceAfterRace(installationId);
        }
        return err(
          new CredentialsError(
            'salesforce_needs_reauth',
            'Salesforce refused the refresh token; reconnect Salesforce',
          ),
        );
      case 'unavailable':
        await recordLastError(this.ctx, installationId, 'salesforce', 'provider_unavailable', error.message);
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

  private async salesforceAfterRace(
    installationId: string,
  ): Promise<Result<SalesforceAccess, CredentialsError>> {
    const current = await this.storedSalesforceToken(installationId, null);
    if (!current.ok) return current;
    return current.value ? ok(current.value) : err(raceLost('salesforce'));
  }

  /**
   * Stores refreshed tokens only while the refresh still holds its lease (it was not abandoned at its
   * deadline, nor its lease taken over) and the installation still holds the refresh token it used, on a
   * connected side (no disconnect, uninstall or reconnect happened meanwhile). False when nothing was stored.
   */
  private async storeRefreshed(
    installationId: string,
    guard: RefreshGuard,
    used: installations.TokenExpectation,
    patch: installations.InstallationPatch,
  ): Promise<boolean> {
    const stored = await this.ctx.db.transaction(
      async (trx) =>
        (await guard.holds(trx)) &&
        (await installations.updateTokensIfCurrent(trx, installationId, this.ctx.now(), used, patch)),
    );
    if (!stored) {
      this.ctx.logger.warn(
        { installationId, provider: used.side },
        `the ${used.side} tokens changed, or the refresh lost its lease, while the provider answered; the refreshed tokens were not stored`,
      );
    }
    return stored;
  }

  /** Whether a refresh still holds its lease and the installation still holds the refresh token it used. */
  private async stillCurrent(
    installationId: string,
    guard: RefreshGuard,
    used: installations.TokenExpectation,
  ): Promise<boolean> {
    return this.ctx.db.transaction(async (trx) => {
      if (!(await guard.holds(trx))) return false;
      const installation = await installations.findById(trx, installationId);
      return installation !== null && installations.holdsRefreshToken(installation, used);
    });
  }
}

function raceLost(provider: 'hubspot' | 'salesforce'): CredentialsError {
  return new CredentialsError(
    'refresh_busy',
    `the ${provider} tokens changed while this refresh ran; try again shortly`,
  );
}

function notFound(installationId: string): CredentialsError {
  return new CredentialsError('installation_not_found', `installation ${installationId} does not exist`);
}
