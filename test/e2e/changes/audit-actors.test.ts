/**
 * Every action a person takes through the card or the settings page lands in the audit log with the HubSpot
 * user who took it (as HubSpot's signing proxy names them), and an action that was refused writes nothing.
 */
import * as auditEntries from '../../../src/db/auditEntries';
import * as conflictsTable from '../../../src/db/conflicts';
import * as failures from '../../../src/db/failures';
import type * as installations from '../../../src/db/installations';
import * as linkEvents from '../../../src/db/linkEvents';
import * as links from '../../../src/db/links';
import * as pendingMatches from '../../../src/db/pendingMatches';
import type { RecordRef } from '../../../src/db/recordRefs';
import { defaultSettingsInput } from '../../../src/domain/settings/defaults';
import { testDialects } from '../../support/db';
import { startChangeHarness, type ChangeHarness } from './harness';

type Json = Record<string, unknown>;

const portalId = 4201;
const ADMIN = `admin@portal${portalId}.example.com`;
const REP = `rep@portal${portalId}.example.com`;

describe.each(testDialects)('the audit log names the person behind each action, on %s', (dialect) => {
  let harness: ChangeHarness;
  let installation: installations.Installation;
  let adminId: string;
  let repId: string;

  beforeAll(async () => {
    harness = await startChangeHarness(dialect);
    installation = await harness.install(portalId);
    const { users } = await harness.hubspot.control.portal(portalId);
    adminId = String(users[0]!.userId);
    repId = String(users[1]!.userId);
  });
  afterAll(async () => harness.close());

  async function as(user: string, method: 'GET' | 'POST' | 'PUT', path: string, body?: Json) {
    const response = await harness.hubspot.control.hubspotFetch({
      url: `${harness.bridge.baseUrl}${path}`,
      method,
      portalId,
      user,
      ...(body ? { body } : {}),
    });
    return { status: response.status, body: (await response.json()) as Json };
  }

  /** Person entries of the installation, oldest first. */
  async function personEntries() {
    const rows = await harness.testDb
      .db('audit_entries')
      .where({ installation_id: installation.id })
      .whereNot({ actor: 'bridge' })
      .orderBy('id');
    return rows.map((row: auditEntries.AuditEntryRow) => auditEntries.fromRow(row));
  }
  async function latest() {
    return (await personEntries()).at(-1);
  }

  const rep = () => ({ actor: `hubspot-user:${repId}`, actorUserId: repId, actorEmail: REP });
  const admin = () => ({ actor: `hubspot-user:${adminId}`, actorUserId: adminId, actorEmail: ADMIN });

  async function newLink(hubspotId: string, salesforceId: string) {
    const created = await links.create(
      harness.testDb.db,
      {
        installationId: installation.id,
        hubspotObjectType: 'contacts',
        hubspotId,
        salesforceObjectType: 'Contact',
        salesforceId,
        origin: 'matched',
      },
      { now: harness.clock.now(), actor: 'bridge', reason: 'test' },
    );
    if (!created.ok) throw new Error(created.reason);
    return created.link;
  }

  async function openFailure(record: RecordRef) {
    return failures.record(
      harness.testDb.db,
      {
        installationId: installation.id,
        record,
        kind: 'quarantine',
        category: 'validation',
        code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
        message: 'Salesforce refused the value.',
        attempts: 1,
      },
      harness.clock.now(),
    );
  }

  it('records "Sync now" with the record and its link', async () => {
    const link = await newLink('31001', '003000000000001AAA');
    const answer = await as(REP, 'POST', '/api/sync/records/hubspot/contacts/31001/sync-now', {});
    expect(answer.status).toBe(202);
    expect(await latest()).toMatchObject({
      action: 'sync_now_requested',
      linkId: link.id,
      record: { side: 'hubspot', objectType: 'contacts', recordId: '31001' },
      ...rep(),
    });
  });

  it('records the value a person keeps for a conflict, and nothing when the conflict was already settled', async () => {
    const link = await newLink('31002', '003000000000002AAA');
    const conflict = await conflictsTable.open(
      harness.testDb.db,
      {
        installationId: installation.id,
        linkId: link.id,
        fieldKey: 'jobtitle',
        hubspotValue: 'Chief',
        salesforceValue: 'Head',
        shadowValue: 'Lead',
      },
      harness.clock.now(),
    );
    const path = `/api/sync/conflicts/${conflict.id}/resolve`;
    expect((await as(REP, 'POST', path, { keep: 'salesforce' })).status).toBe(200);
    const entry = await latest();
    expect(entry).toMatchObject({
      action: 'conflict_value_chosen',
      linkId: link.id,
      fieldKey: 'jobtitle',
      after: 'Head',
      reason: 'keep_salesforce',
      ...rep(),
    });
    expect((await conflictsTable.findById(harness.testDb.db, installation.id, conflict.id))?.resolvedBy).toBe(
      REP,
    );

    expect((await as(ADMIN, 'POST', path, { keep: 'hubspot' })).status).toBe(409);
    expect((await latest())?.id).toBe(entry?.id);
  });

  it('records the record a person picks for a pending match, and the link it made', async () => {
    const subject: RecordRef = { side: 'hubspot', objectType: 'contacts', recordId: '31003' };
    const chosen: RecordRef = { side: 'salesforce', objectType: 'Contact', recordId: '003000000000003AAA' };
    const match = await pendingMatches.open(
      harness.testDb.db,
      {
        installationId: installation.id,
        record: subject,
        candidates: [
          { record: chosen, matchedBy: 'email' },
          {
            record: { side: 'salesforce', objectType: 'Contact', recordId: '003000000000004AAA' },
            matchedBy: 'email',
          },
        ],
        reason: 'two Salesforce Contacts have this email',
      },
      harness.clock.now(),
    );
    const choice = { kind: 'link', record: chosen };
    expect((await as(REP, 'POST', `/api/sync/pending-matches/${match.id}/resolve`, { choice })).status).toBe(
      200,
    );
    const link = await links.findActiveByHubspot(harness.testDb.db, installation.id, 'contacts', '31003');
    expect(await latest()).toMatchObject({
      action: 'match_answered',
      linkId: link?.id,
      record: subject,
      reason: 'link',
      after: choice,
      ...rep(),
    });
    const [created] = await linkEvents.listForLink(harness.testDb.db, installation.id, link!.id);
    expect(created).toMatchObject({ event: 'created', actor: `hubspot-user:${repId}` });
  });

  it('records a retry of one failure by a rep and of every failure by an admin', async () => {
    const one = await openFailure({ side: 'hubspot', objectType: 'contacts', recordId: '31004' });
    expect((await as(REP, 'POST', '/api/sync/failures/retry', { failureId: one.id })).status).toBe(200);
    expect(await latest()).toMatchObject({
      action: 'retry_requested',
      reason: 'retry_one',
      record: one.record,
      after: { failureId: one.id, category: 'validation', code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION' },
      ...rep(),
    });

    const before = (await personEntries()).length;
    await openFailure({ side: 'hubspot', objectType: 'contacts', recordId: '31005' });
    await openFailure({ side: 'salesforce', objectType: 'Contact', recordId: '003000000000005AAA' });
    const all = await as(ADMIN, 'POST', '/api/sync/failures/retry', {});
    expect(all.body).toEqual({ retried: 2 });
    const added = (await personEntries()).slice(before);
    expect(added.map((entry) => [entry.action, entry.reason, entry.record?.recordId])).toEqual(
      expect.arrayContaining([
        ['retry_requested', 'retry_all', '31005'],
        ['retry_requested', 'retry_all', '003000000000005AAA'],
      ]),
    );
    for (const entry of added) expect(entry).toMatchObject(admin());
  });

  it('records a pause, a resume, a settings save and its pause, a connect link and a disconnect', async () => {
    const before = (await personEntries()).length;
    expect((await as(ADMIN, 'PUT', '/api/sync/pause', { paused: true })).status).toBe(200);
    expect((await as(ADMIN, 'PUT', '/api/sync/pause', { paused: false })).status).toBe(200);
    const saved = await as(ADMIN, 'PUT', '/api/settings', {
      document: { ...(defaultSettingsInput as Json), paused: true },
      baseVersion: 0,
    });
    expect(saved.status).toBe(200);
    // A save on a stale base is refused and leaves no line.
    expect(
      (await as(ADMIN, 'PUT', '/api/settings', { document: defaultSettingsInput as Json, baseVersion: 0 }))
        .status,
    ).toBe(409);
    expect(
      (await as(ADMIN, 'POST', '/api/settings/salesforce/connect-url', { environment: 'sandbox' })).status,
    ).toBe(200);
    expect((await as(ADMIN, 'POST', '/api/settings/salesforce/disconnect', {})).status).toBe(200);
    // Nothing left to disconnect: refused, no line.
    expect((await as(ADMIN, 'POST', '/api/settings/salesforce/disconnect', {})).status).toBe(409);

    const added = (await personEntries()).slice(before);
    expect(added.map((entry) => [entry.action, entry.reason])).toEqual([
      ['sync_paused', 'paused_by_admin'],
      ['sync_resumed', 'resumed_by_admin'],
      ['settings_saved', 'version_1'],
      ['sync_paused', 'paused_by_admin'],
      ['salesforce_connect_link_created', 'sandbox'],
      ['salesforce_disconnected', 'disconnected_by_admin'],
    ]);
    for (const entry of added) expect(entry).toMatchObject({ linkId: null, record: null, ...admin() });
    expect(added[2]?.after).toEqual({ version: 1, baseVersion: 0 });
  });
});
