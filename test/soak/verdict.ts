/**
 * The soak's verdict, read from outside after the drain: both CRMs equal per the ownership map (the
 * benchmarks' check, test/bench/verify.ts), no edit lost (each field the stream wrote holds its last value
 * on both sides of the person's live pair), no duplicate (one live record per person and side, one active
 * link per record), every open failure explained (a category, a sentence, and a person the stream
 * deleted, merged or converted), and no question left for a person. Each problem is one line saying exactly
 * what.
 */
import { FAILURES, type FailureRow } from '../../src/db/failures';
import { LINKS, type LinkRow } from '../../src/db/links';
import { PENDING_MATCHES, type PendingMatchRow } from '../../src/db/pendingMatches';
import { SALESFORCE_SEED_USER } from '../bench/seed';
import { verifySync, type Verification } from '../bench/verify';
import { salesforceSessionOf } from '../support/stack/salesforce-login';
import type { SoakStack } from './stack';
import { EDITED_FIELDS, SALESFORCE_FIELD, type Person } from './stream';

export interface Verdict {
  lost: string[];
  duplicated: string[];
  unequal: string[];
  unexplainedFailures: string[];
  explainedFailures: number;
  /**
   * Questions left open for a person (which record is this one's match). Every person's email is unique
   * and no duplicate shares it, so in the soak each one is the bridge's mistake.
   */
  openQuestions: string[];
  verification: Verification;
}

const id15 = (id: string | null | undefined) => (id ?? '').slice(0, 15);

