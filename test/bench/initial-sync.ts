/**
 * Initial sync: a portal and an org full of people, half of them the same people by email; the app is
 * installed through the browser flow and the bridge syncs until both sides are equal.
 *
 * Reports the API calls each side received (the emulators' counters, from the moment Salesforce was
 * connected until the sync settled) next to the floor the batch sizes allow, records per second, and the
 * peak memory of the bridge process (its own process: the emulators run in this one).
 */
import { megabytes, sampleHeap, sampleMemory } from './memory';
import { callsByGroup, differenceOf, snapshotCalls, summarize, type CallsByGroup } from './calls';
import { callFloor, CALLS_TARGET_RATIO, OBJECT_GROUPS, type CallFloor } from './floor';
import { waitUntilSettled } from './progress';
import { atMost, runInfo, type BenchmarkResult, type Figure } from './report';
import { seedBothSides } from './seed';
import { benchSettingsDocument, saveBenchSettings } from './settings';
import { verifySync } from './verify';
import { verifyCrm, type CrmVerification } from './verify-crm';
import type { BenchContext } from './context';

export const MEMORY_TARGET_MB = 250;

export interface InitialSyncOptions {
  records: number;
  /** Companies and Accounts in all; 0 syncs people alone. */
  companies: number;
  /** Deals and Opportunities in all. */
  deals: number;
  randomSeed: number;
  timeoutMs: number;
}

