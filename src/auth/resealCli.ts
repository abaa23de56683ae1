/**
 * `npm run tokens:reseal`: rewrites every stored token under TOKEN_ENCRYPTION_KEY (see reseal.ts for the
 * whole rotation). Needs DATABASE_URL, TOKEN_ENCRYPTION_KEY and, for the tokens to move, the old key in
 * TOKEN_ENCRYPTION_KEY_PREVIOUS. Exits 1 when some token no configured key opens.
 */
import { loadTokenKeysConfigOrExit } from '../config';
import { createDb } from '../db/knex';
import { migrationStatus } from '../db/migrate';
import { resealTokens } from './reseal';
import { createTokenCipher } from './tokenCipher';

async function main(): Promise<number> {
  const config = loadTokenKeysConfigOrExit();
  const cipher = createTokenCipher(config.TOKEN_ENCRYPTION_KEY, config.TOKEN_ENCRYPTION_KEY_PREVIOUS);
  const db = createDb(config.DATABASE_URL);
  try {
    const status = await migrationStatus(db);
    if (status.pending.length > 0) {
      console.error('The database is not migrated yet: run `npm run migrate` (or start the bridge) first.');
      return 1;
    }
    const report = await resealTokens(db, cipher);
    process.stdout.write(
      `Resealed ${report.resealed} token(s) under key ${cipher.currentKeyId} across ${report.installations} installation(s); ` +
        `${report.current} already were, ${report.changedMeanwhile} changed meanwhile (already under the current key).\n`,
    );
    for (const { installationId, column, reason } of report.unreadable) {
      console.error(`Installation ${installationId}, ${column}: ${reason}`);
    }
    if (report.unreadable.length > 0) {
      console.error(
        `${report.unreadable.length} token(s) open with no configured key: keep the key that sealed them in ` +
          'TOKEN_ENCRYPTION_KEY_PREVIOUS and run this again, or reconnect those installations.',
      );
      return 1;
    }
    return 0;
  } finally {
    await db.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('Resealing failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
