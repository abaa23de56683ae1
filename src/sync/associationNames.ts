/**
 * The names of the records a dry run's association fields point at, so the card shows "Acme Inc" rather
 * than a record id: one batch read of the HubSpot companies or contacts named (both columns name HubSpot
 * records once the links are applied), plus one of Salesforce Accounts or Contacts only for a record not
 * linked yet; none when no association holds a value. A name that cannot be
 * read leaves the id: the names are a courtesy, never a reason for the dry run to fail.
 */
import type { InstallationClients } from '../auth/clients';
import type { CallGate } from '../connectors/gate';
import { HubSpotObjects } from '../connectors/hubspot/records';
import type { FieldPlan } from '../domain/plan/types';
import type { HubspotObjectType, HubspotRecord, SalesforceRecord } from '../domain/records';
import { idsOfWire } from '../domain/transforms/association';
import type { BatchContext } from './context';

/** A dry run's field with its association values named (absent for other fields). */
export type NamedFieldPlan = FieldPlan & {
  /** The HubSpot value as people know it: the associated records' names (their ids where none was read). */
  readonly hubspotDisplay?: string;
  readonly salesforceDisplay?: string;
};

type Target = 'companies' | 'contacts';

/**
 * The records a planned association value names. A value the sync could represent is canonical: HubSpot
 * ids on both sides (a Salesforce Account or Contact stands for the HubSpot record it is linked to). One it
 * could not is the Salesforce id of a record not linked yet.
 */
function idsOf(value: unknown): { hubspot: string[]; salesforce: string[] } {
  if (typeof value === 'string') return { hubspot: idsOfWire(value), salesforce: [] };
  if (Array.isArray(value)) {
    return { hubspot: value.filter((id): id is string => typeof id === 'string'), salesforce: [] };
  }
  if (value && typeof value === 'object' && 'unrepresentable' in value) {
    const raw = (value as { unrepresentable: unknown }).unrepresentable;
    return { hubspot: [], salesforce: typeof raw === 'string' ? idsOfWire(raw) : [] };
  }
  return { hubspot: [], salesforce: [] };
}

function hubspotNameOf(target: Target, record: HubspotRecord): string | null {
  const { properties } = record;
  if (target === 'companies') return properties.name?.trim() || null;
  const name = [properties.firstname, properties.lastname].filter((part) => part && part.trim()).join(' ');
  return name || properties.email?.trim() || null;
}

function salesforceNameOf(record: SalesforceRecord): string | null {
  const name = record.fields.Name;
  return typeof name === 'string' && name.trim() ? name.trim() : null;
}

export async function withAssociationNames(
  context: BatchContext,
  clients: InstallationClients,
  gate: CallGate,
  fields: readonly FieldPlan[],
): Promise<NamedFieldPlan[]> {
  const targets = new Map<string, Target>();
  for (const mapping of context.settings.objects[context.objectType].fields) {
    if (mapping.transform.kind === 'association') targets.set(mapping.key, mapping.transform.to);
  }
  const wanted = {
    hubspot: { companies: new Set<string>(), contacts: new Set<string>() },
    salesforce: { companies: new Set<string>(), contacts: new Set<string>() },
  };
  for (const field of fields) {
    const target = targets.get(field.key);
    if (!target) continue;
    for (const value of [field.hubspot, field.salesforce]) {
      const ids = idsOf(value);
      for (const id of ids.hubspot) wanted.hubspot[target].add(id);
      for (const id of ids.salesforce) wanted.salesforce[target].add(id);
    }
  }
  const names = new Map<string, string>();
  const read = async (run: () => Promise<void>) => {
    try {
      await run();
    } catch {
      // The ids stand in for the names.
    }
  };
  for (const target of ['companies', 'contacts'] as const) {
    const hubspotIds = [...wanted.hubspot[target]];
    if (hubspotIds.length > 0) {
      await read(async () => {
        const objects = new HubSpotObjects(clients.hubspot, target as HubspotObjectType, { gate });
        const properties = target === 'companies' ? ['name'] : ['firstname', 'lastname', 'email'];
        for (const [id, record] of await objects.readByIds(hubspotIds, properties)) {
          const name = hubspotNameOf(target, record);
          if (name) names.set(`hubspot:${id}`, name);
        }
      });
    }
    const salesforceIds = [...wanted.salesforce[target]];
    if (salesforceIds.length > 0) {
      await read(async () => {
        const records = target === 'companies' ? context.salesforce.Account : context.salesforce.Contact;
        for (const [id, record] of await records.readByIds(salesforceIds, ['Name'])) {
          const name = salesforceNameOf(record);
          if (name) names.set(`salesforce:${id}`, name);
        }
      });
    }
  }
  const display = (value: unknown): string | undefined => {
    const ids = idsOf(value);
    const named = [
      ...ids.hubspot.map((id) => names.get(`hubspot:${id}`) ?? id),
      ...ids.salesforce.map((id) => names.get(`salesforce:${id}`) ?? id),
    ];
    return named.length > 0 ? named.join(', ') : undefined;
  };
  return fields.map((field) => {
    if (!targets.has(field.key)) return field;
    const hubspotDisplay = display(field.hubspot);
    const salesforceDisplay = display(field.salesforce);
    return {
      ...field,
      ...(hubspotDisplay !== undefined ? { hubspotDisplay } : {}),
      ...(salesforceDisplay !== undefined ? { salesforceDisplay } : {}),
    };
  });
}
