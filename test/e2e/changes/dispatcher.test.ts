import { PollDispatcher, pollLeaseName } from '../../../src/changes/pollDispatcher';
import { startChangeDetection } from '../../../src/changes/start';
import * as dirty from '../../../src/db/dirty';
import * as installations from '../../../src/db/installations';
import * as scheduleLeases from '../../../src/db/scheduleLeases';
import * as settingsTable from '../../../src/db/settings';
import { defaultSettingsInput } from '../../../src/domain/settings/defaults';
import { setAdminPause } from '../../../src/settings/pause';
import { testDialects } from '../../support/db';
import { startChangeHarness, type ChangeHarness } from './harness';

describe.each(testDialects)('running polls on schedule on %s', (dialect) => {
  let harness: ChangeHarness;
  let installationId: string;
  /** One HubSpot poll per synced object: contacts, companies and deals sync by default. */
  let hubspotPolls: string[];
  let salesforcePoll: string;

  beforeAll(async () => {
    harness = await startChangeHarness(dialect);
    installationId = (await harness.install(3401)).id;
    hubspotPolls = (['contacts', 'companies', 'deals'] as const).map((objectType) =>
      pollLeaseName({ kind: 'hubspot', objectType }, installationId),
    );
    salesforcePoll = pollLeaseName({ kind: 'salesforce' }, installationId);
  });
  afterAll(async () => harness.close());

  const dispatcher = (holder: string) => new PollDispatcher(harness.deps, { holder, settingsRefreshMs: 0 });

  it('runs each due poll once across processes, then not again until its interval has passed', async () => {
    const first = dispatcher('worker-a:1');
    const second = dispatcher('worker-b:2');
    await harness.hubspot.control.resetCalls();
    await harness.salesforce.control.resetCalls();
    await Promise.all([first.dispatch(), second.dispatch()]);
    await Promise.all([first.idle(), second.idle()]);
    // Both processes may have found the polls due, but each ran once: one search per object (the portal is
    // empty), one query per Salesforce object and kind, and the contact roles' starting point (queryAll).
    // The Opportunities are queried twice: their first query names the currency field this single-currency
    // org lacks, and is made again without it once the describe shows so.
    const hubspotCalls = await harness.hubspot.control.calls();
    for (const objectType of ['contacts', 'companies', 'deals']) {
      expect(hubspotCalls.byPortal['3401']?.byRoute[`POST /crm/v3/objects/${objectType}/search`]).toBe(1);
    }
    const salesforceCalls = await harness.salesforce.control.calls();
    expect({
      query: salesforceCalls.byRoute['GET /services/data/vXX.X/query'],
      queryAll: salesforceCalls.byRoute['GET /services/data/vXX.X/queryAll'],
    }).toEqual({ query: 5, queryAll: 5 });
    const runs = await harness.testDb
      .db('schedule_leases')
      .whereIn('name', [...hubspotPolls, salesforcePoll]);
    expect(runs).toHaveLength(4);

    // Neither process starts them again within the interval (60 s by default)...
    expect(await first.dispatch()).toEqual([]);
    expect(await second.dispatch()).toEqual([]);
    // ...and either does once it has passed.
    harness.clock.advance(61_000);
    expect((await second.dispatch()).sort()).toEqual([...hubspotPolls, salesforcePoll].sort());
    await second.idle();
  });

  it('applies a changed poll interval without a restart', async () => {
    const worker = dispatcher('worker-c:3');
    harness.clock.advance(20_000);
    expect(await worker.dispatch()).toEqual([]);
    const current = await settingsTable.current(harness.testDb.db, installationId, (raw) => raw);
    await settingsTable.save(
      harness.testDb.db,
      installationId,
      {
        document: {
          ...(defaultSettingsInput as Record<string, unknown>),
          polling: { hubspotIntervalMs: 15_000, salesforceIntervalMs: 600_000 },
        },
        createdBy: 'admin@portal3401.example.com',
        baseVersion: current?.version ?? 0,
      },
      harness.clock.now(),
    );
    expect((await worker.dispatch()).sort()).toEqual([...hubspotPolls].sort());
    await worker.idle();
  });

  it('keeps polling a paused installation, and stops a side that is not connected', async () => {
    const paused = await setAdminPause(harness.bridge.context, installationId, true);
    expect(paused.ok && paused.value.syncPaused).toBe(true);
    harness.clock.advance(700_000);
    const worker = dispatcher('worker-d:4');
    expect((await worker.dispatch()).sort()).toEqual([...hubspotPolls, salesforcePoll].sort());
    await worker.idle();

    await installations.applyEvent(
      harness.testDb.db,
      installationId,
      'salesforce_disconnected',
      harness.clock.now(),
    );
    harness.clock.advance(700_000);
    expect((await worker.dispatch()).sort()).toEqual([...hubspotPolls].sort());
    await worker.idle();
  });

  it('holds polls back while the queue is backlogged, but never the first run and never past the limit', async () => {
    const { id } = await harness.install(3402);
    const polls = [
      ...(['contacts', 'companies', 'deals'] as const).map((objectType) =>
        pollLeaseName({ kind: 'hubspot', objectType }, id),
      ),
      pollLeaseName({ kind: 'salesforce' }, id),
    ].sort();
    const worker = new PollDispatcher(harness.deps, {
      holder: 'worker-f:6',
      settingsRefreshMs: 0,
      backlogThreshold: 3,
      backlogRecheckMs: 5_000,
      maxBacklogWaitMs: 120_000,
    });
    // Only this installation's polls: the dispatcher looks at every installation.
    const mine = async () => {
      const started = (await worker.dispatch()).filter((name) => name.endsWith(`:${id}`)).sort();
      await worker.idle();
      return started;
    };
    const backlog = async (count: number) =>
      dirty.markMany(
        harness.testDb.db,
        Array.from({ length: count }, (_, index) => ({
          installationId: id,
          record: { side: 'hubspot' as const, objectType: 'contacts', recordId: String(9_000 + index) },
          source: 'webhook' as const,
        })),
        harness.clock.now(),
      );
    await backlog(5);
    // The first run walks everything whatever the queue holds: it is how the backlog begins.
    expect(await mine()).toEqual(polls);

    const drain = () => harness.testDb.db('dirty').where({ installation_id: id }).delete();
    await drain();
    await backlog(5);
    harness.clock.advance(61_000);
    expect(await mine()).toEqual([]);
    // The worker gets below the threshold: the polls run at the next look.
    await drain();
    await backlog(2);
    expect(await mine()).toEqual([]);
    harness.clock.advance(5_000);
    expect(await mine()).toEqual(polls);

    // A backlog that does not drain holds them back no longer than the limit past their due time.
    await drain();
    await backlog(5);
    harness.clock.advance(61_000);
    expect(await mine()).toEqual([]);
    harness.clock.advance(60_000);
    expect(await mine()).toEqual([]);
    harness.clock.advance(61_000);
    expect(await mine()).toEqual(polls);
  });

  it('starts with the process and stops cleanly, leaving no lease held', async () => {
    const running = startChangeDetection(harness.deps, { holder: 'worker-e:5', settingsRefreshMs: 0 });
    harness.clock.advance(700_000);
    await running.dispatcher.dispatch();
    await running.stop();
    const held = await harness.testDb
      .db('schedule_leases')
      .where('held_until', '>', harness.clock.now())
      .where({ held_by: 'worker-e:5' });
    expect(held).toEqual([]);
  });

  it('runs a poll an interval after another process released it, though it saw the lease held', async () => {
    // The other process holds the lease for up to a lease (2 minutes) but releases it when its run ends:
    // what this process remembers must not outlast the release plus one interval.
    const { id } = await harness.install(3403);
    const poll = pollLeaseName({ kind: 'salesforce' }, id);
    const holder = { name: poll, holder: 'worker-g:7', installationId: id };
    expect(
      await scheduleLeases.tryAcquire(harness.testDb.db, {
        ...holder,
        now: harness.clock.now(),
        leaseMs: 120_000,
      }),
    ).toBe(true);
    const worker = dispatcher('worker-h:8');
    const mine = async () => {
      const started = (await worker.dispatch()).filter((name) => name.endsWith(`:${id}`)).sort();
      await worker.idle();
      return started;
    };
    expect(await mine()).not.toContain(poll);
    await scheduleLeases.release(harness.testDb.db, { ...holder, now: harness.clock.now() });
    harness.clock.advance(59_000);
    expect(await mine()).not.toContain(poll);
    harness.clock.advance(2_000);
    expect(await mine()).toContain(poll);
  });
});
