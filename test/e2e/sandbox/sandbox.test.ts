/**
 * `npm run sandbox` as someone would run it: a child process that needs no configuration besides free ports
 * (given so the test cannot collide with a sandbox already running), says "ready", has really synced, keeps
 * simulating people, and stops cleanly on Ctrl-C.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HubSpotEmulatorControl } from '../../emulators/hubspot';
import { SalesforceControlClient } from '../../emulators/salesforce';
import { createDb } from '../../../src/db/knex';
import { LINKS, type LinkRow } from '../../../src/db/links';
import { freePort, PROJECT_ROOT } from '../../support/stack/bridge-process';

jest.setTimeout(120_000);

async function waitForOutput(output: () => string, text: string | RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(typeof text === 'string' ? output().includes(text) : text.test(output()))) {
    if (Date.now() > deadline) throw new Error(`never saw ${String(text)} in:\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('npm run sandbox', () => {
  it('installs, syncs, simulates people, and stops on Ctrl-C', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bridge-sandbox-'));
    const [port, hubspotPort, salesforcePort, previewPort] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const databaseUrl = `sqlite:${path.join(dir, 'sandbox.sqlite')}`;
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/sandbox/main.ts'], {
      cwd: PROJECT_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        HUBSPOT_EMULATOR_PORT: String(hubspotPort),
        SALESFORCE_EMULATOR_PORT: String(salesforcePort),
        PREVIEW_PORT: String(previewPort),
        DATABASE_URL: databaseUrl,
        LOG_LEVEL: 'warn',
        SANDBOX_ACTIVITY_INTERVAL_MS: '300',
      },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const db = createDb(databaseUrl);
    try {
      await waitForOutput(() => output, 'Sandbox ready.', 90_000);
      expect(output).toContain(`http://127.0.0.1:${port}`);
      expect(output).toContain(`http://127.0.0.1:${hubspotPort}`);
      expect(output).toContain(`http://127.0.0.1:${salesforcePort}`);
      expect(fs.existsSync(path.join(dir, 'sandbox-bridge.log'))).toBe(true);

      // The app's settings page and a card on a synced record, served by the preview, one URL each.
      const previewBase = `http://127.0.0.1:${previewPort}`;
      const settingsUrl = output.match(new RegExp(`${previewBase}/preview/settings\\S*`))?.[0];
      const cardUrl = output.match(
        new RegExp(`${previewBase}/preview/card\\?objectTypeId=0-1&objectId=\\d+`),
      )?.[0];
      expect(settingsUrl).toBeDefined();
      expect(cardUrl).toBeDefined();
      for (const url of [settingsUrl!, cardUrl!]) {
        const page = await fetch(url);
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('id="preview-boot"');
      }

      // A person synced: linked in the bridge, present on both sides, the same person.
      const link = await db<LinkRow>(LINKS)
        .where({ state: 'active', hubspot_object_type: 'contacts' })
        .orderBy('created_at')
        .first();
      expect(link).toBeDefined();
      const hubspotControl = new HubSpotEmulatorControl(`http://127.0.0.1:${hubspotPort}`);
      const hubspot = await hubspotControl.record(62515, 'contacts', link!.hubspot_id);
      // HubSpot's search lags its writes, in the sandbox as for real.
      expect((await hubspotControl.settings()).search.indexingDelayMs).toBe(2_000);
      const salesforce = await new SalesforceControlClient(`http://127.0.0.1:${salesforcePort}`).getRecord(
        link!.salesforce_id,
      );
      expect(hubspot.archived).toBe(false);
      expect(salesforce.IsDeleted).toBe(false);
      expect(String(salesforce.Email ?? '').toLowerCase()).toBe(hubspot.properties.email ?? '');
      expect(String(salesforce.LastName).trim()).toBe((hubspot.properties.lastname ?? '').trim());

      // The operator dashboard, signed in with the token the sandbox printed, lists the installation.
      const dashboard = new RegExp(`(http://127\\.0\\.0\\.1:${port}/ops) +\\(operator token (\\w+)\\)`).exec(
        output,
      );
      expect(dashboard).not.toBeNull();
      const login = await fetch(`${dashboard![1]}/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ token: dashboard![2]! }).toString(),
        redirect: 'manual',
      });
      expect(login.status).toBe(303);
      const session = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
      const ops = await fetch(dashboard![1]!, { headers: { cookie: session } });
      expect(await ops.text()).toContain(`data-installation="${link!.installation_id}"`);

      await waitForOutput(() => output, /\[activity\] (HubSpot|Salesforce):/, 10_000);
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.ok).toBe(true);

      child.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(output).toContain('Sandbox stopped.');
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
      await expect(fetch(`http://127.0.0.1:${previewPort}/preview`)).rejects.toThrow();
    } finally {
      child.kill('SIGKILL');
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
