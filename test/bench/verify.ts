/**
 * "Both sides equal per the ownership map", checked from outside after a sync: every record is linked to
 * exactly the counterpart it should have, nobody is duplicated, and every mapped field whose rule moves
 * values holds the same value on both sides once both are normalized by the field's transform.
 *
 * HubSpot is read through the emulator's control API and Salesforce through SOQL as a rep: both after the
 * call counters were read, so the check costs the figures nothing.
 */
import type { Db } from '../../src/db/knex';
import { LINKS, type LinkRow } from '../../src/db/links';
import * as settingsTable from '../../src/db/settings';
import { defaultSettings } from '../../src/domain/settings/defaults';
import { parseSettings } from '../../src/domain/settings/migrate';
import type { FieldMapping, OwnershipRule, Settings } from '../../src/domain/settings/schema';
import { canonicalEquals, displayCanonical } from '../../src/domain/transforms/canonical';
import { indexLinks, PRIMARY_COMPANY_PROPERTY } from '../../src/domain/transforms/association';
import { createTransform } from '../../src/domain/transforms/index';
import { indexOwners } from '../../src/domain/transforms/owner';
import type { CountryCode } from 'libphonenumber-js';
import type { Stack } from '../support/stack/stack';
import { salesforceSessionOf } from '../support/stack/salesforce-login';
import { blank, type DatasetExpectations } from './dataset';
import { SALESFORCE_SEED_USER } from './seed';

/** HubSpot's association type of a contact's primary company (the Primary label). */
const PRIMARY_CONTACT_TO_COMPANY = 1;

/** Rules under which the two sides must hold the same value once the sync is over. */
export const CONVERGING_RULES: ReadonlySet<OwnershipRule> = new Set([
  'hubspot',
  'salesforce',
  'two_way',
  'prefer_hubspot_unless_blank',
  'prefer_salesforce_unless_blank',
]);

export interface Verification {
  equal: boolean;
  activeLinks: number;
  expectedLinks: number;
  unlinkedHubspot: number;
  expectedUnlinkedHubspot: number;
  unlinkedSalesforce: number;
  /** Planned pairs (the same person by email) not linked to each other. */
  pairsMissed: number;
  /** Emails held by more than one live record on one side. */
  duplicateEmails: { hubspot: number; salesforce: number };
  /** Linked records whose field differs, per field key. */
  fieldMismatches: Record<string, number>;
  mismatchSamples: string[];
  /** Linked records not carrying their counterpart's id. */
  crossIdsMissing: { hubspot: number; salesforce: number };
}

export async function currentSettings(db: Db, installationId: string): Promise<Settings> {
  const stored = await settingsTable.current(db, installationId, (raw) => {
    const parsed = parseSettings(raw);
    if (!parsed.ok) throw new Error(`stored settings do not parse: ${JSON.stringify(parsed.error)}`);
    return parsed.value;
  });
  return stored?.document ?? defaultSettings();
}

