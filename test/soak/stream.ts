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
  /** Operations done, by the side they were done on (a conversion is always Salesforce's). */
  bySide: Record<Exclude<OperationKind, 'skipped'>, Record<Side, number>>;
  /** Operations an emulator refused (e.g. an edit of a record a merge had just moved), by reason. */
  refused: Record<string, number>;
}

export interface Stream {
  people: Person[];
  figures: StreamFigures;
  /** Runs one operation drawn from the generator. */
  step(index: number): Promise<void>;
}

/**
 * Every step draws this many numbers from the generator whatever it does, so the kinds, sides and picks the
 * seed makes are the same on every run: only whether the bridge has linked a person yet depends on timing.
 */
const DRAWS_PER_STEP = 8;

/** The upper bounds of each kind's share of the draws (after the first four people are made). */
const SHARES: ReadonlyArray<readonly [bound: number, kind: Exclude<OperationKind, 'skipped'>]> = [
  [0.15, 'create'],
  [0.67, 'edit'],
  [0.77, 'delete'],
  [0.86, 'restore'],
  [0.93, 'merge'],
  [1, 'convert'],
];

export function createStream(stack: SoakStack, random: () => number): Stream {
  const people: Person[] = [];
  const perSide = () => ({ hubspot: 0, salesforce: 0 });
  const figures: StreamFigures = {
    operations: { edit: 0, create: 0, delete: 0, restore: 0, merge: 0, convert: 0, skipped: 0 },
    bySide: {
      edit: perSide(),
      create: perSide(),
      delete: perSide(),
      restore: perSide(),
      merge: perSide(),
      convert: perSide(),
    },
    refused: {},
  };
  const hubspotUser = stack.hubspot.control.asUser(stack.portalId);
  const salesforce = stack.salesforce.control;
  const db: Db = stack.db();
  const installationId = stack.installationId;

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
  /** People with no side deleted, each with both ids as far as the bridge has linked them. */
  const livePeople = async (): Promise<Person[]> => {
    const live = people.filter((person) => person.deleted === null);
    for (const person of live) await resolve(person);
    return live;
  };
  const idOn = (person: Person, side: Side) => (side === 'hubspot' ? person.hubspotId : person.salesforceId);
  const done = (kind: Exclude<OperationKind, 'skipped'>, side: Side) => {
    figures.operations[kind] += 1;
    figures.bySide[kind][side] += 1;
  };

  const create = async (index: number, draw: () => number): Promise<boolean> => {
    const side: Side = draw() < 0.5 ? 'hubspot' : 'salesforce';
    const key = people.length;
    const email = `person${key}@soak.example`;
    const editSide = Object.fromEntries(
      EDITED_FIELDS.map((field) => [field, draw() < 0.5 ? 'hubspot' : 'salesforce']),
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
    const variant = draw() < 0.5;
    if (side === 'hubspot') {
      // Half have a company, so the creation rule makes them Leads; the others become Contacts.
      const contact = await hubspotUser.create('contacts', {
        email,
        firstname,
        lastname: `Soak${key}`,
        ...(variant ? { company: `Company ${key}` } : {}),
      });
      person.hubspotId = contact.id;
    } else {
      const type = variant ? 'Lead' : 'Contact';
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
    done('create', side);
    return true;
  };

  /** A field of a person, on the side that edits it, among those whose record there is known. */
  const edit = async (index: number, draw: () => number): Promise<boolean> => {
    const editable = (await livePeople()).flatMap((person) =>
      EDITED_FIELDS.filter((field) => idOn(person, person.editSide[field]) !== null).map(
        (field) => [person, field] as const,
      ),
    );
    const chosen = choose(editable, draw());
    if (!chosen) return false;
    const [person, field] = chosen;
    const side = person.editSide[field];
    const value = `${field} ${index}`;
    if (side === 'hubspot') {
      await hubspotUser.update('contacts', person.hubspotId!, { [field]: value });
    } else {
      const fields = SALESFORCE_FIELD[person.salesforceType ?? 'Contact'];
      await salesforce.updateRecord(person.salesforceId!, { [fields[field]]: value });
    }
    person.last[field] = value;
    person.history.push(`#${index} ${side} ${field} = "${value}"`);
    done('edit', side);
    return true;
  };

  const remove = async (index: number, draw: () => number): Promise<boolean> => {
    const side: Side = draw() < 0.5 ? 'hubspot' : 'salesforce';
    const person = choose(
      (await livePeople()).filter((candidate) => idOn(candidate, side) !== null),
      draw(),
    );
    if (!person) return false;
    if (side === 'hubspot') await hubspotUser.archive('contacts', person.hubspotId!);
    else await salesforce.deleteRecord(person.salesforceId!);
    person.deleted = side;
    person.history.push(`#${index} deleted in ${side}`);
    done('delete', side);
    return true;
  };

  const restore = async (index: number, draw: () => number): Promise<boolean> => {
    const side: Side = draw() < 0.5 ? 'hubspot' : 'salesforce';
    const person = choose(
      people.filter((candidate) => candidate.deleted === side),
      draw(),
    );
    if (!person) return false;
    if (side === 'hubspot') await hubspotUser.restore('contacts', person.hubspotId!);
    else await salesforce.undeleteRecord(person.salesforceId!);
    person.history.push(`#${index} restored in ${side}`);
    person.deleted = null;
    done('restore', side);
    return true;
  };

  /**
   * A duplicate someone entered just now is merged into a person, synced or not yet: the link (or the
   * create under way) follows the survivor.
   */
  const merge = async (index: number, draw: () => number): Promise<boolean> => {
    const side: Side = draw() < 0.5 ? 'hubspot' : 'salesforce';
    const person = choose(
      (await livePeople()).filter((candidate) => idOn(candidate, side) !== null),
      draw(),
    );
    if (!person) return false;
    const duplicateEmail = `duplicate${index}@soak.example`;
    if (side === 'hubspot') {
      const duplicate = await hubspotUser.create('contacts', {
        email: duplicateEmail,
        lastname: `Soak${person.key}`,
      });
      const survivor = await hubspotUser.merge('contacts', person.hubspotId!, duplicate.id);
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
      await salesforce.merge({ type, masterId: person.salesforceId!, mergeIds: [duplicate!] });
    }
    person.history.push(`#${index} merged a new duplicate (${duplicateEmail}) into it in ${side}`);
    done('merge', side);
    return true;
  };

  const convert = async (index: number, draw: () => number): Promise<boolean> => {
    const person = choose(
      (await livePeople()).filter(
        (candidate) => candidate.salesforceId !== null && candidate.salesforceType === 'Lead',
      ),
      draw(),
    );
    if (!person) return false;
    const converted = await salesforce.convertLead(person.salesforceId!, { createOpportunity: false });
    person.salesforceId = converted.contactId;
    person.salesforceType = 'Contact';
    person.history.push(`#${index} Lead converted to Contact ${converted.contactId}`);
    done('convert', 'salesforce');
    return true;
  };

  const operations = { create, edit, delete: remove, restore, merge, convert };

  return {
    people,
    figures,
    async step(index) {
      const draws = Array.from({ length: DRAWS_PER_STEP }, () => random());
      let used = 0;
      const draw = () => {
        const point = draws[used++];
        if (point === undefined) throw new Error(`a step drew more than ${DRAWS_PER_STEP} numbers`);
        return point;
      };
      const roll = draw();
      const kind = people.length < 4 ? 'create' : (SHARES.find(([bound]) => roll < bound)?.[1] ?? 'convert');
      let happened: boolean;
      try {
        happened = await operations[kind](index, draw);
      } catch (error) {
        const reason = error instanceof Error ? error.message.slice(0, 80) : String(error);
        figures.refused[reason] = (figures.refused[reason] ?? 0) + 1;
        happened = false;
      }
      if (!happened) figures.operations.skipped += 1;
    },
  };
}

function choose<T>(items: readonly T[], point: number): T | undefined {
  return items.length === 0 ? undefined : items[Math.floor(point * items.length)];
}
