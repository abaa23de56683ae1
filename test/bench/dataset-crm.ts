/**
 * Companies ⇄ Accounts and deals ⇄ Opportunities for the initial-sync benchmark, with their associations,
 * planned beside the people of `dataset.ts`. Pure and deterministic for a seed.
 *
 * Companies: half are HubSpot's, half Salesforce's; half of each side are the same company on the other
 * side under the same web domain (written another way: `www.`, a capital, `https://…/`), as two teams
 * would keep them. Every domain is distinct, so every company matches at most one Account.
 *
 * Associations, on each side as people keep them:
 * - HubSpot contacts: most have a primary company, from the companies HubSpot holds. Half of those without
 *   one name a company as text (they become Leads in Salesforce; the others become Contacts).
 * - Salesforce: a Contact that is a HubSpot person holds the Account of that person's company when the
 *   company exists on both sides (sometimes left blank, for the sync to fill), or an Account HubSpot does
 *   not know of when the person has no company there; a Salesforce-only Contact usually has an Account.
 * - Deals have a primary company and one to three contacts; Opportunities an Account and one to three
 *   contact roles. The people chosen are ones that are (or will be) Salesforce Contacts: a contact linked to
 *   a Lead cannot be a role.
 */
import { blank, seededRandom, type HubspotContactSnapshot, type PlannedSalesforceRecord } from './dataset';

export interface CrmSizes {
  /** Companies and Accounts in all, split between the sides. */
  companies: number;
  /** Deals and Opportunities in all, split between the sides. */
  deals: number;
}

export interface PlannedCompany {
  /** The HubSpot company's properties (owner as an email, turned into an owner id when seeded). */
  hubspot: Record<string, string> | null;
  /** The Account's fields (owner as an email, turned into a User id when seeded). */
  salesforce: Record<string, string | number> | null;
  ownerEmail: string;
}

export interface PlannedDeal {
  hubspot: Record<string, string>;
  ownerEmail: string;
  /** Index into `companies` (a company HubSpot holds), or null. */
  companyIndex: number | null;
  hubspotContactIds: string[];
}

export interface PlannedOpportunity {
  salesforce: Record<string, string | number>;
  ownerEmail: string;
  /** Index into `accounts` (the Salesforce side's companies), or null. */
  accountIndex: number | null;
  /** Indexes into the people plan's `records` (all Contacts). */
  contactRecordIndexes: number[];
}

export interface CrmExpectations {
  hubspotCompanies: number;
  salesforceAccounts: number;
  /** Pairs that must be linked by domain. */
  matchedCompanies: number;
  hubspotOnlyCompanies: number;
  salesforceOnlyAccounts: number;
  hubspotDeals: number;
  salesforceOpportunities: number;
  /** HubSpot contacts with a primary company before the sync. */
  hubspotContactsWithCompany: number;
  /** Linked contacts that must gain a primary company in HubSpot (their Contact has an Account). */
  contactCompaniesToHubspot: number;
  /** Deals created from Opportunities with an Account: each gains a primary company. */
  dealCompaniesToHubspot: number;
  /** Deal ⇄ contact associations to create in HubSpot (the contact roles of the Opportunities). */
  dealContactsToHubspot: number;
  /** Contact roles to create in Salesforce (the contacts of the deals). */
  contactRolesToSalesforce: number;
}

export interface CrmPlan {
  /** Indexes below `hubspotCompanies` are HubSpot's; `matchedCompanies` of them are on both sides. */
  companies: PlannedCompany[];
  /** The Salesforce side's companies, in Account order: indexes into `companies`. */
  accountCompanyIndexes: number[];
  /** HubSpot contact id → index into `companies` of its primary company. */
  contactCompany: Map<string, number>;
  /** HubSpot contact id → the company it names as text (set before the sync). */
  companyText: Map<string, string>;
  deals: PlannedDeal[];
  opportunities: PlannedOpportunity[];
}

