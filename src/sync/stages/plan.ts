/**
 * Planning a round's units: asking the planner (src/domain/planner.ts) what each needs, with what the
 * batch adds around it.
 *
 * - A HubSpot contact deleted for privacy is purged; one merged into another ends (the survivor syncs), and
 *   a survivor whose merged-away contact holds the link ends too, marking that contact so the link moves to
 *   it (../mergeSurvivors.ts).
 * - A contact whose Lead converted into a Contact another contact syncs with waits, creating nothing, while
 *   its question is open (../moves.ts).
 * - Values an earlier round sent in a write that got no answer in time and that are found landed exactly as
 *   sent count as synced (their shadows), and the unit is planned with them (see ../inDoubt.ts).
 * - A create whose earlier attempt may still land in Salesforce waits (see domain/lostCreates.ts).
 * - Where the newer change must win on a field changed on both sides, HubSpot's per-property change times
 *   are read (one call per 50 such records) and the unit planned again.
 */
import { emptyPlan } from '../../domain/plan/draft';
import { planSync, type PlanContext, type PlanInput, type SyncPlan } from '../../domain/planner';
import type { HubspotRecord, SalesforceRecord } from '../../domain/records';
import type { Settlement } from '../../domain/settlement';
import type { BatchContext } from '../context';
import { landedValues, recordingLanded } from '../inDoubt';
import { recordLockKey } from '../locks';
import { linkedMergedAway } from '../mergeSurvivors';
import { forgottenPeople } from '../privacy';
import { associationLinksFor, readHubspotHistory } from '../reads';
import type { AssociationLinks } from '../../domain/transforms/association';
import { domainLink, ownKeys, type Unit } from '../unit';
import type { Verdict } from './conclude';

export interface Planned {
  readonly unit: Unit;
  readonly plan: SyncPlan;
}

export function planContextOf(context: BatchContext, associationLinks?: AssociationLinks): PlanContext {
  return {
    ...(associationLinks ? { associationLinks } : {}),
    settings: context.settings,
    nowMs: context.nowMs,
    owners: context.metadata.owners,
    salesforceRequiredFields: context.metadata.requiredFields,
    salesforceUserId: context.salesforceUserId,
  };
}

function inputOf(unit: Unit): PlanInput | null {
  if (unit.link) {
    return {
      kind: 'linked',
      link: domainLink(unit.link),
      shadows: unit.shadows,
      hubspot: unit.hubspot,
      salesforce: unit.salesforce,
      openConflictKeys: unit.openConflicts.map((conflict) => conflict.fieldKey),
      resolutions: unit.resolutions,
    };
  }
  const createNew = unit.choice?.kind === 'create_new';
  if (unit.subject.side === 'hubspot') {
    if (!unit.hubspot) return null;
    return {
      kind: 'unlinked_hubspot',
      hubspot: unit.hubspot,
      candidates: createNew ? [] : (unit.candidates as SalesforceRecord[]),
      linkedSalesforceIds: createNew ? [] : unit.linkedCandidateIds,
      createdByBridge: unit.createdByBridge,
    };
  }
  if (!unit.salesforce) return null;
  return {
    kind: 'unlinked_salesforce',
    salesforce: unit.salesforce,
    candidates: createNew ? [] : (unit.candidates as HubspotRecord[]),
    linkedHubspotIds: createNew ? [] : unit.linkedCandidateIds,
  };
}

/** The plan for a unit, or null when there is nothing to plan (an unlinked record that no longer exists). */
export function planUnit(
  context: BatchContext,
  unit: Unit,
  associationLinks?: AssociationLinks,
): SyncPlan | null {
  if (!unit.link && unit.choice?.kind === 'skip') {
    return emptyPlan('skipped', 'A person chose not to sync this record.');
  }
  const input = inputOf(unit);
  return input ? planSync(input, planContextOf(context, associationLinks)) : null;
}

/**
 * Whether the plan let the newer change win on a field without knowing when HubSpot's value changed
 * (records are read without property history, which halves the batch size): then it is re-read with
 * history and planned again. Rare: it takes a two-way field changed on both sides.
 */
