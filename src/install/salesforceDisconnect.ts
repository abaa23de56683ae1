/**
 * Disconnecting Salesforce at the admin's request: the tokens are deleted and revoked, sync pauses, and
 * everything else (the org id, links, settings, queued work) stays, so connecting the same org again
 * resumes where it stopped.
 *
 * Except for an installation's first org, disconnected before anyone confirmed it: nothing ever synced with
 * it, so the installation forgets it, and the right org can be connected instead.
 */
import { openToken } from '../auth/sealedColumns';
import { revokeSalesforceToken } from '../connectors/salesforce/oauth';
import { salesforceOAuthApp, type BridgeContext } from '../auth/bridgeContext';
import * as auditEntries from '../db/auditEntries';
import * as installations from '../db/installations';
import type { HubSpotPerson } from '../domain/actors';
import { err, ok, type Result } from '../domain/result';
import { InstallError } from './errors';

export interface DisconnectOutcome {
  installation: installations.Installation;
  /** False when Salesforce could not be reached to revoke; the token is deleted here all the same. */
  revoked: boolean;
}

/** Disconnects; with the person who asked (the settings page), the audit log says who, with the change. */
export async function disconnectSalesforce(
  ctx: BridgeContext,
  installationId: string,
  person?: HubSpotPerson,
): Promise<Result<DisconnectOutcome, InstallError>> {
  // Delete first: once the state says disconnected, no process refreshes (and so rotates) the token anymore.
  const applied = await ctx.db.transaction(async (trx) => {
    const now = ctx.now();
    const result = await installations.applyEvent(
      trx,
      installationId,
      'salesforce_disconnected',
      now,
      (current) => ({
        salesforceAccessToken: null,
        salesforceRefreshToken: null,
        ...(neverConfirmedFirstOrg(current) ? forgottenOrg : {}),
      }),
    );
    if (result.ok && person) {
      await auditEntries.append(trx, [
        auditEntries.personEntry({
          installationId,
          person,
          action: 'salesforce_disconnected',
          reason: 'disconnected_by_admin',
          after: {
            orgId: result.previous.salesforce.orgId,
            forgotten: neverConfirmedFirstOrg(result.previous),
          },
          occurredAt: now,
        }),
      ]);
    }
    return result;
  });
  if (!applied.ok) {
    return err(
      new InstallError(
        'not_connected',
        'salesforce',
        'No Salesforce org is connected, so there is nothing to disconnect.',
      ),
    );
  }
  const { refreshToken, loginUrl } = applied.previous.salesforce;
  let revoked = true;
  if (refreshToken && loginUrl) {
    const opened = openToken(ctx.cipher, installationId, 'salesforce_refresh_token', refreshToken);
    revoked = opened.ok
      ? await revokeSalesforceToken(salesforceOAuthApp(ctx.app, loginUrl), opened.value).then(
          () => true,
          () => false,
        )
      : false;
  }
  const now = ctx.now();
  await installations.update(ctx.db, installationId, now, {
    lastError: revoked
      ? null
      : {
          side: 'salesforce',
          code: 'revoke_failed',
          message:
            'Salesforce was disconnected here, but Salesforce could not be reached to revoke the access it granted. ' +
            'Revoke it under Setup > Connected Apps OAuth Usage.',
          at: now,
        },
  });
  ctx.logger.info({ installationId, revoked }, 'Salesforce disconnected');
  const installation = (await installations.findById(ctx.db, installationId)) ?? applied.installation;
  return ok({ installation, revoked });
}

function neverConfirmedFirstOrg(installation: installations.Installation): boolean {
  return (
    installation.state.awaitingConfirmation &&
    installation.salesforce.connectionOrigin?.previousOrgId === null
  );
}

/** What identifies the org, cleared when an unconfirmed first org is disconnected. */
const forgottenOrg: installations.InstallationPatch = {
  salesforceEnvironment: null,
  salesforceLoginUrl: null,
  salesforceInstanceUrl: null,
  salesforceOrgId: null,
  salesforceUserId: null,
  salesforceUsername: null,
  salesforceScopes: [],
  salesforceCapabilities: null,
  salesforceConnectedAt: null,
  salesforceTokenIssuedAt: null,
  salesforceConnectionOrigin: null,
};
