/**
 * The data the benchmarks sync, planned from the HubSpot portal the emulator's seed produced.
 *
 * HubSpot comes first because its seed is the realistic one (mixed-case and missing emails, blank names,
 * near-duplicate people, phones in every format). Salesforce then gets the same number of records: half of
 * them are HubSpot people (same email, sometimes written in another case, the odd field different, as in
 * two systems kept by different teams), half are people only Salesforce knows, split between Contacts and
 * Leads. Every owner exists on both sides (matched by email), so owners map.
 *
 * Pure and deterministic for a seed; what the sync must then do is counted in `expected`, from which the
 * API-call floor is computed.
 */
import type { CrmExpectations } from './dataset-crm';

export interface HubspotContactSnapshot {
  id: string;
  properties: Record<string, string | null | undefined>;
}

export type SalesforceContactType = 'Contact' | 'Lead';

export interface PlannedSalesforceRecord {
  type: SalesforceContactType;
  fields: Record<string, string | boolean>;
  /** The owner, by email (the seeding step turns it into a User id). */
  ownerEmail: string;
  /** Index into `accounts` for a Contact with an Account. */
  accountIndex: number | null;
  /** The HubSpot contact this is the same person as, or null for a Salesforce-only person. */
  hubspotId: string | null;
}

export interface PlannedAccount {
  Name: string;
  [field: string]: string | number;
}

export interface DatasetExpectations {
  hubspotContacts: number;
  salesforceContacts: number;
  salesforceLeads: number;
  /** Pairs that must be linked by email. */
  matched: number;
  /** HubSpot contacts with no Salesforce counterpart, that must be created in Salesforce. */
  hubspotOnlyCreatable: number;
  /** The same, by the object they become. */
  hubspotOnlyCreatableAs: Record<SalesforceContactType, number>;
  /** HubSpot contacts with no counterpart that Salesforce cannot accept (a required field is blank). */
  hubspotOnlyBlocked: number;
  /** Salesforce records with no HubSpot counterpart, that must be created in HubSpot. */
  salesforceOnly: number;
  /** Companies, deals and their associations, when the benchmark syncs them. */
  crm?: CrmExpectations;
}

export interface Dataset {
  accounts: PlannedAccount[];
  records: PlannedSalesforceRecord[];
  expected: DatasetExpectations;
}

export interface DatasetInput {
  hubspotContacts: readonly HubspotContactSnapshot[];
  /** HubSpot owner id → email. */
  hubspotOwners: ReadonlyMap<string, string>;
  /** How many Salesforce records (Contacts and Leads) in all. */
  salesforceRecords: number;
  randomSeed: number;
  /** The Accounts Salesforce holds, when planned elsewhere (with companies); else a few are made up. */
  accounts?: readonly PlannedAccount[];
}

/**
 * What a new HubSpot contact becomes in Salesforce in the benchmarks' settings: a Lead when it names a
 * company (a Lead needs one), else a Contact. Mirrors the creation rule saved with the settings.
 */
export function creationTargetOf(properties: HubspotContactSnapshot['properties']): SalesforceContactType {
  return blank(properties.company) ? 'Contact' : 'Lead';
}

/** Salesforce's required fields, as HubSpot properties, for a contact created as `type`. */
export function blockedInSalesforce(properties: HubspotContactSnapshot['properties']): boolean {
  const required = creationTargetOf(properties) === 'Lead' ? ['lastname', 'company'] : ['lastname'];
  return required.some((name) => blank(properties[name]));
}

export function blank(value: string | null | undefined): boolean {
  return value === null || value === undefined || value.trim() === '';
}

