import { HubSpotError, toHubSpotError } from '../../../src/connectors/hubspot/errors';
import { salesforceCallError } from '../../../src/connectors/salesforce/errors';
import { abandonedCallOf, CallTimeout, withTimeout } from '../../../src/connectors/timeout';
import type { FieldPlan, ShadowUpdate, SyncPlan } from '../../../src/domain/planner';
import type { Side } from '../../../src/domain/records';
import {
  abandonedWrites,
  landedValues,
  recordingLanded,
  sentInDoubt,
  waitForAbandoned,
  type SentInDoubt,
} from '../../../src/sync/inDoubt';
import type { WriteOutcome } from '../../../src/sync/writes';
import { recordingLogger } from '../../fakes/recordingLogger';

const never = new Promise<void>(() => undefined);
const timedOut = (ended: Promise<void> = Promise.resolve()): WriteOutcome => ({
  ok: false,
  callError: salesforceCallError(new CallTimeout('updating 1 Contact records', 300, ended), 'updating'),
});
const written: WriteOutcome = { ok: true, id: '003000000000001AAA', created: false };
const unavailable: WriteOutcome = {
  ok: false,
  callError: toHubSpotError(new HubSpotError('unavailable', 'HubSpot answered 503'), 'updating'),
};

function field(key: string, hubspot: FieldPlan['hubspot'], salesforce: FieldPlan['salesforce']): FieldPlan {
  return {
    key,
    label: key === 'jobtitle' ? 'Job title' : key,
    rule: 'two_way',
    salesforceField: null,
    hubspot,
    salesforce,
    shadow: null,
    decision: { action: 'nothing', to: null, reason: 'unchanged' },
    failureCode: null,
  };
}

function plan(shadowUpdates: ShadowUpdate[], fields: FieldPlan[] = []): SyncPlan {
  return {
    outcome: 'synced',
    summary: '',
    hubspotWrite: null,
    salesforceWrite: null,
    shadowUpdates,
    conflicts: [],
    closeConflicts: [],
    waits: [],
    linkChanges: [],
    pendingMatch: null,
    fields,
    audit: [],
    failures: [],
  };
}

