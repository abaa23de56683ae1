/**
 * The admin's own pause switch (`PUT /api/sync/pause`, or `paused` in a saved settings document). It is kept
 * apart from pauses caused by a lost connection: resuming does not start sync while Salesforce still needs a
 * reconnect, and a reconnect does not resume what the admin paused.
 */
import type { BridgeContext } from '../auth/bridgeContext';
import * as auditEntries from '../db/auditEntries';
import * as installations from '../db/installations';
import type { Requester } from '../domain/actors';
import { err, ok, type Result } from '../domain/result';

/** Why the switch could not be moved: the installation is gone. */
export interface PauseRefused {
  readonly code: 'installation_missing';
  readonly message: string;
}

/**
 * Pauses or resumes; with the person (or the operator) who asked, the audit log says who, in the same
 * transaction.
 */
export async function setAdminPause(
  ctx: BridgeContext,
  installationId: string,
  paused: boolean,
  person?: Requester,
): Promise<Result<installations.Installation, PauseRefused>> {
  const result = await ctx.db.transaction(async (trx) => {
    const now = ctx.now();
    const applied = await installations.applyEvent(
      trx,
      installationId,
      paused ? 'paused_by_admin' : 'resumed_by_admin',
      now,
    );
    if (applied.ok && person) {
      await auditEntries.append(trx, [
        auditEntries.personEntry({
          installationId,
          person,
          action: paused ? 'sync_paused' : 'sync_resumed',
          reason: paused ? 'paused_by_admin' : 'resumed_by_admin',
          occurredAt: now,
        }),
      ]);
    }
    return applied;
  });
  if (!result.ok) {
    return err({
      code: 'installation_missing',
      message: `Sync cannot be ${paused ? 'paused' : 'resumed'}: ${result.reason}.`,
    });
  }
  ctx.logger.info(
    { installationId, paused, syncPaused: result.installation.syncPaused },
    'admin pause changed',
  );
  return ok(result.installation);
}
