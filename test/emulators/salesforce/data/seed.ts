/**
 * Realistic, deterministic test data with the mess of a real org: websites written every which way,
 * blank fields, mixed-case e-mails, the same person twice as Contacts, Leads that duplicate Contacts,
 * converted and unconverted Leads, Opportunities at every stage, several owners.
 */

import type { EmulatorState } from '../core/state';
import type { Org } from '../core/org';
import { DAY_MS, formatDate } from '../core/time';
import { INDUSTRIES, LEAD_STATUSES, OPPORTUNITY_STAGES } from '../schema/default-schema';
import { convertLead } from './convert-lead';
import type { WriteContext } from './dml';
import { createRecord } from './dml';

export interface SeedOptions {
  accounts?: number | undefined;
  contactsPerAccount?: number | undefined;
  leads?: number | undefined;
  convertedLeads?: number | undefined;
  opportunities?: number | undefined;
  /** Same number, same data. */
  randomSeed?: number | undefined;
}

export interface SeedResult {
  users: string[];
  accounts: string[];
  contacts: string[];
  leads: string[];
  convertedLeads: string[];
  opportunities: string[];
}

const COMPANIES = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Wonka', 'Hooli', 'Vandelay',
  'Soylent', 'Tyrell', 'Cyberdyne', 'Gringotts', 'Monarch', 'Oscorp', 'Pied Piper', 'Aperture', 'Massive Dynamic',
  'Dunder Mifflin', 'Sterling Cooper', 'Bluth', 'Prestige', 'Gekko', 'Nakatomi', 'Virtucon', 'Duff', 'Krusty',
  'Burns', 'Ollivander', 'Zorg'];
const SUFFIXES = ['Inc.', 'Corp', 'LLC', 'Ltd', 'GmbH', 'Group', 'Industries', 'Holdings', ''];
const FIRST = ['Ana', 'Ben', 'Chloé', 'Dev', 'Eva', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jon', 'Kemi', 'Liam', 'Mei',
  'Noah', 'Olga', 'Priya', 'Quinn', 'Rosa', 'Sam', 'Tariq', 'Uma', 'Viktor', 'Wen', 'Xavi', 'Yara', 'Zoe'];
const LAST = ['Smith', 'García', 'Nguyen', 'Okafor', 'Müller', 'Rossi', 'Kowalski', 'Silva', 'Tanaka', "O'Brien",
  'Dubois', 'Haddad', 'Ivanova', 'Jensen', 'Khan', 'Larsen', 'Moreau', 'Novak', 'Patel', 'Quispe'];
const TITLES = ['CEO', 'VP Sales', 'Head of Marketing', 'Marketing Manager', 'CTO', 'Procurement', 'Office Manager',
  'Sales Ops', 'engineer', '', 'Director of IT'];
const CITIES = [['Berlin', '', 'Germany'], ['Austin', 'TX', 'USA'], ['Lyon', '', 'France'], ['Toronto', 'ON', 'Canada'],
  ['Leeds', '', 'United Kingdom'], ['São Paulo', 'SP', 'Brazil'], ['Osaka', '', 'Japan'], ['Denver', 'CO', 'US']];

