/**
 * The initial-sync benchmark, small: it builds the bridge and runs the build as `npm start` does, end to end
 * (seed, install through the browser, sync, verify), writes its JSON, and its call counts hold together.
 * Timings and memory figures are not asserted, only that they were measured.
 */
import { runSmall, written, type SmallRun } from './support';

// npm run build on two busy cores, then the benchmark.
jest.setTimeout(240_000);

describe('npm run bench -- --only initial-sync (small)', () => {
  let small: SmallRun;
  beforeAll(async () => {
    small = await runSmall(['--only', 'initial-sync', '--records', '50', '--timeout-s', '90']);
  });
  afterAll(() => small.cleanup());

  it('writes the figures with where and when they were measured', () => {
    expect(small.runs).toHaveLength(1);
    const result = written(small.runs[0]!);
    expect(small.runs[0]!.file.endsWith('initial-sync.json')).toBe(true);
    expect(result).toMatchObject({
      benchmark: 'initial-sync',
      parameters: { records: 50, database: 'sqlite', bridge: 'compiled' },
    });
    expect(result.run).toMatchObject({
      node: process.version,
      gitCommit: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    expect(new Date(String((result.run as { date: string }).date)).getTime()).not.toBeNaN();
    expect(result.figures.map((figure) => figure.name)).toEqual([
      'sync completed',
      'both sides equal',
      'API calls, HubSpot',
      'API calls, Salesforce',
      'sync time',
      'records per second',
      'peak memory (bridge process)',
    ]);
    for (const figure of result.figures) {
      if (figure.verdict !== undefined) expect(['pass', 'miss', 'n/a']).toContain(figure.verdict);
    }
    expect(small.lines.join('\n')).toMatch(/API calls, HubSpot\s+\d+\s+target ≤ 1\.25 × floor/);
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
});