const WORDS = ['Northwind', 'Contoso', 'Fabrikam', 'Tailspin', 'Litware', 'Proseware', 'Wingtip', 'Lucerne'];
const SUFFIXES = ['Inc', 'LLC', 'Ltd', 'GmbH', 'Group', ''];
const TLDS = ['com', 'io', 'de', 'co.uk', 'net'];
/** HubSpot industry ⇄ the Salesforce industry the shipped value map pairs it with. */
const INDUSTRIES: Array<[string, string]> = [
  ['FINANCIAL_SERVICES', 'Finance'],
  ['BANKING', 'Banking'],
  ['COMPUTER_SOFTWARE', 'Technology'],
  ['HOSPITALITY', 'Hospitality'],
  ['INSURANCE', 'Insurance'],
  ['RETAIL', 'Retail'],
  ['TELECOMMUNICATIONS', 'Telecommunications'],
  ['CONSTRUCTION', 'Construction'],
];
const CITIES = ['Lisbon', 'Toronto', 'Munich', 'Osaka', 'Chicago', 'Lyon', 'Seoul', 'Austin'];
const COUNTRIES = ['Portugal', 'Canada', 'Germany', 'Japan', 'United States', 'France', 'South Korea'];
/** HubSpot's default pipeline stages ⇄ the Salesforce stage the shipped value map pairs each with. */
const STAGES: Array<[string, string]> = [
  ['appointmentscheduled', 'Prospecting'],
  ['qualifiedtobuy', 'Qualification'],
  ['presentationscheduled', 'Needs Analysis'],
  ['decisionmakerboughtin', 'Id. Decision Makers'],
  ['contractsent', 'Proposal/Price Quote'],
  ['closedwon', 'Closed Won'],
  ['closedlost', 'Closed Lost'],
];
const DEAL_TYPES: Array<[string, string]> = [
  ['newbusiness', 'New Customer'],
  ['existingbusiness', 'Existing Customer - Upgrade'],
];
const DEAL_KINDS = ['Renewal', 'New business', 'Upsell', 'Pilot', 'Expansion'];

export interface HubspotSideInput {
  hubspotContacts: readonly HubspotContactSnapshot[];
  ownerEmails: readonly string[];
  sizes: CrmSizes;
  randomSeed: number;
}

/** The companies of both sides and what HubSpot's contacts say about them: planned before the people. */
export function planCompanies(
  input: HubspotSideInput,
): Pick<CrmPlan, 'companies' | 'accountCompanyIndexes' | 'contactCompany' | 'companyText'> {
  const next = seededRandom(input.randomSeed * 7 + 3);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const chance = (probability: number) => next() < probability;
  const hubspotCount = Math.ceil(input.sizes.companies / 2);
  const salesforceCount = input.sizes.companies - hubspotCount;
  const matched = Math.floor(Math.min(hubspotCount, salesforceCount) / 2);
  const total = hubspotCount + salesforceCount - matched;

  const companies: PlannedCompany[] = [];
  for (let index = 0; index < total; index += 1) {
    const word = `${pick(WORDS)} ${index + 1}`;
    const name = `${word} ${pick(SUFFIXES)}`.trim();
    const domain = `${word.toLowerCase().replace(/[^a-z0-9]+/g, '')}.${pick(TLDS)}`;
    const [hubspotIndustry, salesforceIndustry] = pick(INDUSTRIES);
    const employees = chance(0.7) ? Math.floor(next() * 5_000) + 1 : '';
    const revenue = chance(0.5) ? Math.floor(next() * 50_000_000) : '';
    const phone = `+1 312 ${String(Math.floor(next() * 9_000_000) + 1_000_000).replace(/^(\d{3})/, '$1 ')}`;
    const city = pick(CITIES);
    const country = pick(COUNTRIES);
    const ownerEmail = pick(input.ownerEmails);
    const onHubspot = index < hubspotCount;
    const onSalesforce = index < matched || index >= hubspotCount;
    const hubspot = onHubspot
      ? compact({
          name: index < matched && chance(0.15) ? name.toUpperCase() : name,
          domain: pick([domain, domain, `www.${domain}`, domain.replace(/^./, (c) => c.toUpperCase())]),
          industry: chance(0.8) ? hubspotIndustry : '',
          numberofemployees: String(employees),
          annualrevenue: String(revenue),
          phone,
          city,
          country: chance(0.7) ? country : '',
        })
      : null;
    const salesforce = onSalesforce
      ? compact({
          Name: name,
          Website: pick([`https://www.${domain}`, `http://${domain}/`, `www.${domain}`]),
          // A matched pair may miss a value on one side only: the sync fills it.
          Industry:
            index < matched && hubspot?.industry ? salesforceIndustry : pick(['', salesforceIndustry]),
          NumberOfEmployees: index < matched ? employees : chance(0.5) ? employees : '',
          AnnualRevenue: index < matched ? revenue : '',
          Phone: phone,
          BillingCity: city,
          BillingCountry: index < matched ? (hubspot?.country ?? '') : country,
        })
      : null;
    companies.push({ hubspot, salesforce, ownerEmail });
  }
  const accountCompanyIndexes = companies.flatMap((company, index) => (company.salesforce ? [index] : []));

  const contactCompany = new Map<string, number>();
  const companyText = new Map<string, string>();
  for (const contact of input.hubspotContacts) {
    if (hubspotCount > 0 && chance(0.6)) {
      contactCompany.set(contact.id, Math.floor(next() * hubspotCount));
    } else if (blank(contact.properties.company) && chance(0.5)) {
      companyText.set(contact.id, `${pick(WORDS)} ${pick(['Partners', 'Labs', 'Studio', 'Systems'])}`);
    }
  }
  return { companies, accountCompanyIndexes, contactCompany, companyText };
}

