/**
 * Refreshing an installation's tokens, run by the RefreshCoordinator while it holds the lease.
 *
 * - What a refresh gets is stored only while it still holds its lease and the installation still holds the
 *   refresh token it used, on a connected side; otherwise a disconnect, an uninstall, a reconnect or another
 *   refresh happened meanwhile, and that wins (a rotated Salesforce token nobody keeps is revoked).
 * - A refusal (`invalid_grant`) changes the installation's state (see connectionLoss.ts) only on the same
 *   conditions, and for HubSpot only once introspection says the refresh token is gone: one refusal alone is
 *   not an uninstall.
 * - A refresh that lost such a race answers with whatever is stored now.
 */
import {
  HubSpotOAuthError,
  introspectHubSpotToken,
  refreshHubSpotTokens,
  type HubSpotTokenSet,
} from '../connectors/hubspot/oauth';
import {
  SalesforceOAuthError,
  refreshSalesforceToken,
  revokeSalesforceToken,
  type SalesforceTokenGrant,
} from '../connectors/salesforce/oauth';
import { hubspotOAuthApp, salesforceOAuthApp, type BridgeContext } from './bridgeContext';
import * as installations from '../db/installations';
import { err, ok, type Result } from '../domain/result';
import { markHubSpotUninstalled, markSalesforceNeedsReauth, recordLastError } from './connectionLoss';
import { CredentialsError } from './errors';
import type { RefreshGuard } from './refreshCoordinator';
import { openToken, sealToken } from './sealedColumns';
import {
  connectedSalesforce,
  notFound,
  storedHubSpotToken,
  storedSalesforceToken,
  type HubSpotAccess,
  type SalesforceAccess,
} from './storedTokens';

export async function refreshHubSpot(
  ctx: BridgeContext,
  installationId: string,
  guard: RefreshGuard,
): Promise<Result<HubSpotAccess, CredentialsError>> {
  const installation = await installations.findById(ctx.db, installationId);
  const sealedRefreshToken = installation?.hubspot.refreshToken;
  if (!installation || !sealedRefreshToken) return err(notFound(installationId));
  const used: installations.TokenExpectation = { side: 'hubspot', refreshToken: sealedRefreshToken };
  const refreshToken = openToken(ctx.cipher, installationId, 'hubspot_refresh_token', sealedRefreshToken);
  if (!refreshToken.ok) return refreshToken;
  let tokens: HubSpotTokenSet;
  try {
    tokens = await refreshHubSpotTokens(hubspotOAuthApp(ctx.app), refreshToken.value);
  } catch (error) {
    if (!(error instanceof HubSpotOAuthError)) throw error;
    return hubspotRefreshFailed(ctx, installationId, guard, used, refreshToken.value, error);
  }
  const expiresAt = ctx.now() + tokens.expiresInSeconds * 1000;
  const stored = await storeRefreshed(ctx, installationId, guard, used, {
    hubspotAccessToken: sealToken(ctx.cipher, installationId, 'hubspot_access_token', tokens.accessToken),
    // HubSpot usually returns the same refresh token; store whatever it sent in case it rotated.
    hubspotRefreshToken: sealToken(ctx.cipher, installationId, 'hubspot_refresh_token', tokens.refreshToken),
    hubspotTokenExpiresAt: expiresAt,
    ...(installation.lastError?.side === 'hubspot' ? { lastError: null } : {}),
  });
  if (!stored) return hubspotAfterRace(ctx, installationId);
  ctx.logger.info({ installationId, expiresAt }, 'HubSpot access token refreshed');
  return ok({ accessToken: tokens.accessToken, expiresAt, portalId: installation.portalId });
}

