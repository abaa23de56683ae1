/**
 * Merging Accounts, Contacts or Leads: the losers go to the recycle bin with MasterRecordId set to
 * the master, records that pointed at a loser now point at the master, and the master is updated
 * (with any field values chosen from the losers). Undeleting a loser later does not undo the
 * re-parenting, as in Salesforce.
 */

import { SfError } from '../core/errors';
import { normalizeId } from '../core/ids';
import type { StoredFields } from '../schema/types';
import type { WriteContext } from './dml';
import { deleteRecord, requireLive, updateRecord } from './dml';

export interface MergeOptions {
  type: string;
  masterId: string;
  /** One or two records merged into the master. */
  mergeIds: string[];
  /** Values to set on the master (e.g. a loser's phone number the user chose to keep). */
  masterFields?: Record<string, unknown> | undefined;
}

export interface MergeResult {
  masterId: string;
  mergedIds: string[];
  /** Records whose lookups were moved from a loser to the master. */
  updatedRelatedIds: string[];
}

function fail(message: string): SfError {
  return new SfError(400, 'INVALID_OPERATION', message, []);
}

export function mergeRecords(ctx: WriteContext, options: MergeOptions): MergeResult {
  const { org } = ctx;
  const object = org.object(options.type);
  if (!object || !object.mergeable) throw fail(`${options.type} records cannot be merged`);
  const masterId = normalizeId(options.masterId);
  const loserIds = options.mergeIds.map((id) => normalizeId(id));
  if (!masterId || loserIds.some((id) => id === null)) throw new SfError(400, 'MALFORMED_ID', 'malformed id', []);
  const losers = loserIds as string[];
  if (losers.length < 1 || losers.length > 2) throw fail('A merge takes the master and one or two other records');
  if (new Set([masterId, ...losers]).size !== losers.length + 1) throw fail('A record cannot be merged with itself');
  return org.atomic(() => {
    for (const id of [masterId, ...losers]) {
      const record = requireLive(org, id);
      if (record.type !== object.name) throw fail(`${id} is not a ${object.name}`);
      if (record.fields.IsConverted === true) {
        throw new SfError(400, 'CANNOT_UPDATE_CONVERTED_LEAD', 'cannot reference converted lead', []);
      }
    }
    updateRecord(ctx, object, masterId, options.masterFields ?? {});
    const updatedRelatedIds: string[] = [];
    for (const other of org.schema.values()) {
      const pointers = other.fields.filter(
        (f) => f.type === 'reference' && f.referenceTo.includes(object.name) && f.name !== 'MasterRecordId',
      );
      if (pointers.length === 0) continue;
      for (const record of [...org.all(other.name)]) {
        if (record.deletedAtMs !== null) continue;
        const id = record.fields.Id as string;
        const changes: StoredFields = {};
        for (const field of pointers) {
          if (losers.includes(record.fields[field.name] as string)) changes[field.name] = id === masterId ? null : masterId;
        }
        if (Object.keys(changes).length === 0 || losers.includes(id)) continue;
        org.put(id, other.name, {
          ...record,
          fields: { ...record.fields, ...changes, LastModifiedDate: ctx.nowMs, LastModifiedById: ctx.actorId, SystemModstamp: ctx.nowMs },
        });
        updatedRelatedIds.push(id);
      }
    }
    for (const loser of losers) {
      deleteRecord(ctx, loser);
      const binned = org.get(loser);
      if (binned) org.put(loser, object.name, { ...binned, fields: { ...binned.fields, MasterRecordId: masterId } });
    }
    return { masterId, mergedIds: losers, updatedRelatedIds };
  });
}
