/**
 * Steady state: after an initial sync, people edit one field at a time on both sides while both APIs
 * answer 50 ms slower than usual; how long until each edit lands on the other side, whether the bridge
 * writes anything back to the side the edit came from (an echo), and what each edit costs in API calls.
 *
 * The edits run in two phases so each figure has one cause: first HubSpot edits only (they travel by
 * webhook), then Salesforce edits only (found by the SOQL poll). In a phase where only one side is edited,
 * any write the bridge makes to that side is an echo of its own write to the other side. After each phase
 * the benchmark waits one poll interval more, so an echo that a poll would cause has its chance to happen.
 *
 * When an edit lands: Salesforce is looked at (control API, uncounted) every 25 ms until the record holds
 * the new value; HubSpot reports each property change, with its millisecond, to a second integration
 * subscribed to the edited properties. Latency runs from just before the edit is made.
 */
import * as installations from '../../src/db/installations';
import { LINKS, type LinkRow } from '../../src/db/links';
import type { ContactsSettings } from '../../src/domain/settings/schema';
import type { Stack } from '../support/stack/stack';
import { differenceOf, snapshotCalls, summarize, type CallSnapshot, type CallSummary } from './calls';
import type { BenchContext } from './context';
import { seededRandom } from './dataset';
import { startHubSpotMonitor, type HubSpotMonitor } from './hubspot-monitor';
import { waitUntilSettled } from './progress';
import { atMost, below, runInfo, type BenchmarkResult, type Figure } from './report';
import { SALESFORCE_SEED_USER, seedBothSides } from './seed';
import { benchSettingsDocument, saveBenchSettings } from './settings';
import { summarizeLatencies, type LatencySummary } from './stats';
import { currentSettings } from './verify';

export const WEBHOOK_P95_TARGET_MS = 1_000;
/** The fields people edit: free text, two-way, mapped on Leads and Contacts alike. */
const EDITED_FIELD_KEYS = ['jobtitle', 'city', 'firstname'];
const LANDING_POLL_MS = 25;

export interface SteadyStateOptions {
  edits: number;
  /** Records per side synced before the edits start. */
  records: number;
  editsPerSecond: number;
  pollIntervalMs: number;
  latencyMs: number;
  /** How long after a phase's last edit landed an echo still counts (default: a poll interval and 5 s). */
  echoWaitMs?: number;
  randomSeed: number;
  timeoutMs: number;
}

type Path = 'webhook' | 'poll';

interface Pair {
  hubspotId: string;
  salesforceId: string;
  salesforceType: 'Lead' | 'Contact';
}

type ContactMapping = ContactsSettings['fields'][number];

interface Edit {
  index: number;
  pair: Pair;
  mapping: ContactMapping;
  value: string;
}

interface PhaseResult {
  path: Path;
  edits: number;
  landed: number;
  latency: LatencySummary;
  calls: { hubspot: CallSummary; salesforce: CallSummary };
  /** Write calls to the side the edits were made on. */
  echoWriteCalls: number;
  /** Records on the edited side whose values the bridge changed (HubSpot) or rewrote (Salesforce). */
  echoRecordWrites: number;
  callsPerEdit: number | null;
  /** Whether the bridge's queue emptied before the calls were counted. */
  queueEmptied: boolean;
}

