/**
 * The bridge's log after a whole first sync, read as an operator's log pipeline would keep it: the bridge in
 * its own process (server and worker, as `npm start` runs it, at `debug`), both emulators seeded with people,
 * the app installed through the browser flow, the first sync, edits on both sides that arrive by webhook and
 * by poll, a settings save and the card. Every line is one JSON object; no line holds a secret (the app's
 * client secrets, the token key, the operator token, the OAuth codes, any access or refresh token either
 * provider issued) or a person's email, phone or name; the lines of one sync batch share its correlation id,
 * and name the correlation ids of the webhook deliveries and poll runs that marked its records.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { createTokenCipher } from '../../../src/auth/tokenCipher';
import { openToken } from '../../../src/auth/sealedColumns';
import * as installations from '../../../src/db/installations';
import { LINKS } from '../../../src/db/links';
import { waitUntilSettled } from '../../bench/progress';
import { SALESFORCE_SEED_USER } from '../../bench/seed';
import { seedSandbox } from '../../sandbox/seed';
import { signedApi } from '../../support/signed-api';
import { installThroughBrowser } from '../../support/stack/install';
import { salesforceSessionOf } from '../../support/stack/salesforce-login';
import { startStack, type Stack } from '../../support/stack/stack';
import { subscribeBridgeWebhooks } from '../../support/stack/webhooks';

jest.setTimeout(240_000);

interface LogLine {
  level: number;
  msg: string;
  correlationId?: string;
  [field: string]: unknown;
}

/** Personal values of one record: an email, phones, names (as the CRMs hold them). */
type PersonValues = Array<string | null | undefined>;

/**
 * Whether `log` holds `value` as stored or as JSON escapes it, as a whole word: not inside a longer run of
 * letters and digits (a three-letter name may well occur inside a Salesforce id).
 */
function holds(log: string, value: string): boolean {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return [value, JSON.stringify(value).slice(1, -1)].some((form) =>
    new RegExp(`(?<![A-Za-z0-9])${escape(form)}(?![A-Za-z0-9])`).test(log),
  );
}

