import {
  BRIDGE_NAME,
  OPERATOR_NAME,
  historyCursor,
  historyEntries,
  isOlderThan,
  parseHistoryCursor,
  type AuditFact,
  type LinkEventFact,
} from '../../../src/domain/recordHistory';

const labels: Record<string, string> = { email: 'Email', jobtitle: 'Job title', phone: 'Phone' };
const context = { labelOf: (key: string) => labels[key] ?? key };

let nextId = 1;
function line(patch: Partial<AuditFact>): AuditFact {
  return {
    id: nextId++,
    linkId: 'link-1',
    action: 'field_written',
    fieldKey: 'email',
    direction: 'to_salesforce',
    after: 'ana@acme.com',
    reason: 'changed_on_one_side',
    actor: 'bridge',
    actorUserId: null,
    actorEmail: null,
    correlationId: 'sync-1',
    occurredAt: 1_000,
    ...patch,
  };
}

function event(patch: Partial<LinkEventFact>): LinkEventFact {
  return {
    id: nextId++,
    event: 'created',
    reason: 'matched by email',
    actor: 'bridge',
    occurredAt: 500,
    link: { origin: 'matched', salesforceObjectType: 'Contact', salesforceId: '003000000000001AAA' },
    ...patch,
  };
}

describe("a record's history", () => {
  it("folds one sync's field writes into one line per system, and leaves out fields that agreed", () => {
    const entries = historyEntries(
      [
        line({ fieldKey: 'email', after: 'ana@acme.com' }),
        line({ fieldKey: 'phone', after: '+14155552671' }),
        line({ fieldKey: 'jobtitle', direction: 'to_hubspot', after: 'CEO' }),
        line({ fieldKey: 'jobtitle', action: 'field_agreed', direction: 'none' }),
      ],
      [],
      context,
    );
    expect(entries.map((entry) => [entry.kind, entry.title, entry.detail])).toEqual(
      expect.arrayContaining([
        ['fields_written', 'Synced 2 fields to Salesforce', 'Email and Phone updated from HubSpot.'],
        ['fields_written', 'Synced 1 field to HubSpot', 'Job title set to "CEO" from Salesforce.'],
      ]),
    );
    expect(entries).toHaveLength(2);
    expect(entries[0]?.actor).toEqual({ kind: 'bridge', name: BRIDGE_NAME, userId: null, email: null });
  });

  it('keeps two syncs of the same fields apart', () => {
    const entries = historyEntries(
      [
        line({ correlationId: 'sync-1', occurredAt: 1_000 }),
        line({ correlationId: 'sync-2', occurredAt: 2_000 }),
      ],
      [],
      context,
    );
    expect(entries.map((entry) => entry.at)).toEqual([2_000, 1_000]);
  });

  it('names what people did, with their HubSpot user, and fills in an email another line knows', () => {
    const rep = { actor: 'hubspot-user:77', actorUserId: '77', actorEmail: 'rep@acme.com' };
    const entries = historyEntries(
      [
        line({
          action: 'sync_now_requested',
          fieldKey: null,
          direction: 'none',
          reason: 'sync_now',
          ...rep,
          occurredAt: 3_000,
        }),
        line({
          action: 'conflict_value_chosen',
          fieldKey: 'jobtitle',
          direction: 'none',
          reason: 'keep_salesforce',
          after: 'Head',
          ...rep,
          occurredAt: 2_900,
        }),
        line({
          action: 'retry_requested',
          fieldKey: null,
          direction: 'none',
          reason: 'retry_all',
          ...rep,
          occurredAt: 2_800,
        }),
        line({
          action: 'match_answered',
          fieldKey: null,
          direction: 'none',
          reason: 'link',
          after: {
            kind: 'link',
            record: { side: 'salesforce', objectType: 'Contact', recordId: '003000000000001AAA' },
          },
          ...rep,
          occurredAt: 2_700,
        }),
      ],
      [event({ actor: 'hubspot-user:77', reason: 'picked by a person', occurredAt: 2_700 })],
      context,
    );
    expect(entries.map((entry) => [entry.kind, entry.title, entry.detail])).toEqual([
      ['sync_now', 'Sync now', 'rep@acme.com asked to sync this record now.'],
      [
        'conflict_value_chosen',
        "Job title: Salesforce's value kept",
        'rep@acme.com chose "Head" to settle the conflict.',
      ],
      ['retry', 'Retry', 'rep@acme.com retried every failed record, this one included.'],
      [
        'linked',
        'Linked to a Salesforce Contact',
        'Linked to Salesforce Contact 003000000000001AAA. Picked by a person.',
      ],
      [
        'match_answered',
        'Match picked',
        'rep@acme.com picked the Contact 003000000000001AAA as the matching record.',
      ],
    ]);
    const person = { kind: 'hubspot_user', name: 'rep@acme.com', userId: '77', email: 'rep@acme.com' };
    for (const entry of entries) expect(entry.actor).toEqual(person);
  });

  it("names the bridge's operator for a retry asked from the operator dashboard", () => {
    const entries = historyEntries(
      [
        line({
          action: 'retry_requested',
          fieldKey: null,
          direction: 'none',
          reason: 'retry_one',
          actor: 'operator',
          correlationId: null,
          occurredAt: 3_000,
        }),
      ],
      [],
      context,
    );
    expect(entries.map((entry) => [entry.kind, entry.title, entry.detail])).toEqual([
      ['retry', 'Retry', `${OPERATOR_NAME} asked to retry this record.`],
    ]);
    expect(entries[0]?.actor).toEqual({ kind: 'operator', name: OPERATOR_NAME, userId: null, email: null });
  });

  it('names link events: conversion, merge, deletion, restore, privacy deletion', () => {
    const entries = historyEntries(
      [],
      [
        event({
          event: 'superseded',
          reason: 'lead converted',
          occurredAt: 60,
          link: { origin: 'matched', salesforceObjectType: 'Lead', salesforceId: '00Q000000000001AAA' },
        }),
        event({
          event: 'created',
          reason: 'lead converted',
          occurredAt: 60,
          link: { origin: 'converted', salesforceObjectType: 'Contact', salesforceId: '003000000000009AAA' },
        }),
        event({ event: 'tombstoned', reason: 'deleted in Salesforce', occurredAt: 70 }),
        event({ event: 'restored', reason: 'restored inside the grace period', occurredAt: 80 }),
        event({ event: 'merged', reason: 'merged in HubSpot', occurredAt: 90 }),
        event({ event: 'purged', reason: 'privacy deletion', occurredAt: 100 }),
      ],
      context,
    );
    expect(entries.map((entry) => entry.kind)).toEqual([
      'purged',
      'merged',
      'restored',
      'deleted',
      expect.stringMatching(/^(lead_converted|linked)$/),
      expect.stringMatching(/^(lead_converted|linked)$/),
    ]);
    expect(entries.find((entry) => entry.kind === 'deleted')?.detail).toMatch(
      /^Deleted in Salesforce\. Syncing/,
    );
    expect(entries.find((entry) => entry.kind === 'linked')?.detail).toBe(
      'Now linked to Salesforce Contact 003000000000009AAA, the Contact the Lead became.',
    );
  });

  it('names a Lead converted into a Contact that another HubSpot contact syncs with', () => {
    const [entry] = historyEntries(
      [],
      [
        event({
          event: 'duplicate',
          reason: 'lead converted into a Contact that syncs with another HubSpot record',
          occurredAt: 60,
          link: { origin: 'matched', salesforceObjectType: 'Lead', salesforceId: '00Q000000000001AAA' },
        }),
      ],
      context,
    );
    expect(entry).toMatchObject({
      kind: 'lead_converted',
      title: 'Lead converted into a Contact that syncs elsewhere',
    });
    expect(entry?.detail).toMatch(
      /^Salesforce Lead 00Q000000000001AAA was converted .* Merge them in HubSpot/,
    );
  });

  it('says what the bridge decided on its own: created, conflicts, writes refused, waiting for a person', () => {
    const entries = historyEntries(
      [
        line({
          action: 'record_created',
          fieldKey: null,
          direction: 'none',
          reason: 'created_in_salesforce',
          occurredAt: 10,
        }),
        line({ action: 'conflict_opened', fieldKey: 'jobtitle', direction: 'none', occurredAt: 20 }),
        line({ action: 'field_failed', fieldKey: 'phone', reason: 'INVALID_PHONE', occurredAt: 30 }),
        line({ action: 'match_pending', fieldKey: null, direction: 'none', linkId: null, occurredAt: 40 }),
        line({
          action: 'conflict_resolved',
          fieldKey: 'jobtitle',
          direction: 'to_hubspot',
          after: 'Head',
          occurredAt: 50,
        }),
        line({ action: 'link_created', fieldKey: null, direction: 'none', occurredAt: 10 }),
      ],
      [],
      context,
    );
    expect(entries.map((entry) => [entry.kind, entry.title])).toEqual([
      ['conflict_resolved', 'Conflict settled: Job title'],
      ['match_pending', 'Waiting for a person to pick the match'],
      ['write_failed', 'Could not write 1 field to Salesforce'],
      ['conflict_opened', 'Conflict on Job title'],
      ['record_created', 'Created in Salesforce'],
    ]);
    expect(entries[2]?.detail).toBe('Phone: Salesforce refused the change (INVALID_PHONE).');
  });

  it('pages with a cursor that sorts entries of one instant by id', () => {
    const cursor = parseHistoryCursor(historyCursor({ at: 1_000, id: 'a42' }));
    expect(cursor).toEqual({ at: 1_000, id: 'a42' });
    expect(isOlderThan({ at: 999, id: 'l1' }, cursor!)).toBe(true);
    expect(isOlderThan({ at: 1_000, id: 'a41' }, cursor!)).toBe(true);
    expect(isOlderThan({ at: 1_000, id: 'a42' }, cursor!)).toBe(false);
    expect(isOlderThan({ at: 1_000, id: 'l1' }, cursor!)).toBe(false);
    expect(isOlderThan({ at: 1_001, id: 'a1' }, cursor!)).toBe(false);
    for (const bad of ['', 'x', '1000', '1000.b1', '-5.a1', '1000.a1;drop'])
      expect(parseHistoryCursor(bad)).toBeNull();
  });
});
