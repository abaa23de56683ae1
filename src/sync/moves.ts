/**
 * Link moves, done before anything is written: a converted Lead's link moves to the Contact it became
 * (supersede), and a merged record's link moves to the survivor (into the survivor's own link when it has
 * one, else to a new link between the survivor and the other side's record). The caller then reads the
 * records the link now names and plans again. A converted Lead is never written to.
 */
import * as auditEntries from '../db/auditEntries';
import * as linkLifecycle from '../db/linkLifecycle';
import * as links from '../db/links';
import type { JsonValue } from '../db/recordRefs';
import type { SyncPlan } from '../domain/planner';
import type { AttemptError } from '../queue/settle';
import { BRIDGE_ACTOR, type BatchContext } from './context';
import type { Unit } from './unit';

export type MoveResult =
  | { readonly kind: 'moved'; readonly linkId: string }
  | { readonly kind: 'failed'; readonly error: AttemptError };

export function movesLink(plan: SyncPlan): boolean {
  return plan.linkChanges.some((change) => change.kind === 'lead_converted' || change.kind === 'merge');
}

const collision = (message: string): MoveResult => ({
  kind: 'failed',
  error: { retryable: false, category: 'duplicate', code: 'link_collision', message },
});

export async function applyMove(context: BatchContext, unit: Unit, plan: SyncPlan): Promise<MoveResult> {
  const { installationId } = context;
  const change = plan.linkChanges.find(
    (candidate) => candidate.kind === 'lead_converted' || candidate.kind === 'merge',
  );
  const link = unit.link;
  if (!change || !link) {
    return {
      kind: 'failed',
      error: { retryable: true, category: 'unknown', code: 'no_move', message: 'Nothing to move.' },
    };
  }
  return context.db.transaction(async (trx): Promise<MoveResult> => {
    const nowMs = context.now();
    const ctx = (reason: string) => ({
      now: nowMs,
      actor: BRIDGE_ACTOR,
      reason,
      correlationId: context.correlationId,
    });
    let moved: MoveResult;
    if (change.kind === 'lead_converted') {
      const result = await linkLifecycle.supersede(
        trx,
        installationId,
        change.linkId,
        { salesforceObjectType: 'Contact', salesforceId: change.contactId },
        ctx('lead converted'),
      );
      moved = result.ok
        ? { kind: 'moved', linkId: result.successor.id }
        : collision(
            'The Salesforce Lead was converted into a Contact that is already linked to another HubSpot contact. Merge the two HubSpot contacts (or unlink one), then press Retry.',
          );
    } else {
      const survivorLink =
        change.side === 'hubspot'
          ? await links.findActiveByHubspot(trx, installationId, link.hubspotObjectType, change.survivorId)
          : await links.findActiveBySalesforce(trx, installationId, change.survivorId);
      const result = survivorLink
        ? await linkLifecycle.change(
            trx,
            installationId,
            change.linkId,
            { kind: 'merge', survivorLinkId: survivorLink.id },
            ctx(`merged in ${change.side === 'hubspot' ? 'HubSpot' : 'Salesforce'}`),
          )
        : await linkLifecycle.mergeIntoNewLink(
            trx,
            installationId,
            change.linkId,
            { side: change.side, id: change.survivorId },
            ctx(`merged in ${change.side === 'hubspot' ? 'HubSpot' : 'Salesforce'}`),
          );
      if (!result.ok) {
        moved = collision(
          `The records were merged, and the link could not move to the surviving record (${result.reason}). Pick the record to keep linked on the sync card, then press Retry.`,
        );
      } else {
        moved = {
          kind: 'moved',
          linkId: survivorLink ? survivorLink.id : 'survivor' in result ? result.survivor.id : result.link.id,
        };
      }
    }
    if (moved.kind === 'moved') {
      await auditEntries.append(
        trx,
        plan.audit.map((entry) => ({
          installationId,
          linkId: link.id,
          action: entry.action,
          fieldKey: entry.fieldKey,
          direction: entry.direction,
          rule: entry.rule,
          before: entry.before as JsonValue,
          after: entry.after as JsonValue,
          reason: entry.reason,
          actor: BRIDGE_ACTOR,
          correlationId: context.correlationId,
          occurredAt: nowMs,
        })),
      );
    }
    return moved;
  });
}
