/**
 * One Salesforce org held in memory: its schema, its records (live and in the recycle bin), the
 * unique-value indexes, its API usage and its settings. Every record write goes through put(), which
 * keeps the indexes right and journals the previous state so a failed transaction can be undone.
 */

import { defaultSchema } from '../schema/default-schema';
import type { FieldDef, ObjectDef, StoredFields } from '../schema/types';
import { keyPrefixOf } from './ids';
import { ApiUsage } from './usage';

export type OrgKind = 'production' | 'sandbox';
export type UserRole = 'admin' | 'rep' | 'user';

export interface StoredRecord {
  readonly type: string;
  readonly fields: StoredFields;
  /** Set while the record sits in the recycle bin. */
  readonly deletedAtMs: number | null;
  /** The record whose delete took this one along (Account → Contacts → contact roles). */
  readonly cascadeFromId: string | null;
  /**
   * Deleted directly but kept out of the recycle bin (an OpportunityContactRole deleted on its own): the
   * replication API's `deleted` lists it, queryAll does not see it, and it cannot be undeleted.
   */
  readonly outsideBin?: boolean;
}

export interface OrgSettings {
  rotateRefreshTokens: boolean;
  /** Sessions end after this much inactivity (Salesforce's default session timeout is 2 hours). */
  accessTokenTtlMs: number;
  dailyApiLimit: number;
  /** Salesforce keeps at most five refresh tokens per user and app; the oldest is revoked. */
  maxRefreshTokensPerUser: number;
  /** Days a deleted record stays in the recycle bin before it is purged for good. */
  recycleBinDays: number;
  /**
   * The most rows one query batch holds (2,000 is Salesforce's maximum; it hands out fewer when rows are
   * large or complex, and at most 200 when Long Text Area fields are selected).
   */
  queryBatchSize: number;
}

export const DEFAULT_ORG_SETTINGS: OrgSettings = {
  rotateRefreshTokens: false,
  accessTokenTtlMs: 2 * 60 * 60 * 1000,
  dailyApiLimit: 100_000,
  maxRefreshTokensPerUser: 5,
  recycleBinDays: 15,
  queryBatchSize: 2000,
};

type UndoEntry = { id: string; type: string; previous: StoredRecord | undefined };

/** One record's net change in a committed transaction. */
export interface CommittedChange {
  id: string;
  type: string;
  previous: StoredRecord | undefined;
  current: StoredRecord | undefined;
}

export class Org {
  readonly schema = new Map<string, ObjectDef>();
  private readonly tables = new Map<string, Map<string, StoredRecord>>();
  private readonly uniqueIndexes = new Map<string, Map<string, string>>();
  readonly userRoles = new Map<string, UserRole>();
  readonly usage: ApiUsage;
  private journal: UndoEntry[] | null = null;
  /** Ids of the records in the recycle bin, so purges need not scan every table. */
  private readonly bin = new Set<string>();
  /**
   * Deletion time of the newest record purged from the recycle bin: the replication API's
   * earliestDateAvailable. A new org pretends its bin was last emptied one retention period ago.
   */
  lastPurgeMs: number;
  /** Told about every committed transaction (Change Data Capture listens here). */
  onCommit: ((changes: CommittedChange[]) => void) | null = null;
  /** Where the writes being made come from, for change events (`com/salesforce/api/rest/62.0;client=x`). */
  changeOrigin = '';

  constructor(
    readonly id: string,
    readonly name: string,
    readonly kind: OrgKind,
    readonly createdAtMs: number,
    readonly settings: OrgSettings,
  ) {
    for (const object of defaultSchema()) this.defineObject(object);
    this.usage = new ApiUsage();
    this.lastPurgeMs = createdAtMs - settings.recycleBinDays * 86_400_000;
  }

  // ---- schema -------------------------------------------------------------------------------

  defineObject(object: ObjectDef): void {
    this.schema.set(object.name.toLowerCase(), object);
    if (!this.tables.has(object.name)) this.tables.set(object.name, new Map());
    this.rebuildIndexes(object);
  }

  object(name: string): ObjectDef | undefined {
    return this.schema.get(name.toLowerCase());
  }

  objectByKeyPrefix(prefix: string): ObjectDef | undefined {
    for (const object of this.schema.values()) if (object.keyPrefix === prefix) return object;
    return undefined;
  }

  // ---- records ------------------------------------------------------------------------------

  get(id: string): StoredRecord | undefined {
    const object = this.objectByKeyPrefix(keyPrefixOf(id));
    return object ? this.tables.get(object.name)?.get(id) : undefined;
  }

  /** Every stored record of a type, in id (= creation) order, recycle bin included. */
  all(type: string): IterableIterator<StoredRecord> {
    return (this.tables.get(type) ?? new Map<string, StoredRecord>()).values();
  }

  count(type: string): number {
    return this.tables.get(type)?.size ?? 0;
  }

