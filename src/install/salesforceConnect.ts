/**
 * Connecting a Salesforce org to an installation: a connect link starts it (src/install/salesforceStart.ts
 * binds the browser), Salesforce approves, and the callback stores the tokens, the org, the connecting user
 * and where the link came from, then checks what the org offers the bridge.
 *
 * A connection started from the install page in the installer's own browser syncs at once. One started from
 * a settings-page link, which works in any browser, is stored awaiting confirmation: sync stays paused until
 * a settings manager confirms it in HubSpot (src/install/connectionConfirm.ts).
 *
 * Nothing half-made is left behind: tokens obtained for a connection that is then refused (another org than
 * before, no refresh token, identity unreadable, installation gone) are revoked at Salesforce and never stored.
 */
import { openToken, sealToken } from '../auth/sealedColumns';
import { isSealedToken, type SealedToken } from '../auth/tokenCipher';
import { checkSalesforceCapabilities } from '../connectors/salesforce/capabilities';
import {
  SalesforceOAuthError,
  exchangeSalesforceCode,
  fetchSalesforceIdentity,
  revokeSalesforceToken,
  type SalesforceIdentity,
  type SalesforceTokenGrant,
} from '../connectors/salesforce/oauth';
import { salesforceLoginUrlFor, salesforceOAuthApp, type BridgeContext } from '../auth/bridgeContext';
import * as installations from '../db/installations';
import type { CapabilityReport } from '../domain/installationReports';
import { err, ok, type Result } from '../domain/result';
import type { InstallContext } from './context';
import { InstallError } from './errors';
import type { OAuthCallbackInput } from './hubspotInstall';
import { consumeState, rejectionError } from './oauthState';
import { createSalesforceConnectLinks, type SalesforceConnectLinks } from './salesforceLinks';

export interface SalesforceConnectOutcome {
  installation: installations.Installation;
  identity: SalesforceIdentity;
  capabilities: CapabilityReport;
  reconnect: boolean;
}

/** A refusal, with fresh connect links when the failed attempt proved which installation it was for. */
export interface SalesforceConnectFailure {
  error: InstallError;
  retryLinks: SalesforceConnectLinks | null;
}

