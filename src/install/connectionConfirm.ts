/**
 * Confirming a Salesforce connection that was made from a settings-page link. Such a link works in any
 * browser, so the org it connected may not be the one the portal meant (a link forwarded to the wrong
 * person, or one that leaked): the connection waits, with sync paused, until a settings manager who has seen
 * which org it is, and who connected it, confirms it. Confirming names the org, so a confirmation given for
 * one connection never applies to another made meanwhile.
 */
import type { BridgeContext } from '../auth/bridgeContext';
import * as auditEntries from '../db/auditEntries';
import * as installations from '../db/installations';
import type { HubSpotPerson } from '../domain/actors';
import { err, ok, type Result } from '../domain/result';

export type ConfirmRefusal =
  { code: 'nothing_to_confirm'; message: string } | { code: 'connection_changed'; message: string };

export async function confirmSalesforceConnection(
  ctx: Pick<BridgeContext, 'db' | 'now' | 'logger'>,
  installationId: string,
  orgId: string,
  person: HubSpotPerson,
): Promise<Result<installations.Installation, ConfirmRefusal>> {
  const result = await ctx.db.transaction(async (trx) => {
    const now = ctx.now();
    const applied = await installations.applyEvent(
      trx,
      installationId,
      'salesforce_connection_confirmed',
      now,
      (current) => ({
        salesforceConnectionOrigin: current.salesforce.connectionOrigin && {
          ...current.salesforce.connectionOrigin,
          confirmedBy: { userId: person.userId, email: person.email },
          confirmedAt: now,
        },
      }),
      { onlyIf: (current) => !current.state.awaitingConfirmation || current.salesforce.orgId === orgId },
    );
    if (applied.ok) {
      await auditEntries.append(trx, [
        auditEntries.personEntry({
          installationId,
          person,
          action: 'salesforce_connection_confirmed',
          reason: 'confirmed_by_admin',
          after: {
            orgId,
            username: applied.installation.salesforce.username,
            requestedBy: applied.previous.salesforce.connectionOrigin?.requestedBy.email ?? null,
          },
          occurredAt: now,
        }),
      ]);
    }
    return applied;
  });
  if (!result.ok) {
    const current = result.installation;
    if (current?.state.awaitingConfirmation) {
      return err({
        code: 'connection_changed',
        message:
          `The Salesforce connection waiting for confirmation is now org ${current.salesforce.orgId ?? 'unknown'}, ` +
          `not ${orgId}: reload the page and check it before confirming.`,
      });
    }
    return err({
      code: 'nothing_to_confirm',
      message:
        'No Salesforce connection is waiting for confirmation; reload the page to see the current state.',
    });
  }
  ctx.logger.info({ installationId, orgId }, 'Salesforce connection confirmed');
  return ok(result.installation);
}
