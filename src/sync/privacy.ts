/**
 * A HubSpot privacy deletion (`contact.privacyDeletion`, or a contact gone for good with that hint): the
 * bridge forgets the person.
 *
 *   every link of the contact ──► purged (ids kept: the Salesforce records they name never sync again)
 *   the email (from the last synced value and the Salesforce records) ──► a salted hash in privacy_tombstones:
 *       an unlinked Salesforce record with that email is never created in HubSpot again
 *   shadows, conflicts, audit values, stored webhook payloads, pending questions, failures, queued payloads,
 *   creates in doubt ──► removed (src/db/personalData.ts)
 *   the Salesforce records ──► kept, marked or cleared (`privacy.salesforceRecord`, src/domain/privacy.ts)
 *
 * The Salesforce write comes first (it needs the record's ids, which the purge keeps anyway); its outcome is
 * an audit line without values. Everything stored changes in one transaction with the settling of the rows.
 */
import * as auditEntries from '../db/auditEntries';
import * as linkLifecycle from '../db/linkLifecycle';
import * as links from '../db/links';
import * as personalData from '../db/personalData';
import * as privacyTombstones from '../db/privacyTombstones';
import * as shadows from '../db/shadows';
import { salesforcePrivacyWrite } from '../domain/privacy';
import type { SalesforceObjectType } from '../domain/records';
import { salesforceDeleteMark } from '../settings/deleteMark';
import { BRIDGE_ACTOR, type BatchContext } from './context';
import type { StoredUnit } from './unit';

type SalesforceRef = { side: 'salesforce'; objectType: SalesforceObjectType; recordId: string };

/** The emails of the person: the field mapped as an email, as last synced. */
async function syncedEmails(context: BatchContext, linkIds: readonly string[]): Promise<unknown[]> {
  const emailKeys = Object.values(context.settings.objects).flatMap((object) =>
    object.fields.filter((mapping) => mapping.transform.kind === 'email').map((mapping) => mapping.key),
  );
  const byLink = await shadows.forLinks(context.db, context.installationId, [...linkIds]);
  return [...byLink.values()].flatMap((fields) =>
    emailKeys.flatMap((key) => {
      const shadow = fields.get(key);
      return shadow ? [shadow.value] : [];
    }),
  );
}

export async function purgePrivacyDeleted(
  context: BatchContext,
  unit: StoredUnit,
  settle: (trx: Parameters<Parameters<BatchContext['db']['transaction']>[0]>[0]) => Promise<void>,
): Promise<void> {
  const { installationId } = context;
  const hubspot = {
    side: 'hubspot' as const,
    objectType: context.objectType,
    recordId: unit.link?.hubspotId ?? unit.subject.recordId,
  };
  const personLinks = await links.listForRecord(context.db, installationId, hubspot);
  const salesforce: SalesforceRef[] = [
    ...new Map(
      personLinks.map((link) => [
        link.salesforceId,
        { side: 'salesforce', objectType: link.salesforceObjectType, recordId: link.salesforceId } as const,
      ]),
    ).values(),
  ];
  const emails = await syncedEmails(
    context,
    personLinks.map((link) => link.id),
  );
  const written = await writeSalesforce(context, personLinks, emails).catch((error: unknown) => {
    // The purge goes on: what the bridge stores must go whatever Salesforce answers. The audit says so.
    context.logger.warn(
      { hubspotId: hubspot.recordId, err: error },
      'privacy deletion: the Salesforce record could not be marked or cleared',
    );
    const code = (error as { code?: unknown }).code;
    return personLinks
      .filter((link) => link.state === 'active' || link.state === 'tombstoned')
      .map((link): WriteOutcome => ({
        linkId: link.id,
        record: { side: 'salesforce', objectType: link.salesforceObjectType, recordId: link.salesforceId },
        ok: false,
        code: typeof code === 'string' ? code : 'call_failed',
      }));
  });

  await context.db.transaction(async (trx) => {
    const nowMs = context.now();
    for (const link of personLinks) {
      if (link.state === 'purged') continue;
      await linkLifecycle.change(
        trx,
        installationId,
        link.id,
        { kind: 'purge' },
        {
          now: nowMs,
          actor: BRIDGE_ACTOR,
          reason: 'privacy deletion in HubSpot',
          correlationId: context.correlationId,
        },
      );
    }
    const counts = await personalData.purgePerson(trx, {
      installationId,
      hubspot,
      salesforce,
      linkIds: personLinks.map((link) => link.id),
    });
    await privacyTombstones.record(
      trx,
      {
        installationId,
        hubspotObjectType: context.objectType,
        hubspotId: hubspot.recordId,
        emailHashes: emails.map((email) => privacyTombstones.emailHashOf(installationId, email)),
        salesforceIds: salesforce.map((record) => record.recordId),
      },
      nowMs,
    );
    const line = (action: string, reason: string, linkId: string | null, record = hubspot) => ({
      installationId,
      linkId,
      record,
      action,
      direction: 'none' as const,
      reason,
      actor: BRIDGE_ACTOR,
      correlationId: context.correlationId,
      occurredAt: nowMs,
    });
    await auditEntries.append(trx, [
      line('privacy_purged', 'hubspot_privacy_deletion', null),
      ...written.map((outcome) =>
        line(
          outcome.ok ? `privacy_salesforce_${outcome.action}` : 'privacy_salesforce_write_failed',
          outcome.ok ? context.settings.privacy.salesforceRecord : outcome.code,
          outcome.linkId,
          outcome.record as never,
        ),
      ),
    ]);
    context.logger.info(
      { hubspotId: hubspot.recordId, links: personLinks.length, ...counts },
      `privacy deletion: purged what was stored about HubSpot contact ${hubspot.recordId}`,
    );
    await settle(trx);
  });
}