const FIRST_NAMES = ['Amelia', 'Bruno', 'Carmen', 'Dmitri', 'Eun-ji', 'Farid', 'Greta', 'Hiroshi', 'Ines'];
const MORE_FIRST_NAMES = ['Jonas', 'Kwame', 'Léa', 'Mateo', 'Nadia', 'Oskar', 'Priya', 'Quentin', 'Rosa'];
const LAST_NAMES = ['Andersen', 'Barros', 'Çelik', 'Dubois', 'Eriksen', 'Fischer', 'González', 'Haddad'];
const MORE_LAST_NAMES = ['Ito', 'Jansen', 'Kowalski', 'Lindqvist', 'Moreau', 'Nakamura', 'Olsen', 'Pereira'];
const COMPANIES = ['Northwind', 'Contoso', 'Fabrikam', 'Tailspin', 'Litware', 'Adventure Works', 'Proseware'];
const TITLES = ['Purchasing Manager', 'VP Operations', 'Procurement Lead', 'CFO', 'IT Manager', 'Buyer'];
const CITIES = ['Lisbon', 'Toronto', 'Munich', 'Osaka', 'Chicago', 'Lyon', 'Seoul', 'Austin'];
const LEAD_SOURCES = ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Other'];

/** HubSpot lifecycle stage → a Lead Status a sales team would have set for that person. */
const STATUS_FOR_STAGE: Record<string, string> = {
  subscriber: 'Open - Not Contacted',
  lead: 'Open - Not Contacted',
  marketingqualifiedlead: 'Working - Contacted',
  salesqualifiedlead: 'Working - Contacted',
  opportunity: 'Working - Contacted',
  customer: 'Working - Contacted',
};