export async function completeSalesforceConnect(
  ctx: InstallContext,
  input: OAuthCallbackInput,
): Promise<Result<SalesforceConnectOutcome, SalesforceConnectFailure>> {
  const state = await consumeState(ctx, 'salesforce', input.state, input.browserId);
  if (!state.ok) return failure(rejectionError(state.error, 'salesforce'));
  const { environment, portalId, codeVerifier, via, requestedBy } = state.value.payload;
  // The state matched this browser's cookie, so there is one.
  const browserId = input.browserId;
  if (!browserId) return failure(rejectionError('wrong_browser', 'salesforce'));
  const installation = state.value.installationId
    ? await installations.findById(ctx.db, state.value.installationId)
    : null;
  if (!installation || installation.state.hubspot !== 'connected' || installation.portalId !== portalId) {
    return failure(installationMissing());
  }
  // A retry keeps the origin of the link it replaces, bound to the browser that just came back.
  const retry = async (error: InstallError) =>
    failure(error, await createSalesforceConnectLinks(ctx, installation, { via, requestedBy, browserId }));
  if (input.error) return retry(providerRefusal(input.error, input.errorDescription));
  if (!input.code) {
    return retry(
      new InstallError('provider_error', 'salesforce', 'Salesforce came back without an authorization code.'),
    );
  }

  const loginUrl = salesforceLoginUrlFor(ctx.app, environment);
  const app = salesforceOAuthApp(ctx.app, loginUrl);
  let grant: SalesforceTokenGrant;
  try {
    grant = await exchangeSalesforceCode(app, input.code, openVerifier(ctx, codeVerifier));
  } catch (error) {
    if (error instanceof SalesforceOAuthError) return retry(oauthFailure(error));
    throw error;
  }
  // From here on, tokens exist at Salesforce: any refusal revokes them before answering.
  const refuse = async (error: InstallError, withRetryLinks = true) => {
    await revokeQuietly(ctx, app, grant.refreshToken ?? grant.accessToken, installation.id);
    return withRetryLinks ? retry(error) : failure(error);
  };
  if (!grant.refreshToken) {
    return refuse(
      new InstallError(
        'refresh_token_missing',
        'salesforce',
        'Salesforce did not grant offline access, so the connection would stop working within hours. ' +
          'In Salesforce Setup, allow the "refresh_token, offline_access" scope for this connected app.',
      ),
      false,
    );
  }
  const refreshToken = grant.refreshToken;
  let identity: SalesforceIdentity;
  try {
    identity = await fetchSalesforceIdentity(grant, app.timeoutMs);
  } catch (error) {
    if (error instanceof SalesforceOAuthError) return refuse(oauthFailure(error));
    throw error;
  }
  if (installation.salesforce.orgId && installation.salesforce.orgId !== identity.orgId) {
    return refuse(
      new InstallError(
        'salesforce_org_changed',
        'salesforce',
        `This HubSpot account syncs with Salesforce org ${installation.salesforce.orgId}, but you signed in to org ` +
          `${identity.orgId}. Its records and links belong to the first org, so the bridge will not switch ` +
          'silently: sign in to the original org, or ask your operator to reset the installation.',
        { expectedOrgId: installation.salesforce.orgId, actualOrgId: identity.orgId },
      ),
      false,
    );
  }

  const now = ctx.now();
  const seal = (column: 'salesforce_access_token' | 'salesforce_refresh_token', value: string) =>
    sealToken(ctx.cipher, installation.id, column, value);
  const applied = await installations.applyEvent(
    ctx.db,
    installation.id,
    via === 'install_page' ? 'salesforce_connected' : 'salesforce_connected_unconfirmed',
    now,
    (current) => ({
      salesforceEnvironment: environment,
      salesforceLoginUrl: loginUrl,
      salesforceInstanceUrl: grant.instanceUrl,
      salesforceOrgId: identity.orgId,
      salesforceUserId: identity.userId,
      salesforceUsername: identity.username,
      salesforceAccessToken: seal('salesforce_access_token', grant.accessToken),
      salesforceRefreshToken: seal('salesforce_refresh_token', refreshToken),
      salesforceScopes: grant.scopes,
      salesforceConnectedAt: now,
      salesforceTokenIssuedAt: grant.issuedAt ?? now,
      salesforceCapabilities: null,
      salesforceConnectionOrigin: {
        via,
        requestedBy,
        // An unconfirmed connection replaced by another does not count as the installation's org.
        previousOrgId: current.state.awaitingConfirmation
          ? (current.salesforce.connectionOrigin?.previousOrgId ?? null)
          : current.salesforce.orgId,
        confirmedBy: null,
        confirmedAt: null,
      },
      ...(current.lastError?.side === 'salesforce' ? { lastError: null } : {}),
    }),
  );
  if (!applied.ok) return refuse(installationMissing(), false);
  await revokeReplacedToken(ctx, applied.previous, refreshToken);
  ctx.logger.info(
    {
      installationId: installation.id,
      orgId: identity.orgId,
      environment,
      via,
      awaitingConfirmation: applied.installation.state.awaitingConfirmation,
      reconnect: applied.previous.salesforce.orgId !== null,
    },
    'Salesforce connected',
  );

  const capabilities = await recheckSalesforceCapabilities(ctx, installation.id);
  const stored = (await installations.findById(ctx.db, installation.id)) ?? applied.installation;
  return ok({
    installation: stored,
    identity,
    capabilities,
    reconnect: applied.previous.salesforce.orgId !== null,
  });
}