export async function runInitialSync(
  context: BenchContext,
  options: InitialSyncOptions,
): Promise<BenchmarkResult> {
  const startedAt = Date.now();
  const run = runInfo();
  const stack = await context.startStack('initial-sync');
  try {
    context.log(
      `seeding ${options.records} HubSpot contacts and ${options.records} Salesforce records, ` +
        `${options.companies} companies and Accounts, ${options.deals} deals and Opportunities`,
    );
    const seeded = await seedBothSides(stack.hubspot.control, stack.salesforce.control, stack.portalId, {
      hubspotContacts: options.records,
      salesforceRecords: options.records,
      companies: options.companies,
      deals: options.deals,
      randomSeed: options.randomSeed,
    });
    const expected = seeded.dataset.expected;
    const crm = expected.crm;
    const peopleLinks = expected.matched + expected.hubspotOnlyCreatable + expected.salesforceOnly;
    const expectedLinks =
      peopleLinks +
      (crm
        ? crm.hubspotCompanies + crm.salesforceOnlyAccounts + crm.hubspotDeals + crm.salesforceOpportunities
        : 0);
    context.log(`seeded in ${seeded.seedMs} ms: ${JSON.stringify(expected)}`);

    const bridge = await stack.startBridge();
    const memory = sampleMemory(bridge.pid);
    const heap = sampleHeap(bridge.baseUrl, stack.env.OPS_TOKEN ?? '');
    const installationId = await stack.install({
      beforeSalesforce: (id) =>
        saveBenchSettings(stack.db(), id, benchSettingsDocument({ companiesAndDeals: crm !== undefined })),
    });
    // Sync starts with the Salesforce connection; what the install itself called is not the sync's.
    const callsBefore = await snapshotCalls(stack.hubspot.control, stack.salesforce.control, stack.portalId);
    const syncStartedAt = Date.now();
    context.log(`installed (${installationId}); syncing until ${expectedLinks} records are linked`);

    let lastReport = 0;
    const outcome = await waitUntilSettled(stack.db(), installationId, {
      quietMs: 3_000,
      giveUpQuietMs: 60_000,
      timeoutMs: options.timeoutMs,
      done: (progress) => progress.activeLinks >= expectedLinks,
      onProgress: (progress) => {
        if (Date.now() - lastReport < 5_000) return;
        lastReport = Date.now();
        context.log(
          `  ${progress.activeLinks}/${expectedLinks} linked, ${progress.queued} queued, ${progress.waiting} to retry, ` +
            `${progress.openFailures} failures, ${progress.openPendingMatches} waiting for a person`,
        );
      },
    });
    const callsAfter = await snapshotCalls(stack.hubspot.control, stack.salesforce.control, stack.portalId);
    const memoryReport = memory.stop();
    const heapReport = await heap.stop();
    // The sync ends with the last link it synced (the bridge's clock; same machine), not with our polling.
    const syncMs =
      outcome.progress.activeLinks > 0
        ? Math.max(0, (outcome.progress.lastLinkActivityAt ?? outcome.lastChangeAt) - syncStartedAt)
        : null;

    const used = differenceOf(callsBefore, callsAfter);
    const hubspotCalls = summarize('hubspot', used.hubspot);
    const salesforceCalls = summarize('salesforce', used.salesforce);
    const groups = callsByGroup(used);
    const floor = callFloor(expected);
    for (const line of floorLines(floor)) context.log(line);
    context.log('verifying both sides');
    const verification = await verifySync(stack, installationId, expected, seeded.sharedPairs);
    const crmVerification =
      crm && seeded.crm ? await verifyCrm(stack, installationId, crm, seeded.crm) : null;

    const records =
      expected.hubspotContacts +
      expected.salesforceContacts +
      expected.salesforceLeads +
      (crm
        ? crm.hubspotCompanies + crm.salesforceAccounts + crm.hubspotDeals + crm.salesforceOpportunities
        : 0);
    const perSecond = syncMs ? Math.round((records / syncMs) * 1000 * 10) / 10 : null;
    const peakMb = megabytes(memoryReport.peakRssBytes);
    const callFigure = (
      name: string,
      calls: typeof hubspotCalls,
      floorCalls: number,
      formula: string,
    ): Figure => {
      const limit = Math.floor(floorCalls * CALLS_TARGET_RATIO);
      return {
        name,
        value: calls.total,
        target: `≤ ${CALLS_TARGET_RATIO} × floor ${floorCalls} = ${limit}`,
        verdict: outcome.settled ? atMost(calls.total, limit) : 'n/a',
        note: `${calls.reads} reads, ${calls.writes} writes, ${calls.auth} auth; ×${ratio(calls.total, floorCalls)} floor; floor: ${formula}`,
      };
    };
    const figures: Figure[] = [
      {
        name: 'sync completed',
        value: outcome.settled && outcome.progress.activeLinks >= expectedLinks ? 'yes' : 'no',
        target: `${expectedLinks} records linked`,
        verdict: outcome.settled && outcome.progress.activeLinks >= expectedLinks ? 'pass' : 'miss',
        note: `${outcome.progress.activeLinks} linked, ${outcome.progress.openFailures} failures ${JSON.stringify(outcome.progress.failuresByCategory)}, ${outcome.progress.openPendingMatches} pending matches, ${outcome.progress.waiting} waiting to retry`,
      },
      {
        name: 'both sides equal',
        value: verification.equal ? 'yes' : 'no',
        target: 'per the ownership map',
        verdict: verification.equal ? 'pass' : 'miss',
        note: verificationNote(verification),
      },
      ...(crmVerification
        ? [
            {
              name: 'companies, deals and associations equal',
              value: crmVerification.equal ? 'yes' : 'no',
              target: 'every record linked once, every association the same on both sides',
              verdict: crmVerification.equal ? 'pass' : 'miss',
              note: crmNote(crmVerification),
            } satisfies Figure,
          ]
        : []),
      callFigure('API calls, HubSpot', hubspotCalls, floor.hubspot.calls, floor.hubspot.formula),
      callFigure('API calls, Salesforce', salesforceCalls, floor.salesforce.calls, floor.salesforce.formula),
      ...(crm ? groupFigures(groups, floor, outcome.settled) : []),
      {
        name: 'sync time',
        value: syncMs === null ? null : Math.round(syncMs / 100) / 10,
        unit: 's',
        note: 'from the Salesforce connection to the last link synced',
      },
      {
        name: 'records per second',
        value: perSecond,
        unit: 'records/s',
        note: `${records} records (both sides) / sync time`,
      },
      {
        name: 'peak memory (bridge process)',
        value: peakMb,
        unit: 'MB',
        target: `< ${MEMORY_TARGET_MB} MB`,
        verdict: peakMb === null ? 'n/a' : peakMb < MEMORY_TARGET_MB ? 'pass' : 'miss',
        note:
          `RSS of the bridge's own process (server + worker, ${context.bridgeRuntime === 'compiled' ? 'the build under plain node, as npm start runs it' : 'TypeScript under tsx'}), ${memoryReport.method === 'procfs' ? 'kernel high-water mark (VmHWM)' : 'sampled with ps'}; the emulators run in another process. ` +
          `V8 heap at most ${megabytes(heapReport.peakHeapTotalBytes) ?? '?'} MB reserved (RSS then ${megabytes(heapReport.rssAtPeakHeapBytes) ?? '?'} MB), ` +
          `${megabytes(heapReport.peakHeapUsedBytes) ?? '?'} MB in use at most, old space ${megabytes(heapReport.peakOldSpaceBytes) ?? '?'} MB, external ${megabytes(heapReport.peakExternalBytes) ?? '?'} MB`,
      },
    ];
    return {
      benchmark: 'initial-sync',
      run,
      parameters: { ...options, database: context.databaseKind, bridge: context.bridgeRuntime },
      durationMs: Date.now() - startedAt,
      figures,
      details: {
        dataset: expected,
        seedMs: seeded.seedMs,
        floor,
        calls: { hubspot: hubspotCalls, salesforce: salesforceCalls },
        callsByObject: groups,
        progress: outcome.progress,
        settled: outcome.settled,
        syncMs,
        memory: memoryReport,
        heap: heapReport,
        verification,
        crmVerification,
      },
    };
  } finally {
    await stack.stop();
  }
}