export function needsHistory(unit: Unit, plan: SyncPlan): boolean {
  return (
    !unit.hubspotWithHistory &&
    unit.hubspot !== null &&
    plan.fields.some((field) => field.decision.reason === 'newer_wins')
  );
}

/** Every record key a plan touches: the unit's own, plus a record it links to. */
export function touchedKeys(installationId: string, unit: Unit, plan: SyncPlan): string[] {
  const keys = ownKeys(installationId, unit);
  for (const change of plan.linkChanges) {
    if (change.kind === 'link') {
      keys.push(recordLockKey(installationId, 'hubspot', change.hubspot.id));
      keys.push(recordLockKey(installationId, 'salesforce', change.salesforce.id));
    }
  }
  return [...new Set(keys)];
}

/**
 * Plans a unit; when a write of the previous round got no answer in time, the values found landed exactly
 * as sent count as synced (their shadows), and the unit is planned with them.
 */
function planKnowingLanded(
  context: BatchContext,
  unit: Unit,
  associationLinks: AssociationLinks,
): Planned | null {
  const plan = planUnit(context, unit, associationLinks);
  if (!plan || unit.sentInDoubt.length === 0) return plan && { unit, plan };
  const landed = landedValues(plan.fields, unit.sentInDoubt);
  if (Object.keys(landed).length === 0) return { unit, plan };
  const knowing = { ...unit, shadows: { ...unit.shadows, ...landed } };
  return {
    unit: knowing,
    plan: recordingLanded(planUnit(context, knowing, associationLinks) ?? plan, landed, unit.sentInDoubt),
  };
}

/** The lowercased email a Salesforce record's new HubSpot contact would have, when the email is mapped. */
function newContactEmail(context: BatchContext, unit: Unit, plan: SyncPlan): string | null {
  if (context.objectType !== 'contacts' || unit.link || unit.subject.side !== 'salesforce') return null;
  if (plan.hubspotWrite?.kind !== 'create') return null;
  const mapping = context.settings.objects.contacts.fields.find((field) => field.transform.kind === 'email');
  const email = mapping ? plan.hubspotWrite.properties[mapping.hubspotProperty] : undefined;
  return email ? email.trim().toLowerCase() : null;
}

/**
 * Salesforce records of one person (a Lead and a Contact with one email) that would each create a HubSpot
 * contact this round: only the preferred one creates it (Contacts first, or the most recently modified, as
 * the settings say); the others go another round, where they find that contact linked to it and wait on the
 * card as possible duplicates in Salesforce, instead of a second create HubSpot refuses.
 */
function holdBackSamePerson(
  context: BatchContext,
  planned: readonly Planned[],
): { planned: Planned[]; again: Planned[] } {
  const byEmail = new Map<string, Planned[]>();
  for (const entry of planned) {
    const email = newContactEmail(context, entry.unit, entry.plan);
    if (email) byEmail.set(email, [...(byEmail.get(email) ?? []), entry]);
  }
  const preferNewest = context.settings.matching.leadContactPreference === 'most_recently_modified';
  const rank = (entry: Planned) => {
    const record = entry.unit.salesforce;
    const contactFirst = record?.type === 'Contact' ? 0 : 1;
    return { contactFirst, modified: record?.lastModifiedAtMs ?? 0, id: record?.id ?? '' };
  };
  const again = new Set<Planned>();
  for (const group of byEmail.values()) {
    if (group.length < 2) continue;
    const [first] = [...group].sort((a, b) => {
      const left = rank(a);
      const right = rank(b);
      if (!preferNewest && left.contactFirst !== right.contactFirst)
        return left.contactFirst - right.contactFirst;
      if (left.modified !== right.modified) return right.modified - left.modified;
      return left.id < right.id ? -1 : left.id > right.id ? 1 : 0;
    });
    for (const entry of group) if (entry !== first) again.add(entry);
  }
  return { planned: planned.filter((entry) => !again.has(entry)), again: [...again] };
}

/** How often a record whose earlier create may still land looks again. */
const LOST_CREATE_RECHECK_MS = 30_000;