/** Describes the org again and records what it offers; safe to call any time Salesforce is connected. */
export async function recheckSalesforceCapabilities(
  ctx: InstallContext,
  installationId: string,
): Promise<CapabilityReport> {
  const connection = await ctx.credentials.getSalesforceConnection(installationId);
  const report: CapabilityReport = connection.ok
    ? await checkSalesforceCapabilities(connection.value, ctx.now)
    : {
        checkedAt: ctx.now(),
        ok: false,
        objects: [],
        problems: [connection.error.message],
        error: connection.error.code,
      };
  await installations.update(ctx.db, installationId, ctx.now(), { salesforceCapabilities: report });
  return report;
}

/** A fresh login replaced the previous refresh token: retire the old one at Salesforce. */
async function revokeReplacedToken(
  ctx: BridgeContext,
  previous: installations.Installation,
  current: string,
): Promise<void> {
  const { refreshToken, loginUrl } = previous.salesforce;
  if (!refreshToken || !loginUrl) return;
  const old = openToken(ctx.cipher, previous.id, 'salesforce_refresh_token', refreshToken);
  if (!old.ok || old.value === current) return;
  await revokeQuietly(ctx, salesforceOAuthApp(ctx.app, loginUrl), old.value, previous.id);
}

async function revokeQuietly(
  ctx: BridgeContext,
  app: ReturnType<typeof salesforceOAuthApp>,
  token: string,
  installationId: string,
): Promise<void> {
  await revokeSalesforceToken(app, token).catch((error: unknown) => {
    ctx.logger.warn(
      { installationId, reason: error instanceof Error ? error.message : String(error) },
      'could not revoke a Salesforce token the bridge does not keep',
    );
  });
}

/** The sealing context of PKCE verifiers kept in Salesforce authorize states. */
const PKCE_VERIFIER_CONTEXT = 'oauth_states/salesforce/code_verifier';

export function sealPkceVerifier(ctx: BridgeContext, verifier: string): SealedToken {
  return ctx.cipher.seal(verifier, PKCE_VERIFIER_CONTEXT);
}

function openVerifier(ctx: BridgeContext, sealed: string | undefined): string | null {
  if (!sealed || !isSealedToken(sealed)) return null;
  try {
    return ctx.cipher.open(sealed, PKCE_VERIFIER_CONTEXT);
  } catch {
    // Sealed under a key no longer configured: the exchange then fails as a code Salesforce refuses.
    return null;
  }
}

function failure(error: InstallError, retryLinks: SalesforceConnectLinks | null = null) {
  return err<SalesforceConnectFailure>({ error, retryLinks });
}

export function installationMissing(): InstallError {
  return new InstallError(
    'installation_missing',
    'salesforce',
    'This connection belongs to an installation that is no longer active (the app was uninstalled or reinstalled meanwhile).',
  );
}

function providerRefusal(error: string, description: string | undefined): InstallError {
  if (error === 'access_denied') {
    return new InstallError(
      'access_denied',
      'salesforce',
      'Salesforce was not connected because access was not allowed.',
    );
  }
  return new InstallError(
    'provider_error',
    'salesforce',
    `Salesforce reported an error instead of approving the connection: ${description ?? error}.`,
    { error },
  );
}

function oauthFailure(error: SalesforceOAuthError): InstallError {
  switch (error.code) {
    case 'invalid_grant':
      return new InstallError(
        'code_exchange_failed',
        'salesforce',
        'Salesforce did not accept the authorization code: it may have expired or already been used.',
      );
    case 'unavailable':
      return new InstallError(
        'provider_unavailable',
        'salesforce',
        'Salesforce could not be reached to finish connecting.',
      );
    case 'invalid_client':
    case 'redirect_uri_mismatch':
    case 'rejected':
      return new InstallError(
        'app_misconfigured',
        'salesforce',
        `Salesforce rejected the app's credentials or callback address (${error.code}).`,
      );
  }
}
