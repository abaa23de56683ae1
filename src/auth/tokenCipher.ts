/**
 * Tokens at rest: AES-256-GCM, one random 96-bit IV per value, the key id in a prefix.
 *
 *   sealed = "v1." + keyId + "." + base64url(iv) + "." + base64url(ciphertext) + "." + base64url(tag)
 *
 * The key id is a fingerprint of the key (not the key), so a value names the key that opens it and keys
 * can rotate: a new current key seals, older keys still open, and `needsReseal` tells which values to
 * rewrite. The caller passes a context (installation id and column) as additional authenticated data, so a
 * ciphertext copied into another row or column does not open.
 */
import crypto from 'node:crypto';
import { isSealedToken, SEALED_TOKEN_VERSION, type SealedToken } from '../domain/sealedToken';

export { isSealedToken, type SealedToken };

const FORMAT_VERSION = SEALED_TOKEN_VERSION;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class TokenCipherError extends Error {
  constructor(
    readonly code: 'malformed' | 'unknown_key' | 'does_not_open' | 'bad_key',
    message: string,
  ) {
    super(message);
    this.name = 'TokenCipherError';
  }
}

export interface TokenCipher {
  /** Fingerprint of the key that seals new values. */
  readonly currentKeyId: string;
  seal(plaintext: string, context: string): SealedToken;
  /** Throws TokenCipherError if the value was not sealed by one of the known keys with this context. */
  open(sealed: SealedToken, context: string): string;
  /** True when a value was sealed with an older key and should be rewritten with the current one. */
  needsReseal(sealed: SealedToken): boolean;
}

/** The public id of a key: enough to pick the right key, useless for recovering it. */
export function keyIdOf(key: Buffer): string {
  return crypto.createHash('sha256').update('token-key-id:').update(key).digest('hex').slice(0, 16);
}

/**
 * @param current the key new values are sealed with (32 bytes, from TOKEN_ENCRYPTION_KEY)
 * @param previous keys that may still have sealed stored values, during a rotation
 */
export function createTokenCipher(current: Buffer, previous: readonly Buffer[] = []): TokenCipher {
  const keys = new Map<string, Buffer>();
  for (const key of [current, ...previous]) {
    if (key.length !== 32) throw new TokenCipherError('bad_key', 'token encryption keys must be 32 bytes');
    keys.set(keyIdOf(key), Buffer.from(key));
  }
  const currentKeyId = keyIdOf(current);

  return {
    currentKeyId,
    seal(plaintext, context) {
      const iv = crypto.randomBytes(IV_BYTES);
      const cipher = crypto.createCipheriv('aes-256-gcm', current, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return [FORMAT_VERSION, currentKeyId, b64(iv), b64(ciphertext), b64(tag)].join('.') as SealedToken;
    },
    open(sealed, context) {
      if (!isSealedToken(sealed)) throw new TokenCipherError('malformed', 'not a sealed token');
      const [, keyId, iv, ciphertext, tag] = sealed.split('.') as [string, string, string, string, string];
      const key = keys.get(keyId);
      if (!key) {
        throw new TokenCipherError(
          'unknown_key',
          `token was sealed with key ${keyId}, which is not configured (TOKEN_ENCRYPTION_KEY changed?)`,
        );
      }
      try {
        const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), {
          authTagLength: TAG_BYTES,
        });
        decipher.setAAD(Buffer.from(context, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([
          decipher.update(Buffer.from(ciphertext, 'base64url')),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        throw new TokenCipherError(
          'does_not_open',
          'token does not open with its key and context (altered, or moved from another row)',
        );
      }
    },
    needsReseal(sealed) {
      return !sealed.startsWith(`${FORMAT_VERSION}.${currentKeyId}.`);
    },
  };
}

function b64(bytes: Buffer): string {
  return bytes.toString('base64url');
}
