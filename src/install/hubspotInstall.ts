/**
 * Installing the app in a HubSpot portal: the authorize redirect, then the callback that checks the state,
 * exchanges the code, reads who installed it where, bootstraps the portal's properties and stores the
 * installation.
 *
 * Every call to HubSpot happens before anything is written, so a failure at any step leaves nothing behind;
 * the one write (create, or update on a reinstall) is a single statement or transaction.
 */
import { sealToken } from '../auth/sealedColumns';
import { ensureAppProperties } from '../connectors/hubspot/bootstrap';
import { createHubSpotClient } from '../connectors/hubspot/client';
import { HubSpotError } from '../connectors/hubspot/errors';
import {
  HubSpotOAuthError,
  exchangeHubSpotCode,
  getHubSpotTokenInfo,
  hubspotAuthorizeUrl,
  type HubSpotTokenInfo,
  type HubSpotTokenSet,
} from '../connectors/hubspot/oauth';
import { hubspotOAuthApp, type BridgeContext } from '../auth/bridgeContext';
import * as installations from '../db/installations';
import { isUniqueViolation } from '../db/support';
import type { PropertiesReport } from '../domain/installationReports';
import { err, ok, type Result } from '../domain/result';
import { InstallError } from './errors';
import { checkInstallState, issueInstallState, rejectionError, useInstallState } from './oauthState';
import { createSalesforceConnectLinks, type SalesforceConnectLinks } from './salesforceLinks';

export interface OAuthCallbackInput {
  state?: string | undefined;
  code?: string | undefined;
  error?: string | undefined;
  errorDescription?: string | undefined;
  /** The browser cookie that bound the state when the flow started. */
  browserId?: string | undefined;
}

export interface HubSpotInstallOutcome {
  installation: installations.Installation;
  reinstall: boolean;
  propertiesReport: PropertiesReport;
  connectLinks: SalesforceConnectLinks;
}

/** The URL that sends the admin to HubSpot to approve the install (nothing is stored: see oauthState.ts). */
export function beginHubSpotInstall(ctx: BridgeContext, browserId: string): string {
  const { state } = issueInstallState(ctx, browserId);
  return hubspotAuthorizeUrl(hubspotOAuthApp(ctx.app), state);
}

export async function completeHubSpotInstall(
  ctx: BridgeContext,
  input: OAuthCallbackInput,
): Promise<Result<HubSpotInstallOutcome, InstallError>> {
  const state = await checkInstallState(ctx, input.state, input.browserId);
  if (!state.ok) return err(rejectionError(state.error, 'hubspot'));
  if (input.error) return err(providerRefusal(input.error, input.errorDescription));
  if (!input.code) {
    return err(
      new InstallError('provider_error', 'hubspot', 'HubSpot came back without an authorization code.'),
    );
  }

  let tokens: HubSpotTokenSet;
  let info: HubSpotTokenInfo;
  try {
    tokens = await exchangeHubSpotCode(hubspotOAuthApp(ctx.app), input.code);
    info = await getHubSpotTokenInfo(hubspotOAuthApp(ctx.app), tokens.accessToken);
  } catch (error) {
    if (error instanceof HubSpotOAuthError) return err(oauthFailure(error));
    throw error;
  }
  // HubSpot accepted the code: only now is the state used up (a second callback with it is a replay).
  const used = await useInstallState(ctx, state.value);
  if (!used.ok) return err(rejectionError(used.error, 'hubspot'));
  if (info.appId !== ctx.app.hubspot.appId) {
    return err(
      new InstallError('wrong_app', 'hubspot', 'HubSpot issued this authorization to a different app.', {
        appId: info.appId,
      }),
    );
  }

  let propertiesReport: PropertiesReport;
  try {
    const client = createHubSpotClient({
      basePath: ctx.app.hubspot.apiBaseUrl,
      accessToken: tokens.accessToken,
    });
    propertiesReport = await ensureAppProperties(client, ctx.now);
  } catch (error) {
    if (!(error instanceof HubSpotError)) throw error;
    return err(
      new InstallError(
        'bootstrap_failed',
        'hubspot',
        `The app could not set up its properties in your portal. ${error.message}`,
        {
          portalId: info.portalId,
        },
      ),
    );
  }

  const { installation, reinstall } = await storeInstallation(ctx, info, tokens, propertiesReport);
  ctx.logger.info(
    { installationId: installation.id, portalId: installation.portalId, reinstall },
    reinstall ? 'HubSpot app reinstalled' : 'HubSpot app installed',
  );
  // The installer is here, in the browser the state was bound to: the Salesforce step works only there.
  const connectLinks = await createSalesforceConnectLinks(ctx, installation, {
    via: 'install_page',
    requestedBy: { userId: installation.hubspot.userId, email: installation.hubspot.userEmail },
    browserId: state.value.browserId,
  });
  return ok({ installation, reinstall, propertiesReport, connectLinks });
}

