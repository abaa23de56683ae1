/** Installation rows for tests, with real sealed tokens. */
import { sealToken } from '../../src/auth/sealedColumns';
import type { TokenCipher } from '../../src/auth/tokenCipher';
import * as installations from '../../src/db/installations';
import type { Db } from '../../src/db/knex';

let portalCounter = 9_000_000;

export async function makeInstallation(
  db: Db,
  cipher: TokenCipher,
  options: {
    now?: number;
    portalId?: string;
    accessToken?: string;
    refreshToken?: string;
    expiresAt?: number;
  } = {},
): Promise<installations.Installation> {
  const id = installations.newInstallationId();
  const now = options.now ?? Date.now();
  portalCounter += 1;
  return installations.insert(db, {
    id,
    portalId: options.portalId ?? String(portalCounter),
    now,
    patch: {
      hubspotAccessToken: sealToken(
        cipher,
        id,
        'hubspot_access_token',
        options.accessToken ?? `access-${id}`,
      ),
      hubspotRefreshToken: sealToken(
        cipher,
        id,
        'hubspot_refresh_token',
        options.refreshToken ?? `refresh-${id}`,
      ),
      hubspotTokenExpiresAt: options.expiresAt ?? now + 1_800_000,
      hubspotScopes: ['oauth'],
    },
  });
}