/** mulberry32: small, fast and reproducible. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function seedOrg(state: EmulatorState, org: Org, options: SeedOptions = {}): SeedResult {
  const rnd = random(options.randomSeed ?? 42);
  const pick = <T>(list: T[]): T => list[Math.floor(rnd() * list.length)] as T;
  const chance = (p: number): boolean => rnd() < p;
  const nowMs = state.nowMs() - (state.nowMs() % 1000);
  const admin = state.userIdWithRole(org, 'admin');
  const rep = state.userIdWithRole(org, 'rep');
  const extra = [1, 2].map((n) => {
    const username = `seller${n}@${org.name}.example`;
    const existing = state.userByUsername(username);
    return existing && existing.org === org
      ? existing.userId
      : state.createUser(org, { username, firstName: pick(FIRST), lastName: pick(LAST), title: 'Sales Rep', isActive: n === 1 });
  });
  const activeOwners = [admin, rep, extra[0] as string];
  const as = (actorId: string): WriteContext => ({ org, actorId, nowMs, ids: state.ids });
  const make = (type: string, values: Record<string, unknown>, actor = pick([admin, rep])): string =>
    createRecord(as(actor), org.object(type) as NonNullable<ReturnType<Org['object']>>, values);

  const result: SeedResult = { users: [admin, rep, ...extra], accounts: [], contacts: [], leads: [], convertedLeads: [], opportunities: [] };
  const domains: string[] = [];
  const people: { first: string; last: string; email: string | null }[] = [];

  org.atomic(() => {
    for (let i = 0; i < (options.accounts ?? 20); i++) {
      const base = `${COMPANIES[i % COMPANIES.length] as string}${i >= COMPANIES.length ? ` ${Math.floor(i / COMPANIES.length) + 1}` : ''}`;
      const domain = `${base.toLowerCase().replace(/[^a-z0-9]+/g, '')}.example.com`;
      domains.push(domain);
      const website = pick([`https://www.${domain}`, `www.${domain}`, domain, `http://${domain}/`, domain.toUpperCase(), null]);
      const [city, st, country] = pick(CITIES);
      result.accounts.push(
        make('Account', {
          Name: `${chance(0.15) ? base.toUpperCase() : base} ${pick(SUFFIXES)}`.trim(),
          Website: website,
          Industry: chance(0.25) ? null : pick(INDUSTRIES),
          NumberOfEmployees: chance(0.3) ? null : Math.floor(rnd() * 5000) + 5,
          AnnualRevenue: chance(0.4) ? null : Math.floor(rnd() * 50) * 100000,
          Phone: chance(0.3) ? null : pick(['+1 (512) 555-0100', '030 1234567', '+44 113 496 0000', '555.0199']),
          BillingCity: city,
          BillingState: st || null,
          BillingCountry: country,
          Type: pick(['Prospect', 'Customer - Direct', 'Customer - Channel', null]),
          OwnerId: pick(activeOwners),
        }),
      );
    }
    result.accounts.forEach((accountId, a) => {
      const count = Math.max(0, Math.round((options.contactsPerAccount ?? 3) * (0.5 + rnd())));
      for (let c = 0; c < count; c++) {
        const first = pick(FIRST);
        const last = pick(LAST);
        const local = `${first}.${last}`.normalize('NFD').replace(/[^A-Za-z.]/g, '').toLowerCase();
        const email = chance(0.1) ? null : chance(0.2) ? `${local}@${domains[a] as string}`.replace(/^./, (x) => x.toUpperCase()) : `${local}@${domains[a] as string}`;
        people.push({ first, last, email });
        result.contacts.push(
          make('Contact', {
            FirstName: chance(0.05) ? null : first,
            LastName: chance(0.1) ? last.toUpperCase() : last,
            Email: email,
            Title: pick(TITLES) || null,
            Phone: chance(0.5) ? null : '+1 512 555 01' + String(Math.floor(rnd() * 90) + 10),
            AccountId: accountId,
            LeadSource: pick(['Web', 'Partner Referral', 'Other', null]),
            OwnerId: pick(activeOwners),
            HasOptedOutOfEmail: chance(0.1),
          }),
        );
      }
    });
    // The same person entered twice, once with different capitalisation: a classic duplicate.
    for (const person of people.slice(0, Math.min(3, people.length))) {
      if (!person.email) continue;
      result.contacts.push(make('Contact', { FirstName: person.first, LastName: person.last, Email: person.email.toUpperCase() }));
    }
    const leadCount = options.leads ?? 30;
    for (let l = 0; l < leadCount; l++) {
      const duplicate = l % 7 === 3 ? people[l % Math.max(1, people.length)] : undefined;
      const first = duplicate?.first ?? pick(FIRST);
      const last = duplicate?.last ?? pick(LAST);
      const company = chance(0.1) ? '[not provided]' : `${pick(COMPANIES)} ${pick(SUFFIXES)}`.trim();
      const email = duplicate?.email ?? (chance(0.15) ? null : `${first}.${last}@${company.toLowerCase().replace(/[^a-z]+/g, '')}.example.org`.normalize('NFD').replace(/[^A-Za-z.@]/g, '').toLowerCase());
      result.leads.push(
        make('Lead', {
          FirstName: first,
          LastName: last,
          Company: company,
          Email: email,
          Status: pick(LEAD_STATUSES.filter((s) => s !== 'Closed - Converted')),
          LeadSource: pick(['Web', 'Phone Inquiry', 'Purchased List', null]),
          Industry: chance(0.5) ? null : pick(INDUSTRIES),
          Rating: pick(['Hot', 'Warm', 'Cold', null]),
          Title: pick(TITLES) || null,
          City: chance(0.5) ? null : pick(CITIES)[0],
          OwnerId: pick(activeOwners),
        }),
      );
    }
    const convertCount = Math.min(options.convertedLeads ?? 5, result.leads.length);
    for (let k = 0; k < convertCount; k++) {
      const leadId = result.leads[k * 2 < result.leads.length ? k * 2 : k] as string;
      if (org.get(leadId)?.fields.IsConverted) continue;
      const converted = convertLead(as(rep), { leadId, createOpportunity: k % 2 === 0 });
      result.convertedLeads.push(leadId);
      result.accounts.push(converted.accountId);
      result.contacts.push(converted.contactId);
      if (converted.opportunityId) result.opportunities.push(converted.opportunityId);
    }
    for (let o = 0; o < (options.opportunities ?? 15); o++) {
      const stage = OPPORTUNITY_STAGES[o % OPPORTUNITY_STAGES.length] as (typeof OPPORTUNITY_STAGES)[number];
      const accountId = result.accounts.length > 0 ? pick(result.accounts) : null;
      result.opportunities.push(
        make('Opportunity', {
          Name: `${accountId ? (org.get(accountId)?.fields.Name as string) : 'Unassigned'} - ${pick(['Renewal', 'Expansion', 'New Business', 'Pilot'])}`,
          StageName: stage.name,
          Amount: chance(0.2) ? null : Math.floor(rnd() * 200) * 500,
          CloseDate: formatDate(nowMs + Math.floor((rnd() - 0.3) * 120) * DAY_MS),
          AccountId: accountId,
          Type: pick(['New Customer', 'Existing Customer - Upgrade', null]),
          OwnerId: pick(activeOwners),
        }),
      );
    }
  });
  return result;
}