async function storeInstallation(
  ctx: BridgeContext,
  info: HubSpotTokenInfo,
  tokens: HubSpotTokenSet,
  propertiesReport: PropertiesReport,
): Promise<{ installation: installations.Installation; reinstall: boolean }> {
  const now = ctx.now();
  const patchFor = (installationId: string): installations.InstallationPatch => ({
    hubspotAccessToken: sealToken(ctx.cipher, installationId, 'hubspot_access_token', tokens.accessToken),
    hubspotRefreshToken: sealToken(ctx.cipher, installationId, 'hubspot_refresh_token', tokens.refreshToken),
    hubspotTokenExpiresAt: now + tokens.expiresInSeconds * 1000,
    hubspotScopes: info.scopes,
    hubspotUserId: info.userId,
    hubspotUserEmail: info.userEmail,
    hubspotHubDomain: info.hubDomain,
    hubspotPropertiesReport: propertiesReport,
  });
  const reinstall = async (existing: installations.Installation) => {
    const result = await installations.applyEvent(
      ctx.db,
      existing.id,
      'hubspot_installed',
      now,
      (current) => ({
        ...patchFor(existing.id),
        ...(current.lastError?.side === 'hubspot' ? { lastError: null } : {}),
      }),
    );
    if (!result.ok) throw new Error(`reinstall of ${existing.id} rejected: ${result.reason}`);
    return { installation: result.installation, reinstall: true };
  };

  const existing = await installations.findByPortalId(ctx.db, info.portalId);
  if (existing) return reinstall(existing);
  const id = installations.newInstallationId();
  try {
    const installation = await installations.insert(ctx.db, {
      id,
      portalId: info.portalId,
      now,
      patch: patchFor(id),
    });
    return { installation, reinstall: false };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // Two callbacks for the same portal raced; the other one created the row, so this one updates it.
    const raced = await installations.findByPortalId(ctx.db, info.portalId);
    if (!raced) throw error;
    return reinstall(raced);
  }
}

function providerRefusal(error: string, description: string | undefined): InstallError {
  if (error === 'access_denied') {
    return new InstallError(
      'access_denied',
      'hubspot',
      'The app was not installed because access was not granted in HubSpot.',
    );
  }
  return new InstallError(
    'provider_error',
    'hubspot',
    `HubSpot reported an error instead of approving the install: ${description ?? error}.`,
    { error },
  );
}

function oauthFailure(error: HubSpotOAuthError): InstallError {
  switch (error.code) {
    case 'invalid_grant':
      return new InstallError(
        'code_exchange_failed',
        'hubspot',
        'HubSpot did not accept the authorization code: it may have expired or already been used.',
      );
    case 'unavailable':
      return new InstallError(
        'provider_unavailable',
        'hubspot',
        'HubSpot could not be reached to finish the install.',
      );
    case 'invalid_client':
    case 'redirect_uri_mismatch':
    case 'rejected':
      return new InstallError(
        'app_misconfigured',
        'hubspot',
        `HubSpot rejected the app's credentials or callback address (${error.code}).`,
      );
  }
}
