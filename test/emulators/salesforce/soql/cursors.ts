/**
 * Server-side query cursors: a query's full result is kept and handed out in batches through
 * locators (`01g…-2000`). Like Salesforce, a cursor dies after 15 minutes unused, when its last
 * batch is read, or when the user opens more than ten.
 */

import type { IdGenerator } from '../core/ids';

const IDLE_LIFETIME_MS = 15 * 60 * 1000;
const MAX_OPEN_PER_USER = 10;

interface Cursor {
  id: string;
  orgId: string;
  userId: string;
  records: Record<string, unknown>[];
  batchSize: number;
  lastUsedMs: number;
  openedAtMs: number;
}

export interface Batch {
  totalSize: number;
  done: boolean;
  nextRecordsUrl?: string;
  records: Record<string, unknown>[];
}

export class QueryCursors {
  private readonly cursors = new Map<string, Cursor>();

  /** The first batch of a result, opening a cursor when more remain. */
  open(
    ids: IdGenerator,
    owner: { orgId: string; userId: string },
    records: Record<string, unknown>[],
    batchSize: number,
    version: string,
    nowMs: number,
  ): Batch {
    if (records.length <= batchSize) return { totalSize: records.length, done: true, records };
    const cursor: Cursor = {
      id: ids.next('01g'),
      ...owner,
      records,
      batchSize,
      lastUsedMs: nowMs,
      openedAtMs: nowMs,
    };
    this.cursors.set(cursor.id, cursor);
    this.evict(owner, nowMs);
    return this.batch(cursor, 0, version);
  }

  /** The batch a locator names, or undefined when the locator is unknown, expired or foreign. */
  next(
    locator: string,
    owner: { orgId: string; userId: string },
    version: string,
    nowMs: number,
  ): Batch | undefined {
    const match = /^([0-9A-Za-z]{15,18})-(\d+)$/.exec(locator);
    const cursor = match ? this.cursors.get(match[1] as string) : undefined;
    if (!match || !cursor || cursor.orgId !== owner.orgId) return undefined;
    if (nowMs - cursor.lastUsedMs > IDLE_LIFETIME_MS) {
      this.cursors.delete(cursor.id);
      return undefined;
    }
    const offset = Number(match[2]);
    if (offset >= cursor.records.length) return undefined;
    cursor.lastUsedMs = nowMs;
    return this.batch(cursor, offset, version);
  }

  clear(): void {
    this.cursors.clear();
  }

  private batch(cursor: Cursor, offset: number, version: string): Batch {
    const end = offset + cursor.batchSize;
    const records = cursor.records.slice(offset, end);
    if (end >= cursor.records.length) {
      this.cursors.delete(cursor.id);
      return { totalSize: cursor.records.length, done: true, records };
    }
    return {
      totalSize: cursor.records.length,
      done: false,
      nextRecordsUrl: `/services/data/v${version}/query/${cursor.id}-${end}`,
      records,
    };
  }

  private evict(owner: { orgId: string; userId: string }, nowMs: number): void {
    const mine = [...this.cursors.values()]
      .filter((c) => c.orgId === owner.orgId && c.userId === owner.userId)
      .sort((a, b) => a.openedAtMs - b.openedAtMs);
    for (const cursor of mine.slice(0, Math.max(0, mine.length - MAX_OPEN_PER_USER)))
      this.cursors.delete(cursor.id);
    for (const cursor of this.cursors.values()) {
      if (nowMs - cursor.lastUsedMs > IDLE_LIFETIME_MS) this.cursors.delete(cursor.id);
    }
  }
}
