/**
 * The token_refresh_leases table: who may refresh an installation's token for a provider right now.
 *
 * Acquiring is one statement (insert, or take over an expired lease), atomic on SQLite and PostgreSQL alike,
 * so two processes can never both hold a live lease. The holder renews it while its refresh runs, and
 * releases it when done or when it gives up; a lease nobody renews expires, so a dead holder frees it.
 */
import { lockForUpdate, type Queryable } from './support';

export const TOKEN_REFRESH_LEASES = 'token_refresh_leases';

export const leaseProviders = ['hubspot', 'salesforce'] as const;
export type LeaseProvider = (typeof leaseProviders)[number];

export interface TokenRefreshLeaseRow {
  installation_id: string;
  provider: string;
  holder: string;
  acquired_at: number;
  expires_at: number;
}

export interface TokenRefreshLease {
  installationId: string;
  provider: LeaseProvider;
  holder: string;
  acquiredAt: number;
  expiresAt: number;
}

/** True if `holder` now holds the lease (newly, or because the previous holder's lease had expired). */
export async function tryAcquire(
  db: Queryable,
  input: { installationId: string; provider: LeaseProvider; holder: string; now: number; ttlMs: number },
): Promise<boolean> {
  await db.raw(
    `INSERT INTO ${TOKEN_REFRESH_LEASES} (installation_id, provider, holder, acquired_at, expires_at)
     VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (installation_id, provider) DO UPDATE
       SET holder = excluded.holder, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at
       WHERE ${TOKEN_REFRESH_LEASES}.expires_at <= ?`,
    [input.installationId, input.provider, input.holder, input.now, input.now + input.ttlMs, input.now],
  );
  const row = await db<TokenRefreshLeaseRow>(TOKEN_REFRESH_LEASES)
    .where({ installation_id: input.installationId, provider: input.provider })
    .first();
  return row?.holder === input.holder;
}

/** Moves the expiry of a live lease on; false if `holder` no longer has it (it expired and was taken). */
export async function renew(
  db: Queryable,
  input: { installationId: string; provider: LeaseProvider; holder: string; now: number; ttlMs: number },
): Promise<boolean> {
  const updated = await db<TokenRefreshLeaseRow>(TOKEN_REFRESH_LEASES)
    .where({ installation_id: input.installationId, provider: input.provider, holder: input.holder })
    .where('expires_at', '>', input.now)
    .update({ expires_at: input.now + input.ttlMs });
  return updated === 1;
}

/**
 * Whether `holder` still has a live lease. Inside a transaction the row stays locked (PostgreSQL) until it
 * ends, so nobody can take the lease over between this check and the write it guards.
 */
export async function isHeld(
  db: Queryable,
  input: { installationId: string; provider: LeaseProvider; holder: string; now: number },
): Promise<boolean> {
  const row = await lockForUpdate(
    db,
    db<TokenRefreshLeaseRow>(TOKEN_REFRESH_LEASES).where({
      installation_id: input.installationId,
      provider: input.provider,
    }),
  ).first();
  return row?.holder === input.holder && Number(row.expires_at) > input.now;
}

/** Gives the lease up, if `holder` still has it. */
export async function release(
  db: Queryable,
  input: { installationId: string; provider: LeaseProvider; holder: string },
): Promise<void> {
  await db<TokenRefreshLeaseRow>(TOKEN_REFRESH_LEASES)
    .where({ installation_id: input.installationId, provider: input.provider, holder: input.holder })
    .delete();
}

export async function find(
  db: Queryable,
  installationId: string,
  provider: LeaseProvider,
): Promise<TokenRefreshLease | null> {
  const row = await db<TokenRefreshLeaseRow>(TOKEN_REFRESH_LEASES)
    .where({ installation_id: installationId, provider })
    .first();
  if (!row) return null;
  return {
    installationId: row.installation_id,
    provider: provider,
    holder: row.holder,
    acquiredAt: Number(row.acquired_at),
    expiresAt: Number(row.expires_at),
  };
}
