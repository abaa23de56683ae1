import crypto from 'node:crypto';
import {
  createTokenCipher,
  isSealedToken,
  keyIdOf,
  TokenCipherError,
  type SealedToken,
} from '../../../src/auth/tokenCipher';

const keyA = crypto.randomBytes(32);
const keyB = crypto.randomBytes(32);
const context = 'installations/abc/hubspot_access_token';

function expectCipherError(run: () => unknown, code: TokenCipherError['code']): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TokenCipherError);
    expect((error as TokenCipherError).code).toBe(code);
    return;
  }
  throw new Error(`expected a ${code} TokenCipherError`);
}

describe('token cipher', () => {
  it('seals to a prefixed value that opens to the original, and never contains it', () => {
    const cipher = createTokenCipher(keyA);
    const plaintext = 'CKDZ-access-token-1234567890';
    const sealed = cipher.seal(plaintext, context);
    expect(sealed.startsWith(`v1.${keyIdOf(keyA)}.`)).toBe(true);
    expect(isSealedToken(sealed)).toBe(true);
    expect(sealed).not.toContain(plaintext);
    expect(cipher.open(sealed, context)).toBe(plaintext);
  });

  it('uses a fresh IV each time, so equal tokens give different ciphertexts', () => {
    const cipher = createTokenCipher(keyA);
    expect(cipher.seal('same', context)).not.toBe(cipher.seal('same', context));
  });

  it('round-trips empty and non-ASCII values', () => {
    const cipher = createTokenCipher(keyA);
    for (const value of ['', 'ünïcødé ✓ 00D5e000000ABCD!AQ4AQ']) {
      expect(cipher.open(cipher.seal(value, context), context)).toBe(value);
    }
  });

  it('refuses a value moved to another row or column', () => {
    const cipher = createTokenCipher(keyA);
    const sealed = cipher.seal('token', context);
    expectCipherError(() => cipher.open(sealed, 'installations/other/hubspot_access_token'), 'does_not_open');
    expectCipherError(() => cipher.open(sealed, 'installations/abc/hubspot_refresh_token'), 'does_not_open');
  });

  it('detects any altered byte', () => {
    const cipher = createTokenCipher(keyA);
    const sealed = cipher.seal('a token worth protecting', context);
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3] as string, 'base64url');
    body[0] = (body[0] as number) ^ 1;
    parts[3] = body.toString('base64url');
    expectCipherError(() => cipher.open(parts.join('.') as SealedToken, context), 'does_not_open');
  });

  it('names the key in the prefix so rotated keys keep opening old values', () => {
    const old = createTokenCipher(keyA);
    const sealedWithOld = old.seal('token', context);
    const rotated = createTokenCipher(keyB, [keyA]);
    expect(rotated.open(sealedWithOld, context)).toBe('token');
    expect(rotated.needsReseal(sealedWithOld)).toBe(true);
    expect(rotated.needsReseal(rotated.seal('token', context))).toBe(false);
  });

  it('says clearly when the key that sealed a value is not configured', () => {
    const sealed = createTokenCipher(keyA).seal('token', context);
    expectCipherError(() => createTokenCipher(keyB).open(sealed, context), 'unknown_key');
  });

  it('rejects values that are not sealed tokens', () => {
    const cipher = createTokenCipher(keyA);
    expect(isSealedToken('plain-refresh-token')).toBe(false);
    expectCipherError(() => cipher.open('plain-refresh-token' as SealedToken, context), 'malformed');
  });

  it('accepts only 32-byte keys', () => {
    expectCipherError(() => createTokenCipher(crypto.randomBytes(16)), 'bad_key');
  });
});
