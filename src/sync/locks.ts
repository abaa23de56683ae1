/**
 * Record locks across worker processes, so that no record is synced by two workers at once.
 *
 * The dirty queue already gives each dirty row to one worker, but a link has two records: one worker may
 * hold the HubSpot contact's row while another holds its Salesforce record's row, and both would read,
 * plan and write the same pair. Before touching a record, a worker takes a lock on every record the work
 * involves; work whose locks another worker holds is put back for a moment instead of waiting.
 *
 * PostgreSQL: session advisory locks on one connection set aside for the batch. They do not block any row
 * update (recording runs in ordinary transactions that commit record by record), and they vanish with the
 * connection if the worker dies. SQLite: a single worker process by design, so there is nothing to lock.
 */
import type { Knex } from 'knex';
import { dialectOfDb } from '../db/knex';

export interface RecordLocks {
  /** Takes every key or none; false when another worker holds one of them. Keys already held succeed. */
  tryLock(keys: readonly string[]): Promise<boolean>;
  /** The keys held now. */
  held(): string[];
  /** Releases every lock this holder took and gives its connection back. */
  release(): Promise<void>;
}

export function recordLockKey(installationId: string, side: 'hubspot' | 'salesforce', id: string): string {
  // Salesforce ids name one record by their first 15 characters.
  return `${installationId}:${side}:${side === 'salesforce' ? id.slice(0, 15) : id}`;
}

/** SQLite: nothing to lock, but the keys are kept so log lines say what the worker held. */
function localLocks(): RecordLocks {
  const held = new Set<string>();
  return {
    tryLock: async (keys) => {
      for (const key of keys) held.add(key);
      return true;
    },
    held: () => [...held],
    release: async () => held.clear(),
  };
}

interface PooledClient {
  acquireConnection(): Promise<unknown>;
  releaseConnection(connection: unknown): Promise<void>;
}

export async function openRecordLocks(db: Knex): Promise<RecordLocks> {
  if (dialectOfDb(db) !== 'postgres') return localLocks();
  const client = db.client as unknown as PooledClient;
  const connection = await client.acquireConnection();
  const held = new Set<string>();
  let released = false;
  const run = async (sql: string, bindings: readonly string[]) =>
    (await db.raw(sql, [...bindings]).connection(connection as never)) as { rows: Array<{ ok: boolean }> };
  return {
    async tryLock(keys) {
      const taken: string[] = [];
      for (const key of new Set(keys)) {
        if (held.has(key)) continue;
        const result = await run('SELECT pg_try_advisory_lock(hashtextextended(?, 0)) AS ok', [key]);
        if (!result.rows[0]?.ok) {
          for (const undo of taken) {
            await run('SELECT pg_advisory_unlock(hashtextextended(?, 0)) AS ok', [undo]);
            held.delete(undo);
          }
          return false;
        }
        taken.push(key);
        held.add(key);
      }
      return true;
    },
    held: () => [...held],
    async release() {
      if (released) return;
      released = true;
      try {
        if (held.size > 0) await run('SELECT pg_advisory_unlock_all() IS NULL AS ok', []);
      } finally {
        held.clear();
        await client.releaseConnection(connection);
      }
    },
  };
}
