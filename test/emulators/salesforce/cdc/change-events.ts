/**
 * Change Data Capture events: each committed transaction on Account, Contact, Lead or Opportunity
 * becomes CREATE / UPDATE / DELETE / UNDELETE events sharing a transactionKey, numbered with a
 * per-org replayId and retained for 72 hours.
 */

import { randomUUID } from 'node:crypto';
import type { CommittedChange, Org, StoredRecord } from '../core/org';
import type { FieldDef, ObjectDef } from '../schema/types';

export const CDC_ENTITIES = ['Account', 'Contact', 'Lead', 'Opportunity'];
const RETENTION_MS = 72 * 3600 * 1000;
/** Fields a change event never carries: the key (in recordIds) and bookkeeping. */
const SKIPPED = new Set(['Id', 'IsDeleted', 'SystemModstamp']);

export type ChangeType = 'CREATE' | 'UPDATE' | 'DELETE' | 'UNDELETE';

export interface ChangeEvent {
  replayId: number;
  entityName: string;
  commitTimestampMs: number;
  data: { schema: string; payload: Record<string, unknown>; event: { replayId: number } };
}

function typeOf(change: CommittedChange): ChangeType | null {
  const was = change.previous && change.previous.deletedAtMs === null;
  const is = change.current && change.current.deletedAtMs === null;
  if (!change.previous && is) return 'CREATE';
  if (was && is) return 'UPDATE';
  if (was && change.current && !is) return 'DELETE';
  if (change.previous && !was && is) return 'UNDELETE';
  return null;
}

/** Field values as CDC JSON carries them: datetimes in ISO 8601, the rest as stored. */
function eventValue(field: FieldDef, record: StoredRecord): unknown {
  const value = record.fields[field.name] ?? null;
  return field.type === 'datetime' && typeof value === 'number' ? new Date(value).toISOString() : value;
}

function eventFields(object: ObjectDef): FieldDef[] {
  return object.fields.filter((f) => !SKIPPED.has(f.name) && !f.calculated && f.type !== 'address');
}

/** A stable schema id per entity, standing in for the Avro schema fingerprint. */
function schemaId(entity: string): string {
  return Buffer.from(`${entity}ChangeEvent-v1`).toString('base64url').slice(0, 22);
}

export class ChangeEventLog {
  private events: ChangeEvent[] = [];
  private nextReplayId = 1;
  private commitNumber = 10_000_000;

  /** Turns a committed transaction into events; returns the new ones. */
  record(org: Org, changes: CommittedChange[], nowMs: number): ChangeEvent[] {
    this.prune(nowMs);
    const transactionKey = randomUUID();
    this.commitNumber += 1;
    const created: ChangeEvent[] = [];
    let sequenceNumber = 0;
    for (const change of changes) {
      if (!CDC_ENTITIES.includes(change.type)) continue;
      const changeType = typeOf(change);
      const object = org.object(change.type);
      const record = change.current;
      if (!changeType || !object || !record) continue;
      const payload: Record<string, unknown> = {};
      const changedFields: string[] = [];
      const nulledFields: string[] = [];
      for (const field of eventFields(object)) {
        const value = eventValue(field, record);
        if (changeType === 'CREATE' || changeType === 'UNDELETE') {
          if (value !== null) payload[field.name] = value;
        } else if (changeType === 'UPDATE' && change.previous) {
          const before = eventValue(field, change.previous);
          if (before === value && field.name !== 'LastModifiedDate') continue;
          payload[field.name] = value;
          if (field.name === 'LastModifiedDate' && before === value) continue;
          changedFields.push(field.name);
          if (value === null) nulledFields.push(field.name);
        }
      }
      sequenceNumber += 1;
      const replayId = this.nextReplayId++;
      const header = {
        entityName: change.type,
        recordIds: [change.id],
        changeType,
        changeOrigin: org.changeOrigin,
        transactionKey,
        sequenceNumber,
        commitTimestamp: nowMs,
        commitNumber: this.commitNumber,
        commitUser: record.fields.LastModifiedById,
        nulledFields,
        diffFields: [],
        changedFields,
      };
      const event: ChangeEvent = {
        replayId,
        entityName: change.type,
        commitTimestampMs: nowMs,
        data: {
          schema: schemaId(change.type),
          payload: { ChangeEventHeader: header, ...payload },
          event: { replayId },
        },
      };
      this.events.push(event);
      created.push(event);
    }
    return created;
  }

  /** Retained events after a replay position: -1 none, -2 all, else those after that replayId. */
  after(replayFrom: number, nowMs: number): ChangeEvent[] | 'invalid' {
    this.prune(nowMs);
    if (replayFrom === -1) return [];
    if (replayFrom === -2) return [...this.events];
    const oldest = this.events[0]?.replayId ?? this.nextReplayId;
    if (replayFrom < oldest - 1 || replayFrom >= this.nextReplayId) return 'invalid';
    return this.events.filter((e) => e.replayId > replayFrom);
  }

  clear(): void {
    this.events = [];
  }

  private prune(nowMs: number): void {
    const cutoff = nowMs - RETENTION_MS;
    while (this.events.length > 0 && (this.events[0] as ChangeEvent).commitTimestampMs < cutoff)
      this.events.shift();
  }
}

/** Change Data Capture for every org: an event log each, and whoever publishes new events live. */
export class ChangeDataCapture {
  private readonly logs = new Map<string, ChangeEventLog>();
  publisher: ((org: Org, events: ChangeEvent[]) => void) | null = null;

  log(org: Org): ChangeEventLog {
    const existing = this.logs.get(org.id);
    if (existing) return existing;
    const created = new ChangeEventLog();
    this.logs.set(org.id, created);
    return created;
  }

  committed(org: Org, changes: CommittedChange[], nowMs: number): void {
    const events = this.log(org).record(org, changes, nowMs);
    if (events.length > 0) this.publisher?.(org, events);
  }

  clear(): void {
    this.logs.clear();
  }
}