export async function runSteadyState(
  context: BenchContext,
  options: SteadyStateOptions,
): Promise<BenchmarkResult> {
  const startedAt = Date.now();
  const run = runInfo();
  const stack = await context.startStack('steady-state');
  let monitor: HubSpotMonitor | null = null;
  try {
    context.log(`seeding and syncing ${options.records} records per side first`);
    const seeded = await seedBothSides(stack.hubspot.control, stack.salesforce.control, stack.portalId, {
      hubspotContacts: options.records,
      salesforceRecords: options.records,
      randomSeed: options.randomSeed,
    });
    const expected = seeded.dataset.expected;
    const expectedLinks = expected.matched + expected.hubspotOnlyCreatable + expected.salesforceOnly;
    await stack.startBridge();
    const installationId = await stack.install({
      beforeSalesforce: (id) =>
        saveBenchSettings(stack.db(), id, benchSettingsDocument({ pollIntervalMs: options.pollIntervalMs })),
    });
    const initial = await waitUntilSettled(stack.db(), installationId, {
      quietMs: 3_000,
      giveUpQuietMs: 30_000,
      timeoutMs: options.timeoutMs,
      done: (progress) => progress.activeLinks >= expectedLinks,
    });
    context.log(`initial sync settled: ${initial.progress.activeLinks}/${expectedLinks} linked`);

    const settings = await currentSettings(stack.db(), installationId);
    const mappings = settings.objects.contacts.fields.filter((mapping) =>
      EDITED_FIELD_KEYS.includes(mapping.key),
    );
    const installation = await installations.findById(stack.db(), installationId);
    const integrationUserId = installation?.salesforce.userId ?? null;
    const pairs = await linkedPairs(stack, installationId, options.randomSeed);
    const perPhase = Math.ceil(options.edits / 2);
    if (pairs.length === 0 || mappings.length === 0)
      throw new Error('nothing is linked: no edits can be made');

    await stack.hubspot.control.updateSettings({ latencyMs: options.latencyMs });
    await stack.salesforce.control.setLatency(options.latencyMs);
    monitor = await startHubSpotMonitor(
      stack.hubspot.control,
      mappings.map((mapping) => mapping.hubspotProperty),
    );
    const plan = (path: Path, offset: number, count: number): Edit[] =>
      Array.from({ length: count }, (_, index) => {
        const pair = pairs[(offset + index) % pairs.length]!;
        const mapping = mappings[index % mappings.length]!;
        return {
          index,
          pair,
          mapping,
          value: `${mapping.key === 'firstname' ? 'Edith' : 'Edit'} ${path} ${index}`,
        };
      });

    context.log(`webhook path: ${perPhase} HubSpot edits at ${options.editsPerSecond}/s`);
    const webhook = await runPhase(
      stack,
      context,
      monitor,
      options,
      'webhook',
      plan('webhook', 0, perPhase),
      {
        integrationUserId,
      },
    );
    context.log(`poll path: ${options.edits - perPhase} Salesforce edits at ${options.editsPerSecond}/s`);
    const poll = await runPhase(
      stack,
      context,
      monitor,
      options,
      'poll',
      plan('poll', perPhase, options.edits - perPhase),
      {
        integrationUserId,
      },
    );

    const echoes = webhook.echoWriteCalls + poll.echoWriteCalls;
    const totalCalls = [webhook, poll].reduce(
      (sum, phase) => sum + phase.calls.hubspot.total + phase.calls.salesforce.total,
      0,
    );
    const pollTarget = options.pollIntervalMs + 1_000;
    const figures: Figure[] = [
      latencyFigure('webhook path p50 (HubSpot → Salesforce)', webhook.latency.p50Ms),
      {
        ...latencyFigure('webhook path p95', webhook.latency.p95Ms),
        target: `< ${WEBHOOK_P95_TARGET_MS} ms`,
        verdict: below(webhook.latency.p95Ms, WEBHOOK_P95_TARGET_MS),
        note: `max ${webhook.latency.maxMs ?? '—'} ms over ${webhook.latency.count} edits`,
      },
      latencyFigure('poll path p50 (Salesforce → HubSpot)', poll.latency.p50Ms),
      {
        ...latencyFigure('poll path p95', poll.latency.p95Ms),
        target: `< poll interval + 1 s = ${pollTarget} ms`,
        verdict: below(poll.latency.p95Ms, pollTarget),
        note: `max ${poll.latency.maxMs ?? '—'} ms over ${poll.latency.count} edits; poll interval ${options.pollIntervalMs} ms`,
      },
      {
        name: 'edits landed',
        value: `${webhook.landed + poll.landed}/${webhook.edits + poll.edits}`,
        target: 'all',
        verdict: webhook.landed + poll.landed === webhook.edits + poll.edits ? 'pass' : 'miss',
      },
      {
        name: 'writes that only echo',
        value: echoes,
        target: '0',
        verdict: atMost(echoes, 0),
        note:
          `write calls to the edited side: HubSpot during HubSpot edits ${webhook.echoWriteCalls}, Salesforce during Salesforce edits ${poll.echoWriteCalls}; ` +
          `records changed back: HubSpot ${webhook.echoRecordWrites}, Salesforce ${poll.echoRecordWrites}`,
      },
      { name: 'API calls per edit, webhook path', value: webhook.callsPerEdit, note: callsNote(webhook) },
      { name: 'API calls per edit, poll path', value: poll.callsPerEdit, note: callsNote(poll) },
      {
        name: 'API calls per edit, overall',
        value: options.edits > 0 ? round2(totalCalls / options.edits) : null,
        note: `${totalCalls} calls for ${options.edits} edits, background polls included`,
      },
    ];
    return {
      benchmark: 'steady-state',
      run,
      parameters: { ...options, database: context.databaseKind, bridge: context.bridgeRuntime },
      durationMs: Date.now() - startedAt,
      figures,
      details: { dataset: expected, initialSync: initial.progress, phases: { webhook, poll } },
    };
  } finally {
    await monitor?.close().catch(() => undefined);
    await stack.stop();
  }
}

