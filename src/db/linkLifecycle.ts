/**
 * State changes of links: tombstone, restore, merge, purge, and supersede (or end as a duplicate) on lead
 * conversion. Each one asks
 * the state machine (domain/linkStates.ts) first, locks the link, and records a link_events row in the same
 * transaction; a refused change is returned as a value and changes nothing.
 */
import crypto from 'node:crypto';
import { transitionLink, type LinkChange } from '../domain/linkStates';
import * as conflicts from './conflicts';
import * as linkEvents from './linkEvents';
import * as links from './links';
import * as pendingMatches from './pendingMatches';
import * as shadows from './shadows';
import { inTransaction, isUniqueViolation, type Queryable } from './support';

/** A state change requested by the engine; merges name the surviving link by id. */
export type LinkChangeRequest =
  | { kind: 'tombstone'; deletedSide: 'hubspot' | 'salesforce' }
  | { kind: 'restore' }
  | { kind: 'merge'; survivorLinkId: string }
  | { kind: 'purge' };

/** Applies a state change if the state machine allows it; otherwise says why not and changes nothing. */
export async function change(
  db: Queryable,
  installationId: string,
  linkId: string,
  request: LinkChangeRequest,
  context: linkEvents.ChangeContext,
): Promise<links.LinkWriteResult> {
  try {
    return await inTransaction(db, async (trx) => {
      const link = await links.findByIdForUpdate(trx, installationId, linkId);
      if (!link) return { ok: false, code: 'not_found', reason: `no link ${linkId}` } as const;
      let domainChange: LinkChange;
      if (request.kind === 'merge') {
        const survivor = await links.findById(trx, installationId, request.survivorLinkId);
        if (!survivor)
          return {
            ok: false,
            code: 'not_found',
            reason: `no surviving link ${request.survivorLinkId}`,
          } as const;
        domainChange = { kind: 'merge', survivor };
      } else {
        domainChange = request;
      }
      const verdict = transitionLink(link, domainChange);
      if (!verdict.ok) return { ok: false, code: 'illegal_transition', reason: verdict.reason } as const;
      const patch: Partial<links.LinkRow> = {
        state: verdict.to,
        state_changed_at: context.now,
        updated_at: context.now,
      };
      if (request.kind === 'tombstone')
        Object.assign(patch, { tombstoned_side: request.deletedSide, tombstoned_at: context.now });
      if (request.kind === 'merge') patch.merged_into_link_id = request.survivorLinkId;
      await trx<links.LinkRow>(links.LINKS).where({ id: linkId }).update(patch);
      if (request.kind === 'purge') {
        // The stored values are what a privacy deletion must remove; the ids stay to block re-creation.
        await shadows.removeAllForLink(trx, installationId, linkId);
        await conflicts.deleteAllForLink(trx, installationId, linkId);
      }
      const related = request.kind === 'merge' ? request.survivorLinkId : null;
      await linkEvents.append(
        trx,
        linkEvents.build(
          installationId,
          linkId,
          eventFor[request.kind],
          link.state,
          verdict.to,
          related,
          context,
        ),
      );
      return { ok: true, link: await links.getOrThrow(trx, installationId, linkId) } as const;
    });
  } catch (error) {
    // Restoring a tombstone while the record has meanwhile been linked elsewhere.
    if (!isUniqueViolation(error)) throw error;
    const link = await links.findById(db, installationId, linkId);
    const existing = link ? await links.findActiveHolders(db, installationId, link) : [];
    return {
      ok: false,
      code: 'active_link_exists',
      reason: 'the record already has another active link',
      existing,
    };
  }
}

/**
 * Lead conversion: the Lead link becomes superseded by a new active link from the same HubSpot record to the
 * converted Contact, with its shadows, atomically, so the HubSpot record is never without (or with two)
 * active links; a question the Contact's own sync left for a person is settled. When the Contact is already
 * linked to that HubSpot record, that link is the successor.
 */
export async function supersede(
  db: Queryable,
  installationId: string,
  linkId: string,
  successor: { salesforceObjectType: 'Contact'; salesforceId: string },
  context: linkEvents.ChangeContext,
): Promise<
  { ok: true; superseded: links.Link; successor: links.Link } | Exclude<links.LinkWriteResult, { ok: true }>
> {
  const successorId = crypto.randomUUID();
  try {
    return await inTransaction(db, async (trx) => {
      const link = await links.findByIdForUpdate(trx, installationId, linkId);
      if (!link) return { ok: false, code: 'not_found', reason: `no link ${linkId}` } as const;
      const verdict = transitionLink(link, {
        kind: 'supersede',
        successor: {
          id: successorId,
          hubspotObjectType: link.hubspotObjectType,
          salesforceObjectType: successor.salesforceObjectType,
        },
      });
      if (!verdict.ok) return { ok: false, code: 'illegal_transition', reason: verdict.reason } as const;
      // Leave `active` first so the new active link does not collide with it on the HubSpot record.
      await trx<links.LinkRow>(links.LINKS)
        .where({ id: linkId })
        .update({ state: verdict.to, state_changed_at: context.now, updated_at: context.now });
      // A Lead converted while its link was tombstoned: the Contact may meanwhile have been matched to this
      // same HubSpot record, and that link is the successor.
      const holder = await links.findActiveBySalesforce(trx, installationId, successor.salesforceId);
      const sameRecord =
        holder?.hubspotObjectType === link.hubspotObjectType && holder.hubspotId === link.hubspotId;
      const created = sameRecord
        ? ({ ok: true, link: holder } as const)
        : await links.create(
            trx,
            {
              installationId,
              hubspotObjectType: link.hubspotObjectType,
              hubspotId: link.hubspotId,
              ...successor,
              origin: 'converted',
            },
            { ...context },
          );
      if (!created.ok) throw new SupersedeCollision(created);
      if (!sameRecord) {
        await shadows.copyToLink(trx, installationId, linkId, created.link.id);
        // The Contact's own sync may have asked a person which record it matches: it is linked now.
        await pendingMatches.dismissForRecord(
          trx,
          installationId,
          { side: 'salesforce', objectType: 'Contact', recordId: successor.salesforceId },
          { resolvedBy: context.actor, now: context.now },
        );
      }
      await trx<links.LinkRow>(links.LINKS)
        .where({ id: linkId })
        .update({ superseded_by_link_id: created.link.id });
      await linkEvents.append(
        trx,
        linkEvents.build(
          installationId,
          linkId,
          'superseded',
          link.state,
          verdict.to,
          created.link.id,
          context,
        ),
      );
      return {
        ok: true,
        superseded: await links.getOrThrow(trx, installationId, linkId),
        successor: created.link,
      } as const;
    });
  } catch (error) {
    if (error instanceof SupersedeCollision) return error.result;
    throw error;
  }
}

