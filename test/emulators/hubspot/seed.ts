/**
 * Realistic portal data from a seeded random generator: owners, companies, contacts and deals with the mess of
 * real portals — mixed-case and missing emails, near-duplicate people and companies, `www.` and capitalised
 * domains, phone numbers in every format, blank fields, contacts without a company — and their associations.
 * The same seed always produces the same data.
 */
import type { Actor } from './crm/actor';
import { associate } from './crm/association-ops';
import { COMPANY_INDUSTRIES, DEAL_STAGES } from './crm/default-properties';
import type { ObjectType } from './crm/object-types';
import { applyCreate, prepareWrite } from './crm/records';
import type { EmulatorState } from './state/emulator-state';
import type { Portal } from './state/portal';

export interface SeedOptions {
  seed: number;
  owners: number;
  companies: number;
  contacts: number;
  deals: number;
  emitWebhooks: boolean;
}

export interface SeedResult {
  ownerIds: string[];
  companyIds: string[];
  contactIds: string[];
  dealIds: string[];
}

const FIRST_NAMES = [
  'Ana',
  'John',
  'Maria',
  'Wei',
  'Fatima',
  'Liam',
  'Sofia',
  'Kenji',
  'Olga',
  'Pedro',
  'Aisha',
  'Noah',
  'Chloé',
  'Raj',
  'Emma',
  'Lars',
];
const LAST_NAMES = [
  'Lopez',
  'Smith',
  'García',
  'Chen',
  'Khan',
  "O'Brien",
  'Rossi',
  'Tanaka',
  'Ivanova',
  'Silva',
  'Okafor',
  'Müller',
  'Dubois',
  'Patel',
  'Nguyen',
];
const COMPANY_WORDS = [
  'Acme',
  'Globex',
  'Initech',
  'Umbrella',
  'Stark',
  'Wayne',
  'Hooli',
  'Vandelay',
  'Soylent',
  'Tyrell',
  'Cyberdyne',
  'Wonka',
  'Gringotts',
  'Pied Piper',
  'Dunder',
];
const COMPANY_SUFFIXES = ['Inc', 'Inc.', ', Inc.', 'LLC', 'Ltd', 'GmbH', 'Corp', 'Group', ''];
const TLDS = ['com', 'io', 'co.uk', 'de', 'fr', 'net'];
const TITLES = [
  'VP Sales',
  'vp, sales',
  'CEO',
  'Head of Marketing',
  'Account Executive',
  'CTO',
  'Office Manager',
  'Director of IT',
  '',
];
const CITIES = ['San Francisco', 'London', 'Berlin', 'São Paulo', 'Tokyo', 'Paris', 'New York', 'Madrid', ''];
const LIFECYCLE = [
  'subscriber',
  'lead',
  'lead',
  'marketingqualifiedlead',
  'salesqualifiedlead',
  'opportunity',
  'customer',
  '',
];

