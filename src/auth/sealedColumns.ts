/**
 * Sealing and opening the installation's token columns. The context binds each ciphertext to its row and
 * column, so a value copied elsewhere in the table does not open.
 */
import type { Result } from '../domain/result';
import { CredentialsError } from './errors';
import { TokenCipherError, type SealedToken, type TokenCipher } from './tokenCipher';

export type TokenColumn =
  'hubspot_access_token' | 'hubspot_refresh_token' | 'salesforce_access_token' | 'salesforce_refresh_token';

const contextOf = (installationId: string, column: TokenColumn) =>
  `installations/${installationId}/${column}`;

export function sealToken(
  cipher: TokenCipher,
  installationId: string,
  column: TokenColumn,
  plaintext: string,
): SealedToken {
  return cipher.seal(plaintext, contextOf(installationId, column));
}

export function openToken(
  cipher: TokenCipher,
  installationId: string,
  column: TokenColumn,
  sealed: SealedToken,
): Result<string, CredentialsError> {
  try {
    return { ok: true, value: cipher.open(sealed, contextOf(installationId, column)) };
  } catch (error) {
    if (!(error instanceof TokenCipherError)) throw error;
    return {
      ok: false,
      error: new CredentialsError(
        'token_unreadable',
        `the stored ${column} cannot be decrypted: ${error.message}`,
      ),
    };
  }
}
