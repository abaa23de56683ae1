/**
 * The seeded stream of what people do on both sides: edits, creates, deletes, restores, merges and Lead
 * conversions, through the emulators' control APIs (a HubSpot user, a Salesforce rep), never through the
 * bridge. It keeps a model of every person it made: their ids on each side as far as it knows them, whether
 * a side is deleted, and the last value it wrote to each edited field. That model is what the verdict checks
 * the two CRMs against.
 *
 * Each field of a person is edited from one side only (drawn when the person is made), so "the last value
 * written" is the value the rules say must win under `two_way` whatever the timing: the other side never
 * changed it. Edits of one field on both sides are the ownership decision's unit tests' business.
 */
import type { Db } from '../../src/db/knex';
import * as links from '../../src/db/links';
import type { SoakStack } from './stack';

export type Side = 'hubspot' | 'salesforce';
export const EDITED_FIELDS = ['jobtitle', 'city', 'firstname'] as const;
export type EditedField = (typeof EDITED_FIELDS)[number];
export const SALESFORCE_FIELD: Record<'Lead' | 'Contact', Record<EditedField, string>> = {
  Lead: { jobtitle: 'Title', city: 'City', firstname: 'FirstName' },
  Contact: { jobtitle: 'Title', city: 'MailingCity', firstname: 'FirstName' },
};

export type OperationKind = 'edit' | 'create' | 'delete' | 'restore' | 'merge' | 'convert' | 'skipped';

export interface Person {
  key: number;
  email: string;
  createdOn: Side;
  hubspotId: string | null;
  salesforceId: string | null;
  salesforceType: 'Lead' | 'Contact' | null;
  /** The side whose record is in its recycle bin right now. */
  deleted: Side | null;
  editSide: Record<EditedField, Side>;
  last: Partial<Record<EditedField, string>>;
  /** What the stream did to this person, in order, for reports. */
  history: string[];
}

export interface StreamFigures {
  operations: Record<OperationKind, number>;
  /** Operations an emulator refused (e.g. an edit of a record a merge had just moved), by reason. */
  refused: Record<string, number>;
}

export interface Stream {
  people: Person[];
  figures: StreamFigures;
  /** Runs one operation drawn from the generator. */
  step(index: number): Promise<void>;
}