function lostCreateWait(context: BatchContext, sentAt: number): Settlement {
  return {
    kind: 'defer',
    dueAt: context.now() + LOST_CREATE_RECHECK_MS,
    reason: {
      code: 'create_in_doubt',
      message: `The create sent to Salesforce at ${new Date(sentAt).toISOString()} got no answer yet; the record is not created again until that call has ended, and then only if it made nothing.`,
    },
  };
}

/** The links between companies and Accounts that the units' records and candidates name. */
export async function associationLinksOf(
  context: BatchContext,
  units: readonly Unit[],
): Promise<AssociationLinks> {
  return associationLinksFor(
    context,
    units.flatMap((unit) => [
      unit.hubspot,
      ...(unit.subject.side === 'salesforce' ? (unit.candidates as HubspotRecord[]) : []),
    ]),
    units.flatMap((unit) => [
      unit.salesforce,
      ...(unit.subject.side === 'hubspot' ? (unit.candidates as SalesforceRecord[]) : []),
      ...(unit.createdByBridge ?? []),
    ]),
  );
}

export async function plan(
  context: BatchContext,
  units: readonly Unit[],
): Promise<{ planned: Planned[]; ended: Verdict[] }> {
  const planned: Planned[] = [];
  const ended: Verdict[] = [];
  const forgotten = await forgottenPeople(context, units);
  const associationLinks = await associationLinksOf(context, units);
  for (const unit of units) {
    if (unit.hint === 'privacy_deleted' && unit.hubspot === null) {
      ended.push({ kind: 'purge', unit });
      continue;
    }
    if (forgotten.has(unit.key)) {
      // A person deleted for privacy in HubSpot comes back only if they come back in HubSpot themselves.
      ended.push({ kind: 'settle', unit, settlement: { kind: 'complete' } });
      continue;
    }
    const survivor = !unit.link && unit.subject.side === 'hubspot' ? unit.hubspot : null;
    if (survivor && survivor.id !== unit.subject.recordId) {
      // Merged into another contact: that one syncs instead.
      const alsoMark = { side: 'hubspot', objectType: context.objectType, recordId: survivor.id } as const;
      ended.push({ kind: 'settle', unit, settlement: { kind: 'complete', alsoMark } });
      continue;
    }
    const mergedAway = await linkedMergedAway(context, unit);
    if (mergedAway) {
      // Survived a merge whose merged-away contact holds the link: the link moves here first.
      ended.push({ kind: 'settle', unit, settlement: { kind: 'complete', alsoMark: mergedAway } });
      continue;
    }
    if (unit.waitsAsDuplicate) {
      // Its Lead converted into a Contact another contact syncs with: a possible duplicate for a person.
      ended.push({ kind: 'settle', unit, settlement: { kind: 'complete' } });
      continue;
    }
    const found = planKnowingLanded(context, unit, associationLinks);
    if (found?.plan.salesforceWrite?.kind === 'create' && unit.lostCreate?.mayStillLand) {
      // Creating again now could make a second record next to the one that create may still make.
      ended.push({ kind: 'settle', unit, settlement: lostCreateWait(context, unit.lostCreate.sentAt) });
      continue;
    }
    if (found) planned.push(found);
    else ended.push({ kind: 'settle', unit, settlement: { kind: 'complete' } });
  }
  const held = holdBackSamePerson(context, planned);
  planned.splice(0, planned.length, ...held.planned);
  ended.push(...held.again.map((entry) => ({ kind: 'again' as const, entry: { items: entry.unit.items } })));
  const needing = planned.filter((entry) => needsHistory(entry.unit, entry.plan));
  if (needing.length === 0) return { planned, ended };
  const histories = await readHubspotHistory(
    context,
    needing.map((entry) => entry.unit),
  );
  const replanned = planned.map((entry) => {
    const record = histories.get(entry.unit.key);
    if (!needing.includes(entry) || !record) return entry;
    const unit = { ...entry.unit, hubspot: record, hubspotWithHistory: true };
    return planKnowingLanded(context, unit, associationLinks) ?? { unit, plan: entry.plan };
  });
  return { planned: replanned, ended };
}
