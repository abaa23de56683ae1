/**
 * The steady-state benchmark, small: edits on both sides land, the figures and their JSON hold together.
 * The poll path waits for a real Salesforce poll (15 s, the shortest interval the settings allow).
 */
import { runSmall, written, type SmallRun } from './support';

jest.setTimeout(150_000);

interface Phase {
  path: string;
  edits: number;
  landed: number;
  latency: { count: number };
  calls: Record<'hubspot' | 'salesforce', { total: number; writes: number }>;
  echoWriteCalls: number;
  callsPerEdit: number;
}

describe('npm run bench -- --only steady-state (small)', () => {
  let small: SmallRun;
  beforeAll(async () => {
    small = await runSmall([
      '--only=steady-state',
      '--steady-records=40',
      '--edits=12',
      '--edits-per-second=10',
      '--echo-wait-s=1',
      '--timeout-s=90',
      // The initial-sync test runs the build; this one runs the sources, as the sandbox does.
      '--bridge=tsx',
    ]);
  });
  afterAll(() => small.cleanup());

  it('makes half the edits on each side and lands every one on the other side', () => {
    const { webhook, poll } = written(small.runs[0]!).details.phases as { webhook: Phase; poll: Phase };
    expect([webhook.path, webhook.edits, poll.path, poll.edits]).toEqual(['webhook', 6, 'poll', 6]);
    expect(webhook.landed).toBe(6);
    expect(poll.landed).toBe(6);
    expect(webhook.latency.count).toBe(6);
    expect(poll.latency.count).toBe(6);
    // The edits crossed over: Salesforce was written during HubSpot edits, HubSpot during Salesforce edits.
    expect(webhook.calls.salesforce.writes).toBeGreaterThan(0);
    expect(poll.calls.hubspot.writes).toBeGreaterThan(0);
  });

  it('reports echoes and calls per edit from the counted calls', () => {
    const result = written(small.runs[0]!);
    const { webhook, poll } = result.details.phases as { webhook: Phase; poll: Phase };
    expect(webhook.echoWriteCalls).toBe(webhook.calls.hubspot.writes);
    expect(poll.echoWriteCalls).toBe(poll.calls.salesforce.writes);
    for (const phase of [webhook, poll]) {
      expect(phase.callsPerEdit).toBeCloseTo(
        (phase.calls.hubspot.total + phase.calls.salesforce.total) / phase.edits,
        2,
      );
    }
    const figure = (name: string) => result.figures.find((item) => item.name === name);
    expect(figure('writes that only echo')?.value).toBe(webhook.echoWriteCalls + poll.echoWriteCalls);
    expect(figure('edits landed')).toMatchObject({ value: '12/12', verdict: 'pass' });
    expect(figure('webhook path p95')).toMatchObject({ unit: 'ms', target: '< 1000 ms' });
    expect(figure('poll path p95')).toMatchObject({ target: '< poll interval + 1 s = 16000 ms' });
    expect(result.parameters).toMatchObject({ edits: 12, pollIntervalMs: 15_000, latencyMs: 50 });
  });
});
