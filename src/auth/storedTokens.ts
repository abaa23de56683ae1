/**
 * The tokens an installation holds, read and opened: a HubSpot access token still good for a while, a
 * connected Salesforce org and its access token. No provider call happens here.
 */
import type { BridgeContext } from './bridgeContext';
import * as installations from '../db/installations';
import { err, ok, type Result } from '../domain/result';
import { CredentialsError } from './errors';
import { openToken } from './sealedColumns';

/** A HubSpot access token with less than this left is refreshed (HubSpot advises tracking expiry). */
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

/** The stored HubSpot access token if usable as is; null when it is due for a refresh (or is `rejected`). */
export async function storedHubSpotToken(
  ctx: BridgeContext,
  installationId: string,
  rejected: string | undefined,
): Promise<Result<HubSpotAccess | null, CredentialsError>> {
  const installation = await installations.findById(ctx.db, installationId);
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
  const opened = openToken(ctx.cipher, installationId, 'hubspot_access_token', accessToken);
  if (!opened.ok) return opened;
  const fresh = tokenExpiresAt !== null && tokenExpiresAt - ctx.now() > HUBSPOT_REFRESH_MARGIN_MS;
  if (!fresh || opened.value === rejected) return ok(null);
  return ok({ accessToken: opened.value, expiresAt: tokenExpiresAt, portalId: installation.portalId });
}

/** The Salesforce side of an installation, if it is connected and usable. */
export function connectedSalesforce(
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
      new CredentialsError('salesforce_not_connected', 'no Salesforce org is connected to this installation'),
    );
  }
  return ok({ loginUrl, instanceUrl, accessToken, installation });
}

/** The stored Salesforce access token, or null when it is `rejected` (refresh it). */
export async function storedSalesforceToken(
  ctx: BridgeContext,
  installationId: string,
  rejected: string | null,
): Promise<Result<SalesforceAccess | null, CredentialsError>> {
  const installation = await installations.findById(ctx.db, installationId);
  const usable = connectedSalesforce(installationId, installation);
  if (!usable.ok) return usable;
  const opened = openToken(ctx.cipher, installationId, 'salesforce_access_token', usable.value.accessToken);
  if (!opened.ok) return opened;
  return ok(
    opened.value === rejected ? null : { accessToken: opened.value, instanceUrl: usable.value.instanceUrl },
  );
}

export function notFound(installationId: string): CredentialsError {
  return new CredentialsError('installation_not_found', `installation ${installationId} does not exist`);
}
