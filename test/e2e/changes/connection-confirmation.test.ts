/**
 * A Salesforce connection made from a settings-page link (which works in any browser, so whoever held it
 * may have connected) waits for a settings manager to confirm it: nothing is read from the org or written
 * anywhere until then, the health and the card say why, a rep cannot confirm, and a confirmation names the
 * org it is for. Disconnecting an unconfirmed first org forgets it, so the right org can be connected.
 */
import * as installations from '../../../src/db/installations';
import * as links from '../../../src/db/links';
import type { SyncWorker } from '../../../src/sync/worker';
import { Browser, textOf } from '../../support/browser';
import { testDialects } from '../../support/db';
import { signedApi, type Json } from '../../support/signed-api';
import { followConnectLink, installApp, loggingInAs } from '../install/harness';
import { startChangeHarness, type ChangeHarness } from './harness';

interface Envelope {
  error: { code: string; message: string };
}

describe.each(testDialects)(
  'confirming a Salesforce connection made from a settings link on %s',
  (dialect) => {
    let harness: ChangeHarness;
    let worker: SyncWorker;

    beforeAll(async () => {
      harness = await startChangeHarness(dialect);
      worker = harness.startWorker();
    });
    afterAll(async () => {
      await worker.stop();
      await harness.close();
    });

    const adminOf = (portalId: number) => `admin@portal${portalId}.example.com`;
    const repOf = (portalId: number) => `rep@portal${portalId}.example.com`;
    const installationOf = async (portalId: number) =>
      (await installations.findByPortalId(harness.testDb.db, String(portalId)))!;

    /** HubSpot installed by its admin; Salesforce connected by someone else from a settings-page link. */
    async function connectFromSettingsLink(portalId: number, options: { salesforceUser?: string } = {}) {
      const api = signedApi(harness.hubspot, harness.bridge.baseUrl, portalId);
      const link = await api('POST', '/api/settings/salesforce/connect-url', { environment: 'production' });
      expect(link.status).toBe(200);
      const salesforceAdmin = new Browser();
      const review = await salesforceAdmin.open(String(link.body.url));
      const connected = await followConnectLink(salesforceAdmin, String(link.body.url), {
        ...(options.salesforceUser ? { beforeRequest: loggingInAs(harness, options.salesforceUser) } : {}),
      });
      return { api, review, connected };
    }

    it('keeps sync stopped until a settings manager confirms the org, then syncs', async () => {
      const portalId = 9301;
      await installApp(harness, new Browser(), portalId);
      const { api, review, connected } = await connectFromSettingsLink(portalId);

      expect(textOf(review)).toContain(`Connect Salesforce to HubSpot account portal${portalId}.example.com`);
      expect(textOf(review)).toContain(`${adminOf(portalId)}`);
      expect(textOf(review)).toContain("from the app's settings in HubSpot");
      expect(textOf(review)).toContain(
        'nothing syncs until a settings manager of that HubSpot account confirms',
      );
      expect(connected.status).toBe(200);
      expect(textOf(connected)).toContain('Sync has not started');
      expect(textOf(connected)).toContain('Connected Apps OAuth Usage');

      const installation = await installationOf(portalId);
      const orgId = installation.salesforce.orgId!;
      expect(installation).toMatchObject({
        status: 'active',
        syncPaused: true,
        pauseReason: 'awaiting_connection_confirmation',
        state: { salesforce: 'connected', awaitingConfirmation: true },
        salesforce: {
          connectionOrigin: {
            via: 'settings_link',
            requestedBy: { email: adminOf(portalId) },
            previousOrgId: null,
            confirmedBy: null,
          },
        },
      });
      const status = await api('GET', '/api/settings/installation');
      expect(status.body.installation).toMatchObject({
        sync: { paused: true, reason: 'awaiting_connection_confirmation' },
        salesforce: {
          state: 'connected',
          orgId,
          awaitingConfirmation: true,
          origin: { via: 'settings_link', requestedBy: { email: adminOf(portalId) }, confirmedBy: null },
        },
      });
      const health = await api('GET', '/api/sync/health');
      expect(health.body.sync).toMatchObject({ state: 'paused', reason: 'awaiting_connection_confirmation' });
      expect((health.body.sync as Json).message).toMatch(/confirms it on the Connection tab/);

      // People edit both sides; the bridge notes HubSpot's changes but reads and writes nothing in the org.
      await harness.salesforce.control.resetCalls();
      const contact = await harness.hubspot.control.asUser(portalId).create('contacts', {
        email: 'waiting@example.com',
        firstname: 'Wai',
        lastname: 'Ting',
        company: 'Acme',
      });
      await harness.salesforce.control.createRecords('Lead', [
        { LastName: 'Meanwhile', Company: 'Acme', Email: 'meanwhile@example.com' },
      ]);
      await harness.pollAll();
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect((await harness.salesforce.control.calls()).total).toBe(0);
      expect(await harness.dirtyRows(installation.id)).toEqual([
        expect.objectContaining({ record: expect.objectContaining({ recordId: contact.id }) }),
      ]);
      expect(
        await links.findActiveByHubspot(harness.testDb.db, installation.id, 'contacts', contact.id),
      ).toBeNull();
      const card = await api('GET', `/api/sync/records/hubspot/contacts/${contact.id}`);
      expect(card.body.summary).toMatchObject({ state: 'paused' });
      expect((card.body.summary as Json).message).toMatch(/waits for an admin to confirm/);

      // A rep cannot confirm; nor can a confirmation for another org.
      const byRep = await api('POST', '/api/settings/salesforce/confirm', { orgId }, repOf(portalId));
      expect(byRep.status).toBe(403);
      expect((byRep.body as unknown as Envelope).error.code).toBe('forbidden');
      const otherOrg = await api('POST', '/api/settings/salesforce/confirm', { orgId: '00Dnotthisorg' });
      expect(otherOrg.status).toBe(409);
      expect((otherOrg.body as unknown as Envelope).error.code).toBe('connection_changed');
      expect(await installationOf(portalId)).toMatchObject({
        pauseReason: 'awaiting_connection_confirmation',
      });

      const confirmed = await api('POST', '/api/settings/salesforce/confirm', { orgId }, adminOf(portalId));
      expect(confirmed.status).toBe(200);
      expect(confirmed.body.installation).toMatchObject({
        sync: { paused: false, reason: null },
        salesforce: { awaitingConfirmation: false, origin: { confirmedBy: { email: adminOf(portalId) } } },
      });
      const audit = await harness.testDb
        .db('audit_entries')
        .where({ installation_id: installation.id, action: 'salesforce_connection_confirmed' });
      expect(audit.map((entry: { actor_email: string | null }) => entry.actor_email)).toEqual([
        adminOf(portalId),
      ]);
      const again = await api('POST', '/api/settings/salesforce/confirm', { orgId });
      expect(again.status).toBe(409);
      expect((again.body as unknown as Envelope).error.code).toBe('nothing_to_confirm');

      // Now the first Salesforce poll walks the org and the worker syncs both people.
      await harness.pollAll();
      await harness.drained(installation.id);
      const link = await links.findActiveByHubspot(
        harness.testDb.db,
        installation.id,
        'contacts',
        contact.id,
      );
      expect(link).not.toBeNull();
      const lead = await harness.salesforce.control.getRecord(link!.salesforceId);
      expect(lead.Email).toBe('waiting@example.com');
      const hubspotContacts = await harness.hubspot.control.records(portalId, 'contacts');
      expect(hubspotContacts.results.map((record) => record.properties.email)).toContain(
        'meanwhile@example.com',
      );
      expect((await api('GET', '/api/sync/health')).body.sync).toMatchObject({ state: 'running' });
    });

    it('forgets an unconfirmed first org that is disconnected, so another org can be connected', async () => {
      const portalId = 9302;
      await harness.salesforce.control.createOrg({ name: 'wrongco', adminUsername: 'admin@wrongco.example' });
      await installApp(harness, new Browser(), portalId);
      const { api } = await connectFromSettingsLink(portalId, { salesforceUser: 'admin@wrongco.example' });
      // Connected twice, never confirmed: still not the installation's org.
      await connectFromSettingsLink(portalId, { salesforceUser: 'admin@wrongco.example' });
      const wrong = await installationOf(portalId);
      expect(wrong.salesforce.username).toBe('admin@wrongco.example');
      expect(wrong.pauseReason).toBe('awaiting_connection_confirmation');
      expect(wrong.salesforce.connectionOrigin?.previousOrgId).toBeNull();

      const disconnected = await api('POST', '/api/settings/salesforce/disconnect', {});
      expect(disconnected.status).toBe(200);
      expect(await installationOf(portalId)).toMatchObject({
        status: 'awaiting_salesforce',
        state: { awaitingConfirmation: false },
        salesforce: { orgId: null, username: null, refreshToken: null, connectionOrigin: null },
      });
      expect((await harness.salesforce.control.listGrants({ org: 'wrongco' })).refreshTokens).toEqual([]);

      const { connected } = await connectFromSettingsLink(portalId);
      expect(textOf(connected)).toContain('Salesforce connected');
      const right = await installationOf(portalId);
      expect(right.salesforce.orgId).not.toBe(wrong.salesforce.orgId);
      expect(right.pauseReason).toBe('awaiting_connection_confirmation');

      // A confirmed org stays the installation's org: disconnecting an unconfirmed reconnect of it keeps it.
      expect(
        (await api('POST', '/api/settings/salesforce/confirm', { orgId: right.salesforce.orgId })).status,
      ).toBe(200);
      await connectFromSettingsLink(portalId);
      expect((await installationOf(portalId)).salesforce.connectionOrigin?.previousOrgId).toBe(
        right.salesforce.orgId,
      );
      expect((await api('POST', '/api/settings/salesforce/disconnect', {})).status).toBe(200);
      expect((await installationOf(portalId)).salesforce.orgId).toBe(right.salesforce.orgId);
    });
  },
);
