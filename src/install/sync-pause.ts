/**
 * The admin's own pause switch. It is kept apart from pauses caused by a lost connection: resuming does not
 * start sync while Salesforce still needs a reconnect, and a reconnect does not resume what the admin paused.
 */
import type { BridgeContext } from '../context';
import * as installations from '../db/installations';
import { err, ok, type Result } from '../domain/result';
import { InstallError } from './errors';

export async function setAdminPause(
  ctx: BridgeContext,
  installationId: string,
  paused: boolean,
): Promise<Result<installations.Installation, InstallError>> {
  const result = await installations.applyEvent(
    ctx.db,
    installationId,
    paused ? 'paused_by_admin' : 'resumed_by_admin',
    ctx.now(),
  );
  if (!result.ok) {
    return err(
      new InstallError(
        'installation_missing',
        'hubspot',
        `Sync cannot be ${paused ? 'paused' : 'resumed'}: ${result.reason}.`,
      ),
    );
  }
  ctx.logger.info(
    { installationId, paused, syncPaused: result.installation.syncPaused },
    'admin pause changed',
  );
  return ok(result.installation);
}