async function runPhase(
  stack: Stack,
  context: BenchContext,
  monitor: HubSpotMonitor,
  options: SteadyStateOptions,
  path: Path,
  edits: Edit[],
  known: { integrationUserId: string | null },
): Promise<PhaseResult> {
  const before = await snapshotCalls(stack.hubspot.control, stack.salesforce.control, stack.portalId);
  const phaseStartedAt = Date.now();
  const spacingMs = 1_000 / options.editsPerSecond;
  const landings: Array<Promise<number | null>> = [];
  const landTimeoutMs = options.pollIntervalMs * 2 + 30_000;
  for (const edit of edits) {
    const due = phaseStartedAt + edit.index * spacingMs;
    if (due > Date.now()) await sleep(due - Date.now());
    const editedAt = Date.now();
    if (path === 'webhook') {
      await stack.hubspot.control
        .asUser(stack.portalId)
        .update('contacts', edit.pair.hubspotId, { [edit.mapping.hubspotProperty]: edit.value });
      landings.push(
        landedInSalesforce(stack, edit, landTimeoutMs).then((at) => (at === null ? null : at - editedAt)),
      );
    } else {
      const field = edit.mapping.salesforceFields[edit.pair.salesforceType];
      if (!field) throw new Error(`${edit.mapping.key} is not mapped on ${edit.pair.salesforceType}`);
      await stack.salesforce.control.updateRecord(
        edit.pair.salesforceId,
        { [field]: edit.value },
        { asUser: SALESFORCE_SEED_USER },
      );
      landings.push(
        monitor
          .waitFor((event) => landedInHubSpot(stack, edit, event), landTimeoutMs)
          .then((event) => (event === null ? null : event.occurredAt - editedAt)),
      );
    }
  }
  const latencies = await Promise.all(landings);
  const landed = latencies.filter((ms): ms is number => ms !== null);
  const echoWaitMs = options.echoWaitMs ?? options.pollIntervalMs + 5_000;
  context.log(`  ${landed.length}/${edits.length} landed; watching ${echoWaitMs / 1000} s more for echoes`);
  await sleep(echoWaitMs);
  const installationQuiet = await waitForQueue(stack);
  const after = await snapshotCalls(stack.hubspot.control, stack.salesforce.control, stack.portalId);
  const used: CallSnapshot = differenceOf(before, after);
  const calls = {
    hubspot: summarize('hubspot', used.hubspot),
    salesforce: summarize('salesforce', used.salesforce),
  };
  const bridgeAppId = String(stack.hubspotAppId);
  const echoRecordWrites =
    path === 'webhook'
      ? monitor.events.filter((event) => event.sourceId === bridgeAppId && event.occurredAt >= phaseStartedAt)
          .length
      : await rewrittenInSalesforce(stack, edits, known.integrationUserId);
  const total = calls.hubspot.total + calls.salesforce.total;
  return {
    path,
    edits: edits.length,
    landed: landed.length,
    latency: summarizeLatencies(landed),
    calls,
    echoWriteCalls: path === 'webhook' ? calls.hubspot.writes : calls.salesforce.writes,
    echoRecordWrites,
    queueEmptied: installationQuiet,
    callsPerEdit: edits.length > 0 ? round2(total / edits.length) : null,
  };
}