async function hubspotRefreshFailed(
  ctx: BridgeContext,
  installationId: string,
  guard: RefreshGuard,
  used: installations.TokenExpectation,
  refreshToken: string,
  error: HubSpotOAuthError,
): Promise<Result<HubSpotAccess, CredentialsError>> {
  switch (error.code) {
    case 'invalid_grant': {
      if (!(await stillCurrent(ctx, installationId, guard, used)))
        return hubspotAfterRace(ctx, installationId);
      return confirmUninstall(ctx, installationId, used, refreshToken, error);
    }
    case 'unavailable':
      await recordLastError(ctx, installationId, 'hubspot', 'provider_unavailable', error.message);
      return err(new CredentialsError('provider_unavailable', error.message));
    case 'invalid_client':
    case 'redirect_uri_mismatch':
    case 'rejected':
      await recordLastError(ctx, installationId, 'hubspot', 'app_misconfigured', error.message);
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
async function confirmUninstall(
  ctx: BridgeContext,
  installationId: string,
  used: installations.TokenExpectation,
  refreshToken: string,
  refusal: HubSpotOAuthError,
): Promise<Result<HubSpotAccess, CredentialsError>> {
  let active: boolean;
  try {
    active = (await introspectHubSpotToken(hubspotOAuthApp(ctx.app), refreshToken, 'refresh_token')).active;
  } catch (error) {
    if (!(error instanceof HubSpotOAuthError)) throw error;
    const message = `HubSpot refused the refresh token and could not say whether it is still active (${error.message}); the next refresh tries again`;
    await recordLastError(ctx, installationId, 'hubspot', 'provider_unavailable', message);
    return err(new CredentialsError('provider_unavailable', message));
  }
  if (active) {
    const message = `HubSpot refused the refresh token (${refusal.message}) but says it is still active; the next refresh tries again`;
    ctx.logger.warn({ installationId }, message);
    await recordLastError(ctx, installationId, 'hubspot', 'provider_unavailable', message);
    return err(new CredentialsError('provider_unavailable', message));
  }
  if (!(await markHubSpotUninstalled(ctx, installationId, refusal.message, used.refreshToken))) {
    return hubspotAfterRace(ctx, installationId);
  }
  return err(
    new CredentialsError(
      'hubspot_uninstalled',
      'HubSpot refused the refresh token and says it is no longer active: the app was uninstalled',
    ),
  );
}

/** After a refresh lost a race (its lease, or the stored token changed): whatever is stored now. */
async function hubspotAfterRace(
  ctx: BridgeContext,
  installationId: string,
): Promise<Result<HubSpotAccess, CredentialsError>> {
  const current = await storedHubSpotToken(ctx, installationId, undefined);
  if (!current.ok) return current;
  if (current.value) return ok(current.value);
  return err(raceLost('hubspot'));
}

export async function refreshSalesforce(
  ctx: BridgeContext,
  installationId: string,
  guard: RefreshGuard,
): Promise<Result<SalesforceAccess, CredentialsError>> {
  const installation = await installations.findById(ctx.db, installationId);
  const usable = connectedSalesforce(installationId, installation);
  if (!usable.ok) return usable;
  const stored = usable.value.installation.salesforce.refreshToken;
  if (!stored)
    return err(new CredentialsError('salesforce_not_connected', 'no Salesforce refresh token is stored'));
  const used: installations.TokenExpectation = { side: 'salesforce', refreshToken: stored };
  const refreshToken = openToken(ctx.cipher, installationId, 'salesforce_refresh_token', stored);
  if (!refreshToken.ok) return refreshToken;
  const app = salesforceOAuthApp(ctx.app, usable.value.loginUrl);
  let grant: SalesforceTokenGrant;
  try {
    grant = await refreshSalesforceToken(app, refreshToken.value);
  } catch (error) {
    if (!(error instanceof SalesforceOAuthError)) throw error;
    return salesforceRefreshFailed(ctx, installationId, guard, used, error);
  }
  const written = await storeRefreshed(ctx, installationId, guard, used, {
    salesforceAccessToken: sealToken(
      ctx.cipher,
      installationId,
      'salesforce_access_token',
      grant.accessToken,
    ),
    // With refresh token rotation on, the old refresh token is dead from now on: keep the new one.
    ...(grant.refreshToken
      ? {
          salesforceRefreshToken: sealToken(
            ctx.cipher,
            installationId,
            'salesforce_refresh_token',
            grant.refreshToken,
          ),
        }
      : {}),
    salesforceInstanceUrl: grant.instanceUrl,
    salesforceTokenIssuedAt: grant.issuedAt ?? ctx.now(),
    ...(usable.value.installation.lastError?.side === 'salesforce' ? { lastError: null } : {}),
  });
  if (!written) {
    // Disconnected, reconnected or refreshed elsewhere meanwhile: a rotated token nobody keeps is revoked.
    if (grant.refreshToken) {
      await revokeSalesforceToken(app, grant.refreshToken).catch(() => undefined);
    }
    return salesforceAfterRace(ctx, installationId);
  }
  ctx.logger.info(
    { installationId, rotated: grant.refreshToken !== null },
    'Salesforce access token refreshed',
  );
  return ok({ accessToken: grant.accessToken, instanceUrl: grant.instanceUrl });
}

async function salesforceRefreshFailed(
  ctx: BridgeContext,
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
        !(await stillCurrent(ctx, installationId, guard, used)) ||
        !(await markSalesforceNeedsReauth(ctx, installationId, error.message, used.refreshToken))
      ) {
        return salesforceAfterRace(ctx, installationId);
      }
      return err(
        new CredentialsError(
          'salesforce_needs_reauth',
          'Salesforce refused the refresh token; reconnect Salesforce',
        ),
      );
    case 'unavailable':
      await recordLastError(ctx, installationId, 'salesforce', 'provider_unavailable', error.message);
      return err(new CredentialsError('provider_unavailable', error.message));
    case 'invalid_client':
    case 'redirect_uri_mismatch':
    case 'rejected':
      await recordLastError(ctx, installationId, 'salesforce', 'app_misconfigured', error.message);
      return err(
        new CredentialsError(
          'app_misconfigured',
          `${error.message} (check SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET)`,
        ),
      );
  }
}