/**
 * Lead conversion into a Contact that another HubSpot record's link holds (`holderLinkId`): the Lead's link
 * ends as `duplicate`, pointing at that link, and its HubSpot record is left without a link (it waits on a
 * question, opened by the caller in the same transaction). Nothing is written to either system.
 */
export async function endAsDuplicate(
  db: Queryable,
  installationId: string,
  linkId: string,
  holderLinkId: string,
  context: linkEvents.ChangeContext,
): Promise<links.LinkWriteResult> {
  return inTransaction(db, async (trx) => {
    const link = await links.findByIdForUpdate(trx, installationId, linkId);
    if (!link) return { ok: false, code: 'not_found', reason: `no link ${linkId}` } as const;
    const holder = await links.findById(trx, installationId, holderLinkId);
    if (!holder) return { ok: false, code: 'not_found', reason: `no link ${holderLinkId}` } as const;
    const verdict = transitionLink(link, { kind: 'duplicate', holder });
    if (!verdict.ok) return { ok: false, code: 'illegal_transition', reason: verdict.reason } as const;
    await trx<links.LinkRow>(links.LINKS).where({ id: linkId }).update({
      state: verdict.to,
      superseded_by_link_id: holderLinkId,
      state_changed_at: context.now,
      updated_at: context.now,
    });
    await linkEvents.append(
      trx,
      linkEvents.build(installationId, linkId, 'duplicate', link.state, verdict.to, holderLinkId, context),
    );
    return { ok: true, link: await links.getOrThrow(trx, installationId, linkId) } as const;
  });
}

/**
 * A merge whose surviving record has no link yet: the link moves to a new active link between the survivor
 * and the other side's record, with its shadows, atomically (the old link becomes `merged`, pointing at the
 * new one). When the survivor already has an active link, use `change` with `merge` instead.
 */
export async function mergeIntoNewLink(
  db: Queryable,
  installationId: string,
  linkId: string,
  survivor: { side: 'hubspot' | 'salesforce'; id: string },
  context: linkEvents.ChangeContext,
): Promise<
  { ok: true; merged: links.Link; survivor: links.Link } | Exclude<links.LinkWriteResult, { ok: true }>
> {
  const survivorLinkId = crypto.randomUUID();
  try {
    return await inTransaction(db, async (trx) => {
      const link = await links.findByIdForUpdate(trx, installationId, linkId);
      if (!link) return { ok: false, code: 'not_found', reason: `no link ${linkId}` } as const;
      const verdict = transitionLink(link, {
        kind: 'merge',
        survivor: {
          id: survivorLinkId,
          state: 'active',
          hubspotObjectType: link.hubspotObjectType,
          salesforceObjectType: link.salesforceObjectType,
        },
      });
      if (!verdict.ok) return { ok: false, code: 'illegal_transition', reason: verdict.reason } as const;
      // Leave `active` first so the new active link does not collide with it on the record that stays.
      await trx<links.LinkRow>(links.LINKS)
        .where({ id: linkId })
        .update({ state: verdict.to, state_changed_at: context.now, updated_at: context.now });
      const created = await links.create(
        trx,
        {
          installationId,
          hubspotObjectType: link.hubspotObjectType,
          hubspotId: survivor.side === 'hubspot' ? survivor.id : link.hubspotId,
          salesforceObjectType: link.salesforceObjectType,
          salesforceId: survivor.side === 'salesforce' ? survivor.id : link.salesforceId,
          origin: 'merged',
        },
        context,
      );
      if (!created.ok) throw new SupersedeCollision(created);
      await shadows.copyToLink(trx, installationId, linkId, created.link.id);
      await trx<links.LinkRow>(links.LINKS)
        .where({ id: linkId })
        .update({ merged_into_link_id: created.link.id });
      await linkEvents.append(
        trx,
        linkEvents.build(installationId, linkId, 'merged', link.state, verdict.to, created.link.id, context),
      );
      return {
        ok: true,
        merged: await links.getOrThrow(trx, installationId, linkId),
        survivor: created.link,
      } as const;
    });
  } catch (error) {
    if (error instanceof SupersedeCollision) return error.result;
    throw error;
  }
}

class SupersedeCollision extends Error {
  constructor(readonly result: Exclude<links.LinkWriteResult, { ok: true }>) {
    super(result.reason);
  }
}

const eventFor: Record<LinkChangeRequest['kind'], linkEvents.LinkEventKind> = {
  tombstone: 'tombstoned',
  restore: 'restored',
  merge: 'merged',
  purge: 'purged',
};