export async function judge(stack: SoakStack, people: readonly Person[]): Promise<Verdict> {
  const db = stack.db();
  const installationId = stack.installationId;
  const verification = await verifySync(
    stack,
    installationId,
    // Only its field, cross-id and duplicate findings are used: which records must be linked is the
    // stream's model's business, below.
    {
      hubspotContacts: 0,
      salesforceContacts: 0,
      salesforceLeads: 0,
      matched: 0,
      hubspotOnlyCreatable: 0,
      hubspotOnlyCreatableAs: { Lead: 0, Contact: 0 },
      hubspotOnlyBlocked: 0,
      salesforceOnly: 0,
    },
    new Map(),
  );
  const lost: string[] = [];
  const duplicated: string[] = [];
  const unequal: string[] = [];
  for (const [field, count] of Object.entries(verification.fieldMismatches)) {
    unequal.push(`${field} differs on ${count} linked pair(s)`);
  }
  unequal.push(...verification.mismatchSamples);
  if (verification.crossIdsMissing.hubspot || verification.crossIdsMissing.salesforce) {
    unequal.push(
      `linked records without their counterpart's id: HubSpot ${verification.crossIdsMissing.hubspot}, Salesforce ${verification.crossIdsMissing.salesforce}`,
    );
  }
  if (verification.duplicateEmails.hubspot || verification.duplicateEmails.salesforce) {
    duplicated.push(
      `emails held by two live records: HubSpot ${verification.duplicateEmails.hubspot}, Salesforce ${verification.duplicateEmails.salesforce}`,
    );
  }

  const active = await db<LinkRow>(LINKS).where({ installation_id: installationId, state: 'active' });
  const byHubspot = new Map<string, LinkRow[]>();
  const bySalesforce = new Map<string, LinkRow[]>();
  for (const link of active) {
    byHubspot.set(link.hubspot_id, [...(byHubspot.get(link.hubspot_id) ?? []), link]);
    const key = id15(link.salesforce_id);
    bySalesforce.set(key, [...(bySalesforce.get(key) ?? []), link]);
  }
  for (const [id, list] of byHubspot)
    if (list.length > 1) duplicated.push(`HubSpot contact ${id} has ${list.length} active links`);
  for (const [id, list] of bySalesforce)
    if (list.length > 1) duplicated.push(`Salesforce record ${id} has ${list.length} active links`);

  const hubspotRecords = (await stack.hubspot.control.records(stack.portalId, 'contacts')).results;
  const liveHubspot = hubspotRecords.filter((record) => !record.archived);
  const salesforceLive = await liveSalesforce(stack);
  const emailOf = (value: unknown) =>
    String(value ?? '')
      .trim()
      .toLowerCase();

  for (const person of people) {
    const story = `person ${person.key} <${person.email}> (${person.history.join('; ')})`;
    const hubspotHolders = liveHubspot.filter((record) => emailOf(record.properties.email) === person.email);
    const salesforceHolders = salesforceLive.filter((record) => emailOf(record.Email) === person.email);
    if (hubspotHolders.length > 1)
      duplicated.push(`${story}: ${hubspotHolders.length} live HubSpot contacts ${ids(hubspotHolders)}`);
    if (salesforceHolders.length > 1)
      duplicated.push(
        `${story}: ${salesforceHolders.length} live Salesforce records ${ids(salesforceHolders)}`,
      );
    const personLinks = active.filter(
      (link) =>
        hubspotHolders.some((record) => record.id === link.hubspot_id) ||
        salesforceHolders.some((record) => id15(String(record.Id)) === id15(link.salesforce_id)),
    );
    if (personLinks.length > 1) duplicated.push(`${story}: ${personLinks.length} active links`);

    if (person.deleted !== null) {
      const deletedId = person.deleted === 'hubspot' ? person.hubspotId : id15(person.salesforceId);
      const stillLinked = active.some((link) =>
        person.deleted === 'hubspot' ? link.hubspot_id === deletedId : id15(link.salesforce_id) === deletedId,
      );
      if (stillLinked) lost.push(`${story}: deleted in ${person.deleted}, yet its link is still active`);
      const otherHolders = person.deleted === 'hubspot' ? salesforceHolders : hubspotHolders;
      const otherId = person.deleted === 'hubspot' ? person.salesforceId : person.hubspotId;
      if (otherId && otherHolders.length === 0)
        lost.push(`${story}: deleted in ${person.deleted}, and its record on the other side is gone too`);
      continue;
    }
    const hubspot = hubspotHolders[0];
    const salesforce = salesforceHolders[0];
    if (!hubspot || !salesforce) {
      lost.push(
        `${story}: not on both sides (HubSpot ${hubspot ? hubspot.id : 'none'}, Salesforce ${salesforce ? String(salesforce.Id) : 'none'})`,
      );
      continue;
    }
    const link = personLinks[0];
    if (!link || link.hubspot_id !== hubspot.id || id15(link.salesforce_id) !== id15(String(salesforce.Id))) {
      lost.push(`${story}: HubSpot ${hubspot.id} and Salesforce ${String(salesforce.Id)} are not linked`);
      continue;
    }
    for (const field of EDITED_FIELDS) {
      const expected = person.last[field];
      if (expected === undefined) continue;
      const inHubspot = hubspot.properties[field] ?? null;
      const type = salesforce.attributes_type === 'Lead' ? 'Lead' : 'Contact';
      const inSalesforce = salesforce[SALESFORCE_FIELD[type][field]] ?? null;
      if (inHubspot !== expected || inSalesforce !== expected) {
        lost.push(
          `${story}: ${field} last written "${expected}" (by ${person.editSide[field]}), HubSpot holds ${JSON.stringify(inHubspot)}, Salesforce ${JSON.stringify(inSalesforce)}`,
        );
      }
    }
  }

  // Every open failure has a category and a sentence, and names a record the stream deleted, merged or
  // converted (or a duplicate it merged away).
  const open = await db<FailureRow>(FAILURES)
    .where({ installation_id: installationId })
    .whereNot({ state: 'resolved' });
  const touched = new Set<string>();
  for (const person of people) {
    if (!person.history.some((line) => /deleted|merged|converted/.test(line))) continue;
    if (person.hubspotId) touched.add(person.hubspotId);
    if (person.salesforceId) touched.add(id15(person.salesforceId));
  }
  const unexplainedFailures: string[] = [];
  let explainedFailures = 0;
  for (const failure of open) {
    const described = failure.category.length > 0 && failure.message.trim().length > 0;
    const recordId = failure.side === 'salesforce' ? id15(failure.record_id) : failure.record_id;
    const expected =
      touched.has(recordId) ||
      !people.some((p) => p.hubspotId === recordId || id15(p.salesforceId) === recordId);
    if (described && expected) {
      explainedFailures += 1;
      continue;
    }
    unexplainedFailures.push(
      `${failure.side} ${failure.object_type} ${failure.record_id}: ${failure.category}/${failure.code} "${failure.message}" (${failure.state}, ${failure.attempts} attempt(s))`,
    );
  }
  const questions = await db<PendingMatchRow>(PENDING_MATCHES).where({
    installation_id: installationId,
    state: 'open',
  });
  const openQuestions = questions.map(
    (question) =>
      `${question.side} ${question.object_type} ${question.record_id}: ${question.reason} (${question.candidates})`,
  );
  return {
    lost,
    duplicated,
    unequal,
    unexplainedFailures,
    explainedFailures,
    openQuestions,
    verification,
  };
}

function ids(records: ReadonlyArray<{ id?: string; Id?: unknown }>): string {
  return records.map((record) => String(record.id ?? record.Id)).join(', ');
}

/** Live Contacts and unconverted Leads, as stored (the control API costs no call). */
async function liveSalesforce(stack: SoakStack): Promise<Array<Record<string, unknown>>> {
  const connection = await salesforceSessionOf(stack.salesforce, SALESFORCE_SEED_USER);
  const rows: Array<Record<string, unknown>> = [];
  for (const [type, where] of [
    ['Contact', ''],
    ['Lead', ' WHERE IsConverted = false'],
  ] as const) {
    const fields = ['Id', 'Email', ...Object.values(SALESFORCE_FIELD[type])];
    const result = await connection.query<Record<string, unknown>>(
      `SELECT ${fields.join(', ')} FROM ${type}${where}`,
      { autoFetch: true, maxFetch: 1_000_000 },
    );
    rows.push(...result.records.map((record) => ({ ...record, attributes_type: type })));
  }
  return rows;
}
