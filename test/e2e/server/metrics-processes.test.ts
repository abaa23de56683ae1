/**
 * A sync worker running as a process of its own (`npm run sync-worker`) serves no HTTP: its counts reach
 * the server's `/metrics` through its heartbeat row, labelled with its process, and leave with it when it
 * stops.
 */
import * as dirty from '../../../src/db/dirty';
import { TEST_OPS_TOKEN } from '../../support/bridge-context';
import { testDialects } from '../../support/db';
import {
  eventually,
  installBridge,
  startWorkerProcess,
  type InstalledBridge,
  type WorkerProcess,
} from '../../support/installedBridge';
import { parsePrometheus, type Scrape } from '../../support/prometheus';

jest.setTimeout(120_000);

describe.each(testDialects)("a sync worker process's metrics (%s)", (dialect) => {
  let bridge: InstalledBridge;
  let worker: WorkerProcess | undefined;
  beforeEach(async () => {
    bridge = await installBridge(dialect);
  });
  afterEach(async () => {
    if (worker) {
      worker.child.kill('SIGKILL');
      await worker.exited;
      worker = undefined;
    }
    await bridge.close();
  });

  async function scrape(): Promise<Scrape> {
    const response = await fetch(`${bridge.bridge.baseUrl}/metrics`, {
      headers: { authorization: `Bearer ${TEST_OPS_TOKEN}` },
    });
    expect(response.status).toBe(200);
    return parsePrometheus(await response.text());
  }

  it('are served by the server, labelled with the worker, until it stops', async () => {
    const leads = await bridge.salesforce.control.createRecords(
      'Lead',
      ['Hedy', 'Katherine', 'Dorothy'].map((name) => ({
        FirstName: name,
        LastName: 'Process',
        Company: 'Metrics',
        Email: `${name.toLowerCase()}@process.example`,
      })),
    );
    for (const id of leads) {
      await dirty.mark(
        bridge.testDb.db,
        {
          installationId: bridge.installationId,
          record: { side: 'salesforce', objectType: 'Lead', recordId: id },
          source: 'poll',
        },
        Date.now(),
      );
    }
    await bridge.hubspot.control.resetCalls();
    await bridge.salesforce.control.resetCalls();
    worker = startWorkerProcess(bridge.env);
    await eventually(
      async () => {
        const counts = await dirty.counts(bridge.testDb.db, bridge.installationId, Date.now());
        return counts.pending === 0 && counts.claimed === 0;
      },
      60_000,
      'the worker to sync the Leads',
    );

    // The worker beats every few seconds: its counts arrive with its next beat.
    let workerId = '';
    let served: Scrape | undefined;
    await eventually(
      async () => {
        served = await scrape();
        workerId =
          served.samples.find(
            (sample) =>
              sample.name === 'bridge_process_heartbeat_age_seconds' && sample.labels.role === 'sync-worker',
          )?.labels.process ?? '';
        return workerId !== '' && served.sum('bridge_syncs_total', { process: workerId }) === leads.length;
      },
      30_000,
      "the worker's counts to be served",
    );
    const scraped = served as Scrape;
    const fromWorker = { process: workerId };
    expect(scraped.sum('bridge_processes', { role: 'sync-worker' })).toBe(1);
    expect(scraped.sum('bridge_syncs_total', { ...fromWorker, object_type: 'Lead', outcome: 'synced' })).toBe(
      leads.length,
    );
    expect(scraped.sum('bridge_change_to_write_seconds_count', { ...fromWorker, path: 'poll' })).toBe(
      leads.length,
    );
    // Every call the worker made, and only those, as the emulators counted them.
    const hubspotCalls = (await bridge.hubspot.control.calls()).byPortal[String(bridge.portalId)]?.total ?? 0;
    const salesforceCalls = Object.entries((await bridge.salesforce.control.calls()).byRoute)
      .filter(([route]) => !/oauth/.test(route))
      .reduce((total, [, calls]) => total + calls, 0);
    expect(scraped.sum('bridge_api_calls_total', { ...fromWorker, provider: 'hubspot' })).toBe(hubspotCalls);
    expect(scraped.sum('bridge_api_calls_total', { ...fromWorker, provider: 'salesforce' })).toBe(
      salesforceCalls,
    );
    // The worker's process metrics come along (memory, to see where a process's heap goes).
    expect(scraped.sum('process_resident_memory_bytes', fromWorker)).toBeGreaterThan(0);
    // The server's own counts carry its own label, and it made no API calls.
    expect(scraped.sum('bridge_api_calls_total', { process: bridge.bridge.context.metrics.processId })).toBe(
      0,
    );

    // A sync worker alone is not the background worker readiness asks for (no polls run without one).
    const readyz = await fetch(`${bridge.bridge.baseUrl}/readyz`);
    expect(readyz.status).toBe(503);
    expect(await readyz.json()).toMatchObject({ error: { details: { checks: { worker: { ok: false } } } } });

    expect(await worker.stop()).toBe(0);
    worker = undefined;
    const after = await scrape();
    expect(after.has('bridge_syncs_total', fromWorker)).toBe(false);
    expect(after.sum('bridge_processes', { role: 'sync-worker' })).toBe(0);
  });
});