async function salesforceAfterRace(
  ctx: BridgeContext,
  installationId: string,
): Promise<Result<SalesforceAccess, CredentialsError>> {
  const current = await storedSalesforceToken(ctx, installationId, null);
  if (!current.ok) return current;
  return current.value ? ok(current.value) : err(raceLost('salesforce'));
}

/**
 * Stores refreshed tokens only while the refresh still holds its lease (it was not abandoned at its
 * deadline, nor its lease taken over) and the installation still holds the refresh token it used, on a
 * connected side (no disconnect, uninstall or reconnect happened meanwhile). False when nothing was stored.
 */
async function storeRefreshed(
  ctx: BridgeContext,
  installationId: string,
  guard: RefreshGuard,
  used: installations.TokenExpectation,
  patch: installations.InstallationPatch,
): Promise<boolean> {
  const stored = await ctx.db.transaction(
    async (trx) =>
      (await guard.holds(trx)) &&
      (await installations.updateTokensIfCurrent(trx, installationId, ctx.now(), used, patch)),
  );
  if (!stored) {
    ctx.logger.warn(
      { installationId, provider: used.side },
      `the ${used.side} tokens changed, or the refresh lost its lease, while the provider answered; the refreshed tokens were not stored`,
    );
  }
  return stored;
}

/** Whether a refresh still holds its lease and the installation still holds the refresh token it used. */
async function stillCurrent(
  ctx: BridgeContext,
  installationId: string,
  guard: RefreshGuard,
  used: installations.TokenExpectation,
): Promise<boolean> {
  return ctx.db.transaction(async (trx) => {
    if (!(await guard.holds(trx))) return false;
    const installation = await installations.findById(trx, installationId);
    return installation !== null && installations.holdsRefreshToken(installation, used);
  });
}

function raceLost(provider: 'hubspot' | 'salesforce'): CredentialsError {
  return new CredentialsError(
    'refresh_busy',
    `the ${provider} tokens changed while this refresh ran; try again shortly`,
  );
}