/** mulberry32: small, fast and good enough to make test data. */
function random(seed: number): () => number {
  let value = seed >>> 0;
  return () => {
    value = (value + 0x6d2b79f5) >>> 0;
    let t = value;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function seedPortal(state: EmulatorState, portal: Portal, options: SeedOptions): SeedResult {
  const next = random(options.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const chance = (probability: number) => next() < probability;
  const dayMs = 86_400_000;
  const nowMs = state.nowMs();
  const messyCase = (text: string) =>
    chance(0.15) ? text.toUpperCase() : chance(0.15) ? text.toLowerCase() : text;
  const phone = () => {
    const digits = String(Math.floor(next() * 9_000_000) + 1_000_000);
    return pick([
      `+1 (415) ${digits.slice(0, 3)}-${digits.slice(3)}`,
      `415.${digits.slice(0, 3)}.${digits.slice(3)}`,
      `415${digits}`,
      `+44 20 ${digits.slice(0, 4)} ${digits.slice(4)}`,
      `+49 30 ${digits}`,
      '',
    ]);
  };

  const wasMuted = state.webhooks.muted;
  state.webhooks.muted = !options.emitWebhooks;
  try {
    const ownerIds: string[] = [];
    for (let index = 0; index < options.owners; index += 1) {
      const first = pick(FIRST_NAMES);
      const last = pick(LAST_NAMES);
      const email = `${first}.${last}.${index}@portal${portal.id}.example.com`
        .toLowerCase()
        .replace(/[^a-z0-9.@-]/g, '');
      ownerIds.push(portal.addOwner({ email, firstName: first, lastName: last }, nowMs).id);
    }
    const allOwners = [...portal.liveOwnerIds()];
    const users = [...portal.owners.values()];
    const actor = (): Actor =>
      chance(0.3)
        ? { kind: 'import', importId: `import:${options.seed}` }
        : (() => {
            const user = pick(users);
            return { kind: 'user', userId: user.userId, email: user.email };
          })();
    const createdate = () =>
      new Date(nowMs - Math.floor(next() * 400) * dayMs - Math.floor(next() * dayMs)).toISOString();
    const create = (type: ObjectType, properties: Record<string, string>): string | null => {
      const context = state.writeContext(portal, actor());
      const cleaned = Object.fromEntries(Object.entries(properties).filter(([, value]) => value !== ''));
      const prepared = prepareWrite(context, type, null, { ...cleaned, createdate: createdate() });
      if (!prepared.ok) return null;
      return applyCreate(context, type, prepared.value).id;
    };

    const companies: Array<{ id: string; domain: string }> = [];
    for (let index = 0; index < options.companies; index += 1) {
      // Every fifth company is a near-duplicate of an earlier one ("Acme Inc" vs "ACME, Inc.").
      const base =
        index % 5 === 4 && companies.length > 0
          ? COMPANY_WORDS[index % COMPANY_WORDS.length]
          : pick(COMPANY_WORDS);
      const word = `${base}${index >= COMPANY_WORDS.length && index % 5 !== 4 ? ` ${index}` : ''}`;
      const slug = word.toLowerCase().replace(/[^a-z0-9]+/g, '');
      const domain = `${slug}.${pick(TLDS)}`;
      const writtenDomain = pick([
        domain,
        domain,
        `www.${domain}`,
        domain.replace(/^./, (c) => c.toUpperCase()),
        `https://${domain}/`,
        '',
      ]);
      const id = create('companies', {
        name: messyCase(`${word}${pick(COMPANY_SUFFIXES)}`.trim()),
        domain: writtenDomain,
        website: chance(0.6) ? `https://www.${domain}` : '',
        phone: phone(),
        city: pick(CITIES),
        industry: chance(0.7) ? pick(COMPANY_INDUSTRIES)[0] : '',
        numberofemployees: chance(0.6) ? String(Math.floor(next() * 5000) + 1) : '',
        annualrevenue: chance(0.4) ? String(Math.floor(next() * 50_000_000)) : '',
        type: chance(0.5) ? pick(['PROSPECT', 'PARTNER', 'RESELLER', 'VENDOR', 'OTHER']) : '',
        hubspot_owner_id: chance(0.8) && allOwners.length > 0 ? pick(allOwners) : '',
      });
      if (id) companies.push({ id, domain });
    }

    const contactIds: string[] = [];
    const people: Array<{ first: string; last: string }> = [];
    for (let index = 0; index < options.contacts; index += 1) {
      // Near-duplicates: the same person again with a slightly different email.
      const twin = index % 7 === 6 && people.length > 0 ? pick(people) : null;
      const first = twin?.first ?? pick(FIRST_NAMES);
      const last = twin?.last ?? pick(LAST_NAMES);
      people.push({ first, last });
      const company = companies.length > 0 && chance(0.85) ? pick(companies) : null;
      // The index keeps emails unique, so every requested contact is created.
      const local = `${twin ? first.slice(0, -1) || first : first}.${last}${index}`
        .normalize('NFD')
        .replace(/[^A-Za-z0-9.]/g, '');
      const emailDomain = company?.domain ?? pick(['gmail.com', 'outlook.com', 'yahoo.co.uk']);
      const email = chance(0.1)
        ? ''
        : pick([local.toLowerCase(), local, local.toUpperCase(), `${local.toLowerCase()}+crm`]) +
          `@${emailDomain}`;
      const id = create('contacts', {
        email,
        firstname: chance(0.05) ? '' : messyCase(chance(0.1) ? ` ${first} ` : first),
        lastname: chance(0.05) ? '' : messyCase(last),
        phone: phone(),
        mobilephone: chance(0.3) ? phone() : '',
        jobtitle: pick(TITLES),
        city: pick(CITIES),
        company: company && chance(0.5) ? messyCase(company.domain.split('.')[0] ?? '') : '',
        lifecyclestage: pick(LIFECYCLE),
        hubspot_owner_id: chance(0.7) && allOwners.length > 0 ? pick(allOwners) : '',
      });
      if (!id) continue;
      contactIds.push(id);
      if (company) {
        associate(state.writeContext(portal, actor()), 'contacts', id, 'companies', company.id, [279, 1]);
      }
    }

    const dealIds: string[] = [];
    for (let index = 0; index < options.deals; index += 1) {
      const company = companies.length > 0 ? pick(companies) : null;
      const closeDay = Math.floor(nowMs / dayMs) + Math.floor(next() * 180) - 60;
      const id = create('deals', {
        dealname: `${company ? (company.domain.split('.')[0] ?? 'Deal') : 'Deal'} - ${pick(['Renewal', 'New business', 'Upsell', 'Pilot'])} ${2025 + (index % 3)}`,
        amount: chance(0.85)
          ? pick([String(Math.floor(next() * 90_000) + 1000), `${Math.floor(next() * 9000)}.50`])
          : '',
        dealstage: pick(DEAL_STAGES)[0],
        pipeline: 'default',
        closedate: String(closeDay * dayMs),
        dealtype: chance(0.5) ? pick(['newbusiness', 'existingbusiness']) : '',
        hubspot_owner_id: allOwners.length > 0 ? pick(allOwners) : '',
      });
      if (!id) continue;
      dealIds.push(id);
      const context = state.writeContext(portal, actor());
      if (company) associate(context, 'deals', id, 'companies', company.id, [341, 5]);
      const buyers = contactIds.length > 0 ? Math.floor(next() * 3) : 0;
      for (let buyer = 0; buyer < buyers; buyer += 1)
        associate(context, 'deals', id, 'contacts', pick(contactIds), [3]);
    }
    return { ownerIds, companyIds: companies.map((company) => company.id), contactIds, dealIds };
  } finally {
    state.webhooks.muted = wasMuted;
  }
}