describe('a call abandoned at its deadline', () => {
  it('is found through the connectors’ errors, and only for a timeout', async () => {
    const ended = Promise.resolve();
    const timeout = new CallTimeout('writing', 300, ended);
    expect(abandonedCallOf(timeout)).toBe(ended);
    expect(abandonedCallOf(salesforceCallError(timeout, 'writing'))).toBe(ended);
    expect(abandonedCallOf(toHubSpotError(timeout, 'writing'))).toBe(ended);
    expect(abandonedCallOf(salesforceCallError(new Error('socket hang up'), 'writing'))).toBeNull();
    expect(abandonedCallOf('no answer')).toBeNull();
  });

  it('ends when the call it abandoned ends, whatever its outcome', async () => {
    let fail = (_: Error) => {};
    const call = new Promise<void>((_, reject) => (fail = reject));
    const error = await withTimeout(() => call, 10, 'writing').catch((caught: unknown) => caught);
    const ended = abandonedCallOf(error);
    expect(ended).not.toBeNull();
    let done = false;
    void ended?.then(() => (done = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(done).toBe(false);
    fail(new Error('503'));
    await ended;
    expect(done).toBe(true);
  });

  it.each<[string, Partial<Record<Side, WriteOutcome>>, Side[]]>([
    ['Salesforce timed out: in doubt there', { salesforce: timedOut(), hubspot: written }, ['salesforce']],
    [
      'both timed out: in doubt on both',
      { salesforce: timedOut(), hubspot: timedOut() },
      ['hubspot', 'salesforce'],
    ],
    ['a 503: the call has ended, nothing in doubt', { hubspot: unavailable }, []],
    ['written: nothing in doubt', { salesforce: written }, []],
  ])('%s', (_, outcomes, sides) => {
    expect(abandonedWrites(outcomes).map((call) => call.side)).toEqual(sides);
  });
});

describe('values sent in doubt', () => {
  const updates: ShadowUpdate[] = [
    { key: 'jobtitle', value: 'CTO', requiresWrites: ['salesforce'] },
    { key: 'city', value: 'Oslo', requiresWrites: ['hubspot'] },
    { key: 'phone', value: null, requiresWrites: [] },
    { key: 'email', value: 'a@b.c', requiresWrites: ['hubspot', 'salesforce'] },
  ];

  it.each<[string, Partial<Record<Side, WriteOutcome>>, Side[], SentInDoubt[]]>([
    [
      'Salesforce in doubt, HubSpot written',
      { salesforce: timedOut(), hubspot: written },
      ['salesforce'],
      [
        { key: 'jobtitle', value: 'CTO', sides: ['salesforce'] },
        { key: 'email', value: 'a@b.c', sides: ['salesforce'] },
      ],
    ],
    [
      'Salesforce in doubt, HubSpot refused outright: a value that needed both is not in doubt',
      { salesforce: timedOut(), hubspot: unavailable },
      ['salesforce'],
      [{ key: 'jobtitle', value: 'CTO', sides: ['salesforce'] }],
    ],
    [
      'both in doubt',
      { salesforce: timedOut(), hubspot: timedOut() },
      ['hubspot', 'salesforce'],
      [
        { key: 'jobtitle', value: 'CTO', sides: ['salesforce'] },
        { key: 'city', value: 'Oslo', sides: ['hubspot'] },
        { key: 'email', value: 'a@b.c', sides: ['hubspot', 'salesforce'] },
      ],
    ],
  ])('%s', (_, outcomes, inDoubt, expected) => {
    expect(sentInDoubt(plan(updates), outcomes, inDoubt)).toEqual(expected);
  });

  it.each<[string, FieldPlan, boolean]>([
    ['found as sent: landed', field('jobtitle', 'VP', 'CTO'), true],
    ['not landed', field('jobtitle', 'CTO', 'Engineer'), false],
    ['changed since in Salesforce', field('jobtitle', 'CTO', 'CFO'), false],
    ['not read', field('jobtitle', 'CTO', null), false],
    ['unrepresentable', field('jobtitle', 'CTO', { unrepresentable: 'x', code: 'invalid_value' }), false],
  ])('%s', (_, fieldPlan, landed) => {
    const sent: SentInDoubt[] = [{ key: 'jobtitle', value: 'CTO', sides: ['salesforce'] }];
    expect(landedValues([fieldPlan], sent)).toEqual(landed ? { jobtitle: 'CTO' } : {});
  });

  it('compares lists as canonical values, and needs every side in doubt', () => {
    const sent: SentInDoubt[] = [
      { key: 'tags', value: ['a', 'b'], sides: ['salesforce'] },
      { key: 'email', value: 'a@b.c', sides: ['hubspot', 'salesforce'] },
    ];
    expect(landedValues([field('tags', null, ['a', 'b']), field('email', 'a@b.c', 'old@b.c')], sent)).toEqual(
      { tags: ['a', 'b'] },
    );
  });

  it('records a landed value as a shadow the plan’s own may overwrite, with an audit line', () => {
    const sent: SentInDoubt[] = [{ key: 'jobtitle', value: 'CTO', sides: ['salesforce'] }];
    const planned = plan(
      [{ key: 'jobtitle', value: 'CFO', requiresWrites: ['salesforce'] }],
      [field('jobtitle', 'CFO', 'CTO')],
    );
    const recorded = recordingLanded(planned, { jobtitle: 'CTO' }, sent);
    expect(recorded.shadowUpdates).toEqual([
      { key: 'jobtitle', value: 'CTO', requiresWrites: [] },
      { key: 'jobtitle', value: 'CFO', requiresWrites: ['salesforce'] },
    ]);
    expect(recorded.audit).toEqual([
      expect.objectContaining({
        action: 'field_written',
        fieldKey: 'jobtitle',
        direction: 'to_salesforce',
        after: 'CTO',
        reason: 'answered_late',
      }),
    ]);
    expect(recordingLanded(planned, {}, sent)).toBe(planned);
  });
});

describe('waiting for abandoned calls', () => {
  it('returns once they end', async () => {
    const logger = recordingLogger();
    expect(await waitForAbandoned([Promise.resolve(), Promise.resolve()], 1_000, logger, 'i1')).toBe(true);
    expect(logger.lines.filter((line) => line.level === 'warn')).toEqual([]);
  });

  it('gives up after the wait and says so', async () => {
    const logger = recordingLogger();
    expect(await waitForAbandoned([Promise.resolve(), never], 20, logger, 'i1')).toBe(false);
    expect(logger.messages().some((message) => /had not ended after 20 ms/.test(message))).toBe(true);
  });

  it('waits for nothing when nothing was abandoned', async () => {
    const logger = recordingLogger();
    expect(await waitForAbandoned([], 1_000, logger, 'i1')).toBe(true);
    expect(logger.lines).toEqual([]);
  });
});