/** The floor per object group, each side written out with its numbers. */
function floorLines(floor: CallFloor): string[] {
  const lines: string[] = [];
  for (const group of OBJECT_GROUPS) {
    const sides = floor.byObject[group];
    if (!sides) continue;
    lines.push(`floor, ${group}: HubSpot ${sides.hubspot.formula}`);
    lines.push(`floor, ${group}: Salesforce ${sides.salesforce.formula}`);
  }
  return lines;
}

/** Calls per object group, both sides, against that group's floor; then the calls no floor covers. */
function groupFigures(groups: CallsByGroup, floor: CallFloor, settled: boolean): Figure[] {
  const figures: Figure[] = [];
  for (const group of OBJECT_GROUPS) {
    const sides = floor.byObject[group];
    if (!sides) continue;
    const { hubspot, salesforce } = groups[group];
    const total = hubspot.total + salesforce.total;
    const floorCalls = sides.hubspot.calls + sides.salesforce.calls;
    const limit = Math.floor(floorCalls * CALLS_TARGET_RATIO);
    const side = (name: string, calls: typeof hubspot, own: typeof sides.hubspot) =>
      `${name} ${calls.total} (${calls.reads} reads, ${calls.writes} writes) against ${own.calls}, ×${ratio(calls.total, own.calls)}: ${own.formula}`;
    figures.push({
      name: `API calls, ${group}`,
      value: total,
      target: `≤ ${CALLS_TARGET_RATIO} × floor ${floorCalls} = ${limit}`,
      verdict: settled ? atMost(total, limit) : 'n/a',
      note: `${side('HubSpot', hubspot, sides.hubspot)}; ${side('Salesforce', salesforce, sides.salesforce)}`,
    });
  }
  const other = groups.other;
  figures.push({
    name: 'API calls, other',
    value: other.hubspot.total + other.salesforce.total,
    note: `tokens, metadata, owners and users, in no floor: HubSpot ${other.hubspot.total}, Salesforce ${other.salesforce.total}`,
  });
  return figures;
}

function crmNote(verification: CrmVerification): string {
  const listed = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([key, count]) => `${key} ${count}`)
      .join(', ') || 'none';
  return [
    `companies ${verification.companyLinks}/${verification.expectedCompanyLinks} links, deals ${verification.dealLinks}/${verification.expectedDealLinks}`,
    `unlinked ${JSON.stringify(verification.unlinked)}`,
    `domain pairs missed ${verification.companyPairsMissed}`,
    `duplicate domains ${verification.duplicateDomains.hubspot}/${verification.duplicateDomains.salesforce}`,
    `fields differing: ${listed(verification.fieldMismatches)}`,
    `associations differing: ${listed(verification.associationMismatches)}`,
    `associations lost: ${listed(verification.associationsLost)}`,
    `people named twice in one deal ${verification.duplicateAssociations}`,
  ].join('; ');
}

function ratio(value: number, floor: number): string {
  return floor === 0 ? '∞' : (value / floor).toFixed(2);
}

function verificationNote(verification: Awaited<ReturnType<typeof verifySync>>): string {
  const mismatched = Object.entries(verification.fieldMismatches).map(([key, count]) => `${key} ${count}`);
  return [
    `${verification.activeLinks}/${verification.expectedLinks} links`,
    `unlinked HubSpot ${verification.unlinkedHubspot} (expected ${verification.expectedUnlinkedHubspot}), Salesforce ${verification.unlinkedSalesforce}`,
    `pairs missed ${verification.pairsMissed}`,
    `duplicate emails ${verification.duplicateEmails.hubspot}/${verification.duplicateEmails.salesforce}`,
    mismatched.length > 0 ? `fields differing: ${mismatched.join(', ')}` : 'no field differs',
  ].join('; ');
}
