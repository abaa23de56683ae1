/**
 * Re-sealing every stored token under the current key, the second half of a key rotation:
 *
 *   1. deploy with the new key as TOKEN_ENCRYPTION_KEY and the old one in TOKEN_ENCRYPTION_KEY_PREVIOUS
 *      (tokens sealed with either open; new ones are sealed with the new key);
 *   2. `npm run tokens:reseal`: every token the old key sealed is rewritten under the new one;
 *   3. drop the old key from TOKEN_ENCRYPTION_KEY_PREVIOUS.
 *
 * Each value is replaced only if it is still the one read (a refresh that stored a new token meanwhile wins,
 * and that token is sealed with the current key already), so this runs safely next to live processes and can
 * be run again: a second run finds nothing to do.
 */
import type { Db } from '../db/knex';
import * as installations from '../db/installations';
import { openToken, sealToken } from './sealedColumns';
import type { TokenCipher } from './tokenCipher';

export interface ResealReport {
  installations: number;
  /** Tokens rewritten under the current key. */
  resealed: number;
  /** Tokens already under the current key. */
  current: number;
  /** Tokens that changed while being resealed (a refresh stored a newer one); already under the current key. */
  changedMeanwhile: number;
  /** Tokens no configured key opens: they stay as they are, and the installation must reconnect. */
  unreadable: Array<{ installationId: string; column: installations.TokenColumnName; reason: string }>;
}

export async function resealTokens(db: Db, cipher: TokenCipher): Promise<ResealReport> {
  const report: ResealReport = {
    installations: 0,
    resealed: 0,
    current: 0,
    changedMeanwhile: 0,
    unreadable: [],
  };
  for (const installation of await installations.list(db)) {
    report.installations += 1;
    const stored = {
      hubspot_access_token: installation.hubspot.accessToken,
      hubspot_refresh_token: installation.hubspot.refreshToken,
      salesforce_access_token: installation.salesforce.accessToken,
      salesforce_refresh_token: installation.salesforce.refreshToken,
    };
    for (const column of installations.tokenColumns) {
      const sealed = stored[column];
      if (!sealed) continue;
      if (!cipher.needsReseal(sealed)) {
        report.current += 1;
        continue;
      }
      const opened = openToken(cipher, installation.id, column, sealed);
      if (!opened.ok) {
        report.unreadable.push({ installationId: installation.id, column, reason: opened.error.message });
        continue;
      }
      const resealed = sealToken(cipher, installation.id, column, opened.value);
      if (await installations.replaceSealedToken(db, installation.id, column, sealed, resealed)) {
        report.resealed += 1;
      } else {
        report.changedMeanwhile += 1;
      }
    }
  }
  return report;
}