export interface AssociationInput {
  companies: Pick<CrmPlan, 'companies' | 'accountCompanyIndexes' | 'contactCompany'>;
  /** The people plan's Salesforce records (`accountIndex` indexes `accountCompanyIndexes`). */
  records: readonly PlannedSalesforceRecord[];
  /** HubSpot contacts the sync will create as Salesforce Contacts. */
  hubspotOnlyContactIds: readonly string[];
  ownerEmails: readonly string[];
  sizes: CrmSizes;
  randomSeed: number;
}

/**
 * The Accounts of the Salesforce people who are HubSpot people too (a new `records` list), the deals and
 * Opportunities, and what the sync must then do with their associations.
 */
export function planAssociations(input: AssociationInput): {
  records: PlannedSalesforceRecord[];
  deals: PlannedDeal[];
  opportunities: PlannedOpportunity[];
} {
  const next = seededRandom(input.randomSeed * 13 + 5);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const chance = (probability: number) => next() < probability;
  const { companies, accountCompanyIndexes, contactCompany } = input.companies;
  const hubspotCompanyCount = companies.filter((company) => company.hubspot).length;
  const accountOf = new Map(accountCompanyIndexes.map((companyIndex, position) => [companyIndex, position]));

  const records = input.records.map((record) => {
    if (record.type !== 'Contact' || record.hubspotId === null || accountCompanyIndexes.length === 0)
      return record;
    const company = contactCompany.get(record.hubspotId);
    if (company !== undefined) {
      const account = accountOf.get(company);
      return account !== undefined && chance(0.8) ? { ...record, accountIndex: account } : record;
    }
    return chance(0.3)
      ? { ...record, accountIndex: Math.floor(next() * accountCompanyIndexes.length) }
      : record;
  });

  // People who are, or will be, Salesforce Contacts: a deal's contacts and an Opportunity's roles.
  const hubspotContactPeople = [
    ...records.flatMap((record) => (record.type === 'Contact' && record.hubspotId ? [record.hubspotId] : [])),
    ...input.hubspotOnlyContactIds,
  ];
  const salesforceContacts = records.flatMap((record, index) => (record.type === 'Contact' ? [index] : []));
  const some = <T>(pool: readonly T[]): T[] => {
    const wanted = Math.min(pool.length, 1 + Math.floor(next() * 3));
    const chosen = new Set<T>();
    while (chosen.size < wanted) chosen.add(pick(pool));
    return [...chosen];
  };
  const closeDate = (index: number) =>
    new Date(Date.UTC(2026, 0, 1) + ((index * 37) % 540) * 86_400_000).toISOString().slice(0, 10);
  const amount = () => (chance(0.85) ? Math.floor(next() * 90_000) + 1_000 : '');

  const hubspotDealCount = Math.ceil(input.sizes.deals / 2);
  const deals: PlannedDeal[] = [];
  for (let index = 0; index < hubspotDealCount; index += 1) {
    const [stage] = pick(STAGES);
    const [type] = pick(DEAL_TYPES);
    deals.push({
      hubspot: compact({
        dealname: `${pick(WORDS)} - ${pick(DEAL_KINDS)} ${2025 + (index % 3)}`,
        amount: String(amount()),
        dealstage: stage,
        pipeline: 'default',
        closedate: String(Date.parse(`${closeDate(index)}T00:00:00.000Z`)),
        dealtype: chance(0.6) ? type : '',
        description: chance(0.3) ? `Deal ${index + 1} of the benchmark` : '',
      }),
      ownerEmail: pick(input.ownerEmails),
      companyIndex: hubspotCompanyCount > 0 && chance(0.9) ? Math.floor(next() * hubspotCompanyCount) : null,
      hubspotContactIds: some(hubspotContactPeople),
    });
  }
  const opportunities: PlannedOpportunity[] = [];
  for (let index = 0; index < input.sizes.deals - hubspotDealCount; index += 1) {
    const [, stage] = pick(STAGES);
    const [, type] = pick(DEAL_TYPES);
    opportunities.push({
      salesforce: compact({
        Name: `${pick(WORDS)} - ${pick(DEAL_KINDS)} ${2025 + (index % 3)}`,
        Amount: amount(),
        StageName: stage,
        CloseDate: closeDate(index + 1),
        Type: chance(0.6) ? type : '',
      }),
      ownerEmail: pick(input.ownerEmails),
      accountIndex:
        accountCompanyIndexes.length > 0 && chance(0.9)
          ? Math.floor(next() * accountCompanyIndexes.length)
          : null,
      contactRecordIndexes: some(salesforceContacts),
    });
  }
  return { records, deals, opportunities };
}

