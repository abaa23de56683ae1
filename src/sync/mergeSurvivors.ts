/**
 * The survivor of a HubSpot merge has a new id, so it reaches the worker as a contact the bridge never
 * linked, while the link still names a contact merged into it. Matched as it stands, it would find that
 * link's Salesforce record taken (a question for a person) or, when that record is in Salesforce's recycle
 * bin, nothing at all (and a second Salesforce record would be created). The link moves first: the
 * merged-away contact is marked, its unit reads it as the survivor and moves the link (moves.ts), and the
 * survivor syncs through the link from then on.
 *
 * A tombstoned link counts too: its Salesforce record is in the recycle bin, so the survivor would match
 * nothing and create a second record, which a restore inside the grace period would then leave beside the
 * first. The survivor waits instead; the link moves to it when the restore makes the link active again.
 */
import { mergedIdsOf } from '../connectors/hubspot/records';
import * as links from '../db/links';
import { currentLinkOf } from '../domain/linkStates';
import type { RecordRef } from '../db/recordRefs';
import { readDirtyPayload } from '../queue/payload';
import type { BatchContext } from './context';
import type { Unit } from './unit';

/**
 * For an unlinked HubSpot contact that survived a merge: a contact merged into it that still holds an
 * active or tombstoned link (the merge's webhook names them; so do the survivor's merged-ids properties),
 * else null.
 */
export async function linkedMergedAway(context: BatchContext, unit: Unit): Promise<RecordRef | null> {
  const survivor = unit.hubspot;
  if (unit.link || unit.subject.side !== 'hubspot' || !survivor || survivor.archived) return null;
  const named = unit.items.flatMap((item) => readDirtyPayload(item).event.mergedIds ?? []);
  for (const id of new Set([...mergedIdsOf(survivor), ...named])) {
    if (id === survivor.id) continue;
    const record = { side: 'hubspot', objectType: survivor.objectType, recordId: id } as const;
    const link = currentLinkOf(await links.listForRecord(context.db, context.installationId, record));
    if (link?.state === 'active' || link?.state === 'tombstoned') return record;
  }
  return null;
}
