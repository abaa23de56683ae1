/**
 * Link moves, done before anything is written: a converted Lead's link moves to the Contact it became
 * (supersede), and a merged record's link moves to the survivor (into the survivor's own link when it has
 * one, else to a new link between the survivor and the other side's record). The caller then reads the
 * records the link now names and plans again. A converted Lead is never written to.
 *
 * A Lead converted into a Contact that already syncs with another HubSpot record is not moved: one link would
 * silently win. The Lead's link ends as a `duplicate` and its HubSpot record waits on a question naming the
 * Contact and the other HubSpot record, shown as possible duplicates on both records' cards, and creates
 * nothing meanwhile. Merging the two in HubSpot settles it: the survivor takes over the Contact's link (the
 * merge move below), and the questions about the merged records close.
 */
import type { Knex } from 'knex';
import * as associationWaits from '../db/associationWaits';
import * as auditEntries from '../db/auditEntries';
import * as dirty from '../db/dirty';
import * as linkLifecycle from '../db/linkLifecycle';
import * as links from '../db/links';
import type { JsonValue } from '../db/recordRefs';
import type { LinkChange, SyncPlan } from '../domain/planner';
import { PRIMARY_COMPANY_PROPERTY } from '../domain/transforms/association';
import { mergedIdsOf } from '../connectors/hubspot/records';
import * as pendingMatches from '../db/pendingMatches';
import type { AttemptError } from '../queue/settle';
import { BRIDGE_ACTOR, type BatchContext } from './context';
import type { Unit } from './unit';

export type MoveResult =
  | { readonly kind: 'moved'; readonly linkId: string }
  /** The link ended without a successor (a Lead converted into a Contact linked elsewhere): nothing to sync. */
  | { readonly kind: 'ended' }
  | { readonly kind: 'failed'; readonly error: AttemptError };

export function movesLink(plan: SyncPlan): boolean {
  return plan.linkChanges.some((change) => change.kind === 'lead_converted' || change.kind === 'merge');
}

const collision = (message: string): MoveResult => ({
  kind: 'failed',
  error: { retryable: false, category: 'duplicate', code: 'link_collision', message },
});

/**
 * The HubSpot contact's primary company, while companies sync. A Lead's contact was read without it (a Lead
 * has no Account): it is read now, one call, once per conversion.
 */
async function primaryCompanyOf(context: BatchContext, unit: Unit): Promise<string | null> {
  const hubspot = unit.hubspot;
  if (!hubspot || !context.settings.objects.companies.enabled) return null;
  if (Object.hasOwn(hubspot.properties, PRIMARY_COMPANY_PROPERTY))
    return hubspot.properties[PRIMARY_COMPANY_PROPERTY] ?? null;
  return (await context.hubspot.readPrimaryCompanies([hubspot.id])).get(hubspot.id) ?? null;
}

/**
 * What a conversion made besides the Contact. The Account: when the contact's primary company in HubSpot is
 * not linked yet and neither is the Account, they are one company and are linked (never a second company
 * for the Account); either way the Account is synced next, and the contact's primary company follows it.
 * The Opportunity is synced next too (it becomes a deal with that company). Only while those objects sync.
 * Deals whose contacts waited for this contact to have a Contact (it had a Lead) go again.
 */
async function followConversion(
  trx: Knex.Transaction,
  context: BatchContext,
  hubspotId: string,
  change: Extract<LinkChange, { kind: 'lead_converted' }>,
  companyId: string | null,
  ctx: (reason: string) => links.ChangeContext,
): Promise<void> {
  const { installationId, settings } = context;
  const nowMs = context.now();
  // Deals whose contacts waited for this contact to have a Contact go again.
  await associationWaits.wake(trx, installationId, [{ side: 'hubspot', recordId: hubspotId }], nowMs);
  const marks: dirty.MarkInput[] = [];
  if (change.accountId && settings.objects.companies.enabled) {
    const accountLinked = await links.findActiveBySalesforce(trx, installationId, change.accountId);

    const companyLinked = companyId
      ? await links.findActiveByHubspot(trx, installationId, 'companies', companyId)
      : null;
    if (!accountLinked && companyId && !companyLinked) {
      const created = await links.create(
        trx,
        {
          installationId,
          hubspotObjectType: 'companies',
          hubspotId: companyId,
          salesforceObjectType: 'Account',
          salesforceId: change.accountId,
          origin: 'converted',
        },
        ctx("lead converted: the Account is the contact's company"),
      );
      if (created.ok) {
        await associationWaits.wake(
          trx,
          installationId,
          [
            { side: 'hubspot', recordId: companyId },
            { side: 'salesforce', recordId: change.accountId },
          ],
          nowMs,
        );
      }
    }
    marks.push({
      installationId,
      record: { side: 'salesforce', objectType: 'Account', recordId: change.accountId },
      source: 'dependency',
    });
  }
  if (change.opportunityId && settings.objects.deals.enabled) {
    marks.push({
      installationId,
      record: { side: 'salesforce', objectType: 'Opportunity', recordId: change.opportunityId },
      source: 'dependency',
    });
  }
  if (marks.length > 0) await dirty.markMany(trx, marks, nowMs);
}

