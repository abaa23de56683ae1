/**
 * The oauth_states table: single-use nonces for OAuth `state` and for connect links. Only the SHA-256 of a
 * nonce is stored, so reading the table gives nothing that can be replayed into a callback.
 */
import { isUniqueViolation, type Queryable } from './support';

export const OAUTH_STATES = 'oauth_states';

export interface OAuthStateRow {
  nonce_hash: string;
  provider: string;
  installation_id: string | null;
  payload: string | null;
  expires_at: number;
  consumed_at: number | null;
  created_at: number;
}

export interface OAuthState {
  nonceHash: string;
  /** What the nonce is for: which OAuth flow, or a connect link. */
  kind: string;
  installationId: string | null;
  /** JSON, validated by the caller that knows the kind. */
  payload: string | null;
  expiresAt: number;
  consumedAt: number | null;
  createdAt: number;
}

const fromRow = (row: OAuthStateRow): OAuthState => ({
  nonceHash: row.nonce_hash,
  kind: row.provider,
  installationId: row.installation_id,
  payload: row.payload,
  expiresAt: Number(row.expires_at),
  consumedAt: row.consumed_at === null ? null : Number(row.consumed_at),
  createdAt: Number(row.created_at),
});

export async function insert(db: Queryable, state: Omit<OAuthState, 'consumedAt'>): Promise<void> {
  await db<OAuthStateRow>(OAUTH_STATES).insert({
    nonce_hash: state.nonceHash,
    provider: state.kind,
    installation_id: state.installationId,
    payload: state.payload,
    expires_at: state.expiresAt,
    consumed_at: null,
    created_at: state.createdAt,
  });
}

/**
 * Records that a self-contained state (one never stored when issued) was used: a row already consumed.
 * False when it was recorded before: the state is being used a second time.
 */
export async function recordUse(
  db: Queryable,
  use: { nonceHash: string; kind: string; expiresAt: number; now: number },
): Promise<boolean> {
  try {
    await db<OAuthStateRow>(OAUTH_STATES).insert({
      nonce_hash: use.nonceHash,
      provider: use.kind,
      installation_id: null,
      payload: null,
      expires_at: use.expiresAt,
      consumed_at: use.now,
      created_at: use.now,
    });
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

export async function findByHash(db: Queryable, nonceHash: string): Promise<OAuthState | null> {
  const row = await db<OAuthStateRow>(OAUTH_STATES).where({ nonce_hash: nonceHash }).first();
  return row ? fromRow(row) : null;
}

/** Marks a nonce used; false if it was already used (by a concurrent request, say). */
export async function markConsumed(db: Queryable, nonceHash: string, now: number): Promise<boolean> {
  const updated = await db<OAuthStateRow>(OAUTH_STATES)
    .where({ nonce_hash: nonceHash })
    .whereNull('consumed_at')
    .update({ consumed_at: now });
  return updated === 1;
}

/** Removes nonces that expired before `before`; used ones are kept until then so a replay is named as such. */
export async function deleteExpired(db: Queryable, before: number): Promise<number> {
  return db<OAuthStateRow>(OAUTH_STATES).where('expires_at', '<', before).delete();
}