export async function verifySync(
  stack: Stack,
  installationId: string,
  expected: DatasetExpectations,
  sharedPairs: ReadonlyMap<string, string>,
): Promise<Verification> {
  const db = stack.db();
  const settings = await currentSettings(db, installationId);
  const contactSettings = settings.objects.contacts;
  // A primary company syncs only while companies do. It is no property: it is read from the contact's
  // associations (the one with the Primary label) and compared through the company ⇄ Account links (the
  // benchmark's `verifyCrm` checks every association of companies and deals besides).
  const mappings = contactSettings.fields.filter(
    (mapping) =>
      CONVERGING_RULES.has(mapping.rule) &&
      (mapping.transform.kind !== 'association' || settings.objects.companies.enabled),
  );
  const crossIdProperty = contactSettings.crossId.hubspotProperty;

  const [portal, users, hubspotRecords, links, companyPairs] = await Promise.all([
    stack.hubspot.control.portal(stack.portalId),
    stack.salesforce.control.listUsers(),
    stack.hubspot.control.records(stack.portalId, 'contacts'),
    db<LinkRow>(LINKS).where({
      installation_id: installationId,
      state: 'active',
      hubspot_object_type: 'contacts',
    }),
    db<LinkRow>(LINKS).where({
      installation_id: installationId,
      state: 'active',
      hubspot_object_type: 'companies',
    }),
  ]);
  const owners = indexOwners({
    hubspotOwners: portal.users.map((user) => ({
      id: user.ownerId,
      email: user.email,
      archived: user.archived,
    })),
    salesforceUsers: users.map((user) => ({ id: user.id, email: user.email, isActive: user.isActive })),
  });
  const companyLinks = indexLinks(
    companyPairs.map((link) => ({ hubspotId: link.hubspot_id, salesforceId: link.salesforce_id })),
  );
  const context = {
    phoneDefaultCountry: settings.phoneDefaultCountry as CountryCode,
    owners,
    associationLinks: { companies: companyLinks, contacts: indexLinks([]) },
  };
  const transforms = new Map(
    mappings.map((mapping) => [mapping.key, createTransform(mapping.transform, context)]),
  );

  const hubspot = new Map(
    hubspotRecords.results
      .filter((record) => !record.archived)
      .map((record) => {
        const primary = (record.associations.companies ?? []).find((entry) =>
          entry.typeIds.includes(PRIMARY_CONTACT_TO_COMPANY),
        );
        return [
          record.id,
          { ...record.properties, [PRIMARY_COMPANY_PROPERTY]: primary?.id ?? '' } as Record<string, string>,
        ];
      }),
  );
  const salesforce = await readSalesforce(stack, mappings, contactSettings.crossId.salesforceField);

  const mismatches: Record<string, number> = {};
  const samples: string[] = [];
  const linkedHubspot = new Set<string>();
  const linkedSalesforce = new Set<string>();
  const crossIdsMissing = { hubspot: 0, salesforce: 0 };
  for (const link of links) {
    const hs = hubspot.get(link.hubspot_id);
    const sf = salesforce.get(link.salesforce_id.slice(0, 15));
    if (!hs || !sf) continue;
    linkedHubspot.add(link.hubspot_id);
    linkedSalesforce.add(sf.Id);
    if (String(hs[crossIdProperty] ?? '').slice(0, 15) !== sf.Id.slice(0, 15)) crossIdsMissing.hubspot += 1;
    const crossIdField = contactSettings.crossId.salesforceField[sf.type];
    if (crossIdField && String(sf.fields[crossIdField] ?? '') !== link.hubspot_id)
      crossIdsMissing.salesforce += 1;
    for (const mapping of mappings) {
      const field = mapping.salesforceFields[sf.type];
      const transform = transforms.get(mapping.key);
      if (!field || !transform) continue;
      const left = transform.fromHubspot(hs[mapping.hubspotProperty] ?? null);
      const right = transform.fromSalesforce(sf.fields[field] ?? null);
      if (left.ok && right.ok && canonicalEquals(left.value, right.value)) continue;
      mismatches[mapping.key] = (mismatches[mapping.key] ?? 0) + 1;
      if (samples.length < 10) {
        const show = (result: typeof left) =>
          result.ok ? displayCanonical(result.value) : `!${result.error.raw}`;
        samples.push(
          `${mapping.key}: HubSpot ${link.hubspot_id} "${show(left)}" ≠ ${sf.type} ${sf.Id} "${show(right)}"`,
        );
      }
    }
  }

  const linkedPairs = new Set(links.map((link) => `${link.hubspot_id}|${link.salesforce_id.slice(0, 15)}`));
  const pairsMissed = [...sharedPairs].filter(
    ([hs, sf]) => !linkedPairs.has(`${hs}|${sf.slice(0, 15)}`),
  ).length;
  const duplicates = (emails: Iterable<string | null | undefined>) => {
    const seen = new Map<string, number>();
    for (const email of emails) {
      if (blank(email)) continue;
      const key = String(email).trim().toLowerCase();
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    return [...seen.values()].filter((times) => times > 1).length;
  };
  const expectedLinks = expected.matched + expected.hubspotOnlyCreatable + expected.salesforceOnly;
  const result: Omit<Verification, 'equal'> = {
    activeLinks: links.length,
    expectedLinks,
    unlinkedHubspot: [...hubspot.keys()].filter((id) => !linkedHubspot.has(id)).length,
    expectedUnlinkedHubspot: expected.hubspotOnlyBlocked,
    unlinkedSalesforce: [...salesforce.values()].filter((record) => !linkedSalesforce.has(record.Id)).length,
    pairsMissed,
    duplicateEmails: {
      hubspot: duplicates([...hubspot.values()].map((properties) => properties.email)),
      salesforce: duplicates([...salesforce.values()].map((record) => record.fields.Email as string | null)),
    },
    fieldMismatches: mismatches,
    mismatchSamples: samples,
    crossIdsMissing,
  };
  return {
    ...result,
    equal:
      result.activeLinks === expectedLinks &&
      result.unlinkedHubspot === result.expectedUnlinkedHubspot &&
      result.unlinkedSalesforce === 0 &&
      pairsMissed === 0 &&
      result.duplicateEmails.hubspot === 0 &&
      result.duplicateEmails.salesforce === 0 &&
      Object.keys(mismatches).length === 0,
  };
}

interface SalesforceRow {
  Id: string;
  type: 'Contact' | 'Lead';
  fields: Record<string, unknown>;
}

/** Every live Contact and Lead with the mapped fields, keyed by the 15-character id. */
async function readSalesforce(
  stack: Stack,
  mappings: readonly FieldMapping[],
  crossIdFields: Partial<Record<string, string | null>>,
): Promise<Map<string, SalesforceRow>> {
  const connection = await salesforceSessionOf(stack.salesforce, SALESFORCE_SEED_USER);
  const rows = new Map<string, SalesforceRow>();
  for (const type of ['Contact', 'Lead'] as const) {
    const fields = new Set(['Id', 'Email']);
    for (const mapping of mappings) {
      const field = (mapping.salesforceFields as Partial<Record<string, string | null>>)[type];
      if (field) fields.add(field);
    }
    const crossId = crossIdFields[type];
    if (crossId) fields.add(crossId);
    const where = type === 'Lead' ? ' WHERE IsConverted = false' : '';
    const result = await connection.query<Record<string, unknown>>(
      `SELECT ${[...fields].join(', ')} FROM ${type}${where}`,
      {
        autoFetch: true,
        maxFetch: 10_000_000,
      },
    );
    for (const record of result.records) {
      const id = String(record.Id);
      rows.set(id.slice(0, 15), { Id: id, type, fields: record });
    }
  }
  return rows;
}