/** mulberry32: small, fast, deterministic. */
export function seededRandom(seed: number): () => number {
  let value = seed >>> 0;
  return () => {
    value = (value + 0x6d2b79f5) >>> 0;
    let t = value;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function planDataset(input: DatasetInput): Dataset {
  const next = seededRandom(input.randomSeed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const chance = (probability: number) => next() < probability;
  const ownerEmails = [...new Set(input.hubspotOwners.values())].sort();
  if (ownerEmails.length === 0) throw new Error('the portal has no owners to assign');

  // Shared people must have an email (that is how they match). Those with a blank last name go first:
  // Salesforce will hold their last name, so they are not blocked as HubSpot-only contacts would be.
  const candidates = input.hubspotContacts
    .filter((contact) => !blank(contact.properties.email))
    .map((contact) => ({ contact, order: (blank(contact.properties.lastname) ? 0 : 1) + next() }))
    .sort((a, b) => a.order - b.order)
    .map(({ contact }) => contact);
  const sharedCount = Math.min(Math.floor(input.salesforceRecords / 2), candidates.length);
  const shared = candidates.slice(0, sharedCount);
  const sharedIds = new Set(shared.map((contact) => contact.id));
  const takenEmails = new Set(
    input.hubspotContacts.flatMap((contact) =>
      blank(contact.properties.email) ? [] : [String(contact.properties.email).trim().toLowerCase()],
    ),
  );

  const records: PlannedSalesforceRecord[] = shared.map((contact) =>
    sharedPerson(contact, { next, pick, chance, ownerEmails, owners: input.hubspotOwners }),
  );

  const salesforceOnly = input.salesforceRecords - sharedCount;
  const accounts: PlannedAccount[] = [...(input.accounts ?? [])];
  const accountCount = input.accounts ? 0 : Math.max(1, Math.round(salesforceOnly / 20));
  for (let index = 0; index < accountCount; index += 1) {
    const name = `${pick(COMPANIES)} ${index + 1}`;
    const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '');
    accounts.push({ Name: name, Website: `https://www.${slug}.com`, Phone: phoneNumber(next, pick) });
  }
  for (let index = 0; index < salesforceOnly; index += 1) {
    const first = pick(chance(0.5) ? FIRST_NAMES : MORE_FIRST_NAMES);
    const last = pick(chance(0.5) ? LAST_NAMES : MORE_LAST_NAMES);
    const accountIndex = Math.floor(next() * accounts.length);
    const company = accounts[accountIndex]?.Name ?? pick(COMPANIES);
    const slug = company.toLowerCase().replace(/[^a-z0-9]+/g, '');
    const local = `${first}.${last}.sf${index}`.normalize('NFD').replace(/[^A-Za-z0-9.-]/g, '');
    const email = `${chance(0.2) ? local : local.toLowerCase()}@${slug}.com`;
    if (takenEmails.has(email.toLowerCase())) throw new Error(`generated a taken email: ${email}`);
    const type: SalesforceContactType = chance(0.5) ? 'Contact' : 'Lead';
    const fields: Record<string, string | boolean> = {
      FirstName: first,
      LastName: last,
      Email: email,
      Title: pick(TITLES),
      Phone: phoneNumber(next, pick),
    };
    if (type === 'Lead') {
      Object.assign(fields, {
        Company: company,
        City: pick(CITIES),
        Status: pick(['Open - Not Contacted', 'Working - Contacted']),
        LeadSource: pick(LEAD_SOURCES),
      });
    } else {
      fields.MailingCity = pick(CITIES);
    }
    records.push({
      type,
      fields,
      ownerEmail: pick(ownerEmails),
      accountIndex: type === 'Contact' && accounts.length > 0 && chance(0.7) ? accountIndex : null,
      hubspotId: null,
    });
  }

  const hubspotOnly = input.hubspotContacts.filter((contact) => !sharedIds.has(contact.id));
  const creatable = hubspotOnly.filter((contact) => !blockedInSalesforce(contact.properties));
  const creatableAs = (type: SalesforceContactType) =>
    creatable.filter((contact) => creationTargetOf(contact.properties) === type).length;
  return {
    accounts,
    records,
    expected: {
      hubspotContacts: input.hubspotContacts.length,
      salesforceContacts: records.filter((record) => record.type === 'Contact').length,
      salesforceLeads: records.filter((record) => record.type === 'Lead').length,
      matched: sharedCount,
      hubspotOnlyCreatable: creatable.length,
      hubspotOnlyCreatableAs: { Lead: creatableAs('Lead'), Contact: creatableAs('Contact') },
      hubspotOnlyBlocked: hubspotOnly.length - creatable.length,
      salesforceOnly,
    },
  };
}

interface Chooser {
  next: () => number;
  pick: <T>(items: readonly T[]) => T;
  chance: (probability: number) => boolean;
  ownerEmails: readonly string[];
  owners: ReadonlyMap<string, string>;
}

/** The Salesforce side of a HubSpot person: the same email, mostly the same values, as people enter them. */
function sharedPerson(contact: HubspotContactSnapshot, choose: Chooser): PlannedSalesforceRecord {
  const { pick, chance } = choose;
  const value = (name: string) => String(contact.properties[name] ?? '').trim();
  const email = value('email');
  const [local = 'person', domain = 'example.com'] = email.split('@');
  const type: SalesforceContactType = chance(0.5) ? 'Contact' : 'Lead';
  const lastName =
    value('lastname') ||
    capitalize(
      local
        .replace(/[^A-Za-z]+/g, ' ')
        .trim()
        .split(' ')
        .pop(),
    );
  const fields: Record<string, string | boolean> = {
    LastName: lastName,
    // Salesforce keeps what the rep typed: sometimes the same address in another case.
    Email: chance(0.25) ? `${capitalize(local)}@${capitalize(domain)}` : email,
  };
  if (value('firstname'))
    fields.FirstName = chance(0.15) ? capitalize(value('firstname')) : value('firstname');
  if (value('phone') && chance(0.7)) fields.Phone = value('phone');
  if (value('jobtitle')) fields.Title = chance(0.8) ? value('jobtitle') : pick(TITLES);
  const city = value('city');
  if (type === 'Lead') {
    fields.Company = value('company') || capitalize(domain.split('.')[0]);
    if (city) fields.City = city;
    fields.Status = STATUS_FOR_STAGE[value('lifecyclestage')] ?? 'Open - Not Contacted';
  } else if (city) {
    fields.MailingCity = city;
  }
  const ownerEmail = choose.owners.get(value('hubspot_owner_id')) ?? pick(choose.ownerEmails);
  return { type, fields, ownerEmail, accountIndex: null, hubspotId: contact.id };
}

function capitalize(text: string | undefined): string {
  if (!text) return 'Unknown';
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function phoneNumber(next: () => number, pick: <T>(items: readonly T[]) => T): string {
  const digits = String(Math.floor(next() * 9_000_000) + 1_000_000);
  return pick([
    `(312) ${digits.slice(0, 3)}-${digits.slice(3)}`,
    `+1 312 ${digits.slice(0, 3)} ${digits.slice(3)}`,
    `312-${digits.slice(0, 3)}-${digits.slice(3)}`,
    `+44 161 ${digits.slice(0, 3)} ${digits.slice(3)}`,
  ]);
}