export function createStream(stack: SoakStack, random: () => number): Stream {
  const people: Person[] = [];
  const figures: StreamFigures = {
    operations: { edit: 0, create: 0, delete: 0, restore: 0, merge: 0, convert: 0, skipped: 0 },
    refused: {},
  };
  const hubspotUser = stack.hubspot.control.asUser(stack.portalId);
  const salesforce = stack.salesforce.control;
  const db: Db = stack.db();
  const installationId = stack.installationId;
  const choose = <T>(items: readonly T[]): T | undefined =>
    items.length === 0 ? undefined : items[Math.floor(random() * items.length)];

  /** Fills in the side the stream did not make from the bridge's link, once there is one. */
  const resolve = async (person: Person): Promise<void> => {
    if (person.hubspotId && !person.salesforceId) {
      const link = await links.findActiveByHubspot(db, installationId, 'contacts', person.hubspotId);
      if (link) {
        person.salesforceId = link.salesforceId;
        person.salesforceType = link.salesforceObjectType as 'Lead' | 'Contact';
      }
    } else if (person.salesforceId && !person.hubspotId) {
      const link = await links.findActiveBySalesforce(db, installationId, person.salesforceId);
      if (link) person.hubspotId = link.hubspotId;
    }
  };

  const create = async (index: number, side: Side): Promise<void> => {
    const key = people.length;
    const email = `person${key}@soak.example`;
    const editSide = Object.fromEntries(
      EDITED_FIELDS.map((field) => [field, random() < 0.5 ? 'hubspot' : 'salesforce']),
    ) as Record<EditedField, Side>;
    const firstname = `First${index}`;
    const person: Person = {
      key,
      email,
      createdOn: side,
      hubspotId: null,
      salesforceId: null,
      salesforceType: null,
      deleted: null,
      editSide,
      last: { firstname },
      history: [`#${index} created in ${side}`],
    };
    if (side === 'hubspot') {
      const withCompany = random() < 0.5;
      const contact = await hubspotUser.create('contacts', {
        email,
        firstname,
        lastname: `Soak${key}`,
        ...(withCompany ? { company: `Company ${key}` } : {}),
      });
      person.hubspotId = contact.id;
      // A field the other side will own starts blank-free on the side that made it, so its first value
      // travels by create; from then on only its own side edits it.
    } else {
      const type = random() < 0.5 ? 'Lead' : 'Contact';
      const [id] = await salesforce.createRecords(type, [
        {
          Email: email,
          FirstName: firstname,
          LastName: `Soak${key}`,
          ...(type === 'Lead' ? { Company: `Company ${key}` } : {}),
        },
      ]);
      person.salesforceId = id ?? null;
      person.salesforceType = type;
    }
    people.push(person);
    figures.operations.create += 1;
  };

  const edit = async (index: number): Promise<boolean> => {
    const person = choose(people.filter((p) => p.deleted === null));
    if (!person) return false;
    await resolve(person);
    const field = choose(EDITED_FIELDS)!;
    const side = person.editSide[field];
    const value = `${field} ${index}`;
    if (side === 'hubspot') {
      if (!person.hubspotId) return false;
      await hubspotUser.update('contacts', person.hubspotId, { [field]: value });
    } else {
      if (!person.salesforceId) return false;
      const fields = SALESFORCE_FIELD[person.salesforceType ?? 'Contact'];
      await salesforce.updateRecord(person.salesforceId, { [fields[field]]: value });
    }
    person.last[field] = value;
    person.history.push(`#${index} ${side} ${field} = "${value}"`);
    figures.operations.edit += 1;
    return true;
  };

  const remove = async (index: number): Promise<boolean> => {
    const person = choose(people.filter((p) => p.deleted === null));
    if (!person) return false;
    await resolve(person);
    const side: Side = random() < 0.5 ? 'hubspot' : 'salesforce';
    if (side === 'hubspot') {
      if (!person.hubspotId) return false;
      await hubspotUser.archive('contacts', person.hubspotId);
    } else {
      if (!person.salesforceId) return false;
      await salesforce.deleteRecord(person.salesforceId);
    }
    person.deleted = side;
    person.history.push(`#${index} deleted in ${side}`);
    figures.operations.delete += 1;
    return true;
  };

  const restore = async (index: number): Promise<boolean> => {
    const person = choose(people.filter((p) => p.deleted !== null));
    if (!person) return false;
    if (person.deleted === 'hubspot') await hubspotUser.restore('contacts', person.hubspotId!);
    else await salesforce.undeleteRecord(person.salesforceId!);
    person.history.push(`#${index} restored in ${person.deleted}`);
    person.deleted = null;
    figures.operations.restore += 1;
    return true;
  };

  /** A duplicate someone entered just now is merged into a person the bridge has synced. */
  const merge = async (index: number): Promise<boolean> => {
    const person = choose(people.filter((p) => p.deleted === null));
    if (!person) return false;
    await resolve(person);
    if (!person.hubspotId || !person.salesforceId) return false;
    const side: Side = random() < 0.5 ? 'hubspot' : 'salesforce';
    const duplicateEmail = `duplicate${index}@soak.example`;
    if (side === 'hubspot') {
      const duplicate = await hubspotUser.create('contacts', {
        email: duplicateEmail,
        lastname: `Soak${person.key}`,
      });
      const survivor = await hubspotUser.merge('contacts', person.hubspotId, duplicate.id);
      person.hubspotId = survivor.id;
    } else {
      const type = person.salesforceType ?? 'Contact';
      const [duplicate] = await salesforce.createRecords(type, [
        {
          Email: duplicateEmail,
          LastName: `Soak${person.key}`,
          ...(type === 'Lead' ? { Company: `Company ${person.key}` } : {}),
        },
      ]);
      await salesforce.merge({ type, masterId: person.salesforceId, mergeIds: [duplicate!] });
    }
    person.history.push(`#${index} merged a new duplicate (${duplicateEmail}) into it in ${side}`);
    figures.operations.merge += 1;
    return true;
  };

  const convert = async (index: number): Promise<boolean> => {
    const leads = people.filter((p) => p.deleted === null && p.salesforceType !== 'Contact');
    const person = choose(leads);
    if (!person) return false;
    await resolve(person);
    if (!person.salesforceId || person.salesforceType !== 'Lead') return false;
    const converted = await salesforce.convertLead(person.salesforceId, { createOpportunity: false });
    person.salesforceId = converted.contactId;
    person.salesforceType = 'Contact';
    person.history.push(`#${index} Lead converted to Contact ${converted.contactId}`);
    figures.operations.convert += 1;
    return true;
  };

  return {
    people,
    figures,
    async step(index) {
      const roll = random();
      let done: boolean;
      try {
        if (people.length < 4 || roll < 0.15) {
          await create(index, random() < 0.5 ? 'hubspot' : 'salesforce');
          done = true;
        } else if (roll < 0.75) done = await edit(index);
        else if (roll < 0.82) done = await remove(index);
        else if (roll < 0.88) done = await restore(index);
        else if (roll < 0.94) done = await merge(index);
        else done = await convert(index);
      } catch (error) {
        const reason = error instanceof Error ? error.message.slice(0, 80) : String(error);
        figures.refused[reason] = (figures.refused[reason] ?? 0) + 1;
        done = false;
      }
      if (!done) figures.operations.skipped += 1;
    },
  };
}