/** What the sync must do with the companies, deals and associations, counted from the plans. */
export function crmExpectations(
  plan: Pick<CrmPlan, 'companies' | 'contactCompany' | 'deals' | 'opportunities'>,
  records: readonly PlannedSalesforceRecord[],
): CrmExpectations {
  const hubspotCompanies = plan.companies.filter((company) => company.hubspot).length;
  const salesforceAccounts = plan.companies.filter((company) => company.salesforce).length;
  const matchedCompanies = plan.companies.filter((company) => company.hubspot && company.salesforce).length;
  const contactCompaniesToHubspot = records.filter(
    (record) =>
      record.type === 'Contact' &&
      record.accountIndex !== null &&
      (record.hubspotId === null || !plan.contactCompany.has(record.hubspotId)),
  ).length;
  return {
    hubspotCompanies,
    salesforceAccounts,
    matchedCompanies,
    hubspotOnlyCompanies: hubspotCompanies - matchedCompanies,
    salesforceOnlyAccounts: salesforceAccounts - matchedCompanies,
    hubspotDeals: plan.deals.length,
    salesforceOpportunities: plan.opportunities.length,
    hubspotContactsWithCompany: plan.contactCompany.size,
    contactCompaniesToHubspot,
    dealCompaniesToHubspot: plan.opportunities.filter((opportunity) => opportunity.accountIndex !== null)
      .length,
    dealContactsToHubspot: plan.opportunities.reduce(
      (sum, opportunity) => sum + opportunity.contactRecordIndexes.length,
      0,
    ),
    contactRolesToSalesforce: plan.deals.reduce((sum, deal) => sum + deal.hubspotContactIds.length, 0),
  };
}

function compact<T extends string | number>(fields: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== ''));
}
