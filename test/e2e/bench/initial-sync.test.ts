/**
 * The initial-sync benchmark, small: it builds the bridge and runs the build as `npm start` does, end to end
 * (seed, install through the browser, sync, verify), writes its JSON, and its call counts hold together.
 * People, companies and deals with their associations, as at full size. Timings and memory figures are not
 * asserted, only that they were measured; call counts are (they do not depend on the machine's speed).
 */
import { runSmall, written, type SmallRun } from './support';

// npm run build on two busy cores, then the benchmark.
jest.setTimeout(240_000);

describe('npm run bench -- --only initial-sync (small)', () => {
  let small: SmallRun;
  beforeAll(async () => {
    small = await runSmall([
      '--only',
      'initial-sync',
      '--records',
      '50',
      '--companies',
      '20',
      '--deals',
      '10',
      '--timeout-s',
      '90',
    ]);
  });
  afterAll(() => small.cleanup());

  it('writes the figures with where and when they were measured', () => {
    expect(small.runs).toHaveLength(1);
    const result = written(small.runs[0]!);
    expect(small.runs[0]!.file.endsWith('initial-sync.json')).toBe(true);
    expect(result).toMatchObject({
      benchmark: 'initial-sync',
      parameters: { records: 50, companies: 20, deals: 10, database: 'sqlite', bridge: 'compiled' },
    });
    expect(result.run).toMatchObject({
      node: process.version,
      gitCommit: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    expect(new Date(String((result.run as { date: string }).date)).getTime()).not.toBeNaN();
    expect(result.figures.map((figure) => figure.name)).toEqual([
      'sync completed',
      'both sides equal',
      'companies, deals and associations equal',
      'API calls, HubSpot',
      'API calls, Salesforce',
      'API calls, people',
      'API calls, companies',
      'API calls, deals',
      'API calls, associations',
      'API calls, other',
      'sync time',
      'records per second',
      'peak memory (bridge process)',
    ]);
    for (const figure of result.figures) {
      if (figure.verdict !== undefined) expect(['pass', 'miss', 'n/a']).toContain(figure.verdict);
    }
    expect(small.lines.join('\n')).toMatch(/API calls, HubSpot\s+\d+\s+target ≤ 1\.25 × floor/);
    // The floor of each object type is printed as a formula with this run's numbers.
    for (const group of ['people', 'companies', 'deals', 'associations'])
      expect(small.lines.join('\n')).toMatch(
        new RegExp(`floor, ${group}: HubSpot ⌈\\d+/\\d+⌉ .+ = \\d+\\n.*floor, ${group}: Salesforce ⌈`),
      );
  });

  it("measures the compiled bridge process's memory, and its V8 heap through /metrics", () => {
    const { details, figures } = written(small.runs[0]!);
    const memory = details.memory as { peakRssBytes: number | null; samples: number };
    const heap = details.heap as Record<string, number | null>;
    expect(memory.peakRssBytes).toBeGreaterThan(0);
    expect(memory.samples).toBeGreaterThan(0);
    expect(heap.scrapes).toBeGreaterThan(0);
    // The heap is part of the process: at most what the process held at its largest.
    expect(heap.peakHeapTotalBytes).toBeGreaterThan(0);
    expect(heap.peakHeapUsedBytes).toBeGreaterThan(0);
    expect(heap.peakHeapTotalBytes!).toBeLessThan(memory.peakRssBytes!);
    const peak = figures.find((figure) => figure.name === 'peak memory (bridge process)');
    expect(String(peak?.note)).toContain('the build under plain node, as npm start runs it');
    expect(String(peak?.note)).toMatch(/V8 heap at most [\d.]+ MB reserved/);
  });

  it('syncs the small dataset and checks both sides against what the data requires', () => {
    const { details, figures } = written(small.runs[0]!);
    const dataset = details.dataset as {
      matched: number;
      hubspotOnlyCreatable: number;
      hubspotOnlyBlocked: number;
      salesforceOnly: number;
    };
    const verification = details.verification as Record<string, unknown>;
    expect(figures.find((figure) => figure.name === 'sync completed')?.value).toBe('yes');
    expect(verification).toMatchObject({
      activeLinks: dataset.matched + dataset.hubspotOnlyCreatable + dataset.salesforceOnly,
      expectedLinks: dataset.matched + dataset.hubspotOnlyCreatable + dataset.salesforceOnly,
      expectedUnlinkedHubspot: dataset.hubspotOnlyBlocked,
      equal: expect.any(Boolean),
      fieldMismatches: expect.any(Object),
    });
    // The figure says what the check found, in its note.
    const equal = figures.find((figure) => figure.name === 'both sides equal');
    expect(equal?.value).toBe(verification.equal ? 'yes' : 'no');
    expect(String(equal?.note)).toContain(
      `${String(verification.activeLinks)}/${String(verification.expectedLinks)} links`,
    );
  });

  it('counts calls that add up, and at least the reads and creates the data needs', () => {
    const details = written(small.runs[0]!).details as {
      calls: Record<
        'hubspot' | 'salesforce',
        { total: number; reads: number; writes: number; auth: number; byRoute: Record<string, number> }
      >;
      floor: Record<
        'hubspot' | 'salesforce',
        { calls: number; terms: Array<{ what: string; calls: number }> }
      >;
    };
    for (const side of ['hubspot', 'salesforce'] as const) {
      const calls = details.calls[side];
      expect(calls.reads + calls.writes + calls.auth).toBe(calls.total);
      expect(Object.values(calls.byRoute).reduce((sum, count) => sum + count, 0)).toBe(calls.total);
      const term = (what: RegExp) =>
        details.floor[side].terms
          .filter((item) => what.test(item.what))
          .reduce((sum, item) => sum + item.calls, 0);
      // Every record is read once at least, and what the other side lacks has to be written.
      expect(calls.reads).toBeGreaterThanOrEqual(term(/search pages|query batches/));
      expect(calls.writes).toBeGreaterThanOrEqual(term(/creates|upserts/));
    }
  });

  it('links every company, Account, deal and Opportunity once, with the same associations on both sides', () => {
    const { details, figures } = written(small.runs[0]!);
    const crm = (details.dataset as { crm: Record<string, number> }).crm;
    const verification = details.crmVerification as Record<string, unknown>;
    expect(crm).toMatchObject({ hubspotCompanies: 10, salesforceAccounts: 10, matchedCompanies: 5 });
    expect(crm.hubspotDeals! + crm.salesforceOpportunities!).toBe(10);
    // The data has associations of every kind to sync, in both directions.
    for (const key of [
      'hubspotContactsWithCompany',
      'contactCompaniesToHubspot',
      'dealCompaniesToHubspot',
      'dealContactsToHubspot',
      'contactRolesToSalesforce',
    ])
      expect(crm[key]).toBeGreaterThan(0);
    expect(verification).toMatchObject({
      companyLinks: crm.hubspotCompanies! + crm.salesforceOnlyAccounts!,
      expectedCompanyLinks: crm.hubspotCompanies! + crm.salesforceOnlyAccounts!,
      dealLinks: crm.hubspotDeals! + crm.salesforceOpportunities!,
      unlinked: { companies: 0, accounts: 0, deals: 0, opportunities: 0 },
      companyPairsMissed: 0,
      duplicateDomains: { hubspot: 0, salesforce: 0 },
      fieldMismatches: {},
      associationMismatches: {},
      associationsLost: {},
      duplicateAssociations: 0,
      equal: true,
    });
    expect(figures.find((figure) => figure.name === 'companies, deals and associations equal')?.value).toBe(
      'yes',
    );
  });

  it('tells the calls apart by object type, each at least the reads and creates its floor counts', () => {
    const details = written(small.runs[0]!).details as {
      calls: Record<'hubspot' | 'salesforce', { total: number }>;
      callsByObject: Record<
        string,
        Record<'hubspot' | 'salesforce', { total: number; reads: number; writes: number; auth: number }>
      >;
      floor: {
        byObject: Record<
          string,
          Record<'hubspot' | 'salesforce', { calls: number; terms: Array<{ what: string; calls: number }> }>
        >;
      };
    };
    for (const side of ['hubspot', 'salesforce'] as const) {
      const groups = Object.values(details.callsByObject).map((group) => group[side].total);
      expect(groups.reduce((sum, count) => sum + count, 0)).toBe(details.calls[side].total);
    }
    for (const group of ['people', 'companies', 'deals', 'associations']) {
      for (const side of ['hubspot', 'salesforce'] as const) {
        const calls = details.callsByObject[group]![side];
        const floor = details.floor.byObject[group]![side];
        const term = (what: RegExp) =>
          floor.terms.filter((item) => what.test(item.what)).reduce((sum, item) => sum + item.calls, 0);
        expect(floor.calls).toBeGreaterThan(0);
        expect(calls.auth).toBe(0);
        // Every record (and every association) is read once at least, and what the other side lacks is written.
        expect(calls.reads).toBeGreaterThanOrEqual(term(/search pages|query batches|reads|queries/));
        expect(calls.writes).toBeGreaterThanOrEqual(term(/creates|upserts|labels/));
      }
    }
  });
});