/**
 * A Lead converted into a Contact that `holder`, another HubSpot record's link, syncs with: the Lead's link ends
 * as a duplicate and its HubSpot record waits on a question naming both (see the file header).
 */
async function endAsDuplicate(
  trx: Knex.Transaction,
  context: BatchContext,
  link: links.Link,
  holder: links.Link,
  ctx: (reason: string) => links.ChangeContext,
): Promise<MoveResult> {
  const { installationId } = context;
  const ended = await linkLifecycle.endAsDuplicate(
    trx,
    installationId,
    link.id,
    holder.id,
    ctx('lead converted into a Contact that syncs with another HubSpot record'),
  );
  if (!ended.ok) {
    return collision(
      `The Salesforce Lead was converted into a Contact that is already linked to another HubSpot contact, and the link could not end (${ended.reason}). Merge the two HubSpot contacts, then press Retry.`,
    );
  }
  const candidate = (record: pendingMatches.Candidate['record'], label: string) => ({
    record,
    matchedBy: pendingMatches.CONVERTED_ELSEWHERE,
    label,
  });
  await pendingMatches.open(
    trx,
    {
      installationId,
      record: { side: 'hubspot', objectType: link.hubspotObjectType, recordId: link.hubspotId },
      candidates: [
        candidate(
          { side: 'salesforce', objectType: 'Contact', recordId: holder.salesforceId },
          `Contact ${holder.salesforceId}, converted from Lead ${link.salesforceId}`,
        ),
        candidate(
          { side: 'hubspot', objectType: holder.hubspotObjectType, recordId: holder.hubspotId },
          `HubSpot contact ${holder.hubspotId}, which syncs with that Contact`,
        ),
      ],
      reason: 'linked_elsewhere',
    },
    context.now(),
  );
  return { kind: 'ended' };
}

/**
 * After a HubSpot merge moved a link to the survivor: questions about the survivor and the records merged into
 * it are moot (a converted Lead's contact and the contact its Contact syncs with, merged into one).
 */
async function closeMergedQuestions(
  trx: Knex.Transaction,
  context: BatchContext,
  unit: Unit,
  survivorId: string,
  nowMs: number,
): Promise<void> {
  const objectType = unit.link?.hubspotObjectType;
  if (!objectType) return;
  const merged = unit.hubspot?.id === survivorId ? mergedIdsOf(unit.hubspot) : [];
  for (const recordId of new Set([survivorId, ...merged, unit.link?.hubspotId ?? survivorId])) {
    await pendingMatches.dismissForRecord(
      trx,
      context.installationId,
      { side: 'hubspot', objectType, recordId },
      { resolvedBy: BRIDGE_ACTOR, now: nowMs },
    );
  }
}

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
  const companyId = change.kind === 'lead_converted' ? await primaryCompanyOf(context, unit) : null;
  return context.db.transaction(async (trx): Promise<MoveResult> => {
    const nowMs = context.now();
    const ctx = (reason: string) => ({
      now: nowMs,
      actor: BRIDGE_ACTOR,
      reason,
      correlationId: context.correlationId,
    });
    let moved: MoveResult;
    const holder =
      change.kind === 'lead_converted'
        ? await links.findActiveBySalesforce(trx, installationId, change.contactId)
        : null;
    const heldElsewhere =
      holder !== null &&
      (holder.hubspotObjectType !== link.hubspotObjectType || holder.hubspotId !== link.hubspotId);
    if (holder && heldElsewhere) {
      moved = await endAsDuplicate(trx, context, link, holder, ctx);
    } else if (change.kind === 'lead_converted') {
      const result = await linkLifecycle.supersede(
        trx,
        installationId,
        change.linkId,
        { salesforceObjectType: 'Contact', salesforceId: change.contactId },
        ctx('lead converted'),
      );
      if (result.ok) await followConversion(trx, context, link.hubspotId, change, companyId, ctx);
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
        if (change.side === 'hubspot')
          await closeMergedQuestions(trx, context, unit, change.survivorId, nowMs);
      }
    }
    if (moved.kind !== 'failed') {
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
