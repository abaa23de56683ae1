/**
 * The mass-delete brake, between planning and writing: a round's plans that would tombstone a link (and so
 * mark the other side) go through only while the installation's deletes stay under the brake's threshold
 * (src/domain/deletes.ts). Past it, or while earlier deletes still wait for an admin, each such unit ends
 * here with its delete held (src/db/deleteHolds.ts): nothing is marked, and the link stays as it is. All
 * other syncing goes on.
 *
 * A delete an admin released goes through the next time its record syncs (its hold is then settled); a
 * discarded one ends here unmarked for as long as its record stays deleted, and its hold is settled when the
 * record comes back and syncs again.
 */
import * as auditEntries from '../db/auditEntries';
import * as deleteHolds from '../db/deleteHolds';
import * as links from '../db/links';
import { BRAKE_WINDOW_MS, brakeThreshold, decideBrake } from '../domain/deletes';
import type { Side } from '../domain/records';
import { BRIDGE_ACTOR, type BatchContext } from './context';
import type { Planned } from './stages/plan';
import type { Verdict } from './stages/conclude';

function deletedSideOf(entry: Planned): Side | null {
  const change = entry.plan.linkChanges.find((candidate) => candidate.kind === 'tombstone');
  return change?.kind === 'tombstone' ? change.deletedSide : null;
}

/** Deletes from one side handled within the brake's window, and the installation's active links. */
async function recentFacts(context: BatchContext, side: Side) {
  const since = context.nowMs - BRAKE_WINDOW_MS;
  const handled = await context
    .db<links.LinkRow>(links.LINKS)
    .where({ installation_id: context.installationId, tombstoned_side: side })
    .where('tombstoned_at', '>=', since)
    .count<{ count: number | string }[]>({ count: '*' })
    .first();
  const active = await context
    .db<links.LinkRow>(links.LINKS)
    .where({ installation_id: context.installationId, state: 'active' })
    .count<{ count: number | string }[]>({ count: '*' })
    .first();
  return { handled: Number(handled?.count ?? 0), linked: Number(active?.count ?? 0) };
}

export async function brakeDeletes(
  context: BatchContext,
  planned: readonly Planned[],
): Promise<{ planned: Planned[]; ended: Verdict[] }> {
  const linkIds = planned.flatMap((entry) => (entry.unit.link ? [entry.unit.link.id] : []));
  const holds = await deleteHolds.unsettledForLinks(context.db, context.installationId, linkIds);
  const through: Planned[] = [];
  const ended: Verdict[] = [];
  const arriving: Record<Side, Planned[]> = { hubspot: [], salesforce: [] };
  const settled: string[] = [];
  for (const entry of planned) {
    const side = deletedSideOf(entry);
    const hold = entry.unit.link ? holds.get(entry.unit.link.id) : undefined;
    if (side === null) {
      // The record is back (or was never gone): a decided hold on it is finished with.
      if (hold && hold.state !== 'held') settled.push(hold.id);
      through.push(entry);
    } else if (hold?.state === 'released') {
      settled.push(hold.id);
      through.push(entry);
    } else if (hold) {
      // Still held, or discarded by an admin: nothing is marked.
      ended.push({ kind: 'settle', unit: entry.unit, settlement: { kind: 'complete' } });
    } else {
      arriving[side].push(entry);
    }
  }
  await deleteHolds.settle(context.db, settled, context.nowMs);
  if (arriving.hubspot.length + arriving.salesforce.length === 0) return { planned: through, ended };

  let held = await deleteHolds.countHeld(context.db, context.installationId);
  for (const side of ['hubspot', 'salesforce'] as const) {
    const entries = arriving[side];
    if (entries.length === 0) continue;
    const facts = await recentFacts(context, side);
    const threshold = brakeThreshold(context.settings.deletes.brake, facts.linked);
    const decision = decideBrake({
      handledInWindow: facts.handled,
      arriving: entries.length,
      held,
      threshold,
    });
    if (decision.kind === 'pass') {
      through.push(...entries);
      continue;
    }
    for (const entry of entries) {
      const link = entry.unit.link;
      if (!link) continue;
      await deleteHolds.hold(
        context.db,
        {
          installationId: context.installationId,
          linkId: link.id,
          deletedSide: side,
          hubspotObjectType: link.hubspotObjectType,
          hubspotId: link.hubspotId,
          salesforceObjectType: link.salesforceObjectType,
          salesforceId: link.salesforceId,
        },
        context.nowMs,
      );
      ended.push({ kind: 'settle', unit: entry.unit, settlement: { kind: 'complete' } });
    }
    await auditEntries.append(
      context.db,
      entries.flatMap((entry) =>
        entry.unit.link
          ? [
              {
                installationId: context.installationId,
                linkId: entry.unit.link.id,
                action: 'delete_held',
                direction: 'none' as const,
                reason: decision.reason,
                actor: BRIDGE_ACTOR,
                correlationId: context.correlationId,
                occurredAt: context.nowMs,
                after: { deletedSide: side, threshold, handledInWindow: facts.handled },
              },
            ]
          : [],
      ),
    );
    held += entries.length;
    context.logger.warn(
      { deletedSide: side, held: entries.length, threshold, handledInWindow: facts.handled },
      `mass-delete brake: ${entries.length} deletes from ${side} held for an admin`,
    );
  }
  return { planned: through, ended };
}