  /** Writes (or with undefined removes) a record, maintaining indexes and the undo journal. */
  put(id: string, type: string, next: StoredRecord | undefined): void {
    const table = this.tables.get(type);
    if (!table) throw new Error(`no table for ${type}`);
    const previous = table.get(id);
    this.journal?.push({ id, type, previous });
    this.unindex(type, id, previous);
    if (next) table.set(id, next);
    else table.delete(id);
    this.index(type, id, next);
    if (next && next.deletedAtMs !== null) this.bin.add(id);
    else this.bin.delete(id);
  }

  /** Removes for good the recycle-bin records deleted before `cutoffMs` (all of them without one). */
  purgeBin(cutoffMs = Number.POSITIVE_INFINITY): number {
    let purged = 0;
    for (const id of [...this.bin]) {
      const record = this.get(id);
      if (!record || record.deletedAtMs === null || record.deletedAtMs >= cutoffMs) continue;
      this.lastPurgeMs = Math.max(this.lastPurgeMs, record.deletedAtMs);
      this.put(id, record.type, undefined);
      purged += 1;
    }
    return purged;
  }

  /** A hard delete: the record, and what its delete took along, skip the recycle bin. */
  erase(id: string): void {
    for (const binned of [...this.bin]) {
      const record = this.get(binned);
      if (record && (binned === id || record.cascadeFromId === id)) this.put(binned, record.type, undefined);
    }
  }

  /**
   * Runs fn so that either all of its writes stay or, if it throws, none do. Nests: an inner
   * failure undoes only the inner writes, which is how per-record failures stay isolated.
   */
  atomic<T>(fn: () => T): T {
    const outermost = this.journal === null;
    if (outermost) this.journal = [];
    const journal = this.journal as UndoEntry[];
    const mark = journal.length;
    let result: T;
    try {
      result = fn();
    } catch (error) {
      while (journal.length > mark) {
        const entry = journal.pop() as UndoEntry;
        const table = this.tables.get(entry.type) as Map<string, StoredRecord>;
        this.unindex(entry.type, entry.id, table.get(entry.id));
        if (entry.previous) table.set(entry.id, entry.previous);
        else table.delete(entry.id);
        this.index(entry.type, entry.id, entry.previous);
        if (entry.previous && entry.previous.deletedAtMs !== null) this.bin.add(entry.id);
        else this.bin.delete(entry.id);
      }
      throw error;
    } finally {
      if (outermost) this.journal = null;
    }
    if (outermost) this.commit(journal);
    return result;
  }

  private commit(journal: UndoEntry[]): void {
    if (!this.onCommit || journal.length === 0) return;
    const net = new Map<string, CommittedChange>();
    for (const entry of journal) {
      if (!net.has(entry.id))
        net.set(entry.id, { id: entry.id, type: entry.type, previous: entry.previous, current: undefined });
    }
    for (const change of net.values()) change.current = this.tables.get(change.type)?.get(change.id);
    this.onCommit([...net.values()]);
  }

  // ---- unique indexes -----------------------------------------------------------------------

  /** The live record holding this value in a unique field, if any. */
  findUnique(type: string, field: FieldDef, value: string): string | undefined {
    return this.uniqueIndexes.get(`${type}.${field.name}`)?.get(uniqueKey(field, value));
  }

  rebuildIndexes(object: ObjectDef): void {
    for (const key of [...this.uniqueIndexes.keys()]) {
      if (key.startsWith(`${object.name}.`)) this.uniqueIndexes.delete(key);
    }
    for (const field of object.fields) {
      if (field.unique) this.uniqueIndexes.set(`${object.name}.${field.name}`, new Map());
    }
    for (const [id, record] of this.tables.get(object.name) ?? []) this.index(object.name, id, record);
  }

  private index(type: string, id: string, record: StoredRecord | undefined): void {
    if (!record || record.deletedAtMs !== null) return;
    for (const field of this.uniqueFields(type)) {
      const value = record.fields[field.name];
      if (value !== null && value !== undefined) {
        this.uniqueIndexes.get(`${type}.${field.name}`)?.set(uniqueKey(field, String(value)), id);
      }
    }
  }

  private unindex(type: string, id: string, record: StoredRecord | undefined): void {
    if (!record || record.deletedAtMs !== null) return;
    for (const field of this.uniqueFields(type)) {
      const value = record.fields[field.name];
      if (value === null || value === undefined) continue;
      const index = this.uniqueIndexes.get(`${type}.${field.name}`);
      const key = uniqueKey(field, String(value));
      if (index?.get(key) === id) index.delete(key);
    }
  }

  private uniqueFields(type: string): FieldDef[] {
    return this.object(type)?.fields.filter((f) => f.unique) ?? [];
  }
}

function uniqueKey(field: FieldDef, value: string): string {
  return field.caseSensitive ? value : value.toLowerCase();
}
