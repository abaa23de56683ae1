/**
 * A create whose answer was lost, in an org without the HubSpot-id external-id field (so creates cannot be
 * upserts): the record Salesforce made is found and linked instead of created twice, whether the call ends
 * while the round waits, after it stopped waiting, or never reports at all (a worker that died mid-call).
 * Through both emulators and the real SDKs.
 */
import * as createsInDoubt from '../../../src/db/createsInDoubt';
import * as links from '../../../src/db/links';
import type { HubSpotEmulator } from '../../emulators/hubspot';
import type { SalesforceEmulator } from '../../emulators/salesforce';
import { testDialects } from '../../support/db';
import { startHubSpot, startSalesforce } from '../../support/syncEmulators';
import { createHarness, type Harness, type HarnessOptions } from '../../support/syncHarness';

let hubspotEmulator: HubSpotEmulator;
let salesforceEmulator: SalesforceEmulator;

beforeAll(async () => {
  hubspotEmulator = await startHubSpot();
  salesforceEmulator = await startSalesforce();
});
afterAll(async () => {
  await hubspotEmulator.close();
  await salesforceEmulator.close();
});

const CREATE_ROUTE = '/services/data/vXX.X/composite/sobjects';

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let tries = 0; tries < 200; tries += 1) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe.each(testDialects)('a Salesforce create whose answer was lost (%s)', (dialect) => {
  let h: Harness;
  const start = async (options: HarnessOptions = {}) => {
    await salesforceEmulator.control.reset();
    await salesforceEmulator.control.clearFaults();
    h = await createHarness(dialect, hubspotEmulator, salesforceEmulator, { callTimeoutMs: 500, ...options });
    await salesforceEmulator.control.removeField('Lead', 'HubSpot_Id__c');
    await salesforceEmulator.control.removeField('Contact', 'HubSpot_Id__c');
  };
  afterEach(async () => {
    await salesforceEmulator.control.clearFaults();
    await h.destroy();
  });

  /** A contact with no email: nothing but the lost create's own values can find its record again. */
  async function contactWithoutEmail(lastname: string) {
    return hubspotEmulator.control
      .asUser(h.portalId)
      .create('contacts', { lastname, firstname: 'Nomail', company: 'Acme' });
  }

  async function leadsNamed(lastname: string) {
    return (
      await h.salesforce.query<{ Id: string; CreatedById: string }>(
        `SELECT Id, CreatedById FROM Lead WHERE LastName = '${lastname}'`,
      )
    ).records;
  }

  async function linkedLead(hubspotId: string) {
    return (await links.findActiveByHubspot(h.testDb.db, h.installationId, 'contacts', hubspotId))
      ?.salesforceId;
  }

  it('links the record a create made when its answer came after the deadline, while the round waited', async () => {
    await start();
    const contact = await contactWithoutEmail('Latewait');
    await salesforceEmulator.control.addFault({
      kind: 'slow',
      route: CREATE_ROUTE,
      method: 'POST',
      delayMs: 1_200,
    });
    await h.markHubspot(contact.id);
    await h.drain();
    const leads = await leadsNamed('Latewait');
    expect(leads).toHaveLength(1);
    expect(await linkedLead(contact.id)).toBe(leads[0]?.Id);
    expect(await createsInDoubt.forRecords(h.testDb.db, h.installationId, 'contacts', [contact.id])).toEqual(
      [],
    );
  });

  it('waits for a create still on its way after the round stopped waiting, then links what it made', async () => {
    await start({ abandonedWriteWaitMs: 0 });
    const contact = await contactWithoutEmail('Latelater');
    await salesforceEmulator.control.addFault({
      kind: 'slow',
      route: CREATE_ROUTE,
      method: 'POST',
      delayMs: 1_200,
    });
    await h.markHubspot(contact.id);
    await expect(h.drain({ maxBatches: 1 })).rejects.toThrow('did not drain');
    const [sent] = await createsInDoubt.forRecords(h.testDb.db, h.installationId, 'contacts', [contact.id]);
    expect(sent).toMatchObject({ salesforceObjectType: 'Lead', endedAt: null });
    // The retry comes while the create is still out (the first pass moves the clock to it, the second
    // runs it): it waits rather than create a second Lead.
    await expect(h.drain({ maxBatches: 2 })).rejects.toThrow('did not drain');
    expect(await leadsNamed('Latelater')).toHaveLength(0);
    const waiting = await h.testDb
      .db('dirty')
      .where({ installation_id: h.installationId, record_id: contact.id })
      .first();
    expect(waiting).toMatchObject({ state: 'pending', last_error_code: 'create_in_doubt' });
    // The call ends (Salesforce made the Lead); the next look finds it.
    await until(async () => (await leadsNamed('Latelater')).length === 1, 'the late create to land');
    await until(
      async () =>
        (await createsInDoubt.forRecords(h.testDb.db, h.installationId, 'contacts', [contact.id]))[0]
          ?.endedAt !== null,
      'the end of the abandoned call to be noted',
    );
    await h.drain();
    const leads = await leadsNamed('Latelater');
    expect(leads).toHaveLength(1);
    expect(await linkedLead(contact.id)).toBe(leads[0]?.Id);
  });

  it('after a worker died mid-create, waits out the call and links the record the integration user made', async () => {
    await start();
    const contact = await contactWithoutEmail('Crashed');
    // The create went out and landed; the worker died before it could record the answer.
    await createsInDoubt.recordSent(
      h.testDb.db,
      h.installationId,
      [
        {
          hubspotObjectType: 'contacts',
          hubspotId: contact.id,
          salesforceObjectType: 'Lead',
          fields: { LastName: 'Crashed', FirstName: 'Nomail', Company: 'Acme' },
        },
      ],
      h.clock.now(),
    );
    const admin = (await salesforceEmulator.control.listUsers()).find((user) => user.role === 'admin');
    const made = await salesforceEmulator.control.createRecord(
      'Lead',
      { LastName: 'Crashed', FirstName: 'Nomail', Company: 'Acme' },
      { asUser: admin?.username },
    );
    // A rep entered a lookalike by hand: not the bridge's, never taken for it.
    await salesforceEmulator.control.createRecord('Lead', {
      LastName: 'Crashed',
      FirstName: 'Nomail',
      Company: 'Acme',
    });
    await h.markHubspot(contact.id);
    await h.drain();
    expect(await leadsNamed('Crashed')).toHaveLength(2);
    expect(await linkedLead(contact.id)).toBe(made.id);
  });

  it('creates the record once the lost create is known to have made nothing', async () => {
    await start();
    const contact = await contactWithoutEmail('Nevermade');
    await salesforceEmulator.control.addFault({
      kind: 'http_error',
      status: 503,
      route: CREATE_ROUTE,
      method: 'POST',
    });
    await h.markHubspot(contact.id);
    await h.drain();
    const leads = await leadsNamed('Nevermade');
    expect(leads).toHaveLength(1);
    expect(await linkedLead(contact.id)).toBe(leads[0]?.Id);
  });
});