type WriteOutcome = { linkId: string; record: SalesforceRef } & (
  { ok: true; action: 'marked' | 'cleared' } | { ok: false; code: string }
);

/**
 * Marks or clears the Salesforce records of the person's live links, and adds their emails to `emails`
 * (read from the records, for the tombstone). Nothing for `keep`, converted Leads or deleted records.
 */
async function writeSalesforce(
  context: BatchContext,
  personLinks: readonly links.Link[],
  emails: unknown[],
): Promise<WriteOutcome[]> {
  const live = personLinks.filter((link) => link.state === 'active' || link.state === 'tombstoned');
  const outcomes: WriteOutcome[] = [];
  const mark = salesforceDeleteMark(context.settings, { describe: context.metadata.describe });
  const flagField = mark.markedIn === 'salesforce_field' ? mark.field : null;
  const types = [...new Set(live.map((link) => link.salesforceObjectType))];
  for (const type of types) {
    const ofType = live.filter((link) => link.salesforceObjectType === type);
    const emailFields = emailFieldsOf(context, type);
    const records = await context.salesforce[type].readByIds(
      ofType.map((link) => link.salesforceId),
      emailFields,
    );
    for (const record of records.values()) for (const field of emailFields) emails.push(record.fields[field]);
    const fields = salesforcePrivacyWrite({
      settings: context.settings,
      type,
      describe: context.metadata.describe[type],
      flagField,
    });
    if (!fields) continue;
    const writable = ofType.filter((link) => {
      const record = records.get(link.salesforceId);
      return record && !record.isDeleted && record.conversion === null;
    });
    if (writable.length === 0) continue;
    const results = await context.salesforce[type].update(
      writable.map((link) => ({ id: link.salesforceId, fields })),
    );
    const action = context.settings.privacy.salesforceRecord === 'clear' ? 'cleared' : 'marked';
    writable.forEach((link, index) => {
      const result = results[index];
      const record = { side: 'salesforce', objectType: type, recordId: link.salesforceId } as const;
      outcomes.push(
        result?.ok
          ? { linkId: link.id, record, ok: true, action }
          : { linkId: link.id, record, ok: false, code: result ? result.failure.code : 'no_answer' },
      );
    });
  }
  return outcomes;
}

/** The Salesforce fields mapped as an email, for one object. */
function emailFieldsOf(context: BatchContext, type: SalesforceObjectType): string[] {
  return Object.values(context.settings.objects).flatMap((object) =>
    object.fields
      .filter((mapping) => mapping.transform.kind === 'email')
      .flatMap((mapping) => {
        const field = (mapping.salesforceFields as Partial<Record<string, string | null>>)[type];
        return field ? [field] : [];
      }),
  );
}

/**
 * The units of unlinked Salesforce records whose email belongs to a person deleted for privacy in HubSpot
 * (by the tombstone's hash): they are never created in, nor linked into, HubSpot. One query per batch, and
 * none when the batch has no such unit.
 */
export async function forgottenPeople(
  context: BatchContext,
  units: ReadonlyArray<
    StoredUnit & {
      readonly salesforce: { type: SalesforceObjectType; fields: Record<string, unknown> } | null;
    }
  >,
): Promise<Set<string>> {
  const hashes = new Map<string, string[]>();
  for (const unit of units) {
    if (unit.link !== null || unit.subject.side !== 'salesforce' || !unit.salesforce) continue;
    const record = unit.salesforce;
    const own = emailFieldsOf(context, record.type)
      .map((field) => privacyTombstones.emailHashOf(context.installationId, record.fields[field]))
      .filter((hash): hash is string => hash !== null);
    if (own.length > 0) hashes.set(unit.key, own);
  }
  if (hashes.size === 0) return new Set();
  const blocked = await privacyTombstones.blockedHashes(
    context.db,
    context.installationId,
    [...hashes.values()].flat(),
  );
  return new Set([...hashes].filter(([, own]) => own.some((hash) => blocked.has(hash))).map(([key]) => key));
}