describe('the log of a whole sync', () => {
  let dir: string;
  let stack: Stack;
  let log: string;
  let lines: LogLine[];
  const secrets = new Map<string, string>();
  const people = new Set<string>();

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bridge-logs-'));
    const logFile = path.join(dir, 'bridge.log');
    stack = await startStack({
      databaseUrl: `sqlite:${path.join(dir, 'bridge.sqlite')}`,
      logLevel: 'debug',
      logFile,
      searchIndexingDelayMs: 200,
    });
    await seedSandbox(stack, { hubspotContacts: 40, salesforceRecords: 30 });
    const bridge = await stack.startBridge();
    await subscribeBridgeWebhooks(stack.hubspot.control, stack.hubspotAppId, bridge.baseUrl);
    const { installPage, connectPage } = await installThroughBrowser({
      bridgeBaseUrl: bridge.baseUrl,
      hubspotBaseUrl: stack.hubspot.baseUrl,
      portalId: stack.portalId,
    });
    // The OAuth codes and states, and the connect link's nonce, as the browser carried them.
    for (const hop of [...installPage.hops, ...connectPage.hops]) {
      const url = new URL(hop.url);
      for (const name of ['code', 'state', 'link']) {
        const value = url.searchParams.get(name);
        if (value) secrets.set(`${name} (${url.host}${url.pathname})`, value);
      }
    }
    const installation = await installations.findByPortalId(stack.db(), String(stack.portalId));
    if (!installation) throw new Error('the install left no installation');
    const settle = () =>
      waitUntilSettled(stack.db(), installation.id, {
        quietMs: 1_500,
        giveUpQuietMs: 10_000,
        timeoutMs: 120_000,
      });
    await settle();

    // An admin saves the settings page, polling Salesforce every 15 s.
    const api = signedApi(stack.hubspot, bridge.baseUrl, stack.portalId);
    const current = await api('GET', '/api/settings');
    const document = current.body.document as Record<string, unknown>;
    const saved = await api('PUT', '/api/settings', {
      document: { ...document, polling: { hubspotIntervalMs: 15_000, salesforceIntervalMs: 15_000 } },
      baseVersion: current.body.version as number,
    });
    expect(saved.status).toBe(200);

    // People at work: an edit in HubSpot (a webhook), an edit and a new Lead in Salesforce (the poll).
    const hubspotContacts = (await stack.hubspot.control.records(stack.portalId, 'contacts')).results;
    const edited = hubspotContacts.find((contact) => contact.properties.email);
    if (!edited) throw new Error('no HubSpot contact with an email');
    await stack.hubspot.control
      .asUser(stack.portalId)
      .update('contacts', edited.id, { phone: '+1 415 555 0199', jobtitle: 'Head of Logs' });
    const rep = await salesforceSessionOf(stack.salesforce, SALESFORCE_SEED_USER);
    const lead = await rep.query<{ Id: string }>(
      'SELECT Id FROM Lead WHERE Email != null AND IsConverted = false LIMIT 1',
    );
    const leadId = lead.records[0]?.Id;
    if (!leadId) throw new Error('no Salesforce Lead with an email');
    await stack.salesforce.control.updateRecord(
      leadId,
      { MobilePhone: '+44 20 7946 0321', Title: 'Keeper of Secrets' },
      { asUser: SALESFORCE_SEED_USER },
    );
    const created = await stack.salesforce.control.createRecord(
      'Lead',
      {
        FirstName: 'Ottoline',
        LastName: 'Quarrington',
        Email: 'ottoline.q@logs.example.org',
        Company: 'Logs',
      },
      { asUser: SALESFORCE_SEED_USER },
    );
    // The poll finds the new Lead within its interval, and the sync links it.
    const linked = () => stack.db()(LINKS).where({ salesforce_id: created.id, state: 'active' }).first();
    const deadline = Date.now() + 60_000;
    while (!(await linked())) {
      if (Date.now() > deadline) throw new Error('the new Lead was never synced');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await settle();

    // The card, opened on the edited contact (HubSpot's proxy adds the user's email to the request).
    expect((await api('GET', `/api/sync/records/hubspot/contacts/${edited.id}`)).status).toBe(200);

    // Every token either provider issued that the bridge holds now (refreshes included).
    const cipher = createTokenCipher(Buffer.from(stack.env.TOKEN_ENCRYPTION_KEY ?? '', 'hex'));
    const stored = await installations.findById(stack.db(), installation.id);
    for (const [column, sealed] of [
      ['hubspot_access_token', stored?.hubspot.accessToken],
      ['hubspot_refresh_token', stored?.hubspot.refreshToken],
      ['salesforce_access_token', stored?.salesforce.accessToken],
      ['salesforce_refresh_token', stored?.salesforce.refreshToken],
    ] as const) {
      if (!sealed) throw new Error(`the installation holds no ${column}`);
      const opened = openToken(cipher, installation.id, column, sealed);
      if (!opened.ok) throw opened.error;
      secrets.set(column, opened.value);
    }
    secrets.set('HUBSPOT_CLIENT_SECRET', stack.credentials.hubspot.clientSecret);
    secrets.set('SALESFORCE_CLIENT_SECRET', stack.credentials.salesforce.clientSecret);
    secrets.set('TOKEN_ENCRYPTION_KEY', stack.env.TOKEN_ENCRYPTION_KEY ?? '');
    secrets.set('OPS_TOKEN', stack.env.OPS_TOKEN ?? '');

    // Every person on both sides once the sync is over: contacts, Leads, Contacts, and the users of both.
    const values: PersonValues = [];
    for (const contact of (await stack.hubspot.control.records(stack.portalId, 'contacts')).results) {
      const { email, firstname, lastname, phone, mobilephone } = contact.properties;
      values.push(...[email, firstname, lastname, phone, mobilephone].map((value) => value as string | null));
    }
    for (const type of ['Lead', 'Contact']) {
      const records = await rep.query<Record<string, string | null>>(
        `SELECT FirstName, LastName, Email, Phone, MobilePhone FROM ${type}`,
      );
      for (const record of records.records) {
        values.push(record.FirstName, record.LastName, record.Email, record.Phone, record.MobilePhone);
      }
    }
    for (const user of await stack.salesforce.control.listUsers()) values.push(user.email, user.username);
    for (const user of (await stack.hubspot.control.portal(stack.portalId)).users) values.push(user.email);
    for (const value of values) {
      // Names of a letter or two ("Li", "O") would match inside any word; everything longer is checked.
      if (!value || value.trim().length < 3) continue;
      people.add(value.trim());
      // A phone also as the sync writes it (E.164).
      const phone = /^[+\d\s().-]{7,}$/.test(value) ? parsePhoneNumberFromString(value, 'US') : undefined;
      if (phone?.isValid()) people.add(phone.number);
    }

    await stack.bridge?.stop();
    log = fs.readFileSync(logFile, 'utf8');
    lines = log
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as LogLine);
  });

  afterAll(async () => {
    await stack?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('writes one JSON object per line and holds a real sync', () => {
    expect(lines.length).toBeGreaterThan(50);
    expect(lines.some((line) => line.msg === 'HubSpot app installed')).toBe(true);
    expect(lines.some((line) => line.msg === 'Salesforce connected')).toBe(true);
    expect(lines.some((line) => line.msg === 'settings version 1 saved')).toBe(true);
    expect(lines.some((line) => line.msg.startsWith('sync batch done'))).toBe(true);
  });

  it('holds no secret: client secrets, the token key, the operator token, OAuth codes and states, tokens', () => {
    const names = [...secrets.keys()];
    expect(names.filter((name) => name.startsWith('code (') && name.includes('/callback'))).toHaveLength(2);
    expect(names.filter((name) => name.startsWith('state ('))).not.toHaveLength(0);
    expect(names).toEqual(expect.arrayContaining(['hubspot_refresh_token', 'salesforce_access_token']));
    const found = [...secrets].filter(([, secret]) => secret.length > 0 && log.includes(secret));
    expect(found.map(([name]) => name)).toEqual([]);
  });

  it("holds no person's email, phone or name", () => {
    expect(people.size).toBeGreaterThan(200);
    const found = [...people].filter((value) => holds(log, value));
    expect(found).toEqual([]);
  });

  it('ties the lines of a sync batch together with its correlation id', () => {
    const done = lines.filter((line) => line.msg.startsWith('sync batch done'));
    expect(done.length).toBeGreaterThan(0);
    for (const line of done) expect(line.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    // A batch's other lines (the records it held, and released) carry the same id.
    const batch = done.find((line) => Number(line.synced) > 0);
    const sameBatch = lines.filter((line) => line.correlationId === batch?.correlationId);
    expect(sameBatch.map((line) => line.event ?? line.msg.split(':')[0])).toEqual(
      expect.arrayContaining(['records_locked', 'records_released', 'sync batch done']),
    );
    for (const line of sameBatch) expect(line.installationId).toBe(batch?.installationId);
  });

  /** The lines of the sync batches that name `trigger` among the triggers they serve. */
  const servedBy = (trigger: string) =>
    lines.filter((line) => Array.isArray(line.triggers) && (line.triggers as unknown[]).includes(trigger));

  it("names the webhook delivery that caused a sync on that sync's lines", () => {
    // The HubSpot edit arrived by webhook: its delivery's line, with the records it marked.
    const deliveries = lines.filter(
      (line) => line.msg.startsWith('webhook delivery') && Number(line.marked) > 0,
    );
    expect(deliveries.length).toBeGreaterThan(0);
    const served = deliveries.filter((delivery) => servedBy(String(delivery.correlationId)).length > 0);
    expect(served.length).toBeGreaterThan(0);
    for (const delivery of served) {
      expect(delivery.correlationId).toMatch(/^[0-9a-f-]{36}$/);
      const batchLines = servedBy(String(delivery.correlationId));
      // The batch keeps its own id for its lines, and names the delivery on every one of them.
      const batchIds = new Set(batchLines.map((line) => line.correlationId));
      expect(batchIds.has(delivery.correlationId)).toBe(false);
      for (const batchId of batchIds) {
        const all = lines.filter((line) => line.correlationId === batchId);
        expect(all.length).toBeGreaterThan(0);
        for (const line of all) expect(line.triggers).toContain(delivery.correlationId);
      }
    }
    // One of them synced the edit: the batch wrote to Salesforce, with its lines naming the delivery.
    const written = served.flatMap((delivery) =>
      servedBy(String(delivery.correlationId)).filter(
        (line) => line.msg.startsWith('sync batch done') && Number(line.synced) > 0,
      ),
    );
    expect(written.length).toBeGreaterThan(0);
    expect(
      served.some((delivery) =>
        servedBy(String(delivery.correlationId)).some((line) => line.event === 'records_locked'),
      ),
    ).toBe(true);
  });

  it('names the poll run that found a change on the lines of the sync it caused', () => {
    // The poll's own lines carry its run's id; the syncs of what it marked name that id as a trigger.
    const pollRuns = new Set(
      lines
        .filter((line) => typeof line.poll === 'string' && String(line.poll).startsWith('poll:salesforce'))
        .map((line) => String(line.correlationId)),
    );
    expect(pollRuns.size).toBeGreaterThan(0);
    const synced = [...pollRuns].filter((run) =>
      servedBy(run).some((line) => line.msg.startsWith('sync batch done') && Number(line.synced) > 0),
    );
    expect(synced.length).toBeGreaterThan(0);
  });
});
