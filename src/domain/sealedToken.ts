/**
 * A token encrypted at rest, as the database layer accepts it (src/db/installations.ts refuses anything
 * else, so a plain token can never reach a table). The cipher that makes and opens them is
 * src/auth/tokenCipher.ts; the format it writes:
 *
 *   sealed = "v1." + keyId + "." + base64url(iv) + "." + base64url(ciphertext) + "." + base64url(tag)
 */
declare const sealedBrand: unique symbol;
/** A token encrypted by src/auth/tokenCipher.ts; the only kind of token the database layer accepts. */
export type SealedToken = string & { readonly [sealedBrand]: true };

export const SEALED_TOKEN_VERSION = 'v1';
const SEALED_PATTERN = /^v1\.[0-9a-f]{16}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]{22}$/;

export function isSealedToken(value: unknown): value is SealedToken {
  return typeof value === 'string' && SEALED_PATTERN.test(value);
}
