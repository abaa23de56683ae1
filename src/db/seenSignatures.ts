/**
 * The seen_signatures table: hashes of the signatures of signed write requests already answered, until the
 * signature would be refused as stale anyway. Remembering is one insert, so of two processes receiving the same
 * request at once exactly one goes on.
 */
import { isUniqueViolation, type Queryable } from './support';

export const SEEN_SIGNATURES = 'seen_signatures';

export interface SeenSignatureRow {
  signature_hash: string;
  expires_at: number;
}

/** True the first time a signature is seen; false when it was seen before (a replay). */
export async function remember(
  db: Queryable,
  input: { signatureHash: string; expiresAt: number },
): Promise<boolean> {
  try {
    await db<SeenSignatureRow>(SEEN_SIGNATURES).insert({
      signature_hash: input.signatureHash,
      expires_at: input.expiresAt,
    });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/** Forgets one signature (its request failed on our side, so a retry of it is welcome). */
export async function forget(db: Queryable, signatureHash: string): Promise<void> {
  await db<SeenSignatureRow>(SEEN_SIGNATURES).where({ signature_hash: signatureHash }).delete();
}

/** Forgets signatures that expired before `before`. */
export async function deleteExpired(db: Queryable, before: number): Promise<number> {
  return db<SeenSignatureRow>(SEEN_SIGNATURES).where('expires_at', '<', before).delete();
}

export async function exists(db: Queryable, signatureHash: string): Promise<boolean> {
  return (
    (await db<SeenSignatureRow>(SEEN_SIGNATURES).where({ signature_hash: signatureHash }).first()) !==
    undefined
  );
}