/** The moment the Salesforce record was seen holding the new value, or null if it never did. */
async function landedInSalesforce(stack: Stack, edit: Edit, timeoutMs: number): Promise<number | null> {
  const field = edit.mapping.salesforceFields[edit.pair.salesforceType];
  if (!field) return null;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const record = await stack.salesforce.control.getRecord(edit.pair.salesforceId);
    if (record[field] === edit.value) return Date.now();
    await sleep(LANDING_POLL_MS);
  }
  return null;
}

function landedInHubSpot(
  stack: Stack,
  edit: Edit,
  event: {
    objectId: number;
    propertyName?: string | undefined;
    propertyValue?: string | undefined;
    sourceId?: string | undefined;
  },
): boolean {
  return (
    String(event.objectId) === edit.pair.hubspotId &&
    event.propertyName === edit.mapping.hubspotProperty &&
    event.propertyValue === edit.value &&
    event.sourceId === String(stack.hubspotAppId)
  );
}

/** Edited Salesforce records last written by the bridge's user: it wrote back after the rep's edit. */
async function rewrittenInSalesforce(
  stack: Stack,
  edits: Edit[],
  integrationUserId: string | null,
): Promise<number> {
  if (!integrationUserId) return 0;
  let rewritten = 0;
  for (const edit of edits) {
    const record = await stack.salesforce.control.getRecord(edit.pair.salesforceId);
    if (String(record.LastModifiedById ?? '').slice(0, 15) === integrationUserId.slice(0, 15)) rewritten += 1;
  }
  return rewritten;
}

async function waitForQueue(stack: Stack): Promise<boolean> {
  const installation = await installations.findByPortalId(stack.db(), String(stack.portalId));
  if (!installation) return false;
  const outcome = await waitUntilSettled(stack.db(), installation.id, { quietMs: 1_000, timeoutMs: 30_000 });
  return outcome.settled;
}

/** Linked HubSpot contact ⇄ Lead/Contact pairs, in a seeded random order. */
async function linkedPairs(stack: Stack, installationId: string, randomSeed: number): Promise<Pair[]> {
  const rows = await stack
    .db()<LinkRow>(LINKS)
    .where({ installation_id: installationId, state: 'active', hubspot_object_type: 'contacts' })
    .whereIn('salesforce_object_type', ['Lead', 'Contact'])
    .orderBy('id');
  const next = seededRandom(randomSeed + 1);
  return rows
    .map((row) => ({
      pair: {
        hubspotId: row.hubspot_id,
        salesforceId: row.salesforce_id,
        salesforceType: row.salesforce_object_type as Pair['salesforceType'],
      },
      order: next(),
    }))
    .sort((a, b) => a.order - b.order)
    .map(({ pair }) => pair);
}

function latencyFigure(name: string, value: number | null): Figure {
  return { name, value, unit: 'ms' };
}

function callsNote(phase: PhaseResult): string {
  const { hubspot, salesforce } = phase.calls;
  return `HubSpot ${hubspot.total} (${hubspot.reads} reads, ${hubspot.writes} writes), Salesforce ${salesforce.total} (${salesforce.reads} reads, ${salesforce.writes} writes), background polls included`;
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
